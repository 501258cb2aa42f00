from odoo import api, models


class LeaseOverdueEngine(models.AbstractModel):
    """The daily escalation job runs right after the nightly overdue run (SPEC E14)."""

    _inherit = "lease.overdue.engine"

    @api.model
    def _nightly_phases(self, today):
        """Last phase of the nightly job: the escalation, committed after each rule
        (issue 10 item 4: the ledger makes a rule that already acted do nothing when a
        killed run is continued)."""

        def escalation(run):
            self.env["lease.escalation.rule"]._cron_escalate()
            return True

        return [*super()._nightly_phases(today), ("escalation", escalation)]
