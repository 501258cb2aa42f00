from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

DISPOSAL_STATES = [
    ("draft", "Plan"),
    ("to_approve", "Submitted to Committee"),
    ("approved", "Plan Approved"),
    ("in_progress", "In Execution"),
    ("done", "Disposed"),
    ("decided", "Recourse Decided"),
    ("refused", "Plan Refused"),
    ("cancelled", "Cancelled"),
]
GROUP_AM = "lease_overdue.group_asset_management"
GROUP_COMMITTEE = "lease_overdue.group_review_committee"
GROUP_GM = "lease_overdue.group_general_manager"
GROUP_FINANCE = "lease_overdue.group_finance"
GROUP_RISK = "lease_overdue.group_risk_management"


class LeaseDisposal(models.Model):
    """Asset disposal of a collection case (资产处置, SPEC X1, E6, E8, E9).

    Asset management drafts the plan (D9 L192), the review committee approves it, asset
    management executes it (L196); finance records proceeds and costs and reports the
    profit and loss (L197); the review committee, then the general manager decide on
    further recourse. Once disposed, the lessee goes on the blacklist (L201), and risk
    management decides which guarantors join it.

    P&L = proceeds - costs - outstanding claim (negative: a loss still owed).
    """

    _name = "lease.disposal"
    _description = "Asset Disposal"
    _inherit = [
        "lease.guard.mixin",
        "lease.approval.mixin",
        "lease.case.link.mixin",
        "mail.thread",
        "mail.activity.mixin",
        "lease.case.step.mixin",
    ]
    _order = "id desc"
    _check_company_auto = True
    _mail_post_access = "read"
    # Written only by the transitions below (issue "Integrity", SPEC A3).
    _lease_guarded_fields = (
        "state",
        "review_ids",
        "origin",
        "date_execution_due",
        "submitted_by_id",
        "date_submitted",
        "approved_by_id",
        "date_approved",
        "date_started",
        "date_done",
        "done_by_id",
        "committee_decision_by_id",
        "date_committee_decision",
        "gm_decision_by_id",
        "date_gm_decision",
    )
    _lease_fixed_fields = ("name", "case_id")
    # Once its collection case is closed: stopped (cancelled), or the recourse decided
    # on a disposal already done (SPEC E14).
    _lease_closed_case_states = ("cancelled", "decided")
    # The plan's approval circuit (lease.approval.mixin; default: the review
    # committee). The recourse decision is the committee's then the general
    # manager's approval of finance's profit and loss report (D9 L197).
    _state_from = ["to_approve"]
    _state_to = ["approved"]
    _cancel_state = "cancelled"
    # The plan is frozen once submitted; the committee's comment and recourse decision,
    # the responsible person and risk management's choice of guarantors stay open.
    _lease_open_states = ("draft", "refused")
    _lease_frozen_writable = (
        "decision_comment",
        "committee_comment",
        "decision",
        "decision_note",
        "user_id",
        "guarantor_blacklist_ids",
        # recomputed when the execution starts; the users' edits are checked in write()
        "claim_amount",
    )

    name = fields.Char("Number", required=True, readonly=True, default="/", copy=False)
    vendor_objection = fields.Boolean(related="case_id.vendor_objection")
    deferral_until = fields.Date(related="case_id.deferral_until")
    origin = fields.Selection(
        [
            ("escalation", "Overdue Escalation"),
            ("committee", "Review Committee Decision"),
            ("manual", "Manual"),
        ],
        default="manual",
        required=True,
        readonly=True,
        help="Escalation: drafted when the lessee reached tier 3 (D9 L192). Review "
        "committee: sent straight to disposal at month end (D9 L186).",
    )
    method = fields.Selection(
        [
            ("collection", "Collection"),
            ("recovery", "Recovery"),
            ("litigation", "Litigation"),
            ("transfer", "Transfer to a Third Party"),
            ("sale", "Sale"),
            ("restructuring", "Restructuring"),
        ],
        tracking=True,
        help="Disposal methods of D1 L12 and D7 L135.",
    )
    state = fields.Selection(
        DISPOSAL_STATES,
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
        index=True,
        copy=False,
    )
    user_id = fields.Many2one(
        "res.users", "Responsible", tracking=True, default=lambda self: self.env.user
    )
    plan = fields.Html("Disposal Plan")
    asset_ids = fields.Many2many(
        "lease.asset",
        string="Assets to Dispose",
        domain="[('contract_id', '=', contract_id)]",
    )
    date_execution_due = fields.Date(
        "Execution Due",
        readonly=True,
        help="Day the lessee passed 45 days overdue: the plan must be executed (D9 L196).",
    )
    submitted_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    date_submitted = fields.Datetime(readonly=True, copy=False)
    approved_by_id = fields.Many2one(
        "res.users", "Plan Approved By", readonly=True, copy=False, tracking=True
    )
    date_approved = fields.Datetime("Plan Approved On", readonly=True, copy=False)
    committee_comment = fields.Text("Committee Comment", tracking=True)
    date_started = fields.Date("Execution Started", readonly=True, copy=False)
    date_done = fields.Date("Disposed On", readonly=True, copy=False)
    done_by_id = fields.Many2one(
        "res.users", "Disposal Closed By", readonly=True, copy=False
    )

    line_ids = fields.One2many(
        "lease.disposal.line", "disposal_id", "Proceeds and Costs"
    )
    amount_proceeds = fields.Monetary(
        "Proceeds", compute="_compute_amounts", store=True
    )
    amount_costs = fields.Monetary("Costs", compute="_compute_amounts", store=True)
    claim_amount = fields.Monetary(
        "Outstanding Claim",
        compute="_compute_claim_amount",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        help="Overdue rent, unpaid penalty, invoiced rent not yet due and the principal of "
        "the installments not yet invoiced, when the disposal was planned.",
    )
    amount_pnl = fields.Monetary(
        "Profit or Loss",
        compute="_compute_amounts",
        store=True,
        help="Proceeds - costs - outstanding claim.",
    )
    document_ids = fields.One2many("lease.document", "disposal_id", "Documents")
    pnl_report_id = fields.Many2one(
        "lease.document", "P&L Report", compute="_compute_pnl_report_id"
    )
    decision = fields.Selection(
        [
            ("recourse", "Further Recourse"),
            ("write_off", "Write Off"),
            ("close", "Close"),
        ],
        "Recourse Decision",
        tracking=True,
        copy=False,
    )
    decision_note = fields.Text(tracking=True)
    committee_decision_by_id = fields.Many2one(
        "res.users", "Decided by Committee Member", readonly=True, copy=False
    )
    date_committee_decision = fields.Datetime(readonly=True, copy=False)
    gm_decision_by_id = fields.Many2one(
        "res.users", "Confirmed by General Manager", readonly=True, copy=False
    )
    date_gm_decision = fields.Datetime(readonly=True, copy=False)
    blacklist_entry_ids = fields.One2many(
        "lease.blacklist.entry", "disposal_id", "Blacklist Entries"
    )
    guarantor_ids = fields.Many2many(
        related="contract_id.guarantor_ids", string="Guarantors"
    )
    guarantor_blacklist_ids = fields.Many2many(
        "res.partner",
        "lease_disposal_guarantor_blacklist_rel",
        "disposal_id",
        "partner_id",
        string="Guarantors to Blacklist",
        domain="[('id', 'in', guarantor_ids)]",
        help="Risk management decides which guarantors join the blacklist (D9 L201).",
    )

    @api.depends("line_ids.amount", "line_ids.line_type", "claim_amount")
    def _compute_amounts(self):
        for disposal in self:
            proceeds = sum(
                disposal.line_ids.filtered(
                    lambda line: line.line_type == "proceeds"
                ).mapped("amount")
            )
            costs = sum(
                disposal.line_ids.filtered(
                    lambda line: line.line_type == "cost"
                ).mapped("amount")
            )
            disposal.amount_proceeds = proceeds
            disposal.amount_costs = costs
            disposal.amount_pnl = proceeds - costs - disposal.claim_amount

    @api.depends("case_id")
    def _compute_claim_amount(self):
        claims = self._outstanding_claims()
        for disposal in self:
            disposal.claim_amount = claims.get(disposal.case_id.contract_id.id, 0.0)

    def _outstanding_claims(self):
        """Outstanding claim per contract id: rent invoiced and unpaid, the principal of
        rent not invoiced yet, and the unpaid penalty (one grouped query)."""
        contracts = self.case_id.contract_id.sudo()
        groups = (
            self.env["lease.installment"]
            .sudo()
            ._read_group(
                [("contract_id", "in", contracts.ids), ("state", "!=", "paid")],
                ["contract_id", "state"],
                ["amount_residual:sum", "amount_principal:sum"],
            )
        )
        claims = {contract.id: contract.penalty_amount for contract in contracts}
        for contract, state, residual, principal in groups:
            amount = residual if state in ("invoiced", "overdue") else principal
            claims[contract.id] = claims.get(contract.id, 0.0) + amount
        return claims

    @api.depends("document_ids.kind", "document_ids.state")
    def _compute_pnl_report_id(self):
        for disposal in self:
            reports = disposal.document_ids.filtered(
                lambda d: d.kind == "pnl_report" and d.state != "cancelled"
            )
            disposal.pnl_report_id = reports[:1]

    @api.model_create_multi
    def create(self, vals_list):
        self.env["ir.sequence"]._lease_name_new("lease.disposal", vals_list)
        return super().create(vals_list)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_drafts(self):
        if any(
            disposal.state not in ("draft", "cancelled") or disposal.line_ids
            for disposal in self
        ):
            raise UserError(
                self.env._("Only a disposal plan still in draft can be deleted.")
            )

    # ------------------------------------------------------------------
    def _check_group(self, group, message):
        if not self.env.su and not self.env.user.has_group(group):
            raise AccessError(message)

    def _check_not_stopped(self):
        """E10: a decided stop on a vendor's written objection stops the disposal; E11: an
        approved deferral pauses it until its end date."""
        today = self.env.company._lease_today()
        stopped = self.case_id._lease_objection_stopped("disposal")
        for disposal in self:
            if disposal.case_id in stopped:
                raise UserError(
                    self.env._(
                        "The vendor objected in writing under its buy-back guarantee and the "
                        "head of asset management stopped the disposal: %(disposal)s is not "
                        "executed.",
                        disposal=disposal.name,
                    )
                )
            if disposal.deferral_until and disposal.deferral_until >= today:
                raise UserError(
                    self.env._(
                        "The disposal of %(disposal)s is deferred until %(date)s.",
                        disposal=disposal.name,
                        date=disposal.deferral_until,
                    )
                )

    def action_submit(self):
        """Asset management submits the plan to the review committee (D9 L192)."""
        self._check_group(
            GROUP_AM, self.env._("Asset management submits disposal plans.")
        )
        self._check_state("draft")
        for disposal in self:
            if not disposal.method or not disposal.plan:
                raise UserError(
                    self.env._(
                        "Choose the disposal method and describe the plan "
                        "of %(disposal)s first.",
                        disposal=disposal.name,
                    )
                )
        self.sudo().write(
            {
                "state": "to_approve",
                "submitted_by_id": self.env.uid,
                "date_submitted": fields.Datetime.now(),
            }
        )
        if self._lease_request_approvals():
            raise UserError(
                self.env._(
                    "The approval circuit of disposal plans is missing: ask the "
                    "configuration manager to restore it (Configuration > Approval "
                    "Circuits)."
                )
            )
        return True

    def action_approve_plan(self):
        """The review committee approves the plan (its step of the plan's circuit)."""
        self._check_group(
            GROUP_COMMITTEE,
            self.env._("Only the review committee approves a disposal plan."),
        )
        self._check_state("to_approve")
        return self.action_approve()

    def action_refuse_plan(self):
        self._check_group(
            GROUP_COMMITTEE,
            self.env._("Only the review committee refuses a disposal plan."),
        )
        self._check_state("to_approve")
        for disposal in self:
            if not (disposal.committee_comment or "").strip():
                raise UserError(
                    self.env._("Write the committee's reason in its comment.")
                )
            disposal.action_refuse(comment=disposal.committee_comment)
        return True

    # Hooks of lease.approval.mixin ----------------------------------------
    def _lease_signature_values(self, review):
        return {
            "approved_by_id": review.done_by.id,
            "date_approved": review.reviewed_date,
        }

    def action_reset_draft(self):
        self._check_group(
            GROUP_AM, self.env._("Asset management reworks disposal plans.")
        )
        self._check_state("refused", "to_approve")
        self._lease_archive_reviews()
        self.sudo().write({"state": "draft"})
        return True

    def action_start(self):
        """Execute the approved plan (D9 L196), unless stopped (E10) or deferred (E11)."""
        self._check_group(GROUP_AM, self.env._("Asset management executes disposals."))
        self._check_state("approved")
        self._check_not_stopped()
        claims = self._outstanding_claims()
        for disposal in self:
            disposal.sudo().write(
                {
                    "state": "in_progress",
                    "date_started": self.env.company._lease_today(),
                    "claim_amount": claims.get(
                        disposal.contract_id.id, disposal.claim_amount
                    ),
                }
            )
        return True

    def action_done(self):
        """The disposal is over: finance can report its P&L; the lessee is blacklisted
        (D9 L201) and risk management is asked about the guarantors."""
        self._check_group(GROUP_AM, self.env._("Asset management closes disposals."))
        self._check_state("in_progress")
        today = self.env.company._lease_today()
        self.sudo().write(
            {"state": "done", "date_done": today, "done_by_id": self.env.uid}
        )
        assets = self.filtered(lambda d: d.method in ("sale", "transfer")).asset_ids
        if assets:
            assets.sudo().write({"state": "disposed"})
        entries = (
            self.env["lease.blacklist.entry"]
            .sudo()
            ._blacklist_partners(
                [
                    (disposal.partner_id.commercial_partner_id, disposal)
                    for disposal in self
                ]
            )
        )
        with_guarantors = self.filtered("guarantor_ids")
        risk_heads = self.env["res.company"]._lease_heads_of(
            with_guarantors, "risk_management"
        )
        activities = []
        model_id = self.env["ir.model"]._get_id(self._name)
        for disposal in with_guarantors:
            # the company's head of risk management (issue 12 item 4), else the
            # asset-management user who executed the disposal
            head = risk_heads[disposal.id] or self.env.user
            # In the head's language, else the company's (issue 11 item 3).
            env = disposal.company_id._lease_env(head)
            activities.append(
                {
                    "res_model_id": model_id,
                    "res_id": disposal.id,
                    "activity_type_id": self.env.ref("mail.mail_activity_data_todo").id,
                    "summary": env._("Decide which guarantors join the blacklist"),
                    "user_id": head.id,
                    "date_deadline": today,
                }
            )
        self.env["mail.activity"].sudo().with_context(
            mail_activity_quick_update=True
        ).create(activities)
        return entries

    def action_create_pnl_report(self):
        """Finance reports the project's profit and loss after the disposal (D9 L197)."""
        self._check_group(
            GROUP_FINANCE, self.env._("Finance reports a disposal's profit and loss.")
        )
        self._check_state("done")
        reports = self.env["lease.document"]
        for disposal in self:
            report = disposal.pnl_report_id
            if not report:
                report = self.env["lease.document"].create(
                    {
                        "kind": "pnl_report",
                        "case_id": disposal.case_id.id,
                        "disposal_id": disposal.id,
                        "amount_proceeds": disposal.amount_proceeds,
                        "amount_costs": disposal.amount_costs,
                        "amount_claim": disposal.claim_amount,
                        "amount_pnl": disposal.amount_pnl,
                    }
                )
            reports |= report
        if len(reports) == 1:
            return {
                "type": "ir.actions.act_window",
                "res_model": "lease.document",
                "res_id": reports.id,
                "view_mode": "form",
            }
        return True

    def action_committee_decide(self):
        """The review committee decides on further recourse: its approval of finance's
        signed profit and loss report (D9 L197; one approval mechanism)."""
        self._check_group(
            GROUP_COMMITTEE,
            self.env._("Only the review committee decides on further recourse."),
        )
        self._check_state("done")
        for disposal in self:
            report = disposal.pnl_report_id
            if not report or report.state != "to_approve" or not report.signed_by_id:
                raise UserError(
                    self.env._(
                        "Finance's profit and loss report of %(disposal)s must be approved first.",
                        disposal=disposal.name,
                    )
                )
            # the decision itself is checked where every door ends:
            # _lease_recourse_decided (called by the report's approval)
            disposal._decide_on_report("review_committee")
        return True

    def action_gm_confirm(self):
        """The general manager confirms the committee's recourse decision: his
        approval of the profit and loss report, after the committee's."""
        self._check_group(
            GROUP_GM,
            self.env._("Only the general manager confirms the recourse decision."),
        )
        self._check_state("done")
        for disposal in self:
            if not disposal.committee_decision_by_id:
                raise UserError(
                    self.env._(
                        "The review committee decides on %(disposal)s first.",
                        disposal=disposal.name,
                    )
                )
            disposal._decide_on_report("general_manager")
        return True

    def _decide_on_report(self, role):
        self.ensure_one()
        report = self.pnl_report_id
        reviews = report._lease_current_reviews(self.env.user).filtered(
            lambda r: r.lease_role == role
        )
        labels = dict(self._fields["decision"]._description_selection(self.env))
        comment = labels.get(self.decision, "")
        if self.decision_note:
            comment = f"{comment}: {self.decision_note}"
        report._lease_decide(
            True, comment=comment, reviews=reviews or self.env["tier.review"]
        )

    def _lease_recourse_decided(self, review):
        """Called by the profit and loss report when the committee or the general
        manager approves it: the evidence of the recourse decision (D9 L197)."""
        self.ensure_one()
        if self.state != "done":
            raise UserError(
                self.env._(
                    "The recourse of %(disposal)s is decided once the disposal is over.",
                    disposal=self.name,
                )
            )
        if not self.decision:
            raise UserError(
                self.env._(
                    "Choose the recourse decision of %(disposal)s.",
                    disposal=self.name,
                )
            )
        now = fields.Datetime.now()
        if review.lease_role == "review_committee":
            self.sudo().write(
                {
                    "committee_decision_by_id": self.env.uid,
                    "date_committee_decision": now,
                }
            )
        elif review.lease_role == "general_manager":
            if not self.committee_decision_by_id:
                raise UserError(
                    self.env._(
                        "The review committee decides on %(disposal)s first.",
                        disposal=self.name,
                    )
                )
            self.sudo().write(
                {
                    "state": "decided",
                    "gm_decision_by_id": self.env.uid,
                    "date_gm_decision": now,
                }
            )

    def action_blacklist_guarantors(self):
        """Risk management puts the guarantors it chose on the blacklist (D9 L201)."""
        self._check_group(
            GROUP_RISK, self.env._("Risk management keeps the blacklist.")
        )
        self._check_state("done", "decided")
        pairs = [
            (partner.commercial_partner_id, disposal)
            for disposal in self
            for partner in disposal.guarantor_blacklist_ids
        ]
        if not pairs:
            raise UserError(self.env._("Choose the guarantors to blacklist first."))
        return self.env["lease.blacklist.entry"]._blacklist_partners(pairs)

    def action_cancel(self):
        self._check_group(
            GROUP_AM, self.env._("Asset management cancels disposal plans.")
        )
        # a disposal in execution stops when its case was paid in full (a person
        # decides: issue 9, item 4)
        stopped = self.filtered(
            lambda d: d.state == "in_progress" and d.case_id.state == "closed"
        )
        (self - stopped)._check_state("draft", "to_approve", "approved", "refused")
        self.sudo().write({"state": "cancelled"})
        return True

    def write(self, vals):
        if "decision" in vals or "decision_note" in vals:
            self._check_group(
                GROUP_COMMITTEE,
                self.env._("Only the review committee records the recourse decision."),
            )
            for disposal in self:
                if disposal.committee_decision_by_id:
                    raise UserError(
                        self.env._(
                            "The recourse decision of %(disposal)s has "
                            "been taken: it cannot be changed.",
                            disposal=disposal.name,
                        )
                    )
        if "claim_amount" in vals and any(
            d.state in ("done", "decided")
            or (not self.env.su and d.state not in ("draft", "refused"))
            for d in self
        ):
            raise UserError(
                self.env._(
                    "The outstanding claim of a finished disposal cannot change."
                )
            )
        return super().write(vals)
