from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_compare, formatLang


class LeaseVendorAdvanceWizard(models.TransientModel):
    """Record a vendor's advance of rent in one step (SPEC C4, D9 L169, issue 9 item 7):
    the payment is posted, applied to the lessee's rent invoice and flagged as an advance,
    so that the lessee's installment stays overdue."""

    _name = "lease.vendor.advance.wizard"
    _description = "Record a Vendor Advance"

    installment_id = fields.Many2one(
        "lease.installment",
        "Installment",
        required=True,
        domain="[('state', 'in', ('invoiced', 'overdue'))]",
    )
    contract_id = fields.Many2one(related="installment_id.contract_id")
    company_id = fields.Many2one(related="installment_id.company_id")
    currency_id = fields.Many2one(related="installment_id.currency_id")
    partner_id = fields.Many2one(
        "res.partner",
        "Received From",
        compute="_compute_partner_id",
        store=True,
        readonly=False,
        required=True,
        help="Partner the money is booked under: the contract's vendor by default. It is an "
        "advance whatever partner it is booked under.",
    )
    amount = fields.Monetary(required=True)
    date = fields.Date(
        "Payment Date",
        required=True,
        default=lambda self: self.env.company._lease_today(),
    )
    journal_id = fields.Many2one(
        "account.journal",
        "Journal",
        required=True,
        domain="[('type', 'in', ('bank', 'cash')), ('company_id', '=', company_id)]",
    )
    note = fields.Char()

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        context = self.env.context
        if context.get("active_model") == "lease.installment" and context.get(
            "active_id"
        ):
            values.setdefault("installment_id", context["active_id"])
        if values.get("installment_id"):
            installment = self.env["lease.installment"].browse(values["installment_id"])
            values.setdefault("amount", installment.move_id.amount_residual)
            values.setdefault(
                "journal_id",
                self.env["account.journal"]
                .search(
                    [
                        ("type", "=", "bank"),
                        ("company_id", "=", installment.company_id.id),
                    ],
                    limit=1,
                )
                .id,
            )
        return values

    @api.depends("installment_id")
    def _compute_partner_id(self):
        for wizard in self:
            wizard.partner_id = wizard.installment_id.contract_id.vendor_id

    def action_confirm(self):
        self.ensure_one()
        advance = self.installment_id._lease_record_vendor_advance(
            self.amount,
            self.date,
            self.journal_id,
            partner=self.partner_id,
            note=self.note,
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "lease.vendor.advance",
            "res_id": advance.id,
            "view_mode": "form",
            "target": "current",
        }


class LeaseInstallment(models.Model):
    _inherit = "lease.installment"

    def action_record_vendor_advance(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Record a Vendor Advance"),
            "res_model": "lease.vendor.advance.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_installment_id": self.id},
        }

    def _lease_record_vendor_advance(
        self, amount, date, journal, partner=None, note=None
    ):
        """Post the payment received for this installment's rent, apply it to the
        lessee's rent invoice and flag it as a vendor advance (C4). Finance only."""
        self.ensure_one()
        env = self.env
        if not (
            env.su
            or env.user.has_group("lease_overdue.group_finance")
            or env.user.has_group("lease_overdue.group_lease_manager")
        ):
            raise AccessError(env._("Only finance records a vendor advance."))
        contract = self.contract_id
        invoice = self.move_id
        partner = partner or contract.vendor_id
        if not partner:
            raise UserError(
                env._(
                    "Contract %(contract)s has no vendor: give the partner the advance was "
                    "received from.",
                    contract=contract.name,
                )
            )
        if not invoice or invoice.state != "posted":
            raise UserError(
                env._(
                    "Installment %(no)s of %(contract)s is not invoiced yet: a vendor "
                    "advance is applied to a posted rent invoice.",
                    no=self.sequence,
                    contract=contract.name,
                )
            )
        currency = invoice.currency_id
        if float_compare(amount, 0.0, precision_rounding=currency.rounding) <= 0:
            raise UserError(env._("The amount of a vendor advance must be positive."))
        if (
            float_compare(
                amount, invoice.amount_residual, precision_rounding=currency.rounding
            )
            > 0
        ):
            raise UserError(
                env._(
                    "The advance (%(amount)s) is more than what is still open on the rent "
                    "invoice %(invoice)s (%(residual)s).",
                    amount=formatLang(env, amount, currency_obj=currency),
                    invoice=invoice.name,
                    residual=formatLang(
                        env, invoice.amount_residual, currency_obj=currency
                    ),
                )
            )
        if (
            journal.type not in ("bank", "cash")
            or journal.company_id != self.company_id
        ):
            raise UserError(
                env._(
                    "Choose a bank or cash journal of %(company)s.",
                    company=self.company_id.name,
                )
            )
        receivable = invoice.line_ids.filtered(
            lambda line: (
                line.account_id.account_type == "asset_receivable"
                and not line.reconciled
            )
        )
        payment = env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": partner.id,
                "amount": amount,
                "currency_id": currency.id,
                "date": date,
                "journal_id": journal.id,
                "destination_account_id": receivable[:1].account_id.id,
                "memo": env._(
                    "Vendor advance: %(contract)s, installment %(no)s",
                    contract=contract.name,
                    no=self.sequence,
                ),
            }
        )
        payment.action_post()
        # The flag first: the reconciliation below recomputes the installment, which must
        # already see the payment as an advance.
        advance = env["lease.vendor.advance"].create(
            {
                "installment_id": self.id,
                "amount": amount,
                "date": date,
                "payment_id": payment.id,
                "note": note or False,
            }
        )
        lines = payment.move_id.line_ids.filtered(
            lambda line: (
                line.account_id == receivable[:1].account_id and not line.reconciled
            )
        )
        (lines | receivable).reconcile()  # recomputes the installment (C4: still due)
        contract.sudo().message_post(
            body=env._(
                "Vendor advance of %(amount)s received from %(partner)s on %(date)s for "
                "installment %(no)s: the lessee's installment stays overdue (D9 L169).",
                amount=formatLang(env, amount, currency_obj=currency),
                partner=partner.display_name,
                date=date,
                no=self.sequence,
            )
        )
        return advance
