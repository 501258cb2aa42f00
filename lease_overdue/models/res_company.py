from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    lease_large_amount = fields.Monetary(
        "Large Lease Amount",
        default=5000000.0,
        help="Contracts financing at least this amount are 'large amount' (SPEC C7): their "
        "repayment capacity assessment needs monthly financial statements.",
    )
    lease_invoice_days_ahead = fields.Integer(
        "Invoice Rent Days Ahead",
        default=10,
        help="The daily invoicing job invoices installments due within this many days.",
    )
    lease_rent_journal_id = fields.Many2one(
        "account.journal",
        "Rent Journal",
        domain="[('type', '=', 'sale'), ('company_id', '=', id)]",
        help="Sales journal of rent and penalty invoices; the first sales journal if empty.",
    )
    lease_default_penalty_rate = fields.Float(
        "Default Daily Penalty Rate",
        digits=(12, 6),
        default=0.0005,
        help="Daily penalty interest rate proposed on new contracts (0.0005 = 0.05 % a day).",
    )
