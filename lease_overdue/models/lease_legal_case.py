from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

LEGAL_STATES = [
    ("preparation", "Preparation"),
    ("filed", "Filed"),
    ("hearing", "Hearing"),
    ("judgment", "Judgment"),
    ("enforcement", "Enforcement"),
    ("closed", "Case Closed"),
]


class LeaseLegalCase(models.Model):
    """A collection case handed to legal & compliance (诉讼, SPEC E8, E9).

    Opened in preparation when the lessee reaches tier 3 (lawyer letter, lawsuit files,
    D9 L190); filed when the lessee passes 45 days (L195). Legal staff see the cases
    assigned to them or not yet assigned (SPEC A2).
    """

    _name = "lease.legal.case"
    _description = "Legal Case"
    _inherit = [
        "lease.guard.mixin",
        "lease.case.link.mixin",
        "mail.thread",
        "mail.activity.mixin",
        "lease.case.step.mixin",
    ]
    _order = "id desc"
    _check_company_auto = True
    _mail_post_access = "read"
    # Moved forward only by its buttons, each checked (SPEC E8, E9, A3).
    _lease_guarded_fields = (
        "state",
        "date_filing_due",
        "date_closed",
        "closed_from_state",
    )
    _lease_fixed_fields = ("name", "case_id")
    # Once its collection case is closed: legal withdraws or settles (closes) it, a
    # person decides (SPEC E14).
    _lease_closed_case_states = ("closed",)
    # A closed legal case is kept as it was closed (reopening is a button).
    _lease_open_states = tuple(state for state, _label in LEGAL_STATES[:-1])

    name = fields.Char("Number", required=True, readonly=True, default="/", copy=False)
    vendor_objection = fields.Boolean(related="case_id.vendor_objection")
    user_id = fields.Many2one(
        "res.users",
        "Legal Officer",
        tracking=True,
        index=True,
        domain=lambda self: [
            ("all_group_ids", "in", self.env.ref("lease_overdue.group_legal").ids)
        ],
    )
    lawyer_name = fields.Char("Lawyer", tracking=True)
    law_firm = fields.Char("Law Firm", tracking=True)
    court = fields.Char(tracking=True)
    court_case_number = fields.Char("Court Case Number", tracking=True)
    claim_amount = fields.Monetary(
        tracking=True,
        help="Amount claimed: overdue rent and penalty, or the whole "
        "outstanding claim if the contract is accelerated.",
    )
    state = fields.Selection(
        LEGAL_STATES,
        default="preparation",
        required=True,
        readonly=True,
        tracking=True,
        index=True,
        copy=False,
    )
    date_opened = fields.Date(
        "Opened On", required=True, default=lambda self: self.env.company._lease_today()
    )
    date_filing_due = fields.Date(
        "Filing Due",
        readonly=True,
        help="Day the lessee passed 45 days overdue: the lawsuit must be filed (D9 L195).",
    )
    date_filed = fields.Date("Filed On", tracking=True)
    date_hearing = fields.Date("Hearing On", tracking=True)
    date_judgment = fields.Date("Judgment On", tracking=True)
    judgment_amount = fields.Monetary(tracking=True)
    date_enforcement = fields.Date("Enforcement From", tracking=True)
    recovered_amount = fields.Monetary(tracking=True)
    date_closed = fields.Date("Closed On", readonly=True)
    closed_from_state = fields.Selection(
        LEGAL_STATES[:-1],
        "Closed From",
        readonly=True,
        copy=False,
        help="The stage the case was in when it was closed: reopening returns to it.",
    )
    outcome = fields.Selection(
        [
            ("won", "Won"),
            ("partly_won", "Partly Won"),
            ("lost", "Lost"),
            ("settled", "Settled"),
            ("withdrawn", "Withdrawn"),
        ],
        tracking=True,
    )
    document_ids = fields.One2many("lease.document", "legal_case_id", "Documents")
    note = fields.Html()

    @api.constrains("claim_amount", "judgment_amount", "recovered_amount")
    def _check_amounts(self):
        for case in self:
            if min(case.claim_amount, case.judgment_amount, case.recovered_amount) < 0:
                raise ValidationError(
                    self.env._("Legal case amounts cannot be negative.")
                )

    @api.model_create_multi
    def create(self, vals_list):
        self.env["ir.sequence"]._lease_name_new("lease.legal.case", vals_list)
        return super().create(vals_list)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_in_preparation(self):
        if any(case.state != "preparation" or case.document_ids for case in self):
            raise UserError(
                self.env._(
                    "Only a legal case in preparation, without documents, "
                    "can be deleted."
                )
            )

    # ------------------------------------------------------------------
    def _check_legal(self):
        if not self.env.su and not self.env.user.has_group("lease_overdue.group_legal"):
            raise AccessError(
                self.env._("Only legal & compliance moves a legal case forward.")
            )

    def action_file(self):
        """File the lawsuit (D9 L195): not where the litigation was stopped on a vendor's
        written objection (E10), and only after a lawyer's letter went out (L190)."""
        self._check_legal()
        self._check_state("preparation")
        stopped = self.case_id._lease_objection_stopped("litigation")
        for case in self:
            if case.case_id in stopped:
                raise UserError(
                    self.env._(
                        "The vendor objected in writing under its buy-back guarantee and "
                        "the head of legal & compliance stopped the litigation: the lawsuit "
                        "of %(case)s is not filed.",
                        case=case.name,
                    )
                )
            if not case.court or not case.claim_amount:
                raise UserError(
                    self.env._(
                        "Give the court and the amount claimed before filing %(case)s.",
                        case=case.name,
                    )
                )
            letters = case.case_id.sudo().document_ids.filtered(
                lambda d: (
                    d.kind in ("lawyer_letter", "litigation_letter")
                    and d.state == "issued"
                )
            )
            if not letters:
                raise UserError(
                    self.env._(
                        "Send the lawyer's letter of %(case)s before filing the "
                        "lawsuit.",
                        case=case.name,
                    )
                )
        today = self.env.company._lease_today()
        for case in self:
            case.sudo().write(
                {"state": "filed", "date_filed": case.date_filed or today}
            )
        return True

    def action_hearing(self):
        self._check_legal()
        self._check_state("filed")
        today = self.env.company._lease_today()
        for case in self:
            case.sudo().write(
                {"state": "hearing", "date_hearing": case.date_hearing or today}
            )
        return True

    def action_judgment(self):
        self._check_legal()
        self._check_state("filed", "hearing")
        today = self.env.company._lease_today()
        for case in self:
            case.sudo().write(
                {"state": "judgment", "date_judgment": case.date_judgment or today}
            )
        return True

    def action_enforce(self):
        self._check_legal()
        self._check_state("judgment")
        today = self.env.company._lease_today()
        for case in self:
            case.sudo().write(
                {
                    "state": "enforcement",
                    "date_enforcement": case.date_enforcement or today,
                }
            )
        return True

    def action_close(self):
        self._check_legal()
        self._check_state("preparation", "filed", "hearing", "judgment", "enforcement")
        for case in self:
            case.sudo().write(
                {
                    "state": "closed",
                    "closed_from_state": case.state,
                    "date_closed": self.env.company._lease_today(),
                }
            )
        return True

    def action_reopen(self):
        """Back to the stage the case was closed from: the dates typed on the case never
        decide its stage (filing, hearing, judgment go through their buttons)."""
        self._check_legal()
        self._check_state("closed")
        for case in self:
            case.sudo().write(
                {
                    "state": case.closed_from_state or "preparation",
                    "closed_from_state": False,
                    "date_closed": False,
                }
            )
        return True

    def action_new_letter(self):
        """Open a new lawyer's letter for this legal case."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "lease.document",
            "view_mode": "form",
            "context": {
                "default_kind": "lawyer_letter",
                "default_case_id": self.case_id.id,
                "default_legal_case_id": self.id,
                "default_lawyer_name": self.lawyer_name,
                "default_law_firm": self.law_firm,
            },
        }
