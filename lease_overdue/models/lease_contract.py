from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, float_compare, float_is_zero, float_round

from .lease_constants import GRADES

# The collection priority of a contract (SPEC E13): overdue count first, then cumulative
# days overdue, then risk grade; ``c`` is the contract's alias:
# SQL(PRIORITY_SQL, c=SQL.identifier("c")). The only definition: the daily refresh of
# the cases and tasks reads it in SQL, new tasks through ``_lease_priorities``.
PRIORITY_SQL = """(COALESCE(%(c)s.overdue_count, 0) * 10000000.0
    + LEAST(COALESCE(%(c)s.overdue_days_total, 0), 999999) * 10.0
    + CASE %(c)s.risk_grade WHEN 'd' THEN 4 WHEN 'c' THEN 3 WHEN 'b' THEN 2
                            WHEN 'a' THEN 1 ELSE 0 END)"""

PERIOD_MONTHS = {"monthly": 1, "quarterly": 3}

# Fields of an active contract that change only through an approved amendment
# (lease.contract.amendment, issue "Integrity" item 3), by kind of amendment.
AMENDED_FIELDS = {
    "penalty": ("penalty_rate",),
    "terms": (
        "financed_amount",
        "annual_rate",
        "term_count",
        "periodicity",
        "schedule_method",
        "date_start",
        "date_first_due",
        "currency_id",
        "company_id",
    ),
    "parties": (
        "partner_id",
        "vendor_id",
        "guarantor_ids",
        "account_manager_id",
        "team_lead_id",
        "risk_officer_id",
        "collector_id",
    ),
}
LOCKED_AFTER_ACTIVATION = frozenset(
    name for names in AMENDED_FIELDS.values() for name in names
)


def lease_check_references(model, vals_list):
    """Refuse ids of records that do not exist in many2one/many2many values, naming the
    field (instead of PostgreSQL's foreign-key error, issue "Integrity" item 7)."""
    wanted = defaultdict(set)
    for vals in vals_list:
        for name, value in vals.items():
            field = model._fields.get(name)
            if not field or field.type not in ("many2one", "many2many"):
                continue
            ids = []
            if field.type == "many2one":
                ids = [value]
            elif isinstance(value, (list, tuple)):
                for command in value:
                    if isinstance(command, (list, tuple)) and command:
                        if command[0] == 4 and len(command) > 1:
                            ids.append(command[1])
                        elif command[0] == 6 and len(command) > 2:
                            ids.extend(command[2] or [])
                    else:
                        ids.append(command)
            wanted[name].update(
                i for i in ids if isinstance(i, int) and not isinstance(i, bool) and i
            )
    for name, ids in wanted.items():
        field = model._fields[name]
        comodel = model.env[field.comodel_name].sudo().with_context(active_test=False)
        missing = sorted(set(ids) - set(comodel.browse(list(ids)).exists().ids))
        if missing:
            raise ValidationError(
                model.env._(
                    "%(field)s: there is no %(model)s with id %(ids)s.",
                    field=field._description_string(model.env),
                    model=model.env["ir.model"]._get(field.comodel_name).name
                    or field.comodel_name,
                    ids=", ".join(str(i) for i in missing),
                )
            )


def lease_sms_amount(amount):
    """An amount as the SMS texts show it (issue 9 item 12): thousands separators, two
    decimals, 元 after it, no currency symbol: 100000 -> "100,000.00元"."""
    return f"{amount or 0.0:,.2f}元"


class LeaseContract(models.Model):
    """Financial lease contract (融资租赁合同, SPEC C1, C5-C9)."""

    _name = "lease.contract"
    _description = "Lease Contract"
    _inherit = ["lease.guard.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "days_overdue desc, overdue_count desc, name desc"
    _check_company_auto = True
    # State, activation evidence and the overdue engine's figures (issue "Integrity").
    _lease_guarded_fields = (
        "state",
        "date_activated",
        "activated_by_id",
        "days_overdue",
        "working_days_overdue",
        "tier_id",
        "overdue_amount",
        "penalty_amount",
        "overdue_count",
        "overdue_days_total",
        "overdue_last_two_months",
        "amount_band_id",
        "risk_grade",
        "current_case_id",
        "occurrence",
        "is_large_amount",
        "collateral_complete",
        "amendment_ids",
    )

    name = fields.Char(
        "Contract Number",
        required=True,
        copy=False,
        readonly=True,
        default="/",
        tracking=True,
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("active", "Active"),
            ("closed", "Closed"),
            ("terminated", "Terminated"),
        ],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
        index=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    currency_id = fields.Many2one(
        "res.currency",
        required=True,
        default=lambda self: self.env.company.currency_id,
        tracking=True,
    )
    partner_id = fields.Many2one(
        "res.partner", "Lessee", index=True, tracking=True, check_company=True
    )
    vendor_id = fields.Many2one(
        "res.partner",
        "Vendor",
        tracking=True,
        check_company=True,
        help="Seller of the leased asset (出卖人).",
    )
    asset_ids = fields.One2many("lease.asset", "contract_id", "Leased Assets")
    guarantor_ids = fields.Many2many(
        "res.partner",
        "lease_contract_guarantor_rel",
        "contract_id",
        "partner_id",
        "Guarantors",
        help="Third-party guarantors (第三方担保人).",
    )
    collateral_document_ids = fields.One2many(
        "lease.collateral.document", "contract_id", "Collateral and Guarantee Documents"
    )
    collateral_complete = fields.Boolean(
        "Documents Complete", compute="_compute_collateral_complete", store=True
    )
    has_buyback_guarantee = fields.Boolean(
        "Vendor Buy-back Guarantee", tracking=True, help="出卖人回购担保 (SPEC C6)."
    )
    locality = fields.Selection(
        [("local", "Local"), ("non_local", "Non-local")],
        default="local",
        required=True,
        tracking=True,
        help="Whether the lessee's actual workplace and residence are local (SPEC C8).",
    )
    account_manager_id = fields.Many2one(
        "res.users",
        "Account Manager",
        tracking=True,
        index=True,
        default=lambda self: self.env.user,
    )
    team_lead_id = fields.Many2one("res.users", "Team Lead", tracking=True, index=True)
    risk_officer_id = fields.Many2one(
        "res.users", "Risk Officer", tracking=True, index=True
    )
    collector_id = fields.Many2one("res.users", "Collector", tracking=True, index=True)

    financed_amount = fields.Monetary(tracking=True)
    annual_rate = fields.Float("Annual Interest Rate (%)", digits=(8, 4), tracking=True)
    term_count = fields.Integer("Number of Installments", default=12, tracking=True)
    periodicity = fields.Selection(
        [("monthly", "Monthly"), ("quarterly", "Quarterly")],
        default="monthly",
        required=True,
    )
    schedule_method = fields.Selection(
        [("annuity", "Equal Rent (Annuity)"), ("equal_principal", "Equal Principal")],
        default="annuity",
        required=True,
    )
    date_start = fields.Date(
        "Start Date",
        default=lambda self: self.env.company._lease_today(),
        tracking=True,
    )
    date_first_due = fields.Date("First Due Date", tracking=True)
    penalty_rate = fields.Float(
        "Daily Penalty Rate",
        digits=(12, 6),
        default=lambda self: self.env.company.lease_default_penalty_rate,
        tracking=True,
        help="Penalty interest (罚息) per day on overdue rent, e.g. 0.0005 = 0.05 % a day.",
    )
    is_large_amount = fields.Boolean(
        "Large Amount", compute="_compute_is_large_amount", store=True
    )
    inspection_interval_months = fields.Integer(
        "Inspection Every (Months)",
        default=6,
        help="Post-lease inspections (贷后检查) are scheduled at this interval (SPEC K3).",
    )
    installment_ids = fields.One2many(
        "lease.installment", "contract_id", "Rent Schedule"
    )
    inspection_ids = fields.One2many(
        "lease.asset.inspection", "contract_id", "Inspections"
    )
    vendor_advance_ids = fields.One2many(
        "lease.vendor.advance", "contract_id", "Vendor Advances"
    )
    case_ids = fields.One2many(
        "lease.collection.case", "contract_id", "Collection Cases"
    )
    invoice_count = fields.Integer(compute="_compute_invoice_count")
    case_count = fields.Integer(compute="_compute_invoice_count")
    total_rent = fields.Monetary(compute="_compute_totals")
    total_principal = fields.Monetary(compute="_compute_totals")
    total_interest = fields.Monetary(compute="_compute_totals")
    date_activated = fields.Datetime(readonly=True, copy=False)
    activated_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    amendment_ids = fields.One2many(
        "lease.contract.amendment", "contract_id", "Amendments", readonly=True
    )
    amendment_count = fields.Integer(compute="_compute_amendment_count")

    # Overdue figures: written by the overdue engine (lease.overdue.engine), set-based.
    days_overdue = fields.Integer(readonly=True, copy=False, index=True)
    working_days_overdue = fields.Integer(readonly=True, copy=False)
    tier_id = fields.Many2one(
        "lease.overdue.tier", "Overdue Tier", readonly=True, copy=False, index=True
    )
    overdue_amount = fields.Monetary(
        readonly=True, copy=False, help="Unpaid overdue rent."
    )
    penalty_amount = fields.Monetary(
        "Penalty Due",
        readonly=True,
        copy=False,
        help="Accrued and unpaid penalty interest.",
    )
    overdue_count = fields.Integer(
        readonly=True, copy=False, help="Installments that went overdue (累计逾期次数)."
    )
    overdue_days_total = fields.Integer(
        "Cumulative Days Overdue", readonly=True, copy=False, help="累计逾期天数."
    )
    overdue_last_two_months = fields.Boolean(
        "Overdue in Each of Last 2 Months", readonly=True, copy=False
    )
    amount_band_id = fields.Many2one("lease.amount.band", readonly=True, copy=False)
    risk_grade = fields.Selection(
        GRADES,
        readonly=True,
        copy=False,
        index=True,
    )
    current_case_id = fields.Many2one(
        "lease.collection.case", readonly=True, copy=False
    )
    occurrence = fields.Integer(
        readonly=True,
        copy=False,
        help="Occurrence number of the current overdue episode.",
    )
    is_overdue = fields.Boolean(
        compute="_compute_is_overdue", search="_search_is_overdue"
    )

    _name_company_unique = models.UniqueIndex(
        "(name, company_id) WHERE name != '/'", "A contract number must be unique."
    )

    @api.depends("collateral_document_ids.required", "collateral_document_ids.received")
    def _compute_collateral_complete(self):
        for contract in self:
            docs = contract.collateral_document_ids.filtered("required")
            contract.collateral_complete = all(docs.mapped("received"))

    @api.depends("financed_amount", "company_id.lease_large_amount")
    def _compute_is_large_amount(self):
        for contract in self:
            threshold = contract.company_id.lease_large_amount
            contract.is_large_amount = (
                bool(threshold) and contract.financed_amount >= threshold
            )

    def _compute_invoice_count(self):
        moves = self.env["account.move"]._read_group(
            [("lease_contract_id", "in", self.ids)], ["lease_contract_id"], ["__count"]
        )
        move_map = {contract.id: count for contract, count in moves}
        cases = self.env["lease.collection.case"]._read_group(
            [("contract_id", "in", self.ids)], ["contract_id"], ["__count"]
        )
        case_map = {contract.id: count for contract, count in cases}
        for contract in self:
            contract.invoice_count = move_map.get(contract.id, 0)
            contract.case_count = case_map.get(contract.id, 0)

    @api.depends(
        "installment_ids.amount_rent",
        "installment_ids.amount_principal",
        "installment_ids.amount_interest",
    )
    def _compute_totals(self):
        for contract in self:
            lines = contract.installment_ids
            contract.total_rent = sum(lines.mapped("amount_rent"))
            contract.total_principal = sum(lines.mapped("amount_principal"))
            contract.total_interest = sum(lines.mapped("amount_interest"))

    @api.depends("days_overdue")
    def _compute_is_overdue(self):
        for contract in self:
            contract.is_overdue = contract.days_overdue > 0

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=", "in", "not in"):
            raise UserError(self.env._("Unsupported search on 'Overdue'."))
        positive = (operator in ("=", "in")) == bool(
            value if operator in ("=", "!=") else True
        )
        return [("days_overdue", ">" if positive else "<=", 0)]

    @api.constrains(
        "financed_amount",
        "term_count",
        "annual_rate",
        "penalty_rate",
        "inspection_interval_months",
    )
    def _check_amounts(self):
        for contract in self:
            if contract.financed_amount < 0:
                raise ValidationError(
                    self.env._("The financed amount cannot be negative.")
                )
            if contract.term_count < 0:
                raise ValidationError(
                    self.env._("The number of installments cannot be negative.")
                )
            if contract.annual_rate < 0 or contract.penalty_rate < 0:
                raise ValidationError(
                    self.env._("Interest and penalty rates cannot be negative.")
                )
            if contract.inspection_interval_months < 0:
                raise ValidationError(
                    self.env._("The inspection interval cannot be negative.")
                )
            if contract.annual_rate >= 100:
                raise ValidationError(
                    self.env._(
                        "An annual interest rate of %(rate)s %% is not plausible: it "
                        "is a percentage (e.g. 6.5).",
                        rate=contract.annual_rate,
                    )
                )
            contract.company_id._lease_check_penalty_rate(contract.penalty_rate)

    @api.constrains("date_start", "date_first_due")
    def _check_dates(self):
        for contract in self:
            company = contract.company_id
            company._lease_check_date(contract.date_start, self._fields["date_start"])
            company._lease_check_date(
                contract.date_first_due, self._fields["date_first_due"]
            )
            if (
                contract.date_start
                and contract.date_first_due
                and contract.date_first_due <= contract.date_start
            ):
                raise ValidationError(
                    self.env._("The first due date must come after the start date.")
                )

    @api.onchange("date_start", "periodicity")
    def _onchange_date_start(self):
        if self.date_start:
            self.date_first_due = self.date_start + relativedelta(
                months=PERIOD_MONTHS[self.periodicity]
            )

    def _compute_amendment_count(self):
        groups = self.env["lease.contract.amendment"]._read_group(
            [("contract_id", "in", self.ids)], ["contract_id"], ["__count"]
        )
        counts = {contract.id: count for contract, count in groups}
        for contract in self:
            contract.amendment_count = counts.get(contract.id, 0)

    @api.model_create_multi
    def create(self, vals_list):
        lease_check_references(self, vals_list)
        if not self.env.su and any(
            vals.get("name", "/") not in ("/", False) for vals in vals_list
        ):
            self._lease_refuse_number()
        self.env["ir.sequence"]._lease_name_new("lease.contract", vals_list)
        return super().create(vals_list)

    def _lease_refuse_number(self):
        raise UserError(
            self.env._(
                "The contract number is given by the system when the contract is "
                "created and never changes."
            )
        )

    def write(self, vals):
        lease_check_references(self, [vals])
        if not self.env.su:
            if "name" in vals:
                self._lease_refuse_number()
            locked = LOCKED_AFTER_ACTIVATION.intersection(vals)
            active = self.filtered(lambda contract: contract.state != "draft")
            if locked and active:
                raise UserError(
                    self.env._(
                        "%(contract)s is no longer a draft: %(fields)s change only "
                        "through an amendment (Amend button), which records the "
                        "reason and is approved before it applies.",
                        contract=active[0].name,
                        fields=self._lease_field_labels(locked),
                    )
                )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        if any(contract.state != "draft" for contract in self):
            raise UserError(self.env._("Only draft contracts can be deleted."))

    # ------------------------------------------------------------------
    # Schedule (SPEC C2)
    # ------------------------------------------------------------------
    def _schedule_values(self):
        """Return the installment values of the contract's terms (annuity or equal principal)."""
        self.ensure_one()
        months = PERIOD_MONTHS[self.periodicity]
        rate = self.annual_rate / 100.0 * months / 12.0
        count = self.term_count
        principal = self.financed_amount
        precision = self.currency_id.decimal_places
        if self.schedule_method == "annuity" and rate:
            rent = float_round(
                principal * rate / (1 - (1 + rate) ** -count),
                precision_digits=precision,
            )
        elif self.schedule_method == "annuity":
            rent = float_round(principal / count, precision_digits=precision)
        else:
            rent = 0.0
        balance = principal
        values = []
        for index in range(count):
            interest = float_round(balance * rate, precision_digits=precision)
            if index == count - 1:
                part = balance
            elif self.schedule_method == "annuity":
                part = rent - interest
            else:
                part = float_round(principal / count, precision_digits=precision)
            part = float_round(part, precision_digits=precision)
            balance = float_round(balance - part, precision_digits=precision)
            values.append(
                {
                    "contract_id": self.id,
                    "sequence": index + 1,
                    "date_due": self.date_first_due
                    + relativedelta(months=months * index),
                    "amount_principal": part,
                    "amount_interest": interest,
                }
            )
        return values

    def action_generate_schedule(self):
        for contract in self:
            if contract.state != "draft":
                raise UserError(
                    self.env._(
                        "The rent schedule of %(contract)s is locked: the contract is "
                        "no longer a draft.",
                        contract=contract.name,
                    )
                )
            problems = contract._term_problems()
            if problems:
                raise UserError("\n".join(problems))
            contract.installment_ids.unlink()
            self.env["lease.installment"].create(contract._schedule_values())
        return True

    def _term_problems(self):
        """Human-readable reasons why the contract's terms cannot make a schedule."""
        self.ensure_one()
        problems = []
        if float_compare(self.financed_amount, 0.0, precision_digits=2) <= 0:
            problems.append(self.env._("The financed amount must be positive."))
        if self.term_count <= 0:
            problems.append(self.env._("The number of installments must be positive."))
        if not self.date_start:
            problems.append(self.env._("The start date is missing."))
        if not self.date_first_due:
            problems.append(self.env._("The first due date is missing."))
        elif self.date_start and self.date_first_due <= self.date_start:
            problems.append(
                self.env._("The first due date must come after the start date.")
            )
        return problems

    def _lease_priorities(self):
        """{contract id: collection priority (PRIORITY_SQL, SPEC E13)} of these
        contracts, in one query, from their figures as written."""
        if not self:
            return {}
        self.flush_model(["overdue_count", "overdue_days_total", "risk_grade"])
        rows = self.env.execute_query(
            SQL(
                "SELECT c.id, %s FROM lease_contract c WHERE c.id = ANY(%s)",
                SQL(PRIORITY_SQL, c=SQL.identifier("c")),
                list(self.ids),
            )
        )
        return dict(rows)

    def _activation_problems(self):
        """Why this draft contract cannot be activated: its state, parties and terms, its
        rent schedule; new business with a blacklisted party (W3), a lessee whose new
        business risk management suspended, or beyond the lessee's credit limit (K2)."""
        self.ensure_one()
        problems = []
        if self.state != "draft":
            problems.append(self.env._("Only a draft contract can be activated."))
        if not self.partner_id:
            problems.append(self.env._("The lessee is missing."))
        elif self.partner_id == self.vendor_id:
            problems.append(self.env._("The lessee and the vendor must differ."))
        if self.partner_id and self.partner_id._lease_has_arrears(exclude=self):
            problems.append(
                self.env._(
                    "New business is suspended: %(partner)s has overdue rent on "
                    "another contract.",
                    partner=self.partner_id.display_name,
                )
            )
        problems += self._term_problems()
        problems += self._schedule_problems()
        problems += self._risk_problems()
        return problems

    def _schedule_problems(self):
        """The rent schedule adds up to the financed amount, due dates in order."""
        problems = []
        lines = self.installment_ids.sorted("sequence")
        if not lines:
            problems.append(
                self.env._("The rent schedule is empty: generate it first.")
            )
            return problems
        precision = self.currency_id.decimal_places
        if float_compare(
            sum(lines.mapped("amount_principal")),
            self.financed_amount,
            precision_digits=precision,
        ):
            problems.append(
                self.env._(
                    "The schedule's principal (%(sum)s) does not add up to the "
                    "financed amount (%(amount)s).",
                    sum=sum(lines.mapped("amount_principal")),
                    amount=self.financed_amount,
                )
            )
        previous = self.date_start
        for line in lines:
            if line.amount_principal < 0 or line.amount_interest < 0:
                problems.append(
                    self.env._(
                        "Installment %(n)s has a negative amount.", n=line.sequence
                    )
                )
            if float_is_zero(line.amount_rent, precision_digits=precision):
                problems.append(
                    self.env._("Installment %(n)s has no rent.", n=line.sequence)
                )
            if previous and line.date_due <= previous:
                problems.append(
                    self.env._(
                        "Installment %(n)s is not due after the one before it (or "
                        "after the start date).",
                        n=line.sequence,
                    )
                )
            previous = line.date_due
        return problems

    def _lease_check_writable(self):
        """The caller may change these contracts (access rights and record rules)."""
        self.check_access("write")

    def action_activate(self):
        """Validate everything and activate; refuses without changing anything."""
        self._lease_check_writable()
        problems = []
        for contract in self:
            # Checks of the whole portfolio (arrears, blacklist, credit limit): they read
            # beyond what the caller sees, so they run in superuser mode.
            found = contract.sudo()._activation_problems()
            if found:
                problems.append(f"{contract.name}:\n- " + "\n- ".join(found))
        if problems:
            raise UserError(
                self.env._(
                    "The contract cannot be activated:\n%(problems)s",
                    problems="\n".join(problems),
                )
            )
        # Checked above: the activation is recorded in superuser mode (SPEC A3).
        self.sudo().write(
            {
                "state": "active",
                "date_activated": fields.Datetime.now(),
                "activated_by_id": self.env.uid,
            }
        )
        self.installment_ids.sudo().write({"state": "planned"})
        self._schedule_inspections()
        return True

    def action_close(self):
        """Close a contract whose rent is all paid. Closing earlier is an amendment
        (kind 'early closing'), approved before it applies."""
        self._lease_check_writable()
        for contract in self:
            if contract.state != "active":
                raise UserError(self.env._("Only an active contract can be closed."))
            if contract.installment_ids.filtered(lambda line: line.state != "paid"):
                raise UserError(
                    self.env._(
                        "%(contract)s still has unpaid installments: closing it early "
                        "or terminating it is an amendment (Early Closing or Terminate "
                        "button), with a reason and an approval.",
                        contract=contract.name,
                    )
                )
        self.sudo().write({"state": "closed"})
        return True

    def _action_new_amendment(self, kind):
        self.ensure_one()
        if self.state != "active":
            raise UserError(self.env._("Only an active contract can be amended."))
        self.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Amendment"),
            "res_model": "lease.contract.amendment",
            "view_mode": "form",
            "target": "current",
            "context": {"default_contract_id": self.id, "default_kind": kind},
        }

    def action_amend(self):
        return self._action_new_amendment("terms")

    def action_terminate(self):
        """Termination is an amendment: reason, business head then general manager."""
        return self._action_new_amendment("termination")

    def action_early_close(self):
        return self._action_new_amendment("early_close")

    def action_view_amendments(self):
        self.ensure_one()
        name = self.env._("Amendments")
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": "lease.contract.amendment",
            "view_mode": "list,form",
            "domain": [("contract_id", "=", self.id)],
            "context": {"default_contract_id": self.id},
        }

    def action_reset_draft(self):
        """Back to draft, for the configuration manager, while no rent is invoiced."""
        if not (
            self.env.su or self.env.user.has_group("lease_overdue.group_lease_manager")
        ):
            raise AccessError(
                self.env._(
                    "Only the lease configuration manager can reset a contract to draft."
                )
            )
        for contract in self:
            if contract.state != "active":
                raise UserError(
                    self.env._("Only an active contract can be reset to draft.")
                )
            if contract.installment_ids.filtered("move_id"):
                raise UserError(
                    self.env._(
                        "%(contract)s has invoiced rent: it cannot go back to draft.",
                        contract=contract.name,
                    )
                )
        self.sudo().write(
            {"state": "draft", "date_activated": False, "activated_by_id": False}
        )
        self.installment_ids.sudo().write({"state": "draft"})
        return True

    def action_invoice_due(self):
        """Invoice every installment of these contracts due within the lead time."""
        self.env["lease.installment"]._lease_check_invoicing_right()
        self.check_access("read")
        self.env["lease.installment"]._invoice_due(contracts=self)
        return True

    def action_invoice_penalty(self):
        self.env["lease.installment"]._lease_check_invoicing_right()
        self.check_access("read")
        self.installment_ids._invoice_penalty()
        return True

    def action_refresh_overdue(self):
        self.env["lease.overdue.engine"]._run(contract_ids=self.ids)
        return True

    def action_view_invoices(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action["domain"] = [("lease_contract_id", "in", self.ids)]
        action["context"] = {"default_move_type": "out_invoice", "create": False}
        return action

    def action_view_cases(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "lease_overdue.lease_collection_case_action"
        )
        action["domain"] = [("contract_id", "in", self.ids)]
        action["context"] = {}
        return action

    # ------------------------------------------------------------------
    # Post-lease inspections (SPEC K3)
    # ------------------------------------------------------------------
    def _schedule_inspections(self):
        vals_list = []
        for contract in self:
            if not contract.inspection_interval_months or not contract.installment_ids:
                continue
            end = max(contract.installment_ids.mapped("date_due"))
            planned = set(
                contract.inspection_ids.filtered(lambda i: i.kind == "periodic").mapped(
                    "date_planned"
                )
            )
            step = relativedelta(months=contract.inspection_interval_months)
            day = contract.date_start + step
            while day <= end:
                if day not in planned:
                    vals_list.append(
                        {
                            "contract_id": contract.id,
                            "kind": "periodic",
                            "date_planned": day,
                            "inspector_id": (
                                contract.risk_officer_id or contract.account_manager_id
                            ).id,
                        }
                    )
                day += step
        # The schedule is the system's doing, whoever activates the contract.
        return self.env["lease.asset.inspection"].sudo().create(vals_list)

    def _check_schedule_editable(self):
        for contract in self:
            if contract.state != "draft":
                raise UserError(
                    self.env._(
                        "The rent schedule of %(contract)s is locked: the contract is "
                        "no longer a draft. Its amounts and dates change only through "
                        "an amendment (Amend button); invoiced rent is corrected by a "
                        "credit note.",
                        contract=contract.name,
                    )
                )

    # From a contract: its customer file (F3) and its archived documents.
    archived_document_ids = fields.Many2many(
        "lease.document",
        string="Archived Documents",
        compute="_compute_archived_document_ids",
        help="Issued documents of the contract with their archived PDF and its SHA-256 hash.",
    )

    def _compute_archived_document_ids(self):
        documents = self.env["lease.document"].search(
            [("contract_id", "in", self.ids), ("content_hash", "!=", False)]
        )
        for contract in self:
            contract.archived_document_ids = documents.filtered(
                lambda d, contract=contract: d.contract_id == contract
            )

    def action_open_lease_customer_file(self):
        self.ensure_one()
        return self.partner_id.action_open_lease_customer_file()

    # ------------------------------------------------------------------
    # Pre-due work on contracts (SPEC R1-R5).
    # ------------------------------------------------------------------
    lease_next_due_date = fields.Date(
        "Next Due Date", compute="_compute_lease_next_due"
    )
    lease_next_due_amount = fields.Monetary(
        "Next Rent Due", compute="_compute_lease_next_due"
    )
    lease_next_due_amount_text = fields.Char(
        "Next Rent Due (SMS)",
        compute="_compute_lease_next_due_amount_text",
        help="The next rent due as the SMS texts show it, e.g. 100,000.00元.",
    )

    def _compute_lease_next_due(self):
        today = self.env.company._lease_today()
        lines = (
            self.env["lease.installment"]
            .sudo()
            .search_fetch(
                [
                    ("contract_id", "in", self.ids),
                    ("state", "in", ("planned", "invoiced")),
                    ("date_due", ">=", today),
                ],
                ["contract_id", "date_due", "amount_rent"],
                order="date_due, id",
            )
        )
        first = {}
        for line in lines:
            first.setdefault(line.contract_id.id, line)
        for contract in self:
            line = first.get(contract.id)
            contract.lease_next_due_date = line.date_due if line else False
            contract.lease_next_due_amount = line.amount_rent if line else 0.0

    @api.depends("lease_next_due_amount")
    def _compute_lease_next_due_amount_text(self):
        for contract in self:
            contract.lease_next_due_amount_text = lease_sms_amount(
                contract.lease_next_due_amount
            )

    # ------------------------------------------------------------------
    def _escalation_prenotice_list(self):
        """10:00 on each of the 7 days before a due date: risk management's list of the
        customers due goes to each account manager, who reports their willingness and
        ability to pay by 16:00 (D5 L95, SPEC R5). One list per account manager and day,
        one line per contract; returns the lines created."""
        today = self.env.company._lease_today()
        contracts = self.sudo()
        lines_model = self.env["lease.prenotice.feedback"].sudo()
        lists_model = self.env["lease.prenotice.list"].sudo()
        installments = (
            self.env["lease.installment"]
            .sudo()
            .search_fetch(
                [
                    ("contract_id", "in", contracts.ids),
                    ("state", "in", ("planned", "invoiced")),
                    ("date_due", ">", today),
                ],
                ["contract_id", "date_due", "amount_rent"],
                order="date_due, id",
            )
        )
        next_line = {}
        for line in installments:
            next_line.setdefault(line.contract_id.id, line)
        existing_lists = lists_model.search(
            [("date", "=", today), ("user_id", "in", contracts.account_manager_id.ids)]
        )
        by_user = {(lst.user_id.id, lst.company_id.id): lst for lst in existing_lists}
        new_lists = []
        for contract in contracts:
            key = (contract.account_manager_id.id, contract.company_id.id)
            if (
                contract.account_manager_id
                and key not in by_user
                and key not in new_lists
            ):
                new_lists.append(key)
        created = lists_model.create(
            [
                {
                    "date": today,
                    "user_id": user_id,
                    "company_id": company_id,
                    "date_deadline": self._prenotice_deadline(
                        today, user_id, company_id
                    ),
                }
                for user_id, company_id in new_lists
            ]
        )
        for lst in created:
            by_user[(lst.user_id.id, lst.company_id.id)] = lst
        done = {
            (line.list_id.id, line.contract_id.id)
            for line in lines_model.search_fetch(
                [("list_id", "in", [lst.id for lst in by_user.values()])],
                ["list_id", "contract_id"],
            )
        }
        vals_list = []
        for contract in contracts:
            lst = by_user.get((contract.account_manager_id.id, contract.company_id.id))
            line = next_line.get(contract.id)
            if not lst or not line or (lst.id, contract.id) in done:
                continue
            vals_list.append(
                {
                    "list_id": lst.id,
                    "contract_id": contract.id,
                    "installment_id": line.id,
                }
            )
        feedback = lines_model.create(vals_list)
        created._schedule_feedback_activity()
        return feedback.with_env(self.env)

    @api.model
    def _prenotice_deadline(self, day, user_id, company_id=None):
        """16:00 of ``day`` local time of the company (D5 L95: the company's office hours,
        not the account manager's or the cron user's time zone), as a UTC datetime."""
        company = self.env["res.company"].sudo().browse(company_id) or self.env.company
        return company._lease_local_to_utc(day, 16, 0)

    # ------------------------------------------------------------------
    # Blacklist early warning, suspension and credit limit at activation (SPEC K2, W3).
    # ------------------------------------------------------------------
    blacklist_warning = fields.Text(compute="_compute_blacklist_warning")

    @api.depends(
        "partner_id",
        "vendor_id",
        "guarantor_ids",
        "partner_id.lease_registration_number",
        "vendor_id.lease_registration_number",
        "guarantor_ids.lease_registration_number",
    )
    def _compute_blacklist_warning(self):
        """Early warning (D4 L84, D9 L201): the lessee, the vendor or a guarantor is on the
        blacklist, by partner or by registration / ID number."""
        partners = self.partner_id | self.vendor_id | self.guarantor_ids
        matches = self.env["lease.blacklist.entry"]._match(partners.filtered("id"))
        for contract in self:
            contract.blacklist_warning = (
                "\n".join(contract._blacklist_lines(matches)) or False
            )

    def _blacklist_lines(self, matches):
        self.ensure_one()
        lines = []
        roles = [
            (self.env._("Lessee"), self.partner_id),
            (self.env._("Vendor"), self.vendor_id),
        ]
        roles += [
            (self.env._("Guarantor"), guarantor) for guarantor in self.guarantor_ids
        ]
        for role, partner in roles:
            entries = partner and matches.get(partner.id)
            if entries:
                lines.append(
                    self.env._(
                        "%(role)s %(partner)s is on the blacklist: %(entries)s.",
                        role=role,
                        partner=partner.display_name,
                        entries=entries._warning_label(),
                    )
                )
        return lines

    def _risk_problems(self):
        """Refuse new business with a blacklisted party (W3), a lessee whose new business
        risk management suspended, or beyond the lessee's credit limit (K2)."""
        problems = []
        partners = (self.partner_id | self.vendor_id | self.guarantor_ids).filtered(
            "id"
        )
        problems += self._blacklist_lines(
            self.env["lease.blacklist.entry"]._match(partners)
        )
        lessee = self.partner_id.commercial_partner_id.sudo()
        if not lessee:
            return problems
        if lessee.lease_suspended:
            problems.append(
                self.env._(
                    "Risk management suspended new business with %(partner)s"
                    "%(reason)s.",
                    partner=lessee.display_name,
                    reason=f": {lessee.lease_suspension_reason}"
                    if lessee.lease_suspension_reason
                    else "",
                )
            )
        limit = lessee.lease_credit_limit
        if limit:
            exposure = self._lessee_exposure(lessee) + self.financed_amount
            if float_compare(exposure, limit, precision_digits=2) > 0:
                problems.append(
                    self.env._(
                        "The lessee's credit limit of %(limit)s would be exceeded: it would owe "
                        "%(exposure)s of principal with this contract.",
                        limit=limit,
                        exposure=exposure,
                    )
                )
        return problems

    def _lessee_exposure(self, lessee):
        """Principal not yet paid on the lessee's other active contracts."""
        groups = (
            self.env["lease.installment"]
            .sudo()
            ._read_group(
                [
                    ("contract_id.partner_id", "child_of", lessee.id),
                    ("contract_id.state", "=", "active"),
                    ("contract_id", "not in", self.ids),
                    ("state", "!=", "paid"),
                ],
                [],
                ["amount_principal:sum"],
            )
        )
        return groups[0][0] or 0.0
