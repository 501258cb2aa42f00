from odoo import api, models


class LeaseOverdueEngine(models.AbstractModel):
    """The daily escalation job runs right after the nightly overdue run (SPEC E14)."""

    _inherit = "lease.overdue.engine"

    @api.model
    def _cron_daily(self):
        result = super()._cron_daily()
        self.env["lease.escalation.rule"]._cron_escalate()
        return result
