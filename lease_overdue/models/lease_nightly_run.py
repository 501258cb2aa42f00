"""The nightly job in committed steps (issue 10 item 4).

The scheduled action "Lease: invoice rent and recompute overdue figures" runs phases in
order: rent invoices, penalty bills (both in batches), the overdue engine (one set-based
run) and the escalation (one commit per rule). Each step is committed with Odoo 19's
cron progress API (``ir.cron._commit_progress``): a run killed by ``limit_time_real_cron``
or a restart loses at most the step it was doing, and Odoo's scheduler calls the job
again (``_run_job`` loops while progress remains, then reschedules it as soon as
possible), which continues where it stopped:

- rent invoices: the installments not invoiced yet are selected again;
- penalty bills: a contract's bills and its "billed on this due date" marks are
  committed together, so what is left to bill is computed again exactly;
- escalation: the ledger (lease.escalation.log) makes a rule that already acted do
  nothing the second time.

One record per company and day says which phase is next: a rerun the same day after a
kill skips the finished phases; once the day is done, a new run of the same day (Run
Manually) does every phase again, each of them doing nothing twice.

Outside a scheduled run (tests, the demo builder, a shell) nothing is committed: the
caller's transaction holds the whole job, as before.
"""

import logging

import psycopg2.errors

from odoo import api, fields, models
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# Invoices created and posted per committed batch (ir.config_parameter
# lease_overdue.nightly_batch_size overrides it).
NIGHTLY_BATCH_SIZE = 250


class LeaseNightlyRun(models.Model):
    _name = "lease.nightly.run"
    _description = "Nightly Job Progress"
    _order = "date desc, company_id"

    company_id = fields.Many2one(
        "res.company",
        required=True,
        readonly=True,
        ondelete="cascade",
        help="Company whose local date is the job's day (the scheduled action's user's "
        "company).",
    )
    date = fields.Date("Day", required=True, readonly=True)
    phase = fields.Selection(
        [
            ("rent", "Rent invoices"),
            ("penalty", "Penalty bills"),
            ("engine", "Overdue figures"),
            ("escalation", "Escalation"),
            ("done", "Done"),
        ],
        "Next Phase",
        required=True,
        default="rent",
        readonly=True,
    )
    rent_count = fields.Integer("Rent Invoices", readonly=True)
    penalty_count = fields.Integer("Penalty Bills", readonly=True)
    figures_moved = fields.Boolean(
        "Figures Recomputed",
        readonly=True,
        help="This pass invoiced something or the overdue figures changed; if not, "
        "and nothing else changed since today's escalation, the escalation is skipped.",
    )
    steps = fields.Integer(
        "Committed Steps", readonly=True, help="Batches and phases committed."
    )
    runs = fields.Integer(
        "Calls",
        readonly=True,
        help="Times the scheduled action was called for this day: more than one when a "
        "run was interrupted or continued in several passes.",
    )
    started = fields.Datetime(readonly=True)
    finished = fields.Datetime(readonly=True)

    _company_date_unique = models.UniqueIndex(
        "(company_id, date)", "One progress record per company and day."
    )

    # ------------------------------------------------------------------
    @api.model
    def _batch_size(self):
        value = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("lease_overdue.nightly_batch_size")
        )
        try:
            return max(int(value), 1) if value else NIGHTLY_BATCH_SIZE
        except ValueError:
            return NIGHTLY_BATCH_SIZE

    @api.model
    def _in_cron(self):
        """True inside a scheduled run (Odoo's scheduler, or Run Manually): the steps
        are committed there and only there."""
        return bool(self.env.context.get("ir_cron_progress_id"))

    @api.model
    def _commit_step(self, processed=1, remaining=None):
        """Commit the step just done (issue 10 item 4). In a scheduled run: Odoo 19's
        ``ir.cron._commit_progress`` (progress counted, transaction committed); returns
        the seconds left in the run's time slice. Elsewhere (tests, demo builder,
        shell): flushes only, the caller's transaction holds the whole job; returns
        infinity."""
        if not self._in_cron():
            self.env.flush_all()
            return float("inf")
        return self.env["ir.cron"]._commit_progress(processed, remaining=remaining)

    def _lock(self):
        """Lock this day's record for the transaction; False when another run of the
        job holds it (a commit releases it: taken again after each step)."""
        self.ensure_one()
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    SQL(
                        "SELECT id FROM lease_nightly_run WHERE id = %s FOR UPDATE NOWAIT",
                        self.id,
                    ),
                    log_exceptions=False,
                )
        except psycopg2.errors.LockNotAvailable:
            return False
        return True

    @api.model
    def _for_day(self, company, day):
        """The progress record of ``company`` for ``day``, created (and committed in a
        scheduled run, so that a kill keeps it) when missing; a finished day is started
        again."""
        run = self.sudo().search(
            [("company_id", "=", company.id), ("date", "=", day)], limit=1
        )
        if not run:
            run = self.sudo().create(
                {
                    "company_id": company.id,
                    "date": day,
                    "started": fields.Datetime.now(),
                }
            )
            self._commit_step(0)
        if not run._lock():
            return self.browse()
        if run.phase == "done":
            run.write(
                {
                    "phase": "rent",
                    "started": fields.Datetime.now(),
                    "finished": False,
                    "rent_count": 0,
                    "penalty_count": 0,
                    "figures_moved": False,
                    "steps": 0,
                }
            )
        return run

    def _run_phases(self, phases):
        """Run the phases ``[(code, callable(run) -> finished)]`` from this record's
        next phase on, one step at a time, each step committed. In a scheduled run it
        returns when the run's time slice is used up (the scheduler calls the job again
        while progress remains); elsewhere it runs to the end."""
        self.ensure_one()
        codes = [code for code, _step in phases]
        steps = dict(phases)
        self.sudo().runs += 1
        while self.phase != "done":
            if self.phase not in steps:
                # a phase of a module no longer installed
                self._next_phase(codes)
                continue
            finished = steps[self.phase](self)
            if finished:
                self._next_phase(codes)
            self.sudo().steps += 1
            left = len(codes) - codes.index(self.phase) if self.phase in codes else 0
            budget = self._commit_step(1, remaining=left)
            if not self._lock():
                _logger.info("Nightly job: another run took over; this one stops.")
                return False
            if budget <= 0 and self.phase != "done":
                return False
        return True

    def _next_phase(self, codes):
        index = codes.index(self.phase) if self.phase in codes else len(codes)
        vals = {"phase": codes[index + 1] if index + 1 < len(codes) else "done"}
        if vals["phase"] == "done":
            vals["finished"] = fields.Datetime.now()
        self.sudo().write(vals)
