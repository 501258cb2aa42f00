from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL


class LeasePaymentPromise(models.Model):
    """A promise to pay or a repayment agreement (承诺还款 / 还款协议, SPEC E15). The daily
    escalation job marks it kept or broken on its date; a broken promise escalates."""

    _name = "lease.payment.promise"
    _description = "Promise to Pay"
    _inherit = [
        "lease.guard.mixin",
        "lease.case.link.mixin",
        "mail.thread",
        "mail.activity.mixin",
    ]
    _order = "date_promised desc, id desc"
    _check_company_auto = True
    # Kept or broken only by the daily check; the promise as made stays as it was made.
    _lease_guarded_fields = ("state", "date_checked", "date_recorded")
    _lease_fixed_fields = ("case_id",)
    _lease_open_states = ("open",)
    _lease_frozen_writable = ("note",)

    name = fields.Char(compute="_compute_name", store=True)
    kind = fields.Selection(
        [("promise", "Promise to Pay"), ("agreement", "Repayment Agreement")],
        required=True,
        default="promise",
        tracking=True,
    )
    collector_id = fields.Many2one(
        related="case_id.collector_id", store=True, index=True
    )
    user_id = fields.Many2one(
        "res.users", "Recorded By", default=lambda self: self.env.user, required=True
    )
    date_recorded = fields.Date(
        "Recorded On",
        required=True,
        default=lambda self: self.env.company._lease_today(),
        readonly=True,
    )
    date_promised = fields.Date("Promised Payment Date", required=True, tracking=True)
    amount = fields.Monetary("Promised Amount", tracking=True)
    state = fields.Selection(
        [
            ("open", "Open"),
            ("kept", "Kept"),
            ("broken", "Broken"),
            ("cancelled", "Cancelled"),
        ],
        default="open",
        required=True,
        readonly=True,
        index=True,
        tracking=True,
    )
    date_checked = fields.Date("Checked On", readonly=True)
    note = fields.Text()
    record_ids = fields.One2many(
        "lease.collection.record", "promise_id", "Collection Records"
    )

    @api.depends("partner_id", "date_promised", "kind")
    def _compute_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for promise in self:
            promise.name = " - ".join(
                filter(
                    None,
                    [
                        kinds.get(promise.kind),
                        promise.partner_id.display_name,
                        promise.date_promised
                        and fields.Date.to_string(promise.date_promised),
                    ],
                )
            )

    @api.constrains("amount", "date_promised", "date_recorded")
    def _check_amount(self):
        for promise in self:
            if promise.amount < 0:
                raise ValidationError(
                    self.env._("The promised amount cannot be negative.")
                )
            if promise.date_promised < promise.date_recorded:
                raise ValidationError(
                    self.env._(
                        "The promised payment date cannot be before the day it was made."
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        promises = super().create(vals_list)
        if any(promise.case_id.state != "open" for promise in promises):
            raise UserError(
                self.env._("A promise to pay is recorded on an open collection case.")
            )
        return promises

    def action_cancel(self):
        if any(promise.state != "open" for promise in self):
            raise UserError(self.env._("Only an open promise can be cancelled."))
        self.check_access("write")
        self.sudo().write({"state": "cancelled"})
        return True

    # ------------------------------------------------------------------
    @api.model
    def _check_promises(self, today):
        """Daily: each open promise whose date has passed is kept when the installments
        overdue when it was made were settled by its date (or the case was paid up by
        then), broken otherwise (SPEC E15). A broken promise moves the case one
        escalation level up; the rules on broken promises then act. Two statements."""
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                """
            SELECT p.id,
                   (k.state = 'closed' AND k.date_end <= p.date_promised)
                   OR COALESCE(BOOL_AND(i.date_settled IS NOT NULL
                                        AND i.date_settled <= p.date_promised)
                                   FILTER (WHERE i.id IS NOT NULL), TRUE)
              FROM lease_payment_promise p
              JOIN lease_collection_case k ON k.id = p.case_id
              LEFT JOIN lease_installment i
                ON i.contract_id = k.contract_id
               AND i.date_due < p.date_recorded
               AND (i.date_settled IS NULL OR i.date_settled >= p.date_recorded)
             WHERE p.state = 'open' AND p.date_promised < %s
             GROUP BY p.id, k.state, k.date_end, p.date_promised
            """,
                today,
            )
        )
        if not rows:
            return self.browse()
        kept = self.browse([pid for pid, ok in rows if ok])
        broken = self.browse([pid for pid, ok in rows if not ok])
        kept.sudo().write({"state": "kept", "date_checked": today})
        broken.sudo().write({"state": "broken", "date_checked": today})
        if broken:
            bodies = {
                promise.case_id.id: self.env._(
                    "Promise to pay of %(date)s broken: the case moves one escalation level up.",
                    date=promise.date_promised,
                )
                for promise in broken
            }
            self.env["lease.collection.case"].browse(list(bodies))._message_log_batch(
                bodies=bodies
            )
        return broken
