"""Vendor advances by record (SPEC C4; D9 L169 "出卖人是否为承租人垫付租金不影响租赁公司对承租人
逾期的界定"; issue 9 item 7).

Finance records an advance in one step: the payment received is posted, applied to the
lessee's rent invoice and recorded as the vendor's advance. Only the advance records
decide: the money of an advance does not pay the lessee's rent for overdue purposes,
whatever partner it was booked under; money not recorded as an advance is a payment,
whoever paid it. A company in Asia/Shanghai; every day is set explicitly.
"""

from datetime import date

from freezegun import freeze_time
from lease_test_common import LeaseTestCase

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form

DUE = date(2026, 2, 10)  # installment 1 of every contract below: 10 000 rent
PAID_ON = date(2026, 2, 18)  # day 8
CHECKED_ON = date(2026, 2, 28)  # day 18: tier 2


class TestVendorAdvance(LeaseTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.resource_calendar_id.tz = "Asia/Shanghai"
        cls.company.partner_id.tz = "Asia/Shanghai"

    def _installment(self, contract, number=1):
        return contract.installment_ids.sorted("sequence")[number - 1]

    def _wizard(self, line, user=None, **values):
        """The "Record Vendor Advance" button of the installment, as finance."""
        action = line.with_user(
            user or self.finance_user
        ).action_record_vendor_advance()
        form = Form(
            self.env[action["res_model"]]
            .with_user(user or self.finance_user)
            .with_context(**action["context"])
        )
        for name, value in values.items():
            setattr(form, name, value)
        return form.save()

    def _advance(self, line, day=PAID_ON, **values):
        with freeze_time(f"{day} 02:00:00"):  # 10:00 in Beijing
            values.setdefault("date", day)
            wizard = self._wizard(line, **values)
            wizard.action_confirm()
        return line.vendor_advance_ids.sorted("id")[-1:]

    def _assert_overdue(self, line, contract):
        self._run(CHECKED_ON)
        self.assertEqual(line.amount_paid, 0.0)
        self.assertEqual(line.amount_residual, 10000.0)
        self.assertEqual(line.state, "overdue")
        self.assertEqual(line.days_overdue, 18)
        self.assertEqual(contract.days_overdue, 18)
        self.assertEqual(contract.tier_id, self.tiers["T2"])

    def test_c4_advance_in_one_step_lessee_stays_overdue(self):
        """C4 / L169: one step posts the vendor's payment, applies it to the lessee's
        invoice and records the advance, visible on the installment and the contract; the
        lessee stays overdue."""
        contract = self._active_contract(invoice_until=DUE, penalty_rate=0.0)
        line = self._installment(contract)
        with freeze_time(f"{PAID_ON} 02:00:00"):
            wizard = self._wizard(line)
        # The button proposes the vendor, what is open on the invoice and a bank journal.
        self.assertEqual(wizard.partner_id, self.vendor)
        self.assertEqual(wizard.amount, 10000.0)
        self.assertEqual(wizard.journal_id.type, "bank")
        self.assertEqual(wizard.date, PAID_ON)
        advance = self._advance(line)
        self.assertEqual(len(advance), 1)
        payment = advance.payment_id
        self.assertIn(payment.state, ("in_process", "paid"), "posted")
        self.assertEqual(payment.partner_id, self.vendor)
        self.assertEqual(payment.amount, 10000.0)
        self.assertEqual(advance.move_id, payment.move_id)
        self.assertEqual(
            (advance.amount, advance.date, advance.installment_id),
            (10000.0, PAID_ON, line),
        )
        self.assertIn(line.move_id.payment_state, ("paid", "in_payment"))
        self.assertEqual(line.vendor_advance_amount, 10000.0)
        self.assertEqual(contract.vendor_advance_ids, advance)
        self._assert_overdue(line, contract)

    def test_c4_advance_booked_under_the_lessee_still_overdue(self):
        """C4: the vendor's money booked under the lessee's partner, recorded as an
        advance, still leaves the lessee overdue: the record decides, not the partner."""
        contract = self._active_contract(invoice_until=DUE, penalty_rate=0.0)
        line = self._installment(contract)
        advance = self._advance(line, partner_id=self.lessee)
        self.assertEqual(advance.payment_id.partner_id, self.lessee)
        self._assert_overdue(line, contract)
        # A partial advance: the rest, paid by the lessee, is the lessee's payment.
        contract2 = self._active_contract(
            invoice_until=DUE, penalty_rate=0.0, partner_id=self.lessee2.id
        )
        line2 = self._installment(contract2)
        self._advance(line2, amount=4000.0)
        with freeze_time(f"{PAID_ON} 02:00:00"):
            self._pay(line2.move_id, 6000.0, PAID_ON)
        self._run(CHECKED_ON)
        self.assertEqual(line2.amount_paid, 6000.0)
        self.assertEqual(line2.amount_residual, 4000.0)
        self.assertEqual(line2.state, "overdue")

    def test_c4_ordinary_payment_cures(self):
        """C4: an ordinary payment of the lessee cures; so does the vendor's money that
        was not recorded as an advance (only records decide)."""
        contract = self._active_contract(invoice_until=DUE, penalty_rate=0.0)
        line = self._installment(contract)
        with freeze_time(f"{PAID_ON} 02:00:00"):
            self._pay(line.move_id, 10000.0, PAID_ON)
        self._run(CHECKED_ON)
        self.assertEqual(line.state, "paid")
        self.assertEqual(line.days_overdue, 0)
        self.assertEqual(line.days_late, 8)
        contract2 = self._active_contract(
            invoice_until=DUE, penalty_rate=0.0, partner_id=self.lessee2.id
        )
        line2 = self._installment(contract2)
        with freeze_time(f"{PAID_ON} 02:00:00"):
            payment = self.env["account.payment"].create(
                {
                    "partner_id": self.vendor.id,
                    "amount": 10000.0,
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "journal_id": self.bank_journal.id,
                    "date": PAID_ON,
                }
            )
            payment.action_post()
            (payment.move_id | line2.move_id).line_ids.filtered(
                lambda aml: aml.account_id.account_type == "asset_receivable"
            ).reconcile()
        self._run(CHECKED_ON)
        self.assertFalse(line2.vendor_advance_ids)
        self.assertEqual(line2.amount_paid, 10000.0)
        self.assertEqual(line2.state, "paid")
        self.assertEqual(line2.days_overdue, 0)
        # Recorded afterwards as the vendor's advance, the same money no longer cures.
        with freeze_time(f"{CHECKED_ON} 02:00:00"):
            self.env["lease.vendor.advance"].with_user(self.finance_user).create(
                {
                    "installment_id": line2.id,
                    "amount": 10000.0,
                    "date": PAID_ON,
                    "payment_id": payment.id,
                }
            )
        self.assertEqual(line2.amount_paid, 0.0)
        self.assertEqual(line2.state, "overdue")
        self.assertEqual(line2.days_overdue, 18)

    def test_c4_bad_input_refused(self):
        """C4: a positive amount, not more than what is open on a posted rent invoice, by
        finance only; each refusal says why and records nothing."""
        contract = self._active_contract(invoice_until=DUE, penalty_rate=0.0)
        line = self._installment(contract)
        planned = self._installment(contract, 2)
        self.assertFalse(planned.move_id)
        payments = self.env["account.payment"].search_count([])
        for amount, message in (
            (0.0, "must be positive"),
            (-5.0, "must be positive"),
            (10000.01, "more than what is still open"),
        ):
            with self.assertRaisesRegex(UserError, message):
                self._advance(line, amount=amount)
        with self.assertRaisesRegex(UserError, "not invoiced yet"):
            self._advance(planned, amount=100.0)
        with self.assertRaises(AccessError):
            line.with_user(self.collector)._lease_record_vendor_advance(
                100.0, PAID_ON, self.bank_journal
            )
        self.assertFalse(contract.vendor_advance_ids)
        self.assertEqual(self.env["account.payment"].search_count([]), payments)
        # Once the invoice is settled by the advance, nothing is left to advance.
        self._advance(line)
        with self.assertRaisesRegex(UserError, "more than what is still open"):
            self._advance(line, amount=1.0)
        self.assertEqual(len(line.vendor_advance_ids), 1)
