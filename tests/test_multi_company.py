"""Two leasing companies in one database (issue 12 item 6; SPEC O5, E14, S1).

Calendars, rule switches and records are per company: company B has a holiday of its own
and has switched the D5 rules off; its staff see nothing of company A and the other way
round, while one nightly job serves both.
"""

from datetime import datetime

from lease_escalation_common import EscalationCase

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user


class TestMultiCompany(EscalationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create(
            {"name": "深圳第二融资租赁有限公司", "currency_id": cls.currency.id}
        )
        cls.env["account.chart.template"].try_loading(
            cls.company.chart_template or "generic_coa",
            company=cls.company_b,
            install_demo=False,
        )
        calendar_b = cls.company_b.resource_calendar_id
        calendar_b.tz = "Asia/Shanghai"
        cls.company_b.partner_id.tz = "Asia/Shanghai"
        calendar_b._lease_load_china_calendar(year_from=2026)
        # Company B closes on the day after DUE (Wednesday 2026-03-11, local time):
        # a holiday of its own, not of company A.
        cls.env["resource.calendar.leaves"].create(
            {
                "name": "公司成立纪念日",
                "calendar_id": calendar_b.id,
                "company_id": cls.company_b.id,
                "date_from": datetime(2026, 3, 10, 16, 0),
                "date_to": datetime(2026, 3, 11, 15, 59, 59),
            }
        )
        cls.company_b.lease_escalation_d5 = False
        group = "lease_overdue.group_"
        b_only = {
            "company_id": cls.company_b.id,
            "company_ids": [Command.set(cls.company_b.ids)],
        }
        cls.collector_b = new_test_user(
            cls.env, "t_collector_b", groups=group + "asset_management", **b_only
        )
        cls.am_b = new_test_user(cls.env, "t_am_b", groups=group + "business", **b_only)
        cls.risk_head_b = new_test_user(
            cls.env, "t_risk_head_b", groups=group + "risk_management_head", **b_only
        )
        cls.contract_a = cls._contract(cls._lessee("甲公司承租人"))
        cls.contract_b = cls._contract(
            cls._lessee("乙公司承租人"),
            company_id=cls.company_b.id,
            collector_id=cls.collector_b.id,
            account_manager_id=cls.am_b.id,
            team_lead_id=cls.am_b.id,
            risk_officer_id=cls.risk_head_b.id,
        )

    def test_two_companies_calendars_switches_and_walls(self):
        """One job, two companies: each case follows its company's calendar (a deadline
        never falls on the company's own holiday) and switches (D5 off in B), and each
        company's staff see only their company's contracts, cases, tasks and ledger."""
        contracts = self.contract_a | self.contract_b
        self.assertEqual(self.contract_b.installment_ids.company_id, self.company_b)
        self._day(self.offset(-9), contracts)  # rent invoiced ahead of DUE
        move_b = self.contract_b.installment_ids.sorted("sequence")[0].move_id
        self.assertEqual(move_b.company_id, self.company_b, "B's rent in B's books")
        self._day(self.offset(1))
        case_a = self.contract_a.current_case_id
        case_b = self.contract_b.current_case_id
        self.assertTrue(case_a and case_b, "one nightly job serves both companies")
        self.assertEqual(case_b.company_id, self.company_b)

        # D9 phone collection for both; today is a holiday of B only: A's call is due
        # today, B's on its next working day (Thursday).
        call_a = self._tasks(case_a, "d9_phone_week1")
        call_b = self._tasks(case_b, "d9_phone_week1")
        self.assertEqual(call_a.date_deadline, self.offset(1))
        self.assertEqual(call_b.date_deadline, self.offset(2))
        self.assertEqual(call_b.user_id, self.collector_b)
        # D5 is on in A, off in B.
        self.assertTrue(self._logs(case_a, "d5_calls_twice"))
        self.assertFalse(self._logs(case_b, "d5_calls_twice"))

        # Walls between the companies, as their staff see them.
        Case = self.env["lease.collection.case"]
        self.assertEqual(Case.with_user(self.collector_b).search([]), case_b)
        self.assertNotIn(case_b, Case.with_user(self.collector).search([]))
        self.assertEqual(
            self.env["lease.contract"].with_user(self.collector_b).search([]),
            self.contract_b,
        )
        self.assertEqual(
            self.Log.with_user(self.risk_head_b).search([]).case_id, case_b
        )
        self.assertFalse(
            self.Log.with_user(self.risk_head).search([("case_id", "=", case_b.id)])
        )
        with self.assertRaises(AccessError):
            case_a.with_user(self.collector_b).read(["name"])
        with self.assertRaises(AccessError):
            self.contract_b.with_user(self.collector).read(["name"])
