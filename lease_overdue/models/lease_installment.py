from collections import defaultdict
from datetime import timedelta

from dateutil.relativedelta import relativedelta

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
        "penalty_carried_move_ids",
        "penalty_carry_billed",
        "penalty_carried",
        "penalty_carried_due",
        "amount_overdue",
        "date_settled",
        "days_overdue",
        "days_late",
        "tier_id",
        "kpi_paid_on_time",
        "kpi_paid_month_end",
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
    penalty_carried_move_ids = fields.One2many(
        "account.move",
        "lease_due_installment_id",
        "Penalty Billed With It",
        domain=[("lease_move_kind", "=", "penalty")],
        readonly=True,
        help="Penalty interest accumulated before this due date, billed to fall due "
        "with this rent (D9 L169).",
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
    # D9 L169: the penalty accumulated before this due date falls due with this rent.
    penalty_carry_billed = fields.Boolean(
        "Prior Penalty Billed",
        readonly=True,
        copy=False,
        help="The nightly job has billed the penalty interest accumulated before this "
        "due date, to fall due with this installment.",
    )
    penalty_carried = fields.Monetary(
        "Penalty Due With It",
        readonly=True,
        copy=False,
        help="Penalty interest of earlier installments billed to fall due with this "
        "rent: the installment is overdue unless it is paid too (D9 L169).",
    )
    penalty_carried_due = fields.Monetary(
        "Penalty Due With It Unpaid", readonly=True, copy=False
    )
    # The KPI's payments (SPEC W2, issue 10 item 6): what the lessee paid on the rent
    # invoice on or before the due date, and by the end of the due month, without credit
    # notes and the vendor's payments. Read by the KPI analysis and dashboard.
    kpi_paid_on_time = fields.Monetary(
        "Paid On Time",
        readonly=True,
        copy=False,
        help="Paid by the lessee on or before the due date.",
    )
    kpi_paid_month_end = fields.Monetary(
        "Collected by Month End",
        readonly=True,
        copy=False,
        help="Paid by the lessee by the last day of the month of the due date.",
    )
    amount_overdue = fields.Monetary(
        "Overdue Amount",
        readonly=True,
        copy=False,
        help="While overdue: the rent outstanding plus the unpaid penalty billed to fall "
        "due with it.",
    )
    date_settled = fields.Date(
        "Settled On",
        readonly=True,
        copy=False,
        help="Day the rent, and the penalty billed to fall due with it, were paid in "
        "full (real payment dates). An installment's own penalty is billed with a "
        "later rent and does not keep it open.",
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
    # The nightly penalty billing reads only due dates not billed yet and installments
    # with penalty not billed yet: both stay small however old the portfolio.
    _carry_todo_idx = models.Index(
        "(date_due) WHERE penalty_carry_billed IS NOT TRUE AND move_id IS NOT NULL"
    )
    _penalty_unbilled_idx = models.Index(
        "(contract_id) WHERE penalty_accrued > penalty_invoiced"
    )

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

    def _invoice_vals(
        self, kind, journal, invoice_date, lines, date_due=None, due_line_id=False
    ):
        """Values of a customer invoice of this installment; ``lines``: [(label, amount)].

        A penalty invoice is due on ``date_due`` and falls due with the rent of
        ``due_line_id`` (the next installment, D9 L169; none after the last one)."""
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
            "invoice_date_due": date_due
            or (self.date_due if kind == "rent" else invoice_date),
            "invoice_origin": self.contract_id.name,
            "lease_installment_id": self.id,
            "lease_due_installment_id": due_line_id,
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
    def _lease_invoice_model(self):
        """account.move, in superuser mode, to create and post rent and penalty invoices.

        Posting does not recompute the contracts (``lease_defer_overdue``, honoured in
        superuser mode only): the caller does it once, after linking the installments.
        In the nightly job (``lease_invoice_batch``) the system user neither follows
        each invoice nor logs "Invoice Created" on it (issue 10: a follower row and a
        message per invoice, read by nobody); the posting's tracking, the accounting
        audit trail, stays. The journal's sequence numbers them as usual."""
        context = {"lease_defer_overdue": True}
        if self.env.context.get("lease_invoice_batch"):
            context.update(mail_create_nosubscribe=True, mail_create_nolog=True)
        return self.env["account.move"].sudo().with_context(**context)

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
        # The window is selected in SQL with each company's lead time (issue 10, item
        # 3): the ~1.2M planned installments of 100k contracts are never read. The
        # bound on the largest lead time lets PostgreSQL use the due date's index.
        self.env["res.company"].flush_model(["lease_invoice_days_ahead"])
        query = self._search(domain, order=self._order)
        table = query.table
        query.add_where(
            SQL(
                "%(due)s <= %(today)s::date + (SELECT COALESCE(MAX(lc.lease_invoice_days_ahead), 0)"
                " FROM res_company lc)"
                " AND %(due)s <= %(today)s::date + (SELECT COALESCE(rc.lease_invoice_days_ahead, 0)"
                " FROM res_company rc WHERE rc.id = %(company)s)",
                due=SQL.identifier(table, "date_due"),
                today=today,
                company=SQL.identifier(table, "company_id"),
            )
        )
        lines = self.browse(id_ for (id_,) in self.env.execute_query(query.select()))
        return lines._create_rent_invoices()

    def _create_rent_invoices(self):
        """Create and post the rent invoices of these installments, link them, then
        recompute their contracts once. In the nightly job (context
        ``lease_invoice_batch``: n) only the first n by due date: one committed batch
        (issue 10 item 4); the next batch selects what is left."""
        if not self:
            return self.env["account.move"]
        batch = self.env.context.get("lease_invoice_batch")
        if batch and len(self) > batch:
            self = self.sorted(lambda line: (line.date_due, line.id))[:batch]  # noqa: PLW0642
        journals = self._rent_journals()
        today = self.env.company._lease_today()
        vals_list = []
        for line in self:
            env = line.company_id._lease_env()  # the labels in its language (issue 11)
            label = env._(
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
                            env._("%(rent)s - principal", rent=label),
                            line.amount_principal,
                        ),
                        (
                            env._("%(rent)s - interest", rent=label),
                            line.amount_interest,
                        ),
                    ],
                )
            )
        # The callers checked the right to invoice: the invoices and their links to the
        # installments are written in superuser mode (account.move refuses the links).
        moves = self._lease_invoice_model().create(vals_list)
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

    # ------------------------------------------------------------------
    # Penalty interest (SPEC C3 revised, D9 L169, issue 9 item 3)
    # ------------------------------------------------------------------
    @api.model
    def _penalty_billing_targets(self, contract_ids, today):
        """Where penalty billed on ``today`` falls due, per contract id, in one query:
        ``((installment id, due date), last due date so far)``. The installment is the
        contract's next one (due after today); after the last installment, or once the
        contract is no longer active, there is none and the bill is due the company's
        number of days later (lease_penalty_due_days)."""
        rows = self.env.execute_query(
            SQL(
                """
            SELECT c.id, c.company_id, nx.id, nx.date_due, ld.last_due
              FROM lease_contract c
              LEFT JOIN LATERAL (
                    SELECT j.id, j.date_due FROM lease_installment j
                     WHERE j.contract_id = c.id AND j.date_due > %(today)s
                       AND j.state != 'draft'
                     ORDER BY j.date_due, j.sequence LIMIT 1
              ) nx ON c.state = 'active'
              LEFT JOIN LATERAL (
                    SELECT MAX(j.date_due) AS last_due FROM lease_installment j
                     WHERE j.contract_id = c.id AND j.move_id IS NOT NULL
                       AND j.date_due <= %(today)s
              ) ld ON TRUE
             WHERE c.id = ANY(%(ids)s)
            """,
                today=today,
                ids=list(contract_ids),
            )
        )
        companies = self.env["res.company"].browse(list({row[1] for row in rows}))
        delays = {company.id: company.lease_penalty_due_days for company in companies}
        targets = {}
        for contract_id, company_id, next_id, next_due, last_due in rows:
            if next_id:
                target = (next_id, next_due)
            else:
                target = (False, today + timedelta(days=delays[company_id]))
            targets[contract_id] = (target, last_due)
        return targets

    @api.model
    def _invoice_penalty_due(self, date=None):
        """The nightly billing of penalty interest (SPEC C3 revised, D9 L169, issue 9
        item 3). Set-based: three queries and one update whatever the portfolio, then
        one batched create and one post of all the night's bills.

        - On a due date, the penalty accumulated before it on the contract's earlier
          installments is billed, dated and due that day, to fall due with that rent
          (account.move.lease_due_installment_id): the installment is overdue unless its
          rent and that penalty are paid. Each due date is billed once
          (penalty_carry_billed); a due date whose night was missed is billed the next
          night as finance's button does, to fall due with the next rent: never due
          before it is billed.
        - After the last installment (or once the contract is no longer active) there is
          no next rent: the penalty is billed when it stops accruing (rent paid) or
          monthly while it accrues, due the company's number of days later.
        - What is billed is the accrued penalty less what is already billed: a rerun
          bills nothing, and nothing is billed at zero or less.
        """
        today = date or self.env.company._lease_today()
        reached = {}
        reached_ids = defaultdict(list)  # contract id: installment ids
        for line_id, contract_id, date_due, sequence in self.env.execute_query(
            SQL(
                """
            SELECT i.id, i.contract_id, i.date_due, i.sequence FROM lease_installment i
             WHERE i.penalty_carry_billed IS NOT TRUE AND i.move_id IS NOT NULL
               AND i.date_due <= %s
            """,
                today,
            )
        ):
            reached_ids[contract_id].append(line_id)
            latest = (date_due, sequence, line_id)
            reached[contract_id] = max(reached.get(contract_id, latest), latest)
        # The accrued penalty not billed yet, with the engine's formula (stored payment
        # figures, which every reconciliation refreshes; the days counted to today).
        sources = self.env.execute_query(
            SQL(
                """
            WITH src AS (
                SELECT i.id, i.contract_id, i.date_due, i.amount_residual,
                       ROUND((c.penalty_rate * (
                           i.amount_residual * GREATEST(%(today)s::date - i.date_due, 0)
                           + i.late_amount_days))::numeric, 2) AS accrued
                  FROM lease_installment i
                  JOIN lease_contract c ON c.id = i.contract_id
                 WHERE c.penalty_rate > 0 AND i.move_id IS NOT NULL
                   AND ((i.state IN ('invoiced', 'overdue') AND i.date_due < %(today)s)
                        OR i.penalty_accrued > i.penalty_invoiced)
            ),
            billed AS (
                SELECT m.lease_installment_id AS id, SUM(m.amount_total) AS amount,
                       MAX(m.invoice_date) AS last_bill
                  FROM account_move m
                  JOIN src ON src.id = m.lease_installment_id
                 WHERE m.lease_move_kind = 'penalty' AND m.state = 'posted'
                 GROUP BY m.lease_installment_id
            )
            SELECT s.id, s.contract_id, s.date_due, s.amount_residual,
                   s.accrued - COALESCE(b.amount, 0), b.last_bill
              FROM src s
              LEFT JOIN billed b ON b.id = s.id
             WHERE s.accrued - COALESCE(b.amount, 0) > 0
            """,
                today=today,
            )
        )
        # One order whatever the batches: by contract, then installment.
        sources = sorted(sources, key=lambda row: (row[1], row[0]))
        bills = []
        if sources:
            targets = self._penalty_billing_targets({row[1] for row in sources}, today)
            lines = self.browse([row[0] for row in sources])
            for line, row in zip(lines, sources):
                _id, contract_id, line_due, residual, amount, last_bill = row
                (next_id, next_due), last_due = targets[contract_id]
                reach = reached.get(contract_id)
                if reach and line_due < reach[0]:
                    if reach[0] == today:
                        bills.append((line, float(amount), today, reach[2]))
                    else:  # the night of that due date was missed
                        bills.append((line, float(amount), next_due, next_id))
                elif not next_id:
                    # after the last installment: when the rent is paid, else monthly
                    since = last_bill or last_due
                    if float(residual) <= 0.005 or (
                        since and today >= since + relativedelta(months=1)
                    ):
                        bills.append((line, float(amount), next_due, False))
                # else: it falls due with the next rent, billed on its due date
        marked = [line_id for ids in reached_ids.values() for line_id in ids]
        batch = self.env.context.get("lease_invoice_batch")
        if batch and len(bills) > batch:
            # The nightly job (issue 10 item 4): the bills of whole contracts, about
            # ``batch`` of them, committed together with these contracts' "billed on
            # this due date" marks; the bills left are computed again, the same, by
            # the next batch or by the continuation of a killed run.
            billing = {bill[0].contract_id.id for bill in bills}
            kept = set()
            for count, bill in enumerate(bills):
                contract_id = bill[0].contract_id.id
                if count >= batch and contract_id not in kept:
                    break
                kept.add(contract_id)
            bills = [bill for bill in bills if bill[0].contract_id.id in kept]
            marked = [
                line_id
                for contract_id, ids in reached_ids.items()
                if contract_id in kept or contract_id not in billing
                for line_id in ids
            ]
        if marked:
            self.env.cr.execute(
                SQL(
                    "UPDATE lease_installment SET penalty_carry_billed = TRUE"
                    " WHERE id = ANY(%s)",
                    marked,
                )
            )
            self.invalidate_model(["penalty_carry_billed"])
        return self._create_penalty_invoices(bills, today)

    @api.model
    def _create_penalty_invoices(self, bills, today):
        """Create and post the penalty invoices ``bills`` = [(installment, amount, due
        date, id of the installment it falls due with or False)] in one batch."""
        bills = [
            bill
            for bill in bills
            if float_compare(
                bill[1], 0.0, precision_digits=bill[0].currency_id.decimal_places
            )
            > 0
        ]
        if not bills:
            return self.env["account.move"]
        lines = self.browse([bill[0].id for bill in bills])
        journals = lines._rent_journals()
        vals_list = []
        for line, amount, date_due, due_line_id in bills:
            # the label in the company's language (issue 11 item 3)
            label = line.company_id._lease_env()._(
                "Penalty interest %(contract)s installment %(n)s",
                contract=line.contract_id.name,
                n=line.sequence,
            )
            vals_list.append(
                line._invoice_vals(
                    "penalty",
                    journals[line.company_id],
                    today,
                    [(label, amount)],
                    date_due=date_due,
                    due_line_id=due_line_id,
                )
            )
        # The callers checked the right to invoice (see _create_rent_invoices).
        moves = self._lease_invoice_model().create(vals_list)
        moves.action_post()
        moves = moves.with_env(self.env)
        if not self.env["lease.overdue.engine"]._deferred():
            self.env["lease.overdue.engine"]._run(
                contract_ids=lines.contract_id.ids, date=today
            )
        return moves

    def _invoice_penalty(self):
        """Bill now the accrued penalty interest not billed yet (finance's button; the
        nightly job bills it on each due date, SPEC C3 revised). Like the nightly bills
        it falls due with the contract's next rent, or after the last installment the
        company's number of days later (D9 L169)."""
        defer = self.env["lease.overdue.engine"]._deferred()
        if not defer:
            self.env["lease.overdue.engine"]._run(contract_ids=self.contract_id.ids)
        today = self.env.company._lease_today()
        targets = self._penalty_billing_targets(self.contract_id.ids, today)
        bills = []
        for line in self:
            digits = line.currency_id.decimal_places
            amount = float_round(
                line.penalty_accrued - line.penalty_invoiced, precision_digits=digits
            )
            if float_compare(amount, 0.0, precision_digits=digits) <= 0:
                continue
            (next_id, next_due), _last_due = targets[line.contract_id.id]
            bills.append((line, amount, next_due, next_id))
        if not bills:
            raise UserError(
                self.env._("There is no accrued penalty interest left to invoice.")
            )
        return self._create_penalty_invoices(bills, today)

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
