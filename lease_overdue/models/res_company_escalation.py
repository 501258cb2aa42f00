from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    lease_escalation_d5 = fields.Boolean(
        "D5 Pre-due and Visit Rules",
        default=True,
        help="Apply the escalation rules of the overdue accounts policy (D5): pre-due SMS and "
        "calls, visits, the 10:00 list to account managers.",
    )
    lease_escalation_d8 = fields.Boolean(
        "D8 Disposal Matrix Rules",
        default=True,
        help="Apply the escalation rules of the overdue customer disposal matrix (D8): "
        "category by days x occurrence.",
    )
    lease_four_eyes = fields.Boolean(
        "Four-Eyes Approvals",
        default=True,
        help="Whoever prepares or submits a collection document never approves or "
        "signs it.",
    )
