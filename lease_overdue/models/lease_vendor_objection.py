from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

FROZEN_FIELDS = frozenset(
    {"case_id", "date_received", "notice_attachment_ids", "line_ids"}
)

# What a vendor may object to (D9 L193: the tier 3 plan of L190-L192; L198: the tier 4
# disposal). The tier 4 lawsuit (L195) is the end of the tier 3 litigation plan: it
# stops only where the litigation was stopped. The D8 litigation rules (L157, L160,
# L161) follow the same decision.
OBJECTION_SCOPES = [
    ("litigation", "Lawyer's letter and lawsuit (D9 L190, L195; D8 litigation)"),
    ("guarantor_notice", "Guarantor notice (D9 L191)"),
    ("documents_check", "Collateral and guarantee files check (D9 L191)"),
    ("disposal_plan", "Disposal plan (D9 L192)"),
    ("disposal", "Disposal execution (D9 L196, L198)"),
]

# Who decides for the company ("可以停止", D9 L193, L198): the head of the department that
# carries the action out. Legal & compliance sends the letter, sues, writes to the
# guarantors and checks the files (L190-L191, L195); asset management drafts and
# executes the disposal plan (L192, L196).
SCOPE_DECIDER = {
    "litigation": "lease_overdue.group_legal_head",
    "guarantor_notice": "lease_overdue.group_legal_head",
    "documents_check": "lease_overdue.group_legal_head",
    "disposal_plan": "lease_overdue.group_asset_management_head",
    "disposal": "lease_overdue.group_asset_management_head",
}


class LeaseVendorObjection(models.Model):
    """A vendor's written objection under its buy-back guarantee (SPEC E10, D9 L193, L198).

    Only for contracts with a vendor buy-back guarantee; the written notice is attached and
    kept. It lists what the vendor objects to (one line per part of the plan); the
    company *may* stop it (L193 "可以"): the head of the department that carries the part
    out decides, line by line, to stop it or to continue. Only a decided stop stops
    anything, and only the part decided, while the objection stands.
    """

    _name = "lease.vendor.objection"
    _description = "Vendor Objection"
    _inherit = ["lease.guard.mixin", "lease.case.link.mixin", "mail.thread"]
    _order = "date_received desc, id desc"
    _check_company_auto = True
    _mail_post_access = "read"
    _lease_guarded_fields = ("state", "date_withdrawn", "recorded_by_id")

    name = fields.Char(compute="_compute_name")
    vendor_id = fields.Many2one(
        related="contract_id.vendor_id", store=True, string="Vendor"
    )
    date_received = fields.Date(
        "Notice Received On",
        required=True,
        default=lambda self: self.env.company._lease_today(),
    )
    notice_attachment_ids = fields.Many2many(
        "ir.attachment",
        "lease_vendor_objection_attachment_rel",
        "objection_id",
        "attachment_id",
        string="Written Notice",
        help="The vendor's written notice that it disagrees with the actions (kept).",
    )
    note = fields.Text()
    recorded_by_id = fields.Many2one(
        "res.users", "Recorded By", readonly=True, default=lambda self: self.env.user
    )
    state = fields.Selection(
        [("active", "In Force"), ("withdrawn", "Withdrawn")],
        default="active",
        required=True,
        readonly=True,
        tracking=True,
    )
    date_withdrawn = fields.Date(readonly=True)
    line_ids = fields.One2many(
        "lease.vendor.objection.line",
        "objection_id",
        "Objected Actions",
        help="What the vendor objects to; each is decided by the head responsible for it.",
    )

    @api.depends("vendor_id", "date_received")
    def _compute_name(self):
        for objection in self:
            objection.name = self.env._(
                "Objection of %(vendor)s (%(date)s)",
                vendor=objection.vendor_id.display_name or "-",
                date=objection.date_received,
            )

    @api.constrains("case_id", "notice_attachment_ids")
    def _check_buyback(self):
        for objection in self:
            contract = objection.case_id.contract_id
            if not contract.has_buyback_guarantee or not contract.vendor_id:
                raise ValidationError(
                    self.env._(
                        "Contract %(contract)s has no vendor buy-back guarantee: a vendor's "
                        "objection is recorded only under a buy-back guarantee (D9 L193, "
                        "L198).",
                        contract=contract.name,
                    )
                )
            if not objection.notice_attachment_ids:
                raise ValidationError(self.env._("Attach the vendor's written notice."))

    @api.model
    def _lease_line_scopes(self, commands):
        """The scopes given as ``line_ids`` creation commands (the only ones accepted)."""
        scopes = []
        for command in commands or []:
            if command[0] != Command.CREATE or not (command[2] or {}).get("scope"):
                raise UserError(
                    self.env._(
                        "The objected actions are given when the objection is recorded."
                    )
                )
            scopes.append(command[2]["scope"])
        if not scopes:
            raise ValidationError(
                self.env._(
                    "Say what the vendor objects to: add at least one objected action "
                    "(lawyer's letter and lawsuit, guarantor notice, files check, "
                    "disposal plan or disposal execution)."
                )
            )
        return scopes

    @api.model_create_multi
    def create(self, vals_list):
        # The objected actions are born with the objection, from its written notice, and
        # never added afterwards: only this method creates them (the lines' access rights
        # allow nobody to).
        scopes_list = [
            self._lease_line_scopes(vals.pop("line_ids", None)) for vals in vals_list
        ]
        objections = super().create(vals_list)
        self.env["lease.vendor.objection.line"].sudo().create(
            [
                {"objection_id": objection.id, "scope": scope}
                for objection, scopes in zip(objections, scopes_list, strict=True)
                for scope in dict.fromkeys(scopes)
            ]
        )
        # the vendor's written notice is kept as received (E10, A3)
        objections.sudo().notice_attachment_ids.write({"lease_sealed": True})
        objections._sync_case_flag()
        for objection in objections:
            env = objection.case_id.company_id._lease_env()
            objection.case_id.sudo().message_post(
                body=env._(
                    "%(vendor)s objected in writing under its buy-back guarantee to: "
                    "%(scopes)s. Nothing stops until the responsible head decides.",
                    vendor=objection.vendor_id.display_name,
                    scopes=", ".join(
                        objection.line_ids.with_env(env).mapped("scope_label")
                    ),
                )
            )
        return objections

    def write(self, vals):
        if FROZEN_FIELDS.intersection(vals):
            raise UserError(
                self.env._(
                    "A recorded objection and its written notice are kept "
                    "as received: withdraw it instead."
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(
            self.env._(
                "A vendor's written objection is kept: withdraw it "
                "instead of deleting it."
            )
        )

    def action_withdraw(self):
        """The vendor withdrew its objection: what was stopped resumes."""
        self.check_access("write")
        self.filtered(lambda o: o.state == "active").sudo().write(
            {
                "state": "withdrawn",
                "date_withdrawn": self.env.company._lease_today(),
            }
        )
        self._sync_case_flag()
        return True

    def _sync_case_flag(self):
        """case.vendor_objection is True while one objection of the case is in force."""
        cases = self.case_id
        active = self.search([("case_id", "in", cases.ids), ("state", "=", "active")])
        with_objection = active.case_id
        (cases & with_objection).filtered(
            lambda c: not c.vendor_objection
        ).sudo().write({"vendor_objection": True})
        (cases - with_objection).filtered("vendor_objection").sudo().write(
            {"vendor_objection": False}
        )


class LeaseVendorObjectionLine(models.Model):
    """One action a vendor objects to, and the company's decision on it (D9 L193, L198,
    SPEC E10): stop it or continue, by the head responsible for it, with who and when."""

    _name = "lease.vendor.objection.line"
    _description = "Vendor Objection: Objected Action"
    _inherit = ["lease.guard.mixin"]
    _order = "objection_id, id"
    _lease_guarded_fields = ("decision", "decided_by_id", "date_decided")
    _lease_fixed_fields = ("objection_id", "scope")

    objection_id = fields.Many2one(
        "lease.vendor.objection",
        required=True,
        index=True,
        ondelete="cascade",
    )
    case_id = fields.Many2one(
        related="objection_id.case_id", store=True, index=True, string="Case"
    )
    company_id = fields.Many2one(related="objection_id.company_id", store=True)
    objection_state = fields.Selection(
        related="objection_id.state", store=True, string="Objection Status"
    )
    scope = fields.Selection(OBJECTION_SCOPES, "Objected Action", required=True)
    scope_label = fields.Char(compute="_compute_scope_label")
    decision = fields.Selection(
        [("pending", "To Decide"), ("stop", "Stop"), ("continue", "Continue")],
        default="pending",
        required=True,
        readonly=True,
    )
    decided_by_id = fields.Many2one("res.users", "Decided By", readonly=True)
    date_decided = fields.Date("Decided On", readonly=True)
    decision_note = fields.Char("Reason")

    _scope_once = models.Constraint(
        "UNIQUE(objection_id, scope)",
        "An objection lists each objected action once.",
    )

    @api.depends("scope")
    def _compute_scope_label(self):
        labels = dict(self._fields["scope"]._description_selection(self.env))
        for line in self:
            line.scope_label = labels.get(line.scope, "")

    def _lease_decide(self, decision):
        self.check_access("read")
        groups = {
            "lease_overdue.group_legal_head": self.env._(
                "the head of legal & compliance"
            ),
            "lease_overdue.group_asset_management_head": self.env._(
                "the head of asset management"
            ),
        }
        for line in self:
            group = SCOPE_DECIDER[line.scope]
            if not self.env.user.has_group(group):
                raise AccessError(
                    self.env._(
                        "Only %(head)s decides whether to stop %(action)s after a vendor's "
                        "objection.",
                        head=groups[group],
                        action=line.scope_label,
                    )
                )
            if line.objection_state != "active":
                raise UserError(
                    self.env._(
                        "%(objection)s was withdrawn: nothing is left to decide.",
                        objection=line.objection_id.name,
                    )
                )
            if line.decision != "pending":
                raise UserError(
                    self.env._(
                        "%(action)s was already decided by %(user)s on %(date)s.",
                        action=line.scope_label,
                        user=line.decided_by_id.name,
                        date=line.date_decided,
                    )
                )
        today = self.env.company._lease_today()
        self.sudo().write(
            {
                "decision": decision,
                "decided_by_id": self.env.user.id,
                "date_decided": today,
            }
        )
        for line in self:
            env = line.case_id.company_id._lease_env()
            line.case_id.sudo().message_post(
                body=env._(
                    "%(user)s decided on the vendor's objection: %(action)s %(decision)s.",
                    user=self.env.user.name,
                    action=line.with_env(env).scope_label,
                    decision=env._("stops")
                    if decision == "stop"
                    else env._("continues"),
                )
            )
        return True

    def action_decide_stop(self):
        """The responsible head decides to stop the objected action (D9 L193, L198)."""
        return self._lease_decide("stop")

    def action_decide_continue(self):
        """The responsible head decides to go on despite the objection."""
        return self._lease_decide("continue")
