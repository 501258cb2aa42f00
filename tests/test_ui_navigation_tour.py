"""Landing and grouped navigation in a real browser, in Chinese (issue 11, items 7, 8)."""

from lease_test_common import chinese_browser

from odoo.tests import HttpCase, new_test_user


class TestNavigationTour(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        chinese_browser(cls.env)

    def test_new_collector_lands_in_leasing_and_menu_in_sections(self):
        """Item 7: a new collector (no home action) opens /odoo and lands in 融资租赁 on
        his tasks; item 8: 催收 opens in sections (我的工作, 案件, 文书, 台账) and an entry
        opens."""
        new_test_user(
            self.env,
            "nav_tour_collector",
            groups="lease_overdue.group_asset_management",
            lang="zh_CN",
            tz="Asia/Shanghai",
        )
        self.start_tour("/odoo", "lease_navigation_tour", login="nav_tour_collector")

    def test_approver_lands_on_his_approvals(self):
        """Item 7: a general manager with the home action the demo gives the approvers
        (My Approvals) lands in 融资租赁 on 我的审批 and finds the same sections."""
        gm = new_test_user(
            self.env,
            "nav_tour_gm",
            groups="lease_overdue.group_general_manager",
            lang="zh_CN",
            tz="Asia/Shanghai",
        )
        gm.action_id = self.env.ref("lease_overdue.demo_user_gm").action_id
        self.assertEqual(
            gm.action_id.id,
            self.env.ref("lease_overdue.lease_document_action_my_approvals").id,
        )
        self.start_tour("/odoo", "lease_navigation_tour", login="nav_tour_gm")
