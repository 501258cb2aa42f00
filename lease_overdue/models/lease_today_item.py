from odoo import fields, models
from odoo.fields import Domain
from odoo.tools import SQL

from .lease_vendor_objection import SCOPE_DECIDER

# What can wait for somebody, in the order of the page (issue 11 item 5): the kind, the
# model it counts and the action it opens (``None``: built in ``action_open``).
_APPROVALS = (
    ("documents", "lease.document", "lease_overdue.lease_document_action_my_approvals"),
    ("disposals", "lease.disposal", "lease_overdue.lease_disposal_action"),
    (
        "amendments",
        "lease.contract.amendment",
        "lease_overdue.lease_contract_amendment_action",
    ),
    (
        "monthly_logs",
        "lease.collection.log.monthly",
        "lease_overdue.lease_collection_log_monthly_action",
    ),
)
KINDS = [
    ("documents", "Documents awaiting my approval"),
    ("disposals", "Disposals awaiting my approval"),
    ("amendments", "Contract amendments awaiting my approval"),
    ("monthly_logs", "Monthly collection logs awaiting my signature"),
    ("objections", "Vendor objections awaiting my decision"),
    ("department_late", "Overdue tasks of my department"),
    ("my_tasks", "My tasks due today or late"),
]


class LeaseTodayItem(models.Model):
    """What needs me today (issue 11 item 5): one card per kind of work waiting for the
    current user, with how many, counted when the page opens from the existing states
    (approvals awaited from him, vendor objections he decides, his department's late
    tasks, his own tasks due). Nothing is stored: the rows are a query of the moment."""

    _name = "lease.today.item"
    _description = "What Needs Me Today"
    _auto = False
    _order = "id"

    kind = fields.Selection(KINDS, readonly=True)
    item_count = fields.Integer("Count", readonly=True)

    @property
    def _table_query(self):
        rows = self._lease_today_counts()
        return SQL(" UNION ALL ").join(
            SQL(
                "SELECT %s::int AS id, %s::varchar AS kind, %s::int AS item_count",
                index,
                kind,
                count,
            )
            for index, (kind, count) in enumerate(rows, start=1)
        ) or SQL("SELECT 0 AS id, NULL::varchar AS kind, 0 AS item_count WHERE FALSE")

    def _lease_today_counts(self):
        """[(kind, count)] of what waits for the current user, the kinds he deals with
        only (the models he may read; his department's tasks if he heads one)."""
        env = self.env
        today = env.company._lease_today()
        rows = []
        for kind, model, _action in _APPROVALS:
            if env[model].has_access("read"):
                rows.append(
                    (kind, env[model].search_count([("can_approve", "=", True)]))
                )
        scopes = [
            scope for scope, group in SCOPE_DECIDER.items() if env.user.has_group(group)
        ]
        if scopes:
            rows.append(
                (
                    "objections",
                    env["lease.vendor.objection.line"].search_count(
                        self._lease_objection_domain(scopes)
                    ),
                )
            )
        Activity = env["mail.activity"]
        if Activity._lease_headed_departments():
            rows.append(
                (
                    "department_late",
                    Activity.search_count(
                        [
                            ("lease_supervised", "=", True),
                            ("date_deadline", "<", today),
                        ]
                    ),
                )
            )
        if env.user.has_group("lease_overdue.group_lease_user"):
            rows.append(
                (
                    "my_tasks",
                    Activity.search_count(
                        [
                            ("user_id", "=", env.uid),
                            ("res_model", "=like", "lease.%"),
                            ("date_deadline", "<=", today),
                        ]
                    ),
                )
            )
        return rows

    def _lease_objection_domain(self, scopes):
        return Domain(
            [
                ("decision", "=", "pending"),
                ("objection_state", "=", "active"),
                ("scope", "in", scopes),
            ]
        )

    def action_open(self):
        """The list of what this card counts."""
        self.ensure_one()
        env = self.env
        approvals = {kind: xmlid for kind, _model, xmlid in _APPROVALS}
        if self.kind in approvals:
            action = env["ir.actions.act_window"]._for_xml_id(approvals[self.kind])
            action["domain"] = [("can_approve", "=", True)]
            return action
        if self.kind == "objections":
            scopes = [
                scope
                for scope, group in SCOPE_DECIDER.items()
                if env.user.has_group(group)
            ]
            lines = env["lease.vendor.objection.line"].search(
                self._lease_objection_domain(scopes)
            )
            action = env["ir.actions.act_window"]._for_xml_id(
                "lease_overdue.lease_vendor_objection_action"
            )
            action["domain"] = [("id", "in", lines.objection_id.ids)]
            return action
        if self.kind == "department_late":
            action = env["ir.actions.act_window"]._for_xml_id(
                "lease_overdue.mail_activity_action_lease_department"
            )
            action["context"] = {"search_default_late": 1}
            return action
        action = env["ir.actions.act_window"]._for_xml_id(
            "lease_overdue.mail_activity_action_lease_my_tasks"
        )
        action["domain"] = [
            ("user_id", "=", env.uid),
            ("res_model", "=like", "lease.%"),
            ("date_deadline", "<=", env.company._lease_today()),
        ]
        return action
