from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

BLACKLIST_REASONS = [
    ("disposal", "Asset Disposal"),
    ("malicious_default", "Malicious Default"),
    ("other", "Other"),
]


def normalize_registration(number):
    """Registration and ID numbers compare without spaces and case."""
    return "".join((number or "").split()).upper() or False


class LeaseBlacklistEntry(models.Model):
    """Blacklist of companies and individuals (黑名单, SPEC W3, D9 L201, D4 L84, D6 L116).

    Kept by risk management. A lessee goes on it after the disposal of its assets, or for
    malicious default; an early warning is raised wherever the same partner or
    registration / ID number appears again (new contracts, new partners).
    """

    _name = "lease.blacklist.entry"
    _description = "Blacklist Entry"
    _inherit = ["lease.guard.mixin", "mail.thread"]
    _order = "date desc, id desc"
    _mail_post_access = "read"
    # Lifted only by the head of risk management, with a reason; never deleted (W3).
    _lease_guarded_fields = ("active", "date_lifted", "lifted_by_id")
    _lease_fixed_fields = ("case_id", "contract_id", "disposal_id")
    _lease_unlink_states = ()

    name = fields.Char(
        required=True,
        tracking=True,
        compute="_compute_from_partner",
        store=True,
        readonly=False,
        precompute=True,
        help="Name of the company or the person.",
    )
    entity_type = fields.Selection(
        [("company", "Company"), ("individual", "Individual")],
        "Type",
        required=True,
        compute="_compute_from_partner",
        store=True,
        readonly=False,
        precompute=True,
    )
    partner_id = fields.Many2one("res.partner", "Partner", index=True, tracking=True)
    registration_number = fields.Char(
        "Registration / ID Number",
        index=True,
        tracking=True,
        compute="_compute_from_partner",
        store=True,
        readonly=False,
        precompute=True,
        help="Unified social credit code of a company or ID card number of a person.",
    )
    reason = fields.Selection(
        BLACKLIST_REASONS, required=True, default="other", tracking=True
    )
    note = fields.Text()
    date = fields.Date(
        required=True,
        default=lambda self: self.env.company._lease_today(),
        tracking=True,
    )
    case_id = fields.Many2one("lease.collection.case", "Source Case", index=True)
    contract_id = fields.Many2one("lease.contract", "Source Contract", index=True)
    disposal_id = fields.Many2one("lease.disposal", "Source Disposal", index=True)
    company_id = fields.Many2one(
        "res.company", default=lambda self: self.env.company, index=True
    )
    active = fields.Boolean(default=True, tracking=True)
    lift_reason = fields.Text("Reason for Lifting", tracking=True)
    date_lifted = fields.Date("Lifted On", readonly=True, copy=False)
    lifted_by_id = fields.Many2one("res.users", "Lifted By", readonly=True, copy=False)

    @api.depends("partner_id")
    def _compute_from_partner(self):
        for entry in self:
            partner = entry.partner_id
            if not partner:
                entry.name = entry.name or False
                entry.entity_type = entry.entity_type or "company"
                continue
            entry.name = partner.name
            entry.entity_type = "company" if partner.is_company else "individual"
            entry.registration_number = normalize_registration(
                partner.lease_registration_number or entry.registration_number
            )

    @api.constrains("partner_id", "registration_number")
    def _check_identity(self):
        for entry in self:
            if not entry.partner_id and not entry.registration_number:
                raise ValidationError(
                    self.env._(
                        "A blacklist entry names a partner or a registration / ID number."
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if "registration_number" in vals:
                vals["registration_number"] = normalize_registration(
                    vals["registration_number"]
                )
        return super().create(vals_list)

    def write(self, vals):
        if "registration_number" in vals:
            vals["registration_number"] = normalize_registration(
                vals["registration_number"]
            )
        return super().write(vals)

    # ------------------------------------------------------------------
    def action_lift(self):
        """The head of risk management takes an entry off the blacklist, with a reason;
        the entry stays, archived, with who and when (W3, A3)."""
        if not self.env.user.has_group("lease_overdue.group_risk_management_head"):
            raise AccessError(
                self.env._("Only the head of risk management lifts a blacklist entry.")
            )
        for entry in self:
            if not entry.active:
                raise UserError(
                    self.env._("%(entry)s is already lifted.", entry=entry.name)
                )
            if not (entry.lift_reason or "").strip():
                raise UserError(
                    self.env._(
                        "Write the reason for lifting %(entry)s first.",
                        entry=entry.name,
                    )
                )
        self.sudo().write(
            {
                "active": False,
                "date_lifted": self.env.company._lease_today(),
                "lifted_by_id": self.env.uid,
            }
        )
        return True

    @api.model
    def _blacklist_partners(self, pairs, reason="disposal"):
        """Blacklist each partner of ``pairs`` [(partner, disposal)] unless it already is
        (actively) for the same reason; returns the entries created."""
        partners = self.env["res.partner"].union(*(partner for partner, _d in pairs))
        existing = self.search(
            [("partner_id", "in", partners.ids), ("reason", "=", reason)]
        )
        seen = set(existing.partner_id.ids)
        vals_list = []
        for partner, disposal in pairs:
            if partner.id in seen:
                continue
            seen.add(partner.id)
            vals_list.append(
                {
                    "partner_id": partner.id,
                    "reason": reason,
                    "disposal_id": disposal.id,
                    "case_id": disposal.case_id.id,
                    "contract_id": disposal.contract_id.id,
                    "company_id": disposal.company_id.id,
                }
            )
        return self.create(vals_list)

    @api.model
    def _match(self, partners):
        """Active entries matching ``partners`` by commercial partner or registration
        number: {partner id: entries} in one query."""
        commercial = partners.commercial_partner_id
        numbers = {
            partner.id: normalize_registration(
                partner.lease_registration_number
                or partner.commercial_partner_id.lease_registration_number
            )
            for partner in partners
        }
        domain = [("partner_id", "in", (partners | commercial).ids)]
        wanted = [n for n in numbers.values() if n]
        if wanted:
            domain = ["|", *domain, ("registration_number", "in", wanted)]
        entries = self.sudo().search(domain)
        result = {}
        for partner in partners:
            ids = {partner.id, partner.commercial_partner_id.id}
            number = numbers[partner.id]
            found = entries.filtered(
                lambda e, ids=ids, number=number: (
                    e.partner_id.id in ids
                    or (number and e.registration_number == number)
                )
            )
            if found:
                result[partner.id] = found
        return result

    def _warning_label(self):
        """'name (reason, date)' of each entry, for warnings."""
        reasons = dict(self._fields["reason"]._description_selection(self.env))
        return "; ".join(
            f"{entry.name} ({reasons[entry.reason]}, {entry.date})" for entry in self
        )
