"""The daily overdue run works in proportion to what changed (issue 10, items 1 and 3).

The daily run (``lease.overdue.engine._run()`` without contracts) starts from the
company's record of the last run: on the same day with nothing new it exits at once;
otherwise it recomputes the open installments (a new day), the contracts whose invoices
or payments are newer than the record, and carries the ids each step changed to the
next one (installments -> contracts -> lessees, invoices -> cases -> ratings).
"""

import re
import threading
from datetime import date, timedelta

from freezegun import freeze_time
from lease_test_common import LeaseTestCase, count_statements

from odoo.tools import SQL

DUE = date(2026, 2, 10)
WRITES = re.compile(r"^\s*(UPDATE|INSERT|DELETE)\b", re.IGNORECASE)


class TestOverdueIncremental(LeaseTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Engine = cls.env["lease.overdue.engine"]

    def _statements(self, day):
        """The statements of one daily run, as a Counter of their normalized text."""
        return count_statements(self.Engine._run, date=day)

    def _writes(self, statements):
        return {text: n for text, n in statements.items() if WRITES.match(text)}

    def _overdue(self, count, partner=None):
        partner = partner or self.env["res.partner"].create(
            {"name": "增量承租人有限公司", "is_company": True}
        )
        contracts = self.env["lease.contract"]
        for _ in range(count):
            contracts |= self._active_contract(invoice_until=DUE, partner_id=partner.id)
        return contracts

    def _ctid(self, record):
        """The row's physical place: an UPDATE moves it, even to the same values."""
        self.env.flush_all()
        return self.env.execute_query(
            SQL(
                "SELECT ctid FROM %s WHERE id = %s",
                SQL.identifier(record._table),
                record.id,
            )
        )[0][0]

    # ------------------------------------------------------------------
    def test_i10_same_day_rerun_writes_nothing_in_fixed_queries(self):
        """Issue 10 item 1: a same-day rerun with nothing new writes nothing, in the same
        small number of queries for 1 overdue contract as for 5."""
        day = DUE + timedelta(days=5)
        counts = []
        for size in (1, 5):
            self._overdue(size)
            self._statements(day)  # computes the new contracts
            rerun = self._statements(day)
            self.assertEqual(self._writes(rerun), {}, "a same-day rerun writes nothing")
            counts.append(sum(rerun.values()))
        self.assertEqual(counts[0], counts[1], "queries independent of the portfolio")
        self.assertLessEqual(counts[1], 4)

    def test_i10_next_day_queries_do_not_grow_with_the_portfolio(self):
        """Issue 10 item 1: the next-day run takes as many queries with 2 overdue
        contracts as with 6 (days advance, no case opens or moves)."""
        small = self._overdue(2)
        self._statements(DUE + timedelta(days=2))  # cases open (T1)
        first = self._statements(DUE + timedelta(days=3))
        large = small | self._overdue(4)
        self._statements(DUE + timedelta(days=4))  # the 4 new cases open
        second = self._statements(DUE + timedelta(days=5))
        self.assertEqual(set(large.mapped("days_overdue")), {5})
        self.assertEqual(set(large.current_case_id.mapped("days_overdue")), {5})
        extra = (second - first) + (first - second)
        self.assertEqual(
            sum(first.values()),
            sum(second.values()),
            f"queries of the next-day run, 2 then 6 contracts: {dict(extra)}",
        )

    def test_i10_untouched_contract_not_rewritten_days_advance(self):
        """Issue 10 item 1: the next day, an overdue contract's days, working days, case
        and invoice advance; a paid-up contract untouched since the last run is not
        rewritten."""
        overdue = self._overdue(1)
        paid = self._active_contract(invoice_until=DUE, partner_id=self.lessee2.id)
        with freeze_time(DUE):
            self._pay(
                paid.installment_ids[0].move_id,
                paid.installment_ids[0].amount_rent,
                DUE,
            )
        self._run(DUE + timedelta(days=6))
        case = overdue.current_case_id
        before = (overdue.days_overdue, overdue.working_days_overdue, case.days_overdue)
        untouched = (self._ctid(paid), self._ctid(paid.installment_ids[0]))
        self._run(DUE + timedelta(days=7))
        self.assertEqual(overdue.days_overdue, before[0] + 1)
        self.assertEqual(case.days_overdue, before[2] + 1)
        self.assertEqual(overdue.installment_ids[0].move_id.lease_days_overdue, 7)
        working = self.Engine._working_days(
            self.company, DUE + timedelta(days=1), DUE + timedelta(days=7)
        )
        self.assertEqual(overdue.working_days_overdue, len(working))
        self.assertEqual(
            (self._ctid(paid), self._ctid(paid.installment_ids[0])), untouched
        )
        self.assertEqual(paid.days_overdue, 0)

    def test_i10_payment_between_runs_is_picked_up(self):
        """Issue 10 item 1: a payment recorded without the payment hook (a deferred
        batch) between two runs of the same day is picked up by the second: its
        partial reconciliation is newer than the record of the last run."""
        contract = self._overdue(1)
        line = contract.installment_ids.sorted("sequence")[0]
        day = DUE + timedelta(days=5)
        self._run(day)
        self.assertTrue(contract.current_case_id)
        with freeze_time(day):
            (
                self.env["account.payment.register"]
                .with_context(
                    active_model="account.move",
                    active_ids=line.move_id.ids,
                    lease_defer_overdue=True,
                )
                .create(
                    {
                        "payment_date": day,
                        "amount": line.amount_rent,
                        "journal_id": self.bank_journal.id,
                    }
                )
                ._create_payments()
            )
        self.assertEqual(line.state, "overdue", "the hook was deferred")
        self._run(day)
        self.assertEqual(line.state, "paid")
        self.assertEqual(contract.days_overdue, 0)
        self.assertFalse(contract.current_case_id, "the case closed")
        self.assertEqual(contract.case_ids.state, "closed")

    def test_i10_first_of_month_updates_the_month_counters(self):
        """Issue 10 item 1, SPEC O6: 'overdue in each of the last two months' depends on
        the month: the first run of a month sets it (or clears it) although no
        installment changed since the last run."""
        contract = self._active_contract(
            invoice_until=date(2026, 3, 10), partner_id=self.lessee2.id
        )
        first, second = contract.installment_ids.sorted("sequence")[:2]
        with freeze_time("2026-02-13"):
            self._pay(
                first.move_id, first.amount_rent, date(2026, 2, 13)
            )  # 3 days late
        with freeze_time("2026-03-12"):
            self._pay(
                second.move_id, second.amount_rent, date(2026, 3, 12)
            )  # 2 days late
        self._run(date(2026, 3, 31))  # last month: February; before it: January
        self.assertFalse(contract.overdue_last_two_months)
        self.assertEqual((first.days_late, second.days_late), (3, 2))
        self._run(date(2026, 4, 1))  # March and February: both paid late
        self.assertTrue(contract.overdue_last_two_months)
        self.assertTrue(self.lessee2.lease_overdue_last_two_months)
        self._run(date(2026, 4, 30))
        self.assertTrue(contract.overdue_last_two_months)
        self._run(date(2026, 5, 1))  # April and March: April was clean
        self.assertFalse(contract.overdue_last_two_months)
        self.assertFalse(self.lessee2.lease_overdue_last_two_months)

    def test_i10_new_invoice_between_runs_is_picked_up(self):
        """Issue 10 item 1: rent invoiced in a deferred batch after the day's run is
        recomputed by the next run of the same day (the invoice is newer than the
        record of the last run)."""
        contract = self._active_contract(invoice_until=DUE, partner_id=self.lessee2.id)
        day = date(2026, 3, 12)
        self._run(day)
        self.assertEqual(contract.days_overdue, 30)
        second = contract.installment_ids.sorted("sequence")[1]
        with freeze_time("2026-03-01"):
            second.with_context(lease_defer_overdue=True)._create_rent_invoices()
        self._run(day)
        self.assertEqual(second.state, "overdue")
        self.assertEqual(second.days_overdue, 2)
        self.assertEqual(contract.overdue_count, 2)

    def test_i10_tier_change_makes_the_next_run_full(self):
        """Issue 10 item 1: a change of the overdue tiers (configuration) is applied by
        the next run of the same day, to every contract."""
        contract = self._overdue(1)
        day = DUE + timedelta(days=20)
        self._run(day)
        self.assertEqual(contract.tier_id, self.tiers["T2"])
        self.tiers["T2"].days_min = 26
        self.tiers["T1"].days_max = 25
        self._run(day)
        self.assertEqual(contract.tier_id, self.tiers["T1"])
        self.assertEqual(contract.current_case_id.tier_id, self.tiers["T1"])

    def test_i10_invoice_due_window_in_sql(self):
        """Issue 10 item 3, SPEC C2: the daily invoicing selects in SQL the installments
        due within the company's lead time: due on today + lead time is invoiced, the
        day after is not."""
        self.company.lease_invoice_days_ahead = 5
        contract = self._active_contract()
        lines = contract.installment_ids.sorted("sequence")
        self.env["lease.installment"]._invoice_due(
            contracts=contract, date=lines[1].date_due - timedelta(days=6)
        )
        self.assertEqual(contract.installment_ids.filtered("move_id"), lines[0])
        self.env["lease.installment"]._invoice_due(
            contracts=contract, date=lines[1].date_due - timedelta(days=5)
        )
        self.assertEqual(contract.installment_ids.filtered("move_id"), lines[:2])
        self.company.lease_invoice_days_ahead = 0
        self.env["lease.installment"]._invoice_due(
            contracts=contract, date=lines[2].date_due - timedelta(days=1)
        )
        self.assertEqual(contract.installment_ids.filtered("move_id"), lines[:2])
        self.env["lease.installment"]._invoice_due(
            contracts=contract, date=lines[2].date_due
        )
        self.assertEqual(contract.installment_ids.filtered("move_id"), lines[:3])

    def test_i10_unreconciled_payment_needs_no_watermark(self):
        """Issue 10 item 1: unreconciling a payment deletes its partial reconciliation,
        which no watermark can see: the unreconciliation's own targeted run reopens the
        installment and the case at once, and the next run of the day finds nothing
        new (it writes nothing)."""
        contract = self._overdue(1)
        line = contract.installment_ids.sorted("sequence")[0]
        day = DUE + timedelta(days=5)
        self._run(day)
        with freeze_time(day):
            self._pay(line.move_id, line.amount_rent, day)
        self._run(day)
        self.assertEqual(line.state, "paid")
        self.assertFalse(contract.current_case_id)
        with freeze_time(day):
            line.move_id.line_ids.filtered(
                lambda aml: aml.account_id.account_type == "asset_receivable"
            ).remove_move_reconcile()
        self.assertEqual(line.state, "overdue")
        self.assertEqual(contract.days_overdue, 5)
        self.assertTrue(contract.current_case_id)
        rerun = self._statements(day)
        self.assertEqual(self._writes(rerun), {})
        self.assertEqual(line.state, "overdue")
        self.assertEqual(contract.current_case_id.state, "open")

    def test_i10_full_run_after_incremental_runs_writes_nothing(self):
        """Issue 10 item 1: after days of daily runs from what changed (payments through
        the hook and deferred, rent invoiced in a deferred batch, a month change), a
        full recomputation of the same day writes nothing: the runs from what changed
        left exactly what full runs leave (installments, contracts, lessees, invoices,
        cases, ratings)."""
        late = self._overdue(2)
        paid = self._active_contract(invoice_until=DUE, partner_id=self.lessee2.id)
        self._run(DUE + timedelta(days=1))
        with freeze_time(DUE + timedelta(days=3)):
            self._pay(paid.installment_ids[0].move_id, 10000.0, DUE + timedelta(days=3))
        self._run(DUE + timedelta(days=3))
        day = DUE + timedelta(days=5)
        line = late[0].installment_ids.sorted("sequence")[0]
        with freeze_time(day):
            (
                self.env["account.payment.register"]
                .with_context(
                    active_model="account.move",
                    active_ids=line.move_id.ids,
                    lease_defer_overdue=True,
                )
                .create(
                    {
                        "payment_date": day,
                        "amount": 4000.0,
                        "journal_id": self.bank_journal.id,
                    }
                )
                ._create_payments()
            )
        self._run(day)
        with freeze_time("2026-03-01"):
            late[1].installment_ids.sorted("sequence")[1].with_context(
                lease_defer_overdue=True
            )._create_rent_invoices()
        self._run(date(2026, 3, 1))
        self._run(date(2026, 3, 12))
        self.assertEqual(line.amount_paid, 4000.0)
        self.assertEqual(late[1].overdue_count, 2)
        self.env.flush_all()
        self.env.cr.execute("UPDATE res_company SET lease_overdue_run_date = NULL")
        rows = []

        def hook(cr, query, params, start, delay):
            text = query.decode() if isinstance(query, bytes) else str(query)
            if (
                re.search(r"\b(UPDATE|INSERT INTO|DELETE FROM)\b", text)
                and "FOR UPDATE" not in text
                and "FOR NO KEY UPDATE" not in text
                and "res_company" not in text
                and cr._obj.rowcount > 0
            ):
                rows.append((" ".join(text.split())[:120], cr._obj.rowcount))

        thread = threading.current_thread()
        hooks = getattr(thread, "query_hooks", ())
        thread.query_hooks = (*hooks, hook)
        try:
            self.Engine._run(date=date(2026, 3, 12))
        finally:
            thread.query_hooks = hooks
        self.assertEqual(rows, [], "a full run of the same day changes nothing")
