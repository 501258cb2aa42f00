"""The daily recomputation at portfolio scale (issue 3, item 11; bench/README.md).

The benchmark (bench/bench_overdue.py) measures 100k contracts; these tests keep the
properties it relies on: a number of queries that does not grow with the number of
cases opened or moved, and collection cases that follow their contract.
"""

from datetime import date, timedelta

from lease_test_common import LeaseTestCase, count_statements

DUE = date(2026, 2, 10)


class TestOverdueScale(LeaseTestCase):
    def _overdue_contracts(self, count, partner=None, first_due=DUE, **overrides):
        contracts = self.env["lease.contract"]
        for _ in range(count):
            contracts |= self._active_contract(
                invoice_until=first_due,
                partner_id=(partner or self.lessee).id,
                date_first_due=first_due,
                **overrides,
            )
        return contracts

    def _lessee(self, name):
        return self.env["res.partner"].create(
            {"name": f"{name}承租人有限公司", "is_company": True}
        )

    def _queries(self, day, contracts):
        """The statements of one engine run, as a Counter of their normalized text."""
        return count_statements(self._run, day, contracts)

    def assertSameQueries(self, small, large, what):
        extra = (large - small) + (small - large)
        self.assertEqual(
            sum(small.values()),
            sum(large.values()),
            f"queries to {what} 2 cases, then 6; differing statements: {dict(extra)}",
        )

    def test_o7_queries_do_not_grow_with_cases(self):
        """O7, issue 3: opening or moving 6 cases takes as many queries as 2 (set-based)."""
        # one lessee per set: each lessee's figures and rating change the same way
        warm_up, small, large = (
            self._overdue_contracts(count, self._lessee(name))
            for count, name in ((1, "甲"), (2, "乙"), (6, "丙"))
        )
        self._queries(DUE + timedelta(days=5), warm_up)
        opened = [self._queries(DUE + timedelta(days=5), c) for c in (small, large)]
        self.assertEqual(len(large.current_case_id), 6)
        self.assertEqual(set(large.current_case_id.tier_id.mapped("code")), {"T1"})
        # the next day the cases move from T1 to T2
        self._queries(DUE + timedelta(days=16), warm_up)
        moved = [self._queries(DUE + timedelta(days=16), c) for c in (small, large)]
        self.assertEqual(set(large.current_case_id.tier_id.mapped("code")), {"T2"})
        self.assertSameQueries(*opened, "open")
        self.assertSameQueries(*moved, "move")

    def test_o7_case_days_follow_the_contract(self):
        """O7: a case's stored days overdue follow its contract's every day, until paid."""
        contract = self._overdue_contracts(1, penalty_rate=0.0)
        line = contract.installment_ids.sorted("sequence")[0]
        self._run(DUE + timedelta(days=5))
        case = contract.current_case_id
        self.assertEqual(case.days_overdue, 5)
        self._run(DUE + timedelta(days=20))
        self.assertEqual(contract.days_overdue, 20)
        self.assertEqual(case.days_overdue, 20)
        cases = self.env["lease.collection.case"].search(
            [("id", "=", case.id), ("days_overdue", ">=", 20)]
        )
        self.assertEqual(cases, case, "the stored value is searchable and sortable")
        self._pay(line.move_id, line.amount_rent, DUE + timedelta(days=21))
        self.assertEqual(case.state, "closed")
        self.assertEqual(case.days_overdue, 0)

    def test_o7_case_numbers_drawn_together(self):
        """O7: cases opened together get consecutive numbers of the case sequence."""
        contracts = self._overdue_contracts(3)
        sequences = self.env["ir.sequence"]
        before = sequences.next_by_code("lease.collection.case")
        prefix, number = before[:-5], int(before[-5:])
        self._run(DUE + timedelta(days=3), contracts)
        self.assertEqual(
            sorted(contracts.current_case_id.mapped("name")),
            [f"{prefix}{number + n:05d}" for n in (1, 2, 3)],
        )

    def test_o7_occurrence_follows_episode_start(self):
        """O7: two contracts of a lessee going overdue the same day are numbered in the
        order their episodes started, whatever the order of the contracts."""
        partner = self._lessee("次序")
        later = self._overdue_contracts(1, partner, first_due=DUE + timedelta(days=10))
        earlier = self._overdue_contracts(1, partner, first_due=DUE)
        self.assertLess(later.id, earlier.id)
        self._run(DUE + timedelta(days=15), later | earlier)
        self.assertEqual(earlier.current_case_id.occurrence, 1)
        self.assertEqual(later.current_case_id.occurrence, 2)
        self.assertEqual(earlier.current_case_id.date_start, DUE + timedelta(days=1))
        self.assertEqual(later.current_case_id.date_start, DUE + timedelta(days=11))
