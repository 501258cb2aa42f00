from odoo import api, fields, models
from odoo.exceptions import ValidationError


class LeaseAsset(models.Model):
    """Leased asset register (租赁物, SPEC C1)."""

    _name = "lease.asset"
    _description = "Leased Asset"
    _inherit = ["mail.thread"]
    _order = "contract_id, id"

    name = fields.Char(required=True, tracking=True)
    contract_id = fields.Many2one(
        "lease.contract", index=True, ondelete="restrict", tracking=True
    )
    partner_id = fields.Many2one(
        related="contract_id.partner_id", store=True, string="Lessee"
    )
    company_id = fields.Many2one(
        "res.company", default=lambda self: self.env.company, required=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    serial_number = fields.Char(tracking=True)
    category = fields.Char()
    location = fields.Char(tracking=True)
    value = fields.Monetary("Purchase Value")
    state = fields.Selection(
        [
            ("leased", "Leased"),
            ("repossessed", "Repossessed"),
            ("disposed", "Disposed"),
            ("returned", "Returned to Lessee"),
        ],
        default="leased",
        required=True,
        tracking=True,
    )
    note = fields.Text()

    @api.constrains("value")
    def _check_value(self):
        if any(asset.value < 0 for asset in self):
            raise ValidationError(self.env._("An asset's value cannot be negative."))


class LeaseCollateralDocument(models.Model):
    """Collateral and guarantee documents with a completeness checklist (SPEC C5)."""

    _name = "lease.collateral.document"
    _description = "Collateral or Guarantee Document"
    _order = "contract_id, sequence, id"

    contract_id = fields.Many2one(
        "lease.contract", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True)
    doc_type = fields.Selection(
        [
            ("mortgage", "Mortgage"),
            ("pledge", "Pledge"),
            ("guarantee", "Guarantee Contract"),
            ("registration", "Registration Certificate"),
            ("other", "Other"),
        ],
        "Type",
        default="guarantee",
        required=True,
    )
    guarantor_id = fields.Many2one("res.partner")
    required = fields.Boolean(default=True)
    received = fields.Boolean()
    date_received = fields.Date()
    date_expiry = fields.Date("Valid Until")
    attachment_ids = fields.Many2many("ir.attachment", string="Scans")
    note = fields.Char()


class LeaseVendorAdvance(models.Model):
    """Rent advanced by the vendor for the lessee (出卖人垫付, SPEC C4).

    Recorded in one step (lease.vendor.advance.wizard: the payment is posted, applied to
    the lessee's rent invoice and flagged here). The record decides: the overdue engine
    leaves the payment entry of every advance out of the lessee's payments, whatever
    partner it was booked under, so the lessee's installment stays overdue (D9 L169).
    Money not recorded as an advance counts as the lessee's payment.
    """

    _name = "lease.vendor.advance"
    _description = "Vendor Advance"
    _order = "date desc, id desc"

    installment_id = fields.Many2one(
        "lease.installment", required=True, ondelete="cascade", index=True
    )
    contract_id = fields.Many2one(
        related="installment_id.contract_id", store=True, index=True
    )
    vendor_id = fields.Many2one(related="contract_id.vendor_id", store=True)
    currency_id = fields.Many2one(related="installment_id.currency_id")
    date = fields.Date(
        required=True, default=lambda self: self.env.company._lease_today()
    )
    amount = fields.Monetary(required=True)
    payment_id = fields.Many2one("account.payment", "Vendor Payment", index=True)
    move_id = fields.Many2one(
        related="payment_id.move_id",
        store=True,
        index="btree_not_null",
        string="Payment Entry",
        help="Entry of the advance: its credits do not pay the lessee's rent for overdue "
        "purposes (D9 L169, SPEC C4).",
    )
    note = fields.Char()

    _payment_once = models.Constraint(
        "UNIQUE(payment_id)", "A payment is recorded as a vendor advance only once."
    )

    @api.constrains("amount")
    def _check_amount(self):
        if any(advance.amount <= 0 for advance in self):
            raise ValidationError(
                self.env._("A vendor advance must be a positive amount.")
            )

    @api.model_create_multi
    def create(self, vals_list):
        advances = super().create(vals_list)
        self._lease_refresh(advances.contract_id)
        return advances

    def write(self, vals):
        contracts = self.contract_id
        res = super().write(vals)
        if {"payment_id", "installment_id"}.intersection(vals):
            self._lease_refresh(contracts | self.contract_id)
        return res

    def unlink(self):
        contracts = self.contract_id
        res = super().unlink()
        self._lease_refresh(contracts)
        return res

    @api.model
    def _lease_refresh(self, contracts):
        """An advance recorded, moved or removed changes what the lessee paid: the
        contracts' installments are recomputed at once (a paid one may reopen)."""
        engine = self.env["lease.overdue.engine"]
        if contracts and not engine._deferred():
            engine._run(contract_ids=contracts.ids)


class LeaseAssetInspection(models.Model):
    """Asset inspections: periodic post-lease inspections (贷后检查, SPEC K3) and the
    on-site inspection of an overdue lessee (资产检查报告, SPEC E5)."""

    _name = "lease.asset.inspection"
    _description = "Asset Inspection"
    _inherit = [
        "lease.guard.mixin",
        "mail.thread",
        "mail.activity.mixin",
        "lease.case.step.mixin",
    ]
    _lease_guarded_fields = ("state",)
    _lease_fixed_fields = ("case_id",)
    # Once its collection case is closed, an inspection may only be cancelled (SPEC E14).
    _lease_closed_case_states = ("cancel",)
    _order = "date_planned, id"

    contract_id = fields.Many2one(
        "lease.contract", required=True, ondelete="cascade", index=True
    )
    partner_id = fields.Many2one(
        related="contract_id.partner_id", store=True, string="Lessee"
    )
    company_id = fields.Many2one(related="contract_id.company_id", store=True)
    kind = fields.Selection(
        [("periodic", "Periodic Post-lease"), ("overdue", "Overdue On-site")],
        default="periodic",
        required=True,
    )
    date_planned = fields.Date("Planned", required=True, index=True)
    date_done = fields.Date("Done On")
    inspector_id = fields.Many2one("res.users", "Inspector")
    state = fields.Selection(
        [("planned", "Planned"), ("done", "Done"), ("cancel", "Cancelled")],
        default="planned",
        required=True,
        tracking=True,
    )
    asset_condition = fields.Selection(
        [("good", "Good"), ("fair", "Fair"), ("poor", "Poor"), ("missing", "Missing")],
    )
    findings = fields.Html()

    def action_done(self):
        self.check_access("write")
        self.sudo().write(
            {"state": "done", "date_done": self.env.company._lease_today()}
        )

    def action_cancel(self):
        self.check_access("write")
        self.sudo().write({"state": "cancel"})

    case_id = fields.Many2one(
        "lease.collection.case",
        "Collection Case",
        index="btree_not_null",
        readonly=True,
        ondelete="restrict",
        help="The collection case this overdue on-site inspection was planned for.",
    )
