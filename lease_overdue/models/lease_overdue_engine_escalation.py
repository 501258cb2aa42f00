import logging

from odoo import api, models

_logger = logging.getLogger(__name__)


class LeaseOverdueEngine(models.AbstractModel):
    """The daily escalation job runs right after the nightly overdue run (SPEC E14)."""

    _inherit = "lease.overdue.engine"

    @api.model
    def _nightly_phases(self, today):
        """Last phase of the nightly job: the escalation, committed after each rule
        (issue 10 item 4: the ledger makes a rule that already acted do nothing when a
        killed run is continued)."""

        def escalation(run):
            # A same-day rerun (Run Manually, a retried cron) that recomputed nothing
            # and finds nothing changed since the rules ran today skips them: they
            # would create nothing (the ledger) and cost 0.5 query per case to check.
            # What changed without a trace (a record deleted) waits for the next
            # night, as it would had the rerun not happened.
            job = self.env["lease.escalation.run"]._get_for("daily")
            if not run.figures_moved and job._unchanged_since(today):
                _logger.info("Escalation: nothing changed since today's run; skipped.")
                return True
            self.env["lease.escalation.rule"]._cron_escalate()
            return True

        return [*super()._nightly_phases(today), ("escalation", escalation)]
