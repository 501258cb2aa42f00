from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.tools import SQL

from .lease_escalation_rule import PRIORITY_SQL


class LeaseCollectionCase(models.Model):
    """The collection workflow on the case: priority of its tasks (SPEC E13), contacts and
    promises (F1, E15), and closing its tasks when it is paid up (E14)."""

    _inherit = "lease.collection.case"

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
    def _on_cases_changed(self, opened, closed, moved):
        result = super()._on_cases_changed(opened, closed, moved)
        if closed:
            closed._close_collection_tasks()
        moved_ids = [case_id for ids in moved.values() for case_id in ids]
        if opened or moved_ids:
            self._refresh_collection_priority(opened.ids + moved_ids)
        return result

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
    # Escalation steps of this workflow (the others are in lease_collection_case_documents)
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
