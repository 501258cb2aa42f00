from odoo import fields, models
from odoo.exceptions import UserError


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

    def _check_state(self, *states):
        """Refuse a step unless every record is in one of ``states``."""
        labels = dict(self._fields["state"]._description_selection(self.env))
        for record in self:
            if record.state not in states:
                raise UserError(
                    self.env._(
                        "%(record)s is %(state)s: this step needs it to be %(states)s.",
                        record=record.display_name,
                        state=labels[record.state],
                        states=" / ".join(labels[s] for s in states),
                    )
                )
