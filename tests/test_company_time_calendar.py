"""Company time and China's calendar (SPEC O5; issue 9 items 1, 2 and the part of 11 that
tests them).

A company in Asia/Shanghai with China's real 2026 calendar loaded from the chinesecalendar
package: 中秋 09-25..09-27, 国庆 10-01..10-07 (entered in local time: stored from
2026-09-30 16:00 UTC), make-up working days (调休) Sunday 09-20 and Saturday 10-10. Every
assertion names the exact day, so it fails when a boundary moves by one day.
"""

from datetime import date, datetime

from freezegun import freeze_time
from lease_test_common import LeaseTestCase

from odoo.exceptions import AccessError

from odoo.addons.lease_overdue.models.lease_escalation_rule import _RunState


class TestCompanyTimeCalendar(LeaseTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calendar = cls.company.resource_calendar_id
        cls.calendar.tz = "Asia/Shanghai"
        cls.company.partner_id.tz = "Asia/Shanghai"
        # Whoever runs the code lives elsewhere: the cron's system user and the admin.
        cls.root = cls.env.ref("base.user_root")
        cls.root.tz = "Europe/Brussels"
        cls.collector.tz = "Asia/Shanghai"
        cls.loaded = cls.calendar._lease_load_china_calendar(year_from=2026)
        cls.engine = cls.env["lease.overdue.engine"]

    # ------------------------------------------------------------------ loading
    def test_china_calendar_loaded_in_local_time(self):
        """国庆 is stored from local midnight of 10-01 (16:00 UTC on 09-30) to the end of
        10-07 local; the 调休 days are make-up working days; a reload adds nothing."""
        leave = self.env["resource.calendar.leaves"].search(
            [("calendar_id", "=", self.calendar.id), ("name", "=", "国庆节 2026")]
        )
        self.assertEqual(len(leave), 1)
        self.assertEqual(leave.date_from, datetime(2026, 9, 30, 16, 0, 0))
        self.assertEqual(leave.date_to, datetime(2026, 10, 7, 15, 59, 59))
        self.assertFalse(leave.resource_id)
        workdays = self.env["lease.calendar.workday"].search(
            [("calendar_id", "=", self.calendar.id), ("date", ">=", date(2026, 9, 1))]
        )
        self.assertEqual(
            sorted(workdays.mapped("date")), [date(2026, 9, 20), date(2026, 10, 10)]
        )
        self.assertTrue(self.loaded[0] and self.loaded[1])
        self.assertEqual(
            self.calendar._lease_load_china_calendar(year_from=2026), (0, 0)
        )

    def test_workday_editable_by_configuration_manager_only(self):
        vals = {
            "name": "调休",
            "date": date(2026, 11, 7),
            "calendar_id": self.calendar.id,
        }
        workday = (
            self.env["lease.calendar.workday"].with_user(self.manager).create(vals)
        )
        self.assertIn(
            date(2026, 11, 7), self._days(date(2026, 11, 7), date(2026, 11, 7))
        )
        workday.with_user(self.manager).unlink()
        self.assertFalse(self._days(date(2026, 11, 7), date(2026, 11, 7)))
        with self.assertRaises(AccessError):
            self.env["lease.calendar.workday"].with_user(self.collector).create(vals)

    # ------------------------------------------------------------------ working days
    def _days(self, date_from, date_to):
        return self.engine._working_days(self.company, date_from, date_to)

    def test_working_days_around_national_day(self):
        """09-30 works (the holiday starts at 16:00 UTC that day), 10-01..10-07 do not,
        10-08 works, the 调休 Saturday 10-10 works, Sunday 10-11 does not; 中秋 Friday
        09-25 is off and the 调休 Sunday 09-20 works."""
        self.assertEqual(
            self._days(date(2026, 9, 19), date(2026, 10, 12)),
            [
                date(2026, 9, 20),  # Sunday, 调休
                date(2026, 9, 21),
                date(2026, 9, 22),
                date(2026, 9, 23),
                date(2026, 9, 24),
                # 09-25 Friday: 中秋
                date(2026, 9, 28),
                date(2026, 9, 29),
                date(2026, 9, 30),
                # 10-01..10-07: 国庆
                date(2026, 10, 8),
                date(2026, 10, 9),
                date(2026, 10, 10),  # Saturday, 调休
                date(2026, 10, 12),
            ],
        )

    def test_three_working_days_across_national_day(self):
        """D5 L88-L90 "within 3 working days": from 09-30 the third working day is the
        调休 Saturday 10-10; from 09-29 it is 10-09; backwards from 10-08, 09-28."""
        add = self.engine._add_working_days
        self.assertEqual(add(self.company, date(2026, 9, 30), 3), date(2026, 10, 10))
        self.assertEqual(add(self.company, date(2026, 9, 29), 3), date(2026, 10, 9))
        self.assertEqual(add(self.company, date(2026, 9, 30), 1), date(2026, 10, 8))
        self.assertEqual(add(self.company, date(2026, 10, 8), -3), date(2026, 9, 28))
        self.assertEqual(add(self.company, date(2026, 10, 10), 1), date(2026, 10, 12))
        state = _RunState(self.env, date(2026, 9, 30))
        self.assertEqual(state.deadline(self.company, 3, True), date(2026, 10, 10))
        # 3 calendar days = 10-03, a holiday: the next working day (issue 9 item 10)
        self.assertEqual(state.deadline(self.company, 3, False), date(2026, 10, 8))
        self.assertTrue(state.is_working_day(self.company))
        for day, working in (
            (date(2026, 10, 1), False),
            (date(2026, 10, 7), False),
            (date(2026, 10, 8), True),
            (date(2026, 10, 10), True),
            (date(2026, 10, 11), False),
        ):
            self.assertEqual(
                _RunState(self.env, day).is_working_day(self.company), working, day
            )

    # ------------------------------------------------------------------ company time
    def test_today_is_the_company_local_date(self):
        with freeze_time("2026-10-08 15:59:59"):  # 23:59:59 in Beijing
            self.assertEqual(self.company._lease_today(), date(2026, 10, 8))
        with freeze_time("2026-10-08 16:00:00"):  # 00:00 in Beijing, 18:00 in Brussels
            self.assertEqual(self.company._lease_today(), date(2026, 10, 9))
            self.assertEqual(
                self.company.with_user(self.root)._lease_today(), date(2026, 10, 9)
            )

    def test_nightly_job_and_refresh_count_the_same_days(self):
        """Due Monday 09-28, unpaid. The nightly job at 01:00 Beijing on 10-09 (17:00 UTC
        on 10-08) run by the system user (Brussels: still 10-08) counts 11 days and 4
        working days (09-29, 09-30, 10-08, 10-09) overdue; the collector clicking
        Refresh at 09:00 Beijing counts the same."""
        due = date(2026, 9, 28)
        contract = self._active_contract(
            date_start=date(2026, 8, 1), date_first_due=due, invoice_until=due
        )
        with freeze_time("2026-10-08 17:00:00"):
            self.engine.with_user(self.root)._cron_daily()
        self.assertEqual(contract.days_overdue, 11)
        self.assertEqual(contract.working_days_overdue, 4)
        self._run(date(2026, 10, 1), contract)
        self.assertEqual(contract.working_days_overdue, 2)
        with freeze_time("2026-10-09 01:00:00"):
            contract.with_user(self.collector).action_refresh_overdue()
        contract.invalidate_recordset()
        self.assertEqual(contract.days_overdue, 11)
        self.assertEqual(contract.working_days_overdue, 4)
        # The day before (a holiday) no working day is added; the 调休 Saturday adds one.
        self._run(date(2026, 10, 7), contract)
        self.assertEqual(contract.working_days_overdue, 2)
        self._run(date(2026, 10, 10), contract)
        self.assertEqual(contract.working_days_overdue, 5)
        self._run(date(2026, 10, 11), contract)
        self.assertEqual(contract.working_days_overdue, 5)

    def test_prenotice_deadline_at_16_local(self):
        """The pre-due feedback deadline is 16:00 in the company's time zone (08:00 UTC),
        whatever the account manager's own time zone."""
        self.account_manager.tz = "Europe/Paris"
        deadline = self.env["lease.contract"]._prenotice_deadline(
            date(2026, 10, 9), self.account_manager.id, self.company.id
        )
        self.assertEqual(deadline, datetime(2026, 10, 9, 8, 0))

    def test_crons_at_local_times(self):
        """ir.cron's nextcall is UTC: the nightly job at 01:00 Beijing = 17:00 UTC the day
        before, the pre-due lists at 10:00 Beijing = 02:00 UTC."""
        with freeze_time("2026-10-08 17:30:00"):  # 01:30 on 10-09 in Beijing
            self.env["res.company"]._lease_schedule_crons()
        nightly = self.env.ref("lease_overdue.ir_cron_lease_overdue_daily")
        morning = self.env.ref("lease_overdue.ir_cron_lease_escalation_morning")
        self.assertEqual(nightly.nextcall, datetime(2026, 10, 9, 17, 0))
        self.assertEqual(morning.nextcall, datetime(2026, 10, 9, 2, 0))
        weekly = self.env.ref("lease_overdue.ir_cron_lease_weekly_overdue_report")
        self.assertEqual(weekly.nextcall, datetime(2026, 10, 9, 10, 0))  # Fri 18:00
        monthly = self.env.ref("lease_overdue.ir_cron_lease_collection_log_monthly")
        self.assertEqual(monthly.nextcall, datetime(2026, 10, 9, 10, 0))
        yearly = self.env.ref("lease_overdue.ir_cron_lease_china_calendar")
        self.assertEqual(yearly.nextcall, datetime(2026, 12, 31, 18, 30))
        with freeze_time("2026-10-08 16:59:00"):  # 00:59 on 10-09 in Beijing
            self.env["res.company"]._lease_schedule_crons()
        self.assertEqual(nightly.nextcall, datetime(2026, 10, 8, 17, 0))
