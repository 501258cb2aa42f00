"""Foundation: the addon installs, departments are groups, configuration is guarded (SPEC A1)."""

from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user

DEPARTMENTS = ["asset_management", "risk_management", "legal", "business", "finance"]


class TestFoundation(TransactionCase):
    def test_addon_installed(self):
        """The addon is installed with its default D9 tiers."""
        module = self.env["ir.module.module"].search([("name", "=", "lease_overdue")])
        self.assertEqual(module.state, "installed")
        tiers = self.env["lease.overdue.tier"].search([])
        self.assertEqual(
            [(t.code, t.days_min, t.days_max) for t in tiers],
            [("T1", 1, 15), ("T2", 16, 30), ("T3", 31, 45), ("T4", 46, 0)],
        )

    def test_a1_department_groups_head_implies_staff(self):
        """A1: each department has staff and head; the head implies the staff group."""
        for dept in DEPARTMENTS:
            staff = self.env.ref(f"lease_overdue.group_{dept}")
            head = self.env.ref(f"lease_overdue.group_{dept}_head")
            self.assertIn(staff, head.all_implied_ids, dept)
            self.assertNotIn(head, staff.all_implied_ids, dept)
            self.assertEqual(staff.privilege_id, head.privilege_id, dept)
            self.assertEqual(
                staff.privilege_id.category_id,
                self.env.ref("lease_overdue.module_category_lease"),
            )
            self.assertIn(
                self.env.ref("lease_overdue.group_lease_user"), staff.all_implied_ids
            )
        for xmlid in (
            "group_review_committee",
            "group_general_manager",
            "group_lease_manager",
        ):
            group = self.env.ref(f"lease_overdue.{xmlid}")
            self.assertTrue(group.privilege_id, xmlid)
            self.assertIn(self.env.ref("base.group_user"), group.all_implied_ids)

    def test_a1_user_of_one_department_refused_configuration(self):
        """A1/A2: configuration (tiers, bands) belongs to the configuration manager only."""
        tier = self.env.ref("lease_overdue.tier_1")
        for dept in DEPARTMENTS:
            user = new_test_user(
                self.env, f"cfg_{dept}", groups=f"lease_overdue.group_{dept}_head"
            )
            with self.assertRaises(AccessError, msg=dept):
                tier.with_user(user).write({"days_max": 20})
            with self.assertRaises(AccessError, msg=dept):
                self.env["lease.amount.band"].with_user(user).create(
                    {"name": "x", "amount_min": 0}
                )
            # ... but every department can read the tiers it acts on.
            self.assertEqual(tier.with_user(user).days_max, 15)
        manager = new_test_user(
            self.env, "cfg_mgr", groups="lease_overdue.group_lease_manager"
        )
        tier.with_user(manager).write({"name": "一级逾期"})
        self.assertEqual(tier.name, "一级逾期")

    def test_a1_finance_staff_is_invoicing_user(self):
        """Finance staff can invoice rent: the group implies Odoo's invoicing rights."""
        finance = self.env.ref("lease_overdue.group_finance")
        self.assertIn(
            self.env.ref("account.group_account_invoice"), finance.all_implied_ids
        )

    def test_demo_users_one_per_role(self):
        """Demo data: one user per role can log in (documented in the README)."""
        logins = {
            "am_head": "group_asset_management_head",
            "collector": "group_asset_management",
            "risk_head": "group_risk_management_head",
            "legal_head": "group_legal_head",
            "biz_head": "group_business_head",
            "account_manager": "group_business",
            "finance_head": "group_finance_head",
            "committee": "group_review_committee",
            "gm": "group_general_manager",
            "lease_admin": "group_lease_manager",
        }
        for login, group in logins.items():
            user = self.env["res.users"].search([("login", "=", login)])
            self.assertTrue(user, login)
            self.assertTrue(user.has_group(f"lease_overdue.{group}"), login)

    def test_demo_portfolio_every_tier_has_cases(self):
        """Demo data: about 30 contracts in every state, every tier with open cases."""
        contracts = self.env["lease.contract"].search(
            [("partner_id.lease_registration_number", "!=", False)]
        )
        self.assertGreaterEqual(len(contracts), 30)
        self.assertEqual(
            set(contracts.mapped("state")), {"draft", "active", "closed", "terminated"}
        )
        self.env["lease.overdue.engine"]._run()
        cases = self.env["lease.collection.case"].search([("state", "=", "open")])
        self.assertEqual(set(cases.mapped("tier_id.code")), {"T1", "T2", "T3", "T4"})
        self.assertTrue(
            contracts.installment_ids.move_id.filtered(
                lambda m: m.payment_state == "partial"
            )
        )
        self.assertTrue(self.env["lease.vendor.advance"].search_count([]))
