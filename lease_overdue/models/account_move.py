from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

# Links of rent and penalty invoices to their installment and contract, and the
# engine's figures: written only by the invoicing methods and the overdue engine.
LEASE_MOVE_FIELDS = frozenset(
    (
        "lease_installment_id",
        "lease_due_installment_id",
        "lease_contract_id",
        "lease_move_kind",
        "lease_days_overdue",
        "lease_tier_id",
    )
)


class AccountMove(models.Model):
    _inherit = "account.move"

    lease_installment_id = fields.Many2one(
        "lease.installment",
        "Lease Installment",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    # A penalty invoice falls due with the next rent (D9 L169): the installment that is
    # overdue unless this penalty is paid too (empty after the last installment).
    lease_due_installment_id = fields.Many2one(
        "lease.installment",
        "Falls Due With",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Penalty interest billed to fall due with this installment's rent: the "
        "installment is overdue unless its rent and this penalty are paid (D9 L169).",
    )
    lease_contract_id = fields.Many2one(
        "lease.contract",
        "Lease Contract",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    lease_move_kind = fields.Selection(
        [("rent", "Rent"), ("penalty", "Penalty Interest")],
        "Lease Invoice Kind",
        readonly=True,
        copy=False,
    )
    lease_days_overdue = fields.Integer("Lease Days Overdue", readonly=True, copy=False)
    lease_tier_id = fields.Many2one(
        "lease.overdue.tier", "Lease Overdue Tier", readonly=True, copy=False
    )

    def _lease_refresh(self):
        contracts = self.lease_contract_id
        if contracts and not self.env["lease.overdue.engine"]._deferred():
            self.env["lease.overdue.engine"]._run(contract_ids=contracts.ids)

    def _lease_refuse_links(self, names):
        if not self.env.su and LEASE_MOVE_FIELDS.intersection(names):
            raise AccessError(
                self.env._(
                    "The link between an invoice and its lease installment or contract "
                    "is set when the rent or penalty is invoiced and never changes: to "
                    "correct an invoice, issue a credit note (and invoice again from "
                    "the contract if needed)."
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._lease_refuse_links(vals)
        if not self.env.su:
            # A default in the context is no way around it either.
            defaults = {f"default_{name}" for name in LEASE_MOVE_FIELDS}
            if defaults.intersection(self.env.context):
                self = self.with_context(  # noqa: PLW0642
                    {
                        key: value
                        for key, value in self.env.context.items()
                        if key not in defaults
                    }
                )
        return super().create(vals_list)

    def write(self, vals):
        self._lease_refuse_links(vals)
        res = super().write(vals)
        if "state" in vals:
            self._lease_refresh()
        return res

    def copy_data(self, default=None):
        self._lease_refuse_links(default or {})
        return super().copy_data(default=default)

    def button_draft(self):
        """A posted rent or penalty invoice is corrected by a credit note, never
        rewritten (issue "Integrity" item 3)."""
        for move in self:
            if move.lease_installment_id and move.lease_move_kind and not self.env.su:
                raise UserError(
                    self.env._(
                        "%(move)s is a lease invoice: it cannot be reset to draft. "
                        "Issue a credit note to correct it.",
                        move=move.display_name,
                    )
                )
        return super().button_draft()

    @api.ondelete(at_uninstall=False)
    def _unlink_except_lease_invoice(self):
        """A rent or penalty invoice stays linked to its installment: deleting it would
        let the nightly job bill the rent again (issue "Integrity" item 3)."""
        for move in self:
            if move.lease_installment_id and move.lease_move_kind:
                raise UserError(
                    self.env._(
                        "%(move)s is the %(kind)s invoice of %(installment)s: it cannot "
                        "be deleted. Issue a credit note to cancel it.",
                        move=move.display_name,
                        kind=dict(
                            self._fields["lease_move_kind"]._description_selection(
                                self.env
                            )
                        )[move.lease_move_kind],
                        installment=move.lease_installment_id.sudo().display_name,
                    )
                )


class AccountPartialReconcile(models.Model):
    """A payment, a credit note or an unreconciliation updates the installments at once."""

    _inherit = "account.partial.reconcile"

    def _lease_contracts(self):
        if self.env["lease.overdue.engine"]._deferred():
            return self.env["lease.contract"]
        moves = (self.debit_move_id | self.credit_move_id).move_id
        return moves.lease_contract_id

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        contracts = partials._lease_contracts()
        if contracts:
            self.env["lease.overdue.engine"]._run(contract_ids=contracts.ids)
        return partials

    def unlink(self):
        contracts = self._lease_contracts()
        res = super().unlink()
        if contracts:
            self.env["lease.overdue.engine"]._run(contract_ids=contracts.ids)
        return res
