import pytz

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .lease_constants import CHANNELS

LEVELS = [("high", "High"), ("medium", "Medium"), ("low", "Low"), ("none", "None")]


class LeaseCollectionRecord(models.Model):
    """One contact with a lessee (催收记录, SPEC F1): who called or visited whom, when, how,
    what was said, why the rent is late, and the next step."""

    _name = "lease.collection.record"
    _description = "Collection Record"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _rec_name = "display_label"
    _check_company_auto = True

    case_id = fields.Many2one(
        "lease.collection.case",
        "Collection Case",
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    contract_id = fields.Many2one(
        "lease.contract",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
        compute="_compute_contract_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    partner_id = fields.Many2one(
        related="contract_id.partner_id", store=True, index=True, string="Lessee"
    )
    company_id = fields.Many2one(
        related="contract_id.company_id", store=True, index=True
    )
    date = fields.Datetime(
        required=True, default=fields.Datetime.now, index=True, tracking=True
    )
    channel = fields.Selection(
        CHANNELS,
        required=True,
        default="phone",
        tracking=True,
    )
    user_id = fields.Many2one(
        "res.users",
        "Contacted By",
        required=True,
        index=True,
        default=lambda self: self.env.user,
        tracking=True,
    )
    contact_name = fields.Char(
        "Contact Person", help="Whom was reached: name and role."
    )
    result = fields.Text(help="What the contact said or what happened.")
    overdue_reason = fields.Text("Reason for Overdue")
    willingness = fields.Selection(LEVELS, "Willingness to Pay", tracking=True)
    ability = fields.Selection(LEVELS, "Ability to Pay", tracking=True)
    promise_id = fields.Many2one(
        "lease.payment.promise", "Promise to Pay", index=True, check_company=True
    )
    next_step = fields.Text("Next Step")
    attachment_ids = fields.Many2many(
        "ir.attachment",
        "lease_collection_record_attachment_rel",
        "record_id",
        "attachment_id",
        string="Attachments",
    )
    display_label = fields.Char(compute="_compute_display_label")

    @api.depends("case_id")
    def _compute_contract_id(self):
        for record in self:
            if record.case_id:
                record.contract_id = record.case_id.contract_id

    @api.depends("partner_id", "channel", "date", "company_id")
    def _compute_display_label(self):
        """Lessee / channel / when, the time in the company's local time (issue 11
        item 6: a call at 09:30 in Shanghai reads 09:30, not 01:30 UTC)."""
        channels = dict(self._fields["channel"]._description_selection(self.env))
        for record in self:
            tz = (record.company_id or self.env.company)._lease_tz()
            when = record.date and pytz.utc.localize(record.date).astimezone(tz)
            record.display_label = " / ".join(
                filter(
                    None,
                    [
                        record.partner_id.display_name,
                        channels.get(record.channel),
                        when and when.strftime("%Y-%m-%d %H:%M"),
                    ],
                )
            )

    @api.constrains("case_id", "contract_id")
    def _check_case_contract(self):
        for record in self:
            if record.case_id and record.case_id.contract_id != record.contract_id:
                raise ValidationError(
                    self.env._(
                        "The collection record's contract must be the contract of its case."
                    )
                )

    # ------------------------------------------------------------------
    # Collection records of a month whose collection log is signed cannot change
    # (SPEC F2, D9 L178).
    # ------------------------------------------------------------------
    def _lease_log_check(self, extra=()):
        pairs = [(record.company_id.id, record.date) for record in self]
        self.env["lease.collection.log.monthly"]._check_records_unlocked(
            pairs + list(extra)
        )

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records._lease_log_check()
        return records

    def write(self, vals):
        self._lease_log_check()
        res = super().write(vals)
        if "date" in vals or "contract_id" in vals or "case_id" in vals:
            self._lease_log_check()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_signed_month(self):
        self._lease_log_check()
