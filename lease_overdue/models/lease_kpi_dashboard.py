from dateutil.relativedelta import relativedelta
from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import ValidationError

# Groups that see the KPIs of the whole portfolio (as the contracts' record rules).
OVERSIGHT_GROUPS = [
    "lease_overdue.group_asset_management_head",
    "lease_overdue.group_business_head",
    "lease_overdue.group_risk_management",
    "lease_overdue.group_legal",
    "lease_overdue.group_finance",
    "lease_overdue.group_review_committee",
    "lease_overdue.group_general_manager",
    "lease_overdue.group_lease_manager",
]
FIGURES = [
    "rent_due",
    "rent_collected",
    "recovery_rate",
    "rent_due_past",
    "rent_gone_overdue",
    "overdue_rate_amount",
    "installments_due",
    "installments_gone_overdue",
    "overdue_rate_count",
    "overdue_outstanding",
    "penalty_outstanding",
    "overdue_contracts",
    "cases_opened",
    "cases_closed",
    "avg_handling_days",
    "cases_open",
    "migration_new",
    "migration_cured",
    "migration_up",
    "migration_down",
    "migration_same",
]


class LeaseKpiDashboard(models.TransientModel):
    """KPI dashboard (SPEC W2): the figures of a period on one screen, with links to the
    pivot and graph analyses."""

    _name = "lease.kpi.dashboard"
    _description = "Lease KPI Dashboard"

    def _default_date_from(self):
        return self.env.company._lease_today().replace(day=1)

    date_from = fields.Date(
        "From", required=True, default=lambda self: self._default_date_from()
    )
    date_to = fields.Date(
        "To", required=True, default=lambda self: self.env.company._lease_today()
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    collector_id = fields.Many2one(
        "res.users",
        "Collector",
        help="Restrict the figures to the contracts of this collector.",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    rent_due = fields.Monetary("Rent Due", compute="_compute_figures")
    rent_collected = fields.Monetary("Rent Collected", compute="_compute_figures")
    recovery_rate = fields.Float(
        "Recovery Rate (%)", compute="_compute_figures", digits=(16, 2)
    )
    rent_due_past = fields.Monetary("Rent Fallen Due", compute="_compute_figures")
    rent_gone_overdue = fields.Monetary("Rent Gone Overdue", compute="_compute_figures")
    overdue_rate_amount = fields.Float(
        "Overdue Rate by Amount (%)", compute="_compute_figures", digits=(16, 2)
    )
    installments_due = fields.Integer(
        "Installments Fallen Due", compute="_compute_figures"
    )
    installments_gone_overdue = fields.Integer(
        "Installments Gone Overdue", compute="_compute_figures"
    )
    overdue_rate_count = fields.Float(
        "Overdue Rate by Count (%)", compute="_compute_figures", digits=(16, 2)
    )
    overdue_outstanding = fields.Monetary(
        "Overdue Rent Outstanding", compute="_compute_figures"
    )
    penalty_outstanding = fields.Monetary("Penalty Unpaid", compute="_compute_figures")
    overdue_contracts = fields.Integer("Overdue Contracts", compute="_compute_figures")
    cases_opened = fields.Integer("Cases Opened", compute="_compute_figures")
    cases_closed = fields.Integer("Cases Closed", compute="_compute_figures")
    avg_handling_days = fields.Float(
        "Average Handling Days", compute="_compute_figures", digits=(16, 1)
    )
    cases_open = fields.Integer("Open Cases", compute="_compute_figures")
    migration_new = fields.Integer("New Overdue (Weekly)", compute="_compute_figures")
    migration_cured = fields.Integer("Cured (Weekly)", compute="_compute_figures")
    migration_up = fields.Integer("Moved Up (Weekly)", compute="_compute_figures")
    migration_down = fields.Integer("Moved Down (Weekly)", compute="_compute_figures")
    migration_same = fields.Integer("Same Tier (Weekly)", compute="_compute_figures")
    collector_html = fields.Html(
        "Collectors", compute="_compute_figures", sanitize=False
    )
    trend_html = fields.Html(
        "Monthly Trend",
        compute="_compute_charts",
        sanitize=False,
        help="The 12 due months up to the period's end: rent due, collected by the "
        "end of the due month, recovery and overdue rates, each against the month "
        "before, and the collectors' targets.",
    )
    portfolio_html = fields.Html(
        "Overdue Portfolio by Tier",
        compute="_compute_charts",
        sanitize=False,
        help="Today's overdue contracts and open collection cases per tier (aging).",
    )

    @api.depends("date_from", "date_to")
    def _compute_display_name(self):
        for board in self:
            if board.date_from and board.date_to:
                board.display_name = self.env._(
                    "KPI Dashboard %(date_from)s – %(date_to)s",
                    date_from=board.date_from,
                    date_to=board.date_to,
                )
            else:
                board.display_name = self.env._("KPI Dashboard")

    @api.depends("date_from", "date_to", "company_id", "collector_id")
    def _compute_figures(self):
        kpi = self.env["lease.kpi.report"]
        for board in self:
            if (
                not board.date_from
                or not board.date_to
                or board.date_to < board.date_from
            ):
                for name in FIGURES:
                    board[name] = 0
                board.collector_html = False
                continue
            contract_ids = board._visible_contract_ids()
            if board.collector_id:
                domain = [("collector_id", "=", board.collector_id.id)]
                if contract_ids is not None:
                    domain.append(("id", "in", contract_ids))
                contract_ids = self.env["lease.contract"].sudo()._search(domain)
            figures = kpi._kpi_figures(
                board.date_from,
                board.date_to,
                board.company_id,
                contract_ids=contract_ids,
            )
            for name in FIGURES:
                value = figures[name]
                if name in (
                    "recovery_rate",
                    "overdue_rate_amount",
                    "overdue_rate_count",
                ):
                    value *= 100.0
                board[name] = value
            board.collector_html = board._collector_table()

    @api.depends("date_to", "company_id", "collector_id")
    def _compute_charts(self):
        for board in self:
            if not board.date_to or not board.company_id:
                board.trend_html = board.portfolio_html = False
                continue
            board.trend_html = board._trend_table()
            board.portfolio_html = board._portfolio_table()

    def _scope_domain(self):
        """The company and the collector chosen; the user's own record rules on the
        KPI analysis and the contracts do the rest (a collector sees his contracts)."""
        domain = [("company_id", "=", self.company_id.id)]
        if self.collector_id:
            domain.append(("collector_id", "=", self.collector_id.id))
        return domain

    @staticmethod
    def _bar(value, maximum, css="bg-primary"):
        width = 0 if not maximum else max(min(value / maximum * 100.0, 100.0), 0.0)
        return Markup(
            "<div class='progress' style='height: 0.8rem; min-width: 6rem;'>"
            "<div class='progress-bar %s' style='width: %s%%'></div></div>"
        ) % (css, f"{width:.1f}")

    def _trend_table(self):
        """Recovery and overdue rate of the 12 due months up to the period's end, each
        against the month before and the collectors' target of the month. Read from
        the KPI analysis's monthly summary (a few rows whatever the portfolio)."""
        self.ensure_one()
        end = self.date_to.replace(day=1)
        start = end
        for _month in range(12):  # one more: the first shown has a month before
            start = (start - relativedelta(months=1)).replace(day=1)
        rows = self.env["lease.kpi.report"]._read_group(
            [
                *self._scope_domain(),
                ("date_due", ">=", start),
                ("date_due", "<", end + relativedelta(months=1)),
            ],
            ["date_due:month"],
            ["amount_due:sum", "amount_paid_month_end:sum", "amount_late:sum"],
        )
        by_month = {month: (due, paid, late) for month, due, paid, late in rows}
        targets = dict(
            self.env["lease.collector.target"]._read_group(
                [*self._scope_domain(), ("date_month", ">=", start)],
                ["date_month:month"],
                ["amount_target:sum"],
            )
        )
        if not by_month:
            return False
        today = self.env.company._lease_today()
        maximum = max(due for due, _paid, _late in by_month.values()) or 1.0
        head = Markup(
            "<tr><th>%s</th><th class='text-end'>%s</th><th></th>"
            "<th class='text-end'>%s</th><th class='text-end'>%s</th>"
            "<th class='text-end'>%s</th><th class='text-end'>%s</th></tr>"
        ) % (
            self.env._("Due Month"),
            self.env._("Rent Due"),
            self.env._("Collected by Month End"),
            self.env._("Recovery Rate (%)"),
            self.env._("Overdue Rate by Amount (%)"),
            self.env._("Collection Target"),
        )
        body = Markup()
        previous = None
        month = start
        while month <= end:
            due, paid, late = by_month.get(month, (0.0, 0.0, 0.0))
            recovery = paid / due * 100.0 if due else None
            overdue = late / due * 100.0 if due and month <= today else None
            if month > start:
                body += Markup(
                    "<tr><td>%s</td><td class='text-end'>%s</td><td>%s</td>"
                    "<td class='text-end'>%s</td><td class='text-end'>%s</td>"
                    "<td class='text-end'>%s</td><td class='text-end'>%s</td></tr>"
                ) % (
                    month.strftime("%Y-%m"),
                    f"{due:,.2f}",
                    self._bar(due, maximum) + self._bar(paid, maximum, "bg-success"),
                    f"{paid:,.2f}",
                    self._rate(recovery, previous and previous[0]),
                    self._rate(overdue, previous and previous[1], lower_is_better=True),
                    f"{targets[month]:,.2f}" if targets.get(month) else "-",
                )
            previous = (recovery, overdue)
            month = (month + relativedelta(months=1)).replace(day=1)
        return Markup(
            "<table class='table table-sm o_lease_kpi_trend'><thead>%s</thead>"
            "<tbody>%s</tbody></table>"
        ) % (head, body)

    @staticmethod
    def _rate(value, before, lower_is_better=False):
        """A rate in percent with its change against the month before (▲/▼, green when
        it got better)."""
        if value is None:
            return "-"
        if before is None:
            return f"{value:.1f}"
        change = value - before
        if abs(change) < 0.05:
            return Markup("%s <span class='text-muted'>=</span>") % f"{value:.1f}"
        better = (change < 0) if lower_is_better else (change > 0)
        return Markup("%s <span class='%s'>%s %s</span>") % (
            f"{value:.1f}",
            "text-success" if better else "text-danger",
            "▲" if change > 0 else "▼",
            f"{abs(change):.1f}",
        )

    def _portfolio_table(self):
        """Today's overdue contracts (amount) and open cases per tier: the aging of
        the portfolio, as the user's record rules let him see it."""
        self.ensure_one()
        contracts = self.env["lease.contract"]._read_group(
            [*self._scope_domain(), ("days_overdue", ">", 0)],
            ["tier_id"],
            ["__count", "overdue_amount:sum"],
        )
        cases = dict(
            self.env["lease.collection.case"]._read_group(
                [*self._scope_domain(), ("state", "=", "open")],
                ["tier_id"],
                ["__count"],
            )
        )
        if not contracts and not cases:
            return False
        maximum = max((amount for _tier, _count, amount in contracts), default=0.0)
        head = Markup(
            "<tr><th>%s</th><th class='text-end'>%s</th><th class='text-end'>%s</th>"
            "<th></th><th class='text-end'>%s</th></tr>"
        ) % (
            self.env._("Tier"),
            self.env._("Overdue Contracts"),
            self.env._("Overdue Rent Outstanding"),
            self.env._("Open Cases"),
        )
        body = Markup()
        for tier, count, amount in sorted(
            contracts, key=lambda row: (row[0].days_min, row[0].id)
        ):
            body += Markup(
                "<tr><td>%s</td><td class='text-end'>%s</td><td class='text-end'>%s</td>"
                "<td>%s</td><td class='text-end'>%s</td></tr>"
            ) % (
                tier.display_name or self.env._("No tier"),
                count,
                f"{amount:,.2f}",
                self._bar(amount, maximum, "bg-danger"),
                cases.get(tier, 0),
            )
        return Markup(
            "<table class='table table-sm o_lease_kpi_tiers'><thead>%s</thead>"
            "<tbody>%s</tbody></table>"
        ) % (head, body)

    def _visible_contract_ids(self):
        """None when the user oversees the whole portfolio; else the contracts his
        record rules let him see (a collector, an account manager), as a subquery: the
        dashboard shows the figures of those only (SPEC A2)."""
        user = self.env.user
        if any(user.has_group(group) for group in OVERSIGHT_GROUPS):
            return None
        return self.env["lease.contract"]._search([])

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for board in self:
            if board.date_to < board.date_from:
                raise ValidationError(self.env._("The period ends before it starts."))

    def _collector_table(self):
        """Achievement per collector over the months of the period (回款达成率)."""
        self.ensure_one()
        targets = self.env["lease.collector.target"].search(
            [
                ("company_id", "=", self.company_id.id),
                ("date_month", "<=", self.date_to),
                ("date_to", ">=", self.date_from),
            ]
        )
        collected = self.env["lease.kpi.report"]._collected_by_collector(
            self.date_from, self.date_to, company=self.company_id
        )
        rows = {}
        for target in targets:
            entry = rows.setdefault(target.collector_id, [0.0, 0.0])
            entry[0] += target.amount_target
        if self._visible_contract_ids() is not None:
            collected = {
                uid: amount for uid, amount in collected.items() if uid == self.env.uid
            }
        for collector in self.env["res.users"].browse(list(collected)):
            rows.setdefault(collector, [0.0, 0.0])
        for collector, entry in rows.items():
            entry[1] = collected.get(collector.id, 0.0)
        if not rows:
            return False
        head = Markup(
            "<tr><th>%s</th><th class='text-end'>%s</th><th class='text-end'>%s</th>"
            "<th class='text-end'>%s</th></tr>"
        ) % (
            self.env._("Collector"),
            self.env._("Target"),
            self.env._("Collected"),
            self.env._("Achievement (%)"),
        )
        body = Markup()
        # ranking: best achievement first (no target: by amount collected, after)
        ranked = sorted(
            rows.items(),
            key=lambda r: (
                -(r[1][1] / r[1][0]) if r[1][0] else float("inf"),
                -r[1][1],
                r[0].name or "",
            ),
        )
        for rank, (collector, (target, amount)) in enumerate(ranked, start=1):
            rate = f"{amount / target * 100.0:.1f}" if target else "-"
            body += Markup(
                "<tr><td>%s. %s</td><td class='text-end'>%s</td>"
                "<td class='text-end'>%s</td><td class='text-end'>%s</td></tr>"
            ) % (rank, escape(collector.name), f"{target:,.2f}", f"{amount:,.2f}", rate)
        return Markup(
            "<table class='table table-sm'><thead>%s</thead><tbody>%s</tbody></table>"
        ) % (head, body)

    def _open(self, xmlid, domain=None, context=None):
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        if domain is not None:
            action["domain"] = domain
        if context is not None:
            action["context"] = context
        return action

    def action_open_kpi_analysis(self):
        self.ensure_one()
        return self._open(
            "lease_overdue.lease_kpi_report_action",
            domain=[
                ("company_id", "=", self.company_id.id),
                ("date_due", ">=", self.date_from),
                ("date_due", "<=", self.date_to),
            ],
        )

    def action_open_targets(self):
        self.ensure_one()
        return self._open(
            "lease_overdue.lease_collector_target_action",
            domain=[
                ("company_id", "=", self.company_id.id),
                ("date_month", "<=", self.date_to),
                ("date_to", ">=", self.date_from),
            ],
        )

    def action_open_migration(self):
        self.ensure_one()
        return self._open(
            "lease_overdue.lease_overdue_weekly_report_line_action",
            domain=[
                ("company_id", "=", self.company_id.id),
                ("date_from", ">=", self.date_from),
                ("date_from", "<=", self.date_to),
            ],
        )

    def action_open_cases(self):
        self.ensure_one()
        return self._open(
            "lease_overdue.lease_collection_case_action",
            domain=[
                ("company_id", "=", self.company_id.id),
                "|",
                ("date_start", ">=", self.date_from),
                ("state", "=", "open"),
            ],
        )
