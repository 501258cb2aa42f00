from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import float_compare

from .lease_contract import lease_check_references

AMENDMENT_KINDS = [
    ("penalty", "Penalty Waiver or Reduction"),
    ("terms", "Terms Change"),
    ("parties", "Parties or People Change"),
    ("termination", "Termination"),
    ("early_close", "Early Closing"),
]
# Approval circuits (issue "Integrity" item 3): tier definitions of
# lease.contract.amendment (data/lease_approval_circuit_data.xml, configurable): the
# finance head waives or reduces penalty interest; the business head then the general
# manager approve the rest.
# The contract fields a parties/people amendment changes: amendment field -> contract's.
PARTY_FIELDS = {
    "new_partner_id": "partner_id",
    "new_vendor_id": "vendor_id",
    "new_account_manager_id": "account_manager_id",
    "new_team_lead_id": "team_lead_id",
    "new_risk_officer_id": "risk_officer_id",
    "new_collector_id": "collector_id",
}
REASON_MAX = 2000


class LeaseContractAmendment(models.Model):
    """A change of an active contract's money, schedule, parties or people, or its
    termination or early closing: prepared with a reason, approved by a configurable
    circuit, applied in one step and traced in the contract's chatter (issue
    "Integrity" item 3). A direct write of those fields on an active contract is
    refused; this is the only door."""

    _name = "lease.contract.amendment"
    _inherit = ["lease.guard.mixin", "lease.approval.mixin", "mail.thread"]
    _description = "Contract Amendment"
    _order = "id desc"
    _check_company_auto = True
    _lease_guarded_fields = (
        "state",
        "prepared_by_id",
        "date_submitted",
        "date_decided",
        "applied_by_id",
        "date_applied",
        "old_values",
        "new_values",
        "review_ids",
    )
    # Approval circuit (lease.approval.mixin); an amendment is never cancelled.
    _state_from = ["submitted"]
    _state_to = ["approved"]
    _cancel_state = "cancelled"
    _lease_fixed_fields = ("contract_id",)
    _lease_open_states = ("draft",)
    _lease_frozen_writable = ("decision_comment",)
    _lease_unlink_states = ("draft",)

    contract_id = fields.Many2one(
        "lease.contract",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
        domain="[('state', '=', 'active')]",
    )
    company_id = fields.Many2one(
        related="contract_id.company_id", store=True, index=True
    )
    currency_id = fields.Many2one(related="contract_id.currency_id")
    kind = fields.Selection(
        AMENDMENT_KINDS, required=True, default="terms", tracking=True
    )
    reason = fields.Text(required=True, tracking=True)
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("submitted", "Submitted"),
            ("approved", "Approved"),
            ("refused", "Refused"),
            ("applied", "Applied"),
        ],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
        index=True,
    )
    prepared_by_id = fields.Many2one(
        "res.users",
        "Prepared By",
        default=lambda self: self.env.user,
        readonly=True,
        copy=False,
    )
    date_submitted = fields.Datetime(readonly=True, copy=False)
    date_decided = fields.Datetime(readonly=True, copy=False)
    applied_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    date_applied = fields.Datetime(readonly=True, copy=False)

    current_penalty_rate = fields.Float(
        related="contract_id.penalty_rate", string="Current Penalty Rate"
    )
    current_financed_amount = fields.Monetary(
        related="contract_id.financed_amount", string="Current Financed Amount"
    )
    new_penalty_rate = fields.Float("New Daily Penalty Rate", digits=(12, 6))
    change_penalty_rate = fields.Boolean(
        "Change Penalty Rate", help="A terms change that also sets a new penalty rate."
    )
    new_financed_amount = fields.Monetary(
        help="Empty (zero): the financed amount does not change."
    )
    line_ids = fields.One2many(
        "lease.contract.amendment.line", "amendment_id", "Schedule Changes"
    )
    new_partner_id = fields.Many2one("res.partner", "New Lessee")
    new_vendor_id = fields.Many2one("res.partner", "New Vendor")
    change_guarantors = fields.Boolean()
    new_guarantor_ids = fields.Many2many(
        "res.partner",
        "lease_contract_amendment_guarantor_rel",
        "amendment_id",
        "partner_id",
        "New Guarantors",
    )
    new_account_manager_id = fields.Many2one("res.users", "New Account Manager")
    new_team_lead_id = fields.Many2one("res.users", "New Team Lead")
    new_risk_officer_id = fields.Many2one("res.users", "New Risk Officer")
    new_collector_id = fields.Many2one("res.users", "New Collector")

    old_values = fields.Text(readonly=True, copy=False)
    new_values = fields.Text(readonly=True, copy=False)

    @api.depends("contract_id.name", "kind")
    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for amendment in self:
            amendment.display_name = (
                f"{amendment.contract_id.name or ''} - {kinds.get(amendment.kind, '')}"
            )

    @api.constrains("reason", "new_penalty_rate", "new_financed_amount")
    def _check_plausible(self):
        for amendment in self:
            reason = (amendment.reason or "").strip()
            if len(reason) < 5 or len(reason) > REASON_MAX:
                raise ValidationError(
                    self.env._(
                        "The reason of an amendment must say why, in 5 to %(max)s "
                        "characters.",
                        max=REASON_MAX,
                    )
                )
            amendment.company_id._lease_check_penalty_rate(amendment.new_penalty_rate)
            if amendment.new_financed_amount < 0:
                raise ValidationError(
                    self.env._("The financed amount cannot be negative.")
                )

    @api.model_create_multi
    def create(self, vals_list):
        lease_check_references(self, vals_list)
        records = super().create(vals_list)
        if not self.env.su:
            records.contract_id.check_access("read")
        for amendment in records:
            if amendment.contract_id.state != "active":
                raise UserError(
                    self.env._(
                        "Only an active contract is amended: %(contract)s is not.",
                        contract=amendment.contract_id.name,
                    )
                )
        return records

    def write(self, vals):
        lease_check_references(self, [vals])
        if not self.env.su:
            self._lease_check_preparer()
        return super().write(vals)

    def _lease_check_preparer(self):
        for amendment in self:
            if amendment.prepared_by_id != self.env.user:
                raise AccessError(
                    self.env._(
                        "Only %(user)s, who prepares %(amendment)s, can change or "
                        "submit it.",
                        user=amendment.prepared_by_id.name,
                        amendment=amendment.display_name,
                    )
                )

    # ------------------------------------------------------------------
    # Content checks
    # ------------------------------------------------------------------
    def _lease_schedule_after(self):
        """{installment: (date_due, principal, interest)} of the schedule once applied."""
        self.ensure_one()
        result = {
            line: (line.date_due, line.amount_principal, line.amount_interest)
            for line in self.contract_id.installment_ids
        }
        for change in self.line_ids:
            result[change.installment_id] = (
                change.new_date_due,
                change.new_amount_principal,
                change.new_amount_interest,
            )
        return result

    def _lease_contract_vals(self):
        """The contract's new values (only what changes)."""
        self.ensure_one()
        vals = {}
        if self.kind == "penalty" or (
            self.kind == "terms" and self.change_penalty_rate
        ):
            vals["penalty_rate"] = self.new_penalty_rate
        if self.kind == "terms" and self.new_financed_amount:
            vals["financed_amount"] = self.new_financed_amount
        if self.kind == "parties":
            for new, old in PARTY_FIELDS.items():
                if self[new] and self[new] != self.contract_id[old]:
                    vals[old] = self[new].id
            if self.change_guarantors:
                vals["guarantor_ids"] = [fields.Command.set(self.new_guarantor_ids.ids)]
        if self.kind == "termination":
            vals["state"] = "terminated"
        if self.kind == "early_close":
            vals["state"] = "closed"
        return vals

    def _lease_problems(self):
        """Why this amendment cannot be submitted or applied (empty: it can)."""
        self.ensure_one()
        contract = self.contract_id
        problems = []
        if contract.state != "active":
            problems.append(self.env._("Only an active contract is amended."))
        vals = self._lease_contract_vals()
        if self.kind == "penalty" and (
            float_compare(self.new_penalty_rate, contract.penalty_rate, 6) >= 0
        ):
            problems.append(
                self.env._(
                    "A penalty waiver or reduction lowers the rate: %(new)s is not "
                    "below the current %(old)s (a higher rate is a terms change).",
                    new=self.new_penalty_rate,
                    old=contract.penalty_rate,
                )
            )
        if self.kind in ("terms", "parties") and not vals and not self.line_ids:
            problems.append(self.env._("The amendment changes nothing."))
        if self.kind == "terms":
            problems += self._lease_schedule_problems(vals)
        if self.kind == "parties":
            lessee = self.new_partner_id or contract.partner_id
            vendor = self.new_vendor_id or contract.vendor_id
            if lessee and lessee == vendor:
                problems.append(self.env._("The lessee and the vendor must differ."))
        if self.kind == "early_close":
            unpaid = contract.installment_ids.filtered(
                lambda line: line.state in ("invoiced", "overdue")
            )
            if unpaid:
                problems.append(
                    self.env._(
                        "Invoiced rent is still unpaid (installments %(lines)s): it is "
                        "paid or credited before the contract closes early.",
                        lines=", ".join(str(n) for n in unpaid.mapped("sequence")),
                    )
                )
        return problems

    def _lease_schedule_problems(self, vals):
        contract = self.contract_id
        problems = []
        for change in self.line_ids:
            line = change.installment_id
            if line.contract_id != contract:
                problems.append(
                    self.env._(
                        "Installment %(line)s is not one of this contract's.",
                        line=line.display_name,
                    )
                )
            elif line.move_id or line.state != "planned":
                problems.append(
                    self.env._(
                        "Installment %(n)s is already invoiced: its invoice is "
                        "corrected by a credit note, not by an amendment.",
                        n=line.sequence,
                    )
                )
        schedule = self._lease_schedule_after()
        financed = vals.get("financed_amount", contract.financed_amount)
        principal = sum(values[1] for values in schedule.values())
        digits = contract.currency_id.decimal_places
        if float_compare(principal, financed, precision_digits=digits):
            problems.append(
                self.env._(
                    "The schedule's principal (%(sum)s) would not add up to the "
                    "financed amount (%(amount)s).",
                    sum=principal,
                    amount=financed,
                )
            )
        previous = contract.date_start
        for line in sorted(schedule, key=lambda line: line.sequence):
            day = schedule[line][0]
            if previous and day <= previous:
                problems.append(
                    self.env._(
                        "Installment %(n)s would not be due after the one before it "
                        "(or after the start date).",
                        n=line.sequence,
                    )
                )
            previous = day
        return problems

    def _lease_raise_problems(self):
        for amendment in self:
            problems = amendment._lease_problems()
            if problems:
                raise UserError(
                    self.env._(
                        "%(amendment)s cannot go further:\n- %(problems)s",
                        amendment=amendment.display_name,
                        problems="\n- ".join(problems),
                    )
                )

    # ------------------------------------------------------------------
    # Approval circuit: the one place to swap for base_tier_validation later.
    # ------------------------------------------------------------------
    # Hooks of lease.approval.mixin ----------------------------------------
    def _lease_preparers(self):
        self.ensure_one()
        people = self.create_uid | self.prepared_by_id
        return people.filtered(lambda user: not user._is_superuser())

    def _lease_four_eyes_excluded(self):
        # Four eyes on amendments is not a company option (issue 8, item 3).
        return self._lease_preparers()

    def _lease_check_four_eyes(self, user):
        self.ensure_one()
        if user in self._lease_four_eyes_excluded():
            raise AccessError(
                self.env._(
                    "%(user)s prepared %(amendment)s: the preparer never approves his "
                    "own amendment.",
                    user=user.name,
                    amendment=self.display_name,
                )
            )

    def _lease_before_decision(self, review, approve, comment):
        user = self.env.user
        if user in self.review_ids.done_by:
            raise AccessError(
                self.env._(
                    "%(user)s already approved an earlier step of %(amendment)s: each "
                    "step needs another person.",
                    user=user.name,
                    amendment=self.display_name,
                )
            )

    def _lease_on_approved(self):
        return self.sudo().write(
            {"state": "approved", "date_decided": fields.Datetime.now()}
        )

    def _lease_on_refused(self):
        return self.sudo().write(
            {"state": "refused", "date_decided": fields.Datetime.now()}
        )

    # ------------------------------------------------------------------
    # Transitions
    # ------------------------------------------------------------------
    def action_submit(self):
        for amendment in self:
            if amendment.state != "draft":
                raise UserError(self.env._("Only a draft amendment is submitted."))
        if not self.env.su:
            self.check_access("write")
            self._lease_check_preparer()
        self._lease_raise_problems()
        self.sudo().write(
            {"state": "submitted", "date_submitted": fields.Datetime.now()}
        )
        if self._lease_request_approvals():
            raise UserError(
                self.env._(
                    "This kind of amendment has no approval circuit: ask the "
                    "configuration manager to set one (Configuration > Approval "
                    "Circuits)."
                )
            )
        return True

    def action_apply(self):
        """Apply an approved amendment: the contract (and schedule) are written in
        superuser mode and the old and new values are posted in the contract's chatter,
        whatever the caller's context (tracking cannot be disabled)."""
        user = self.env.user
        for amendment in self:
            if amendment.state != "approved":
                raise UserError(self.env._("Only an approved amendment is applied."))
            allowed = (
                self.env.su
                or user == amendment.prepared_by_id
                or user in amendment.review_ids.done_by
                or user.has_group("lease_overdue.group_lease_manager")
            )
            if not allowed:
                raise AccessError(
                    self.env._(
                        "%(amendment)s is applied by its preparer or one of its "
                        "approvers.",
                        amendment=amendment.display_name,
                    )
                )
        self._lease_raise_problems()
        for amendment in self.with_context(
            tracking_disable=False, mail_notrack=False, mail_create_nolog=False
        ):
            amendment._lease_apply()
        return True

    def _lease_value_label(self, record, name):
        field = record._fields[name]
        value = record[name]
        if field.type in ("many2one", "many2many"):
            return ", ".join(value.mapped("display_name")) or "-"
        if field.type == "selection":
            return dict(field._description_selection(self.env)).get(value, value)
        return str(value)

    def _lease_apply(self):
        self.ensure_one()
        contract = self.contract_id.sudo()
        vals = self._lease_contract_vals()
        changes = []  # (label, old, new)
        before = {name: self._lease_value_label(contract, name) for name in vals}
        schedule_before = {
            change.installment_id: (
                change.installment_id.date_due,
                change.installment_id.amount_principal,
                change.installment_id.amount_interest,
            )
            for change in self.line_ids
        }
        contract.write(vals)
        for change in self.line_ids:
            change.installment_id._lease_write_amended(
                {
                    "date_due": change.new_date_due,
                    "amount_principal": change.new_amount_principal,
                    "amount_interest": change.new_amount_interest,
                }
            )
        for name in vals:
            changes.append(
                (
                    contract._fields[name]._description_string(self.env),
                    before[name],
                    self._lease_value_label(contract, name),
                )
            )
        for line, (day, principal, interest) in schedule_before.items():
            changes.append(
                (
                    self.env._("Installment %(n)s", n=line.sequence),
                    f"{day} {principal} + {interest}",
                    f"{line.date_due} {line.amount_principal} + {line.amount_interest}",
                )
            )
        self.sudo().write(
            {
                "state": "applied",
                "applied_by_id": self.env.uid,
                "date_applied": fields.Datetime.now(),
                "old_values": "\n".join(
                    f"{label}: {old}" for label, old, _n in changes
                ),
                "new_values": "\n".join(
                    f"{label}: {new}" for label, _o, new in changes
                ),
            }
        )
        items = Markup("").join(
            Markup("<li>%s: %s &rarr; %s</li>") % change for change in changes
        )
        env = contract.company_id._lease_env()  # issue 11 item 3
        body = Markup("<p>%s</p><p>%s</p><ul>%s</ul>") % (
            env._(
                "Amendment %(amendment)s applied (prepared by %(user)s, approved by "
                "%(approvers)s).",
                amendment=self.display_name,
                user=self.prepared_by_id.name,
                approvers=", ".join(self.review_ids.done_by.mapped("name")),
            ),
            env._("Reason: %(reason)s", reason=self.reason),
            items,
        )
        contract.message_post(body=body, author_id=self.env.user.partner_id.id)
        self.sudo().message_post(body=body, author_id=self.env.user.partner_id.id)
        if contract.state == "active":
            self.env["lease.overdue.engine"]._run(contract_ids=contract.ids)


class LeaseContractAmendmentLine(models.Model):
    """A new due date and amounts of one not yet invoiced installment."""

    _name = "lease.contract.amendment.line"
    _description = "Contract Amendment Schedule Change"
    _order = "amendment_id, installment_sequence"

    amendment_id = fields.Many2one(
        "lease.contract.amendment", required=True, ondelete="cascade", index=True
    )
    contract_id = fields.Many2one(related="amendment_id.contract_id")
    installment_id = fields.Many2one(
        "lease.installment",
        required=True,
        domain="[('contract_id', '=', contract_id), ('state', '=', 'planned')]",
    )
    installment_sequence = fields.Integer(
        related="installment_id.sequence", store=True, string="No."
    )
    currency_id = fields.Many2one(related="amendment_id.currency_id")
    date_due = fields.Date(related="installment_id.date_due", string="Due Date")
    amount_principal = fields.Monetary(
        related="installment_id.amount_principal", string="Principal"
    )
    amount_interest = fields.Monetary(
        related="installment_id.amount_interest", string="Interest"
    )
    new_date_due = fields.Date("New Due Date", required=True)
    new_amount_principal = fields.Monetary("New Principal")
    new_amount_interest = fields.Monetary("New Interest")

    @api.onchange("installment_id")
    def _onchange_installment_id(self):
        line = self.installment_id
        if line:
            self.new_date_due = line.date_due
            self.new_amount_principal = line.amount_principal
            self.new_amount_interest = line.amount_interest

    @api.constrains("new_date_due", "new_amount_principal", "new_amount_interest")
    def _check_plausible(self):
        for change in self:
            change.amendment_id.company_id._lease_check_date(
                change.new_date_due, self._fields["new_date_due"]
            )
            if change.new_amount_principal < 0 or change.new_amount_interest < 0:
                raise ValidationError(
                    self.env._("Installment amounts cannot be negative.")
                )

    def _lease_check_draft(self):
        if self.env.su:
            return
        amendments = self.amendment_id
        amendments._lease_check_preparer()
        if any(amendment.state != "draft" for amendment in amendments):
            raise UserError(
                self.env._("The schedule changes of a submitted amendment are frozen.")
            )

    @api.model_create_multi
    def create(self, vals_list):
        lease_check_references(self, vals_list)
        for vals in vals_list:
            line = self.env["lease.installment"].browse(vals.get("installment_id"))
            if line:
                vals.setdefault("new_date_due", line.date_due)
                vals.setdefault("new_amount_principal", line.amount_principal)
                vals.setdefault("new_amount_interest", line.amount_interest)
        records = super().create(vals_list)
        records._lease_check_draft()
        return records

    def write(self, vals):
        lease_check_references(self, [vals])
        self._lease_check_draft()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        self._lease_check_draft()
