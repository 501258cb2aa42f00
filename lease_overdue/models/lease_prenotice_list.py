from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .lease_collection_record import LEVELS
from .lease_escalation_rule import activity_list_note


class LeasePrenoticeList(models.Model):
    """The pre-due list risk management sends an account manager at 10:00 on each of the
    7 days before a due date; he answers by 16:00 with each customer's willingness and
    ability to pay (D5 L95, SPEC R5)."""

    _name = "lease.prenotice.list"
    _description = "Pre-due List"
    _inherit = ["lease.guard.mixin", "mail.thread", "mail.activity.mixin"]
    # Sent by the 10:00 job, answered by its account manager (R5, A3).
    _lease_guarded_fields = (
        "state",
        "date",
        "user_id",
        "company_id",
        "date_deadline",
        "line_ids",
        "date_answered",
        "answered_late",
    )
    _lease_open_states = ("sent",)
    _lease_unlink_states = ()
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    date = fields.Date(required=True, readonly=True, index=True)
    user_id = fields.Many2one(
        "res.users", "Account Manager", required=True, readonly=True, index=True
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        readonly=True,
        default=lambda self: self.env.company,
    )
    date_deadline = fields.Datetime("Feedback Due", required=True, readonly=True)
    line_ids = fields.One2many("lease.prenotice.feedback", "list_id", "Customers Due")
    state = fields.Selection(
        [("sent", "Waiting for Feedback"), ("answered", "Answered")],
        default="sent",
        required=True,
        readonly=True,
        index=True,
        tracking=True,
    )
    date_answered = fields.Datetime(readonly=True)
    answered_late = fields.Boolean(readonly=True)
    line_count = fields.Integer(compute="_compute_line_count")

    _one_per_day = models.UniqueIndex(
        "(user_id, company_id, date)", "An account manager gets one pre-due list a day."
    )

    @api.depends("user_id", "date")
    def _compute_name(self):
        for lst in self:
            lst.name = self.env._(
                "Pre-due list of %(date)s - %(user)s",
                date=lst.date,
                user=lst.user_id.name,
            )

    def _compute_line_count(self):
        for lst in self:
            lst.line_count = len(lst.line_ids)

    def _schedule_feedback_activity(self):
        """One activity per list for its account manager, due today, with the list."""
        activity_type = self.env.ref("lease_overdue.mail_activity_type_lease_feedback")
        model_id = self.env["ir.model"]._get_id(self._name)
        vals_list = []
        for lst in self:
            # In the account manager's language, else the company's (issue 11 item 3).
            env = lst.company_id._lease_env(lst.user_id)
            rows = [
                (
                    line.partner_id.display_name,
                    line.contract_id.name,
                    fields.Date.to_string(line.date_due),
                    f"{line.amount_due:,.2f}",
                )
                for line in lst.line_ids
            ]
            vals_list.append(
                {
                    "res_model_id": model_id,
                    "res_id": lst.id,
                    "activity_type_id": activity_type.id,
                    "summary": env._(
                        "Report the customers' willingness and ability to pay by 16:00"
                    ),
                    "note": activity_list_note(env._("Customers due:"), rows),
                    "user_id": lst.user_id.id,
                    "date_deadline": lst.date,
                    "automated": True,
                    "lease_department": "business",
                }
            )
        return (
            self.env["mail.activity"]
            .sudo()
            .with_context(mail_activity_quick_update=True)
            .create(vals_list)
        )

    def action_send_feedback(self):
        """The account manager sends his answers back to risk management."""
        now = fields.Datetime.now()
        for lst in self:
            if lst.state != "sent":
                raise UserError(
                    self.env._("%(list)s has already been answered.", list=lst.name)
                )
            if lst.user_id != self.env.user and not self.env.su:
                raise AccessError(
                    self.env._(
                        "Only %(user)s answers his own pre-due list.",
                        user=lst.user_id.name,
                    )
                )
            missing = lst.line_ids.filtered(
                lambda line: not (line.willingness and line.ability)
            )
            if missing:
                raise UserError(
                    self.env._(
                        "Give the willingness and ability to pay of every customer first: "
                        "%(customers)s.",
                        customers=", ".join(missing.partner_id.mapped("display_name")),
                    )
                )
            lst.sudo().write(
                {
                    "state": "answered",
                    "date_answered": now,
                    "answered_late": now > lst.date_deadline,
                }
            )
            activities = lst.activity_ids.filtered(
                lambda a, user=lst.user_id: a.user_id == user
            )
            activities.sudo().action_feedback(
                feedback=self.env._("Feedback sent to risk management.")
            )
        return True


class LeasePrenoticeFeedback(models.Model):
    """One customer due on an account manager's pre-due list and his feedback (SPEC R5)."""

    _name = "lease.prenotice.feedback"
    _description = "Pre-due Feedback"
    _inherit = ["lease.guard.mixin"]
    _lease_guarded_fields = (
        "state",
        "list_id",
        "contract_id",
        "installment_id",
        "date_feedback",
    )
    _lease_unlink_states = ()
    _order = "date desc, date_due, id"
    _rec_name = "contract_id"

    list_id = fields.Many2one(
        "lease.prenotice.list",
        required=True,
        ondelete="cascade",
        index=True,
        readonly=True,
    )
    date = fields.Date(related="list_id.date", store=True, index=True)
    user_id = fields.Many2one(
        related="list_id.user_id", store=True, index=True, string="Account Manager"
    )
    company_id = fields.Many2one(related="list_id.company_id", store=True, index=True)
    date_deadline = fields.Datetime(related="list_id.date_deadline", store=True)
    contract_id = fields.Many2one(
        "lease.contract", required=True, readonly=True, index=True
    )
    partner_id = fields.Many2one(
        related="contract_id.partner_id", store=True, string="Customer", index=True
    )
    installment_id = fields.Many2one("lease.installment", readonly=True)
    date_due = fields.Date(related="installment_id.date_due", store=True)
    currency_id = fields.Many2one(related="installment_id.currency_id")
    amount_due = fields.Monetary(
        related="installment_id.amount_rent", string="Rent Due"
    )
    willingness = fields.Selection(LEVELS, "Willingness to Pay")
    ability = fields.Selection(LEVELS, "Ability to Pay")
    note = fields.Char()
    date_feedback = fields.Datetime("Answered On", readonly=True)
    state = fields.Selection(
        [("pending", "Waiting"), ("given", "Answered")],
        default="pending",
        required=True,
        readonly=True,
        index=True,
    )
    is_missing = fields.Boolean(
        "Feedback Missing",
        compute="_compute_is_missing",
        search="_search_is_missing",
        help="No feedback and 16:00 has passed.",
    )

    _one_line = models.UniqueIndex(
        "(list_id, contract_id)", "A contract appears once on a pre-due list."
    )

    @api.depends("state", "date_deadline")
    def _compute_is_missing(self):
        now = fields.Datetime.now()
        for line in self:
            line.is_missing = line.state == "pending" and line.date_deadline < now

    def _search_is_missing(self, operator, value):
        if operator != "in":
            return NotImplemented
        missing = [
            "&",
            ("state", "=", "pending"),
            ("date_deadline", "<", fields.Datetime.now()),
        ]
        return missing if True in value else ["!", *missing]

    def _lease_is_frozen(self):
        """An answer sent to risk management stays as it was sent."""
        return self.list_id.state != "sent"

    def write(self, vals):
        if ("willingness" in vals or "ability" in vals) and "state" not in vals:
            result = super().write(vals)
            answered = self.filtered(lambda line: line.willingness and line.ability)
            if answered:
                super(LeasePrenoticeFeedback, answered.sudo()).write(
                    {"state": "given", "date_feedback": fields.Datetime.now()}
                )
            return result
        return super().write(vals)
