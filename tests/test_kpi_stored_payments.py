"""The KPI's payments stored on the installment by the overdue engine (SPEC W2, issue 10
item 6): paid on time and by the end of the due month, lessee payments only."""

from datetime import date

from freezegun import freeze_time
from lease_test_common import LeaseTestCase

from odoo.exceptions import AccessError
from odoo.tools import SQL

from odoo.addons.lease_overdue.models.lease_kpi_report import PAYMENTS_SQL

DUE = date(2026, 2, 10)  # installment 1: 10 000 rent


class TestKpiStoredPayments(LeaseTestCase):
    def _stored(self, line):
        line.invalidate_recordset(["kpi_paid_on_time", "kpi_paid_month_end"])
        return line.kpi_paid_on_time, line.kpi_paid_month_end

    def _from_payments(self, line):
        """The same two sums straight from the KPI's payments (PAYMENTS_SQL)."""
        self.env.flush_all()
        return tuple(
            float(x)
            for x in self.env.execute_query(
                SQL(
                    """
                SELECT COALESCE(SUM(amount) FILTER (WHERE pay_date <= date_due), 0),
                       COALESCE(SUM(amount) FILTER (
                           WHERE pay_date < (date_trunc('month', date_due)
                                             + interval '1 month')::date), 0)
                  FROM (%s) pay WHERE installment_id = %s AND kind = 'rent'
                """,
                    SQL(PAYMENTS_SQL),
                    line.id,
                )
            )[0]
        )

    def _view(self, line):
        row = self.env["lease.kpi.report"].search([("installment_id", "=", line.id)])
        return row.amount_paid_on_time, row.amount_paid_month_end

    def _vendor_payment(self, line, amount, day):
        """The vendor's money reconciled with the lessee's invoice (no vendor advance
        record): the engine counts it as paid, the KPI does not."""
        payment = self.env["account.payment"].create(
            {
                "partner_id": self.vendor.id,
                "amount": amount,
                "payment_type": "inbound",
                "partner_type": "customer",
                "journal_id": self.bank_journal.id,
                "date": day,
            }
        )
        payment.action_post()
        (payment.move_id | line.move_id).line_ids.filtered(
            lambda aml: (
                aml.account_id.account_type == "asset_receivable" and not aml.reconciled
            )
        ).reconcile()

    def test_w2_stored_kpi_payments_follow_payments(self):
        """W2 / issue 10 item 6: kpi_paid_on_time counts lessee payments dated on or
        before the due date, kpi_paid_month_end those up to the last day of the due
        month; a credit note and the vendor's payment count in neither. Both follow a
        later payment (daily incremental run) and an unreconciliation, equal the
        payments' sums and the KPI analysis reads them."""
        contract = self._active_contract(invoice_until=DUE, penalty_rate=0.0)
        line = contract.installment_ids.sorted("sequence")[0]
        with freeze_time("2026-02-10"):
            self._credit_note(line.move_id, 1000.0, date(2026, 2, 5))
            self._vendor_payment(line, 2000.0, date(2026, 2, 8))
            self._pay(line.move_id, 3000.0, DUE)  # on the due date: on time
        self._run(date(2026, 2, 10))
        self.assertEqual(line.amount_paid, 6000.0)  # the engine: credit note, vendor
        self.assertEqual(self._stored(line), (3000.0, 3000.0))
        self.assertEqual(self._from_payments(line), (3000.0, 3000.0))
        self.assertEqual(self._view(line), (3000.0, 3000.0))

        # A later payment on the last day of the month, seen by the daily run only.
        with freeze_time("2026-02-28"):
            self.env = self.env(
                context=dict(self.env.context, lease_defer_overdue=True)
            )
            self._pay(line.move_id, 1000.0, date(2026, 2, 28))
            self.env = self.env(
                context=dict(self.env.context, lease_defer_overdue=False)
            )
        self.assertEqual(self._stored(line), (3000.0, 3000.0))
        self._run(date(2026, 2, 28))
        self.assertEqual(self._stored(line), (3000.0, 4000.0))
        self.assertEqual(self._from_payments(line), (3000.0, 4000.0))
        self.assertEqual(self._view(line), (3000.0, 4000.0))
        # The first day of the next month is after the month end.
        with freeze_time("2026-03-01"):
            self._pay(line.move_id, 500.0, date(2026, 3, 1))
        self.assertEqual(self._stored(line), (3000.0, 4000.0))
        self.assertEqual(line.amount_paid, 7500.0)

        # Unreconciling the payment of the due date: the targeted run follows at once.
        with freeze_time("2026-03-02"):
            on_time = (
                self.env["account.payment"]
                .search([("partner_id", "=", self.lessee.id), ("date", "=", DUE)])
                .move_id.line_ids.filtered(
                    lambda aml: aml.account_id.account_type == "asset_receivable"
                )
            )
            self.assertTrue(on_time)
            on_time.remove_move_reconcile()
        self.assertEqual(self._stored(line), (0.0, 1000.0))
        self.assertEqual(self._from_payments(line), (0.0, 1000.0))
        self.assertEqual(self._view(line), (0.0, 1000.0))

        # The install/upgrade fills installments the engine has not computed yet.
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE lease_installment SET kpi_paid_on_time = NULL,"
                " kpi_paid_month_end = NULL WHERE id = %s",
                line.id,
            )
        )
        self.env["lease.installment"].init()
        self.assertEqual(self._stored(line), (0.0, 1000.0))

    def test_w2_stored_kpi_payments_guarded(self):
        """Integrity: the stored KPI payments are the engine's; users cannot write them."""
        contract = self._active_contract(invoice_until=DUE, penalty_rate=0.0)
        line = contract.installment_ids.sorted("sequence")[0]
        with self.assertRaises(AccessError):
            line.with_user(self.manager).write({"kpi_paid_on_time": 10000.0})
        with self.assertRaises(AccessError):
            line.with_user(self.manager).write({"kpi_paid_month_end": 10000.0})
