"""The overdue engine: set-based recomputation of the whole portfolio (SPEC O1-O7, C3, C4).

Every figure is derived in a fixed number of SQL statements, whatever the size of the
portfolio: the daily job and the payment hooks call the same ``_run``.

Penalty interest (C3) is exact for partial payments without storing a day-by-day
ledger. With R the rent, D the due date, T today, and payments p_i on days d_i:
    penalty(T) = rate * (outstanding * max(T - D, 0) + sum over late p_i of p_i * (d_i - D))
where a payment made on day d still leaves day d overdue (the day after the due date is
overdue day 1, D9 L169). ``late_amount_days`` stores the second sum.

D9 L169 (SPEC C3 revised, issue 9 item 3): on a due date the current rent *and* the
penalty accumulated before it must be paid. The penalty is billed by the nightly job
(lease.installment._invoice_penalty_due) to fall due with the next rent
(account.move.lease_due_installment_id): an installment is settled when its rent and the
penalty billed with it are paid; its own penalty never keeps it overdue.
"""

import bisect
import logging
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, models
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# The daily run recomputes what changed since the last one (issue 10, item 1); above
# this many installments with new invoices or payments (a bulk import), the open
# installments of the whole portfolio are recomputed instead, as a first run does.
DAILY_FULL_ABOVE = 50000

# Risk grade from tier severity + amount band weight (SPEC O3).
GRADE_SQL = """
    CASE WHEN %(score)s IS NULL THEN NULL
         WHEN %(score)s <= 1 THEN 'a'
         WHEN %(score)s = 2 THEN 'b'
         WHEN %(score)s <= 4 THEN 'c'
         ELSE 'd' END
"""


class LeaseOverdueEngine(models.AbstractModel):
    _name = "lease.overdue.engine"
    _description = "Overdue Engine"

    @api.model
    def _cron_daily(self):
        """Daily scheduled action: invoice upcoming rent, bill the penalty falling due
        (SPEC C3, D9 L169), recompute the portfolio, then escalate (SPEC E14).

        Resumable (issue 10 item 4, lease.nightly.run): the phases of
        ``_nightly_phases`` run in steps committed with the cron progress API; a run
        killed in the middle continues at the next call, the finished phases of the
        day skipped. Outside a scheduled run nothing is committed."""
        today = self.env.company._lease_today()
        run = self.env["lease.nightly.run"]._for_day(self.env.company, today)
        if not run:
            _logger.info("Nightly job: another run holds %s; nothing done.", today)
            return False
        return run._run_phases(self._nightly_phases(today))

    @api.model
    def _nightly_phases(self, today):
        """The phases of the nightly job, in order: ``[(code, step)]``; ``step(run)``
        does one committed step of the phase and returns True when the phase is
        finished. Codes are lease.nightly.run's ``phase`` values."""
        Installment = self.env["lease.installment"]
        size = self.env["lease.nightly.run"]._batch_size()

        # A batch is the first ``size`` invoices to create (whole contracts for the
        # penalty): fewer means the phase is finished.
        def rent(run):
            moves = Installment.with_context(lease_invoice_batch=size)._invoice_due(
                date=today
            )
            run.sudo().rent_count += len(moves)
            return len(moves) < size

        def penalty(run):
            moves = Installment.with_context(
                lease_invoice_batch=size
            )._invoice_penalty_due(date=today)
            run.sudo().penalty_count += len(moves)
            return len(moves) < size

        def engine(run):
            moved = self._run(date=today)
            run.sudo().figures_moved = bool(
                moved or run.rent_count or run.penalty_count
            )
            # the KPI pivot's monthly sums: the day's changes folded in (issue 10)
            self.env["lease.kpi.summary"]._fold()
            return True

        def escalation(run):
            # The escalation (SPEC E14), committed after each rule (issue 10 item 4:
            # the ledger makes a rule that already acted do nothing when a killed run
            # is continued). A same-day rerun (Run Manually, a retried cron) that
            # recomputed nothing and finds nothing changed since the rules ran today
            # skips them: they would create nothing (the ledger) and cost 0.5 query
            # per case to check. What changed without a trace (a record deleted) waits
            # for the next night, as it would had the rerun not happened.
            job = self.env["lease.escalation.run"]._get_for("daily")
            if not run.figures_moved and job._unchanged_since(today):
                _logger.info("Escalation: nothing changed since today's run; skipped.")
                return True
            self.env["lease.escalation.rule"]._cron_escalate()
            return True

        return [
            ("rent", rent),
            ("penalty", penalty),
            ("engine", engine),
            ("escalation", escalation),
        ]

    @api.model
    def _deferred(self):
        """True inside a batch that recomputes once at its end (the demo builder, in
        superuser mode, with the context key ``lease_defer_overdue``). From a user the
        key is ignored: the figures follow each payment at once."""
        return self.env.su and bool(self.env.context.get("lease_defer_overdue"))

    @api.model
    def _run(self, contract_ids=None, date=None):
        """Recompute installments, contracts, partners, invoices and collection cases.

        :param contract_ids: restrict to these contracts (payment hooks); None = the
            daily run, which starts from what moved since the last one (issue 10,
            item 1, see ``_daily_plan``)
        :param date: the day to compute for (default: the company's local date, whoever
            runs it: the cron's system user has a time zone of its own)
        :return: False when there was nothing to recompute (a same-day rerun with
            nothing new), True otherwise
        """
        today = date or self.env.company._lease_today()
        if contract_ids is not None and not contract_ids:
            return False
        # A system computation: whoever registers the payment, the figures and cases follow.
        self = self.sudo()  # noqa: PLW0642
        self.env.flush_all()
        ids = list(contract_ids) if contract_ids is not None else None
        plan = None if ids is not None else self._daily_plan(today)
        if plan is not None and plan["idle"]:
            # Same day, nothing moved: what a full run would compute is what is stored.
            # Nothing is written (the record only moves on when invoices or payments
            # of no lease contract are newer than it).
            if plan["contracts"] is not None:
                self._record_run(today, plan)
            return False
        # PostgreSQL's JIT compiles these few large statements for longer than it saves
        # (2.4 of 5.3 s for the installments of 100k contracts, bench/README.md): off
        # for the engine, back to the previous value afterwards (a rollback restores it).
        jit = self.env.execute_query(
            SQL("SELECT current_setting('jit'), set_config('jit', 'off', TRUE)")
        )[0][0]
        if plan is None or plan["full"]:
            self._update_installments(today, ids)
            self._update_contracts(today, ids)
            self._update_working_days(today, ids)
            self._update_partners(ids)
            self._update_moves(ids)
            self.env.invalidate_all()
            self.env["lease.collection.case"]._sync_cases(today, ids)
            self._update_ratings(today, ids)
        else:
            self._run_changes(today, plan)
        if plan is not None:
            self._record_run(today, plan)
        self.env.cr.execute(SQL("SELECT set_config('jit', %s, TRUE)", jit))
        self.env.invalidate_all()
        return True

    def _update_ratings(self, today, ids, partner_ids=None):
        """The lessees' credit ratings follow the run (SPEC K1): the lessees of the
        contracts ``ids`` (None: every lessee) and the lessees ``partner_ids`` (the
        daily run: those whose rating may change with the date alone)."""
        self.env["res.partner"]._lease_update_credit_ratings(
            today, ids, partner_ids=partner_ids
        )
        return True

    # ------------------------------------------------------------------
    # The daily run, proportional to what changed (issue 10, item 1)
    # ------------------------------------------------------------------
    def _run_signature(self):
        """A digest of the configuration every figure depends on: tiers, amount bands,
        blacklist, the companies' calendars, public holidays and make-up working days.
        A change of any of them makes the next daily run a full one. One query on
        small tables."""
        return self.env.execute_query(
            SQL(
                """
            SELECT md5(concat_ws('|',
                (SELECT string_agg(concat_ws(',', id, active, days_min, days_max, severity),
                                   ';' ORDER BY id) FROM lease_overdue_tier),
                (SELECT string_agg(concat_ws(',', id, active, amount_min, amount_max, weight),
                                   ';' ORDER BY id) FROM lease_amount_band),
                (SELECT string_agg(concat_ws(',', id, active, partner_id, registration_number),
                                   ';' ORDER BY id) FROM lease_blacklist_entry),
                (SELECT string_agg(concat_ws(',', id, resource_calendar_id), ';' ORDER BY id)
                   FROM res_company),
                (SELECT string_agg(concat_ws(',', id, calendar_id, resource_id, date_from,
                                             date_to), ';' ORDER BY id)
                   FROM resource_calendar_leaves),
                (SELECT string_agg(concat_ws(',', id, calendar_id, date), ';' ORDER BY id)
                   FROM lease_calendar_workday)))
            """
            )
        )[0][0]

    def _daily_plan(self, today):
        """What the daily run has to recompute, from the company's record of the last
        run (res.company ``lease_overdue_run_*``): None of it, or a new configuration,
        or an earlier day: everything (``full``). Else the contracts whose invoices or
        payments are newer than the run (their ids above its watermarks), the contracts
        created or activated since, and, when the day changed, every open installment
        (days and penalty move with the date). Nothing new on the same day: ``idle``.

        What the watermarks cannot see (an unreconciled payment deletes its partial
        row, an invoice cancelled or reset, an amendment, a vendor advance) is
        recomputed at once by the targeted runs of those hooks (``_run(contract_ids)``).
        """
        company = self.env.company
        last = self.env.execute_query(
            SQL(
                """
            SELECT lease_overdue_run_date, lease_overdue_run_partial,
                   lease_overdue_run_move, lease_overdue_run_contract,
                   lease_overdue_run_signature,
                   (SELECT COALESCE(MAX(id), 0) FROM account_partial_reconcile),
                   (SELECT COALESCE(MAX(id), 0) FROM account_move),
                   (SELECT COALESCE(MAX(id), 0) FROM lease_contract)
              FROM res_company WHERE id = %s
            """,
                company.id,
            )
        )[0]
        (
            last_date,
            partial,
            move,
            contract,
            signature,
            max_partial,
            max_move,
            max_contract,
        ) = last
        plan = {
            "company": company.id,
            "last_date": last_date,
            "partial": max_partial,
            "move": max_move,
            "contract": max_contract,
            "signature": self._run_signature(),
            "full": False,
            "idle": False,
            "contracts": set(),
        }
        if not last_date or last_date > today or signature != plan["signature"]:
            plan["full"] = True
            return plan
        new_day = today != last_date
        # a deletion lowers a maximum: never below what was seen
        plan["partial"] = max(max_partial, partial or 0)
        plan["move"] = max(max_move, move or 0)
        plan["contract"] = max(max_contract, contract or 0)
        if not new_day and (plan["partial"], plan["move"], plan["contract"]) == (
            partial,
            move,
            contract,
        ):
            plan["idle"] = True
            plan["contracts"] = None  # nothing newer: no record to move on
            return plan
        touched = self.env.execute_query(
            SQL(
                """
            WITH moves AS (
                SELECT m.id FROM account_move m
                 WHERE m.id > %(move)s AND m.lease_contract_id IS NOT NULL
                 UNION
                SELECT l.move_id
                  FROM account_partial_reconcile p
                  JOIN account_move_line l ON l.id IN (p.debit_move_id, p.credit_move_id)
                 WHERE p.id > %(partial)s
            )
            SELECT i.id, i.contract_id
              FROM moves mv
              JOIN account_move m ON m.id = mv.id AND m.lease_contract_id IS NOT NULL
              JOIN lease_installment i
                ON i.id IN (m.lease_installment_id, m.lease_due_installment_id)
             WHERE i.move_id IS NOT NULL
             UNION
            SELECT NULL, c.id FROM lease_contract c
             WHERE c.id > %(contract)s
                OR (c.state = 'active' AND c.date_activated >= %(last)s
                    AND c.date_activated <= %(today)s)
            """,
                move=move,
                partial=partial,
                contract=contract,
                last=last_date,
                today=today,
            )
        )
        plan["installments"] = sorted({row[0] for row in touched if row[0]})
        plan["contracts"] = {row[1] for row in touched}
        if len(plan["installments"]) > DAILY_FULL_ABOVE:
            # a bulk import: the open installments (a full run) cost less than the
            # invoiced installments of the whole import one by one
            plan["full"] = True
            return plan
        # new invoices or payments of no lease contract: nothing to recompute
        plan["idle"] = not new_day and not plan["contracts"]
        return plan

    def _record_run(self, today, plan):
        self.env.cr.execute(
            SQL(
                """
            UPDATE res_company
               SET lease_overdue_run_date = %s, lease_overdue_run_partial = %s,
                   lease_overdue_run_move = %s, lease_overdue_run_contract = %s,
                   lease_overdue_run_signature = %s
             WHERE id = %s
            """,
                today,
                plan["partial"],
                plan["move"],
                plan["contract"],
                plan["signature"],
                plan["company"],
            )
        )
        self.env["res.company"].browse(plan["company"]).invalidate_recordset(
            [
                "lease_overdue_run_date",
                "lease_overdue_run_partial",
                "lease_overdue_run_move",
                "lease_overdue_run_contract",
                "lease_overdue_run_signature",
            ]
        )

    def _run_changes(self, today, plan):
        """The daily run from what changed: the ids each step changed are the scope of
        the next one (installments -> contracts -> lessees, invoices -> cases ->
        ratings); a fixed number of queries, whatever the size of the portfolio."""
        new_day = today != plan["last_date"]
        moved = sorted(plan["contracts"])
        # installments: the open ones when the day changed (days and penalty grow),
        # and those whose invoices or payments are newer than the last run
        changed = self._update_installments(
            today, None, open_too=new_day, installment_ids=plan["installments"]
        )
        installment_ids = sorted(
            {row[0] for row in changed} | set(plan["installments"])
        )
        scope = set(moved) | {row[1] for row in changed}
        if new_day:
            scope |= self._month_contracts(today, plan["last_date"])
        scope = sorted(scope)
        contracts = set(self._update_contracts(today, scope)) | set(moved)
        # working days advance with the date for every overdue contract
        working = set(contracts)
        if new_day:
            working |= {
                row[0]
                for row in self.env.execute_query(
                    SQL("SELECT id FROM lease_contract WHERE days_overdue > 0")
                )
            }
        self._update_working_days(today, sorted(working))
        contracts = sorted(contracts)
        self._update_partners(contracts)
        self._update_moves([], installment_ids=installment_ids)
        self.env.invalidate_all()
        self.env["lease.collection.case"]._sync_cases(today, contracts)
        partners = None
        if new_day:
            partners = self._rating_partners(today, plan["last_date"])
        self._update_ratings(today, scope, partner_ids=partners)

    def _month_contracts(self, today, last_date):
        """Contracts whose 'overdue in each of the last two months' may change with the
        month (``_update_contracts``): those flagged now, and those with an installment
        overdue or paid late that fell due two months before the new month."""
        month_start = today.replace(day=1)
        if month_start == last_date.replace(day=1):
            return set()
        last_month = month_start - relativedelta(months=1)
        two_months = month_start - relativedelta(months=2)
        return {
            row[0]
            for row in self.env.execute_query(
                SQL(
                    """
            SELECT id FROM lease_contract WHERE overdue_last_two_months
             UNION
            SELECT contract_id FROM lease_installment
             WHERE date_due >= %s AND date_due < %s AND (days_overdue > 0 OR days_late > 0)
            """,
                    two_months,
                    last_month,
                )
            )
        }

    def _rating_partners(self, today, last_date):
        """Lessees whose credit rating may change with the date alone (SPEC K1): their
        rating turned 12 months old, or an installment overdue or paid late left the
        12-month window, since the last run."""
        since = today - relativedelta(months=12)
        last_since = last_date - relativedelta(months=12)
        return [
            row[0]
            for row in self.env.execute_query(
                SQL(
                    """
            SELECT id FROM res_partner
             WHERE credit_rating_date > %(last)s AND credit_rating_date <= %(since)s
             UNION
            SELECT COALESCE(p.commercial_partner_id, p.id)
              FROM lease_installment i
              JOIN res_partner p ON p.id = i.partner_id
             WHERE i.date_due > %(last)s AND i.date_due <= %(since)s
               AND (i.days_overdue > 0 OR i.days_late > 0)
            """,
                    last=last_since,
                    since=since,
                )
            )
        ]

    # ------------------------------------------------------------------
    def _scope(self, alias, ids, column="contract_id"):
        if ids is None:
            return SQL("TRUE")
        return SQL("%s = ANY(%s)", SQL.identifier(alias, column), ids)

    def _tier_join(self, days, alias="t"):
        """LEFT JOIN LATERAL on the active tier containing ``days`` (none for 0).

        Tiers do not overlap (lease.overdue.tier._check_days): at most one matches. A
        LATERAL ... LIMIT 1 keeps the planner's row estimate right: the tier table is
        too small for autovacuum to ever analyze it, and a plain join on its default
        estimate multiplies the rows by about 300 and picks full-table hash joins.
        """
        return SQL(
            """
            LEFT JOIN LATERAL (
                SELECT t.id, t.severity FROM lease_overdue_tier t
                 WHERE t.active AND %(days)s > 0 AND %(days)s >= t.days_min
                   AND (COALESCE(t.days_max, 0) = 0 OR %(days)s <= t.days_max)
                 ORDER BY t.days_min LIMIT 1
            ) %(alias)s ON TRUE
            """,
            days=SQL(days),
            alias=SQL.identifier(alias),
        )

    def _update_installments(self, today, ids, open_too=False, installment_ids=None):
        """Returns the (id, contract id) of the installments it changed."""
        # Daily: only open installments. Targeted: every invoiced one of the contracts,
        # so that an unreconciled payment reopens a paid installment. The daily run
        # from what changed: ``installment_ids``, and the open ones on a new day
        # (``open_too``).
        if installment_ids is not None:
            scope = SQL("i.move_id IS NOT NULL AND i.id = ANY(%s)", installment_ids)
            if open_too:
                scope = SQL("(i.state IN ('invoiced', 'overdue') OR %s)", scope)
        elif ids is None:
            scope = SQL("i.state IN ('invoiced', 'overdue')")
        else:
            scope = SQL("i.move_id IS NOT NULL AND i.contract_id = ANY(%s)", ids)
        self.env.cr.execute(
            SQL(
                """
            WITH scope AS (
                SELECT i.id, i.date_due, i.amount_rent, i.move_id, c.penalty_rate, c.vendor_id
                  FROM lease_installment i
                  JOIN lease_contract c ON c.id = i.contract_id
                 WHERE %(scope)s
            ),
            rent_pay AS (
                -- Two definitions of a lessee payment, each for its purpose:
                -- ``lessee``: what settles the rent (amount_paid, residual, penalty):
                -- every payment but the vendor advance moves (SPEC C4);
                -- ``kpi``: the KPI's (lease_kpi_report.PAYMENTS_SQL, SPEC W2): on a
                -- posted rent invoice, no credit note, not paid by the contract's
                -- vendor. Stored as kpi_paid_on_time / kpi_paid_month_end so the KPI
                -- pivot and dashboard read them without joining the payments.
                SELECT s.id, s.date_due, cl.date, p.debit_amount_currency AS amount,
                       NOT EXISTS (SELECT 1 FROM lease_vendor_advance va
                                    WHERE va.move_id = cl.move_id) AS lessee,
                       (m.state = 'posted' AND m.lease_move_kind = 'rent'
                        AND cm.move_type NOT IN ('out_refund', 'in_refund')
                        AND (s.vendor_id IS NULL
                             OR cl.partner_id IS DISTINCT FROM s.vendor_id)) AS kpi
                  FROM scope s
                  JOIN account_move m ON m.id = s.move_id
                  JOIN account_move_line dl
                    ON dl.move_id = s.move_id AND dl.display_type = 'payment_term'
                  JOIN account_partial_reconcile p ON p.debit_move_id = dl.id
                  JOIN account_move_line cl ON cl.id = p.credit_move_id
                  JOIN account_move cm ON cm.id = cl.move_id
            ),
            rent AS (
                SELECT rp.id,
                       SUM(rp.amount) FILTER (WHERE rp.lessee) AS paid,
                       SUM(CASE WHEN rp.date > rp.date_due
                                THEN rp.amount * (rp.date - rp.date_due)
                                ELSE 0 END) FILTER (WHERE rp.lessee) AS late_w,
                       MAX(rp.date) FILTER (WHERE rp.lessee) AS last_date,
                       SUM(rp.amount) FILTER (WHERE rp.kpi AND rp.date <= rp.date_due)
                           AS kpi_on_time,
                       SUM(rp.amount) FILTER (
                           WHERE rp.kpi AND rp.date < (date_trunc('month', rp.date_due)
                                                       + interval '1 month')::date)
                           AS kpi_month_end
                  FROM rent_pay rp
                 GROUP BY rp.id
            ),
            pen AS (
                SELECT s.id,
                       SUM(m.amount_total) AS invoiced,
                       SUM(m.amount_total - m.amount_residual) AS paid
                  FROM scope s
                  JOIN account_move m
                    ON m.lease_installment_id = s.id AND m.lease_move_kind = 'penalty'
                   AND m.state = 'posted'
                 GROUP BY s.id
            ),
            carry AS (
                SELECT s.id,
                       SUM(m.amount_total) AS billed,
                       SUM(m.amount_residual) AS unpaid
                  FROM scope s
                  JOIN account_move m
                    ON m.lease_due_installment_id = s.id
                   AND m.lease_move_kind = 'penalty' AND m.state = 'posted'
                 GROUP BY s.id
            ),
            carry_date AS (
                SELECT s.id, MAX(cl.date) AS last_date
                  FROM scope s
                  JOIN account_move m
                    ON m.lease_due_installment_id = s.id
                   AND m.lease_move_kind = 'penalty' AND m.state = 'posted'
                  JOIN account_move_line dl
                    ON dl.move_id = m.id AND dl.display_type = 'payment_term'
                  JOIN account_partial_reconcile p ON p.debit_move_id = dl.id
                  JOIN account_move_line cl ON cl.id = p.credit_move_id
                 GROUP BY s.id
            ),
            calc AS (
                SELECT s.id, s.date_due,
                       COALESCE(r.paid, 0) AS paid,
                       GREATEST(s.amount_rent - COALESCE(r.paid, 0), 0) AS residual,
                       COALESCE(r.late_w, 0) AS late_w,
                       r.last_date,
                       COALESCE(r.kpi_on_time, 0) AS kpi_on_time,
                       COALESCE(r.kpi_month_end, 0) AS kpi_month_end,
                       ROUND((s.penalty_rate * (
                           GREATEST(s.amount_rent - COALESCE(r.paid, 0), 0)
                             * GREATEST(%(today)s::date - s.date_due, 0)
                           + COALESCE(r.late_w, 0)))::numeric, 2) AS accrued,
                       COALESCE(pe.invoiced, 0) AS pen_invoiced,
                       COALESCE(pe.paid, 0) AS pen_paid,
                       COALESCE(ca.billed, 0) AS carried,
                       COALESCE(ca.unpaid, 0) AS carried_due,
                       cd.last_date AS carried_last_date,
                       m.state AS move_state
                  FROM scope s
                  JOIN account_move m ON m.id = s.move_id
                  LEFT JOIN rent r ON r.id = s.id
                  LEFT JOIN pen pe ON pe.id = s.id
                  LEFT JOIN carry ca ON ca.id = s.id
                  LEFT JOIN carry_date cd ON cd.id = s.id
            ),
            res AS (
                -- D9 L169: settled when the rent and the penalty billed to fall due
                -- with it are paid; the installment's own penalty falls due later.
                SELECT c.*,
                       GREATEST(c.accrued - c.pen_paid, 0) AS pen_due,
                       (c.move_state = 'posted' AND c.residual <= 0.005
                        AND c.carried_due <= 0.005) AS settled
                  FROM calc c
            ),
            fin AS (
                SELECT r.*,
                       CASE WHEN r.settled
                            THEN GREATEST(r.last_date, r.carried_last_date, r.date_due - 1)
                       END AS settled_on
                  FROM res r
            ),
            out AS (
                SELECT f.*,
                       CASE WHEN f.settled OR %(today)s::date <= f.date_due THEN 0
                            ELSE %(today)s::date - f.date_due END AS days,
                       CASE WHEN f.settled THEN GREATEST(f.settled_on - f.date_due, 0)
                            ELSE 0 END AS late
                  FROM fin f
            ),
            new AS (
                SELECT o.*, t.id AS tier_id,
                       CASE WHEN o.move_state != 'posted' THEN 'invoiced'
                            WHEN o.settled THEN 'paid'
                            WHEN o.days > 0 THEN 'overdue'
                            ELSE 'invoiced' END AS state
                  FROM out o
                  %(tier)s
            )
            UPDATE lease_installment i
               SET amount_paid = n.paid,
                   amount_residual = n.residual,
                   late_amount_days = n.late_w,
                   date_last_payment = n.last_date,
                   penalty_accrued = n.accrued,
                   penalty_invoiced = n.pen_invoiced,
                   penalty_paid = n.pen_paid,
                   penalty_due = n.pen_due,
                   penalty_carried = n.carried,
                   penalty_carried_due = n.carried_due,
                   amount_overdue = CASE WHEN n.days > 0
                                         THEN n.residual + n.carried_due ELSE 0 END,
                   date_settled = n.settled_on,
                   days_overdue = n.days,
                   days_late = n.late,
                   tier_id = n.tier_id,
                   state = n.state,
                   kpi_paid_on_time = n.kpi_on_time,
                   kpi_paid_month_end = n.kpi_month_end
              FROM new n
             WHERE i.id = n.id
               AND (i.amount_paid, i.amount_residual, i.late_amount_days,
                    i.date_last_payment, i.penalty_accrued, i.penalty_invoiced,
                    i.penalty_paid, i.penalty_due, i.penalty_carried,
                    i.penalty_carried_due, i.amount_overdue, i.date_settled,
                    i.days_overdue, i.days_late, i.tier_id, i.state,
                    i.kpi_paid_on_time, i.kpi_paid_month_end)
                   IS DISTINCT FROM
                   (n.paid, n.residual, n.late_w::float8, n.last_date, n.accrued,
                    n.pen_invoiced, n.pen_paid, n.pen_due, n.carried, n.carried_due,
                    (CASE WHEN n.days > 0 THEN n.residual + n.carried_due ELSE 0 END),
                    n.settled_on, n.days, n.late, n.tier_id, n.state,
                    n.kpi_on_time, n.kpi_month_end)
            RETURNING i.id, i.contract_id
            """,
                scope=scope,
                today=today,
                tier=self._tier_join("o.days"),
            )
        )
        return self.env.cr.fetchall()

    def _update_contracts(self, today, ids):
        """Returns the ids of the contracts it changed."""
        month_start = today.replace(day=1)
        last_month = month_start - relativedelta(months=1)
        two_months = month_start - relativedelta(months=2)
        self.env.cr.execute(
            SQL(
                """
            WITH agg AS (
                SELECT i.contract_id AS id,
                       COALESCE(MAX(i.days_overdue), 0) AS days,
                       COALESCE(SUM(i.amount_residual) FILTER (WHERE i.days_overdue > 0), 0)
                           AS amount,
                       COALESCE(SUM(i.penalty_due), 0) AS penalty,
                       COUNT(*) FILTER (WHERE i.days_overdue > 0 OR i.days_late > 0) AS cnt,
                       COALESCE(SUM(i.days_overdue + i.days_late), 0) AS total_days,
                       BOOL_OR((i.days_overdue > 0 OR i.days_late > 0)
                               AND i.date_due >= %(m1)s AND i.date_due < %(m0)s) AS in_m1,
                       BOOL_OR((i.days_overdue > 0 OR i.days_late > 0)
                               AND i.date_due >= %(m2)s AND i.date_due < %(m1)s) AS in_m2
                  FROM lease_installment i
                  JOIN lease_contract c ON c.id = i.contract_id
                 WHERE c.state IN ('active', 'terminated', 'closed') AND %(scope)s
                 GROUP BY i.contract_id
            ),
            graded AS (
                SELECT a.*, t.id AS tier, t.severity, b.id AS band, b.weight
                  FROM agg a
                  %(tier)s
                  LEFT JOIN LATERAL (
                        SELECT id, weight FROM lease_amount_band
                         WHERE active AND a.days > 0 AND a.amount >= amount_min
                           AND (COALESCE(amount_max, 0) = 0 OR a.amount < amount_max)
                         ORDER BY amount_min DESC LIMIT 1) b ON TRUE
            )
            UPDATE lease_contract c
               SET days_overdue = g.days,
                   overdue_amount = g.amount,
                   penalty_amount = g.penalty,
                   overdue_count = g.cnt,
                   overdue_days_total = g.total_days,
                   overdue_last_two_months = COALESCE(g.in_m1 AND g.in_m2, FALSE),
                   tier_id = g.tier,
                   amount_band_id = g.band,
                   risk_grade = %(grade)s
              FROM graded g
             WHERE c.id = g.id
               AND (c.days_overdue, c.overdue_amount, c.penalty_amount, c.overdue_count,
                    c.overdue_days_total, c.overdue_last_two_months, c.tier_id,
                    c.amount_band_id, c.risk_grade)
                   IS DISTINCT FROM
                   (g.days, g.amount::numeric, g.penalty::numeric, g.cnt::int,
                    g.total_days::int, COALESCE(g.in_m1 AND g.in_m2, FALSE), g.tier, g.band,
                    (%(grade)s)::varchar)
            RETURNING c.id
            """,
                m0=month_start,
                m1=last_month,
                m2=two_months,
                tier=self._tier_join("a.days"),
                scope=self._scope("i", ids),
                grade=SQL(GRADE_SQL, score=SQL("(g.severity + COALESCE(g.weight, 0))")),
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    def _update_working_days(self, today, ids):
        """Working days overdue on the company calendar with public holidays (SPEC O5)."""
        # Two single-table queries, not a join: the planner's statistics predate the
        # days_overdue this run has just written, and it joined each contract to a
        # scan of all the portfolio's overdue installments (40 s for 100k contracts).
        first_due = dict(
            self.env.execute_query(
                SQL(
                    """
            SELECT i.contract_id, MIN(i.date_due) FROM lease_installment i
             WHERE i.days_overdue > 0 AND %(scope)s
             GROUP BY i.contract_id
            """,
                    scope=self._scope("i", ids),
                )
            )
        )
        contracts = self.env.execute_query(
            SQL(
                "SELECT c.id, c.company_id FROM lease_contract c"
                " WHERE c.days_overdue > 0 AND %s",
                self._scope("c", ids, column="id"),
            )
        )
        rows = [
            (contract_id, company_id, first_due[contract_id])
            for contract_id, company_id in contracts
            if contract_id in first_due
        ]
        values = []
        by_company = {}
        for contract_id, company_id, date_due in rows:
            by_company.setdefault(company_id, []).append((contract_id, date_due))
        for company_id, items in by_company.items():
            company = self.env["res.company"].browse(company_id)
            start = min(date_due for _, date_due in items)
            days = self._working_days(company, start + timedelta(days=1), today)
            for contract_id, date_due in items:
                count = len(days) - bisect.bisect_right(days, date_due)
                values.append(SQL("(%s, %s)", contract_id, count))
        self.env.cr.execute(
            SQL(
                """
            UPDATE lease_contract c SET working_days_overdue = 0
             WHERE c.working_days_overdue != 0 AND c.days_overdue = 0 AND %(scope)s
            """,
                scope=self._scope("c", ids, column="id"),
            )
        )
        if values:
            self.env.cr.execute(
                SQL(
                    """
                UPDATE lease_contract c SET working_days_overdue = v.n
                  FROM (VALUES %s) AS v(id, n)
                 WHERE c.id = v.id AND c.working_days_overdue IS DISTINCT FROM v.n
                """,
                    SQL(", ").join(values),
                )
            )

    @api.model
    def _working_days(self, company, date_from, date_to):
        """Sorted list of the company's working days in [date_from, date_to] (SPEC O5):
        its working calendar read through Odoo's calendar API in the calendar's own time
        zone, public holidays removed, make-up working days (调休) added. One calendar
        computation per company and call, whatever the number of contracts."""
        if date_to < date_from:
            return []
        calendar = company.sudo().resource_calendar_id
        return sorted(calendar._lease_working_dates(date_from, date_to, company))

    @api.model
    def _add_working_days(self, company, date_from, count):
        """The day that is ``count`` working days after ``date_from`` (negative: before)."""
        step = 1 if count >= 0 else -1
        span = timedelta(days=abs(count) * 3 + 30)
        if step > 0:
            days = self._working_days(
                company, date_from + timedelta(days=1), date_from + span
            )
            return days[count - 1] if count else date_from
        days = self._working_days(
            company, date_from - span, date_from - timedelta(days=1)
        )
        return days[count] if count else date_from

    def _update_partners(self, ids):
        if ids is None:
            scope = SQL("TRUE")
        else:
            scope = SQL(
                "p.id IN (SELECT COALESCE(pp.commercial_partner_id, pp.id) FROM lease_contract c"
                " JOIN res_partner pp ON pp.id = c.partner_id WHERE c.id = ANY(%s))",
                ids,
            )
        self.env.cr.execute(
            SQL(
                """
            WITH agg AS (
                SELECT p.id,
                       COALESCE(MAX(c.days_overdue), 0) AS days,
                       COALESCE(SUM(c.overdue_amount), 0) AS amount,
                       COALESCE(SUM(c.penalty_amount), 0) AS penalty,
                       COALESCE(SUM(c.overdue_count), 0) AS cnt,
                       COALESCE(SUM(c.overdue_days_total), 0) AS total_days,
                       COALESCE(BOOL_OR(c.overdue_last_two_months), FALSE) AS two_months
                  FROM res_partner p
                  LEFT JOIN res_partner cp ON cp.commercial_partner_id = p.id
                  LEFT JOIN lease_contract c
                    ON c.partner_id = cp.id AND c.state IN ('active', 'terminated', 'closed')
                 WHERE p.id = p.commercial_partner_id AND %(scope)s
                 GROUP BY p.id
                HAVING COUNT(c.id) > 0
            ),
            graded AS (
                SELECT a.*, t.id AS tier
                  FROM agg a
                  %(tier)s
            )
            UPDATE res_partner p
               SET lease_days_overdue = g.days,
                   lease_overdue_amount = g.amount,
                   lease_penalty_amount = g.penalty,
                   lease_overdue_count = g.cnt,
                   lease_overdue_days_total = g.total_days,
                   lease_overdue_last_two_months = g.two_months,
                   lease_tier_id = g.tier,
                   lease_is_key_watch = g.cnt > 3
              FROM graded g
             WHERE p.id = g.id
               AND (p.lease_days_overdue, p.lease_overdue_amount, p.lease_penalty_amount,
                    p.lease_overdue_count, p.lease_overdue_days_total,
                    p.lease_overdue_last_two_months, p.lease_tier_id, p.lease_is_key_watch)
                   IS DISTINCT FROM
                   (g.days, g.amount::numeric, g.penalty::numeric, g.cnt::int,
                    g.total_days::int, g.two_months, g.tier, g.cnt > 3)
            """,
                scope=scope,
                tier=self._tier_join("a.days"),
            )
        )

    def _update_moves(self, ids, installment_ids=None):
        """Days and tier of the invoices of the contracts ``ids`` (None: all) and of
        the installments ``installment_ids``."""
        scope = self._scope("i", ids)
        if installment_ids is not None:
            scope = SQL(
                "(%s OR i.id = ANY(%s))", self._scope("i", ids or []), installment_ids
            )
        self.env.cr.execute(
            SQL(
                """
            UPDATE account_move m
               SET lease_days_overdue = i.days_overdue, lease_tier_id = i.tier_id
              FROM lease_installment i
             WHERE m.lease_installment_id = i.id AND %(scope)s
               AND (m.lease_days_overdue, m.lease_tier_id)
                   IS DISTINCT FROM (i.days_overdue, i.tier_id)
            """,
                scope=scope,
            )
        )
