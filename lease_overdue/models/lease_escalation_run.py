import logging

import psycopg2.errors

from odoo import fields, models
from odoo.exceptions import AccessError, UserError
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
    last_fingerprint = fields.Char(
        readonly=True,
        help="Digest of what the rules read, taken when the last run finished: a "
        "same-day rerun of the nightly job that finds it unchanged skips the rules.",
    )

    _schedule_unique = models.UniqueIndex("(schedule)", "One control record per job.")

    def _get_for(self, schedule):
        run = self.sudo().search([("schedule", "=", schedule)], limit=1)
        if not run:
            names = dict(self._fields["schedule"]._description_selection(self.env))
            run = self.sudo().create({"schedule": schedule, "name": names[schedule]})
            self.env.flush_all()
        return run

    # What the daily rules read and people change during the day: the latest change
    # (write_date) of each, and the newest message (an activity marked done is deleted
    # and leaves a message). The overdue figures are the nightly job's own (its engine
    # says whether it recomputed anything).
    _FINGERPRINT_MODELS = (
        "lease.collection.case",
        "lease.collection.record",
        "lease.payment.promise",
        "lease.document",
        "lease.legal.case",
        "lease.disposal",
        "lease.asset.inspection",
        "lease.vendor.objection",
        "lease.vendor.advance",
        "lease.prenotice.list",
        "lease.contract",
        "lease.contract.amendment",
        "lease.blacklist.entry",
        "lease.escalation.rule",
        "lease.escalation.role",
        "lease.overdue.tier",
        "lease.calendar.workday",
        "mail.activity",
        "tier.review",
        "res.company",
        "res.users",
        "res.partner",
        "ir.config_parameter",
    )

    def _inputs_fingerprint(self):
        """One query: a digest of the latest change of everything the daily rules
        read (issue 10: a same-day rerun that finds nothing new does nothing)."""
        parts = [SQL("(SELECT max(id) FROM mail_message)")]
        for name in self._FINGERPRINT_MODELS:
            if name in self.env:
                table = SQL.identifier(self.env[name]._table)
                parts.append(SQL("(SELECT max(write_date) FROM %s)", table))
        return self.env.execute_query(
            SQL("SELECT md5(concat_ws('|', %s))", SQL(", ").join(parts))
        )[0][0]

    def _unchanged_since(self, today):
        """True when this job already ran for ``today`` without a failed rule and
        nothing it reads has changed since it finished."""
        self.ensure_one()
        return bool(
            self.date_last_run == today
            and self.last_finished
            and not self.last_errors
            and self.last_fingerprint
            and self.last_fingerprint == self._inputs_fingerprint()
        )

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

    def _commit_rule(self):
        """Called after each rule of an escalation run. In a scheduled run: commit what
        the rule did (cron progress API) and take the run's lock again, so that a
        killed run loses one rule at most; its continuation finds the rules that acted
        in the ledger. Elsewhere nothing."""
        self.ensure_one()
        nightly = self.env["lease.nightly.run"]
        if not nightly._in_cron():
            return
        nightly._commit_step(1)
        if not self._try_lock():
            raise UserError(
                self.env._(
                    "Another escalation run started while this one was committing "
                    "its work; this one stops and leaves the rest to it."
                )
            )
