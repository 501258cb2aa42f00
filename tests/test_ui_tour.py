"""The contract form in a real browser (SPEC C1, C2): enter, generate schedule, activate."""

from odoo.tests import HttpCase, new_test_user


class TestContractTour(HttpCase):
    def test_c1_c2_contract_tour_business_user(self):
        """C1/C2: an account manager creates and activates a contract from the form."""
        new_test_user(self.env, "tour_am", groups="lease_overdue.group_business")
        self.env["res.partner"].create(
            {"name": "巡检承租人有限公司", "is_company": True}
        )
        self.start_tour(
            "/odoo/action-lease_overdue.lease_contract_action",
            "lease_contract_tour",
            login="tour_am",
        )
        contract = self.env["lease.contract"].search(
            [("partner_id.name", "=", "巡检承租人有限公司")]
        )
        self.assertEqual(contract.state, "active")
        self.assertEqual(len(contract.installment_ids), 24)
        self.assertAlmostEqual(
            sum(contract.installment_ids.mapped("amount_principal")), 240000
        )
        self.assertEqual(contract.account_manager_id.login, "tour_am")
