from odoo import api, fields, models
from odoo.exceptions import UserError

MIGRATIONS = [
    ("new", "New"),
    ("cured", "Cured"),
    ("up", "Moved Up"),
    ("down", "Moved Down"),
    ("same", "Same Tier"),
]


class LeaseOverdueWeeklyReportLine(models.Model):
    """One contract of a weekly overdue report (SPEC W1), frozen when the report is
    generated. Names are stored as text so that a past report prints as it was."""

    _name = "lease.overdue.weekly.report.line"
    _description = "Weekly Overdue Rent Report Line"
    _order = "report_id, days_overdue desc, overdue_amount desc, id"

    report_id = fields.Many2one(
        "lease.overdue.weekly.report", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="report_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="report_id.currency_id")
    date_from = fields.Date(
        related="report_id.date_from", store=True, string="Week Start"
    )
    contract_id = fields.Many2one("lease.contract", index=True, ondelete="set null")
    contract_name = fields.Char("Contract Number")
    partner_id = fields.Many2one(
        "res.partner", "Lessee", index=True, ondelete="set null"
    )
    partner_name = fields.Char("Lessee Name")
    collector_id = fields.Many2one("res.users", "Collector", ondelete="set null")
    collector_name = fields.Char("Collector Name")
    account_manager_id = fields.Many2one(
        "res.users", "Account Manager", ondelete="set null"
    )
    account_manager_name = fields.Char("Account Manager Name")
    is_overdue = fields.Boolean(
        "Overdue", help="False for a contract cured since last week."
    )
    days_overdue = fields.Integer()
    tier_id = fields.Many2one("lease.overdue.tier", "Tier", ondelete="set null")
    tier_code = fields.Char("Tier Code")
    overdue_amount = fields.Monetary("Overdue Rent")
    penalty_amount = fields.Monetary("Penalty Due")
    overdue_count = fields.Integer("Overdue Count", aggregator="sum")
    record_count = fields.Integer(
        "Collection Records", help="Collection records dated in the week."
    )
    activity_count = fields.Integer(
        "Activities Done", help="Activities done in the week."
    )
    action_count = fields.Integer(
        "Actions", compute="_compute_action_count", store=True
    )
    action_summary = fields.Char("Actions Taken")
    previous_tier_id = fields.Many2one(
        "lease.overdue.tier", "Last Week's Tier", ondelete="set null"
    )
    previous_tier_code = fields.Char("Last Week's Tier Code")
    migration = fields.Selection(MIGRATIONS, required=True, index=True)

    @api.depends("record_count", "activity_count")
    def _compute_action_count(self):
        for line in self:
            line.action_count = line.record_count + line.activity_count

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise UserError(
                self.env._(
                    "Weekly report lines are written by the report generation only."
                )
            )
        return super().create(vals_list)

    def write(self, vals):
        if (
            not self.env.su or self.report_id.filtered(lambda r: r.state != "draft")
        ) and set(vals) - {"action_count"}:
            raise UserError(
                self.env._(
                    "A generated weekly report is a frozen snapshot: its lines cannot be changed."
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        if any(line.report_id.state != "draft" for line in self):
            raise UserError(
                self.env._(
                    "A generated weekly report is a frozen snapshot: its lines cannot be deleted."
                )
            )
