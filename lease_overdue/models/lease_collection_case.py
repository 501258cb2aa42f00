from datetime import date

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .lease_escalation_rule import PRIORITY_SQL


class LeaseCollectionCase(models.Model):
    """One overdue episode of a contract (逾期案件, SPEC O7): from its first overdue day
    until the contract is paid up; every tier change is kept with its date."""

    _name = "lease.collection.case"
    _description = "Collection Case"
    _inherit = ["lease.guard.mixin", "mail.thread", "mail.activity.mixin"]
    # Opened, moved and closed by the overdue engine; stopped or paused only by an
    # approved vendor objection or deferral (SPEC O7, E10, E11, issue "Integrity").
    _lease_guarded_fields = (
        "name",
        "contract_id",
        "state",
        "date_start",
        "date_end",
        "close_reason",
        "occurrence",
        "tier_id",
        "max_tier_id",
        "tier_history_ids",
        "vendor_objection",
        "deferral_until",
        "date_documents_checked",
        "missing_documents",
        "date_reopened",
        "reopened_by_id",
        "reopen_reason",
        "reopen_held",
        "date_invoiced_at_close",
        "escalation_first_day",
        "escalation_catchup",
        "date_catchup",
    )
    # A case is the record of an overdue episode: never deleted.
    _lease_unlink_states = ()
    _order = "state desc, days_overdue desc, overdue_count desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, readonly=True, default="/", copy=False)
    contract_id = fields.Many2one(
        "lease.contract",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    partner_id = fields.Many2one(
        related="contract_id.partner_id", store=True, index=True, string="Lessee"
    )
    company_id = fields.Many2one(
        related="contract_id.company_id", store=True, index=True
    )
    currency_id = fields.Many2one(related="contract_id.currency_id")
    collector_id = fields.Many2one(
        related="contract_id.collector_id", store=True, index=True
    )
    account_manager_id = fields.Many2one(
        related="contract_id.account_manager_id", store=True, index=True
    )
    state = fields.Selection(
        [("open", "Open"), ("closed", "Case Closed")],
        default="open",
        required=True,
        readonly=True,
        index=True,
        tracking=True,
    )
    date_start = fields.Date("First Overdue Day", required=True, readonly=True)
    date_end = fields.Date("Closed On", readonly=True)
    close_reason = fields.Char(readonly=True)
    occurrence = fields.Integer(
        readonly=True,
        help="1 for the lessee's first overdue episode, 2 for the second...",
    )
    tier_id = fields.Many2one(
        "lease.overdue.tier", "Current Tier", readonly=True, tracking=True, index=True
    )
    max_tier_id = fields.Many2one("lease.overdue.tier", "Highest Tier", readonly=True)
    tier_history_ids = fields.One2many(
        "lease.case.tier.history", "case_id", "Tier History", readonly=True
    )
    days_overdue = fields.Integer(related="contract_id.days_overdue", store=True)
    overdue_count = fields.Integer(related="contract_id.overdue_count")
    overdue_days_total = fields.Integer(related="contract_id.overdue_days_total")
    overdue_amount = fields.Monetary(related="contract_id.overdue_amount")
    penalty_amount = fields.Monetary(related="contract_id.penalty_amount")
    risk_grade = fields.Selection(related="contract_id.risk_grade")
    duration_days = fields.Integer("Handling Days", compute="_compute_duration_days")
    # Exceptions that stop or pause escalation (set by the approval workflow).
    vendor_objection = fields.Boolean(
        readonly=True,
        tracking=True,
        help="The vendor, who gave a buy-back guarantee, objected in writing. Only the "
        "actions the responsible head decided to stop are stopped (D9 L193, L198, SPEC E10).",
    )
    deferral_until = fields.Date(
        "Disposal Deferred Until",
        readonly=True,
        tracking=True,
        help="An approved disposal deferral pauses disposal until this day (SPEC E11).",
    )

    _one_open_case = models.UniqueIndex(
        "(contract_id) WHERE state = 'open'",
        "A contract has one open collection case at most.",
    )

    @api.depends("date_start", "date_end")
    def _compute_duration_days(self):
        today = self.env.company._lease_today()
        for case in self:
            end = case.date_end or today
            case.duration_days = (
                (end - case.date_start).days + 1 if case.date_start else 0
            )

    @api.model_create_multi
    def create(self, vals_list):
        # The daily run opens thousands of cases at once: numbers drawn together.
        self.env["ir.sequence"]._lease_name_new("lease.collection.case", vals_list)
        return super().create(vals_list)

    # ------------------------------------------------------------------
    @api.model
    def _sync_cases(self, today, ids):
        """Open, move and close cases after a recomputation, set-based (SPEC O7)."""
        scope = SQL("TRUE") if ids is None else SQL("c.id = ANY(%s)", ids)
        # days_overdue is stored, related to the contract's, which the engine writes in
        # SQL: the ORM does not see that change, so the cases follow here.
        self.env.cr.execute(
            SQL(
                """
            UPDATE lease_collection_case k
               SET days_overdue = c.days_overdue
              FROM lease_contract c
             WHERE k.contract_id = c.id AND %(scope)s
               AND k.days_overdue IS DISTINCT FROM c.days_overdue
            """,
                scope=scope,
            )
        )
        rows = self.env.execute_query(
            SQL(
                """
            SELECT c.id, c.days_overdue, c.tier_id, k.id, k.tier_id
              FROM lease_contract c
              LEFT JOIN lease_collection_case k ON k.contract_id = c.id AND k.state = 'open'
             WHERE %(scope)s
               AND ((c.days_overdue > 0 AND (k.id IS NULL OR k.tier_id IS DISTINCT FROM c.tier_id))
                    OR (c.days_overdue = 0 AND k.id IS NOT NULL
                        -- a case a person reopened stays open until the lessee pays
                        -- again on a later day (issue 9, item 4)
                        AND NOT (k.reopen_held IS TRUE AND COALESCE(
                            (SELECT MAX(i.date_last_payment) FROM lease_installment i
                              WHERE i.contract_id = c.id), k.date_reopened
                        ) <= k.date_reopened)))
            """,
                scope=scope,
            )
        )
        # The first overdue due date of the contracts that open a case, in one query on
        # the installments alone: a subquery per contract scanned every overdue
        # installment of the portfolio each time (44 s for 10k new cases at 100k
        # contracts, bench/README.md). Oldest episode first: two contracts of a lessee
        # going overdue the same day are numbered (occurrence) in the order their
        # episodes started.
        opening = [row[0] for row in rows if row[1] and not row[3]]
        first_due = {}
        if opening:
            first_due = dict(
                self.env.execute_query(
                    SQL(
                        """
                SELECT contract_id, MIN(date_due) FROM lease_installment
                 WHERE days_overdue > 0 AND contract_id = ANY(%s)
                 GROUP BY contract_id
                """,
                        opening,
                    )
                )
            )
        rows = sorted(
            ((*row, first_due.get(row[0])) for row in rows),
            key=lambda row: (row[5] or date.max, row[0]),
        )
        if not rows:
            return self.browse()
        to_close = self.browse([r[3] for r in rows if r[1] == 0])
        reopening = self._lease_cases_to_reopen(
            [r[0] for r in rows if r[1] and not r[3]]
        )
        new_vals = []
        moved = {}
        for contract_id, days, tier_id, case_id, _case_tier_id, first_due in rows:
            if days and not case_id and contract_id in reopening:
                moved.setdefault(tier_id, []).append(reopening[contract_id].id)
            elif days and not case_id:
                new_vals.append(
                    {
                        "contract_id": contract_id,
                        "date_start": (first_due and fields.Date.add(first_due, days=1))
                        or today,
                        "tier_id": tier_id,
                        "max_tier_id": tier_id,
                    }
                )
            elif days:
                moved.setdefault(tier_id, []).append(case_id)
        quiet = self.with_context(tracking_disable=True, mail_create_nolog=True)
        history = []
        if to_close:
            # The reason in the company's language (issue 11 item 3).
            for env, cases in self.env["res.company"]._lease_split(to_close).items():
                cases.write(
                    {
                        "state": "closed",
                        "date_end": today,
                        "close_reason": env._("Paid in full"),
                        "reopen_held": False,
                    }
                )
        if to_close:
            # what the payment settled: the rent invoiced when the case closed
            self.env.flush_all()
            self.env.cr.execute(
                SQL(
                    """
                UPDATE lease_collection_case k SET date_invoiced_at_close = i.due
                  FROM (SELECT contract_id, MAX(date_due) AS due FROM lease_installment
                         WHERE move_id IS NOT NULL AND contract_id = ANY(%s)
                         GROUP BY contract_id) i
                 WHERE k.id = ANY(%s) AND k.contract_id = i.contract_id
                """,
                    to_close.contract_id.ids,
                    to_close.ids,
                )
            )
        reopened = self.browse([case.id for case in reopening.values()])
        if reopened:
            reopened._lease_reopen_by_system(today)
            history += [
                {"case_id": case.id, "tier_id": False, "date": today}
                for case in to_close
            ]
        new_cases = self.browse()
        if new_vals:
            contracts = self.env["lease.contract"].browse(
                [v["contract_id"] for v in new_vals]
            )
            previous = dict(
                self._read_group(
                    [("partner_id", "in", contracts.partner_id.ids)],
                    ["partner_id"],
                    ["__count"],
                )
            )
            seen = {}
            for vals, contract in zip(new_vals, contracts):
                partner = contract.partner_id
                seen[partner] = seen.get(partner, previous.get(partner, 0)) + 1
                vals["occurrence"] = seen[partner]
            new_cases = quiet.create(new_vals)
            history += [
                {"case_id": case.id, "tier_id": case.tier_id.id, "date": today}
                for case in new_cases
            ]
        for tier_id, case_ids in moved.items():
            cases = self.browse(case_ids)
            cases.write({"tier_id": tier_id})
            history += [
                {"case_id": case_id, "tier_id": tier_id, "date": today}
                for case_id in case_ids
            ]
            tier = self.env["lease.overdue.tier"].browse(tier_id)
            # one write for the cases reaching a new highest tier (a write per case
            # cost a query per case once the writes of cases are audited)
            raised = cases.filtered(
                lambda case, tier=tier: (
                    tier
                    and (
                        not case.max_tier_id
                        or tier.days_min > case.max_tier_id.days_min
                    )
                )
            )
            if raised:
                raised.write({"max_tier_id": tier.id})
        if history:
            self.env["lease.case.tier.history"].create(history)
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
            UPDATE lease_contract c
               SET current_case_id = k.id, occurrence = k.occurrence
              FROM lease_contract c2
              LEFT JOIN lease_collection_case k ON k.contract_id = c2.id AND k.state = 'open'
             WHERE c.id = c2.id AND c.id = ANY(%s)
            """,
                [r[0] for r in rows],
            )
        )
        self.env.invalidate_all()
        self._on_cases_changed(new_cases, to_close, moved)
        return new_cases

    def _lease_cases_to_reopen(self, contract_ids):
        """{contract id: its last closed case} for ``contract_ids`` (overdue again,
        without an open case) whose overdue rent was already invoiced when that case
        closed: the payment that closed it was reversed, the episode goes on (issue 9,
        item 4). Rent invoiced later is a new episode: a new case. One query."""
        if not contract_ids:
            return {}
        rows = self.env.execute_query(
            SQL(
                """
            SELECT DISTINCT ON (k.contract_id) k.contract_id, k.id,
                   EXISTS (
                    SELECT 1 FROM lease_installment i
                     WHERE i.contract_id = k.contract_id AND i.days_overdue > 0
                       AND i.date_due <= k.date_invoiced_at_close)
              FROM lease_collection_case k
             WHERE k.contract_id = ANY(%s) AND k.state = 'closed'
             ORDER BY k.contract_id, k.date_start DESC, k.id DESC
            """,
                list(contract_ids),
            )
        )
        return {
            contract_id: self.browse(case_id)
            for contract_id, case_id, reversed_ in rows
            if reversed_
        }

    def _on_cases_changed(self, opened, closed, moved):
        """The collection workflow after the overdue computation opened, closed or moved
        cases (``moved``: {tier id: case ids}), in this order: the tasks of closed cases
        are closed (E14), the priority of opened and moved cases refreshed (E13)."""
        if closed:
            closed._close_collection_tasks()
        moved_ids = [case_id for ids in moved.values() for case_id in ids]
        if opened or moved_ids:
            self._refresh_collection_priority(opened.ids + moved_ids)
        return True

    # The overdue engine moves and closes many cases a day: their tier and state changes
    # are tracked in one batch (SPEC E14).
    def _message_track(self, fields_iter, initial_values_dict):
        if len(self) < 2:  # a user's own edit: Odoo's tracking, untouched
            return super()._message_track(fields_iter, initial_values_dict)
        return self._lease_message_track_batch(fields_iter, initial_values_dict)

    # From a collection case: its customer file (F3) and its archived documents.
    archived_document_ids = fields.Many2many(
        "lease.document",
        string="Archived Documents",
        compute="_compute_archived_document_ids",
        help="Issued documents of the case with their archived PDF and its SHA-256 hash.",
    )

    def _compute_archived_document_ids(self):
        documents = self.env["lease.document"].search(
            [("case_id", "in", self.ids), ("content_hash", "!=", False)]
        )
        for case in self:
            case.archived_document_ids = documents.filtered(
                lambda d, case=case: d.case_id == case
            )

    def action_open_lease_customer_file(self):
        self.ensure_one()
        return self.partner_id.action_open_lease_customer_file()

    # ------------------------------------------------------------------
    # The collection workflow on the case: priority of its tasks (SPEC E13), contacts and
    # promises (F1, E15), and closing its tasks when it is paid up (E14).
    # ------------------------------------------------------------------
    collection_priority = fields.Float(
        readonly=True,
        index=True,
        default=0.0,
        help="Work-queue order: overdue count, then cumulative days overdue, then risk grade "
        "(D5 L91, SPEC E13).",
    )
    escalation_occurrence = fields.Integer(
        "Escalation Level",
        compute="_compute_escalation_occurrence",
        store=True,
        help="Occurrence of the overdue episode, one level up for each broken promise to "
        "pay, at most 3 (D8, SPEC E12, E15).",
    )
    record_ids = fields.One2many(
        "lease.collection.record", "case_id", "Collection Records"
    )
    promise_ids = fields.One2many("lease.payment.promise", "case_id", "Promises to Pay")
    escalation_log_ids = fields.One2many(
        "lease.escalation.log", "case_id", "Escalation Log"
    )
    record_count = fields.Integer(compute="_compute_collection_counts")
    promise_count = fields.Integer(compute="_compute_collection_counts")
    broken_promise_count = fields.Integer(
        compute="_compute_escalation_occurrence", store=True
    )

    @api.depends("occurrence", "promise_ids.state")
    def _compute_escalation_occurrence(self):
        for case in self:
            broken = len(case.promise_ids.filtered(lambda p: p.state == "broken"))
            case.broken_promise_count = broken
            case.escalation_occurrence = min((case.occurrence or 1) + broken, 3)

    def _compute_collection_counts(self):
        counts = {}
        for model, key in (
            ("lease.collection.record", "record_count"),
            ("lease.payment.promise", "promise_count"),
        ):
            groups = self.env[model]._read_group(
                [("case_id", "in", self.ids)], ["case_id"], ["__count"]
            )
            counts[key] = {case.id: count for case, count in groups}
        for case in self:
            case.record_count = counts["record_count"].get(case.id, 0)
            case.promise_count = counts["promise_count"].get(case.id, 0)

    # ------------------------------------------------------------------

    def _close_collection_tasks(self):
        """Paid in full: close the open tasks of these cases with the reason in their
        chatter, and count their open promises as kept (SPEC E14, E15)."""
        activities = (
            self.env["mail.activity"]
            .sudo()
            .search([("res_model", "=", self._name), ("res_id", "in", self.ids)])
        )
        if activities:
            by_case = activities.grouped("res_id")
            # Chatter lines and the ledger's reason in the company's language (issue
            # 11 item 3): one batch per language.
            for env, cases in self.env["res.company"]._lease_split(self.sudo()).items():
                bodies = {}
                items = activities.browse()
                for case in cases.filtered(lambda c: c.id in by_case):
                    tasks = by_case[case.id].with_env(env)
                    items |= tasks
                    lines = Markup("").join(
                        Markup("<li>%s</li>")
                        % escape(
                            f"{a.summary or a.activity_type_id.name} "
                            f"({a.user_id.name or '-'})"
                        )
                        for a in tasks
                    )
                    bodies[case.id] = Markup("<p>%s</p><ul>%s</ul>") % (
                        env._(
                            "Paid in full on %(date)s: these collection tasks are "
                            "closed.",
                            date=case.date_end,
                        ),
                        lines,
                    )
                if not bodies:
                    continue
                cases.browse(list(bodies))._message_log_batch(bodies=bodies)
                items._lease_close_tasks(
                    "closed",
                    reason=env._(
                        "Case closed: paid in full on %(date)s.",
                        date=cases[:1].date_end or env.company._lease_today(),
                    ),
                )
        promises = (
            self.env["lease.payment.promise"]
            .sudo()
            .search([("case_id", "in", self.ids), ("state", "=", "open")])
        )
        promises.write(
            {"state": "kept", "date_checked": self.env.company._lease_today()}
        )

    @api.model
    def _refresh_collection_priority(self, case_ids=None):
        """Case and task priorities from the contracts' counters, in two statements."""
        self.env.flush_all()
        scope = (
            SQL("TRUE") if case_ids is None else SQL("k.id = ANY(%s)", list(case_ids))
        )
        priority = SQL(PRIORITY_SQL, c=SQL.identifier("c"))
        self.env.cr.execute(
            SQL(
                """
            UPDATE lease_collection_case k
               SET collection_priority = %(priority)s
              FROM lease_contract c
             WHERE c.id = k.contract_id AND k.state = 'open' AND %(scope)s
               AND k.collection_priority IS DISTINCT FROM %(priority)s
            """,
                priority=priority,
                scope=scope,
            )
        )
        activity_scope = (
            SQL("TRUE")
            if case_ids is None
            else SQL("a.lease_case_id = ANY(%s)", list(case_ids))
        )
        self.env.cr.execute(
            SQL(
                """
            UPDATE mail_activity a
               SET lease_priority = %(priority)s
              FROM lease_contract c
             WHERE c.id = a.lease_contract_id AND a.active AND %(scope)s
               AND a.lease_priority IS DISTINCT FROM %(priority)s
            """,
                priority=priority,
                scope=activity_scope,
            )
        )
        self.env.invalidate_all()

    # ------------------------------------------------------------------
    # Escalation steps of this workflow
    # ------------------------------------------------------------------
    def _overdue_inspections(self):
        """{case id: the first overdue inspection planned since the case opened (or an
        empty recordset)}, in one search for all the cases."""
        inspections = (
            self.env["lease.asset.inspection"]
            .sudo()
            .search(
                [
                    ("contract_id", "in", self.contract_id.ids),
                    ("kind", "=", "overdue"),
                    ("state", "!=", "cancel"),
                ]
            )
        )
        by_contract = inspections.grouped("contract_id")
        return {
            case.id: by_contract.get(case.contract_id, inspections.browse()).filtered(
                lambda i, case=case: i.date_planned >= case.date_start
            )[:1]
            for case in self
        }

    def _escalation_plan_inspection(self):
        """Tier 2: asset management inspects the leased assets on site (D9 L180, SPEC E5):
        one overdue inspection per case, planned today for the collector. Returns the
        inspections created."""
        cases = self.sudo().filtered(lambda c: c.state == "open")
        if not cases:
            return self.env["lease.asset.inspection"]
        found = cases._overdue_inspections()
        today = self.env.company._lease_today()
        return (
            self.env["lease.asset.inspection"]
            .sudo()
            .create(
                [
                    {
                        "contract_id": case.contract_id.id,
                        "kind": "overdue",
                        "date_planned": today,
                        "case_id": case.id,
                        "inspector_id": (
                            case.collector_id or case.contract_id.risk_officer_id
                        ).id,
                    }
                    for case in cases
                    if not found[case.id]
                ]
            )
        )

    # ------------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------------
    def action_log_contact(self):
        """Log a contact with the lessee (SPEC F1)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Log Contact"),
            "res_model": "lease.collection.record",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_case_id": self.id,
                "default_contract_id": self.contract_id.id,
                "default_channel": self.env.context.get("default_channel", "phone"),
            },
        }

    def action_new_promise(self):
        """Record a promise to pay or a repayment agreement (SPEC E15)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Promise to Pay"),
            "res_model": "lease.payment.promise",
            "view_mode": "form",
            "target": "new",
            "context": {"default_case_id": self.id},
        }

    def action_view_records(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "lease_overdue.lease_collection_record_action"
        )
        action["domain"] = [("case_id", "=", self.id)]
        action["context"] = {"default_case_id": self.id}
        return action

    def action_view_promises(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "lease_overdue.lease_payment_promise_action"
        )
        action["domain"] = [("case_id", "=", self.id)]
        action["context"] = {"default_case_id": self.id}
        return action


class LeaseCaseTierHistory(models.Model):
    """Tier migration history (SPEC O7, W2): one row each time a case enters a tier."""

    _name = "lease.case.tier.history"
    _description = "Collection Case Tier History"
    _order = "date desc, id desc"

    case_id = fields.Many2one(
        "lease.collection.case", required=True, ondelete="cascade", index=True
    )
    contract_id = fields.Many2one(related="case_id.contract_id", store=True, index=True)
    tier_id = fields.Many2one("lease.overdue.tier", help="Empty when the case closed.")
    date = fields.Date(required=True, index=True)

    # A row is written once by the overdue engine (superuser mode, after its own
    # computation) and then kept as it is: the migration history is evidence (issue 8,
    # item 5). Nobody creates or edits rows by hand; nobody deletes them, not even the
    # configuration manager, an administrator or the superuser.
    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise UserError(
                self.env._(
                    "The tier history of a collection case is written by the overdue "
                    "computation only: it cannot be added by hand."
                )
            )
        return super().create(vals_list)

    def write(self, vals):
        if vals:
            raise UserError(
                self.env._(
                    "The tier history of a collection case is kept as it was "
                    "recorded: it cannot be changed."
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        if self:
            raise UserError(
                self.env._(
                    "The tier history of a collection case is kept as evidence: it "
                    "cannot be deleted, not even by an administrator."
                )
            )
