from odoo import api, fields, models

from .lease_constants import DEPARTMENTS


class LeaseEscalationLog(models.Model):
    """Exactly-once ledger of the escalation job (SPEC E14, F4): one row per rule, case or
    contract, period (once / day / half-day / due date / promise) and responsible role.
    The unique index makes a second run of the same day create nothing; the rows tell risk
    management whether each task was done on time (D9 L184).

    The ledger is compliance evidence (issue "Integrity" items 1 and 5): nobody writes or
    deletes a row. The job creates the rows in superuser mode; a row changes only when
    its task is done (``mail.activity._action_done``), cancelled with a reason
    (``mail.activity.action_lease_cancel``), reassigned by the department head, or closed
    because the case was paid up (``_lease_close``), each in superuser mode after the
    caller's check. No context key changes what a row says."""

    _name = "lease.escalation.log"
    _inherit = ["lease.guard.mixin"]
    _description = "Escalation Log"
    _order = "date desc, id desc"
    _rec_name = "rule_id"
    # Every stored field is evidence: who had to do what, by when, and what became of it.
    _lease_guarded_fields = (
        "rule_id",
        "res_model",
        "res_id",
        "case_id",
        "contract_id",
        "company_id",
        "period",
        "role_code",
        "department",
        "user_id",
        "date",
        "activity_id",
        "date_deadline",
        "date_done",
        "state",
        "done_late",
        "done_by_id",
        "cancel_reason",
        "cancelled_by_id",
    )
    _lease_unlink_states = ()

    rule_id = fields.Many2one(
        "lease.escalation.rule",
        required=True,
        index=True,
        ondelete="restrict",
        context={"active_test": False},
    )
    scheme = fields.Selection(related="rule_id.scheme", store=True)
    res_model = fields.Selection(
        [
            ("lease.collection.case", "Collection Case"),
            ("lease.contract", "Lease Contract"),
        ],
        required=True,
    )
    res_id = fields.Many2oneReference(
        model_field="res_model", required=True, index=True
    )
    case_id = fields.Many2one("lease.collection.case", index=True, ondelete="restrict")
    contract_id = fields.Many2one("lease.contract", index=True, ondelete="restrict")
    partner_id = fields.Many2one(related="contract_id.partner_id", string="Lessee")
    company_id = fields.Many2one("res.company", index=True)
    period = fields.Char(
        required=True,
        help="once, a day, a half-day (day/am, day/pm), due:day or promise:id.",
    )
    role_code = fields.Char("Role", required=True, default="")
    department = fields.Selection(DEPARTMENTS, index=True)
    user_id = fields.Many2one("res.users", "Responsible", index=True)
    date = fields.Date("Run Day", required=True, index=True)
    activity_id = fields.Many2one(
        "mail.activity", ondelete="set null", index="btree_not_null"
    )
    activity_type_id = fields.Many2one(related="rule_id.activity_type_id")
    date_deadline = fields.Date("Deadline")
    date_done = fields.Date("Done On")
    state = fields.Selection(
        [
            ("open", "To Do"),
            ("done", "Done"),
            ("executed", "Executed by the System"),
            ("cancelled", "Cancelled"),
            ("closed", "Closed (Case Paid Up)"),
            ("skipped", "Skipped (Entered Overdue)"),
        ],
        required=True,
        default="open",
        index=True,
    )
    done_late = fields.Boolean(readonly=True, index=True)
    done_by_id = fields.Many2one("res.users", "Done By", readonly=True)
    cancel_reason = fields.Text("Cancellation Reason", readonly=True)
    cancelled_by_id = fields.Many2one("res.users", "Cancelled By", readonly=True)
    is_overdue = fields.Boolean(
        "Overdue Task", compute="_compute_is_overdue", search="_search_is_overdue"
    )

    _once = models.UniqueIndex(
        "(rule_id, res_model, res_id, period, role_code)",
        "The escalation rule already acted on this record for this period.",
    )

    @api.depends("state", "date_deadline")
    def _compute_is_overdue(self):
        today = self.env.company._lease_today()
        for log in self:
            log.is_overdue = bool(
                log.state == "open" and log.date_deadline and log.date_deadline < today
            )

    def _search_is_overdue(self, operator, value):
        if operator != "in":
            return NotImplemented
        today = self.env.company._lease_today()
        overdue = [("state", "=", "open"), ("date_deadline", "<", today)]
        if True in value:
            return overdue
        return ["!", "&", *overdue]

    def _mark_done(self, day):
        """The activity behind these rows was marked done on ``day``. Internal: called by
        ``mail.activity._action_done`` once Odoo let the user mark the task done."""
        todo = self.sudo().filtered(lambda log: log.state == "open")
        late = todo.filtered(lambda log: log.date_deadline and log.date_deadline < day)
        vals = {"state": "done", "date_done": day, "done_by_id": self.env.uid}
        late.write(dict(vals, done_late=True))
        (todo - late).write(vals)

    def _lease_close(self, state, reason=False):
        """Close the open rows as ``cancelled`` (with the reason and who cancelled) or
        ``closed`` (case paid up). Internal: the callers checked who asks."""
        todo = self.sudo().filtered(lambda log: log.state == "open")
        if not todo:
            return
        vals = {"state": state, "date_done": self.env.company._lease_today()}
        if state == "cancelled":
            vals.update(cancel_reason=reason or False, cancelled_by_id=self.env.uid)
        elif reason:
            vals["cancel_reason"] = reason
        todo.write(vals)

    def _lease_reassign(self, user):
        """The task of the open rows was handed to ``user``. Internal."""
        self.sudo().filtered(lambda log: log.state == "open").write(
            {"user_id": user.id}
        )

    def action_open_target(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "view_mode": "form",
        }
