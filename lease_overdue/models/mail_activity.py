from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain

from .lease_constants import (
    DEPARTMENTS,
    HEAD_GROUPS,
    HEADED_DEPARTMENTS,
    MEMBER_GROUPS,
)

LEASE_MODELS = ("lease.collection.case", "lease.contract")

# What the done wizard may add to the collection record of a call or visit (SPEC F1).
_OUTCOME_FIELDS = {
    "contact_name",
    "overdue_reason",
    "willingness",
    "ability",
    "next_step",
}
# Only the escalation job sets these (an escalation task is known by them).
_TASK_MARKER_FIELDS = {"lease_escalation_rule_id", "lease_role_code"}
# An escalation task stays on its record, rule, role and department.
_TASK_FIXED_FIELDS = _TASK_MARKER_FIELDS | {
    "lease_department",
    "res_model",
    "res_model_id",
    "res_id",
}


class MailActivity(models.Model):
    """Collection tasks are activities on collection cases and contracts; these fields
    put them in the work queues, ordered by the case's priority (SPEC E13)."""

    _inherit = "mail.activity"

    lease_case_id = fields.Many2one(
        "lease.collection.case",
        "Collection Case",
        compute="_compute_lease_links",
        store=True,
        index="btree_not_null",
    )
    lease_contract_id = fields.Many2one(
        "lease.contract",
        "Lease Contract",
        compute="_compute_lease_links",
        store=True,
        index="btree_not_null",
    )
    lease_partner_id = fields.Many2one(
        related="lease_contract_id.partner_id", string="Lessee"
    )
    lease_priority = fields.Float(
        "Collection Priority",
        compute="_compute_lease_priority",
        store=True,
        readonly=False,
        index="btree_not_null",
        help="Overdue count, then cumulative days overdue, then grade.",
    )
    lease_escalation_rule_id = fields.Many2one(
        "lease.escalation.rule",
        "Escalation Rule",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
    )
    lease_role_code = fields.Char("Escalation Role", readonly=True, copy=False)
    lease_department = fields.Selection(
        DEPARTMENTS, "Department", index="btree_not_null"
    )
    lease_logs_contact = fields.Boolean(
        "Logs a Contact",
        compute="_compute_lease_logs_contact",
        help="Marking it done logs a collection record (a call or visit on a case or "
        "contract, SPEC F1).",
    )
    lease_supervised = fields.Boolean(
        "In My Department's Queue",
        compute="_compute_lease_supervised",
        search="_search_lease_supervised",
        help="Tasks of the departments you head: their escalation tasks and every task "
        "on a lease record assigned to one of their members.",
    )

    @api.depends("res_model", "res_id")
    def _compute_lease_links(self):
        """The collection case and the contract of a task: on a case, its own; on a
        contract, the contract; on another lease record of a contract (a legal case, a
        disposal, a document, a promise...), that record's contract, so that the task
        is in its assignee's My Collection Tasks with the lessee and the priority. One
        read per model."""
        contract_of = {}  # (model, id) -> contract
        by_model = defaultdict(set)
        for activity in self:
            if (
                activity.res_id
                and activity.res_model
                and activity.res_model.startswith("lease.")
                and activity.res_model != "lease.contract"
                and activity.res_model in self.env
                and "contract_id" in self.env[activity.res_model]._fields
            ):
                by_model[activity.res_model].add(activity.res_id)
        for model, ids in by_model.items():
            records = self.env[model].sudo().browse(ids).exists()
            records.fetch(["contract_id"])
            for record in records:
                contract_of[model, record.id] = record.contract_id
        for activity in self:
            case = None
            contract = contract_of.get((activity.res_model, activity.res_id))
            if activity.res_model == "lease.collection.case" and activity.res_id:
                case = self.env["lease.collection.case"].sudo().browse(activity.res_id)
            elif activity.res_model == "lease.contract" and activity.res_id:
                contract = self.env["lease.contract"].browse(activity.res_id)
            activity.lease_case_id = case.id if case else False
            activity.lease_contract_id = contract.id if contract else False

    @api.depends("res_model", "res_id")
    def _compute_res_name(self):
        """The name of each activity's record, as mail computes it, read for the whole
        batch: one read per model instead of one per activity (mail browses each record
        alone; the escalation job creates thousands of tasks at once, issue 10 item 2)."""
        free = self.filtered(lambda a: not a.res_model or not a.res_id)
        free.res_name = False
        ids_by_model = defaultdict(set)
        for activity in self - free:
            ids_by_model[activity.res_model].add(activity.res_id)
        names = {}
        for model, ids in ids_by_model.items():
            for record in self.env[model].browse(sorted(ids)):
                names[model, record.id] = record.display_name
        for activity in self - free:
            activity.res_name = names[activity.res_model, activity.res_id]

    @api.depends("lease_contract_id")
    def _compute_lease_priority(self):
        """Set once; the daily job refreshes it with the counters (SPEC E13)."""
        priorities = self.lease_contract_id.sudo()._lease_priorities()
        for activity in self:
            activity.lease_priority = priorities.get(activity.lease_contract_id.id, 0.0)

    # ------------------------------------------------------------------
    # Escalation tasks: done, or cancelled with a reason; never archived or deleted
    # ------------------------------------------------------------------
    def _lease_escalation_tasks(self):
        """The escalation tasks among ``self``: activities the escalation job scheduled
        (their rule) or that a ledger row points to."""
        if not self.ids:
            return self.browse()
        ledger = (
            self.env["lease.escalation.log"]
            .sudo()
            .search_fetch([("activity_id", "in", self.ids)], ["activity_id"])
        )
        tasks = self.sudo().filtered("lease_escalation_rule_id") | ledger.activity_id
        return self.browse(tasks.ids)

    def _lease_open_logs(self):
        return (
            self.env["lease.escalation.log"]
            .sudo()
            .search([("activity_id", "in", self.ids), ("state", "=", "open")])
        )

    def _lease_headed_departments(self):
        """Departments of which the current user is the head: he sees and reassigns
        their tasks (SPEC A2)."""
        user = self.env.user
        return {
            department
            for department in HEADED_DEPARTMENTS
            if user.has_group(HEAD_GROUPS[department])
        }

    def _lease_department_staff(self, departments):
        """The users of ``departments`` (staff and heads: the head group implies the
        staff group)."""
        groups = self.env["res.groups"]
        for department in sorted(departments):
            groups |= self.env.ref(MEMBER_GROUPS[department])
        return groups.sudo().all_user_ids

    def _lease_supervised_domain(self, departments=None):
        """The tasks a head supervises (issue 11 item 6, SPEC A2): his departments'
        escalation tasks, and every task on a lease record assigned to a member of his
        departments. Nothing for who heads no department."""
        if departments is None:
            departments = self._lease_headed_departments()
        if not departments:
            return Domain.FALSE
        staff = self._lease_department_staff(departments)
        return Domain("lease_department", "in", sorted(departments)) | (
            Domain("res_model", "=like", "lease.%") & Domain("user_id", "in", staff.ids)
        )

    def _lease_supervised_subset(self, departments=None):
        """The activities among ``self`` that the current user supervises as a head."""
        if departments is None:
            departments = self._lease_headed_departments()
        if not departments or not self:
            return self.browse()
        domain = self._lease_supervised_domain(departments)
        return self.browse(self.sudo().filtered_domain(domain).ids)

    def _search_lease_supervised(self, operator, value):
        if operator not in ("in", "not in") or len(value) != 1:
            return NotImplemented
        domain = self._lease_supervised_domain()
        return domain if (operator == "in") == (True in value) else ~domain

    @api.depends("lease_contract_id", "activity_type_id.lease_record_channel")
    def _compute_lease_logs_contact(self):
        for activity in self:
            activity.lease_logs_contact = bool(
                activity.lease_contract_id
                and activity.activity_type_id.lease_record_channel
            )

    def _compute_lease_supervised(self):
        supervised = self.sudo().filtered_domain(self._lease_supervised_domain())
        for activity in self:
            activity.lease_supervised = activity.id in supervised.ids

    def _lease_check_task_write(self, vals):
        tasks = self._lease_escalation_tasks()
        if not tasks:
            return tasks
        fixed = _TASK_FIXED_FIELDS.intersection(vals)
        if fixed:
            raise AccessError(
                self.env._(
                    "An escalation task stays on its case and rule: %(fields)s cannot "
                    "be changed.",
                    fields=", ".join(
                        sorted(
                            self._fields[name]._description_string(self.env)
                            for name in fixed
                        )
                    ),
                )
            )
        if "active" in vals and (vals["active"] or tasks._lease_open_logs()):
            raise UserError(
                self.env._(
                    "Escalation tasks are not archived: mark the task done, or cancel it "
                    "with a reason (Cancel button of the collection tasks)."
                )
            )
        return tasks

    # ------------------------------------------------------------------
    # A head sees his department's tasks (SPEC A2)
    # ------------------------------------------------------------------
    # Odoo shows someone else's activity only to who may edit the record it is on
    # (``_mail_post_access``); a head reads his department's cases without editing them,
    # so his department's tasks are added to what Odoo lets him see.
    def _check_access(self, operation):
        result = super()._check_access(operation)
        if not result or operation != "read" or self.env.su:
            return result
        headed = self._lease_headed_departments()
        if not headed:
            return result
        forbidden = result[0]
        seen = forbidden.sudo().filtered_domain(self._lease_supervised_domain(headed))
        if not seen:
            return result
        forbidden -= self.browse(seen.ids)
        if not forbidden:
            return None
        return forbidden, lambda: forbidden._make_access_error(operation)

    @api.model
    def _search(
        self, domain, offset=0, limit=None, order=None, *, bypass_access=False, **kwargs
    ):
        headed = not (self.env.su or bypass_access) and self._lease_headed_departments()
        if not headed:
            return super()._search(
                domain, offset, limit, order, bypass_access=bypass_access, **kwargs
            )
        visible = super()._search(domain, **kwargs)
        department = super()._search(
            Domain(domain) & self._lease_supervised_domain(headed),
            bypass_access=True,
            **kwargs,
        )
        ids = set(self.browse(visible).ids) | set(self.browse(department).ids)
        return super()._search(
            [("id", "in", sorted(ids))],
            offset,
            limit,
            order,
            bypass_access=True,
            **kwargs,
        )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any(
            _TASK_MARKER_FIELDS.intersection(vals) for vals in vals_list
        ):
            raise AccessError(
                self.env._("Only the escalation job schedules escalation tasks.")
            )
        return super().create(vals_list)

    def write(self, vals):
        if self.env.su:
            return super().write(vals)
        tasks = self._lease_check_task_write(vals)
        headed = self._lease_headed_departments()
        if "user_id" in vals and tasks:
            others = tasks.sudo().filtered(
                lambda a: (
                    a.lease_department not in headed and a.user_id.id != vals["user_id"]
                )
            )
            if others:
                raise UserError(
                    self.env._(
                        "Only the head of the department reassigns an escalation task "
                        "(%(task)s): the compliance ledger counts it for its assignee.",
                        task=others[0].display_name,
                    )
                )
        if (
            "user_id" in vals
            and headed
            and self
            and self._lease_supervised_subset(headed) == self
        ):
            # A head reassigns his department's tasks even on records he may not edit
            # (the new assignee is subscribed to the case), to a member of his
            # department only: checked here, then the assignee alone written in
            # superuser mode, as Odoo's own workflows do (issue 11 item 6).
            self.check_access("read")
            self._lease_check_reassign_target(vals["user_id"], headed)
            rest = {key: value for key, value in vals.items() if key != "user_id"}
            result = super(MailActivity, self.sudo()).write(
                {"user_id": vals["user_id"]}
            )
            if rest:
                result = super().write(rest)
        else:
            result = super().write(vals)
        if "user_id" in vals and tasks:
            user = self.env["res.users"].browse(vals["user_id"])
            tasks._lease_open_logs()._lease_reassign(user)
        return result

    def _lease_check_reassign_target(self, user_id, departments):
        """A head hands his department's tasks to a member of his department only."""
        user = self.env["res.users"].browse(user_id).sudo()
        if not user or user not in self._lease_department_staff(departments):
            labels = dict(
                self._fields["lease_department"]._description_selection(self.env)
            )
            raise UserError(
                self.env._(
                    "%(user)s is not a member of %(departments)s: a head hands his "
                    "department's tasks to a member of his department only.",
                    user=user.name or "-",
                    departments=", ".join(labels[d] for d in sorted(departments)),
                )
            )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_escalation_task(self):
        if not self.env.su and self._lease_escalation_tasks():
            raise UserError(
                self.env._(
                    "Escalation tasks are not deleted: mark the task done, or cancel it "
                    "with a reason (Cancel button of the collection tasks)."
                )
            )

    def unlink(self):
        if self.env.su:
            # Deleted by the system (e.g. the old-activity clean-up): the ledger says so.
            self._lease_open_logs()._lease_close("cancelled")
        return super().unlink()

    def _lease_close_tasks(self, state, reason=False):
        """Close these tasks without anybody doing them (``state``: ``closed`` when the
        case is paid up, with the ``reason``). Internal, not callable over RPC: the
        caller decided."""
        self._lease_open_logs()._lease_close(state, reason=reason)
        return self.sudo().unlink()

    def _lease_check_assignee_or_head(self, message):
        """An escalation task is closed (done or cancelled) by its assignee or the head
        of its department only (SPEC F4); ``message(task)`` says why not."""
        headed = self._lease_headed_departments()
        for task in self:
            if task.user_id != self.env.user and task.lease_department not in headed:
                raise UserError(message(task))

    def action_lease_cancel(self, reason):
        """Cancel escalation tasks with a reason (SPEC F4; issue "Integrity" item 6): the
        assignee or the head of the task's department. The ledger rows say cancelled, by
        whom and why; the case or contract's chatter too; then the task is removed."""
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("Give the reason why the task is cancelled."))
        if len(reason) > 2000:
            raise UserError(self.env._("Keep the reason under 2000 characters."))
        self.check_access("write")
        for activity in self.sudo():
            if not activity.active:
                raise UserError(
                    self.env._(
                        "%(task)s is already done: it cannot be cancelled.",
                        task=activity.display_name,
                    )
                )
        self.sudo()._lease_check_assignee_or_head(
            lambda task: self.env._(
                "Only %(user)s or the head of the department can cancel %(task)s.",
                user=task.user_id.name or "-",
                task=task.display_name,
            )
        )
        for activity in self.sudo():
            if activity.res_model and activity.res_id:
                record = self.env[activity.res_model].sudo().browse(activity.res_id)
                if hasattr(record, "_message_log"):
                    company = (
                        record.company_id if "company_id" in record._fields else None
                    )
                    env = (company or self.env.company)._lease_env()  # issue 11 item 3
                    record._message_log(
                        body=Markup("<p>%s</p><p>%s</p>")
                        % (
                            env._(
                                "Task cancelled by %(user)s: %(task)s (%(assignee)s, "
                                "due %(deadline)s).",
                                user=self.env.user.name,
                                task=activity.display_name,
                                assignee=activity.user_id.name or "-",
                                deadline=activity.date_deadline,
                            ),
                            env._("Reason: %(reason)s", reason=reason),
                        ),
                        author_id=self.env.user.partner_id.id,
                    )
        self._lease_open_logs()._lease_close("cancelled", reason=reason)
        self.sudo().unlink()
        return True

    def action_lease_open_cancel_wizard(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Cancel Tasks"),
            "res_model": "lease.activity.cancel.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_activity_ids": self.ids},
        }

    def action_lease_open_reassign_wizard(self):
        """Reassign the selected tasks (heads, issue 11 item 6)."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reassign Tasks"),
            "res_model": "lease.activity.reassign.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_activity_ids": self.ids},
        }

    def action_lease_open_done_wizard(self):
        """Mark the selected tasks done with their outcome (issue 11 item 6); a call
        asks for what the contact said (its collection record, SPEC F1)."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Mark Tasks Done"),
            "res_model": "lease.activity.done.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_activity_ids": self.ids},
        }

    def _action_done(self, feedback=False, attachment_ids=None, lease_outcome=None):
        """A collection call or visit marked done logs its collection record (SPEC F1);
        the task's ledger rows say done, on time or late, and by whom (SPEC F4). An
        escalation task is marked done by its assignee or the head of its department.
        ``lease_outcome``: what the contact said beyond the feedback (willingness,
        ability, reason for overdue, next step, contact person), from the done wizard."""
        # A head marks his department's tasks done even on records he may not edit
        # (issue 11 item 6): he reads them, the rest is done in superuser mode.
        supervised = (
            not self.env.su and self and self._lease_supervised_subset() == self
        )
        if not self.env.su:
            self.check_access("read" if supervised else "write")
            self._lease_escalation_tasks().sudo()._lease_check_assignee_or_head(
                lambda task: self.env._(
                    "Only %(user)s or the head of the department can mark %(task)s "
                    "done.",
                    user=task.user_id.name or "-",
                    task=task.display_name,
                )
            )
        self._lease_open_logs()._mark_done(self.env.company._lease_today())
        outcome = {
            key: value
            for key, value in (lease_outcome or {}).items()
            if key in _OUTCOME_FIELDS and value
        }
        vals_list = []
        now = fields.Datetime.now()
        for activity in self.filtered(
            lambda a: a.lease_contract_id and a.activity_type_id.lease_record_channel
        ):
            case = activity.lease_case_id or activity.lease_contract_id.current_case_id
            vals_list.append(
                {
                    "next_step": False,
                    **outcome,
                    "contract_id": activity.lease_contract_id.id,
                    "case_id": case.id if case.state == "open" else False,
                    "date": now,
                    "channel": activity.activity_type_id.lease_record_channel,
                    "user_id": self.env.user.id,
                    "result": feedback
                    or activity.summary
                    or activity.activity_type_id.name,
                }
            )
        if vals_list:
            self.env["lease.collection.record"].sudo().create(vals_list)
        return super(MailActivity, self.sudo() if supervised else self)._action_done(
            feedback=feedback, attachment_ids=attachment_ids
        )

    def action_lease_cannot_attend(self):
        """The account manager cannot join the visit: the team lead assigns a member of
        his team instead (D5 L96, SPEC E2)."""
        for activity in self:
            contract = activity.lease_contract_id
            if not contract or activity.lease_role_code != "account_manager":
                raise UserError(
                    self.env._(
                        "Only an account manager's collection visit can be handed over."
                    )
                )
            if activity.user_id != self.env.user and not self.env.user.has_group(
                "lease_overdue.group_business_head"
            ):
                raise UserError(
                    self.env._("Only the assigned account manager can hand it over.")
                )
            lead = contract.sudo().team_lead_id
            if not lead:
                raise UserError(
                    self.env._(
                        "%(contract)s has no team lead to assign a team member.",
                        contract=contract.display_name,
                    )
                )
            note = Markup("%s<p>%s</p>") % (
                activity.note or "",
                self.env._(
                    "%(user)s cannot join the visit: assign a member of your team.",
                    user=activity.user_id.name,
                ),
            )
            activity.sudo().write(
                {"user_id": lead.id, "note": note, "lease_role_code": "team_lead"}
            )
            activity._lease_open_logs()._lease_reassign(lead)
        return True
