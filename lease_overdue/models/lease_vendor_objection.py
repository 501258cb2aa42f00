from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

FROZEN_FIELDS = frozenset({"case_id", "date_received", "notice_attachment_ids"})


class LeaseVendorObjection(models.Model):
    """A vendor's written objection under its buy-back guarantee (SPEC E10, D9 L193, L198).

    Only for contracts with a vendor buy-back guarantee; the written notice is attached and
    kept. While an objection stands, the tier 3 and tier 4 actions (lawyer letter and
    lawsuit, guarantor notices, document check, disposal) stop for the case.
    """

    _name = "lease.vendor.objection"
    _description = "Vendor Objection"
    _inherit = ["lease.guard.mixin", "lease.case.link.mixin", "mail.thread"]
    _order = "date_received desc, id desc"
    _check_company_auto = True
    _mail_post_access = "read"
    _lease_guarded_fields = ("state", "date_withdrawn", "recorded_by_id")

    name = fields.Char(compute="_compute_name")
    vendor_id = fields.Many2one(
        related="contract_id.vendor_id", store=True, string="Vendor"
    )
    date_received = fields.Date(
        "Notice Received On",
        required=True,
        default=lambda self: self.env.company._lease_today(),
    )
    notice_attachment_ids = fields.Many2many(
        "ir.attachment",
        "lease_vendor_objection_attachment_rel",
        "objection_id",
        "attachment_id",
        string="Written Notice",
        help="The vendor's written notice that it disagrees with the actions (kept).",
    )
    note = fields.Text()
    recorded_by_id = fields.Many2one(
        "res.users", "Recorded By", readonly=True, default=lambda self: self.env.user
    )
    state = fields.Selection(
        [("active", "In Force"), ("withdrawn", "Withdrawn")],
        default="active",
        required=True,
        readonly=True,
        tracking=True,
    )
    date_withdrawn = fields.Date(readonly=True)

    @api.depends("vendor_id", "date_received")
    def _compute_name(self):
        for objection in self:
            objection.name = self.env._(
                "Objection of %(vendor)s (%(date)s)",
                vendor=objection.vendor_id.display_name or "-",
                date=objection.date_received,
            )

    @api.constrains("case_id", "notice_attachment_ids")
    def _check_buyback(self):
        for objection in self:
            contract = objection.case_id.contract_id
            if not contract.has_buyback_guarantee or not contract.vendor_id:
                raise ValidationError(
                    self.env._(
                        "Contract %(contract)s has no vendor buy-back guarantee: a vendor's "
                        "objection does not stop its collection.",
                        contract=contract.name,
                    )
                )
            if not objection.notice_attachment_ids:
                raise ValidationError(self.env._("Attach the vendor's written notice."))

    @api.model_create_multi
    def create(self, vals_list):
        objections = super().create(vals_list)
        # the vendor's written notice is kept as received (E10, A3)
        objections.sudo().notice_attachment_ids.write({"lease_sealed": True})
        objections._sync_case_flag()
        for objection in objections:
            objection.case_id.sudo().message_post(
                body=self.env._(
                    "%(vendor)s objected in writing under its buy-back guarantee: tier 3 and tier 4 "
                    "actions stop.",
                    vendor=objection.vendor_id.display_name,
                )
            )
        return objections

    def write(self, vals):
        if FROZEN_FIELDS.intersection(vals):
            raise UserError(
                self.env._(
                    "A recorded objection and its written notice are kept "
                    "as received: withdraw it instead."
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(
            self.env._(
                "A vendor's written objection is kept: withdraw it "
                "instead of deleting it."
            )
        )

    def action_withdraw(self):
        """The vendor withdrew its objection: escalation resumes."""
        self.check_access("write")
        self.filtered(lambda o: o.state == "active").sudo().write(
            {
                "state": "withdrawn",
                "date_withdrawn": self.env.company._lease_today(),
            }
        )
        self._sync_case_flag()
        return True

    def _sync_case_flag(self):
        """case.vendor_objection is True while one objection of the case is in force."""
        cases = self.case_id
        active = self.search([("case_id", "in", cases.ids), ("state", "=", "active")])
        with_objection = active.case_id
        (cases & with_objection).filtered(
            lambda c: not c.vendor_objection
        ).sudo().write({"vendor_objection": True})
        (cases - with_objection).filtered("vendor_objection").sudo().write(
            {"vendor_objection": False}
        )
