"""Payment in full stops everything (SPEC E14; issue 9, item 4).

A case at tier 3 with every kind of step under way (letters in draft, submitted,
approved and issued; a legal case; an approved disposal plan and a draft one; a planned
overdue inspection; escalation tasks) is paid in full on day 36: every further step is
refused with a message naming the case, what was pending is withdrawn with the reason in
its chatter, what is under way is left to a person with a task. Reopening needs a
reason; a reversed payment reopens the case by itself.
"""

import re
from datetime import timedelta

from freezegun import freeze_time
from lease_document_common import DUE, LeaseDocumentCase, LeaseDocumentMixin
from lease_rpc_common import LeaseRpcCase

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

PAID_DAY = 36


class CaseClosureMixin:
    def _busy_case(self):
        """A case at day 35 with something in every state, then its rent paid in full
        on day 36 (penalty-free contract: the rent is all that is due)."""
        case = self._overdue_case(
            35, penalty_rate=0.0, guarantor_ids=self._guarantors()
        )
        contract = case.contract_id
        self.env["lease.asset"].create(
            {"name": "挖掘机 XE200", "contract_id": contract.id, "value": 150000.0}
        )
        with self._on(15):
            letter = case._escalation_prepare_lawyer_letter()
        with self._on(35):
            notice = case._escalation_prepare_notice()
            report = case._escalation_prepare_inspection_report()
            assessment = case._escalation_request_assessment()
            legal_case = case._escalation_start_legal()
            notices = case._escalation_notify_guarantors()
            plan = case._escalation_draft_disposal_plan()
            self.env["lease.escalation.rule"]._run_escalation()
        users = self.users
        # the collection notice waits for the head of asset management's signature
        notice.with_user(users["collector"]).action_submit()
        # the assessment waits for business and risk management
        assessment.with_user(users["account_manager"]).action_submit()
        # the lawyer's letter went out; the first guarantor notice is signed, not sent
        letter.with_user(users["legal"]).write({"lawyer_name": "王律师"})
        letter.with_user(users["legal"]).action_submit()
        letter.with_user(users["legal_head"]).action_approve()
        letter.with_user(users["legal"]).action_issue()
        signed, draft_notice = notices.sorted("id")
        signed.with_user(users["legal"]).action_submit()
        signed.with_user(users["legal_head"]).action_approve()
        legal_case.with_user(users["legal"]).write({"court": "上海市浦东新区人民法院"})
        # the committee approved the plan; a second plan is still a draft
        plan.with_user(users["collector"]).write(
            {"method": "sale", "plan": "<p>出售挖掘机</p>"}
        )
        plan.with_user(users["collector"]).action_submit()
        plan.with_user(users["committee"]).action_approve_plan()
        draft_plan = self.env["lease.disposal"].create({"case_id": case.id})
        records = {
            "case": case,
            "letter": letter,
            "notice": notice,
            "report": report,
            "inspection": report.inspection_id,
            "assessment": assessment,
            "legal_case": legal_case,
            "signed": signed,
            "draft_notice": draft_notice,
            "plan": plan,
            "draft_plan": draft_plan,
        }
        self.assertEqual(
            [records[k].state for k in ("notice", "assessment", "signed", "plan")],
            ["to_approve", "to_approve", "approved", "approved"],
        )
        self.assertEqual(records["inspection"].state, "planned")
        self.assertEqual(records["inspection"].case_id, case)
        self.assertTrue(self._case_tasks(case), "the escalation job gave tasks")
        first = contract.installment_ids.sorted("sequence")[0]
        self._pay(first.move_id, first.amount_residual, DUE + timedelta(days=PAID_DAY))
        self.assertEqual(case.state, "closed")
        self.assertEqual(case.date_end, DUE + timedelta(days=PAID_DAY))
        return records

    def _case_tasks(self, case):
        return self.env["mail.activity"].search(
            [("res_model", "=", case._name), ("res_id", "=", case.id)]
        )

    @staticmethod
    def _reason():
        return f"paid in full on {DUE + timedelta(days=PAID_DAY)}"


class TestCaseClosure(CaseClosureMixin, LeaseDocumentCase):
    def test_e14_closed_case_refuses_every_step(self):
        """E14 / item 4: once the case is paid in full, each further step is refused to
        the very user entitled to it, with a message naming the case and saying it was
        paid in full; only withdrawing what is under way stays possible."""
        r = self._busy_case()
        case, users = r["case"], self.users
        refused = [
            ("signed", "legal", "action_issue"),  # send the signed guarantor notice
            ("legal_case", "legal", "action_file"),  # file the lawsuit
            ("plan", "collector", "action_start"),  # execute the disposal
            ("inspection", "collector", "action_done"),  # inspect on site
            ("notice", "am_head", "action_approve"),  # sign the notice
            ("assessment", "biz_head", "action_approve"),  # approve the assessment
        ]
        for key, role, method in refused:
            record = r[key].with_user(users[role])
            with (
                self.subTest(step=f"{key}.{method}"),
                self._on(PAID_DAY + 1),
                self.assertRaisesRegex(UserError, re.escape(case.name)) as caught,
            ):
                getattr(record, method)()
            self.assertIn("Paid in full", str(caught.exception))
        with (
            self._on(PAID_DAY + 1),
            self.assertRaisesRegex(UserError, re.escape(case.name)),
        ):
            self.env["lease.document"].with_user(users["collector"]).create(
                {"kind": "collection_notice", "case_id": case.id}
            )
        self.assertEqual(
            (r["signed"].state, r["legal_case"].state, r["plan"].state),
            ("approved", "preparation", "approved"),
        )
        self.assertEqual(r["inspection"].state, "cancel")
        # what a person still decides: legal withdraws the case, the plan is stopped
        with self._on(PAID_DAY + 1):
            r["legal_case"].with_user(users["legal"]).write({"outcome": "withdrawn"})
            r["legal_case"].with_user(users["legal"]).action_close()
            r["plan"].with_user(users["collector"]).action_cancel()
        self.assertEqual(r["legal_case"].state, "closed")
        self.assertEqual(r["plan"].state, "cancelled")
        with self.assertRaisesRegex(UserError, re.escape(case.name)):
            r["legal_case"].with_user(users["legal"]).action_reopen()

    def test_e14_closing_withdraws_pending_with_reason(self):
        """E14 / item 4: closing withdraws the drafts and the submitted documents with
        their pending approvals, the draft plan, the planned inspection and the tasks,
        each with "paid in full on <date>" in its chatter; issued and signed papers stay
        as they are; the legal case and the approved plan get a note and a task for the
        person who decides."""
        r = self._busy_case()
        case = r["case"]
        for key in ("notice", "assessment", "report", "draft_notice"):
            with self.subTest(document=key):
                self.assertEqual(r[key].state, "cancelled")
                self.assertFalse(r[key].review_ids, "no approval left pending")
                self.assertIn(self._reason(), str(r[key].message_ids.mapped("body")))
        withdrawn = (
            self.env["tier.review"]
            .with_context(active_test=False)
            .search(
                [
                    ("model", "=", "lease.document"),
                    ("res_id", "in", (r["notice"] | r["assessment"]).ids),
                ]
            )
        )
        self.assertTrue(withdrawn)
        self.assertEqual(set(withdrawn.mapped("status")), {"cancel"})
        self.assertEqual(r["draft_plan"].state, "cancelled")
        self.assertIn(self._reason(), str(r["draft_plan"].message_ids.mapped("body")))
        self.assertEqual(r["inspection"].state, "cancel")
        self.assertIn(self._reason(), str(r["inspection"].message_ids.mapped("body")))
        # evidence stays as it is
        self.assertEqual(r["letter"].state, "issued")
        self.assertEqual(r["signed"].state, "approved")
        self.assertTrue(r["signed"].signed_by_id)
        # under way: a note and a task for who decides
        for key, group in (
            ("legal_case", "lease_overdue.group_legal"),
            ("plan", "lease_overdue.group_asset_management"),
        ):
            with self.subTest(underway=key):
                record = r[key]
                self.assertIn(self._reason(), str(record.message_ids.mapped("body")))
                task = record.activity_ids
                self.assertEqual(len(task), 1)
                self.assertIn("paid in full", task.summary)
                self.assertTrue(task.user_id.has_group(group))
        # the case's tasks are closed with the reason, in the ledger and the chatter
        self.assertFalse(self._case_tasks(case))
        logs = self.env["lease.escalation.log"].search([("case_id", "=", case.id)])
        self.assertFalse(logs.filtered(lambda log: log.state == "open"))
        closed = logs.filtered(lambda log: log.state == "closed")
        self.assertTrue(closed)
        self.assertTrue(all(self._reason() in log.cancel_reason for log in closed))
        bodies = str(case.message_ids.mapped("body"))
        self.assertIn(f"Paid in full on {DUE + timedelta(days=PAID_DAY)}", bodies)
        self.assertIn(r["legal_case"].name, bodies)

    def test_e14_reopen_needs_a_reason_and_a_head(self):
        """Item 4: reopening a closed case is for the head of asset management or the
        configuration manager, with a reason, recorded with who and when; the case
        then stays open until the lessee pays again, and its steps move again."""
        r = self._busy_case()
        case, users = r["case"], self.users
        with self._on(PAID_DAY + 1):
            for role in ("collector", "legal_head", "risk_head"):
                with self.subTest(role=role), self.assertRaises(AccessError):
                    case.with_user(users[role]).action_reopen("the cheque bounced")
            for reason in (None, "", "   "):
                with self.subTest(reason=reason), self.assertRaises(UserError):
                    case.with_user(users["am_head"]).action_reopen(reason)
            self.assertEqual(case.state, "closed")
            wizard = (
                self.env["lease.case.reopen.wizard"]
                .with_user(users["am_head"])
                .create({"case_ids": case.ids, "reason": "The cheque bounced"})
            )
            wizard.action_confirm()
        self.assertEqual(case.state, "open")
        self.assertEqual(case.reopened_by_id, users["am_head"])
        self.assertEqual(case.date_reopened, DUE + timedelta(days=PAID_DAY + 1))
        self.assertEqual(case.reopen_reason, "The cheque bounced")
        self.assertFalse(case.date_end)
        self.assertEqual(case.contract_id.current_case_id, case)
        note = case.message_ids.filtered(lambda m: "The cheque bounced" in str(m.body))
        self.assertEqual(len(note), 1)
        self.assertIn(users["am_head"].name, str(note.body))
        # the next computations keep it open: nothing new was paid
        self._run(PAID_DAY + 2, case.contract_id)
        self.assertEqual(case.state, "open")
        # its steps move again: the signed notice goes out
        r["signed"].with_user(users["legal"]).action_issue()
        self.assertEqual(r["signed"].state, "issued")
        # and a new payment on a later day closes it again
        second = case.contract_id.installment_ids.sorted("sequence")[1]
        with self._on(PAID_DAY + 3):
            second._create_rent_invoices()
        self._pay(
            second.move_id, second.amount_rent, DUE + timedelta(days=PAID_DAY + 3)
        )
        self.assertEqual(case.state, "closed")

    def test_e14_reversed_payment_reopens_the_case(self):
        """Item 4: unreconciling the payment that closed the case reopens the same case
        (no second episode), with an automatic reason and no person as its author."""
        r = self._busy_case()
        case = r["case"]
        contract = case.contract_id
        first = contract.installment_ids.sorted("sequence")[0]
        with self._on(PAID_DAY + 2):
            first.move_id.line_ids.filtered(
                lambda aml: aml.account_id.account_type == "asset_receivable"
            ).remove_move_reconcile()
        self.assertEqual(first.state, "overdue")
        self.assertEqual(contract.case_ids, case, "the same episode goes on")
        self.assertEqual(case.state, "open")
        self.assertEqual(contract.current_case_id, case)
        self.assertFalse(case.reopened_by_id)
        self.assertEqual(case.date_reopened, DUE + timedelta(days=PAID_DAY + 2))
        self.assertIn("payment was reversed", case.reopen_reason)
        self.assertFalse(case.date_end)
        self.assertEqual(case.tier_id, self.env.ref("lease_overdue.tier_3"))
        self.assertTrue(
            case.message_ids.filtered(lambda m: "payment was reversed" in str(m.body))
        )

    def test_e14_new_overdue_after_closing_is_a_new_case(self):
        """Item 4, the other side: rent invoiced after the case closed and left unpaid
        is a new overdue episode (a new case), not a reopening."""
        r = self._busy_case()
        case = r["case"]
        contract = case.contract_id
        third = contract.installment_ids.sorted("sequence")[2]
        with freeze_time(third.date_due - timedelta(days=5)):
            third._create_rent_invoices()
        self._run((third.date_due - DUE).days + 1, contract)
        self.assertEqual(case.state, "closed")
        self.assertEqual(len(contract.case_ids), 2)
        self.assertEqual(contract.current_case_id.occurrence, 2)


@tagged("post_install", "-at_install")
class TestCaseClosureRpc(CaseClosureMixin, LeaseDocumentMixin, LeaseRpcCase):
    def test_e14_issue_refused_over_rpc(self):
        """Item 4 over JSON-RPC: legal, entitled to send a signed guarantor notice and
        to file the lawsuit, is refused both once the case is paid in full, with the
        case named in the error; the records are unchanged."""
        r = self._busy_case()
        legal = self.users["legal"]
        with self._on(PAID_DAY + 1):
            for record, method in (
                (r["signed"], "action_issue"),
                (r["legal_case"], "action_file"),
            ):
                result = self.assertRpcRefused(legal, record._name, method, record.ids)
                self.assertIn(r["case"].name, str(result))
                self.assertIn("Paid in full", str(result))
        self.assertEqual(r["signed"].state, "approved")
        self.assertEqual(r["legal_case"].state, "preparation")


class TestCaseClosureScale(LeaseDocumentCase):
    def _cases(self, number):
        """``number`` cases at day 35, each with a draft notice, an inspection report
        and its planned inspection, a legal case, a draft plan and escalation tasks."""
        cases = self.env["lease.collection.case"]
        for _ in range(number):
            cases |= self._overdue_case(35, penalty_rate=0.0)
        with self._on(35):
            cases._escalation_prepare_notice()
            cases._escalation_prepare_inspection_report()
            cases._escalation_start_legal()
            cases._escalation_draft_disposal_plan()
            self.env["lease.escalation.rule"]._run_escalation()
        return cases

    def test_e14_closing_is_set_based(self):
        """Item 4: closing 2 or 5 paid cases costs the same number of queries: each
        kind of record is withdrawn in one batch, not case by case. A first closing of
        one case warms Odoo's caches (e.g. mail's default subtypes of a model, read once
        per registry) and is not compared."""
        counts = []
        for number in (1, 2, 5):
            cases = self._cases(number)
            engine = self.env["lease.overdue.engine"].with_context(
                lease_defer_overdue=True
            )
            for case in cases:
                first = case.contract_id.installment_ids.sorted("sequence")[0]
                with self._on(PAID_DAY):
                    wizard = (
                        engine.env["account.payment.register"]
                        .with_context(
                            active_model="account.move", active_ids=first.move_id.ids
                        )
                        .create({"journal_id": self.bank_journal.id})
                    )
                    wizard._create_payments()
            self.assertEqual(set(cases.mapped("state")), {"open"}, "deferred")
            self.env.flush_all()
            self.env.invalidate_all()
            with self._on(PAID_DAY):
                before = self.env.cr.sql_log_count
                self.env["lease.overdue.engine"]._run(
                    contract_ids=cases.contract_id.ids
                )
                counts.append(self.env.cr.sql_log_count - before)
            self.assertEqual(set(cases.mapped("state")), {"closed"})
            self.assertEqual(
                set(cases.document_ids.mapped("state")), {"cancelled"}, number
            )
            self.assertEqual(set(cases.disposal_ids.mapped("state")), {"cancelled"})
            self.assertEqual(len(cases.legal_case_ids.activity_ids), number)
        self.assertEqual(counts[1], counts[2], counts)
