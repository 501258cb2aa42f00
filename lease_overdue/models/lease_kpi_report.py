from contextlib import contextmanager
from datetime import timedelta

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL, Query, sql

from .lease_kpi_summary import KPI_DIMENSIONS, KPI_MEASURES, KPI_SCOPE

# Lessee payments on lease invoices: the credit side of each partial reconciliation of a
# posted rent or penalty invoice, without credit notes and without the vendor's payments
# (a vendor advance does not pay the lessee's rent, D9 L169, SPEC C4).
PAYMENTS_SQL = """
    SELECT i.id AS installment_id, i.contract_id, i.date_due, m.lease_move_kind AS kind,
           cl.date AS pay_date, p.debit_amount_currency AS amount
      FROM lease_installment i
      JOIN lease_contract c ON c.id = i.contract_id
      JOIN account_move m ON m.lease_installment_id = i.id AND m.state = 'posted'
       AND m.lease_move_kind IN ('rent', 'penalty')
      JOIN account_move_line dl ON dl.move_id = m.id AND dl.display_type = 'payment_term'
      JOIN account_partial_reconcile p ON p.debit_move_id = dl.id
      JOIN account_move_line cl ON cl.id = p.credit_move_id
      JOIN account_move cm ON cm.id = cl.move_id
     WHERE cm.move_type NOT IN ('out_refund', 'in_refund')
       AND (c.vendor_id IS NULL OR cl.partner_id IS DISTINCT FROM c.vendor_id)
"""


def _month_aligned(operator, value):
    """True when the condition ``date_due <operator> value`` selects whole due months
    (the monthly summary answers it exactly): from a first day, up to a last day."""
    if value is False and operator in ("=", "!="):
        return True  # a due date is never empty
    try:
        day = fields.Date.to_date(value)
    except (TypeError, ValueError):
        return None
    if not day:
        return False
    first = day.day == 1
    last = (day + timedelta(days=1)).day == 1
    return (operator in (">=", "<") and first) or (operator in ("<=", ">") and last)


class LeaseKpiReport(models.Model):
    """KPI analysis (SPEC W2): one row per invoiced installment, with what was due, what
    the lessee paid on time and by the end of the due month, and what went overdue.

    The rates of the dashboard are ratios of these sums (see ``_kpi_figures``)."""

    _name = "lease.kpi.report"
    _inherit = ["lease.kpi.figures"]
    _description = "Lease KPI Analysis"
    _auto = False
    _order = "date_due desc"

    installment_id = fields.Many2one("lease.installment", readonly=True)
    contract_id = fields.Many2one("lease.contract", readonly=True)
    partner_id = fields.Many2one("res.partner", "Lessee", readonly=True)

    @contextmanager
    def _lease_no_jit(self):
        """PostgreSQL's JIT compiles these one-off aggregates for longer than they run
        (26 of 37 s for the pivot of 1.3M installments at 100k contracts on a busy
        machine): off for the statement, as the overdue engine does for its own."""
        ((jit, _off),) = self.env.execute_query(
            SQL("SELECT current_setting('jit'), set_config('jit', 'off', TRUE)")
        )
        yield
        # not reached on an error: the rollback (or savepoint rollback) restores it
        self.env.cr.execute(SQL("SELECT set_config('jit', %s, TRUE)", jit))

    @api.model
    def search_fetch(self, *args, **kwargs):
        with self._lease_no_jit():
            return super().search_fetch(*args, **kwargs)

    @api.model
    def search_count(self, *args, **kwargs):
        with self._lease_no_jit():
            return super().search_count(*args, **kwargs)

    @property
    def _table_query(self):
        # The payments on time and by month end are stored on the installment by the
        # overdue engine (kpi_paid_*, same definition as PAYMENTS_SQL): a plain scan of
        # the installments and their contract, no payment join (issue 10, item 6). The
        # figures are KPI_MEASURES, shared with the monthly summary.
        dims = ", ".join(
            f"{expr} AS {name}"
            for name, expr in KPI_DIMENSIONS.items()
            if name != "date_due"
        )
        measures = ", ".join(f"{expr} AS {name}" for name, expr in KPI_MEASURES.items())
        return SQL(
            f"""
            SELECT i.id, i.id AS installment_id, i.contract_id, c.partner_id, i.date_due,
                   {dims}, {measures}
              FROM lease_installment i
              JOIN lease_contract c ON c.id = i.contract_id
             WHERE {KPI_SCOPE}
            """
        )

    # ------------------------------------------------------------------
    # Reads by month, collector, tier...: from the monthly summary
    # ------------------------------------------------------------------
    _LEASE_SUMMARY_GROUPBY = frozenset(
        [
            *(name for name in KPI_DIMENSIONS if name != "date_due"),
            *(
                f"date_due:{granularity}"
                for granularity in (
                    "month",
                    "quarter",
                    "year",
                    "month_number",
                    "quarter_number",
                    "year_number",
                )
            ),
        ]
    )

    @api.model
    def _lease_summary_delegable(self, domain, groupby, aggregates, having=()):
        """The aggregates to ask the monthly summary (lease.kpi.summary) for, or None
        when this read needs the installments: grouped or filtered by a lessee, a
        contract, a day, a figure; an aggregate other than a sum of a figure (also in
        the company currency: the pivot's ``sum_currency``) or the distinct values of a
        dimension (the pivot's currencies). ``__count`` (the pivot's "Count") is the
        number of installments: the summary's ``due_count``."""
        if having or any(spec not in self._LEASE_SUMMARY_GROUPBY for spec in groupby):
            return None
        asked = []
        for spec in aggregates:
            if spec == "__count":
                asked.append("due_count:sum")
                continue
            name, _sep, function = spec.partition(":")
            if not (
                (name in KPI_MEASURES and function in ("sum", "sum_currency"))
                or (
                    name in KPI_DIMENSIONS
                    and name != "date_due"
                    and function in ("array_agg_distinct", "count_distinct")
                )
            ):
                return None
            asked.append(spec)
        for condition in Domain(domain).iter_conditions():
            field = condition.field_expr.split(".")[0]
            if field == "date_due":
                if not _month_aligned(condition.operator, condition.value):
                    return None
            elif field not in KPI_DIMENSIONS:
                return None
        return asked

    @api.model
    def _lease_summary(self):
        """The monthly summary as the superuser, when this user's access rules on the
        KPI analysis can be applied to it (their fields, company, collector and account
        manager, are its dimensions), with their domain; else (None, None)."""
        self.browse().check_access("read")
        rules = self.env["ir.rule"]._compute_domain(self._name, "read")
        if self._lease_summary_delegable(rules, (), ()) is None:
            return None, None
        self.env["lease.installment"].flush_model()
        self.env["lease.contract"].flush_model()
        return self.env["lease.kpi.summary"].sudo(), Domain(rules)

    # A group of the summary can be empty: an installment that moved to another tier
    # leaves -1 in its old group's changes until the nightly fold. Empty groups are
    # left out, as the installments would not show them.
    _LEASE_NONEMPTY = "due_count:sum"

    @api.model
    def _read_group(
        self,
        domain,
        groupby=(),
        aggregates=(),
        having=(),
        offset=0,
        limit=None,
        order=None,
    ):
        asked = self._lease_summary_delegable(domain, groupby, aggregates, having)
        summary, rules = self._lease_summary() if asked is not None else (None, None)
        if summary is not None:
            having = [(self._LEASE_NONEMPTY, "!=", 0)] if groupby else []
            return summary._read_group(
                Domain(domain) & rules, groupby, asked, having, offset, limit, order
            )
        with self._lease_no_jit():
            return super()._read_group(
                domain, groupby, aggregates, having, offset, limit, order
            )

    @api.model
    def _read_grouping_sets(self, domain, grouping_sets, aggregates=(), order=None):
        groupby = {spec for groupby in grouping_sets for spec in groupby}
        asked = self._lease_summary_delegable(domain, groupby, aggregates)
        summary, rules = self._lease_summary() if asked is not None else (None, None)
        if summary is not None:
            sets = summary._read_grouping_sets(
                Domain(domain) & rules,
                grouping_sets,
                [*asked, self._LEASE_NONEMPTY],
                order=order,
            )
            return [
                [
                    row[:-1]
                    for row in rows
                    if not grouping or row[-1]  # the total row always
                ]
                for grouping, rows in zip(grouping_sets, sets, strict=True)
            ]
        with self._lease_no_jit():
            return super()._read_grouping_sets(
                domain, grouping_sets, aggregates, order=order
            )

    # ------------------------------------------------------------------
    # KPI figures (SPEC W2); definitions in the README
    # ------------------------------------------------------------------
    @api.model
    def _kpi_figures(
        self, date_from, date_to, company=None, today=None, contract_ids=None
    ):
        """All KPI figures of a period, set-based (a fixed number of queries).

        - rent due (应收租金) D: rent of the installments due in [date_from, date_to];
        - collected C: what the lessee paid on that rent by date_to (payments dated on or
          before date_to, without credit notes and vendor advances);
          回款率 recovery rate = C / D;
        - 逾期率 overdue rate, over the installments due in the period before today:
          by amount = rent not paid by its due date on the installments that went overdue
          / their rent due; by count = installments that went overdue / installments due;
        - overdue rent outstanding today and the penalty unpaid;
        - cases: opened and closed in the period, average handling days of the cases
          closed in the period (first overdue day to closing day, both counted);
        - tier migration: sums over the weekly reports of the period (whole company).

        :param contract_ids: restrict the figures to these contracts (ids or a
            ``Query`` of lease.contract; None: all)
        """
        company = company or self.env.company
        today = today or self.env.company._lease_today()
        self.env.flush_all()
        due_to = min(date_to, today - timedelta(days=1))
        if contract_ids is not None and not isinstance(contract_ids, Query):
            contract_ids = list(contract_ids)
        if contract_ids is None:
            scope = SQL("TRUE")
        elif isinstance(contract_ids, Query):
            scope = SQL("i.contract_id IN %s", contract_ids.subselect())
        else:
            scope = SQL("i.contract_id = ANY(%s)", contract_ids)
        extra = [] if contract_ids is None else [("contract_id", "in", contract_ids)]
        query = SQL(
            """
            WITH pay AS (%(payments)s),
            due AS (
                SELECT i.id, i.amount_rent, i.date_due, i.days_overdue, i.days_late,
                       i.kpi_paid_on_time AS on_time
                  FROM lease_installment i
                 WHERE i.company_id = %(company)s AND %(scope)s
                   AND i.contract_id NOT IN (
                       SELECT id FROM lease_contract WHERE state = 'draft')
                   AND i.move_id IS NOT NULL
                   AND i.date_due BETWEEN %(date_from)s AND %(date_to)s
            ),
            paid AS (
                SELECT pay.installment_id,
                       SUM(pay.amount) FILTER (WHERE pay.pay_date <= %(date_to)s) AS by_end
                  FROM pay
                  JOIN due ON due.id = pay.installment_id
                 WHERE pay.kind = 'rent'
                 GROUP BY pay.installment_id
            )
            SELECT COALESCE(SUM(d.amount_rent), 0),
                   COALESCE(SUM(LEAST(COALESCE(p.by_end, 0), d.amount_rent)), 0),
                   COALESCE(SUM(d.amount_rent) FILTER (WHERE d.date_due <= %(due_to)s), 0),
                   COALESCE(SUM(GREATEST(d.amount_rent - COALESCE(d.on_time, 0), 0)) FILTER (
                       WHERE d.date_due <= %(due_to)s
                         AND (d.days_overdue > 0 OR d.days_late > 0)), 0),
                   COUNT(*) FILTER (WHERE d.date_due <= %(due_to)s),
                   COUNT(*) FILTER (WHERE d.date_due <= %(due_to)s
                                      AND (d.days_overdue > 0 OR d.days_late > 0))
              FROM due d
              LEFT JOIN paid p ON p.installment_id = d.id
            """,
            payments=SQL(PAYMENTS_SQL),
            company=company.id,
            scope=scope,
            date_from=date_from,
            date_to=date_to,
            due_to=due_to,
        )
        with self._lease_no_jit():
            rent_due, collected, due_past, late, count_due, count_late = (
                self.env.execute_query(query)[0]
            )
        rent_due, collected, due_past, late = (
            float(rent_due),
            float(collected),
            float(due_past),
            float(late),
        )
        company_domain = [("company_id", "=", company.id)]
        outstanding = (
            self.env["lease.contract"]
            .sudo()
            ._read_group(
                company_domain
                + [("days_overdue", ">", 0)]
                + ([] if contract_ids is None else [("id", "in", contract_ids)]),
                [],
                ["overdue_amount:sum", "penalty_amount:sum", "__count"],
            )[0]
        )
        cases = self.env["lease.collection.case"].sudo()
        opened = cases.search_count(
            company_domain
            + extra
            + [("date_start", ">=", date_from), ("date_start", "<=", date_to)]
        )
        closed = cases.search_fetch(
            company_domain
            + extra
            + [
                ("state", "=", "closed"),
                ("date_end", ">=", date_from),
                ("date_end", "<=", date_to),
            ],
            ["date_start", "date_end"],
        )
        handling = (
            sum((case.date_end - case.date_start).days + 1 for case in closed)
            / len(closed)
            if closed
            else 0.0
        )
        open_cases = cases.search_count(
            company_domain + extra + [("state", "=", "open")]
        )
        migration = (
            self.env["lease.overdue.weekly.report"]
            .sudo()
            ._read_group(
                [
                    *company_domain,
                    ("state", "!=", "draft"),
                    ("date_from", ">=", date_from - timedelta(days=6)),
                    ("date_from", "<=", date_to),
                ],
                [],
                [
                    "new_count:sum",
                    "cured_count:sum",
                    "up_count:sum",
                    "down_count:sum",
                    "same_count:sum",
                ],
            )[0]
        )
        return {
            "rent_due": rent_due,
            "rent_collected": collected,
            "recovery_rate": collected / rent_due if rent_due else 0.0,
            "rent_due_past": due_past,
            "rent_gone_overdue": late,
            "overdue_rate_amount": late / due_past if due_past else 0.0,
            "installments_due": count_due,
            "installments_gone_overdue": count_late,
            "overdue_rate_count": count_late / count_due if count_due else 0.0,
            "overdue_outstanding": outstanding[0] or 0.0,
            "penalty_outstanding": outstanding[1] or 0.0,
            "overdue_contracts": outstanding[2],
            "cases_opened": opened,
            "cases_closed": len(closed),
            "avg_handling_days": handling,
            "cases_open": open_cases,
            "migration_new": migration[0] or 0,
            "migration_cured": migration[1] or 0,
            "migration_up": migration[2] or 0,
            "migration_down": migration[3] or 0,
            "migration_same": migration[4] or 0,
        }

    @api.model
    def _collected_by_collector(self, date_from, date_to, company=None):
        """{collector id: amount} the lessees paid in [date_from, date_to] on overdue rent
        and on penalty interest of the contracts each collector handles (回款)."""
        company = company or self.env.company
        self.env.flush_all()
        with self._lease_no_jit():
            rows = self._lease_collected_rows(company, date_from, date_to)
        return {collector_id: float(amount or 0.0) for collector_id, amount in rows}

    def _lease_collected_rows(self, company, date_from, date_to):
        return self.env.execute_query(
            SQL(
                """
            WITH pay AS (%(payments)s)
            SELECT c.collector_id, SUM(pay.amount)
              FROM pay
              JOIN lease_contract c ON c.id = pay.contract_id
             WHERE c.company_id = %(company)s AND c.collector_id IS NOT NULL
               AND pay.pay_date BETWEEN %(date_from)s AND %(date_to)s
               AND (pay.kind = 'penalty' OR pay.pay_date > pay.date_due)
             GROUP BY c.collector_id
            """,
                payments=SQL(PAYMENTS_SQL),
                company=company.id,
                date_from=date_from,
                date_to=date_to,
            )
        )


class LeaseInstallment(models.Model):
    _inherit = "lease.installment"

    # The KPI dashboard's installments of a period (``_kpi_figures``) read from the index
    # alone: one month of a 100k portfolio is ~100k rows on ~47k heap pages otherwise.
    # The installment's company is the contract's (stored related field). With the
    # stored on-time payments (kpi_paid_on_time, issue 10 item 6); a new name, as Odoo
    # does not rebuild an index whose definition changed (drop the older
    # lease_installment__lease_kpi_due_index by hand where it exists).
    _lease_kpi_due_paid_index = models.Index(
        "(company_id, date_due) INCLUDE (id, contract_id, amount_rent, days_overdue,"
        " days_late, kpi_paid_on_time) WHERE move_id IS NOT NULL"
    )

    def init(self):
        """Fill the KPI payments (kpi_paid_*) of the invoiced installments that have
        none yet (the columns were just added, or an invoice not yet seen by the
        engine), from the KPI's definition of a lessee payment (PAYMENTS_SQL). The
        overdue engine keeps them up to date afterwards (``_update_installments``)."""
        super().init()
        cr = self.env.cr
        if not (
            sql.column_exists(cr, "account_move", "lease_move_kind")
            and sql.column_exists(cr, "account_move", "lease_installment_id")
            and sql.table_exists(cr, "lease_contract")
        ):
            return  # a new install: the tables PAYMENTS_SQL reads are not there yet
        self.env.cr.execute(
            SQL(
                """
            WITH todo AS (
                SELECT id FROM lease_installment
                 WHERE move_id IS NOT NULL
                   AND (kpi_paid_on_time IS NULL OR kpi_paid_month_end IS NULL)
            ),
            pay AS (%(payments)s AND i.id IN (SELECT id FROM todo)),
            agg AS (
                SELECT pay.installment_id,
                       SUM(pay.amount) FILTER (WHERE pay.pay_date <= pay.date_due) AS on_time,
                       SUM(pay.amount) FILTER (
                           WHERE pay.pay_date < (date_trunc('month', pay.date_due)
                                                 + interval '1 month')::date) AS month_end
                  FROM pay
                 WHERE pay.kind = 'rent'
                 GROUP BY pay.installment_id
            )
            UPDATE lease_installment i
               SET kpi_paid_on_time = COALESCE(a.on_time, 0),
                   kpi_paid_month_end = COALESCE(a.month_end, 0)
              FROM todo t
              LEFT JOIN agg a ON a.installment_id = t.id
             WHERE i.id = t.id
            """,
                payments=SQL(PAYMENTS_SQL),
            )
        )
