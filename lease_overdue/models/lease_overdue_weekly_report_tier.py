from odoo import api, fields, models
from odoo.exceptions import UserError


class LeaseOverdueWeeklyReportTier(models.Model):
    """Per-tier totals of a weekly report with the previous week's, and how contracts
    moved into and out of the tier (SPEC W1, W2 tier migration)."""

    _name = "lease.overdue.weekly.report.tier"
    _description = "Weekly Overdue Rent Report Tier Summary"
    _order = "report_id, sequence, id"

    report_id = fields.Many2one(
        "lease.overdue.weekly.report", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="report_id.company_id", store=True)
    currency_id = fields.Many2one(related="report_id.currency_id")
    date_from = fields.Date(
        related="report_id.date_from", store=True, string="Week Start"
    )
    week_label = fields.Char(related="report_id.week_label", store=True, string="Week")
    sequence = fields.Integer()
    tier_id = fields.Many2one("lease.overdue.tier", "Tier", ondelete="set null")
    tier_code = fields.Char("Tier Code")
    tier_name = fields.Char("Tier Name")
    contract_count = fields.Integer("Contracts")
    overdue_amount = fields.Monetary("Overdue Rent")
    penalty_amount = fields.Monetary("Penalty Due")
    previous_count = fields.Integer("Contracts Last Week")
    previous_amount = fields.Monetary("Overdue Rent Last Week")
    new_count = fields.Integer(
        "New", help="Contracts not overdue last week, in this tier now."
    )
    up_count = fields.Integer(
        "Moved Up Into", help="Contracts that came from a lower tier."
    )
    down_count = fields.Integer(
        "Moved Down Into", help="Contracts that came from a higher tier."
    )
    cured_count = fields.Integer(
        "Cured From",
        help="Contracts in this tier last week that are not overdue any more.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise UserError(
                self.env._(
                    "Weekly report tier summaries are written by the report generation only."
                )
            )
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su or self.report_id.filtered(lambda r: r.state != "draft"):
            raise UserError(
                self.env._(
                    "A generated weekly report is a frozen snapshot: its summary cannot be changed."
                )
            )
        return super().write(vals)
