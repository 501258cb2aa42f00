from odoo import fields, models


class ResPartner(models.Model):
    """Lessee overdue figures, written by the overdue engine on the commercial partner."""

    _inherit = "res.partner"

    lease_contract_ids = fields.One2many(
        "lease.contract", "partner_id", "Lease Contracts"
    )
    lease_contract_count = fields.Integer(compute="_compute_lease_contract_count")
    lease_days_overdue = fields.Integer(
        "Days Overdue", readonly=True, copy=False, index=True
    )
    lease_tier_id = fields.Many2one(
        "lease.overdue.tier", "Overdue Tier", readonly=True, copy=False, index=True
    )
    lease_overdue_amount = fields.Monetary(
        "Overdue Rent", readonly=True, copy=False, currency_field="lease_currency_id"
    )
    lease_penalty_amount = fields.Monetary(
        "Penalty Due", readonly=True, copy=False, currency_field="lease_currency_id"
    )
    lease_overdue_count = fields.Integer(
        "Overdue Count",
        readonly=True,
        copy=False,
        help="累计逾期次数: installments that went overdue.",
    )
    lease_overdue_days_total = fields.Integer(
        "Cumulative Days Overdue", readonly=True, copy=False
    )
    lease_overdue_last_two_months = fields.Boolean(
        "Overdue in Each of Last 2 Months", readonly=True, copy=False
    )
    lease_is_key_watch = fields.Boolean(
        "Key Watch List",
        readonly=True,
        copy=False,
        help="重点关注客户: more than 3 overdue installments (D5 L93, SPEC R4).",
    )
    lease_currency_id = fields.Many2one(
        "res.currency", "Lease Currency", compute="_compute_lease_currency_id"
    )
    lease_registration_number = fields.Char(
        "Registration / ID Number",
        help="Unified social credit code of a company or ID card number of a person.",
        index=True,
    )

    def _compute_lease_currency_id(self):
        for partner in self:
            partner.lease_currency_id = (
                partner.company_id or self.env.company
            ).currency_id

    def _compute_lease_contract_count(self):
        groups = self.env["lease.contract"]._read_group(
            [("partner_id", "child_of", self.commercial_partner_id.ids)],
            ["partner_id"],
            ["__count"],
        )
        counts = {}
        for partner, count in groups:
            commercial = partner.commercial_partner_id.id
            counts[commercial] = counts.get(commercial, 0) + count
        for partner in self:
            partner.lease_contract_count = counts.get(
                partner.commercial_partner_id.id, 0
            )

    def _lease_has_arrears(self, exclude=None):
        """True when the lessee has overdue rent on a contract (SPEC K2)."""
        self.ensure_one()
        domain = [
            ("partner_id", "child_of", self.commercial_partner_id.id),
            ("days_overdue", ">", 0),
        ]
        if exclude:
            domain.append(("id", "not in", exclude.ids))
        return bool(self.env["lease.contract"].sudo().search_count(domain, limit=1))

    def action_view_lease_contracts(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "lease_overdue.lease_contract_action"
        )
        action["domain"] = [("partner_id", "child_of", self.commercial_partner_id.ids)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action

    # The overdue engine rates many lessees a day (SPEC K1): their rating changes are
    # tracked in one batch (SPEC E14).
    def _message_track(self, fields_iter, initial_values_dict):
        if len(self) < 2:  # a user's own edit: Odoo's tracking, untouched
            return super()._message_track(fields_iter, initial_values_dict)
        return self._lease_message_track_batch(fields_iter, initial_values_dict)
