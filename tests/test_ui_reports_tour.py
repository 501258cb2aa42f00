"""The general manager reads the KPI dashboard and the weekly report in a real browser,
in Chinese (issue 11 item 10; SPEC W1, W2)."""

from datetime import timedelta

from odoo.tests import HttpCase, new_test_user


class TestReportsTour(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(
            ["lease_overdue"], ["zh_CN"], overwrite=True
        )
        qweb = cls.env["ir.qweb"]
        for bundle in ("web.assets_web", "web.assets_tests"):
            qweb._get_asset_bundle(bundle).js()
        qweb._get_asset_bundle("web.assets_web").css()

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
