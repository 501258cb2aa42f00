"""One task per kind of work, no task due on a non-working day, and go-live catch-up
(issue 9 items 9 and 10; SPEC E1, E2, E14, O5, F1).

A company in Asia/Shanghai with China's real 2026 calendar (chinesecalendar package):
国庆 10-01..10-07 entered in local time, the 调休 Saturday 10-10 a working day.
"""

from datetime import date, timedelta

from freezegun import freeze_time
from lease_escalation_common import DUE, EscalationCase

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user

NATIONAL_DAY_DUE = date(2026, 9, 30)  # Wednesday; overdue day 1 = 10-01 (国庆)
WITHHELD = ("d9_t4_lawsuit", "d9_t4_disposal")
PAST_AT_DAY_50 = (
    "d9_notice",
    "d9_lawyer_letter",
    "d9_t2_inspection",
    "d9_t2_inspection_report",
    "d9_t2_assessment",
    "d9_litigation_letter",
    "d9_t3_legal",
    "d9_t3_guarantors",
    "d9_t3_documents",
    "d9_t3_disposal_plan",
    "d8_le30_1",
)


class TestTaskDedupCatchup(EscalationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # EscalationCase put the company in Beijing on China's calendar
        cls.calendar = cls.company.resource_calendar_id
        cls.am_head = new_test_user(
            cls.env, "t_am_head", groups="lease_overdue.group_asset_management_head"
        )
        cls.phone = cls.env.ref("lease_overdue.mail_activity_type_lease_phone")
        cls.working = cls.calendar._lease_working_dates(
            date(2026, 1, 1), date(2026, 12, 31), cls.company
        )

    def _new_contract(self, name, due, locality="local"):
        return self._contract(
            self._lessee(name),
            locality,
            False,
            date_start=due - timedelta(days=40),
            date_first_due=due,
        )

    def _phone_tasks(self, case):
        return self.Activity.search(
            [
                ("res_model", "=", case._name),
                ("res_id", "=", case.id),
                ("activity_type_id", "=", self.phone.id),
            ]
        )

    def _case_logs(self, case, xmlids):
        return self.Log.search(
            [
                ("case_id", "=", case.id),
                ("rule_id", "in", [self._rule(x).id for x in xmlids]),
            ]
        )

    # ------------------------------------------------------------------ item 10
    def test_one_phone_task_moved_to_working_days(self):
        """Issue 9 item 10 (SPEC E1, O5, E14, F1): a T1 case from day 1 (10-01, 国庆) to
        day 12: one open phone task for the collector at any time; when the D9 daily
        call, the D8 reminder and the D5 two calls a day fire again, its deadline moves
        to today's working day (holidays and Sunday to the next working day, the 调休
        Saturday counts); every day and half-day keeps its ledger row pointing to it;
        marked done, it logs a collection record and the next day opens a new one."""
        contract = self._new_contract("承租人 国庆", NATIONAL_DAY_DUE)
        expected = {
            1: date(2026, 10, 8),  # 10-01..10-07 国庆: next working day
            2: date(2026, 10, 8),
            7: date(2026, 10, 8),
            8: date(2026, 10, 8),
            9: date(2026, 10, 9),
            10: date(2026, 10, 10),  # Saturday 调休: a working day
            11: date(2026, 10, 12),  # Sunday: Monday
            12: date(2026, 10, 12),
        }
        first_task = done_task = None
        for offset in range(1, 13):
            day = NATIONAL_DAY_DUE + timedelta(days=offset)
            self._day(day, contract)
            case = contract.current_case_id
            self.assertEqual(case.escalation_first_day, 1)
            self.assertFalse(case.escalation_catchup)
            tasks = self._phone_tasks(case)
            self.assertEqual(len(tasks), 1, f"{day}: one open phone task")
            self.assertEqual(tasks.user_id, self.collector)
            if offset in expected:
                self.assertEqual(tasks.date_deadline, expected[offset], day)
            # no task of the case is ever due on a non-working day
            for task in self._tasks(case):
                self.assertIn(task.date_deadline, self.working, task.display_name)
            if offset == 1:
                first_task = tasks
                # the D9 daily call and the D8 reminder share the task, each in its note
                note = str(tasks.note)
                self.assertIn("D9 L173", note)
                self.assertIn("D8 L152", note)
                self.assertEqual(self._logs(case, "d8_le30_1").activity_id, first_task)
            if offset == 8:
                # working day 1: two calls a day (D5 L88) in the same task, its note says so
                self.assertEqual(tasks, first_task)
                self.assertIn("D5 L88", str(tasks.note))
                self.assertIn("reason for overdue", str(tasks.note))
                twice = self._logs(case, "d5_calls_twice")
                self.assertEqual(
                    sorted(twice.mapped("period")), ["2026-10-08/am", "2026-10-08/pm"]
                )
                self.assertEqual(twice.activity_id, first_task)
                # the notice is another kind: its own task, 2 working days: 10-10 (调休)
                notice = self._tasks(case, "d9_notice")
                self.assertEqual(notice.date_deadline, date(2026, 10, 10))
                # the collector calls and marks the task done: one collection record
                records = case.record_ids
                with freeze_time(day):
                    tasks.with_user(self.collector).action_feedback(
                        feedback="Lessee reached: pays next week"
                    )
                new_records = case.record_ids - records
                self.assertEqual(len(new_records), 1)
                self.assertEqual(new_records.channel, "phone")
                logs = self.Log.search([("case_id", "=", case.id)]).filtered(
                    lambda log: log.rule_id.activity_type_id == self.phone
                )
                self.assertEqual(len(logs), 7 + 1 + 1 + 2)  # days 1-7, 8, D8, D5 am/pm
                self.assertEqual(set(logs.mapped("state")), {"done"})
                self.assertFalse(any(logs.mapped("done_late")))
                done_task = first_task
            if offset == 9:
                self.assertNotEqual(tasks.id, done_task.id, "a new task after done")
        # a ledger row per day and half-day of the duty
        week1 = self._logs(case, "d9_phone_week1")
        self.assertEqual(
            sorted(week1.mapped("period")),
            [f"2026-10-{d:02d}" for d in range(1, 8)],
        )
        self.assertEqual(
            sorted(self._logs(case, "d9_phone_week2").mapped("period")),
            [f"2026-10-{d:02d}" for d in range(8, 13)],
        )
        self.assertEqual(
            sorted(self._logs(case, "d5_calls_twice").mapped("period")),
            [f"2026-10-{d:02d}/{s}" for d in (8, 9, 10) for s in ("am", "pm")],
        )
        open_logs = self.Log.search(
            [("case_id", "=", case.id), ("state", "=", "open")]
        ).filtered(lambda log: log.rule_id.activity_type_id == self.phone)
        self.assertEqual(open_logs.activity_id, tasks)
        # visits from working day 4 (Monday 10-12): 2 working days, 10-14
        visit = self._tasks(case, "d5_visit_local")
        self.assertEqual(set(visit.mapped("date_deadline")), {date(2026, 10, 14)})

    def test_calendar_deadline_moves_to_next_working_day(self):
        """Issue 9 item 10 / O5: a deadline in calendar days that falls on a holiday or a
        weekend moves to the next working day; in working days, the 调休 Saturday counts."""
        from odoo.addons.lease_overdue.models.lease_escalation_rule import _RunState

        state = _RunState(self.env, date(2026, 9, 30))
        self.assertEqual(state.deadline(self.company, 0, False), date(2026, 9, 30))
        self.assertEqual(state.deadline(self.company, 1, False), date(2026, 10, 8))
        self.assertEqual(state.deadline(self.company, 2, True), date(2026, 10, 9))
        state = _RunState(self.env, date(2026, 10, 9))
        self.assertEqual(state.deadline(self.company, 1, True), date(2026, 10, 10))
        self.assertEqual(state.deadline(self.company, 2, False), date(2026, 10, 12))

    # ------------------------------------------------------------------ item 9
    def test_catchup_first_seen_at_day_50(self):
        """Issue 9 item 9 (SPEC E14): a contract entering the system on overdue day 50
        (T4) gets today's steps only; the steps of days and tiers already passed and the
        T4 lawsuit and disposal are listed in one review task for the head of asset
        management, with skipped ledger rows; no legal case, no disposal. Reruns and the
        next day do nothing more; the head starts the withheld steps from the case."""
        contract = self._new_contract("承租人 上线", NATIONAL_DAY_DUE)
        day = NATIONAL_DAY_DUE + timedelta(days=50)  # Thursday 11-19
        self._day(day, contract)
        case = contract.current_case_id
        self.assertEqual(case.tier_id, self.tiers["T4"])
        self.assertEqual(case.escalation_first_day, 50)
        self.assertTrue(case.escalation_catchup)
        self.assertEqual(case.date_catchup, day)
        self.assertFalse(case.legal_case_ids)
        self.assertFalse(case.disposal_ids)
        # today's steps: the D8 31-60 reminder and the local visit (D5 L94)
        self.assertEqual(len(self._tasks(case, "d8_31_60_1")), 1)
        self.assertEqual(len(self._tasks(case, "d5_visit_local")), 2)
        reviews = self._tasks(case).filtered(lambda a: not a.lease_escalation_rule_id)
        self.assertEqual(len(reviews), 1)
        review = reviews
        self.assertTrue(
            review.user_id.has_group("lease_overdue.group_asset_management_head")
        )
        self.assertIn(review.date_deadline, self.working)
        skipped = self.Log.search(
            [("case_id", "=", case.id), ("state", "=", "skipped")]
        )
        names = {xmlid: self._rule(xmlid) for xmlid in PAST_AT_DAY_50 + WITHHELD}
        self.assertEqual(set(skipped.rule_id.ids), {r.id for r in names.values()})
        self.assertEqual(skipped.activity_id, review)
        self.assertEqual(
            set(skipped.filtered(lambda log: log.role_code == "withheld").rule_id.ids),
            {self._rule(x).id for x in WITHHELD},
        )
        for rule in names.values():
            self.assertIn(str(rule.name), str(review.note))
            self.assertIn(rule.policy_ref, str(review.note))
        # nothing else of the past ran: no notice, no inspection, no T3 document
        for xmlid in PAST_AT_DAY_50 + WITHHELD:
            self.assertFalse(self._tasks(case, xmlid), xmlid)
        self.assertFalse(
            contract.inspection_ids.filtered(lambda i: i.kind == "overdue")
        )
        # the next day (the case is known now): still nothing started by itself
        self._day(day + timedelta(days=1), contract)
        self.assertFalse(case.legal_case_ids)
        self.assertFalse(case.disposal_ids)
        self.assertEqual(
            len(self._tasks(case).filtered(lambda a: not a.lease_escalation_rule_id)),
            1,
        )
        # the head decides: the withheld steps start, once
        self.assertTrue(case.has_withheld_steps)
        with self.assertRaises(AccessError):
            case.with_user(self.collector).action_lease_start_withheld_steps()
        with freeze_time(day + timedelta(days=1)):
            case.with_user(self.am_head).action_lease_start_withheld_steps()
        self.assertEqual(len(case.legal_case_ids), 1)
        self.assertEqual(len(case.disposal_ids), 1)
        self.assertEqual(len(self._tasks(case, "d9_t4_lawsuit")), 1)
        case.invalidate_recordset(["has_withheld_steps"])
        self.assertFalse(case.has_withheld_steps)
        with self.assertRaises(UserError):
            case.with_user(self.am_head).action_lease_start_withheld_steps()

    def test_catchup_window_includes_today(self):
        """Issue 9 item 9: first seen on day 15, the notice (days 8-15) is still done; first
        seen on day 17 (T2), the T2 steps and the lawyer's letter (days 15-30) are done,
        the notice (8-15) is skipped and listed. A case first seen on day 1 has no review."""
        day = date(2026, 11, 19)
        c15 = self._new_contract("承租人 15", day - timedelta(days=15))
        c17 = self._new_contract("承租人 17", day - timedelta(days=17))
        self._day(day, c15 | c17)
        case15, case17 = c15.current_case_id, c17.current_case_id
        self.assertEqual(case15.escalation_first_day, 15)
        self.assertEqual(len(self._tasks(case15, "d9_notice")), 1)
        self.assertEqual(len(self._tasks(case15, "d9_lawyer_letter")), 1)
        self.assertFalse(
            self.Log.search([("case_id", "=", case15.id), ("state", "=", "skipped")])
        )
        self.assertFalse(
            self._tasks(case15).filtered(lambda a: not a.lease_escalation_rule_id)
        )
        self.assertEqual(case17.tier_id, self.tiers["T2"])
        for xmlid in ("d9_t2_inspection", "d9_t2_assessment", "d9_lawyer_letter"):
            self.assertEqual(len(self._tasks(case17, xmlid)), 1, xmlid)
        self.assertFalse(self._tasks(case17, "d9_notice"))
        skipped = self.Log.search(
            [("case_id", "=", case17.id), ("state", "=", "skipped")]
        )
        self.assertEqual(skipped.rule_id, self._rule("d9_notice"))
        self.assertEqual(skipped.role_code, "catchup")
        # the notice never comes back
        self._day(day + timedelta(days=1), c15 | c17)
        self.assertFalse(self._tasks(case17, "d9_notice"))

    def test_known_case_missed_days_still_escalates(self):
        """Issue 9 item 9 / SPEC E14: a case seen from day 1 whose job missed days 30 and
        31 gets its missed once-steps on day 32 (the day-30 letter, the T3 legal case and
        disposal plan): not a catch-up."""
        contract = self._new_contract("承租人 已知", DUE)
        self._day(self.offset(1), contract)
        case = contract.current_case_id
        self.assertEqual(case.escalation_first_day, 1)
        self.assertFalse(case.escalation_catchup)
        self._day(self.offset(29), contract)
        # T2 entered on day 16 while the job did not run: done on day 29
        self.assertEqual(len(self._tasks(case, "d9_t2_inspection")), 1)
        self._day(self.offset(32), contract)
        self.assertEqual(case.tier_id, self.tiers["T3"])
        self.assertEqual(len(self._tasks(case, "d9_litigation_letter")), 1)
        self.assertEqual(len(case.legal_case_ids), 1)
        self.assertEqual(len(case.disposal_ids), 1)
        self.assertFalse(
            self.Log.search([("case_id", "=", case.id), ("state", "=", "skipped")])
        )
