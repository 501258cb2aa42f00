from odoo import fields, models


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
