from odoo import fields, models


class LeaseKpiFigures(models.AbstractModel):
    """The dimensions and figures of the KPI analysis (SPEC W2), declared once for the
    analysis (``lease.kpi.report``, one row per installment) and its monthly summary
    (``lease.kpi.summary``), whose columns are the same sums (``KPI_MEASURES``)."""

    _name = "lease.kpi.figures"
    _description = "Lease KPI Figures"

    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    collector_id = fields.Many2one("res.users", "Collector", readonly=True)
    account_manager_id = fields.Many2one("res.users", "Account Manager", readonly=True)
    tier_id = fields.Many2one("lease.overdue.tier", "Current Tier", readonly=True)
    date_due = fields.Date("Due Date", readonly=True)
    contract_state = fields.Selection(
        [
            ("draft", "Draft"),
            ("active", "Active"),
            ("closed", "Closed"),
            ("terminated", "Terminated"),
        ],
        readonly=True,
    )
    amount_due = fields.Monetary("Rent Due", readonly=True)
    amount_paid_on_time = fields.Monetary(
        "Paid On Time",
        readonly=True,
        help="Paid by the lessee on or before the due date.",
    )
    amount_paid_month_end = fields.Monetary(
        "Collected by Month End",
        readonly=True,
        help="Paid by the lessee by the last day of the month of the due date.",
    )
    amount_paid = fields.Monetary("Paid So Far", readonly=True)
    amount_late = fields.Monetary(
        "Rent Gone Overdue",
        readonly=True,
        help="Part of the rent not paid by its due date, for installments that went overdue.",
    )
    amount_outstanding = fields.Monetary("Overdue Rent Outstanding", readonly=True)
    penalty_due = fields.Monetary("Penalty Unpaid", readonly=True)
    due_count = fields.Integer("Installments Due", readonly=True)
    late_count = fields.Integer("Installments Gone Overdue", readonly=True)
