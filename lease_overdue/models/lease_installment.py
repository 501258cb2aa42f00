from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, float_compare, float_round

from .lease_contract import lease_check_references

SCHEDULE_FIELDS = frozenset(
    ("date_due", "amount_principal", "amount_interest", "sequence", "contract_id")
)


class LeaseInstallment(models.Model):
    """One installment of a rent schedule (租金计划/期次, SPEC C2, C3, O1, O2).

    Payment and overdue figures are never typed: the overdue engine derives them from
    Odoo's reconciliation of the rent invoice and the penalty invoices.
    """

    _name = "lease.installment"
    _inherit = ["lease.guard.mixin"]
    _description = "Rent Installment"
    # State, the invoice links and the overdue engine's figures (issue "Integrity"):
    # the installment <-> invoice link never changes once invoiced.
    _lease_guarded_fields = (
        "state",
        "move_id",
        "penalty_move_ids",
        "amount_paid",
        "amount_residual",
        "late_amount_days",
        "date_last_payment",
        "penalty_accrued",
        "penalty_invoiced",
        "penalty_paid",
        "penalty_due",
        "date_settled",
        "days_overdue",
        "days_late",
        "tier_id",
    )
    _lease_unlink_states = ("draft",)
    _order = "contract_id, sequence"
    _rec_names_search = ["contract_id", "move_id"]

    contract_id = fields.Many2one(
        "lease.contract", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer("No.", required=True, default=1)
    date_due = fields.Date("Due Date", required=True, index=True)
    amount_principal = fields.Monetary("Principal")
    amount_interest = fields.Monetary("Interest")
    amount_rent = fields.Monetary("Rent", compute="_compute_amount_rent", store=True)
    currency_id = fields.Many2one(related="contract_id.currency_id", store=True)
    company_id = fields.Many2one(
        related="contract_id.company_id", store=True, index=True
    )
    partner_id = fields.Many2one(
        related="contract_id.partner_id", store=True, index=True, string="Lessee"
    )
    contract_state = fields.Selection(
        related="contract_id.state", string="Contract Status"
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("planned", "Planned"),
            ("invoiced", "Invoiced"),
            ("overdue", "Overdue"),
            ("paid", "Paid"),
        ],
        default="draft",
        required=True,
        readonly=True,
        index=True,
    )
    move_id = fields.Many2one(
        "account.move",
        "Rent Invoice",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    penalty_move_ids = fields.One2many(
        "account.move",
        "lease_installment_id",
        "Penalty Invoices",
        domain=[("lease_move_kind", "=", "penalty")],
        readonly=True,
    )
    vendor_advance_ids = fields.One2many(
        "lease.vendor.advance", "installment_id", "Vendor Advances"
    )
    vendor_advance_amount = fields.Monetary(
        compute="_compute_vendor_advance_amount", store=True
    )

    # Written by the overdue engine
    amount_paid = fields.Monetary("Rent Paid by Lessee", readonly=True, copy=False)
    amount_residual = fields.Monetary("Rent Outstanding", readonly=True, copy=False)
    late_amount_days = fields.Float(
        readonly=True,
        copy=False,
        help="Sum over payments made after the due date of amount x days it was late; "
        "the penalty already earned by rent that has since been paid.",
    )
    date_last_payment = fields.Date("Last Payment", readonly=True, copy=False)
    penalty_accrued = fields.Monetary("Penalty Accrued", readonly=True, copy=False)
    penalty_invoiced = fields.Monetary(readonly=True, copy=False)
    penalty_paid = fields.Monetary(readonly=True, copy=False)
    penalty_due = fields.Monetary("Penalty Unpaid", readonly=True, copy=False)
    date_settled = fields.Date(
        "Settled On",
        readonly=True,
        copy=False,
        help="Day rent and accumulated penalty were paid in full (real payment dates).",
    )
    days_overdue = fields.Integer(readonly=True, copy=False, index=True)
    days_late = fields.Integer(
        "Days Paid Late",
        readonly=True,
        copy=False,
        help="For a settled installment: days between the due date and settlement.",
    )
    tier_id = fields.Many2one(
        "lease.overdue.tier", "Overdue Tier", readonly=True, copy=False, index=True
    )

    _contract_sequence_unique = models.UniqueIndex("(contract_id, sequence)")
    _open_idx = models.Index("(contract_id) WHERE state IN ('invoiced', 'overdue')")

    @api.depends("amount_principal", "amount_interest")
    def _compute_amount_rent(self):
        for line in self:
            line.amount_rent = line.amount_principal + line.amount_interest

    @api.depends("vendor_advance_ids.amount")
    def _compute_vendor_advance_amount(self):
        for line in self:
            line.vendor_advance_amount = sum(line.vendor_advance_ids.mapped("amount"))

    @api.depends("contract_id.name", "sequence")
    def _compute_display_name(self):
        for line in self:
            line.display_name = self.env._(
                "%(contract)s #%(n)s",
                contract=line.contract_id.name or "",
                n=line.sequence,
            )

    @api.constrains("amount_principal", "amount_interest")
    def _check_amounts(self):
        for line in self:
            if line.amount_principal < 0 or line.amount_interest < 0:
                raise ValidationError(
                    self.env._(
                        "Installment amounts cannot be negative (installment %(n)s).",
                        n=line.sequence,
                    )
                )

    @api.constrains("date_due")
    def _check_date_due(self):
        for line in self:
            line.company_id._lease_check_date(line.date_due, self._fields["date_due"])

    @api.model_create_multi
    def create(self, vals_list):
        lease_check_references(self, vals_list)
        contracts = self.env["lease.contract"].browse(
            [vals["contract_id"] for vals in vals_list if vals.get("contract_id")]
        )
        contracts._check_schedule_editable()
        return super().create(vals_list)

    def write(self, vals):
        lease_check_references(self, [vals])
        if SCHEDULE_FIELDS.intersection(vals):
            contracts = self.contract_id
            if vals.get("contract_id"):
                contracts |= self.env["lease.contract"].browse(vals["contract_id"])
            contracts._check_schedule_editable()
        return super().write(vals)

    def _lease_write_amended(self, vals):
        """Write the schedule changes of an approved amendment (lease.contract.amendment
        checks and applies them): the schedule lock above is what amendments exist for."""
        # Skips only this class's schedule lock; the rest of write() runs as usual.
        return super(LeaseInstallment, self.sudo()).write(vals)  # pylint: disable=super-method-mismatch

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        self.contract_id._check_schedule_editable()

    # ------------------------------------------------------------------
    # Invoicing
    # ------------------------------------------------------------------
    def _rent_journals(self):
        """The sales journal of rent and penalty invoices, per company of ``self``."""
        journals = {}
        for company in self.company_id:
            journal = company.lease_rent_journal_id or self.env[
                "account.journal"
            ].search([("type", "=", "sale"), ("company_id", "=", company.id)], limit=1)
            if not journal:
                raise UserError(
                    self.env._(
                        "No sales journal for rent invoices in %(company)s.",
                        company=company.name,
                    )
                )
            journals[company] = journal
        return journals

    def _invoice_vals(self, kind, journal, invoice_date, lines):
        """Values of a customer invoice of this installment; ``lines``: [(label, amount)]."""
        self.ensure_one()
        return {
            "move_type": "out_invoice",
            "partner_id": self.partner_id.id,
            "company_id": self.company_id.id,
            "currency_id": self.currency_id.id,
            "journal_id": journal.id,
            "invoice_date": invoice_date,
            # No payment term: the due date is the schedule's, never recomputed.
            "invoice_payment_term_id": False,
            "invoice_date_due": self.date_due if kind == "rent" else invoice_date,
            "invoice_origin": self.contract_id.name,
            "lease_installment_id": self.id,
            "lease_contract_id": self.contract_id.id,
            "lease_move_kind": kind,
            "invoice_line_ids": [
                fields.Command.create(
                    {
                        "name": label,
                        "quantity": 1,
                        "price_unit": amount,
                        "tax_ids": [fields.Command.clear()],
                    }
                )
                for label, amount in lines
                if amount
            ],
        }

    @api.model
    def _lease_check_invoicing_right(self):
        """Rent and penalty are invoiced by finance (or the nightly job)."""
        if self.env.su or self.env.user.has_group("lease_overdue.group_finance"):
            return
        if self.env.user.has_group("lease_overdue.group_lease_manager"):
            return
        raise AccessError(
            self.env._(
                "Only the finance department invoices rent and penalty interest."
            )
        )

    @api.model
    def _invoice_due(self, contracts=None, date=None):
        """Create and post the rent invoices of installments due within the lead time.

        Set-based: one search, one batched create and one post for all of them.
        """
        today = date or self.env.company._lease_today()
        domain = [
            ("state", "=", "planned"),
            ("move_id", "=", False),
            ("contract_id.state", "=", "active"),
        ]
        if contracts is not None:
            domain.append(("contract_id", "in", contracts.ids))
        lines = self.search(domain)
        lines = lines.filtered(
            lambda line: (
                line.date_due
                <= today + timedelta(days=line.company_id.lease_invoice_days_ahead)
            )
        )
        return lines._create_rent_invoices()

    def _create_rent_invoices(self):
        if not self:
            return self.env["account.move"]
        journals = self._rent_journals()
        today = self.env.company._lease_today()
        vals_list = []
        for line in self:
            label = self.env._(
                "Rent %(contract)s installment %(n)s/%(total)s",
                contract=line.contract_id.name,
                n=line.sequence,
                total=line.contract_id.term_count,
            )
            vals_list.append(
                line._invoice_vals(
                    "rent",
                    journals[line.company_id],
                    min(line.date_due, today),
                    [
                        (
                            self.env._("%(rent)s - principal", rent=label),
                            line.amount_principal,
                        ),
                        (
                            self.env._("%(rent)s - interest", rent=label),
                            line.amount_interest,
                        ),
                    ],
                )
            )
        # The callers checked the right to invoice: the invoices and their links to the
        # installments are written in superuser mode (account.move refuses the links).
        moves = self.env["account.move"].sudo().create(vals_list)
        moves.action_post()
        moves = moves.with_env(self.env)
        self.env.cr.execute(
            SQL(
                """
                UPDATE lease_installment i SET move_id = m.id, state = 'invoiced'
                  FROM account_move m
                 WHERE m.lease_installment_id = i.id AND m.id = ANY(%s)
                """,
                moves.ids,
            )
        )
        self.invalidate_recordset(["move_id", "state"])
        if not self.env["lease.overdue.engine"]._deferred():
            self.env["lease.overdue.engine"]._run(contract_ids=self.contract_id.ids)
        return moves

    def _invoice_penalty(self):
        """Invoice the accrued and not yet invoiced penalty interest (SPEC C3)."""
        defer = self.env["lease.overdue.engine"]._deferred()
        if not defer:
            self.env["lease.overdue.engine"]._run(contract_ids=self.contract_id.ids)
        journals = self._rent_journals()
        today = self.env.company._lease_today()
        vals_list = []
        todo = self.env["lease.installment"]
        for line in self:
            digits = line.currency_id.decimal_places
            amount = float_round(
                line.penalty_accrued - line.penalty_invoiced, precision_digits=digits
            )
            if float_compare(amount, 0.0, precision_digits=digits) <= 0:
                continue
            todo |= line
            label = self.env._(
                "Penalty interest %(contract)s installment %(n)s",
                contract=line.contract_id.name,
                n=line.sequence,
            )
            vals_list.append(
                line._invoice_vals(
                    "penalty", journals[line.company_id], today, [(label, amount)]
                )
            )
        if not vals_list:
            raise UserError(
                self.env._("There is no accrued penalty interest left to invoice.")
            )
        moves = self.env["account.move"].sudo().create(vals_list)
        moves.action_post()
        moves = moves.with_env(self.env)
        if not defer:
            self.env["lease.overdue.engine"]._run(contract_ids=todo.contract_id.ids)
        return moves

    def action_invoice(self):
        self._lease_check_invoicing_right()
        self.check_access("read")
        lines = self.filtered(lambda line: line.state == "planned" and not line.move_id)
        if not lines:
            raise UserError(
                self.env._(
                    "Only planned installments of active contracts without an "
                    "invoice can be invoiced."
                )
            )
        lines._create_rent_invoices()
        return True

    def action_invoice_penalty(self):
        self._lease_check_invoicing_right()
        self.check_access("read")
        self._invoice_penalty()
        return True
