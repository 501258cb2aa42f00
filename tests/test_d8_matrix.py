"""The D8 disposal matrix, cell by cell (SPEC E12; D8 L148-L161; issue 9 items 6 and 11).

Categories (L148-L150): "30天以下 ... 逾期未超过30天" includes day 30; "30-60天" is then
31-60 and "60天以上 ... 超过60天" starts at day 61. Occurrences: 1st, 2nd, 3rd and later
(a 4th is a "3rd or later").

What each occurrence keeps (the policy wins over SPEC E12, which says it for every 2nd):
- 1-30 days: the 2nd keeps the 1st's reminder (L153 "除采取第一次逾期的措施外") and
  the 3rd keeps it too (L154 "进一步协商": the 2nd's measures taken further); the
  negotiation of the 2nd is the 3rd's own task, "negotiate further, agree a plan".
- 31-60 and over 60 days: L156/L159 and L157/L161 name their own measures without
  "除...外": the written notice replaces the reminder, litigation replaces the notice.
- Over 60 days, 2nd: the written notice and visit (L159) and, at the same time, the
  lawyer (L160): two tasks, the lawyer's follows the litigation decision on a vendor's
  objection (SPEC E10).

Each cell is a lessee whose case is at day N of its ``occurrence``-th overdue episode when
the nightly job runs (a company in Asia/Shanghai; the job runs at 01:00 Beijing time).
The test asserts exactly which D8 tasks the case has: moving a category edge or the
occurrence matching by one fails it.
"""

from datetime import date, timedelta

from freezegun import freeze_time
from lease_escalation_common import EscalationCase

from odoo.tests import new_test_user

TODAY = date(
    2026, 6, 3
)  # a Wednesday; the job runs at 01:00 Beijing (17:00 UTC before)
RUN_AT = "2026-06-02 17:00:00"

D8_RULES = (
    "d8_le30_1",
    "d8_le30_2",
    "d8_le30_3",
    "d8_31_60_1",
    "d8_31_60_2",
    "d8_31_60_3",
    "d8_gt60_1",
    "d8_gt60_2",
    "d8_gt60_2_lawyer",
    "d8_gt60_3",
)

LE30 = {
    1: {"d8_le30_1"},
    2: {"d8_le30_1", "d8_le30_2"},  # L153: the first-time measures continue
    3: {"d8_le30_1", "d8_le30_3"},  # L154: further negotiation, reminder kept
}
MID = {1: {"d8_31_60_1"}, 2: {"d8_31_60_2"}, 3: {"d8_31_60_3"}}
GT60 = {
    1: {"d8_gt60_1"},
    2: {"d8_gt60_2", "d8_gt60_2_lawyer"},  # L159 and, at the same time, L160
    3: {"d8_gt60_3"},
}
EXPECTED = {1: LE30, 30: LE30, 31: MID, 60: MID, 61: GT60, 90: GT60}
OCCURRENCES = (1, 2, 3, 4)


class TestD8Matrix(EscalationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.resource_calendar_id.tz = "Asia/Shanghai"
        cls.company.partner_id.tz = "Asia/Shanghai"
        cls.env.ref("base.user_root").tz = "Europe/Brussels"
        cls.company.lease_escalation_d8 = True
        cls.legal_head = new_test_user(
            cls.env, "t_d8_legal_head", groups="lease_overdue.group_legal_head"
        )
        # One lessee per cell: its first rent fell due ``days`` ago (local time).
        cls.cells = {}
        for days in EXPECTED:
            for occurrence in OCCURRENCES:
                due = TODAY - timedelta(days=days)
                lessee = cls._lessee(f"D8 {days}d #{occurrence}")
                contract = cls._contract(
                    lessee,
                    date_start=due - timedelta(days=31),
                    date_first_due=due,
                    term_count=3,
                )
                cls.cells[days, occurrence] = contract
        cls.contracts = cls.env["lease.contract"].union(*cls.cells.values())

    def _night(self):
        """The nightly job: invoices, the overdue engine, then the escalation job; each
        case is put at its occurrence between the two (what earlier episodes and broken
        promises would have made it, SPEC E12, E15)."""
        with freeze_time(RUN_AT):
            self.assertEqual(self.company._lease_today(), TODAY)
            self.contracts.action_invoice_due()
            self.env["lease.overdue.engine"]._run()
            for (_days, occurrence), contract in self.cells.items():
                contract.current_case_id.occurrence = occurrence
            # Cases known since their first overdue day, not entering the system
            # overdue (the go-live catch-up is tests/test_task_dedup_catchup.py).
            self.contracts.current_case_id.write(
                {"escalation_first_day": 1, "escalation_catchup": False}
            )
            self.env.flush_all()
            self.Rule._run_escalation(schedule="daily")
            again = self.Rule._run_escalation(schedule="daily")
            self.assertFalse(again, "a second run creates nothing (E14)")

    def _d8_tasks(self, case):
        """The D8 rules that gave the case a task (the ledger row and its activity)."""
        rules = {self._rule(xmlid): xmlid for xmlid in D8_RULES}
        logs = self.Log.search(
            [("case_id", "=", case.id), ("rule_id", "in", [r.id for r in rules])]
        )
        for log in logs:
            self.assertTrue(log.activity_id, f"{rules[log.rule_id]} left a task")
        return {rules[log.rule_id] for log in logs}

    def _d8_users(self, case, xmlid):
        return self.Log.search(
            [("case_id", "=", case.id), ("rule_id", "=", self._rule(xmlid).id)]
        ).user_id

    def test_e12_nine_cells_and_their_edges(self):
        """E12 / D8 L148-L161: for days 1, 30 | 31, 60 | 61, 90 and occurrences 1, 2, 3
        and 4 (= 3rd or later), exactly the D8 tasks of the cell; the 2nd occurrence
        keeps the first-time reminder in 1-30 days (L153, issue 9 item 6)."""
        self._night()
        for (days, occurrence), contract in self.cells.items():
            case = contract.current_case_id
            with self.subTest(days=days, occurrence=occurrence):
                self.assertEqual(contract.days_overdue, days)
                self.assertEqual(case.occurrence, occurrence)
                self.assertEqual(case.escalation_occurrence, min(occurrence, 3))
                expected = EXPECTED[days][min(occurrence, 3)]
                self.assertEqual(self._d8_tasks(case), expected)
        # The reminder kept at the 2nd occurrence is the same task, for the collector.
        case = self.cells[30, 2].current_case_id
        self.assertEqual(len(self._logs(case, "d8_le30_1")), 1)
        self.assertEqual(self._d8_users(case, "d8_le30_1"), self.collector)
        # Over 60 days, 2nd: the visit is the collector's, the lawyer legal's.
        case = self.cells[61, 2].current_case_id
        self.assertEqual(self._d8_users(case, "d8_gt60_2"), self.collector)
        self.assertTrue(
            self._d8_users(case, "d8_gt60_2_lawyer").has_group(
                "lease_overdue.group_legal"
            )
        )

    def test_e12_later_occurrence_in_the_same_case(self):
        """E12 / E15: a case that moves to its 2nd occurrence (a broken promise) on day
        30 gets the negotiation and keeps its one reminder; on day 31 the 2nd occurrence
        of 31-60 days gets the written notice, not a second reminder."""
        contract = self.cells[30, 1]
        self._night()
        case = contract.current_case_id
        self.assertEqual(self._d8_tasks(case), {"d8_le30_1"})
        with freeze_time(RUN_AT):
            case.occurrence = 2
            self.env.flush_all()
            self.Rule._run_escalation(schedule="daily")
        self.assertEqual(self._d8_tasks(case), {"d8_le30_1", "d8_le30_2"})
        self.assertEqual(len(self._logs(case, "d8_le30_1")), 1, "one reminder")
        with freeze_time("2026-06-03 17:00:00"):
            self.env["lease.overdue.engine"]._run(contract_ids=contract.ids)
            self.assertEqual(contract.days_overdue, 31)
            self.Rule._run_escalation(schedule="daily")
        self.assertEqual(self._d8_tasks(case), {"d8_le30_1", "d8_le30_2", "d8_31_60_2"})
