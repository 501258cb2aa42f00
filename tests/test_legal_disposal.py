"""Legal cases and asset disposal (SPEC E6, E8, E9, X1, W3 after disposal)."""

from ast import literal_eval
from datetime import timedelta

from lease_document_common import DUE, LeaseDocumentCase

from odoo import Command
from odoo.exceptions import AccessError, UserError


class TestLegalAndDisposal(LeaseDocumentCase):
    def _tier3_case(self, **overrides):
        """A case at day 35 with two guarantors; one collateral document missing, the
        guarantee contract of the first guarantor received."""
        case = self._overdue_case(35, guarantor_ids=self._guarantors(), **overrides)
        self.env["lease.collateral.document"].create(
            [
                {
                    "contract_id": case.contract_id.id,
                    "name": "担保合同 张三",
                    "doc_type": "guarantee",
                    "guarantor_id": self.guarantor.id,
                    "received": True,
                },
                {
                    "contract_id": case.contract_id.id,
                    "name": "抵押登记证明",
                    "doc_type": "registration",
                    "received": False,
                },
            ]
        )
        self.env["lease.asset"].create(
            {
                "name": "挖掘机 XE200",
                "contract_id": case.contract_id.id,
                "value": 150000.0,
            }
        )
        return case

    def test_e8_tier3_steps_once_each(self):
        """E8/E14: at tier 3 legal opens a legal case with the lawyer's letter to send,
        each guarantor gets a written notice, the collateral files are checked (missing
        ones in an activity for legal) and asset management drafts the disposal plan;
        calling the steps again creates nothing. The files task goes to the company's
        head of legal (issue 12 item 4: the settings, not the group's first user)."""
        case = self._tier3_case()
        with self._on(15):
            prepared = case._escalation_prepare_lawyer_letter()
        with self._on(35):
            legal_case = case._escalation_start_legal()
            notices = case._escalation_notify_guarantors()
            activities = case._escalation_check_documents()
            plan = case._escalation_draft_disposal_plan()
            again = (
                case._escalation_start_legal(),
                case._escalation_notify_guarantors(),
                case._escalation_check_documents(),
                case._escalation_draft_disposal_plan(),
                case._escalation_prepare_lawyer_letter(),
            )
        self.assertTrue(all(not records for records in again), again)

        self.assertEqual(legal_case.state, "preparation")
        self.assertEqual(legal_case.contract_id, case.contract_id)
        self.assertEqual(
            legal_case.claim_amount,
            case.contract_id.overdue_amount + case.contract_id.penalty_amount,
        )
        self.assertEqual(
            legal_case.document_ids.filtered(lambda d: d.kind == "lawyer_letter"),
            prepared,
            "the day-15 letter is reused",
        )
        self.assertEqual(prepared.kind, "lawyer_letter")

        self.assertEqual(notices.mapped("kind"), ["guarantor_notice"] * 2)
        self.assertEqual(notices.recipient_id, self.guarantor | self.guarantor2)
        self.assertEqual(notices.legal_case_id, legal_case)

        self.assertEqual(len(activities), 1)
        self.assertEqual(activities.user_id, self.users["legal_head"])
        self.assertIn("抵押登记证明", activities.note)
        self.assertIn(self.guarantor2.name, activities.note)
        self.assertNotIn("担保合同 张三", activities.note)
        self.assertTrue(case.date_documents_checked)

        self.assertEqual(plan.state, "draft")
        self.assertEqual(plan.origin, "escalation")
        self.assertEqual(plan.asset_ids, case.contract_id.asset_ids)

    def test_e9_lawsuit_filed_by_legal_after_the_letter(self):
        """E9: past 45 days the legal case is due for filing; only legal files it, with
        the court and the claim, after the lawyer's letter went out."""
        case = self._tier3_case()
        with self._on(46):
            created = case._escalation_file_lawsuit()
            self.assertFalse(case._escalation_file_lawsuit())
        legal_case = created
        self.assertEqual(legal_case.date_filing_due, DUE + timedelta(days=46))
        legal = legal_case.with_user(self.users["legal"])
        legal.write({"court": "上海市浦东新区人民法院", "lawyer_name": "王律师"})
        with self.assertRaises(AccessError):
            legal_case.with_user(self.users["collector"]).action_file()
        with self.assertRaisesRegex(UserError, "lawyer's letter"):
            legal.action_file()
        letter = legal_case.document_ids.filtered(lambda d: d.kind == "lawyer_letter")
        letter.with_user(self.users["legal"]).write({"lawyer_name": "王律师"})
        letter.with_user(self.users["legal"]).action_submit()
        letter.with_user(self.users["legal_head"]).action_approve()
        letter.with_user(self.users["legal"]).action_issue()
        with self._on(50):
            legal.action_file()
        self.assertEqual(legal_case.state, "filed")
        self.assertEqual(legal_case.date_filed, DUE + timedelta(days=50))
        self._flush_tracking()  # each step is its own transaction in real life
        for step in (
            "action_hearing",
            "action_judgment",
            "action_enforce",
            "action_close",
        ):
            getattr(legal, step)()
            self._flush_tracking()
        self.assertEqual(legal_case.state, "closed")
        tracked = legal_case.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "state"
        )
        self.assertGreaterEqual(len(tracked), 5)

    def test_x1_e9_disposal_pnl_and_recourse_decision(self):
        """X1/E9: the committee approves the plan, asset management executes it at tier
        4, finance records proceeds and costs: P&L = proceeds - costs - outstanding
        claim; finance's report is approved; the committee then the general manager decide
        on further recourse. The lessee is blacklisted after the disposal."""
        case = self._tier3_case()
        contract = case.contract_id
        first = contract.installment_ids.sorted("sequence")[0]
        self._pay(first.move_id, 4000.0, DUE + timedelta(days=20))
        with self._on(35):
            plan = case._escalation_draft_disposal_plan()
        am = plan.with_user(self.users["collector"])
        with self.assertRaises(UserError):
            am.action_submit()  # method and plan first
        am.write({"method": "sale", "plan": "<p>出售挖掘机</p>"})
        am.action_submit()
        for role in ("am_head", "gm", "risk_head"):
            with self.assertRaises(AccessError):
                plan.with_user(self.users[role]).action_approve_plan()
        plan.with_user(self.users["committee"]).action_approve_plan()
        self.assertEqual(plan.approved_by_id, self.users["committee"])
        self.assertTrue(plan.date_approved)

        self._run(50, contract)
        with self._on(50):
            executed = case._escalation_execute_disposal()
            self.assertFalse(case._escalation_execute_disposal())
        self.assertEqual(executed, plan)
        self.assertEqual(plan.state, "in_progress")
        # claim: 6 000 rent left on installment 1 + 11 x 10 000 principal + penalty
        penalty = contract.penalty_amount
        self.assertGreater(penalty, 0)
        self.assertAlmostEqual(plan.claim_amount, 6000.0 + 110000.0 + penalty, places=2)

        lines = self.env["lease.disposal.line"]
        with self.assertRaises(AccessError):
            lines.with_user(self.users["collector"]).create(
                {
                    "disposal_id": plan.id,
                    "line_type": "proceeds",
                    "name": "sale",
                    "amount": 1.0,
                }
            )
        lines.with_user(self.users["finance"]).create(
            [
                {
                    "disposal_id": plan.id,
                    "line_type": "proceeds",
                    "name": "挖掘机拍卖",
                    "amount": 100000.0,
                },
                {
                    "disposal_id": plan.id,
                    "line_type": "cost",
                    "name": "拖车及评估费",
                    "amount": 5000.0,
                },
                {
                    "disposal_id": plan.id,
                    "line_type": "cost",
                    "name": "律师费",
                    "amount": 3000.0,
                },
            ]
        )
        self.assertEqual((plan.amount_proceeds, plan.amount_costs), (100000.0, 8000.0))
        self.assertAlmostEqual(
            plan.amount_pnl, 100000.0 - 8000.0 - plan.claim_amount, places=2
        )
        self.assertLess(plan.amount_pnl, 0)

        with self._on(70):
            entries = am.action_done()
        self.assertEqual(plan.state, "done")
        self.assertEqual(plan.asset_ids.mapped("state"), ["disposed"])
        self.assertEqual(entries.partner_id, case.partner_id)
        self.assertEqual(entries.reason, "disposal")
        self.assertEqual(entries.disposal_id, plan)
        # D9 L201, issue 12 item 4: the company's head of risk management decides on
        # the guarantors (the settings name him; not the group's first user)
        self.assertEqual(
            plan.activity_ids.user_id, self.company.lease_head_risk_management_id
        )
        self.assertEqual(
            self.company.lease_head_risk_management_id, self.users["risk_head"]
        )

        with self.assertRaises(AccessError):
            plan.with_user(self.users["collector"]).action_create_pnl_report()
        plan.with_user(self.users["finance"]).action_create_pnl_report()
        report = plan.pnl_report_id
        self.assertEqual(report.kind, "pnl_report")
        self.assertEqual(
            (report.amount_proceeds, report.amount_costs), (100000.0, 8000.0)
        )
        self.assertAlmostEqual(report.amount_pnl, plan.amount_pnl, places=2)
        plan.with_user(self.users["committee"]).decision = "write_off"
        with self.assertRaisesRegex(UserError, "profit and loss"):
            plan.with_user(self.users["committee"]).action_committee_decide()
        report.with_user(self.users["finance"]).action_submit()
        with self.assertRaises(AccessError):
            report.with_user(self.users["finance"]).action_approve()
        report.with_user(self.users["finance_head"]).action_approve()
        with self.assertRaises(UserError):
            lines.with_user(self.users["finance"]).create(
                {
                    "disposal_id": plan.id,
                    "line_type": "cost",
                    "name": "late",
                    "amount": 1.0,
                }
            )
        with self.assertRaises(UserError):
            plan.with_user(self.users["gm"]).action_gm_confirm()  # committee first
        with self.assertRaises(AccessError):
            plan.with_user(self.users["gm"]).action_committee_decide()
        plan.with_user(self.users["committee"]).action_committee_decide()
        with self.assertRaises(AccessError):
            plan.with_user(self.users["committee"]).action_gm_confirm()
        with self.assertRaises(UserError):
            plan.with_user(self.users["committee"]).decision = "recourse"
        plan.with_user(self.users["gm"]).action_gm_confirm()
        self.assertEqual(plan.state, "decided")
        self.assertEqual(plan.committee_decision_by_id, self.users["committee"])
        self.assertEqual(plan.gm_decision_by_id, self.users["gm"])
        self.assertTrue(plan.date_gm_decision)

        # D9 L201: risk management decides which guarantors join the blacklist
        plan.with_user(self.users["risk_head"]).guarantor_blacklist_ids = [
            Command.set(self.guarantor.ids)
        ]
        with self.assertRaises(AccessError):
            plan.with_user(self.users["collector"]).action_blacklist_guarantors()
        added = plan.with_user(self.users["risk_officer"]).action_blacklist_guarantors()
        self.assertEqual(added.partner_id, self.guarantor)
        self.assertEqual(added.entity_type, "individual")
        self.assertTrue(self.guarantor.lease_blacklisted)

    def test_e6_committee_sends_case_straight_to_disposal(self):
        """E6: at month end the review committee sends a case straight to disposal."""
        case = self._overdue_case(25)
        with self.assertRaises(AccessError):
            case.with_user(self.users["am_head"]).action_send_to_disposal()
        case.with_user(self.users["committee"]).action_send_to_disposal()
        disposal = case.disposal_ids
        self.assertEqual(len(disposal), 1)
        self.assertEqual(disposal.origin, "committee")
        self.assertEqual(disposal.state, "draft")
        case.with_user(self.users["committee"]).action_send_to_disposal()
        self.assertEqual(case.disposal_ids, disposal, "no second disposal")

    def test_e9_disposal_stops_on_vendor_objection(self):
        """E10 within E9: an approved plan is not executed once the head of asset
        management stopped the disposal on the vendor's objection (L198)."""
        case = self._tier3_case(has_buyback_guarantee=True)
        with self._on(35):
            plan = case._escalation_draft_disposal_plan()
        plan.with_user(self.users["collector"]).write(
            {"method": "recovery", "plan": "<p>收回</p>"}
        )
        plan.with_user(self.users["collector"]).action_submit()
        plan.with_user(self.users["committee"]).action_approve_plan()
        objection = self.env["lease.vendor.objection"].create(
            {
                "case_id": case.id,
                "notice_attachment_ids": [Command.link(self._attachment().id)],
                "line_ids": [Command.create({"scope": "disposal"})],
            }
        )
        objection.line_ids.with_user(self.users["am_head"]).action_decide_stop()
        with self.assertRaisesRegex(UserError, "objected"):
            plan.with_user(self.users["collector"]).action_start()
        with self._on(50):
            self.assertFalse(case._escalation_execute_disposal())
        self.assertEqual(plan.state, "approved")

    def test_task_on_a_legal_case_is_in_my_collection_tasks(self):
        """Issue 11 items 6 and 7: a task a head gives legal staff on a legal case (not
        on the collection case) is in the assignee's My Collection Tasks, linked to the
        contract and its lessee, with the contract's collection priority."""
        case = self._tier3_case()
        with self._on(46):
            legal_case = case._escalation_file_lawsuit()
        legal = self.users["legal"]
        task = legal_case.activity_schedule(
            "mail.mail_activity_data_todo",
            summary="准备开庭证据材料",
            user_id=legal.id,
        )
        self.assertEqual(task.lease_contract_id, case.contract_id)
        self.assertEqual(task.lease_partner_id, case.partner_id)
        self.assertEqual(
            task.lease_priority,
            case.contract_id._lease_priorities()[case.contract_id.id],
        )
        action = self.env.ref("lease_overdue.mail_activity_action_lease_my_tasks")
        mine = (
            self.env["mail.activity"]
            .with_user(legal)
            .search([*literal_eval(action.domain), ("user_id", "=", legal.id)])
        )
        self.assertIn(task, mine)
