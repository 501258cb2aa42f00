from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class LeaseCollectorTarget(models.Model):
    """Monthly collection target of a collector (SPEC W2, D6 L101, L111: 回款达成率).

    ``amount_collected`` is what the lessees paid during the month on overdue rent and
    penalty interest of the contracts the collector handles; the scheduled KPI job and the
    Refresh button update it set-based."""

    _name = "lease.collector.target"
    _inherit = ["lease.guard.mixin"]
    # The collected figures come from the payments, never typed (W2).
    _lease_guarded_fields = ("amount_collected", "achievement_rate", "date_refreshed")
    _description = "Collector Monthly Target"
    _order = "date_month desc, collector_id"
    _check_company_auto = True

    collector_id = fields.Many2one("res.users", "Collector", required=True, index=True)
    date_month = fields.Date(
        "Month",
        required=True,
        index=True,
        default=lambda self: self.env.company._lease_today().replace(day=1),
        help="Any day of the month; stored as its first day.",
    )
    date_to = fields.Date("Month End", compute="_compute_date_to", store=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount_target = fields.Monetary("Target", required=True)
    amount_collected = fields.Monetary("Collected", readonly=True, copy=False)
    achievement_rate = fields.Float(
        "Achievement (%)",
        readonly=True,
        copy=False,
        aggregator="avg",
        digits=(16, 1),
        help="Collected / target, in percent. Grouped rows show the average of the rates.",
    )
    date_refreshed = fields.Datetime("Refreshed On", readonly=True, copy=False)

    _collector_month_unique = models.UniqueIndex(
        "(collector_id, date_month, company_id)",
        "A collector has one target per month.",
    )

    @api.depends("date_month")
    def _compute_date_to(self):
        for target in self:
            target.date_to = target.date_month and (
                target.date_month.replace(day=1) + relativedelta(months=1, days=-1)
            )

    @api.depends("collector_id", "date_month")
    def _compute_display_name(self):
        for target in self:
            target.display_name = " - ".join(
                filter(
                    None,
                    [
                        target.collector_id.name,
                        target.date_month and target.date_month.strftime("%Y-%m"),
                    ],
                )
            )

    @api.constrains("amount_target")
    def _check_amount_target(self):
        for target in self:
            if target.amount_target <= 0:
                raise ValidationError(
                    self.env._("A collection target must be a positive amount.")
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("date_month"):
                vals["date_month"] = fields.Date.to_date(vals["date_month"]).replace(
                    day=1
                )
        targets = super().create(vals_list)
        targets._refresh_collected()
        return targets

    def write(self, vals):
        if vals.get("date_month"):
            vals["date_month"] = fields.Date.to_date(vals["date_month"]).replace(day=1)
        res = super().write(vals)
        # The figures follow their inputs; writing the figures (below, in superuser mode:
        # they are guarded) changes no input, so this does not recurse.
        if {"date_month", "collector_id", "company_id", "amount_target"} & set(vals):
            self._refresh_collected()
        return res

    def action_refresh(self):
        self._refresh_collected()
        return True

    def _refresh_collected(self):
        """Recompute collected amounts: one query per (company, month), not per target."""
        kpi = self.env["lease.kpi.report"]
        groups = {}
        for target in self:
            groups.setdefault((target.company_id, target.date_month), self.browse())
            groups[(target.company_id, target.date_month)] |= target
        now = fields.Datetime.now()
        for (company, month), targets in groups.items():
            collected = kpi._collected_by_collector(
                month, month + relativedelta(months=1, days=-1), company=company
            )
            for target in targets:
                amount = collected.get(target.collector_id.id, 0.0)
                rate = (
                    amount / target.amount_target * 100.0
                    if target.amount_target
                    else 0.0
                )
                target.sudo().write(
                    {
                        "amount_collected": amount,
                        "achievement_rate": rate,
                        "date_refreshed": now,
                    }
                )
        return True

    @api.model
    def _cron_refresh(self):
        """Daily: refresh the targets of this month and last month."""
        today = self.env.company._lease_today()
        start = today.replace(day=1) - relativedelta(months=1)
        self.search([("date_month", ">=", start)])._refresh_collected()
        return True
