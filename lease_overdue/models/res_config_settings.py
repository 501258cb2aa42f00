from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    lease_large_amount = fields.Monetary(
        related="company_id.lease_large_amount",
        readonly=False,
        currency_field="currency_id",
    )
    lease_invoice_days_ahead = fields.Integer(
        related="company_id.lease_invoice_days_ahead", readonly=False
    )
    lease_rent_journal_id = fields.Many2one(
        related="company_id.lease_rent_journal_id", readonly=False
    )
    lease_default_penalty_rate = fields.Float(
        related="company_id.lease_default_penalty_rate", readonly=False
    )
    lease_penalty_due_days = fields.Integer(
        related="company_id.lease_penalty_due_days", readonly=False
    )
    lease_max_penalty_rate = fields.Float(
        related="company_id.lease_max_penalty_rate", readonly=False
    )
    lease_date_min = fields.Date(related="company_id.lease_date_min", readonly=False)
    lease_date_max = fields.Date(related="company_id.lease_date_max", readonly=False)
    lease_letter_bank_id = fields.Many2one(
        related="company_id.lease_letter_bank_id", readonly=False
    )
    lease_letter_contact_name = fields.Char(
        related="company_id.lease_letter_contact_name", readonly=False
    )
    lease_letter_contact_phone = fields.Char(
        related="company_id.lease_letter_contact_phone", readonly=False
    )
    lease_lang = fields.Selection(related="company_id.lease_lang", readonly=False)
