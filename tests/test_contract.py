"""Lease contracts and rent schedules (SPEC C1, C2, C5, C7, K3)."""

from datetime import date

from freezegun import freeze_time
from lease_test_common import LeaseTestCase

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form


class TestContract(LeaseTestCase):
    def test_c2_annuity_schedule_adds_up(self):
        """C2: an annuity schedule has equal rents and its principal adds up."""
        contract = self.env["lease.contract"].create(
            self._contract_vals(annual_rate=12.0, financed_amount=120000.0)
        )
        contract.action_generate_schedule()
        lines = contract.installment_ids.sorted("sequence")
        self.assertEqual(len(lines), 12)
        self.assertAlmostEqual(
            sum(lines.mapped("amount_principal")), 120000.0, places=2
        )
        # 120000 * 1% / (1 - 1.01^-12) = 10661.85
        for line in lines[:-1]:
            self.assertAlmostEqual(line.amount_rent, 10661.85, places=2)
        self.assertAlmostEqual(lines[0].amount_interest, 1200.0, places=2)
        self.assertLess(lines[-1].amount_interest, lines[0].amount_interest)
        self.assertEqual(lines[0].date_due, date(2026, 2, 10))
        self.assertEqual(lines[11].date_due, date(2027, 1, 10))

    def test_c2_equal_principal_quarterly(self):
        """C2: equal principal, quarterly: principal constant, interest on the balance."""
        contract = self.env["lease.contract"].create(
            self._contract_vals(
                annual_rate=8.0,
                financed_amount=400000.0,
                term_count=4,
                periodicity="quarterly",
                schedule_method="equal_principal",
                date_first_due=date(2026, 4, 1),
            )
        )
        contract.action_generate_schedule()
        lines = contract.installment_ids.sorted("sequence")
        self.assertEqual(lines.mapped("amount_principal"), [100000.0] * 4)
        # 8 % a year = 2 % a quarter on the outstanding balance.
        self.assertEqual(
            lines.mapped("amount_interest"), [8000.0, 6000.0, 4000.0, 2000.0]
        )
        self.assertEqual(
            lines.mapped("date_due"),
            [date(2026, 4, 1), date(2026, 7, 1), date(2026, 10, 1), date(2027, 1, 1)],
        )

    def test_c2_schedule_editable_before_activation_locked_after(self):
        """C2: the schedule can be edited in draft and is locked once active."""
        contract = self.env["lease.contract"].create(self._contract_vals())
        contract.action_generate_schedule()
        first, second = contract.installment_ids.sorted("sequence")[:2]
        first.amount_principal = 9000.0
        second.amount_principal = 11000.0
        contract.action_activate()
        self.assertEqual(contract.state, "active")
        self.assertEqual(set(contract.installment_ids.mapped("state")), {"planned"})
        with self.assertRaises(UserError):
            first.amount_principal = 10000.0
        with self.assertRaises(UserError):
            contract.action_generate_schedule()
        with self.assertRaises(UserError):
            contract.installment_ids[:1].unlink()

    def test_c1_refused_activation_changes_nothing(self):
        """C1: activation validates everything and, when it refuses, changes nothing."""
        contract = self.env["lease.contract"].create(
            self._contract_vals(partner_id=False)
        )
        contract.action_generate_schedule()
        contract.installment_ids.sorted("sequence")[0].amount_principal = 1.0
        with self.assertRaises(UserError) as error:
            contract.action_activate()
        message = str(error.exception)
        self.assertIn("lessee is missing", message)
        self.assertIn("does not add up", message)
        self.assertEqual(contract.state, "draft")
        self.assertFalse(contract.date_activated)
        self.assertEqual(set(contract.installment_ids.mapped("state")), {"draft"})
        self.assertFalse(contract.inspection_ids)

    def test_c1_activation_without_schedule_refused(self):
        """C1: no schedule, no activation."""
        contract = self.env["lease.contract"].create(self._contract_vals())
        with self.assertRaisesRegex(UserError, "schedule is empty"):
            contract.action_activate()
        self.assertEqual(contract.state, "draft")

    def test_c1_bad_terms_rejected(self):
        """C1: non-positive amounts and dates out of order give clear errors."""
        with self.assertRaises(ValidationError):
            self.env["lease.contract"].create(self._contract_vals(financed_amount=-5.0))
        with self.assertRaises(ValidationError):
            self.env["lease.contract"].create(
                self._contract_vals(
                    date_start=date(2026, 3, 1), date_first_due=date(2026, 2, 1)
                )
            )
        contract = self.env["lease.contract"].create(
            self._contract_vals(financed_amount=0.0)
        )
        with self.assertRaisesRegex(UserError, "financed amount must be positive"):
            contract.action_generate_schedule()
        self.assertFalse(contract.installment_ids)
        with self.assertRaises(ValidationError):
            self.env["lease.vendor.advance"].create(
                {
                    "installment_id": self._active_contract().installment_ids[:1].id,
                    "amount": -1.0,
                }
            )

    def test_c1_form_onchange_proposes_first_due_date(self):
        """C1: the form proposes the first due date one period after the start."""
        form = Form(self.env["lease.contract"])
        form.partner_id = self.lessee
        form.financed_amount = 10000
        form.periodicity = "quarterly"
        form.date_start = date(2026, 5, 15)
        self.assertEqual(form.date_first_due, date(2026, 8, 15))
        contract = form.save()
        self.assertTrue(contract.name.startswith("ZL"))

    def test_c5_collateral_checklist_completeness(self):
        """C5: the checklist is complete only when every required document is received."""
        contract = self.env["lease.contract"].create(
            self._contract_vals(
                guarantor_ids=[(4, self.lessee2.id)],
                collateral_document_ids=[
                    (
                        0,
                        0,
                        {"name": "保证合同", "doc_type": "guarantee", "received": True},
                    ),
                    (
                        0,
                        0,
                        {"name": "抵押登记", "doc_type": "mortgage", "received": False},
                    ),
                    (0, 0, {"name": "其他", "doc_type": "other", "required": False}),
                ],
            )
        )
        self.assertFalse(contract.collateral_complete)
        contract.collateral_document_ids.filtered(
            lambda d: d.doc_type == "mortgage"
        ).received = True
        self.assertTrue(contract.collateral_complete)
        self.assertEqual(contract.guarantor_ids, self.lessee2)

    def test_c7_large_amount_threshold(self):
        """C7: contracts at or above the company's threshold are 'large amount'."""
        self.company.lease_large_amount = 1000000.0
        small = self.env["lease.contract"].create(
            self._contract_vals(financed_amount=999999.0)
        )
        large = self.env["lease.contract"].create(
            self._contract_vals(financed_amount=1000000.0)
        )
        self.assertFalse(small.is_large_amount)
        self.assertTrue(large.is_large_amount)

    def test_k3_periodic_inspections_scheduled(self):
        """K3: activation schedules post-lease inspections at the contract's interval."""
        contract = self._active_contract(inspection_interval_months=3)
        planned = contract.inspection_ids.filtered(lambda i: i.kind == "periodic")
        self.assertEqual(
            planned.mapped("date_planned"),
            [date(2026, 4, 1), date(2026, 7, 1), date(2026, 10, 1), date(2027, 1, 1)],
        )

    def test_c2_invoicing_cron_and_due_dates(self):
        """C2: the daily job invoices rent due within the lead time; due date = schedule's."""
        self.company.lease_invoice_days_ahead = 10
        contract = self._active_contract()
        with freeze_time("2026-03-01"):
            self.env["lease.overdue.engine"]._cron_daily()
        invoiced = contract.installment_ids.filtered("move_id")
        self.assertEqual(invoiced.mapped("sequence"), [1, 2])  # due 02-10 and 03-10
        for line in invoiced:
            self.assertEqual(line.move_id.state, "posted")
            self.assertEqual(line.move_id.invoice_date_due, line.date_due)
            self.assertEqual(line.move_id.partner_id, self.lessee)
            self.assertEqual(line.move_id.amount_total, line.amount_rent)
            self.assertEqual(line.move_id.lease_contract_id, contract)
        with freeze_time("2026-03-01"):
            self.env["lease.overdue.engine"]._cron_daily()
        self.assertEqual(
            len(contract.installment_ids.filtered("move_id")), 2, "no double invoices"
        )

    def test_a2_account_manager_sees_only_his_contracts(self):
        """A2: an account manager sees his own contracts and not another's."""
        mine = self._active_contract()
        other = self._active_contract(account_manager_id=self.account_manager2.id)
        Contract = self.env["lease.contract"].with_user(self.account_manager)
        found = Contract.search([("id", "in", (mine | other).ids)])
        self.assertEqual(found, mine)
        with self.assertRaises(AccessError):
            other.with_user(self.account_manager).read(["name"])
        with self.assertRaises(AccessError):
            other.installment_ids.with_user(self.account_manager).read(["amount_rent"])
        # The collector sees the contracts he collects, finance sees all.
        self.assertEqual(
            self.env["lease.contract"]
            .with_user(self.collector)
            .search_count([("id", "in", (mine | other).ids)]),
            2,
        )
        self.assertEqual(
            self.env["lease.contract"]
            .with_user(self.finance_user)
            .search_count([("id", "in", (mine | other).ids)]),
            2,
        )
