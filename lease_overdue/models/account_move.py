from odoo import api, fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    lease_installment_id = fields.Many2one(
        "lease.installment",
        "Lease Installment",
        readonly=True,
        copy=False,
        index="btree_not_null",
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
        if contracts and not self.env.context.get("lease_defer_overdue"):
            self.env["lease.overdue.engine"]._run(contract_ids=contracts.ids)

    def write(self, vals):
        res = super().write(vals)
        if "state" in vals:
            self._lease_refresh()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_lease_rent(self):
        for move in self:
            if (
                move.lease_move_kind == "rent"
                and move.lease_installment_id.move_id == move
            ):
                move.lease_installment_id.write({"move_id": False, "state": "planned"})


class AccountPartialReconcile(models.Model):
    """A payment, a credit note or an unreconciliation updates the installments at once."""

    _inherit = "account.partial.reconcile"

    def _lease_contracts(self):
        if self.env.context.get("lease_defer_overdue"):
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
