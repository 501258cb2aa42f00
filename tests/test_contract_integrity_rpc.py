"""Contracts, rent schedules and their invoices cannot be forged over RPC (issue
"Integrity" items 1, 3 and 7; SPEC A3, C1-C3).

An account manager (and finance, and the configuration manager) call Odoo's JSON API with
their own API key: writing a contract to ``active``, creating or importing an active one,
copying with a state, detaching an installment's invoice, changing the penalty rate of an
active contract with ``tracking_disable``, terminating with one click. Each is refused and
changes nothing; the amendment (reason, approval circuit, apply) is the door that works.
"""

from datetime import date

from lease_rpc_common import LeaseRpcCase
from lease_test_common import LeaseTestCase

from odoo.tests import new_test_user, tagged

GROUP = "lease_overdue.group_"


@tagged("post_install", "-at_install")
class TestContractIntegrityRpc(LeaseRpcCase, LeaseTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.finance_head = new_test_user(
            cls.env, "t_finance_head", groups=GROUP + "finance_head"
        )
        cls.biz_head = new_test_user(
            cls.env, "t_biz_head", groups=GROUP + "business_head"
        )
        cls.gm = new_test_user(cls.env, "t_gm", groups=GROUP + "general_manager")

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _amendment(self, user, contract, **vals):
        """Create an amendment as ``user`` over RPC; return it (as superuser)."""
        vals = dict({"contract_id": contract.id, "reason": "承租人申请调整"}, **vals)
        result = self.assertRpcOk(
            user,
            "lease.contract.amendment",
            "create",
            vals_list=[vals],
            context={"tracking_disable": True},
        )
        return self.env["lease.contract.amendment"].browse(result)

    def _contract_count(self):
        return self.env["lease.contract"].search_count([])

    # ------------------------------------------------------------------
    # Item 1: state and activation evidence
    # ------------------------------------------------------------------
    def test_i1_contract_state_only_through_activation(self):
        """Issue "Integrity" item 1 (SPEC A3, C1): write/create/load/copy of the
        contract's state or activation evidence is refused; activation works."""
        am = self.account_manager
        contract = self.env["lease.contract"].create(self._contract_vals())
        contract.action_generate_schedule()
        for vals in (
            {"state": "active"},
            {"date_activated": "2026-01-01 00:00:00"},
            {"activated_by_id": am.id},
            {"days_overdue": 0, "tier_id": False},
        ):
            self.assertRpcRefused(
                am, "lease.contract", "write", contract.ids, vals=vals
            )
        count = self._contract_count()
        self.assertRpcRefused(
            am,
            "lease.contract",
            "create",
            vals_list=[self._contract_vals(state="active")],
        )
        result = self.rpc(
            am,
            "lease.contract",
            "load",
            fields=["partner_id/.id", "financed_amount", "state"],
            data=[[str(self.lessee.id), "1000", "active"]],
        )[1]
        self.assertFalse(isinstance(result, dict) and result.get("ids"), result)
        self.assertRpcRefused(
            am, "lease.contract", "copy", contract.ids, default={"state": "active"}
        )
        # Nor the contract number, at creation or later.
        self.assertRpcRefused(
            am, "lease.contract", "create", vals_list=[self._contract_vals(name="ZL-X")]
        )
        self.assertRpcRefused(
            am, "lease.contract", "write", contract.ids, vals={"name": "ZL-X"}
        )
        self.assertEqual(self._contract_count(), count, "nothing was created")
        self.assertFalse(
            self.env["lease.contract"].search_count(
                [("state", "=", "active"), ("activated_by_id", "=", False)]
            )
        )
        contract.invalidate_recordset()
        self.assertEqual(contract.state, "draft")
        self.assertFalse(contract.date_activated)
        # A context default is no credential either: the contract is created as a draft.
        created = self.assertRpcOk(
            am,
            "lease.contract",
            "create",
            vals_list=[self._contract_vals()],
            context={"default_state": "active"},
        )
        self.assertEqual(self.env["lease.contract"].browse(created).state, "draft")
        # The transition works, and records who activated.
        self.assertRpcOk(am, "lease.contract", "action_activate", contract.ids)
        self.assertEqual(contract.state, "active")
        self.assertEqual(contract.activated_by_id, am)
        self.assertEqual(set(contract.installment_ids.mapped("state")), {"planned"})

    def test_i1_invoice_links_not_given_by_context(self):
        """Issue "Integrity" item 1: a default in the context does not link an invoice
        to an installment, nor does an amendment change contracts (fixed field)."""
        contract = self._active_contract()
        line = contract.installment_ids[:1]
        move_id = self.assertRpcOk(
            self.finance_user,
            "account.move",
            "create",
            vals_list=[{"move_type": "out_invoice", "partner_id": self.lessee.id}],
            context={
                "default_lease_installment_id": line.id,
                "default_lease_contract_id": contract.id,
                "default_lease_move_kind": "rent",
            },
        )
        move = self.env["account.move"].browse(move_id)
        self.assertFalse(move.lease_installment_id or move.lease_contract_id)
        other = self._active_contract(partner_id=self.lessee2.id)
        amendment = self._amendment(
            self.account_manager, contract, kind="termination", reason="变更测试原因"
        )
        self.assertRpcRefused(
            self.account_manager,
            "lease.contract.amendment",
            "write",
            amendment.ids,
            vals={"contract_id": other.id},
        )

    def test_i1_installment_invoice_link_never_changes(self):
        """Issue "Integrity" items 1 and 3 (SPEC C2): the installment <-> invoice link,
        the installment's state and the engine's figures are refused to every user; a
        rent invoice cannot be deleted; the nightly job does not bill the rent twice."""
        contract = self._active_contract(invoice_until=date(2026, 2, 10))
        line = contract.installment_ids.sorted("sequence")[0]
        move = line.move_id
        self.assertIn(line.state, ("invoiced", "overdue"))
        for user in (self.account_manager, self.finance_user, self.manager):
            for vals in (
                {"move_id": False},
                {"state": "planned"},
                {"amount_paid": line.amount_rent},
                {"penalty_move_ids": [(5, 0, 0)]},
            ):
                self.assertRpcRefused(
                    user, "lease.installment", "write", line.ids, vals=vals
                )
        for vals in (
            {"lease_installment_id": False},
            {"lease_contract_id": False},
            {"lease_move_kind": "penalty"},
        ):
            self.assertRpcRefused(
                self.finance_user, "account.move", "write", move.ids, vals=vals
            )
        move.button_draft()
        result = self.assertRpcRefused(
            self.finance_user, "account.move", "unlink", move.ids
        )
        self.assertIn("credit note", result["message"])
        move.action_post()
        line.invalidate_recordset()
        self.assertEqual(line.move_id, move)
        self.assertIn(line.state, ("invoiced", "overdue"))
        self.assertEqual(move.lease_installment_id, line)
        # The nightly job finds nothing more to bill for that installment.
        self.env["lease.installment"]._invoice_due(date=date(2026, 2, 1))
        self.assertEqual(
            self.env["account.move"].search_count(
                [
                    ("lease_installment_id", "=", line.id),
                    ("lease_move_kind", "=", "rent"),
                ]
            ),
            1,
        )
        # Only finance invoices, and only through the transition.
        self.assertRpcRefused(
            self.account_manager,
            "lease.installment",
            "action_invoice",
            contract.installment_ids.sorted("sequence")[1].ids,
        )

    # ------------------------------------------------------------------
    # Item 3: amendments
    # ------------------------------------------------------------------
    def test_i3_active_contract_fields_only_by_amendment(self):
        """Issue "Integrity" item 3: penalty rate, terms, parties, people and the
        schedule of an active contract are refused to every user (even with
        tracking_disable), with a message pointing to the amendment."""
        contract = self._active_contract()
        line = contract.installment_ids.sorted("sequence")[0]
        for user in (self.account_manager, self.finance_user, self.manager):
            result = self.assertRpcRefused(
                user,
                "lease.contract",
                "write",
                contract.ids,
                vals={"penalty_rate": 0.0},
                context={"tracking_disable": True, "mail_notrack": True},
            )
            self.assertIn("amendment", result["message"])
        for vals in (
            {"financed_amount": 1.0},
            {"partner_id": self.lessee2.id},
            {"guarantor_ids": [(4, self.lessee2.id)]},
            {"collector_id": self.account_manager.id},
            {"account_manager_id": self.account_manager2.id},
        ):
            self.assertRpcRefused(
                self.account_manager, "lease.contract", "write", contract.ids, vals=vals
            )
        self.assertRpcRefused(
            self.account_manager,
            "lease.installment",
            "write",
            line.ids,
            vals={"amount_principal": 1.0, "date_due": "2026-02-20"},
        )
        contract.invalidate_recordset()
        line.invalidate_recordset()
        self.assertEqual(contract.penalty_rate, 0.0005)
        self.assertEqual(contract.partner_id, self.lessee)
        self.assertEqual(contract.collector_id, self.collector)
        self.assertEqual(line.amount_principal, 10000.0)

    def test_i3_penalty_reduction_approved_by_finance_head(self):
        """Issue "Integrity" item 3: the account manager prepares a penalty reduction, the
        finance head approves it (never its preparer), apply changes the rate and the
        contract's chatter shows old and new, whatever the caller's context."""
        contract = self._active_contract()
        am = self.account_manager
        amendment = self._amendment(
            am, contract, kind="penalty", new_penalty_rate=0.0002
        )
        self.assertRpcRefused(
            am,
            "lease.contract.amendment",
            "write",
            amendment.ids,
            vals={"state": "approved"},
        )
        self.assertRpcOk(am, "lease.contract.amendment", "action_submit", amendment.ids)
        self.assertEqual(amendment.state, "submitted")
        # The preparer, another department's head: refused.
        self.assertRpcRefused(
            am, "lease.contract.amendment", "action_approve", amendment.ids
        )
        self.assertRpcRefused(
            self.biz_head, "lease.contract.amendment", "action_approve", amendment.ids
        )
        # Frozen once submitted.
        self.assertRpcRefused(
            am,
            "lease.contract.amendment",
            "write",
            amendment.ids,
            vals={"new_penalty_rate": 0.0},
        )
        self.assertRpcOk(
            self.finance_head,
            "lease.contract.amendment",
            "action_approve",
            amendment.ids,
        )
        self.assertEqual(amendment.state, "approved")
        self.assertEqual(contract.penalty_rate, 0.0005, "approved is not applied yet")
        self.assertRpcOk(
            am,
            "lease.contract.amendment",
            "action_apply",
            amendment.ids,
            context={"tracking_disable": True, "mail_notrack": True},
        )
        contract.invalidate_recordset()
        self.assertEqual(amendment.state, "applied")
        self.assertEqual(contract.penalty_rate, 0.0002)
        self.assertEqual(amendment.review_ids.done_by, self.finance_head)
        bodies = " ".join(contract.message_ids.mapped("body"))
        self.assertIn("0.0005", bodies)
        self.assertIn("0.0002", bodies)
        self.assertIn("承租人申请调整", bodies)

    def test_i3_preparer_never_approves_own(self):
        """Issue "Integrity" item 3 (four eyes): the finance head who prepares a penalty
        waiver cannot approve it; another finance head can."""
        contract = self._active_contract()
        amendment = self._amendment(
            self.finance_head, contract, kind="penalty", new_penalty_rate=0.0
        )
        self.assertRpcOk(
            self.finance_head,
            "lease.contract.amendment",
            "action_submit",
            amendment.ids,
        )
        result = self.assertRpcRefused(
            self.finance_head,
            "lease.contract.amendment",
            "action_approve",
            amendment.ids,
        )
        self.assertIn("preparer", result["message"])
        other = new_test_user(
            self.env, "t_finance_head2", groups=GROUP + "finance_head"
        )
        self.assertRpcOk(
            other, "lease.contract.amendment", "action_approve", amendment.ids
        )
        self.assertEqual(amendment.state, "approved")

    def test_i3_terms_business_head_then_gm(self):
        """Issue "Integrity" item 3: a schedule change is approved by the business head
        then the general manager, each a different person; invoiced rent cannot be
        amended (credit note)."""
        contract = self._active_contract(invoice_until=date(2026, 2, 10))
        lines = contract.installment_ids.sorted("sequence")
        am = self.account_manager
        # Invoiced installment: refused at submission.
        invoiced = self._amendment(
            am,
            contract,
            kind="terms",
            line_ids=[
                (0, 0, {"installment_id": lines[0].id, "new_amount_interest": 5.0})
            ],
        )
        result = self.assertRpcRefused(
            am, "lease.contract.amendment", "action_submit", invoiced.ids
        )
        self.assertIn("credit note", result["message"])
        # Move 2 000 of principal from the 11th to the 12th installment, 12th 5 days later.
        amendment = self._amendment(
            am,
            contract,
            kind="terms",
            line_ids=[
                (
                    0,
                    0,
                    {
                        "installment_id": lines[10].id,
                        "new_date_due": "2026-12-10",
                        "new_amount_principal": 8000.0,
                        "new_amount_interest": 0.0,
                    },
                ),
                (
                    0,
                    0,
                    {
                        "installment_id": lines[11].id,
                        "new_date_due": "2027-01-15",
                        "new_amount_principal": 12000.0,
                        "new_amount_interest": 0.0,
                    },
                ),
            ],
        )
        self.assertRpcOk(am, "lease.contract.amendment", "action_submit", amendment.ids)
        self.assertRpcRefused(
            self.gm, "lease.contract.amendment", "action_approve", amendment.ids
        )
        self.assertRpcRefused(
            self.finance_head,
            "lease.contract.amendment",
            "action_approve",
            amendment.ids,
        )
        self.assertRpcOk(
            self.biz_head, "lease.contract.amendment", "action_approve", amendment.ids
        )
        self.assertEqual(amendment.state, "submitted")
        self.assertRpcRefused(
            am, "lease.contract.amendment", "action_apply", amendment.ids
        )
        self.assertRpcOk(
            self.gm, "lease.contract.amendment", "action_approve", amendment.ids
        )
        self.assertEqual(amendment.state, "approved")
        self.assertRpcOk(am, "lease.contract.amendment", "action_apply", amendment.ids)
        lines.invalidate_recordset()
        self.assertEqual(lines[10].amount_principal, 8000.0)
        self.assertEqual(lines[11].amount_principal, 12000.0)
        self.assertEqual(lines[11].date_due, date(2027, 1, 15))
        self.assertEqual(
            amendment.review_ids.sorted("sequence").done_by, self.biz_head | self.gm
        )
        self.assertIn("12000.0", amendment.new_values)

    def test_i3_circuit_configurable(self):
        """Issue "Integrity" item 3: a configured circuit replaces the default one (here
        the general manager approves penalty waivers instead of the finance head)."""
        # The circuit is the amendment's tier definitions (one approval mechanism).
        self.env.ref(
            "lease_overdue.circuit_amend_penalty_finance"
        ).reviewer_group_id = self.env.ref(GROUP + "general_manager")
        contract = self._active_contract()
        amendment = self._amendment(
            self.account_manager, contract, kind="penalty", new_penalty_rate=0.0001
        )
        self.assertRpcOk(
            self.account_manager,
            "lease.contract.amendment",
            "action_submit",
            amendment.ids,
        )
        self.assertRpcRefused(
            self.finance_head,
            "lease.contract.amendment",
            "action_approve",
            amendment.ids,
        )
        self.assertRpcOk(
            self.gm, "lease.contract.amendment", "action_approve", amendment.ids
        )
        self.assertEqual(amendment.state, "approved")

    def test_i3_termination_needs_reason_and_approval(self):
        """Issue "Integrity" item 3: one click no longer terminates a contract; the
        termination amendment needs a reason, the business head and the general manager,
        then applying it terminates the contract."""
        contract = self._active_contract(invoice_until=date(2026, 2, 10))
        am = self.account_manager
        action = self.assertRpcOk(
            am, "lease.contract", "action_terminate", contract.ids
        )
        self.assertEqual(action["res_model"], "lease.contract.amendment")
        contract.invalidate_recordset()
        self.assertEqual(contract.state, "active")
        self.assertRpcRefused(
            am, "lease.contract", "write", contract.ids, vals={"state": "terminated"}
        )
        self.assertRpcRefused(am, "lease.contract", "action_close", contract.ids)
        for reason in ("  ", "x" * 3000):
            self.assertRpcRefused(
                am,
                "lease.contract.amendment",
                "create",
                vals_list=[
                    {
                        "contract_id": contract.id,
                        "kind": "termination",
                        "reason": reason,
                    }
                ],
            )
        amendment = self._amendment(
            am, contract, kind="termination", reason="承租人失联,资产需处置"
        )
        self.assertRpcOk(am, "lease.contract.amendment", "action_submit", amendment.ids)
        self.assertRpcOk(
            self.biz_head, "lease.contract.amendment", "action_approve", amendment.ids
        )
        contract.invalidate_recordset()
        self.assertEqual(contract.state, "active")
        self.assertRpcOk(
            self.gm, "lease.contract.amendment", "action_approve", amendment.ids
        )
        self.assertRpcOk(am, "lease.contract.amendment", "action_apply", amendment.ids)
        contract.invalidate_recordset()
        self.assertEqual(contract.state, "terminated")
        self.assertIn("承租人失联", " ".join(contract.message_ids.mapped("body")))

    def test_i3_refused_amendment_changes_nothing(self):
        """Issue "Integrity" item 3: a refused amendment cannot be applied."""
        contract = self._active_contract()
        amendment = self._amendment(
            self.account_manager, contract, kind="early_close", reason="提前结清申请"
        )
        self.assertRpcOk(
            self.account_manager,
            "lease.contract.amendment",
            "action_submit",
            amendment.ids,
        )
        # A refusal needs a reason (one approval mechanism).
        self.assertRpcRefused(
            self.biz_head, "lease.contract.amendment", "action_refuse", amendment.ids
        )
        self.assertRpcOk(
            self.biz_head,
            "lease.contract.amendment",
            "action_refuse",
            amendment.ids,
            comment="不符合提前结清条件",
        )
        self.assertEqual(amendment.state, "refused")
        self.assertRpcRefused(
            self.account_manager,
            "lease.contract.amendment",
            "action_apply",
            amendment.ids,
        )
        self.assertEqual(contract.state, "active")

    def test_i3_early_closing_after_rent_paid(self):
        """Issue "Integrity" item 3: early closing needs the invoiced rent paid, a reason
        and the approval of the business head then the general manager."""
        contract = self._active_contract(invoice_until=date(2026, 2, 10))
        am = self.account_manager
        amendment = self._amendment(
            am, contract, kind="early_close", reason="承租人提前结清"
        )
        result = self.assertRpcRefused(
            am, "lease.contract.amendment", "action_submit", amendment.ids
        )
        self.assertIn("unpaid", result["message"])
        move = contract.installment_ids.filtered("move_id").move_id
        self._pay(move, move.amount_total, date(2026, 2, 10))
        self.assertRpcOk(am, "lease.contract.amendment", "action_submit", amendment.ids)
        self.assertRpcOk(
            self.biz_head, "lease.contract.amendment", "action_approve", amendment.ids
        )
        self.assertRpcOk(
            self.gm, "lease.contract.amendment", "action_approve", amendment.ids
        )
        self.assertRpcOk(
            self.gm, "lease.contract.amendment", "action_apply", amendment.ids
        )
        contract.invalidate_recordset()
        self.assertEqual(contract.state, "closed")

    def test_i3_no_amendment_without_the_contract_and_no_reset(self):
        """Issue "Integrity" items 1 and 3 (SPEC A2): another account manager cannot amend
        a contract he does not see; only the configuration manager resets an active
        contract without invoiced rent to draft."""
        contract = self._active_contract()
        self.assertRpcRefused(
            self.account_manager2,
            "lease.contract.amendment",
            "create",
            vals_list=[
                {
                    "contract_id": contract.id,
                    "kind": "termination",
                    "reason": "不是我的合同",
                }
            ],
        )
        self.assertRpcRefused(
            self.account_manager, "lease.contract", "action_reset_draft", contract.ids
        )
        self.assertEqual(contract.state, "active")
        self.assertRpcOk(
            self.manager, "lease.contract", "action_reset_draft", contract.ids
        )
        contract.invalidate_recordset()
        self.assertEqual(contract.state, "draft")
        self.assertFalse(contract.date_activated)

    # ------------------------------------------------------------------
    # Item 7: plausibility
    # ------------------------------------------------------------------
    def test_i7_plausibility(self):
        """Issue "Integrity" item 7: dates in the company's range, the penalty rate under
        its cap, no negative amounts, and an unknown partner named in a clear error."""
        am = self.account_manager
        count = self._contract_count()
        for overrides in (
            {"date_start": date(1900, 1, 1)},
            {"date_first_due": date(2200, 1, 1)},
            {"penalty_rate": 0.05},
            {"penalty_rate": -0.001},
            {"financed_amount": -1.0},
            {"annual_rate": 650.0},
        ):
            result = self.assertRpcRefused(
                am,
                "lease.contract",
                "create",
                vals_list=[self._contract_vals(**overrides)],
            )
            self.assertEqual(result["name"], "odoo.exceptions.ValidationError", result)
        result = self.assertRpcRefused(
            am,
            "lease.contract",
            "create",
            vals_list=[self._contract_vals(partner_id=987654321)],
        )
        self.assertIn("Lessee", result["message"])
        self.assertIn("987654321", result["message"])
        result = self.assertRpcRefused(
            am,
            "lease.contract",
            "create",
            vals_list=[self._contract_vals(guarantor_ids=[(6, 0, [987654322])])],
        )
        self.assertIn("Guarantors", result["message"])
        self.assertEqual(self._contract_count(), count)
        draft = self.env["lease.contract"].create(self._contract_vals())
        draft.action_generate_schedule()
        self.assertRpcRefused(
            am,
            "lease.installment",
            "write",
            draft.installment_ids[:1].ids,
            vals={"date_due": "1026-02-10"},
        )
        # The cap is the company's setting.
        self.company.write(
            {"lease_default_penalty_rate": 0.0002, "lease_max_penalty_rate": 0.0003}
        )
        self.assertRpcRefused(
            am, "lease.contract", "create", vals_list=[self._contract_vals()]
        )
        self.company.lease_max_penalty_rate = 0.001
        self.assertRpcOk(
            am, "lease.contract", "create", vals_list=[self._contract_vals()]
        )
