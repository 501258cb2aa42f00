from collections import defaultdict
from datetime import date

from markupsafe import Markup, escape

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain
from odoo.tools import SQL

from .lease_contract import PRIORITY_SQL
from .lease_document import OUTGOING_KINDS
from .lease_escalation_rule import CATCHUP_PAST, CATCHUP_WITHHELD, _RunState

REOPEN_GROUPS = (
    "lease_overdue.group_asset_management_head",
    "lease_overdue.group_lease_manager",
)


class LeaseCollectionCase(models.Model):
    """One overdue episode of a contract (逾期案件, SPEC O7): from its first overdue day
    until the contract is paid up; every tier change is kept with its date.

    Sections, in this order: the overdue computation's opening, moving and closing of
    cases (``_sync_cases``, ``_on_cases_changed``); the collection workflow (priority,
    contacts, promises, E13-E15); documents, legal cases, disposals and the escalation
    steps that prepare them (E3-E11); the go-live catch-up (issue 9 item 9); closing
    and reopening (E14, issue 9 item 4)."""

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
        are closed (E14), the priority of opened and moved cases refreshed (E13), the
        overdue day on which opened cases are first seen recorded (catch-up, issue 9
        item 9), then what is pending on closed cases withdrawn and what is underway
        handed to a person (E14)."""
        if closed:
            closed._close_collection_tasks()
        moved_ids = [case_id for ids in moved.values() for case_id in ids]
        if opened or moved_ids:
            self._refresh_collection_priority(opened.ids + moved_ids)
        if opened:
            # The overdue day on which each new case is first seen, in one statement.
            self.env.cr.execute(
                SQL(
                    """
                UPDATE lease_collection_case k
                   SET escalation_first_day = c.days_overdue,
                       escalation_catchup = c.days_overdue > 1
                  FROM lease_contract c
                 WHERE c.id = k.contract_id AND k.id = ANY(%s)
                """,
                    opened.ids,
                )
            )
            opened.invalidate_recordset(["escalation_first_day", "escalation_catchup"])
        if closed:
            closed._lease_stop_on_close()
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

    # ------------------------------------------------------------------
    # Documents, legal cases and disposals of a collection case, and the escalation steps
    # that prepare them (SPEC E3-E11).
    #
    # The ``_escalation_*`` methods are called by the escalation rules on a set of cases.
    # Each works in a fixed number of queries for the whole set, creates only what does not
    # exist yet (calling it twice creates nothing new) and returns the records it created.
    # Tier 3 and tier 4 steps skip the cases where the responsible head decided to stop
    # that step after a vendor's written objection (E10); disposal skips cases whose
    # disposal is deferred until a day not yet passed (E11).
    # ------------------------------------------------------------------
    document_ids = fields.One2many("lease.document", "case_id", "Documents")
    legal_case_ids = fields.One2many("lease.legal.case", "case_id", "Legal Cases")
    disposal_ids = fields.One2many("lease.disposal", "case_id", "Disposals")
    vendor_objection_ids = fields.One2many(
        "lease.vendor.objection", "case_id", "Vendor Objections"
    )
    vendor_objection_line_ids = fields.One2many(
        "lease.vendor.objection.line", "case_id", "Objected Actions"
    )
    has_buyback_guarantee = fields.Boolean(related="contract_id.has_buyback_guarantee")
    document_count = fields.Integer(compute="_compute_document_counts")
    legal_case_count = fields.Integer(compute="_compute_document_counts")
    disposal_count = fields.Integer(compute="_compute_document_counts")
    date_documents_checked = fields.Date(
        "Collateral Checked On",
        readonly=True,
        help="Day legal checked the collateral and guarantee files (D9 L191).",
    )
    missing_documents = fields.Text("Missing Collateral Documents", readonly=True)

    def _compute_document_counts(self):
        counts = {}
        for model, key in (
            ("lease.document", "document_count"),
            ("lease.legal.case", "legal_case_count"),
            ("lease.disposal", "disposal_count"),
        ):
            groups = self.env[model]._read_group(
                [("case_id", "in", self.ids)], ["case_id"], ["__count"]
            )
            counts[key] = {case.id: count for case, count in groups}
        for case in self:
            for key, values in counts.items():
                case[key] = values.get(case.id, 0)

    # ------------------------------------------------------------------
    # Escalation steps (called by the escalation rules)
    # ------------------------------------------------------------------
    @staticmethod
    def _lease_objection_stop_domain(scope, prefix=""):
        """Domain of the cases where ``scope`` was decided stopped on a vendor's objection
        in force (E10, D9 L193, L198)."""
        return Domain(
            prefix + "vendor_objection_line_ids",
            "any",
            [
                ("scope", "=", scope),
                ("decision", "=", "stop"),
                ("objection_state", "=", "active"),
            ],
        )

    def _lease_objection_stopped(self, scope):
        """The cases of ``self`` where ``scope`` was decided stopped (one query)."""
        if not self:
            return self
        return (
            self.sudo()
            .search(
                Domain("id", "in", self.ids) & self._lease_objection_stop_domain(scope)
            )
            .with_env(self.env)
        )

    def _escalation_cases(self, stop_on_objection=None, stop_on_deferral=False):
        """The open cases of ``self`` an escalation step applies to, as the system (the
        step runs whoever triggered the engine) and in batch mode: no follower added, no
        assignment e-mail per record (the activities still reach their users).
        ``stop_on_objection``: the objection scope of the step (E10); cases where the
        responsible head decided to stop it are left out."""
        today = self.env.company._lease_today()
        cases = (
            self.sudo()
            .with_context(
                mail_create_nosubscribe=True,
                mail_auto_subscribe_no_notify=True,
                mail_activity_quick_update=True,
            )
            .filtered(lambda c: c.state == "open")
        )
        if stop_on_objection:
            cases -= cases._lease_objection_stopped(stop_on_objection)
        if stop_on_deferral:
            cases = cases.filtered(
                lambda c: not c.deferral_until or c.deferral_until < today
            )
        return cases

    def _escalation_create(self, model, vals_list):
        """Create records of ``model`` for the escalation steps in a fixed number of
        queries, whatever their number: their numbers are drawn in one query (see
        ``ir.sequence._lease_next_by_code_batch``), the chatter's per-record work is
        done once for the batch: the creation notes are logged together and the
        responsible users (``user_id``) follow their records through mail's
        ``_message_subscribe``, once per user, as the chatter's auto-subscription would
        have made them, without e-mail."""
        records = (
            self.env[model].sudo().with_context(tracking_disable=True).create(vals_list)
        )
        records = records.with_context(tracking_disable=False)
        if not records:
            return records
        # The creation notes in the company's language (issue 11 item 3), not the
        # language of whoever triggered the job.
        bodies = {}
        for group in self.env["res.company"]._lease_split(records).values():
            bodies.update({record.id: record._creation_message() for record in group})
        records._message_log_batch(bodies=bodies)
        user_field = records._fields.get("user_id")
        if user_field and getattr(user_field, "tracking", False):
            # mail's own subscription, one call per responsible user (a few), not per
            # record
            for user, group in (
                records.filtered("user_id.active").grouped("user_id").items()
            ):
                group._message_subscribe(partner_ids=user.partner_id.ids)
        return records

    def _escalation_new_documents(self, kind, values=None):
        """One draft document of ``kind`` for each case of ``self`` without one yet."""
        documents = self.env["lease.document"].sudo()
        done = {
            case.id
            for (case,) in documents._read_group(
                [("case_id", "in", self.ids), ("kind", "=", kind)], ["case_id"]
            )
        }
        vals_list = []
        for case in self.filtered(lambda c: c.id not in done):
            vals = {
                "kind": kind,
                "case_id": case.id,
                "contract_id": case.contract_id.id,
            }
            if values:
                vals.update(values(case))
            vals_list.append(vals)
        return self._escalation_create("lease.document", vals_list)

    def _escalation_prepare_notice(self):
        """Days 8-15: the rent collection notice, to be signed by the head of asset
        management before it goes out (D9 L174, SPEC E3). Returns the notices created."""
        cases = self._escalation_cases()
        return cases._escalation_new_documents("collection_notice").with_env(self.env)

    def _escalation_prepare_lawyer_letter(self):
        """Day 15: legal prepares the lawyer's demand letter (D9 L175, SPEC E4). Returns
        the letters created."""
        cases = self._escalation_cases()
        return cases._escalation_new_documents(
            "lawyer_letter", lambda case: {"legal_case_id": case.legal_case_ids[:1].id}
        ).with_env(self.env)

    def _escalation_request_assessment(self):
        """Tier 2: business assesses the lessee's repayment capacity (with monthly
        financial statements for large amounts), then risk management gives its opinion
        (D9 L181-L183, SPEC E5, C7). Returns the assessments created."""
        cases = self._escalation_cases()
        return cases._escalation_new_documents("assessment").with_env(self.env)

    def _escalation_prepare_inspection_report(self):
        """Tier 2: asset management inspects the assets on site; its report is
        countersigned by the departments concerned (D9 L180, SPEC E5). Reuses an overdue
        inspection planned since the case opened, else plans one for today. Returns the
        inspection reports created."""
        cases = self._escalation_cases()
        documents = cases.env["lease.document"].sudo()
        done = {
            case.id
            for (case,) in documents._read_group(
                [("case_id", "in", cases.ids), ("kind", "=", "inspection_report")],
                ["case_id"],
            )
        }
        todo = cases.filtered(lambda c: c.id not in done)
        todo._escalation_plan_inspection()
        by_case = todo._overdue_inspections()
        return todo._escalation_new_documents(
            "inspection_report", lambda case: {"inspection_id": by_case[case.id].id}
        ).with_env(self.env)

    def _escalation_prepare_litigation_letter(self):
        """Day 30, with the consent of the departments concerned: legal prepares the
        pre-litigation letter (D9 L187, SPEC E7); the consents are its approvals. Returns
        the letters created."""
        cases = self._escalation_cases()
        return cases._escalation_new_documents(
            "litigation_letter",
            lambda case: {"legal_case_id": case.legal_case_ids[:1].id},
        ).with_env(self.env)

    def _escalation_start_legal(self):
        """Tier 3: the case goes to legal, which sends the lawyer's letter and prepares the
        lawsuit (D9 L190, SPEC E8). Opens a legal case in preparation and attaches the
        lawyer's letter to send (the one prepared at day 15, else a new one). Returns the
        legal cases created."""
        cases = self._escalation_cases(stop_on_objection="litigation")
        legal_cases = cases.env["lease.legal.case"].sudo()
        done = {
            case.id
            for (case,) in legal_cases._read_group(
                [("case_id", "in", cases.ids)], ["case_id"]
            )
        }
        todo = cases.filtered(lambda c: c.id not in done)
        created = cases._escalation_create(
            "lease.legal.case",
            [
                {
                    "case_id": case.id,
                    "claim_amount": case.contract_id.overdue_amount
                    + case.contract_id.penalty_amount,
                }
                for case in todo
            ],
        )
        todo._escalation_new_documents("lawyer_letter")
        letters = (
            cases.env["lease.document"]
            .sudo()
            .search(
                [
                    ("case_id", "in", todo.ids),
                    ("kind", "in", ("lawyer_letter", "litigation_letter")),
                    ("legal_case_id", "=", False),
                ]
            )
        )
        by_case = {legal_case.case_id: legal_case for legal_case in created}
        for case, case_letters in letters.grouped("case_id").items():
            case_letters.write({"legal_case_id": by_case[case].id})
        return created.with_env(self.env)

    def _escalation_notify_guarantors(self):
        """Tier 3: each guarantor is told in writing of the lessee's overdue (D9 L191,
        SPEC E8). Returns the guarantor notices created (one per guarantor and case)."""
        cases = self._escalation_cases(stop_on_objection="guarantor_notice")
        documents = cases.env["lease.document"].sudo()
        done = {
            (case.id, partner.id)
            for case, partner in documents._read_group(
                [("case_id", "in", cases.ids), ("kind", "=", "guarantor_notice")],
                ["case_id", "recipient_id"],
            )
        }
        vals_list = [
            {
                "kind": "guarantor_notice",
                "case_id": case.id,
                "contract_id": case.contract_id.id,
                "recipient_id": guarantor.id,
                "legal_case_id": case.legal_case_ids[:1].id,
            }
            for case in cases
            for guarantor in case.contract_id.guarantor_ids
            if (case.id, guarantor.id) not in done
        ]
        return cases._escalation_create("lease.document", vals_list).with_env(self.env)

    def _escalation_check_documents(self):
        """Tier 3: legal checks the collateral and guarantee files so that lawsuit and
        disposal have them complete (D9 L191, SPEC E8). Required documents not received
        or expired, and guarantors without a received guarantee contract, are listed in an
        activity for legal. Runs once per case; returns the activities created."""
        cases = self._escalation_cases(stop_on_objection="documents_check").filtered(
            lambda c: not c.date_documents_checked
        )
        if not cases:
            return self.env["mail.activity"]
        today = self.env.company._lease_today()
        documents = (
            cases.env["lease.collateral.document"]
            .sudo()
            .search([("contract_id", "in", cases.contract_id.ids)])
        )
        legal_heads = self.env["res.company"]._lease_heads_of(cases, "legal")
        model_id = self.env["ir.model"]._get_id(self._name)
        todo_type = self.env.ref("mail.mail_activity_data_todo")
        by_contract = documents.grouped("contract_id")
        activities = []
        complete = cases.browse()

        def missing_in(env, contract, docs):
            """What is missing, in the language of ``env`` (issue 11 item 3)."""
            missing = [
                env._("%(doc)s: not received", doc=doc.name)
                for doc in docs.filtered(lambda d: d.required and not d.received)
            ] + [
                env._(
                    "%(doc)s: expired on %(date)s", doc=doc.name, date=doc.date_expiry
                )
                for doc in docs.filtered(
                    lambda d: d.received and d.date_expiry and d.date_expiry < today
                )
            ]
            covered = docs.filtered(lambda d: d.doc_type == "guarantee" and d.received)
            return missing + [
                env._(
                    "Guarantee contract of %(guarantor)s: missing",
                    guarantor=guarantor.name,
                )
                for guarantor in contract.guarantor_ids - covered.guarantor_id
            ]

        for case in cases:
            contract = case.contract_id
            docs = by_contract.get(contract, documents.browse())
            missing = missing_in(case.company_id._lease_env(), contract, docs)
            if not missing:
                complete |= case
                continue
            case.write(
                {
                    "date_documents_checked": today,
                    "missing_documents": "\n".join(missing),
                }
            )
            officer = case.legal_case_ids[:1].user_id or legal_heads[case.id]
            if not officer:
                continue  # nobody heads legal: the case shows what is missing
            officer_env = case.company_id._lease_env(officer)
            activities.append(
                {
                    "res_model_id": model_id,
                    "res_id": case.id,
                    "activity_type_id": todo_type.id,
                    "summary": officer_env._(
                        "Complete the collateral and guarantee files"
                    ),
                    "note": "<br/>".join(missing_in(officer_env, contract, docs)),
                    "user_id": officer.id,
                    "date_deadline": today,
                }
            )
        if complete:
            complete.write(
                {"date_documents_checked": today, "missing_documents": False}
            )
            for env, group in self.env["res.company"]._lease_split(complete).items():
                body = env._("Collateral and guarantee files checked: complete.")
                group._message_log_batch(bodies=dict.fromkeys(group.ids, body))
        return cases.env["mail.activity"].create(activities).with_env(self.env)

    def _escalation_draft_disposal_plan(self):
        """Tier 3: asset management drafts the disposal plan for the review committee
        (D9 L192, SPEC E8). Returns the disposal plans created."""
        cases = self._escalation_cases(stop_on_objection="disposal_plan")
        return cases._escalation_new_disposals("escalation").with_env(self.env)

    def _escalation_new_disposals(self, origin):
        disposals = self.env["lease.disposal"].sudo()
        done = {
            case.id
            for (case,) in disposals._read_group(
                [
                    ("case_id", "in", self.ids),
                    ("state", "not in", ("cancelled", "refused")),
                ],
                ["case_id"],
            )
        }
        return self._escalation_create(
            "lease.disposal",
            [
                {
                    "case_id": case.id,
                    "origin": origin,
                    "user_id": case.collector_id.id or False,
                    "asset_ids": [Command.set(case.contract_id.asset_ids.ids)],
                }
                for case in self.filtered(lambda c: c.id not in done)
            ],
        )

    def _escalation_file_lawsuit(self):
        """Tier 4: legal files the lawsuit (D9 L195, SPEC E9). Marks the legal cases in
        preparation as due for filing (opening them first where tier 3 was skipped);
        returns the legal cases created."""
        cases = self._escalation_cases(stop_on_objection="litigation")
        created = cases._escalation_start_legal().sudo()
        cases.env["lease.legal.case"].sudo().search(
            [
                ("case_id", "in", cases.ids),
                ("state", "=", "preparation"),
                ("date_filing_due", "=", False),
            ]
        ).write({"date_filing_due": self.env.company._lease_today()})
        return created.with_env(self.env)

    def _escalation_execute_disposal(self):
        """Tier 4: asset management executes the disposal plan at once (D9 L196, SPEC
        E9), unless the vendor objected (E10) or the disposal is deferred (E11). A plan
        approved by the review committee goes into execution; a case without a plan gets
        one. Returns the disposals created or put into execution."""
        cases = self._escalation_cases(
            stop_on_objection="disposal", stop_on_deferral=True
        )
        created = cases._escalation_new_disposals("escalation")
        due = (
            cases.env["lease.disposal"]
            .sudo()
            .search(
                [
                    ("case_id", "in", cases.ids),
                    ("date_execution_due", "=", False),
                    ("state", "not in", ("cancelled", "refused")),
                ]
            )
        )
        due.write({"date_execution_due": self.env.company._lease_today()})
        approved = due.filtered(lambda d: d.state == "approved")
        approved.action_start()
        return (created | approved).with_env(self.env)

    # ------------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------------
    def action_send_to_disposal(self):
        """Month end: the review committee sends cases straight to asset disposal (D9
        L186, SPEC E6)."""
        if not self.env.user.has_group("lease_overdue.group_review_committee"):
            raise AccessError(
                self.env._(
                    "Only the review committee sends a case straight to asset disposal."
                )
            )
        for case in self:
            if case.state != "open":
                raise UserError(self.env._("%(case)s is closed.", case=case.name))
        stopped = self._lease_objection_stopped(
            "disposal_plan"
        ) | self._lease_objection_stopped("disposal")
        if stopped:
            raise UserError(
                self.env._(
                    "The vendor of %(case)s objected in writing under its buy-back guarantee "
                    "and its disposal was stopped: its assets are not disposed of.",
                    case=stopped[0].name,
                )
            )
        created = self.sudo()._escalation_new_disposals("committee")
        for disposal in created:
            disposal.case_id.message_post(
                body=disposal.company_id._lease_env()._(
                    "The review committee sent the case straight to asset disposal: %(disposal)s.",
                    disposal=disposal.name,
                )
            )
        disposals = self.env["lease.disposal"].search(
            [("case_id", "in", self.ids), ("state", "not in", ("cancelled", "refused"))]
        )
        return self._open_records(disposals, self.env._("Disposals"))

    def action_view_documents(self):
        return self._open_records(self.document_ids, self.env._("Documents"))

    def action_view_legal_cases(self):
        return self._open_records(self.legal_case_ids, self.env._("Legal Cases"))

    def action_view_disposals(self):
        return self._open_records(self.disposal_ids, self.env._("Disposals"))

    def action_new_document(self):
        """Open a new document of the kind given in the context for this case."""
        self.ensure_one()
        kind = self.env.context.get("lease_document_kind", "collection_notice")
        return {
            "type": "ir.actions.act_window",
            "res_model": "lease.document",
            "view_mode": "form",
            "target": "current",
            "context": {
                "default_kind": kind,
                "default_case_id": self.id,
                "default_legal_case_id": self.legal_case_ids[:1].id
                if kind in OUTGOING_KINDS
                else False,
            },
        }

    def action_record_vendor_objection(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "lease.vendor.objection",
            "view_mode": "form",
            "target": "new",
            "context": {"default_case_id": self.id},
        }

    def _open_records(self, records, name):
        action = {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": records._name,
            "domain": [("id", "in", records.ids)],
            "view_mode": "list,form",
            "context": {"default_case_id": self[:1].id} if len(self) == 1 else {},
        }
        if len(records) == 1:
            action.update(view_mode="form", res_id=records.id)
        return action

    # ------------------------------------------------------------------
    # Go-live and catch-up (issue 9 item 9; SPEC E14): the overdue day on which a case
    # is first seen and the steps withheld at its catch-up (see the catch-up section of
    # ``lease.escalation.rule``).
    # ------------------------------------------------------------------
    escalation_first_day = fields.Integer(
        "First Seen on Overdue Day",
        readonly=True,
        help="Overdue day on which the case entered the system. 1: seen from its first "
        "overdue day; later: it entered already overdue (go-live, late import) and its "
        "past steps were reviewed instead of done (issue 9 item 9).",
    )
    escalation_catchup = fields.Boolean(
        "Entered Overdue",
        readonly=True,
        index=True,
        help="The case entered the system after its first overdue day: the steps whose "
        "day had passed, and its legal and disposal steps, waited for the decision of "
        "the head of asset management.",
    )
    date_catchup = fields.Date(
        "Catch-up Reviewed On",
        readonly=True,
        help="Day of the escalation run that handled the case's entry: from then on it "
        "escalates as any case.",
    )
    has_withheld_steps = fields.Boolean(compute="_compute_has_withheld_steps")

    def _withheld_logs(self):
        """Ledger rows of the withheld steps of these cases that nobody started yet."""
        Log = self.env["lease.escalation.log"].sudo()
        rows = Log.search(
            [
                ("case_id", "in", self.ids),
                ("role_code", "=", CATCHUP_WITHHELD),
                ("state", "=", "skipped"),
            ]
        )
        if not rows:
            return rows
        started = {
            (log.rule_id.id, log.case_id.id)
            for log in Log.search_fetch(
                [
                    ("case_id", "in", self.ids),
                    ("rule_id", "in", rows.rule_id.ids),
                    ("role_code", "not in", (CATCHUP_WITHHELD, CATCHUP_PAST)),
                ],
                ["rule_id", "case_id"],
            )
        }
        return rows.filtered(
            lambda log: (log.rule_id.id, log.case_id.id) not in started
        )

    def _compute_has_withheld_steps(self):
        pending = set(self._withheld_logs().case_id.ids) if self.ids else set()
        for case in self:
            case.has_withheld_steps = case.id in pending

    def action_lease_start_withheld_steps(self):
        """The head of asset management decided: start the legal and disposal steps
        withheld when these cases entered the system (issue 9 item 9). Each runs as the
        escalation job would have run it (its documents, legal case or disposal, its
        tasks and ledger rows), once."""
        if not self.env.user.has_group("lease_overdue.group_asset_management_head"):
            raise AccessError(
                self.env._(
                    "Only the head of asset management starts the steps withheld when "
                    "a case entered the system."
                )
            )
        for case in self:
            if case.state != "open":
                raise UserError(self.env._("%(case)s is closed.", case=case.name))
        rows = self._withheld_logs()
        if not rows:
            raise UserError(
                self.env._("No withheld step waits for a decision on these cases.")
            )
        today = self.env.company._lease_today()
        rules = self.env["lease.escalation.rule"].sudo()
        state = _RunState(rules.env, today)
        by_rule = defaultdict(lambda: defaultdict(list))
        for row in rows:
            by_rule[row.rule_id][row.res_id].append(row.period)
        names = defaultdict(list)
        for rule in rules.browse([r.id for r in by_rule]).sorted():
            todo = dict(by_rule[rule])
            rule._act(todo, state)
            for res_id in todo:
                names[res_id].append(rule)
        # In the company's language (issue 11 item 3).
        bodies = {
            case.id: env._(
                "%(user)s started the steps withheld when the case entered the "
                "system: %(steps)s.",
                user=self.env.user.name,
                steps=", ".join(rule.with_env(env).name for rule in names[case.id]),
            )
            for env, cases in self.env["res.company"]
            ._lease_split(self.browse(list(names)).sudo())
            .items()
            for case in cases
        }
        self.browse(list(names)).sudo()._message_log_batch(bodies=bodies)
        return True

    # ------------------------------------------------------------------
    # Payment in full stops everything (SPEC E14; issue 9, item 4): on closing, the
    # case's drafts and pending approvals are withdrawn, its planned overdue inspections
    # cancelled and its tasks closed, each with the reason in the chatter; what is already
    # underway gets a note and a task for a person to decide. Reopening needs a reason: by
    # a person or by the overdue computation when the payment that closed the case is
    # reversed. Its steps refuse further transitions: ``lease.case.step.mixin``.
    # ------------------------------------------------------------------
    date_reopened = fields.Date("Reopened On", readonly=True, copy=False)
    reopened_by_id = fields.Many2one(
        "res.users",
        "Reopened By",
        readonly=True,
        copy=False,
        help="Empty when the overdue computation reopened the case (payment reversed).",
    )
    reopen_reason = fields.Text("Reopening Reason", readonly=True, copy=False)
    date_invoiced_at_close = fields.Date(
        "Rent Invoiced Until at Closing",
        readonly=True,
        copy=False,
        help="Due date of the last rent invoiced when the case closed: rent up to it "
        "overdue again means the payment was reversed, and the case reopens.",
    )
    reopen_held = fields.Boolean(
        "Held Open",
        readonly=True,
        copy=False,
        help="Reopened by a person: stays open until the lessee pays again.",
    )

    # ------------------------------------------------------------------
    # The closed case refuses further steps
    # ------------------------------------------------------------------
    def _lease_closed_message(self, record):
        self.ensure_one()
        return self.env._(
            "%(record)s takes no further step: its collection case %(case)s was closed "
            "on %(date)s (%(reason)s). It can only be withdrawn or cancelled; if the "
            "case must go on, the head of asset management reopens it with a reason.",
            record=record.display_name,
            case=self.name,
            date=self.date_end or "-",
            reason=self.close_reason or self.env._("Paid in full"),
        )

    # ------------------------------------------------------------------
    # Closing: withdraw what is pending, tell who decides on what is underway
    # ------------------------------------------------------------------

    def _lease_close_reason(self):
        """{case id: "Case X closed: paid in full on <date>."}"""
        return {
            case.id: self.env._(
                "Case %(case)s closed: paid in full on %(date)s.",
                case=case.name,
                date=case.date_end,
            )
            for case in self
        }

    def _lease_stop_on_close(self):
        """Cases just closed as paid in full (SPEC E14): their draft and submitted
        documents and disposal plans are withdrawn with their pending approvals, their
        planned overdue inspections cancelled, each with the reason in its chatter; a
        note and a task go to who decides on the legal cases, approved plans and
        disposals in execution (nothing underway is deleted). A fixed number of queries
        per model and language, whatever the number of cases: the notes and tasks are
        written in the company's language (issue 11 item 3)."""
        for cases in self.env["res.company"]._lease_split(self).values():
            cases._lease_stop_on_close_in_lang()

    def _lease_stop_on_close_in_lang(self):
        """:meth:`_lease_stop_on_close` for cases whose companies write in the
        language of ``self.env``."""
        cases = self.sudo().with_context(
            tracking_disable=True, mail_activity_quick_update=True
        )
        reasons = cases._lease_close_reason()
        withdrawn = self.env["lease.document"].sudo()
        documents = withdrawn.search(
            [
                ("case_id", "in", cases.ids),
                ("state", "in", ("draft", "to_approve")),
                ("kind", "!=", "pnl_report"),
            ]
        ).with_context(tracking_disable=True)
        disposals = (
            self.env["lease.disposal"]
            .sudo()
            .search([("case_id", "in", cases.ids), ("state", "not in", ("cancelled",))])
            .with_context(tracking_disable=True)
        )
        plans = disposals.filtered(
            lambda d: d.state in ("draft", "to_approve", "refused")
        )
        running = disposals.filtered(lambda d: d.state in ("approved", "in_progress"))
        for records in (documents, plans):
            if records:
                records._lease_archive_reviews()
                records.write({"state": "cancelled"})
        inspections = cases._lease_open_overdue_inspections().with_context(
            tracking_disable=True
        )
        if inspections:
            inspections.write({"state": "cancel"})
        withdrawn_note = self.env._("Withdrawn.")
        for records in (documents, plans, inspections):
            if records:
                records._message_log_batch(
                    bodies={
                        rec.id: f"{reasons[rec.case_id.id]} {withdrawn_note}"
                        for rec in records
                    }
                )
                self.env["mail.activity"].sudo().search(
                    [("res_model", "=", records._name), ("res_id", "in", records.ids)]
                ).unlink()
        legal = (
            self.env["lease.legal.case"]
            .sudo()
            .search([("case_id", "in", cases.ids), ("state", "!=", "closed")])
        )
        cases._lease_ask_decision(
            legal,
            "legal",
            self.env._("Case paid in full: withdraw or settle the legal case"),
        )
        cases._lease_ask_decision(
            running,
            "asset_management",
            self.env._("Case paid in full: stop the disposal (cancel it)"),
        )
        cases._lease_log_stopped(reasons, documents, plans, inspections, legal, running)

    def _lease_open_overdue_inspections(self):
        """Planned overdue inspections of these cases: planned for the case, or (planned
        by hand) for its contract since the case opened. One search."""
        inspections = (
            self.env["lease.asset.inspection"]
            .sudo()
            .search(
                [
                    ("state", "=", "planned"),
                    ("kind", "=", "overdue"),
                    "|",
                    ("case_id", "in", self.ids),
                    "&",
                    ("case_id", "=", False),
                    ("contract_id", "in", self.contract_id.ids),
                ]
            )
        )
        by_contract = {case.contract_id.id: case for case in self}
        return inspections.filtered(
            lambda i: (
                i.case_id or i.date_planned >= by_contract[i.contract_id.id].date_start
            )
        )

    def _lease_ask_decision(self, records, department, summary):
        """A note and a task for who decides on ``records``, which are underway: their
        responsible (``user_id``), else the head of ``department`` (the company's
        setting, issue 12 item 4); with neither, the note only."""
        if not records:
            return
        reasons = self._lease_close_reason()
        decide = self.env._("A person decides: nothing is stopped automatically.")
        records.with_context(tracking_disable=True)._message_log_batch(
            bodies={
                rec.id: f"{reasons[rec.case_id.id]} {summary}. {decide}"
                for rec in records
            }
        )
        heads = self.env["res.company"]._lease_heads_of(records, department)
        model_id = self.env["ir.model"]._get_id(records._name)
        todo = self.env.ref("mail.mail_activity_data_todo")
        today = self.env.company._lease_today()
        self.env["mail.activity"].sudo().with_context(
            mail_activity_quick_update=True
        ).create(
            [
                {
                    "res_model_id": model_id,
                    "res_id": rec.id,
                    "activity_type_id": todo.id,
                    "summary": summary,
                    "note": reasons[rec.case_id.id],
                    "user_id": (rec.user_id or heads[rec.id]).id,
                    "date_deadline": today,
                }
                for rec in records
                if rec.user_id or heads[rec.id]
            ]
        )

    def _lease_log_stopped(self, reasons, *groups):
        """One note per case listing what its closing withdrew or left to a person."""
        labels = (
            self.env._("Withdrawn"),
            self.env._("Withdrawn"),
            self.env._("Cancelled"),
            self.env._("To withdraw or settle by legal"),
            self.env._("To stop by asset management"),
        )
        lines = {}
        for label, records in zip(labels, groups, strict=True):
            for rec in records:
                lines.setdefault(rec.case_id.id, []).append(
                    Markup("<li>%s: %s</li>") % (label, rec.display_name)
                )
        bodies = {
            case.id: Markup("<p>%s</p>") % reasons[case.id]
            + (
                Markup("<ul>%s</ul>") % Markup("").join(lines[case.id])
                if case.id in lines
                else Markup("")
            )
            for case in self
        }
        self._message_log_batch(bodies=bodies)

    # ------------------------------------------------------------------
    # Reopening
    # ------------------------------------------------------------------
    def action_reopen(self, reason=None):
        """Reopen closed cases, with a reason (issue 9, item 4): the head of asset
        management or the configuration manager. The case stays open until the lessee
        pays again; the reason, who and when go to the case and its chatter."""
        user = self.env.user
        if not self.env.su and not any(user.has_group(g) for g in REOPEN_GROUPS):
            raise AccessError(
                self.env._(
                    "Only the head of asset management or the configuration manager "
                    "reopens a closed collection case."
                )
            )
        reason = (reason or "").strip()
        if not reason:
            raise UserError(
                self.env._("Give the reason why the collection case is reopened.")
            )
        if len(reason) > 2000:
            raise UserError(self.env._("Keep the reason under 2000 characters."))
        cases = self.sudo()
        later = {
            case.contract_id
            for case in cases.search(
                [("contract_id", "in", cases.contract_id.ids), ("state", "=", "open")]
            )
        }
        for case in cases:
            if case.state != "closed":
                raise UserError(
                    self.env._("%(case)s is not closed.", case=case.display_name)
                )
            if (
                case.contract_id in later
                or case != case.contract_id.case_ids.sorted("date_start")[-1:]
            ):
                raise UserError(
                    self.env._(
                        "%(case)s is not the last case of contract %(contract)s: a "
                        "later collection case exists.",
                        case=case.display_name,
                        contract=case.contract_id.display_name,
                    )
                )
        cases._lease_reopen(reason, user, held=True)
        return True

    def action_open_reopen_wizard(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reopen Case"),
            "res_model": "lease.case.reopen.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_case_ids": self.ids},
        }

    def _lease_reopen_by_system(self, today):
        """Reopened by the overdue computation: an installment due before the case
        closed is overdue again (the payment that closed it was reversed)."""
        # The reason in the company's language (issue 11 item 3).
        for env, cases in self.env["res.company"]._lease_split(self).items():
            reason = env._(
                "Reopened by the overdue computation on %(date)s: a payment was "
                "reversed and rent due before the case closed is overdue again.",
                date=today,
            )
            cases._lease_reopen(reason, env["res.users"], held=False, today=today)

    def _lease_reopen(self, reason, user, held, today=None):
        today = today or self.env.company._lease_today()
        cases = self.sudo()
        closed_on = {case.id: case.date_end for case in cases}
        cases.with_context(tracking_disable=True).write(
            {
                "state": "open",
                "date_end": False,
                "close_reason": False,
                "date_reopened": today,
                "reopened_by_id": user.id,
                "reopen_reason": reason,
                "reopen_held": held,
            }
        )
        # In the company's language (issue 11 item 3).
        envs = {case.id: case.company_id._lease_env() for case in cases}
        cases._message_log_batch(
            bodies={
                case.id: Markup("<p>%s</p><p>%s</p>")
                % (
                    envs[case.id]._(
                        "Case reopened on %(date)s by %(user)s (closed on %(closed)s).",
                        date=today,
                        user=user.name
                        if user
                        else envs[case.id]._("the overdue computation"),
                        closed=closed_on[case.id],
                    ),
                    escape(envs[case.id]._("Reason: %(reason)s", reason=reason)),
                )
                for case in cases
            },
            author_id=user.partner_id.id if user else None,
        )
        if held:
            # a person reopened it: the contract points to its open case again
            self.env.flush_all()
            self.env.cr.execute(
                SQL(
                    "UPDATE lease_contract c SET current_case_id = k.id"
                    " FROM lease_collection_case k"
                    " WHERE k.contract_id = c.id AND k.id = ANY(%s)",
                    cases.ids,
                )
            )
            self.env.invalidate_all()


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
