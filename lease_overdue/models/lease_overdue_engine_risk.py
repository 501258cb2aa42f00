from odoo import api, models


class LeaseOverdueEngine(models.AbstractModel):
    """The daily recomputation also updates the lessees' credit ratings (SPEC K1)."""

    _inherit = "lease.overdue.engine"

    @api.model
    def _run(self, contract_ids=None, date=None):
        result = super()._run(contract_ids=contract_ids, date=date)
        if contract_ids is not None and not contract_ids:
            return result
        today = date or self.env.company._lease_today()
        self.env["res.partner"]._lease_update_credit_ratings(today, contract_ids)
        return result
