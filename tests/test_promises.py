"""Promises to pay are kept when the promised amount is paid by the promised date (SPEC
E15; issue 9, item 8).

Real rent invoices and real payments: a promise made on day 3 to pay 6,000.00 of the
10,000.00 overdue by day 6. Kept iff the lessee's payments applied to the contract's rent
and penalty invoices from day 3 to day 6 (both included) reach 6,000.00; vendor advances
do not count; broken on day 7 (the company's local date) otherwise, never on day 6.
"""

from datetime import date, timedelta

from freezegun import freeze_time
from lease_document_common import DUE, LeaseDocumentCase

MADE, PROMISED = 3, 6  # days after DUE


def day(n):
    return DUE + timedelta(days=n)


class TestPromises(LeaseDocumentCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.resource_calendar_id.tz = "Asia/Shanghai"
        cls.company.partner_id.tz = "Asia/Shanghai"

    def _promise(self, amount=6000.0, case=None):
        case = case or self._overdue_case(MADE, penalty_rate=0.0)
        with self._on(MADE):
            return (
                self.env["lease.payment.promise"]
                .with_user(self.users["collector"])
                .create(
                    {
                        "case_id": case.id,
                        "date_promised": day(PROMISED),
                        "amount": amount,
                    }
                )
            )

    def _rent_move(self, promise):
        return promise.contract_id.installment_ids.sorted("sequence")[0].move_id

    def _check(self, promise, n):
        self.env["lease.payment.promise"]._check_promises(day(n))
        return promise.state

    # ------------------------------------------------------------------
    def test_e15_partial_promise_paid_exactly_is_kept(self):
        """E15: 6,000.00 paid on the promised date itself keeps the promise of 6,000.00,
        though 4,000.00 of the rent stays overdue (the old check broke it)."""
        promise = self._promise()
        self.assertEqual(promise.date_recorded, day(MADE))
        self._pay(self._rent_move(promise), 6000.0, day(PROMISED))
        self.assertEqual(promise.case_id.state, "open", "4,000.00 still overdue")
        self.assertEqual(self._check(promise, PROMISED), "open", "not decided on D")
        self.assertEqual(self._check(promise, PROMISED + 1), "kept")
        self.assertEqual(promise.date_checked, day(PROMISED + 1))

    def test_e15_one_fen_short_is_broken(self):
        """E15: 5,999.99 paid by the promised date breaks a promise of 6,000.00, the day
        after the promised date and not before."""
        promise = self._promise()
        self._pay(self._rent_move(promise), 5999.99, day(PROMISED - 1))
        self.assertEqual(self._check(promise, PROMISED), "open")
        self.assertEqual(self._check(promise, PROMISED + 1), "broken")
        self.assertEqual(promise.case_id.broken_promise_count, 1)

    def test_e15_paid_after_the_date_is_broken(self):
        """E15: the promised amount paid the day after the promised date is late."""
        promise = self._promise()
        self._pay(self._rent_move(promise), 6000.0, day(PROMISED + 1))
        self.assertEqual(self._check(promise, PROMISED + 1), "broken")

    def test_e15_window_is_from_the_promise_to_the_promised_date(self):
        """E15: payments add up from the day the promise was made to the promised date,
        both included; money paid before the promise was made does not count."""
        kept = self._promise()
        self._pay(self._rent_move(kept), 3000.0, day(MADE))
        self._pay(self._rent_move(kept), 3000.0, day(PROMISED))
        early = self._promise()
        self._pay(self._rent_move(early), 3000.0, day(MADE - 1))
        self._pay(self._rent_move(early), 3000.0, day(PROMISED))
        self.env["lease.payment.promise"]._check_promises(day(PROMISED + 1))
        self.assertEqual((kept.state, early.state), ("kept", "broken"))

    def test_e15_vendor_advance_does_not_keep_the_promise(self):
        """E15 / C4: the vendor's money recorded as an advance and applied to the lessee's
        invoice keeps no promise, whether booked under the vendor or under the lessee
        (only advance records decide, as in the overdue engine)."""
        by_vendor = self._promise()
        as_advance = self._promise()
        lessee = as_advance.partner_id
        for promise, partner in ((by_vendor, self.vendor), (as_advance, lessee)):
            move = self._rent_move(promise)
            with self._on(PROMISED - 1):
                payment = self.env["account.payment"].create(
                    {
                        "partner_id": partner.id,
                        "amount": 6000.0,
                        "payment_type": "inbound",
                        "partner_type": "customer",
                        "journal_id": self.bank_journal.id,
                        "date": day(PROMISED - 1),
                    }
                )
                payment.action_post()
                (payment.move_id | move).line_ids.filtered(
                    lambda aml: (
                        aml.account_id.account_type == "asset_receivable"
                        and not aml.reconciled
                    )
                ).reconcile()
                self.env["lease.vendor.advance"].create(
                    {
                        "installment_id": promise.contract_id.installment_ids.sorted(
                            "sequence"
                        )[0].id,
                        "amount": 6000.0,
                        "date": day(PROMISED - 1),
                        "payment_id": payment.id,
                    }
                )
        self.env["lease.payment.promise"]._check_promises(day(PROMISED + 1))
        self.assertEqual((by_vendor.state, as_advance.state), ("broken", "broken"))

    def test_e15_daily_job_decides_on_the_company_date(self):
        """E15 / item 1: the daily job at 23:00 Beijing on the promised date leaves the
        promise open; at 01:00 Beijing the next day (still the promised date in UTC) it
        breaks it."""
        promise = self._promise()
        rule = self.env["lease.escalation.rule"]
        with freeze_time("2026-02-16 15:00:00"):  # 23:00 on 02-16 in Beijing
            self.assertEqual(self.company._lease_today(), day(PROMISED))
            rule._run_escalation()
        self.assertEqual(promise.state, "open")
        with freeze_time("2026-02-16 17:00:00"):  # 01:00 on 02-17 in Beijing
            self.assertEqual(self.company._lease_today(), date(2026, 2, 17))
            rule._run_escalation()
        self.assertEqual(promise.state, "broken")
        self.assertEqual(promise.date_checked, day(PROMISED + 1))

    def test_e15_check_is_set_based(self):
        """E15: the check costs the same number of queries for 2 or 6 promises."""
        counts = []
        for number in (2, 6):
            promises = self.env["lease.payment.promise"]
            for _ in range(number):
                promises |= self._promise()
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            self.env["lease.payment.promise"]._check_promises(day(PROMISED + 1))
            counts.append(self.env.cr.sql_log_count - before)
            self.assertEqual(set(promises.mapped("state")), {"broken"})
        self.assertEqual(counts[0], counts[1], counts)
