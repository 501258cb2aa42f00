"""The collection workflow engine day by day (SPEC R1, E1, E2, E4, E10, E11, E12, E14, E15).

Four lessees from ten days before their first due date to day 50: local or not, with or
without a vendor's buy-back guarantee. Every day the overdue engine runs, then the
escalation job twice: the second run must create nothing.
"""

import base64

from freezegun import freeze_time
from lease_escalation_common import DUE, EscalationCase

from odoo import Command
from odoo.tests import new_test_user


class TestEscalationScenario(EscalationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A: local, no buy-back, pays everything on day 20
        cls.lessee_a = cls._lessee("承租人甲 (local)", "13800000001")
        cls.contract_a = cls._contract(cls.lessee_a, "local", False)
        # B: non-local, buy-back guarantee; its vendor objects in writing on day 25
        cls.lessee_b = cls._lessee("承租人乙 (non-local, buy-back)", "13800000002")
        cls.contract_b = cls._contract(
            cls.lessee_b, "non_local", True, amount=1200000.0
        )
        # C: local, buy-back guarantee, no objection; disposal deferred until day 48
        cls.lessee_c = cls._lessee("承租人丙 (local, buy-back)", "13800000003")
        cls.contract_c = cls._contract(cls.lessee_c, "local", True)
        # D: non-local, no buy-back: the whole D9 ladder
        cls.lessee_d = cls._lessee("承租人丁 (non-local)", "13800000004")
        cls.contract_d = cls._contract(
            cls.lessee_d, "non_local", False, amount=1200000.0
        )
        cls.contracts = (
            cls.contract_a | cls.contract_b | cls.contract_c | cls.contract_d
        )
        group = "lease_overdue.group_"
        cls.legal_head = new_test_user(
            cls.env, "t_scn_legal_head", groups=group + "legal_head"
        )
        cls.am_head = new_test_user(
            cls.env, "t_scn_am_head", groups=group + "asset_management_head"
        )

    def _case(self, contract):
        return contract.current_case_id

    def _stop_everything(self, case):
        """The vendor's written notice against the whole tier 3 plan and the tier 4
        disposal, each part stopped by the head responsible for it (SPEC E10)."""
        notice = self.env["ir.attachment"].create(
            {"name": "出卖人书面通知.pdf", "datas": base64.b64encode(b"%PDF-1.4")}
        )
        scopes = dict(
            self.env["lease.vendor.objection.line"]._fields["scope"].selection
        )
        objection = self.env["lease.vendor.objection"].create(
            {
                "case_id": case.id,
                "notice_attachment_ids": [Command.link(notice.id)],
                "line_ids": [Command.create({"scope": scope}) for scope in scopes],
            }
        )
        for line in objection.line_ids:
            legal = line.scope in ("litigation", "guarantor_notice", "documents_check")
            head = self.legal_head if legal else self.am_head
            line.with_user(head).action_decide_stop()
        self.assertEqual(set(objection.line_ids.mapped("decision")), {"stop"})

    def _task_of(self, case, xmlid):
        """The open task carrying the rule's step: its own, or the open task of the same
        kind and person it joined (one task per kind, issue 9 item 10)."""
        return self._logs(case, xmlid).activity_id.filtered("active")

    def _users(self, activities):
        return activities.mapped("user_id")

    def test_scenario_day_by_day(self):
        """R1, E1, E2, E4, E10, E11, E12, E14: who gets which task on which day, once."""
        env = self.env
        a, b, c, d = self.contract_a, self.contract_b, self.contract_c, self.contract_d
        sms = env["sms.sms"].sudo()
        first_sms = sms.search([]).ids
        has_documents = "lease.document" in env
        closed_case_a = None
        for offset in range(-10, 51):
            day = self.offset(offset)
            self._day(day, self.contracts)
            cases = {x: self._case(x) for x in (a, b, c, d)}

            if offset < -7:
                self.assertFalse(sms.search([("id", "not in", first_sms)]), day)
            if offset == -7:
                # R1 / D5 L88: an SMS to every lessee a week before the due date, queued in
                # Odoo's SMS queue (not sent) and logged in the contract's chatter.
                queued = sms.search([("id", "not in", first_sms)])
                self.assertEqual(
                    set(queued.mapped("partner_id").ids),
                    set(self.contracts.partner_id.ids),
                )
                self.assertEqual(set(queued.mapped("state")), {"outgoing"})
                for contract in self.contracts:
                    text = queued.filtered(
                        lambda q, p=contract.partner_id: q.partner_id == p
                    )
                    self.assertEqual(len(text), 1)
                    self.assertIn(contract.name, text.body)
                    self.assertIn("2026-03-10", text.body)
                for contract in self.contracts:
                    self.assertEqual(len(self._logs(contract, "d5_sms_week_before")), 1)
            if offset == -6:
                self.assertEqual(
                    len(sms.search([("id", "not in", first_sms)])),
                    4,
                    "one SMS per due date",
                )
            if offset <= 0:
                for contract in self.contracts:
                    self.assertFalse(contract.current_case_id, day)
                continue

            if offset == 1:
                for contract in self.contracts:
                    case = cases[contract]
                    self.assertEqual(contract.days_overdue, 1)
                    # E1 / D9 L173: phone collection by the collector (asset management)
                    calls = self._tasks(case, "d9_phone_week1")
                    self.assertEqual(len(calls), 1)
                    self.assertEqual(calls.user_id, self.collector)
                    self.assertEqual(calls.date_deadline, day)
                    # E1 / D5 L88: within 3 working days, two calls a day: two ledger
                    # rows in the collector's one phone task (issue 9 item 10)
                    twice = self._logs(case, "d5_calls_twice")
                    self.assertEqual(len(twice), 2)
                    self.assertEqual(twice.user_id, self.collector)
                    self.assertEqual(twice.activity_id, calls)
                    # E12 / D8 L152: 1st overdue, 1-30 days: reminder naming fees
                    d8 = self._logs(case, "d8_le30_1")
                    self.assertEqual(d8.user_id, self.collector)
                    self.assertEqual(d8.activity_id, calls)
                    for xmlid in ("d8_le30_2", "d8_le30_3", "d5_visit_local"):
                        self.assertFalse(self._tasks(case, xmlid), xmlid)
            if offset == 2:
                for contract in self.contracts:
                    case = cases[contract]
                    self.assertEqual(
                        len(self._logs(case, "d9_phone_week1")), 2, "daily"
                    )
                    self.assertEqual(len(self._logs(case, "d5_calls_twice")), 4)
                    self.assertEqual(len(self._logs(case, "d8_le30_1")), 1, "once")
                    # one open phone task, its deadline moved to today
                    calls = self._tasks(case, "d9_phone_week1")
                    self.assertEqual(len(calls), 1)
                    self.assertEqual(calls.date_deadline, day)
            if offset in (4, 5):  # Saturday and Sunday: 3 working days overdue, no call
                for contract in self.contracts:
                    case = cases[contract]
                    self.assertEqual(contract.working_days_overdue, 3)
                    self.assertEqual(len(self._logs(case, "d5_calls_twice")), 6)
                    self.assertFalse(self._tasks(case, "d5_visit_local"))
                    self.assertFalse(self._tasks(case, "d5_visit_non_local"))
            if offset == 6:
                # E2 / D5 L90, L94: over 3 working days (Monday = working day 4): visit
                self.assertEqual(a.working_days_overdue, 4)
                for local in (a, c):
                    visit = self._tasks(cases[local], "d5_visit_local")
                    self.assertEqual(
                        set(self._users(visit).ids),
                        {self.risk_officer.id, self.account_manager.id},
                    )
                    self.assertFalse(self._tasks(cases[local], "d5_visit_non_local"))
                for remote in (b, d):
                    self.assertEqual(remote.risk_grade, "b")
                    visit = self._tasks(cases[remote], "d5_visit_non_local")
                    self.assertEqual(
                        set(self._users(visit).ids),
                        {
                            self.risk_officer.id,
                            self.team_lead.id,
                            self.account_manager.id,
                        },
                    )
                    self.assertFalse(self._tasks(cases[remote], "d5_visit_local"))
                    self.assertEqual(
                        len(self._logs(cases[remote], "d5_calls_twice")), 6
                    )
            if offset == 7:
                self.assertFalse(self._tasks(cases[a], "d9_notice"))
                self.assertFalse(self._tasks(cases[a], "d9_phone_week2"))
            if offset == 8:
                # E3 / D9 L174: the written notice from day 8; phone collection goes on
                for contract in self.contracts:
                    case = cases[contract]
                    notice = self._tasks(case, "d9_notice")
                    self.assertEqual(notice.user_id, self.collector)
                    self.assertEqual(len(self._logs(case, "d9_phone_week2")), 1)
                    self.assertEqual(len(self._logs(case, "d9_phone_week1")), 7)
                    self.assertEqual(len(self._tasks(case, "d9_phone_week1")), 1)
                    self.assertFalse(self._tasks(case, "d9_phone_week2"), "one task")
                    if has_documents:
                        self.assertEqual(
                            case.document_ids.filtered(
                                lambda doc: doc.kind == "collection_notice"
                            ).mapped("kind"),
                            ["collection_notice"],
                        )
            if offset == 14:
                self.assertFalse(self._tasks(cases[a], "d9_lawyer_letter"))
            if offset == 15:
                # E4 / D9 L175: legal is told to prepare the lawyer's demand letter
                for contract in self.contracts:
                    letter = self._tasks(cases[contract], "d9_lawyer_letter")
                    self.assertEqual(len(letter), 1)
                    self.assertTrue(
                        letter.user_id.has_group("lease_overdue.group_legal")
                    )
                    self.assertEqual(letter.lease_department, "legal")
            if offset == 16:
                # E5 / D9 L180-L183: tier 2: on-site inspection and repayment assessment
                for contract in self.contracts:
                    case = cases[contract]
                    self.assertEqual(case.tier_id, self.tiers["T2"])
                    inspections = contract.inspection_ids.filtered(
                        lambda i: i.kind == "overdue"
                    )
                    self.assertEqual(len(inspections), 1)
                    self.assertEqual(inspections.date_planned, day)
                    self.assertEqual(
                        self._tasks(case, "d9_t2_inspection").user_id, self.collector
                    )
                    self.assertEqual(
                        self._tasks(case, "d9_t2_assessment").user_id,
                        self.account_manager,
                    )
                    self.assertEqual(
                        len(self._logs(case, "d9_phone_week2")), 8, "days 8-15"
                    )
            if offset == 20:
                # E14: a payment in full closes every open task of the case
                case = cases[a]
                self.assertGreaterEqual(len(self._tasks(case)), 6)
                self.assertGreater(
                    len(
                        self.Log.search(
                            [("case_id", "=", case.id), ("state", "=", "open")]
                        )
                    ),
                    10,
                )
                with freeze_time(day):
                    line = a.installment_ids.sorted("sequence")[0]
                    self._pay(line.move_id, line.amount_rent, day)
                self.assertEqual(case.state, "closed")
                self.assertFalse(a.current_case_id)
                self.assertFalse(self._tasks(case))
                self.assertTrue(
                    case.message_ids.filtered(
                        lambda m: "Paid in full" in str(m.body or "")
                    )
                )
                logs = self.Log.search([("case_id", "=", case.id)])
                self.assertTrue(logs)
                self.assertFalse(logs.filtered(lambda log: log.state == "open"))
                self.assertIn("closed", logs.mapped("state"))
                closed_case_a = case
            if 20 <= offset <= 31 and closed_case_a:
                self.assertFalse(self._tasks(closed_case_a), day)
                self.assertFalse(a.current_case_id if offset < 31 else False)
            if offset == 24:
                # R1 again, a week before installment 2
                self.assertEqual(len(self._logs(a, "d5_sms_week_before")), 2)
            if offset == 25:
                # E10: the vendor of B objects in writing under its buy-back guarantee to
                # the whole plan; the responsible heads decide to stop it (L193, L198)
                self._stop_everything(cases[b])
            if offset == 30:
                # E7 / D9 L187: day 30, legal prepares the pre-litigation letter
                for contract in (b, c, d):
                    letter = self._tasks(cases[contract], "d9_litigation_letter")
                    self.assertEqual(len(letter), 1)
                    self.assertTrue(
                        letter.user_id.has_group("lease_overdue.group_legal")
                    )
            if offset == 31:
                # E8 / D9 L190-L192: tier 3, except where the vendor objected (E10)
                for contract in (c, d):
                    case = cases[contract]
                    self.assertEqual(case.tier_id, self.tiers["T3"])
                    # legal's open lawyer-letter task of day 15 carries the T3 step
                    # (one task per kind, issue 9 item 10)
                    legal = self._logs(case, "d9_t3_legal")
                    self.assertEqual(len(legal), 1)
                    self.assertEqual(
                        legal.activity_id, self._tasks(case, "d9_lawyer_letter")
                    )
                    self.assertIn("D9 L190", str(legal.activity_id.note))
                    plan = self._tasks(case, "d9_t3_disposal_plan")
                    self.assertTrue(
                        plan.user_id.has_group(
                            "lease_overdue.group_asset_management_head"
                        )
                    )
                    if has_documents:
                        self.assertEqual(len(case.legal_case_ids), 1)
                        self.assertEqual(len(case.disposal_ids), 1)
                case_b = cases[b]
                self.assertEqual(case_b.tier_id, self.tiers["T3"])
                for xmlid in ("d9_t3_legal", "d9_t3_disposal_plan"):
                    self.assertFalse(self._tasks(case_b, xmlid))
                for xmlid in ("d9_t3_legal", "d9_t3_guarantors", "d9_t3_documents"):
                    self.assertFalse(self._logs(case_b, xmlid), xmlid)
                if has_documents:
                    self.assertFalse(case_b.legal_case_ids)
                    self.assertFalse(case_b.disposal_ids)
            if offset == 32:
                # A went overdue again on installment 2: a new case, 2nd occurrence, so
                # the D8 matrix's second step (negotiation by the head, L153)
                case = a.current_case_id
                self.assertNotEqual(case, closed_case_a)
                self.assertEqual(case.occurrence, 2)
                negotiation = self._tasks(case, "d8_le30_2")
                self.assertTrue(
                    negotiation.user_id.has_group(
                        "lease_overdue.group_asset_management_head"
                    )
                )
                # L153: the first-time reminder continues at the 2nd occurrence
                self.assertEqual(len(self._logs(case, "d8_le30_1")), 1)
            if offset == 40:
                # E11: an approved deferral pauses C's disposal until day 48
                cases[c].write({"deferral_until": self.offset(48)})
            if offset == 46:
                # E9 / D9 L195-L196: tier 4
                case_d = cases[d]
                self.assertEqual(case_d.tier_id, self.tiers["T4"])
                self.assertEqual(len(self._task_of(case_d, "d9_t4_lawsuit")), 1)
                self.assertEqual(len(self._task_of(case_d, "d9_t4_disposal")), 1)
                case_c = cases[c]
                self.assertEqual(len(self._task_of(case_c, "d9_t4_lawsuit")), 1)
                self.assertFalse(self._logs(case_c, "d9_t4_disposal"), "deferred (E11)")
                for xmlid in ("d9_t4_lawsuit", "d9_t4_disposal"):
                    self.assertFalse(
                        self._logs(cases[b], xmlid), "vendor objection (E10)"
                    )
            if offset in (47, 48):
                self.assertFalse(self._logs(cases[c], "d9_t4_disposal"), day)
            if offset == 49:
                # E11: the deferral ended on day 48: disposal resumes by itself
                disposal = self._task_of(cases[c], "d9_t4_disposal")
                self.assertEqual(len(disposal), 1)
                self.assertEqual(
                    disposal.date_deadline, self.offset(51)
                )  # 2 working days
            if offset == 50:
                self.assertFalse(self._logs(cases[b], "d9_t4_disposal"))
                self.assertEqual(len(self._logs(cases[d], "d9_phone_week1")), 7)
                self.assertEqual(len(self._tasks(cases[d], "d9_phone_week1")), 1)
        self.assertEqual(DUE.weekday(), 1)
