"""Browser tours in Chinese (issue 11 item 10): the general manager reads the KPI dashboard
and the weekly report (SPEC W1, W2); a collector logs a call with its outcome (SPEC F1)
and records the promise to pay (SPEC E15)."""

from datetime import date, timedelta

from lease_test_common import LeaseTestCase, chinese_browser

from odoo.tests import HttpCase, new_test_user


class TestReportsTour(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        chinese_browser(cls.env)

    def test_gm_reads_dashboard_and_weekly_report(self):
        """The general manager opens the KPI dashboard: its title names the period,
        the monthly trend and the tiers are in Chinese; from the reports menu he opens a
        weekly report (the demo's, or this week's), titled 逾期租金周报."""
        Report = self.env["lease.overdue.weekly.report"]
        if not Report.search_count([]):
            today = self.env.company._lease_today()
            report = Report.create({"date_week": today - timedelta(days=7)})
            report.action_generate()
        new_test_user(
            self.env,
            "tour_gm",
            groups="lease_overdue.group_general_manager",
            lang="zh_CN",
            tz="Asia/Shanghai",
        )
        self.start_tour(
            "/odoo/action-lease_overdue.lease_kpi_dashboard_action",
            "lease_gm_reports_tour",
            login="tour_gm",
        )


class TestCollectorDayTour(HttpCase, LeaseTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        chinese_browser(cls.env)
        cls.collector.write({"lang": "zh_CN", "tz": "Asia/Shanghai"})

    def test_collector_logs_a_call_with_its_outcome(self):
        """A collector's day (issue 11 item 10; SPEC E13, F1, E15): in his queue, in
        Chinese, he marks the call to an overdue lessee done; the wizard asks the
        outcome, and the call's collection record holds what he typed (result, contact,
        next step); then, on the lessee's case, he records the promise to pay (the
        button, the form's title and labels read 承诺还款...) and the case shows it."""
        lessee = self.env["res.partner"].create(
            {"name": "巡游承租人有限公司", "is_company": True}
        )
        contract = self._active_contract(
            invoice_until=date(2026, 2, 10), partner_id=lessee.id
        )
        self._run(date(2026, 2, 12))
        case = contract.case_ids
        self.assertTrue(case)
        case.activity_ids.unlink()  # the escalation's own tasks: not this test's
        case.activity_schedule(
            "lease_overdue.mail_activity_type_lease_phone",
            user_id=self.collector.id,
            summary="电话催收",
        )
        self.start_tour("/odoo", "lease_collector_day_tour", login="t_collector")
        record = self.env["lease.collection.record"].search(
            [("contract_id", "=", contract.id)]
        )
        self.assertEqual(len(record), 1)
        self.assertIn("承诺本周五付清", record.result or "")
        self.assertEqual(record.contact_name, "财务经理 王先生")
        self.assertIn("周五核对到账", record.next_step or "")
        self.assertFalse(case.activity_ids)
        # Then he recorded the lessee's promise on the case (SPEC E15).
        promise = case.promise_ids
        self.assertEqual(len(promise), 1)
        self.assertEqual(
            (promise.state, promise.amount, promise.user_id),
            ("open", 5000.0, self.collector),
        )
        self.assertEqual(promise.date_recorded, self.env.company._lease_today())
        self.assertGreater(promise.date_promised, promise.date_recorded)
