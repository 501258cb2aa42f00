"""Navigation (issue 11, item 8) and landing (issue 11, item 7): the collection menu in
sections, the tier kanban without quick-create, every leasing user lands in the Leasing
app."""

from lxml import etree

from odoo.tests import TransactionCase, new_test_user

M = "lease_overdue."

# section -> its entries, in menu order (issue 11, item 8)
SECTIONS = {
    "lease_collection_my_work_menu": [
        "lease_today_menu",
        "lease_my_tasks_menu",
        "lease_document_my_approvals_menu",
        "lease_department_tasks_menu",
        "lease_tasks_asset_management_menu",
        "lease_tasks_legal_menu",
        "lease_tasks_risk_menu",
        "lease_tasks_business_menu",
    ],
    "lease_collection_cases_menu": [
        "lease_collection_case_priority_menu",
        "lease_collection_case_menu",
        "lease_overdue_contract_menu",
        "lease_overdue_installment_menu",
        "lease_collection_record_menu",
        "lease_payment_promise_menu",
        "lease_prenotice_list_menu",
        "lease_prenotice_missing_menu",
    ],
    "lease_collection_documents_menu": [
        "lease_document_menu",
        "lease_inspection_menu",
    ],
    "lease_collection_legal_menu": [
        "lease_legal_case_menu",
        "lease_disposal_menu",
        "lease_vendor_objection_menu",
    ],
    "lease_collection_registers_menu": [
        "lease_customer_file_menu",
        "lease_collection_log_monthly_menu",
        "lease_blacklist_entry_menu",
    ],
}

HEADS = ["am_head", "risk_head", "legal_head", "biz_head", "finance_head"]
APPROVERS = [*HEADS, "committee", "gm"]
STAFF = ["collector", "collector2", "risk_officer", "legal", "team_lead"]
STAFF += ["account_manager", "account_manager2", "finance", "lease_admin"]


class TestNavigation(TransactionCase):
    def _web_menus(self, user):
        """The menus the web client receives for this user (what the navbar shows)."""
        return self.env["ir.ui.menu"].with_user(user).load_web_menus(False)

    def test_collection_menu_in_sections(self):
        """Issue 11 item 8: 催收 holds the five sections, in order, and nothing else; each
        collection entry sits in its section, in the order of SECTIONS."""
        collection = self.env.ref(M + "lease_collection_menu")
        self.assertEqual(
            collection.child_id.sorted(lambda m: (m.sequence, m.id)).mapped(
                lambda m: m.get_external_id()[m.id]
            ),
            [M + xmlid for xmlid in SECTIONS],
        )
        self.assertFalse(collection.child_id.filtered("action"))
        for section, entries in SECTIONS.items():
            menu = self.env.ref(M + section)
            self.assertFalse(menu.action, section)
            children = menu.child_id.sorted(lambda m: (m.sequence, m.id))
            self.assertEqual(
                [m.get_external_id()[m.id] for m in children],
                [M + xmlid for xmlid in entries],
                section,
            )

    def test_each_role_sees_sections_not_a_flat_list(self):
        """Issue 11 item 8: as each demo role, every entry under 催收 the navbar shows is a
        section with entries (no flat list of 17-19 items), at most eight per section;
        sections a role has nothing in are not shown."""
        collection_id = self.env.ref(M + "lease_collection_menu").id
        section_ids = {self.env.ref(M + xmlid).id for xmlid in SECTIONS}
        for login in APPROVERS + STAFF:
            user = self.env.ref(M + "demo_user_" + login)
            menus = self._web_menus(user)
            children = menus[collection_id]["children"]
            self.assertTrue(children, login)
            self.assertLessEqual(set(children), section_ids, login)
            for child in children:
                entries = menus[child]["children"]
                self.assertTrue(entries, (login, menus[child]["name"]))
                self.assertLessEqual(len(entries), 8, (login, menus[child]["name"]))
        # a collector sees his department's queue in 我的工作, not the other departments'
        collector = self.env.ref(M + "demo_user_collector")
        my_work = self._web_menus(collector)[
            self.env.ref(M + "lease_collection_my_work_menu").id
        ]["children"]
        self.assertIn(self.env.ref(M + "lease_tasks_asset_management_menu").id, my_work)
        self.assertNotIn(self.env.ref(M + "lease_tasks_legal_menu").id, my_work)

    def test_tier_kanban_has_no_quick_create(self):
        """Issue 11 item 8: the contract kanban's columns are the overdue tiers (computed):
        no column to add, edit or delete, no quick-create in a column, no drag to
        another tier."""
        arch = self.env["lease.contract"].get_view(view_type="kanban")["arch"]
        kanban = etree.fromstring(arch)
        self.assertEqual(kanban.get("default_group_by"), "tier_id")
        for attribute in (
            "group_create",
            "group_edit",
            "group_delete",
            "quick_create",
            "records_draggable",
        ):
            self.assertIn(kanban.get(attribute), ("0", "false", "False"), attribute)

    def test_demo_roles_land_in_leasing(self):
        """Issue 11 item 7: each demo role's home action opens in the Leasing app (the web
        client selects the app of the first menu carrying that action), on his work:
        heads on What Needs Me Today (item 5), the committee and the general manager on
        My Approvals, everyone else on My Collection Tasks."""
        root = self.env.ref(M + "lease_root_menu")
        today = self.env.ref(M + "lease_today_item_action")
        approvals = self.env.ref(M + "lease_document_action_my_approvals")
        tasks = self.env.ref(M + "mail_activity_action_lease_my_tasks")
        for login in APPROVERS + STAFF:
            user = self.env.ref(M + "demo_user_" + login)
            expected = (
                today if login in HEADS else approvals if login in APPROVERS else tasks
            )
            self.assertEqual(user.action_id.id, expected.id, login)
            menus = self._web_menus(user)
            apps = [
                menu["appID"]
                for key, menu in menus.items()
                if key != "root" and menu["actionID"] == user.action_id.id
            ]
            self.assertTrue(apps, f"{login} sees no menu for his home action")
            self.assertEqual(apps[0], root.id, login)
            # and he may open it
            model = self.env[expected.res_model].with_user(user)
            self.assertTrue(model.has_access("read"), login)

    def test_new_leasing_user_lands_in_leasing(self):
        """Issue 11 item 7: a new user of any leasing group, without a home action, lands
        in the Leasing app (the web client opens the first app of the menu) on his
        collection tasks; a user outside the leasing groups keeps his first app."""
        root = self.env.ref(M + "lease_root_menu")
        tasks = self.env.ref(M + "mail_activity_action_lease_my_tasks")
        for group in (
            "group_asset_management",
            "group_business",
            "group_legal",
            "group_risk_management",
            "group_finance",
            "group_review_committee",
            "group_general_manager",
        ):
            user = new_test_user(self.env, "nav_" + group, groups=M + group)
            self.assertFalse(user.action_id)
            menus = self._web_menus(user)
            first_app = menus[menus["root"]["children"][0]]
            self.assertEqual(first_app["id"], root.id, group)
            self.assertEqual(first_app["actionID"], tasks.id, group)
        outsider = new_test_user(self.env, "nav_outsider", groups="base.group_user")
        menus = self._web_menus(outsider)
        self.assertNotIn(root.id, menus["root"]["children"])
        self.assertTrue(menus["root"]["children"])
