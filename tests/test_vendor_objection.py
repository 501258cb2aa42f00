"""The vendor's objection under its buy-back guarantee (SPEC E10, C6; D9 L193, L198;
issue 9 item 5).

L193: where the vendor gave a buy-back guarantee and disagrees with the tier 3 actions,
after its written notice the company *may* (可以) stop them; L198: at tier 4 it may stop
the disposal. So the objection records what the vendor objects to; the head of the
department that carries the action out decides to stop it or to continue (legal &
compliance: lawyer's letter and lawsuit, guarantor notice, files check; asset
management: disposal plan and execution). Only a decided stop stops anything, and only
what was decided; the tier 4 lawsuit and the D8 litigation rules follow the tier 3
litigation decision.

A company in Asia/Shanghai; every day is set explicitly (DUE + n, 08:00 Beijing time).
"""

from lease_document_common import DUE, LeaseDocumentCase, LeaseDocumentMixin
from lease_rpc_common import LeaseRpcCase

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

ALL_SCOPES = (
    "litigation",
    "guarantor_notice",
    "documents_check",
    "disposal_plan",
    "disposal",
)
DECIDER = {
    "litigation": "legal_head",
    "guarantor_notice": "legal_head",
    "documents_check": "legal_head",
    "disposal_plan": "am_head",
    "disposal": "am_head",
}


class VendorObjectionMixin(LeaseDocumentMixin):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.resource_calendar_id.tz = "Asia/Shanghai"
        cls.company.partner_id.tz = "Asia/Shanghai"
        cls.company.lease_escalation_d8 = True

    def _buyback_case(self, days, occurrence=1, **overrides):
        overrides.setdefault("has_buyback_guarantee", True)
        case = self._overdue_case(days, **overrides)
        # Known since its first overdue day, not a case entering the system overdue
        # (that go-live catch-up withholds legal and disposal steps: issue 9 item 9).
        case.write({"escalation_first_day": 1, "escalation_catchup": False})
        if occurrence != 1:
            case.occurrence = occurrence  # earlier episodes of the lessee (fixture)
        return case

    def _objection(self, case, scopes, user=None):
        """The vendor's written notice recorded by asset management."""
        user = user or self.users["collector"]
        notice = self._attachment("出卖人书面通知.pdf", user)
        return (
            self.env["lease.vendor.objection"]
            .with_user(user)
            .create(
                {
                    "case_id": case.id,
                    "notice_attachment_ids": [Command.link(notice.id)],
                    "line_ids": [Command.create({"scope": scope}) for scope in scopes],
                }
            )
        )

    def _line(self, objection, scope):
        line = objection.line_ids.filtered(lambda line: line.scope == scope)
        self.assertEqual(len(line), 1)
        return line

    def _decide(self, objection, scope, decision="stop", login=None):
        line = self._line(objection, scope)
        user = self.users[login or DECIDER[scope]]
        getattr(line.with_user(user), f"action_decide_{decision}")()
        return line

    def _escalate(self, days, contracts=None):
        """The night of day ``days``: the overdue engine, then the escalation job."""
        self._run(days, contracts)
        with self._on(days):
            return self.env["lease.escalation.rule"]._run_escalation(schedule="daily")

    def _acted(self, case, xmlid):
        rule = self.env.ref(f"lease_overdue.lease_escalation_rule_{xmlid}")
        return bool(
            self.env["lease.escalation.log"].search_count(
                [("case_id", "=", case.id), ("rule_id", "=", rule.id)]
            )
        )


class TestVendorObjection(VendorObjectionMixin, LeaseDocumentCase):
    def test_e10_recorded_not_decided_stops_nothing(self):
        """E10 / L193 "可以": an objection to everything, not decided yet, stops nothing:
        tier 3, the D8 litigation (3rd occurrence), then tier 4 all act."""
        case = self._buyback_case(31, occurrence=3, guarantor_ids=self._guarantors())
        objection = self._objection(case, ALL_SCOPES)
        self.assertTrue(case.vendor_objection)
        self.assertEqual(
            set(objection.line_ids.mapped("decision")), {"pending"}, "nothing decided"
        )
        self.assertEqual(objection.notice_attachment_ids.mapped("lease_sealed"), [True])
        self._escalate(31, case.contract_id)
        for xmlid in (
            "d9_t3_legal",
            "d9_t3_guarantors",
            "d9_t3_documents",
            "d9_t3_disposal_plan",
            "d8_31_60_3",
        ):
            self.assertTrue(self._acted(case, xmlid), xmlid)
        self.assertEqual(len(case.legal_case_ids), 1)
        self.assertEqual(len(case.disposal_ids), 1)
        self.assertEqual(
            len(case.document_ids.filtered(lambda d: d.kind == "guarantor_notice")), 2
        )
        self._escalate(46, case.contract_id)
        self.assertTrue(self._acted(case, "d9_t4_lawsuit"))
        self.assertTrue(self._acted(case, "d9_t4_disposal"))
        self.assertTrue(case.legal_case_ids.date_filing_due)
        self.assertTrue(case.disposal_ids.date_execution_due)

    def test_e10_litigation_stopped_only(self):
        """E10: the head of legal stops the litigation (T3 letter and lawsuit
        preparation): the tier 3 legal step, the tier 4 lawsuit and the D8 litigation
        (31-60 days 3rd, over 60 days 2nd's lawyer) stop; the disposal plan, which the
        asset-management head decided to continue, goes on, and so does what the vendor
        did not object to."""
        case = self._buyback_case(31, occurrence=3, guarantor_ids=self._guarantors())
        objection = self._objection(case, ("litigation", "disposal_plan"))
        line = self._decide(objection, "litigation")
        self.assertEqual(
            (line.decision, line.decided_by_id, line.date_decided),
            ("stop", self.users["legal_head"], self.company._lease_today()),
        )
        self._decide(objection, "disposal_plan", "continue")
        self._escalate(31, case.contract_id)
        self.assertFalse(self._acted(case, "d9_t3_legal"))
        self.assertFalse(self._acted(case, "d8_31_60_3"))
        self.assertFalse(case.legal_case_ids)
        self.assertTrue(self._acted(case, "d9_t3_disposal_plan"))
        self.assertEqual(len(case.disposal_ids), 1)
        self.assertTrue(self._acted(case, "d9_t3_guarantors"), "not objected to")
        self.assertTrue(self._acted(case, "d9_t3_documents"), "not objected to")
        self._escalate(46, case.contract_id)
        self.assertFalse(self._acted(case, "d9_t4_lawsuit"))
        self.assertFalse(case.legal_case_ids)
        self.assertTrue(self._acted(case, "d9_t4_disposal"))
        self.assertTrue(case.disposal_ids.date_execution_due)
        # The steps themselves refuse too, whoever calls them.
        with self._on(46):
            self.assertFalse(case._escalation_start_legal())
            self.assertFalse(case._escalation_file_lawsuit())
        # Over 60 days, 2nd occurrence: the written notice and visit go on, the lawyer
        # (L160) follows the litigation decision.
        late = self._buyback_case(61, occurrence=2)
        objection = self._objection(late, ("litigation",))
        self._escalate(61, late.contract_id)
        self.assertTrue(self._acted(late, "d8_gt60_2_lawyer"), "not decided yet")
        late2 = self._buyback_case(61, occurrence=2)
        objection = self._objection(late2, ("litigation",))
        self._decide(objection, "litigation")
        self._escalate(61, late2.contract_id)
        self.assertTrue(self._acted(late2, "d8_gt60_2"))
        self.assertFalse(self._acted(late2, "d8_gt60_2_lawyer"))
        # Withdrawn by the vendor: the litigation resumes.
        objection.action_withdraw()
        self.assertFalse(late2.vendor_objection)
        with self._on(61):
            self.env["lease.escalation.rule"]._run_escalation(schedule="daily")
        self.assertTrue(self._acted(late2, "d8_gt60_2_lawyer"))

    def test_e10_lawsuit_filing_refused_once_litigation_stopped(self):
        """E10: a lawsuit in preparation is not filed once the head of legal stopped the
        litigation on the vendor's objection; an objection to the disposal only does not
        stop it."""
        case = self._buyback_case(31)
        self._escalate(31, case.contract_id)
        legal_case = case.legal_case_ids
        self.assertEqual(len(legal_case), 1)
        objection = self._objection(case, ("disposal", "litigation"))
        self._decide(objection, "disposal")
        self.assertFalse(case._lease_objection_stopped("litigation"))
        self._decide(objection, "litigation")
        with self.assertRaisesRegex(UserError, "stopped the litigation"):
            legal_case.with_user(self.users["legal"]).action_file()

    def test_e10_t4_disposal_stopped_only(self):
        """E10 / L198: the head of asset management stops the tier 4 disposal only: the
        disposal is not executed (nor sent to disposal by the committee), the lawsuit is
        filed."""
        case = self._buyback_case(31)
        self._escalate(31, case.contract_id)
        self.assertEqual(len(case.legal_case_ids), 1)
        plan = case.disposal_ids
        self.assertEqual(len(plan), 1)
        objection = self._objection(case, ("disposal",))
        self._decide(objection, "disposal")
        self._escalate(46, case.contract_id)
        self.assertTrue(self._acted(case, "d9_t4_lawsuit"))
        self.assertTrue(case.legal_case_ids.date_filing_due)
        self.assertFalse(self._acted(case, "d9_t4_disposal"))
        self.assertFalse(plan.date_execution_due)
        with self._on(46):
            self.assertFalse(case._escalation_execute_disposal())
        with self.assertRaisesRegex(UserError, "disposal was stopped"):
            case.with_user(self.users["committee"]).action_send_to_disposal()
        plan.with_user(self.users["collector"]).write(
            {"method": "recovery", "plan": "<p>收回</p>"}
        )
        plan.with_user(self.users["collector"]).action_submit()
        plan.with_user(self.users["committee"]).action_approve_plan()
        with self.assertRaisesRegex(UserError, "stopped the disposal"):
            plan.with_user(self.users["collector"]).action_start()

    def test_c6_e10_no_buyback_refused(self):
        """C6 / E10: no objection without the contract's buy-back guarantee, without the
        written notice or without saying what it objects to."""
        plain = self._overdue_case(35)
        with self.assertRaisesRegex(ValidationError, "no vendor buy-back guarantee"):
            self._objection(plain, ("litigation",))
        case = self._buyback_case(35)
        with self.assertRaisesRegex(ValidationError, "what the vendor objects to"):
            self._objection(case, ())
        with self.assertRaisesRegex(ValidationError, "written notice"):
            self.env["lease.vendor.objection"].with_user(
                self.users["collector"]
            ).create(
                {
                    "case_id": case.id,
                    "line_ids": [Command.create({"scope": "litigation"})],
                }
            )

    def test_e10_decision_by_the_responsible_head_only(self):
        """E10: only the head responsible for the objected action decides: not the staff
        who recorded it, not the other department's head; a decision is written by its
        button only and taken once."""
        case = self._buyback_case(35)
        objection = self._objection(case, ("litigation", "disposal"))
        litigation = self._line(objection, "litigation")
        disposal = self._line(objection, "disposal")
        for login, line in (
            ("collector", litigation),
            ("legal", litigation),
            ("am_head", litigation),
            ("legal_head", disposal),
            ("lease_admin", disposal),
            ("gm", disposal),
        ):
            with self.assertRaises(AccessError, msg=login):
                line.with_user(self.users[login]).action_decide_stop()
        for login in ("collector", "legal_head", "lease_admin"):
            with self.assertRaises(AccessError, msg=login):
                litigation.with_user(self.users[login]).write({"decision": "stop"})
        with self.assertRaises(AccessError):
            self.env["lease.vendor.objection.line"].with_user(
                self.users["collector"]
            ).create({"objection_id": objection.id, "scope": "disposal_plan"})
        self.assertEqual(set(objection.line_ids.mapped("decision")), {"pending"})
        self.assertFalse(case._lease_objection_stopped("litigation"))
        self._decide(objection, "litigation")
        self.assertEqual(case._lease_objection_stopped("litigation"), case)
        self.assertFalse(case._lease_objection_stopped("disposal"))
        with self.assertRaisesRegex(UserError, "already decided"):
            litigation.with_user(self.users["legal_head"]).action_decide_continue()
        self.assertIn(
            "decided",
            " ".join(case.message_ids.mapped(lambda m: str(m.body))),
        )


@tagged("post_install", "-at_install")
class TestVendorObjectionRpc(VendorObjectionMixin, LeaseRpcCase):
    def test_e10_decision_over_rpc(self):
        """E10 over JSON-RPC: the collector cannot decide nor write the decision; the head
        of legal cannot write it either, only press the button, which records him."""
        case = self._buyback_case(35)
        objection = self._objection(case, ("litigation",))
        line = objection.line_ids
        collector, head = self.users["collector"], self.users["legal_head"]
        model = "lease.vendor.objection.line"
        self.assertRpcRefused(collector, model, "action_decide_stop", line.ids)
        self.assertRpcRefused(
            self.users["am_head"], model, "action_decide_stop", line.ids
        )
        for user in (collector, head):
            self.assertRpcRefused(
                user, model, "write", line.ids, vals={"decision": "stop"}
            )
            self.assertRpcRefused(
                user,
                model,
                "write",
                line.ids,
                vals={"decided_by_id": head.id, "date_decided": str(DUE)},
            )
        self.assertRpcRefused(
            collector,
            model,
            "create",
            vals_list=[{"objection_id": objection.id, "scope": "disposal"}],
        )
        self.assertEqual(line.decision, "pending")
        self.assertRpcOk(head, model, "action_decide_stop", line.ids)
        self.assertEqual((line.decision, line.decided_by_id), ("stop", head))
        self.assertEqual(case._lease_objection_stopped("litigation"), case)
        # nor is the decision undone by withdrawing on the vendor's behalf through write
        self.assertRpcRefused(
            collector,
            "lease.vendor.objection",
            "write",
            objection.ids,
            vals={"state": "withdrawn"},
        )
        self.assertEqual(objection.state, "active")
