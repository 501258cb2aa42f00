from odoo import fields, models

_HEAD_DOMAIN = "[('share', '=', False), ('company_ids', 'in', company_id)]"


def _head_setting(field):
    return fields.Many2one(
        related=f"company_id.{field}", readonly=False, domain=_HEAD_DOMAIN
    )


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

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
