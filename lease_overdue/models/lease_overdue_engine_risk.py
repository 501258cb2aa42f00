from odoo import models


class LeaseOverdueEngine(models.AbstractModel):
    """The daily recomputation also updates the lessees' credit ratings (SPEC K1)."""

    _inherit = "lease.overdue.engine"

    def _update_ratings(self, today, ids, partner_ids=None):
        """Rate the lessees of the contracts ``ids`` (None: every lessee) and the
        lessees ``partner_ids`` (the daily run: those whose rating may change with the
        date alone)."""
        result = super()._update_ratings(today, ids, partner_ids=partner_ids)
        self.env["res.partner"]._lease_update_credit_ratings(
            today, ids, partner_ids=partner_ids
        )
        return result
