import logging
from datetime import date, datetime, timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .lease_constants import DEPARTMENTS, HEAD_GROUPS, MEMBER_GROUPS
from .lease_report_tools import amount_in_words_rmb, money_text, zh_date

_logger = logging.getLogger(__name__)

DOCUMENT_KINDS = [
    ("collection_notice", "Rent Collection Notice"),
    ("lawyer_letter", "Lawyer's Demand Letter"),
    ("litigation_letter", "Pre-litigation Lawyer's Letter"),
    ("guarantor_notice", "Notice to Guarantor"),
    ("vendor_notice", "Notice to Vendor"),
    ("inspection_report", "Asset Inspection Report"),
    ("assessment", "Repayment Capacity Assessment"),
    ("deferral_request", "Disposal Deferral Request"),
    ("pnl_report", "Disposal Profit and Loss Report"),
]
# The department that prepares each kind of document (D9 L174-L200).
KIND_DEPARTMENT = {
    "collection_notice": "asset_management",
    "lawyer_letter": "legal",
    "litigation_letter": "legal",
    "guarantor_notice": "legal",
    "vendor_notice": "asset_management",
    "inspection_report": "asset_management",
    "assessment": "business",
    "deferral_request": "business",
    "pnl_report": "finance",
}
# Letters that leave the company and give the addressee a payment deadline.
OUTGOING_KINDS = (
    "collection_notice",
    "lawyer_letter",
    "litigation_letter",
    "guarantor_notice",
    "vendor_notice",
)
PAYMENT_DAYS = 7  # default payment deadline of a letter, in calendar days
# Fields that make up what is approved and signed: frozen once submitted (SPEC A3).
CONTENT_FIELDS = frozenset(
    {
        "kind",
        "department",
        "case_id",
        "contract_id",
        "recipient_id",
        "inspection_id",
        "company_id",
        "date",
        "days_overdue",
        "amount_overdue",
        "penalty_amount",
        "date_deadline",
        "lawyer_name",
        "law_firm",
        "summary",
        "body",
        "opinion",
        "financial_statement_ids",
        "evidence_ids",
        "date_deferral_end",
        "amount_proceeds",
        "amount_costs",
        "amount_claim",
        "amount_pnl",
        "legal_case_id",
        "disposal_id",
    }
)
ARCHIVE_FIELDS = frozenset({"attachment_id", "content_hash"})
# Approvals the policy itself imposes, whatever the configuration says:
# (sequence, department, signature). The rent collection notice is signed by the head of
# asset management (D9 L174); a disposal deferral is approved by the review committee,
# then by the general manager (D9 L199-L200).
POLICY_APPROVALS = {
    "collection_notice": [(10, "asset_management", True)],
    "deferral_request": [
        (10, "review_committee", False),
        (20, "general_manager", True),
    ],
}


# Chinese names of the departments, as the documents print them.
DEPARTMENT_ZH = {
    "asset_management": "资产管理部",
    "risk_management": "风险管理部",
    "legal": "法律合规部",
    "business": "业务部门",
    "finance": "财务部",
    "review_committee": "评审委员会",
    "general_manager": "总经理",
}
DECISION_ZH = {"approve": "同意", "refuse": "不同意", "pending": "待审批"}


class LeaseDocument(models.Model):
    """Every letter and report the overdue policy names, with its approval circuit
    (SPEC A2, A3, E3, E5, E7, E8, E9, E11).

    draft -> to_approve -> approved -> issued, or refused / cancelled. The approvals a
    kind needs come from its approval circuit (``tier.definition``, configuration; see
    ``lease.approval.mixin``); a department's
    approval is given by its head only, the review committee and the general manager
    decide as themselves. Once submitted, the content is frozen; once issued, the PDF is
    archived with its SHA-256 hash.
    """

    _name = "lease.document"
    _description = "Collection Document"
    _inherit = [
        "lease.guard.mixin",
        "lease.approval.mixin",
        "mail.thread",
        "mail.activity.mixin",
        "lease.report.archive.mixin",
        "lease.case.step.mixin",
    ]
    _order = "date desc, id desc"
    _check_company_auto = True
    _mail_post_access = "read"
    # Written only by submit / approve / refuse / issue / archive (SPEC A3).
    _lease_fixed_fields = ("name",)
    # Once its collection case is closed, a document may only be cancelled (SPEC E14).
    _lease_closed_case_states = ("cancelled",)
    _lease_guarded_fields = (
        "state",
        "review_ids",
        "approval_history_ids",
        "submitted_by_id",
        "date_submitted",
        "signed_by_id",
        "date_signed",
        "issued_by_id",
        "date_issued",
        "attachment_id",
        "content_hash",
        "date_archived",
    )

    name = fields.Char("Number", required=True, readonly=True, default="/", copy=False)
    kind = fields.Selection(DOCUMENT_KINDS, required=True, tracking=True, index=True)
    department = fields.Selection(
        DEPARTMENTS,
        "Owning Department",
        compute="_compute_department",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        index=True,
        help="The department that prepares, submits and issues the document.",
    )
    case_id = fields.Many2one(
        "lease.collection.case",
        "Collection Case",
        index=True,
        ondelete="restrict",
        check_company=True,
        tracking=True,
    )
    contract_id = fields.Many2one(
        "lease.contract",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
        compute="_compute_contract_id",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
    )
    partner_id = fields.Many2one(
        related="contract_id.partner_id", store=True, index=True, string="Lessee"
    )
    recipient_id = fields.Many2one(
        "res.partner",
        "Addressee",
        compute="_compute_recipient_id",
        store=True,
        readonly=False,
        precompute=True,
        help="Who receives the letter: the lessee, a guarantor or the vendor.",
    )
    company_id = fields.Many2one(
        related="contract_id.company_id", store=True, index=True
    )
    currency_id = fields.Many2one(related="contract_id.currency_id")
    legal_case_id = fields.Many2one(
        "lease.legal.case", "Legal Case", index=True, check_company=True
    )
    disposal_id = fields.Many2one(
        "lease.disposal", "Disposal", index=True, check_company=True
    )
    inspection_id = fields.Many2one("lease.asset.inspection", "Inspection")
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("to_approve", "To Approve"),
            ("approved", "Approved"),
            ("issued", "Issued"),
            ("refused", "Refused"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    date = fields.Date(
        "Document Date",
        required=True,
        default=lambda self: self.env.company._lease_today(),
    )

    # Figures of the overdue case, taken when the document is created.
    days_overdue = fields.Integer(
        "Days Overdue", help="Days overdue when the document was created."
    )
    amount_overdue = fields.Monetary("Overdue Rent")
    penalty_amount = fields.Monetary("Penalty Interest")
    date_deadline = fields.Date(
        "Pay By", help="Payment deadline given to the addressee."
    )
    lawyer_name = fields.Char("Lawyer")
    law_firm = fields.Char("Law Firm")
    summary = fields.Text()
    body = fields.Html()
    opinion = fields.Text(
        "Risk Management Opinion",
        help="Risk management's opinion on a repayment capacity assessment (D9 L183).",
    )
    financial_statement_ids = fields.Many2many(
        "ir.attachment",
        "lease_document_statement_rel",
        "document_id",
        "attachment_id",
        string="Monthly Financial Statements",
        help="Required in the assessment of a large-amount contract (D9 L182, SPEC C7).",
    )
    evidence_ids = fields.Many2many(
        "ir.attachment",
        "lease_document_evidence_rel",
        "document_id",
        "attachment_id",
        string="Evidence",
        help="Evidence that the lessee will soon pay again (D9 L199).",
    )
    date_deferral_end = fields.Date(
        "Defer Disposal Until",
        help="End of the disposal deferral requested (SPEC E11).",
    )
    amount_proceeds = fields.Monetary("Disposal Proceeds")
    amount_costs = fields.Monetary("Disposal Costs")
    amount_claim = fields.Monetary("Outstanding Claim")
    amount_pnl = fields.Monetary("Profit or Loss")

    # Approval circuit and who did what when (SPEC A3)
    submitted_by_id = fields.Many2one(
        "res.users", "Submitted By", readonly=True, copy=False
    )
    date_submitted = fields.Datetime("Submitted On", readonly=True, copy=False)
    signed_by_id = fields.Many2one(
        "res.users", "Signed By", readonly=True, copy=False, tracking=True
    )
    date_signed = fields.Datetime("Signed On", readonly=True, copy=False)
    issued_by_id = fields.Many2one(
        "res.users", "Issued By", readonly=True, copy=False, tracking=True
    )
    date_issued = fields.Datetime("Issued On", readonly=True, copy=False)
    attachment_id = fields.Many2one(
        "ir.attachment", "Archived PDF", readonly=True, copy=False
    )
    content_hash = fields.Char(
        "SHA-256", readonly=True, copy=False, help="SHA-256 hash of the archived PDF."
    )
    is_early_litigation = fields.Boolean(
        compute="_compute_is_early_litigation",
        help="A pre-litigation letter prepared before day 30 (D9 L188).",
    )

    _name_company_unique = models.UniqueIndex(
        "(name, company_id) WHERE name != '/'", "A document number must be unique."
    )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("kind")
    def _compute_department(self):
        for doc in self:
            doc.department = KIND_DEPARTMENT.get(
                doc.kind, doc.department or "asset_management"
            )

    @api.depends("case_id")
    def _compute_contract_id(self):
        for doc in self:
            if doc.case_id:
                doc.contract_id = doc.case_id.contract_id

    @api.depends("kind", "contract_id")
    def _compute_recipient_id(self):
        for doc in self:
            if doc.kind == "vendor_notice":
                doc.recipient_id = doc.contract_id.vendor_id
            elif doc.kind == "guarantor_notice":
                guarantors = doc.contract_id.guarantor_ids
                if doc.recipient_id not in guarantors:
                    doc.recipient_id = guarantors[:1]
            elif doc.kind in OUTGOING_KINDS:
                doc.recipient_id = doc.contract_id.partner_id
            else:
                doc.recipient_id = False

    @api.depends("kind", "days_overdue")
    def _compute_is_early_litigation(self):
        for doc in self:
            doc.is_early_litigation = (
                doc.kind == "litigation_letter" and doc.days_overdue < 30
            )

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    @api.constrains("state")
    def _check_state_approvals(self):
        """No document is approved or issued without its required approvals; a rent
        collection notice goes out only signed by the asset-management head (E3)."""
        for doc in self:
            if doc.state in ("approved", "issued") and doc._missing_approvals():
                raise ValidationError(
                    self.env._(
                        "%(doc)s still needs the approval of %(roles)s.",
                        doc=doc.display_name,
                        roles=doc._missing_approvals_label(),
                    )
                )
            if doc.state == "issued" and doc._lease_awaits_head_signature():
                raise ValidationError(doc._lease_head_signature_message())

    @api.constrains("kind", "contract_id", "recipient_id")
    def _check_recipient(self):
        for doc in self:
            if (
                doc.kind == "guarantor_notice"
                and doc.recipient_id
                and doc.recipient_id not in doc.contract_id.guarantor_ids
            ):
                raise ValidationError(
                    self.env._(
                        "%(partner)s is not a guarantor of contract %(contract)s.",
                        partner=doc.recipient_id.display_name,
                        contract=doc.contract_id.name,
                    )
                )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        today = self.env.company._lease_today()
        # Snapshot of the case's figures, read for all the documents at once.
        case_ids = {
            v["case_id"]
            for v in vals_list
            if v.get("case_id") and not v.get("contract_id")
        }
        case_contract = {
            case.id: case.contract_id.id
            for case in self.env["lease.collection.case"].sudo().browse(case_ids)
        }
        contract_ids = {
            vals.get("contract_id") or case_contract.get(vals.get("case_id"))
            for vals in vals_list
        } - {None, False}
        contracts = self.env["lease.contract"].sudo().browse(contract_ids)
        # and the contract fields the document's related and precomputed fields read
        # (one query for all: read one by one, each cost a query)
        contracts.fetch(
            [
                "days_overdue",
                "overdue_amount",
                "penalty_amount",
                "partner_id",
                "company_id",
                "currency_id",
                "vendor_id",
                "guarantor_ids",
            ]
        )
        self.env["ir.sequence"]._lease_name_new("lease.document", vals_list)
        for vals in vals_list:
            contract_id = vals.get("contract_id") or case_contract.get(
                vals.get("case_id")
            )
            if contract_id:
                contract = contracts.browse(contract_id)
                vals.setdefault("days_overdue", contract.days_overdue)
                vals.setdefault("amount_overdue", contract.overdue_amount)
                vals.setdefault("penalty_amount", contract.penalty_amount)
            if vals.get("kind") in OUTGOING_KINDS:
                vals.setdefault("date_deadline", today + timedelta(days=PAYMENT_DAYS))
        docs = super().create(vals_list)
        if not self.env.su:
            docs._check_department_member()
        return docs

    def write(self, vals):
        self._check_locked(vals)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_undecided_drafts(self):
        for doc in self:
            if doc.state != "draft":
                raise UserError(
                    self.env._(
                        "%(doc)s has been submitted or decided upon: cancel it instead of "
                        "deleting it.",
                        doc=doc.display_name,
                    )
                )

    def _check_locked(self, vals):
        """Content is frozen once submitted; the archived PDF never changes (SPEC A3)."""
        content = CONTENT_FIELDS.intersection(vals)
        if content:
            for doc in self:
                editable = (
                    ("draft", "to_approve") if content == {"opinion"} else ("draft",)
                )
                if doc.state not in editable:
                    raise UserError(
                        self.env._(
                            "%(doc)s is %(state)s: its content can no longer be changed. "
                            "Signed and approved documents stay as they were signed.",
                            doc=doc.display_name,
                            state=dict(
                                doc._fields["state"]._description_selection(self.env)
                            )[doc.state],
                        )
                    )
            if (
                "opinion" in content
                and not self.env.su
                and not self.env.user.has_group(MEMBER_GROUPS["risk_management"])
            ):
                raise AccessError(
                    self.env._(
                        "Only risk management writes its opinion on an assessment."
                    )
                )
            if not self.env.su and content - {"opinion"}:
                self._check_department_member()
        if ARCHIVE_FIELDS.intersection(vals) and any(doc.content_hash for doc in self):
            raise UserError(
                self.env._("The archived PDF of a document cannot be replaced.")
            )

    # ------------------------------------------------------------------
    # Approval helpers
    # ------------------------------------------------------------------
    @api.model
    def _department_labels(self):
        """{department: label in the user's language}."""
        return dict(self._fields["department"]._description_selection(self.env))

    @api.model
    def _approver_roles(self, user):
        """The departments ``user`` may decide for (SPEC A2)."""
        return {role for role, group in HEAD_GROUPS.items() if user._has_group(group)}

    def _check_department_member(self):
        """Only the owning department prepares, submits and issues a document (A2)."""
        user = self.env.user
        if user._has_group("lease_overdue.group_lease_manager"):
            return
        labels = self._department_labels()
        for doc in self:
            if not user._has_group(MEMBER_GROUPS[doc.department]):
                raise AccessError(
                    self.env._(
                        "%(doc)s belongs to %(department)s: only that department can prepare, "
                        "submit or issue it.",
                        doc=doc.display_name,
                        department=labels[doc.department],
                    )
                )

    def _lease_check_policy_circuit(self):
        """The approvals the policy itself imposes (POLICY_APPROVALS) are in the
        circuit, whatever the configuration says."""
        labels = self._department_labels()
        for doc in self:
            for _sequence, role, signature in POLICY_APPROVALS.get(doc.kind, []):
                if not doc.review_ids.filtered(
                    lambda r, role=role, signature=signature: (
                        r.lease_role == role and (r.lease_signature or not signature)
                    )
                ):
                    raise UserError(
                        self.env._(
                            "The approval circuit of %(doc)s must include the approval "
                            "of %(role)s required by the policy: ask the configuration "
                            "manager to restore it (Configuration > Approval Circuits).",
                            doc=doc.display_name,
                            role=labels[role],
                        )
                    )

    def _lease_awaits_head_signature(self):
        """True for a rent collection notice not signed by the head of asset management:
        it may not go out (SPEC E3). The one place this rule is checked: issuing, the
        state constraint and the DRAFT watermark of the print call it."""
        self.ensure_one()
        return self.kind == "collection_notice" and not (
            self.signed_by_id
            and self.signed_by_id._has_group(HEAD_GROUPS["asset_management"])
        )

    def _lease_head_signature_message(self):
        return self.env._(
            "A rent collection notice goes out only after the head of asset "
            "management has signed it."
        )

    def _missing_approvals(self):
        """True when the document still lacks approvals of its circuit."""
        self.ensure_one()
        return bool(self._lease_missing_labels())

    def _missing_approvals_label(self):
        return ", ".join(self._lease_missing_labels())

    def _submit_problems(self):
        """Human-readable reasons why the document cannot be submitted yet."""
        self.ensure_one()
        problems = []
        if self.kind in OUTGOING_KINDS and not self.recipient_id:
            problems.append(self.env._("The addressee is missing."))
        if self.kind in OUTGOING_KINDS and not self.date_deadline:
            problems.append(self.env._("The payment deadline is missing."))
        if self.kind in ("lawyer_letter", "litigation_letter") and not (
            self.lawyer_name or self.law_firm
        ):
            problems.append(
                self.env._("Name the lawyer or the law firm that signs the letter.")
            )
        if (
            self.kind == "assessment"
            and self.contract_id.is_large_amount
            and not self.financial_statement_ids
        ):
            problems.append(
                self.env._(
                    "The contract is a large amount: attach the lessee's monthly "
                    "financial statements and reflect their analysis in the "
                    "assessment."
                )
            )
        if self.kind == "deferral_request":
            today = self.env.company._lease_today()
            if not self.case_id:
                problems.append(
                    self.env._(
                        "A disposal deferral is requested for a collection case."
                    )
                )
            if not self.date_deferral_end or self.date_deferral_end <= today:
                problems.append(
                    self.env._("Give the end date of the deferral, after today.")
                )
            if not self.evidence_ids:
                problems.append(
                    self.env._(
                        "Attach the evidence that the lessee will soon pay again."
                    )
                )
        if self.kind == "pnl_report" and not self.disposal_id:
            problems.append(
                self.env._("A profit and loss report belongs to a disposal.")
            )
        return problems

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_submit(self):
        """Send the document to its approvers (approved at once if none are needed)."""
        if not self.env.su:
            self._check_department_member()
        problems = []
        for doc in self:
            if doc.state != "draft":
                raise UserError(
                    self.env._(
                        "Only a draft can be submitted: %(doc)s is not a draft.",
                        doc=doc.display_name,
                    )
                )
            found = doc._submit_problems()
            if found:
                problems.append(f"{doc.display_name}:\n- " + "\n- ".join(found))
        if problems:
            raise UserError(
                self.env._(
                    "The document cannot be submitted:\n%(problems)s",
                    problems="\n".join(problems),
                )
            )
        self.sudo().write(
            {
                "state": "to_approve",
                "submitted_by_id": self.env.uid,
                "date_submitted": fields.Datetime.now(),
            }
        )
        self._lease_seal_attachments()
        ready = self._lease_request_approvals()
        (self - ready)._lease_check_policy_circuit()
        ready._lease_check_policy_circuit()
        if ready:
            ready._lease_on_approved()
        return True

    # Hooks of lease.approval.mixin ----------------------------------------
    def _lease_default_opinion(self, review):
        return self.opinion if self.kind == "assessment" else False

    def _lease_before_decision(self, review, approve, comment):
        if (
            approve
            and self.kind == "assessment"
            and review.lease_role == "risk_management"
        ):
            self.sudo().write({"opinion": comment})
        if (
            approve
            and self.kind == "pnl_report"
            and self.disposal_id
            and review.lease_role in ("review_committee", "general_manager")
        ):
            # The recourse decision is this approval (D9 L197).
            self.disposal_id._lease_recourse_decided(review)

    def _lease_on_approved(self):
        res = super()._lease_on_approved()
        self._on_approved()
        return res

    def _on_approved(self):
        """Effects of a final approval: an approved deferral pauses disposal (E11)."""
        for doc in self.filtered(lambda d: d.kind == "deferral_request" and d.case_id):
            doc.case_id.sudo().write({"deferral_until": doc.date_deferral_end})
            doc.case_id.sudo().message_post(
                body=doc.company_id._lease_env()._(
                    "Disposal deferred until %(date)s: %(doc)s approved by the review committee "
                    "and the general manager.",
                    date=doc.date_deferral_end,
                    doc=doc.name,
                )
            )

    def action_issue(self):
        """Send the letter (or file the report): only with every required approval, and a
        rent collection notice only signed by the asset-management head (E3)."""
        for doc in self:
            if doc.state != "approved":
                missing = doc._missing_approvals_label()
                raise UserError(
                    self.env._(
                        "%(doc)s cannot be issued before it is approved%(missing)s.",
                        doc=doc.display_name,
                        missing=self.env._(": it still needs %(roles)s", roles=missing)
                        if missing
                        else "",
                    )
                )
            if doc._lease_awaits_head_signature():
                raise UserError(doc._lease_head_signature_message())
        if not self.env.su:
            self._check_department_member()
        self.sudo().write(
            {
                "state": "issued",
                "issued_by_id": self.env.uid,
                "date_issued": fields.Datetime.now(),
            }
        )
        self._lease_seal_attachments()
        self._render_and_archive()
        return True

    def _lease_seal_attachments(self):
        """What the approvers saw stays what they saw: once a document is submitted, its
        evidence, financial statements and the files in its chatter are sealed, like its
        archived PDF (SPEC A3). One search and one write for all the documents."""
        attachments = (
            self.evidence_ids
            | self.financial_statement_ids
            | self.env["ir.attachment"]
            .sudo()
            .search([("res_model", "=", self._name), ("res_id", "in", self.ids)])
        ).sudo()
        attachments.filtered(lambda a: not a.lease_sealed).write({"lease_sealed": True})

    def action_reset_draft(self):
        """Back to draft after a refusal (or to withdraw a submission); the decisions
        already given stay in the history, new approval lines are opened."""
        for doc in self:
            if doc.state not in ("refused", "to_approve"):
                raise UserError(
                    self.env._(
                        "Only a refused or submitted document can go back to draft."
                    )
                )
        if not self.env.su:
            self._check_department_member()
        self._lease_archive_reviews()
        self.sudo().write(
            {"state": "draft", "signed_by_id": False, "date_signed": False}
        )
        return True

    def action_cancel(self):
        for doc in self:
            if doc.state == "issued":
                raise UserError(
                    self.env._(
                        "%(doc)s has been issued: it cannot be cancelled.",
                        doc=doc.display_name,
                    )
                )
        if not self.env.su:
            self._check_department_member()
        self.sudo().write({"state": "cancelled"})
        return True

    # ------------------------------------------------------------------
    # PDF archive (SPEC A3)
    # ------------------------------------------------------------------
    def _report_ref(self):
        self.ensure_one()
        return f"lease_overdue.report_{self.kind}"

    def _render_and_archive(self):
        """Render each document with its report (``lease_overdue.report_<kind>``): the
        rendering keeps the PDF as a sealed attachment with its SHA-256 hash
        (lease.report.archive.mixin, through ir.actions.report). Skipped, with a log
        line, when the kind has no report yet or PDF rendering is not available (test
        mode)."""
        reports = self.env["ir.actions.report"]
        archived = self.env["lease.document"]
        if not self.env.registry.ready:
            # While modules install (the demo data) no web server answers wkhtmltopdf's
            # requests for the letter's styles and fonts: the PDF would be archived
            # bare, for good. The first print archives it instead.
            _logger.info(
                "Installing: %s archived at their first print.", self.mapped("name")
            )
            return archived
        for doc in self:
            if doc.content_hash:
                continue
            report_ref = doc._report_ref()
            if not self.env.ref(report_ref, raise_if_not_found=False):
                _logger.info(
                    "No report %s yet: %s is not archived.", report_ref, doc.name
                )
                continue
            reports._render_qweb_pdf(report_ref, doc.ids)
            if doc.content_hash:
                archived |= doc
            else:
                _logger.info("PDF rendering unavailable: %s is not archived.", doc.name)
        return archived

    def _lease_closed_case_exempt(self):
        # Finance's profit and loss report of a disposal already done, and the
        # recourse decided on it (D9 L197), follow the disposal, paid up or not.
        return self.filtered(lambda doc: doc.kind == "pnl_report")

    # ------------------------------------------------------------------
    # Printing of the collection documents (SPEC E3, E4, E7, E8, E9, E11): one Chinese
    # QWeb report per kind (``lease_overdue.report_<kind>``); a document that is not
    # approved yet (for a rent collection notice: not signed by the head of asset
    # management) prints with a large 草稿 DRAFT watermark; an issued document is archived
    # with its date and SHA-256 hash at its first rendering and always reprints those
    # bytes.
    # ------------------------------------------------------------------
    date_archived = fields.Datetime("Archived On", readonly=True, copy=False)

    def _lease_is_own_report(self, report):
        self.ensure_one()
        return report.report_name == f"lease_overdue.document_{self.kind}"

    def _lease_print_is_draft(self):
        """True while the document may not be sent: the PDF carries a DRAFT watermark."""
        self.ensure_one()
        if self.state not in ("approved", "issued"):
            return True
        return self._lease_awaits_head_signature()

    # Archive hooks (lease.report.archive.mixin)
    def _lease_archived_attachment(self, report):
        self.ensure_one()
        if (
            self._lease_is_own_report(report)
            and self.state == "issued"
            and self.attachment_id
        ):
            return self.attachment_id.sudo()
        return super()._lease_archived_attachment(report)

    def _lease_archive_wanted(self, report):
        self.ensure_one()
        return (
            self._lease_is_own_report(report)
            and self.state == "issued"
            and not self.content_hash
        )

    def _lease_archive_values(self, report, attachment, content_hash):
        return {
            "attachment_id": attachment.id,
            "content_hash": content_hash,
            "date_archived": fields.Datetime.now(),
        }

    def _lease_archive_name(self, report):
        self.ensure_one()
        return f"{self.name}.pdf"

    def _lease_check_printable(self, report):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for doc in self:
            if report.model == self._name and not doc._lease_is_own_report(report):
                raise UserError(
                    self.env._(
                        "%(doc)s is a %(kind)s: print it with its own report.",
                        doc=doc.display_name,
                        kind=kinds.get(doc.kind, doc.kind),
                    )
                )
        return super()._lease_check_printable(report)

    # Template helpers
    def _lease_letter_lang(self):
        """Letters are Chinese; zh_CN formats them when it is installed."""
        self.ensure_one()
        if self.env["res.lang"]._get_code("zh_CN"):
            return "zh_CN"
        return self.recipient_id.lang or self.partner_id.lang or self.env.lang

    def _lease_department_zh(self, role):
        return DEPARTMENT_ZH.get(role, role or "")

    def _lease_decision_zh(self, decision):
        return DECISION_ZH.get(decision, decision or "")

    def _lease_overdue_installments(self):
        """The contract's overdue installments, oldest first."""
        self.ensure_one()
        return (
            self.contract_id.sudo()
            .installment_ids.filtered(lambda line: line.days_overdue > 0)
            .sorted("date_due")
        )

    def _lease_signature_lines(self):
        """Approval decisions of the current round, in order (countersignatures)."""
        self.ensure_one()
        reviews = self.sudo().review_ids
        if not reviews and self.state == "draft":
            # Before submission: the circuit's steps, all still to sign.
            Review = self.env["tier.review"].sudo()
            for sequence, definition in enumerate(
                self._lease_matching_definitions(), 1
            ):
                reviews |= Review.new(
                    {
                        "definition_id": definition.id,
                        "sequence": sequence,
                        "status": "waiting",
                    }
                )
            return reviews
        return reviews.sorted(lambda review: (review.sequence, review.id))

    @api.model
    # Helpers of the Chinese documents' templates (lease_document_templates.xml)
    def _lease_zh_date(self, value):
        """A date (or a datetime, in the user's time zone) the way Chinese letters
        write it: 2026年3月5日."""
        if not value:
            return ""
        if isinstance(value, datetime):
            value = fields.Datetime.context_timestamp(self, value).date()
        if not isinstance(value, date):
            value = fields.Date.to_date(value)
        return zh_date(value)

    def _lease_money(self, amount, currency=None):
        """人民币12,345.00元 for CNY, else e.g. USD 12,345.00."""
        return money_text(amount, currency or self.env.company.currency_id)

    def _lease_amount_in_words(self, amount):
        return amount_in_words_rmb(amount)

    def _lease_report_for_kind(self, kind):
        return self.env.ref(f"lease_overdue.report_{kind}", raise_if_not_found=False)

    def action_preview_pdf(self):
        """Preview (issue 11 item 2, SPEC A2, A3, E3): open the document's PDF in the
        browser before it is signed: the same report, rendered now from the same data
        as the print, so the approver reads exactly the letter he signs (with its DRAFT
        watermark until signed). Nothing is written: the report route is read-only, the
        document keeps its state and no attachment is archived (a document is archived
        only once issued). Anyone who may read the document may preview it."""
        self.ensure_one()
        self.check_access("read")
        if self.state not in ("draft", "to_approve", "approved"):
            raise UserError(
                self.env._(
                    "%(doc)s is no longer waiting for its signature: print it instead "
                    "(an issued document prints its archived PDF).",
                    doc=self.display_name,
                )
            )
        report = self._lease_report_for_kind(self.kind)
        if not report:
            raise UserError(
                self.env._("There is no printed form for this kind of document.")
            )
        return {
            "type": "ir.actions.act_url",
            "url": f"/report/pdf/{report.report_name}/{self.id}",
            "target": "new",
        }

    def action_print_document(self):
        """Print the documents with the report of their kind (one kind at a time)."""
        if len(set(self.mapped("kind"))) != 1:
            raise UserError(
                self.env._("Select documents of one kind to print them together.")
            )
        report = self._lease_report_for_kind(self[:1].kind)
        if not report:
            raise UserError(
                self.env._("There is no printed form for this kind of document.")
            )
        return report.report_action(self)
