"""Visibility (SPEC A2) and escalation tasks and ledger (SPEC F4) over JSON-RPC, as each
role would try it with his own login (issue 8 "Integrity", items 1 and 6).

An account manager sees his lessees only (partner lease data, contracts, invoices,
payments, journal items); finance, the business head and the oversight departments see
all. A head sees and reassigns his department's tasks. Nobody archives or deletes an
escalation task: it is done, or cancelled with a reason, both recorded in the ledger,
whose rows nobody writes or deletes. No context key is a credential.
"""

import psycopg2
from freezegun import freeze_time
from lease_escalation_common import EscalationCase
from lease_rpc_common import LeaseRpcCase

from odoo.exceptions import UserError
from odoo.tests import new_test_user
from odoo.tools import mute_logger

PARTNER_LEASE_FIELDS = [
    "lease_overdue_amount",
    "lease_days_overdue",
    "lease_overdue_count",
    "credit_rating",
]


class TestSecurityVisibilityRpc(LeaseRpcCase, EscalationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        group = "lease_overdue.group_"
        cls.business_head = new_test_user(
            cls.env, "t_business_head", groups=group + "business_head"
        )
        cls.asset_head = new_test_user(
            cls.env, "t_asset_head", groups=group + "asset_management_head"
        )
        cls.collector2 = new_test_user(
            cls.env, "t_collector2", groups=group + "asset_management"
        )
        cls.legal_user = new_test_user(cls.env, "t_legal", groups=group + "legal")
        # Lessee X is account manager A's (t_am), lessee Y manager B's (t_am2).
        cls.lessee_x = cls._lessee("Lessee X")
        cls.lessee_y = cls._lessee("Lessee Y")
        cls.contract_a = cls._contract(cls.lessee_x)
        cls.contract_b = cls._contract(
            cls.lessee_y, account_manager_id=cls.account_manager2.id
        )
        contracts = cls.contract_a | cls.contract_b
        # D9 only: the collector's phone task of day 1 carries one ledger row (the D5
        # calls and the D8 reminder would join it: one task per kind, issue 9 item 10)
        cls.company.lease_escalation_d5 = False
        cls.company.lease_escalation_d8 = False
        with freeze_time(cls.offset(1)):
            contracts.action_invoice_due()
            cls.env["lease.overdue.engine"]._run()
            cls.Rule._run_escalation(schedule="daily")
        Move = cls.env["account.move"]
        cls.invoice_a = Move.search([("lease_contract_id", "=", cls.contract_a.id)])
        cls.invoice_b = Move.search([("lease_contract_id", "=", cls.contract_b.id)])
        cls.payment_a = cls._pay(cls, cls.invoice_a, 1000.0, cls.offset(1))
        cls.payment_b = cls._pay(cls, cls.invoice_b, 1000.0, cls.offset(1))
        cls.case = cls.contract_a.current_case_id
        cls.task = cls.Activity.search(
            [
                ("res_model", "=", "lease.collection.case"),
                ("res_id", "=", cls.case.id),
                ("user_id", "=", cls.collector.id),
                ("lease_escalation_rule_id", "!=", False),
                ("lease_department", "=", "asset_management"),
            ],
            limit=1,
        )
        cls.task_log = cls.Log.search([("activity_id", "=", cls.task.id)])

    def _ids(self, user, model, domain, **kwargs):
        rows = self.assertRpcOk(
            user, model, "search_read", domain=domain, fields=["id"], **kwargs
        )
        return {row["id"] for row in rows}

    def _department_task(self, user, department):
        """An escalation task of ``department`` for ``user`` on the case, with its
        ledger row, as the job schedules them on later days."""
        rule = self._rule("d9_t2_assessment")
        task = self.Activity.create(
            {
                "res_model_id": self.env["ir.model"]._get_id("lease.collection.case"),
                "res_id": self.case.id,
                "activity_type_id": rule.activity_type_id.id,
                "summary": "Assess the lessee",
                "user_id": user.id,
                "lease_escalation_rule_id": rule.id,
                "lease_role_code": "account_manager",
                "lease_department": department,
            }
        )
        log = self.Log.create(
            {
                "rule_id": rule.id,
                "res_model": "lease.collection.case",
                "res_id": self.case.id,
                "case_id": self.case.id,
                "contract_id": self.contract_a.id,
                "period": "once",
                "role_code": "account_manager",
                "department": department,
                "user_id": user.id,
                "date": self.offset(20),
                "activity_id": task.id,
            }
        )
        return task, log

    def test_fixture(self):
        """The fixture is what the tests below rely on: both lessees invoiced and paid in
        part, a collector's escalation task with its open ledger row."""
        self.assertEqual(len(self.invoice_a), 1)
        self.assertEqual(len(self.invoice_b), 1)
        self.assertTrue(self.payment_a and self.payment_b)
        self.assertEqual(len(self.task), 1)
        self.assertEqual(self.task_log.state, "open")
        self.assertGreater(self.lessee_y.lease_days_overdue, 0)

    # ------------------------------------------------------------------
    # A2: an account manager sees his lessees only
    # ------------------------------------------------------------------
    def test_a2_account_manager_sees_only_his_lessees_money(self):
        """A2 / issue 8 item 6: account manager A finds and reads his lessee's invoices,
        payments and journal items, never those of manager B's lessee."""
        am = self.account_manager
        both = [self.lessee_x.id, self.lessee_y.id]
        moves = self._ids(am, "account.move", [("partner_id", "in", both)])
        self.assertIn(self.invoice_a.id, moves)
        self.assertNotIn(self.invoice_b.id, moves)
        self.assertTrue(set(self.payment_a.move_id.ids) <= moves)
        self.assertFalse(set(self.payment_b.move_id.ids) & moves)
        self.assertRpcOk(
            am, "account.move", "read", self.invoice_a.ids, fields=["name"]
        )
        self.assertRpcRefused(
            am, "account.move", "read", self.invoice_b.ids, fields=["name"]
        )

        payments = self._ids(am, "account.payment", [("partner_id", "in", both)])
        self.assertEqual(payments, set(self.payment_a.ids))
        self.assertRpcRefused(
            am, "account.payment", "read", self.payment_b.ids, fields=["amount"]
        )

        lines = self._ids(am, "account.move.line", [("partner_id", "in", both)])
        self.assertTrue(lines)
        self.assertTrue(
            lines <= set((self.invoice_a | self.payment_a.move_id).line_ids.ids)
        )
        self.assertRpcRefused(
            am,
            "account.move.line",
            "read",
            self.invoice_b.line_ids.ids[:1],
            fields=["balance"],
        )
        # Nor through read_group: B's figures never add up into A's totals.
        groups = self.assertRpcOk(
            am,
            "account.move.line",
            "formatted_read_group",
            domain=[("partner_id", "=", self.lessee_y.id)],
            groupby=["partner_id"],
            aggregates=["balance:sum"],
        )
        self.assertFalse(groups)

    def test_a2_account_manager_sees_only_his_lessees_contracts_and_figures(self):
        """A2 / issue 8 item 6: manager B's contract and his lessee's overdue figures and
        rating are out of A's sight; A's own lessee and non-lessee partners (users,
        company) stay readable."""
        am = self.account_manager
        self.assertRpcRefused(
            am, "lease.contract", "read", self.contract_b.ids, fields=["name"]
        )
        contracts = self._ids(am, "lease.contract", [])
        self.assertIn(self.contract_a.id, contracts)
        self.assertNotIn(self.contract_b.id, contracts)
        self.assertRpcRefused(
            am, "res.partner", "read", self.lessee_y.ids, fields=PARTNER_LEASE_FIELDS
        )
        partners = self._ids(
            am,
            "res.partner",
            [("id", "in", [self.lessee_x.id, self.lessee_y.id])],
        )
        self.assertEqual(partners, set(self.lessee_x.ids))
        rows = self.assertRpcOk(
            am,
            "res.partner",
            "search_read",
            domain=[("lease_days_overdue", ">", 0)],
            fields=["id"],
        )
        self.assertNotIn(self.lessee_y.id, {row["id"] for row in rows})
        own = self.assertRpcOk(
            am, "res.partner", "read", self.lessee_x.ids, fields=PARTNER_LEASE_FIELDS
        )
        self.assertEqual(own[0]["lease_days_overdue"], self.lessee_x.lease_days_overdue)
        self.assertGreater(own[0]["lease_days_overdue"], 0)
        # Odoo keeps working: his own partner, the company, a colleague, the lessee's
        # name on his contract.
        self.assertRpcOk(
            am,
            "res.partner",
            "read",
            (am.partner_id | self.env.company.partner_id).ids
            + self.account_manager2.partner_id.ids,
            fields=["name"],
        )
        contract = self.assertRpcOk(
            am, "lease.contract", "read", self.contract_a.ids, fields=["partner_id"]
        )
        self.assertEqual(contract[0]["partner_id"], [self.lessee_x.id, "Lessee X"])
        # Manager B symmetrically.
        self.assertRpcRefused(
            self.account_manager2,
            "account.move",
            "read",
            self.invoice_a.ids,
            fields=["name"],
        )

    def test_a2_finance_and_business_head_see_all(self):
        """A2 / issue 8 item 6: finance sees all money; the business head sees all of his
        department (both managers' lessees, contracts, invoices, payments)."""
        both = [self.lessee_x.id, self.lessee_y.id]
        for user in (self.finance_user, self.business_head):
            moves = self._ids(user, "account.move", [("partner_id", "in", both)])
            self.assertTrue({self.invoice_a.id, self.invoice_b.id} <= moves, user.login)
            payments = self._ids(user, "account.payment", [("partner_id", "in", both)])
            self.assertEqual(
                payments, set((self.payment_a | self.payment_b).ids), user.login
            )
            lines = self._ids(user, "account.move.line", [("partner_id", "in", both)])
            self.assertTrue(set(self.invoice_b.line_ids.ids) & lines, user.login)
            partners = self._ids(user, "res.partner", [("id", "in", both)])
            self.assertEqual(partners, set(both), user.login)
        contracts = self._ids(
            self.business_head,
            "lease.contract",
            [("id", "in", (self.contract_a | self.contract_b).ids)],
        )
        self.assertEqual(contracts, set((self.contract_a | self.contract_b).ids))

    # ------------------------------------------------------------------
    # A2: a head sees and reassigns his department's tasks
    # ------------------------------------------------------------------
    def test_a2_head_sees_and_reassigns_department_task(self):
        """A2 / issue 8 item 6: the head of asset management finds his collector's
        escalation task and hands it to another collector; the ledger follows. Neither
        the collector nor another collector can hand it over."""
        head = self.asset_head
        tasks = self._ids(
            head,
            "mail.activity",
            [("lease_department", "=", "asset_management")],
        )
        self.assertIn(self.task.id, tasks)
        # Nor does the collector hand his own task over: the ledger counts it for him.
        self.assertRpcRefused(
            self.collector,
            "mail.activity",
            "write",
            self.task.ids,
            vals={"user_id": self.collector2.id},
        )
        self.assertRpcRefused(
            self.collector2,
            "mail.activity",
            "write",
            self.task.ids,
            vals={"user_id": self.collector2.id},
        )
        self.assertRpcOk(
            head,
            "mail.activity",
            "write",
            self.task.ids,
            vals={"user_id": self.collector2.id},
        )
        self.assertEqual(self.task.user_id, self.collector2)
        self.assertEqual(self.task_log.user_id, self.collector2)
        self.assertEqual(self.task_log.state, "open")

    def test_a2_business_head_reassigns_task_on_case_he_cannot_edit(self):
        """A2 / issue 8 item 6: the business head reassigns an account manager's
        escalation task on a collection case, which he may read but not edit; a fellow
        account manager cannot take it over."""
        visit, log = self._department_task(self.account_manager, "business")
        self.assertFalse(
            self.case.with_user(self.business_head).has_access("write"),
            "the point of this test: the head cannot edit the case itself",
        )
        self.assertIn(
            visit.id,
            self._ids(self.business_head, "mail.activity", [("id", "=", visit.id)]),
        )
        self.assertRpcRefused(
            self.account_manager2,
            "mail.activity",
            "write",
            visit.ids,
            vals={"user_id": self.account_manager2.id},
        )
        self.assertRpcOk(
            self.business_head,
            "mail.activity",
            "write",
            visit.ids,
            vals={"user_id": self.team_lead.id},
        )
        self.assertEqual(visit.user_id, self.team_lead)
        self.assertEqual(log.user_id, self.team_lead)
        self.assertIn(self.team_lead.partner_id, self.case.message_partner_ids)

    # ------------------------------------------------------------------
    # F4: nobody archives or deletes an escalation task
    # ------------------------------------------------------------------
    def test_f4_nobody_archives_or_deletes_escalation_task(self):
        """F4 / issue 8 items 1 and 6: the collector, his head and the configuration
        manager cannot delete or archive an escalation task (unlink, write active,
        action_archive, mail's cancel), whatever the context (lease_close_state)."""
        contexts = ({}, {"lease_close_state": "done"}, {"active_test": False})
        for user in (self.collector, self.asset_head, self.manager):
            for context in contexts:
                self.assertRpcRefused(
                    user, "mail.activity", "unlink", self.task.ids, context=context
                )
                self.assertRpcRefused(
                    user,
                    "mail.activity",
                    "write",
                    self.task.ids,
                    context=context,
                    vals={"active": False},
                )
            for method in ("action_archive", "action_cancel"):
                self.assertRpcRefused(user, "mail.activity", method, self.task.ids)
            self.assertRpcRefused(
                user,
                "mail.activity",
                "write",
                self.task.ids,
                vals={"res_id": self.contract_b.current_case_id.id},
            )
        self.assertTrue(self.task.exists())
        self.assertTrue(self.task.active)
        self.assertEqual(self.task_log.state, "open")
        self.assertFalse(self.task_log.date_done)

    def test_f4_done_is_recorded(self):
        """F4: marking the task done (the transition) closes its ledger row as done."""
        self.assertRpcOk(self.collector, "mail.activity", "action_done", self.task.ids)
        self.assertFalse(self.task.active)
        self.assertEqual(self.task_log.state, "done")
        self.assertTrue(self.task_log.date_done)
        self.assertEqual(self.task_log.done_by_id, self.collector)
        # A done task is not revived by unarchiving it either.
        self.assertRpcRefused(
            self.collector,
            "mail.activity",
            "write",
            self.task.ids,
            vals={"active": True},
            context={"active_test": False},
        )

    def test_f4_only_assignee_or_head_marks_done(self):
        """F4 / issue 8 item 1: the collector may edit his case, yet he cannot mark the
        account manager's task on it done (the ledger would say the manager did it)."""
        visit, log = self._department_task(self.account_manager, "business")
        self.assertTrue(self.case.with_user(self.collector).has_access("write"))
        for method in ("action_done", "action_feedback"):
            self.assertRpcRefused(self.collector, "mail.activity", method, visit.ids)
        self.assertTrue(visit.active)
        self.assertEqual(log.state, "open")
        self.assertRpcOk(
            self.business_head, "mail.activity", "action_feedback", visit.ids
        )
        self.assertEqual(log.state, "done")
        self.assertEqual(log.done_by_id, self.business_head)

    def test_f4_cancel_with_reason(self):
        """F4 / issue 8 item 6: cancelling needs a reason, is the assignee's or his
        head's, and leaves the reason and who in the ledger and the case's chatter."""
        self.assertRpcRefused(
            self.collector,
            "mail.activity",
            "action_lease_cancel",
            self.task.ids,
            reason="  ",
        )
        self.assertRpcRefused(
            self.collector2,
            "mail.activity",
            "action_lease_cancel",
            self.task.ids,
            reason="not mine",
        )
        self.assertEqual(self.task_log.state, "open")
        wizard = self.assertRpcOk(
            self.collector,
            "lease.activity.cancel.wizard",
            "create",
            vals_list=[
                {
                    "activity_ids": [(6, 0, self.task.ids)],
                    "reason": "Lessee in court-ordered restructuring",
                }
            ],
        )
        self.assertRpcOk(
            self.collector, "lease.activity.cancel.wizard", "action_confirm", wizard
        )
        self.assertFalse(self.task.exists())
        self.assertEqual(self.task_log.state, "cancelled")
        self.assertEqual(self.task_log.cancelled_by_id, self.collector)
        self.assertIn("restructuring", self.task_log.cancel_reason)
        self.assertTrue(
            self.case.message_ids.filtered(
                lambda m: "restructuring" in str(m.body) and "cancelled" in str(m.body)
            )
        )

    def test_f4_head_cancels_department_task(self):
        """F4 / A2: the head of the task's department may cancel it with a reason."""
        self.assertRpcOk(
            self.asset_head,
            "mail.activity",
            "action_lease_cancel",
            self.task.ids,
            reason="Duplicate of the visit planned by the head",
        )
        self.assertEqual(self.task_log.state, "cancelled")
        self.assertEqual(self.task_log.cancelled_by_id, self.asset_head)

    # ------------------------------------------------------------------
    # F4: ledger rows are evidence
    # ------------------------------------------------------------------
    def test_f4_ledger_rows_cannot_be_written_or_deleted(self):
        """F4 / issue 8 items 1 and 5: nobody writes a ledger row's state or dates,
        creates or deletes a row over RPC, whatever the context; not even the superuser
        deletes one."""
        forged = (
            {"state": "done"},
            {"date_done": str(self.offset(1))},
            {"date_deadline": str(self.offset(30))},
            {"user_id": self.collector2.id},
            {"cancel_reason": "forged"},
        )
        for user in (self.collector, self.asset_head, self.manager):
            for vals in forged:
                self.assertRpcRefused(
                    user,
                    "lease.escalation.log",
                    "write",
                    self.task_log.ids,
                    vals=vals,
                    context={"lease_close_state": "done"},
                )
            self.assertRpcRefused(
                user, "lease.escalation.log", "unlink", self.task_log.ids
            )
            self.assertRpcRefused(
                user,
                "lease.escalation.log",
                "copy",
                self.task_log.ids,
            )
        self.assertEqual(self.task_log.state, "open")
        self.assertEqual(self.task_log.user_id, self.collector)
        with self.assertRaises(UserError):
            self.task_log.sudo().unlink()
        # Deleting its rule does not take the ledger rows with it: a clear refusal
        # (archive the rule), and the foreign key behind it.
        with self.assertRaisesRegex(UserError, "Archive the rule"):
            self.task_log.rule_id.unlink()
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(psycopg2.IntegrityError),
            self.env.cr.savepoint(),
        ):
            self.env.cr.execute(
                "DELETE FROM lease_escalation_rule WHERE id = %s",
                [self.task_log.rule_id.id],
            )
        self.assertTrue(self.task_log.exists())
