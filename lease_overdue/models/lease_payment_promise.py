from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class LeasePaymentPromise(models.Model):
    """A promise to pay or a repayment agreement (承诺还款 / 还款协议, SPEC E15). The daily
    escalation job marks it kept or broken on its date; a broken promise escalates."""

    _name = "lease.payment.promise"
    _description = "Promise to Pay"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_promised desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    kind = fields.Selection(
        [("promise", "Promise to Pay"), ("agreement", "Repayment Agreement")],
        required=True, default="promise", tracking=True,
    )
    case_id = fields.Many2one("lease.collection.case", "Collection Case", required=True,
                              index=True, ondelete="restrict", check_company=True)
    contract_id = fields.Many2one(related="case_id.contract_id", store=True, index=True)
    partner_id = fields.Many2one(related="case_id.partner_id", store=True, index=True,
                                 string="Lessee")
    company_id = fields.Many2one(related="case_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="case_id.currency_id")
    collector_id = fields.Many2one(related="case_id.collector_id", store=True, index=True)
    user_id = fields.Many2one("res.users", "Recorded By", default=lambda self: self.env.user,
                              required=True)
    date_promised = fields.Date("Promised Payment Date", required=True, tracking=True)
    amount = fields.Monetary("Promised Amount", tracking=True)
    state = fields.Selection(
        [("open", "Open"), ("kept", "Kept"), ("broken", "Broken"), ("cancelled", "Cancelled")],
        default="open", required=True, readonly=True, index=True, tracking=True,
    )
    date_checked = fields.Date("Checked On", readonly=True)
    note = fields.Text()
    record_ids = fields.One2many("lease.collection.record", "promise_id", "Collection Records")

    @api.depends("partner_id", "date_promised", "kind")
    def _compute_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for promise in self:
            promise.name = " - ".join(filter(None, [
                kinds.get(promise.kind), promise.partner_id.display_name,
                promise.date_promised and fields.Date.to_string(promise.date_promised),
            ]))

    @api.constrains("amount")
    def _check_amount(self):
        for promise in self:
            if promise.amount < 0:
                raise ValidationError(self.env._("The promised amount cannot be negative."))

    def action_cancel(self):
        if any(promise.state != "open" for promise in self):
            raise UserError(self.env._("Only an open promise can be cancelled."))
        self.write({"state": "cancelled"})
        return True
