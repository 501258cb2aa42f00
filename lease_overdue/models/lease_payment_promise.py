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
        """Daily: each open promise whose date has passed is decided (SPEC E15; issue 9,
        item 8). A promise of an amount is kept when the lessee paid at least that
        amount from the day it was made to the promised date, both included (payment
        dates are the company's local dates): his payments applied to the contract's
        rent and penalty invoices, vendor advances excluded (by their records, as in the
        overdue engine: SPEC C4). Without an amount, it is
        kept when the installments overdue when it was made were settled by its date.
        It is broken the day after the promised date otherwise (``today``: the
        company's local date). A broken promise moves the case one escalation level up;
        the rules on broken promises then act. One query decides them all."""
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                """
            SELECT p.id,
                   CASE WHEN COALESCE(p.amount, 0) > 0
                        THEN COALESCE(paid.amount, 0) >= p.amount - 0.005
                        ELSE (k.state = 'closed' AND k.date_end <= p.date_promised)
                             OR COALESCE(due.settled, TRUE)
                   END
              FROM lease_payment_promise p
              JOIN lease_collection_case k ON k.id = p.case_id
              JOIN lease_contract c ON c.id = k.contract_id
              LEFT JOIN LATERAL (
                    SELECT SUM(pr.debit_amount_currency) AS amount
                      FROM account_move m
                      JOIN account_move_line dl
                        ON dl.move_id = m.id AND dl.display_type = 'payment_term'
                      JOIN account_partial_reconcile pr ON pr.debit_move_id = dl.id
                      JOIN account_move_line cl ON cl.id = pr.credit_move_id
                      JOIN account_move cm ON cm.id = cl.move_id
                     WHERE m.lease_contract_id = k.contract_id
                       AND m.lease_move_kind IN ('rent', 'penalty')
                       AND m.state = 'posted'
                       AND cl.date >= p.date_recorded AND cl.date <= p.date_promised
                       AND (cm.origin_payment_id IS NOT NULL
                            OR cm.statement_line_id IS NOT NULL)
                       AND NOT EXISTS (SELECT 1 FROM lease_vendor_advance va
                                        WHERE va.move_id = cm.id)
              ) paid ON COALESCE(p.amount, 0) > 0
              LEFT JOIN LATERAL (
                    SELECT BOOL_AND(i.date_settled IS NOT NULL
                                    AND i.date_settled <= p.date_promised) AS settled
                      FROM lease_installment i
                     WHERE i.contract_id = k.contract_id
                       AND i.date_due < p.date_recorded
                       AND (i.date_settled IS NULL OR i.date_settled >= p.date_recorded)
              ) due ON COALESCE(p.amount, 0) = 0
             WHERE p.state = 'open' AND p.date_promised < %s
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
            # In the company's language (issue 11 item 3).
            bodies = {
                promise.case_id.id: env._(
                    "Promise to pay of %(date)s broken: the case moves one escalation level up.",
                    date=promise.date_promised,
                )
                for env, promises in self.env["res.company"]
                ._lease_split(broken.sudo())
                .items()
                for promise in promises
            }
            self.env["lease.collection.case"].browse(list(bodies))._message_log_batch(
                bodies=bodies
            )
        return broken
