from odoo import fields, models

_HEAD_DOMAIN = "[('share', '=', False), ('company_ids', 'in', company_id)]"


def _head_setting(field):
    return fields.Many2one(
        related=f"company_id.{field}", readonly=False, domain=_HEAD_DOMAIN
    )


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

    lease_escalation_d5 = fields.Boolean(
        related="company_id.lease_escalation_d5", readonly=False
    )
    lease_escalation_d8 = fields.Boolean(
        related="company_id.lease_escalation_d8", readonly=False
    )
    lease_four_eyes = fields.Boolean(
        related="company_id.lease_four_eyes", readonly=False
    )
    lease_head_asset_management_id = _head_setting("lease_head_asset_management_id")
    lease_head_risk_management_id = _head_setting("lease_head_risk_management_id")
    lease_head_legal_id = _head_setting("lease_head_legal_id")
    lease_head_business_id = _head_setting("lease_head_business_id")
    lease_head_finance_id = _head_setting("lease_head_finance_id")
    lease_head_review_committee_id = _head_setting("lease_head_review_committee_id")
    lease_head_general_manager_id = _head_setting("lease_head_general_manager_id")
