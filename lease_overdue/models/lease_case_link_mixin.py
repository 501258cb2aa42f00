from odoo import fields, models


class LeaseCaseLinkMixin(models.AbstractModel):
    """Records that belong to a collection case (legal case, disposal, promise, vendor
    objection): the contract, the lessee and the company follow the case."""

    _name = "lease.case.link.mixin"
    _description = "Collection Case Record"
    _check_company_auto = True

    case_id = fields.Many2one(
        "lease.collection.case",
        "Collection Case",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    contract_id = fields.Many2one(related="case_id.contract_id", store=True, index=True)
    partner_id = fields.Many2one(
        related="case_id.partner_id", store=True, index=True, string="Lessee"
    )
    company_id = fields.Many2one(related="case_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="case_id.currency_id")
