import logging

import psycopg2.errors

from odoo import fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)


class LeaseEscalationRun(models.Model):
    """The control record of an escalation job (one per schedule). A run locks it with
    ``FOR UPDATE NOWAIT``, as OCA's credit-control run does: a second run started at the
    same time finds it locked, logs it and does nothing (SPEC E14)."""

    _name = "lease.escalation.run"
    _description = "Escalation Job"
    _order = "schedule"

    name = fields.Char(required=True, translate=True)
    schedule = fields.Selection(
        [("daily", "Daily job"), ("morning", "Morning job (10:00)")], required=True
    )
    date_last_run = fields.Date("Last Run For", readonly=True)
    last_started = fields.Datetime(readonly=True)
    last_finished = fields.Datetime(readonly=True)
    last_created = fields.Integer("Actions Taken", readonly=True)
    last_errors = fields.Text("Rules That Failed", readonly=True)

    _schedule_unique = models.UniqueIndex("(schedule)", "One control record per job.")

    def _get_for(self, schedule):
        run = self.sudo().search([("schedule", "=", schedule)], limit=1)
        if not run:
            names = dict(self._fields["schedule"]._description_selection(self.env))
            run = self.sudo().create({"schedule": schedule, "name": names[schedule]})
            self.env.flush_all()
        return run

    def _try_lock(self):
        """Lock the control record for this transaction; False when another run holds it."""
        self.ensure_one()
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    SQL(
                        "SELECT id FROM lease_escalation_run WHERE id = %s FOR UPDATE NOWAIT",
                        self.id,
                    ),
                    log_exceptions=False,
                )
        except psycopg2.errors.LockNotAvailable:
            return False
        return True

    def action_run_now(self):
        """Run the job now (configuration managers); safe to repeat."""
        if not self.env.user.has_group("lease_overdue.group_lease_manager"):
            raise AccessError(
                self.env._("Only the configuration manager runs an escalation job now.")
            )
        for run in self:
            # the job's own writes are the system's, as when the scheduler runs it
            logs = (
                self.env["lease.escalation.rule"]
                .sudo()
                ._run_escalation(schedule=run.schedule)
            )
            if logs is False:
                _logger.info("Escalation %s already running", run.schedule)
        return True
