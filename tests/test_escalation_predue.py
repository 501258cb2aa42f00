"""Before the due date (SPEC R2-R5, D5 L87-L96)."""

from datetime import date

from freezegun import freeze_time
from lease_escalation_common import DUE, EscalationCase

from odoo.exceptions import AccessError, UserError


class TestPreDue(EscalationCase):
    def test_r2_r3_r4_history_customer(self):
        """R2: overdue count > 3 and cumulative days > 10: a call on each of the 5 working
        days before the due date. R3: overdue in each of the last 2 months: a pre-due
        visit. R4: on the key watch list: a selective visit."""
        lessee = self._lessee("Late Payer Ltd")
        contract = self._contract(
            lessee, date_start=date(2025, 12, 1), date_first_due=date(2026, 1, 10)
        )
        lines = contract.installment_ids.sorted("sequence")
        for line in lines[:4]:  # January to April rent paid 3 days late
            late = line.date_due.replace(day=13)
            with freeze_time(line.date_due):
                line._create_rent_invoices()
            with freeze_time(late):
                self._pay(line.move_id, line.amount_rent, late)
        # Installment 5 is due on Sunday 2026-05-10. On China's calendar (劳动节 05-01..
        # 05-05, the 调休 Saturday 05-09 works) its 5 working days before are 04-30,
        # 05-06, 05-07, 05-08 and Saturday 05-09; 04-29 is the 6th: no call yet; no call
        # on the holidays.
        expected_calls = {
            date(2026, 4, 29): 0,
            date(2026, 4, 30): 1,
            date(2026, 5, 1): 1,
            date(2026, 5, 4): 1,
            date(2026, 5, 5): 1,
            date(2026, 5, 8): 2,
            date(2026, 5, 9): 3,
            date(2026, 5, 11): 3,
        }
        for day, count in expected_calls.items():
            self._day(day, contract)
            if day == date(2026, 4, 29):
                self.assertEqual(lessee.lease_overdue_count, 4)
                self.assertEqual(lessee.lease_overdue_days_total, 12)
                self.assertTrue(lessee.lease_is_key_watch)
            # one call task a day in the ledger, one open task (issue 9 item 10)
            self.assertEqual(len(self._logs(contract, "d5_predue_calls")), count, day)
            calls = self._tasks(contract, "d5_predue_calls")
            self.assertEqual(len(calls), min(count, 1), day)
            if count:  # moved to the day of the last call asked
                self.assertEqual(
                    calls.date_deadline,
                    max(self._logs(contract, "d5_predue_calls").mapped("date")),
                )
            if count:
                self.assertEqual(calls.user_id, self.risk_officer)
                self.assertIn("deposit", str(calls[:1].note))
            visits = self._tasks(contract, "d5_predue_visit_two_months")
            watch = self._tasks(contract, "d5_predue_visit_key_watch")
            self.assertEqual(len(visits), 1 if day >= date(2026, 4, 30) else 0, day)
            self.assertEqual(len(watch), 1 if day >= date(2026, 4, 30) else 0, day)
        self.assertEqual(visits.user_id, self.account_manager)
        self.assertEqual(watch.user_id, self.risk_officer)
        # a lessee without that history gets none of these
        other = self._contract(self._lessee("Good Payer Ltd"))
        self._day(DUE.replace(day=5), other)
        for xmlid in (
            "d5_predue_calls",
            "d5_predue_visit_two_months",
            "d5_predue_visit_key_watch",
        ):
            self.assertFalse(self._tasks(other, xmlid))

    def test_r2_record_of_a_call_notes_deposit(self):
        """R2: the pre-due call logs a collection record on the contract when done."""
        lessee = self._lessee("Deposit Ltd")
        contract = self._contract(lessee)
        self._day(DUE.replace(day=5), contract)  # Thursday, 3 working days before
        reminder = self.Activity.create(
            {
                "res_model_id": self.env["ir.model"]._get_id("lease.contract"),
                "res_id": contract.id,
                "activity_type_id": self.env.ref(
                    "lease_overdue.mail_activity_type_lease_predue_call"
                ).id,
                "user_id": self.risk_officer.id,
            }
        )
        reminder.with_user(self.risk_officer).action_feedback(
            feedback="Deposit of 10 000 ready on the account"
        )
        record = self.env["lease.collection.record"].search(
            [("contract_id", "=", contract.id)]
        )
        self.assertEqual(record.channel, "phone")
        self.assertFalse(record.case_id)
        self.assertIn("Deposit", record.result)

    def test_r5_list_at_10_and_feedback_by_16(self):
        """R5 / D5 L95: for 7 days before a due date, every day at 10:00, each account
        manager gets his customers due; he answers by 16:00; risk management sees the
        missing answers."""
        # 16:00 of the company (issue 9 item 1), not of the account manager
        self.company.resource_calendar_id.tz = "Asia/Shanghai"
        self.account_manager.tz = "Europe/Paris"
        lessee = self._lessee("Due Soon Ltd")
        contract = self._contract(lessee)
        contract2 = self._contract(self._lessee("Due Soon Too Ltd"))
        other_am = self._contract(
            self._lessee("Other AM Ltd"), account_manager_id=self.account_manager2.id
        )
        contracts = contract | contract2 | other_am
        Lists = self.env["lease.prenotice.list"]
        mine = [("user_id", "=", self.account_manager.id)]
        for day in (date(2026, 3, 2), date(2026, 3, 3)):  # 02:00 UTC = 10:00 in Beijing
            self._day(day, contracts, schedules=("morning",), at="02:00:00")
        lists = Lists.search(mine)
        self.assertEqual(len(lists), 1, "none 8 days before, one 7 days before")
        self.assertEqual(lists.date, date(2026, 3, 3))
        self.assertEqual(
            set(lists.line_ids.contract_id.ids), {contract.id, contract2.id}
        )
        self.assertEqual(lists.date_deadline.hour, 8)  # 16:00 Beijing = 08:00 UTC
        activity = lists.activity_ids
        self.assertEqual(activity.user_id, self.account_manager)
        self.assertEqual(
            activity.activity_type_id,
            self.env.ref("lease_overdue.mail_activity_type_lease_feedback"),
        )
        self.assertIn(contract.name, str(activity.note))
        self.assertEqual(
            len(Lists.search([("user_id", "=", self.account_manager2.id)])), 1
        )
        # the account manager sees his own list only
        self.assertEqual(Lists.with_user(self.account_manager).search([]), lists)
        with self.assertRaises(AccessError):
            Lists.search([("user_id", "=", self.account_manager2.id)]).with_user(
                self.account_manager
            ).read(["name"])
        line, line2 = lists.line_ids.sorted("id")
        with freeze_time("2026-03-03 07:00:00"):  # 15:00 in Beijing
            line.with_user(self.account_manager).write(
                {"willingness": "high", "ability": "medium"}
            )
            self.assertEqual(line.state, "given")
            with self.assertRaises(UserError):
                lists.with_user(self.account_manager).action_send_feedback()
        risk = self.env["lease.prenotice.feedback"].with_user(self.risk_head)
        with freeze_time("2026-03-03 07:59:00"):
            self.assertFalse(
                risk.search(
                    [("is_missing", "=", True), ("id", "in", lists.line_ids.ids)]
                )
            )
        with freeze_time("2026-03-03 08:01:00"):
            missing = risk.search(
                [("is_missing", "=", True), ("id", "in", lists.line_ids.ids)]
            )
            self.assertEqual(missing, line2)
            line2.with_user(self.account_manager).write(
                {"willingness": "low", "ability": "low"}
            )
            lists.with_user(self.account_manager).action_send_feedback()
        self.assertEqual(lists.state, "answered")
        self.assertTrue(lists.answered_late)
        self.assertFalse(lists.activity_ids)
        # every day until the day before the due date, not on it
        for day in (date(2026, 3, 9), date(2026, 3, 10)):
            self._day(day, contracts, schedules=("morning",), at="02:00:00")
        self.assertEqual(
            Lists.search(mine).mapped("date"), [date(2026, 3, 9), date(2026, 3, 3)]
        )
