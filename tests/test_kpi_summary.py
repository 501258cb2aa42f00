"""The KPI analysis's monthly summary (SPEC W2, issue 10 item 6): the pivot by month,
collector, tier... reads a few summary rows instead of every installment, and shows
exactly what the installments say, in the same transaction, whoever changed them."""

from datetime import date

from freezegun import freeze_time
from lease_test_common import LeaseTestCase

from odoo.tests import new_test_user
from odoo.tools import SQL

MEASURES = [
    "amount_due:sum",
    "amount_paid_on_time:sum",
    "amount_paid_month_end:sum",
    "amount_paid:sum",
    "amount_late:sum",
    "amount_outstanding:sum",
    "penalty_due:sum",
    "due_count:sum",
    "late_count:sum",
    "__count",
    # what the pivot view asks for a monetary measure
    "currency_id:array_agg_distinct",
    "amount_late:sum_currency",
]
GROUPINGS = [
    [],
    ["date_due:month"],
    ["collector_id"],
    ["tier_id", "date_due:quarter"],
    ["account_manager_id", "contract_state", "date_due:year"],
]
# whole due months: the summary answers
MONTHS = [("date_due", ">=", "2026-02-01"), ("date_due", "<", "2026-05-01")]


def _rounded(rows):
    return sorted(
        (
            tuple(round(v, 2) if isinstance(v, float) else v for v in row)
            for row in rows
        ),
        key=repr,
    )


class TestKpiSummary(LeaseTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.collector2 = new_test_user(
            cls.env, "t_collector2", groups="lease_overdue.group_asset_management"
        )
        cls.a = cls._active_contract(invoice_until=date(2026, 3, 10))
        cls.b = cls._active_contract(
            invoice_until=date(2026, 4, 10),
            partner_id=cls.lessee2.id,
            collector_id=cls.collector2.id,
            account_manager_id=cls.account_manager2.id,
        )

    def _kpi(self, user=None):
        kpi = self.env["lease.kpi.report"]
        return kpi.with_user(user) if user else kpi

    def _both(self, groupby, domain=(), user=None):
        """The same read through the summary and through the installments (a condition
        on the installment sends a read to the installments)."""
        kpi = self._kpi(user)
        summary = kpi._read_group(list(domain), groupby, MEASURES)
        detail = kpi._read_group(
            [*domain, ("installment_id", "!=", False)], groupby, MEASURES
        )
        return _rounded(summary), _rounded(detail)

    def _assert_same(self, domain=MONTHS, user=None):
        for groupby in GROUPINGS:
            summary, detail = self._both(groupby, domain, user)
            self.assertTrue(detail)
            self.assertEqual(summary, detail, groupby)

    def _summary_rows(self):
        return self.env.execute_query(
            SQL(
                "SELECT (SELECT count(*) FROM lease_kpi_summary_data),"
                " (SELECT count(*) FROM lease_kpi_summary_delta)"
            )
        )[0]

    def _tamper(self):
        """One folded sum made wrong on purpose: a read that shows it read the summary."""
        self.env["lease.kpi.summary"]._fold()
        self.env.cr.execute(
            SQL(
                "UPDATE lease_kpi_summary_data SET amount_due = amount_due + 1000"
                " WHERE id = (SELECT min(id) FROM lease_kpi_summary_data"
                "              WHERE date_due = '2026-02-01')"
            )
        )

    def test_w2_summary_follows_every_change(self):
        """W2 / issue 10 item 6: by month, collector, tier, account manager, state and
        quarter or year, the pivot's sums from the monthly summary equal the
        installments' after payments (on time, late), the overdue engine's figures, a
        collector reassigned and a contract terminated, before and after the nightly
        fold; the pivot's "Count" counts installments."""
        a1, a2 = self.a.installment_ids.sorted("sequence")[:2]
        with freeze_time("2026-02-10"):
            self._pay(a1.move_id, 10000.0, date(2026, 2, 10))
        self._run(date(2026, 3, 20))  # a2, b1, b2 overdue
        self._assert_same()
        ours = [("collector_id", "in", (self.collector | self.collector2).ids)]
        count = self._kpi()._read_group(MONTHS + ours, [], ["__count"])[0][0]
        self.assertEqual(count, 2 + 3)  # a: Feb, Mar; b: Feb, Mar, Apr

        with freeze_time("2026-03-25"):
            self._pay(a2.move_id, 4000.0, date(2026, 3, 25))  # late, partly
        self._run(date(2026, 4, 12))
        self._assert_same()

        self.b.collector_id = self.collector
        self._assert_same()
        self.assertGreater(self._summary_rows()[1], 0)  # changes since the last fold

        self.env["lease.kpi.summary"]._fold()
        self.assertEqual(self._summary_rows()[1], 0)
        self._assert_same()
        self.b.sudo().write({"state": "terminated"})
        self._assert_same()
        (self.a | self.b).installment_ids.sudo().write({"tier_id": self.tiers["T2"].id})
        self._assert_same()

    def test_w2_pivot_reads_the_summary(self):
        """Issue 10 item 6: a pivot by due month with whole months reads the summary
        (a sum made wrong there shows); by day, by lessee or from a mid-month date it
        reads the installments; a rebuild (module upgrade) puts the sums right."""
        self._tamper()
        summary, detail = self._both(["date_due:month"], MONTHS)
        self.assertNotEqual(summary, detail)
        total = self._kpi()._read_group(MONTHS, [], ["amount_due:sum"])[0][0]
        detail_total = self._kpi()._read_group(
            [*MONTHS, ("installment_id", "!=", False)], [], ["amount_due:sum"]
        )[0][0]
        self.assertEqual(round(total - detail_total, 2), 1000.0)

        kpi = self._kpi()
        for domain, groupby in [
            ([("date_due", ">=", "2026-02-15")], []),  # mid-month
            (MONTHS, ["date_due:day"]),
            (MONTHS, ["partner_id"]),
            ([("partner_id", "=", self.lessee.id)], []),
        ]:
            rows = kpi._read_group(domain, groupby, ["amount_due:sum"])
            expected = kpi._read_group(
                [*domain, ("installment_id", "!=", False)], groupby, ["amount_due:sum"]
            )
            self.assertEqual(_rounded(rows), _rounded(expected), (domain, groupby))

        self.env["lease.kpi.summary"]._rebuild()
        self._assert_same()

    def test_w2_summary_keeps_the_access_rules(self):
        """W2: a collector's pivot from the summary holds his contracts only (the KPI
        analysis's record rule on collector and account manager), the same sums as
        the installments give him; the other collector's contract is left out."""
        self._run(date(2026, 3, 20))
        self._assert_same(user=self.collector)
        mine = self._kpi(self.collector)._read_group(MONTHS, [], ["amount_due:sum"])
        everyone = self._kpi()._read_group(MONTHS, [], ["amount_due:sum"])
        a_due = sum(
            self.a.installment_ids.filtered(
                lambda line: line.move_id and line.date_due < date(2026, 5, 1)
            ).mapped("amount_rent")
        )
        self.assertAlmostEqual(mine[0][0], a_due, places=2)
        self.assertGreater(everyone[0][0], mine[0][0])

    def test_w2_nightly_job_folds_the_summary(self):
        """Issue 10 item 6: the nightly job's overdue-figures phase folds the day's
        changes into the summary (nothing left in the delta)."""
        self._run(date(2026, 3, 20))
        self.assertGreater(self._summary_rows()[1], 0)
        today = date(2026, 3, 21)
        phases = dict(self.env["lease.overdue.engine"]._nightly_phases(today))
        self.assertTrue(phases["engine"](self.env["lease.nightly.run"]))
        self.assertEqual(self._summary_rows()[1], 0)
        self._assert_same()
        # nothing changed since: the fold writes nothing (a same-day rerun)
        self.assertEqual(self.env["lease.kpi.summary"]._fold(), 0)

    def test_w2_dashboard_trend_tiers_ranking(self):
        """W2 / issue 11 item 5: the KPI dashboard is titled with its period, shows the
        12 due months' recovery and overdue rates with their change against the month
        before (from the monthly summary), today's overdue portfolio per tier with its
        open cases, and the collectors ranked by achievement; a collector's dashboard
        holds his contracts only."""
        a1 = self.a.installment_ids.sorted("sequence")[0]
        with freeze_time("2026-02-10"):
            self._pay(a1.move_id, 10000.0, date(2026, 2, 10))
        self._run(date(2026, 3, 20))
        Target = self.env["lease.collector.target"]
        Target.create(
            [
                {
                    "collector_id": self.collector.id,
                    "date_month": date(2026, 3, 1),
                    "amount_target": 100000.0,
                },
                {
                    "collector_id": self.collector2.id,
                    "date_month": date(2026, 3, 1),
                    "amount_target": 100.0,
                },
            ]
        )
        with freeze_time("2026-03-20"):
            board = self.env["lease.kpi.dashboard"].create(
                {"date_from": date(2026, 3, 1), "date_to": date(2026, 3, 31)}
            )
            self.assertEqual(
                board.display_name, "KPI Dashboard 2026-03-01 – 2026-03-31"
            )
            trend = str(board.trend_html)
            self.assertIn("2026-02", trend)
            self.assertIn("2026-03", trend)
            self.assertNotIn("2026-04", trend)
            self.assertIn("100,100.00", trend)  # March: both collectors' targets
            tiers = str(board.portfolio_html)
            self.assertIn(self.tiers["T1"].display_name, tiers)  # a2: day 10
            self.assertIn(self.tiers["T3"].display_name, tiers)  # b1: day 38
            ranking = str(board.collector_html)

            mine = (
                self.env["lease.kpi.dashboard"]
                .with_user(self.collector2)
                .create({"date_from": date(2026, 3, 1), "date_to": date(2026, 3, 31)})
            )
            their_trend = str(mine.trend_html)
        # the 12 months before March hold a's and b's rent, b's alone for collector2
        self.assertNotEqual(trend, their_trend)
        feb = self._kpi(self.collector2)._read_group(
            [("date_due", ">=", "2026-02-01"), ("date_due", "<", "2026-03-01")],
            [],
            ["amount_due:sum"],
        )[0][0]
        self.assertIn(f"{feb:,.2f}", their_trend)
        self.assertTrue(ranking)
