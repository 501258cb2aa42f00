from odoo import api, fields, models
from odoo.tools import float_compare


class LeaseContract(models.Model):
    """Blacklist early warning, suspension and credit limit at activation (SPEC K2, W3)."""

    _inherit = "lease.contract"

    blacklist_warning = fields.Text(compute="_compute_blacklist_warning")

    @api.depends(
        "partner_id",
        "vendor_id",
        "guarantor_ids",
        "partner_id.lease_registration_number",
        "vendor_id.lease_registration_number",
        "guarantor_ids.lease_registration_number",
    )
    def _compute_blacklist_warning(self):
        """Early warning (D4 L84, D9 L201): the lessee, the vendor or a guarantor is on the
        blacklist, by partner or by registration / ID number."""
        partners = self.partner_id | self.vendor_id | self.guarantor_ids
        matches = self.env["lease.blacklist.entry"]._match(partners.filtered("id"))
        for contract in self:
            contract.blacklist_warning = (
                "\n".join(contract._blacklist_lines(matches)) or False
            )

    def _blacklist_lines(self, matches):
        self.ensure_one()
        lines = []
        roles = [
            (self.env._("Lessee"), self.partner_id),
            (self.env._("Vendor"), self.vendor_id),
        ]
        roles += [
            (self.env._("Guarantor"), guarantor) for guarantor in self.guarantor_ids
        ]
        for role, partner in roles:
            entries = partner and matches.get(partner.id)
            if entries:
                lines.append(
                    self.env._(
                        "%(role)s %(partner)s is on the blacklist: %(entries)s.",
                        role=role,
                        partner=partner.display_name,
                        entries=entries._warning_label(),
                    )
                )
        return lines

    def _activation_problems(self):
        """Refuse new business with a blacklisted party (W3), a lessee whose new business
        risk management suspended, or beyond the lessee's credit limit (K2)."""
        problems = super()._activation_problems()
        partners = (self.partner_id | self.vendor_id | self.guarantor_ids).filtered(
            "id"
        )
        problems += self._blacklist_lines(
            self.env["lease.blacklist.entry"]._match(partners)
        )
        lessee = self.partner_id.commercial_partner_id.sudo()
        if not lessee:
            return problems
        if lessee.lease_suspended:
            problems.append(
                self.env._(
                    "Risk management suspended new business with %(partner)s"
                    "%(reason)s.",
                    partner=lessee.display_name,
                    reason=f": {lessee.lease_suspension_reason}"
                    if lessee.lease_suspension_reason
                    else "",
                )
            )
        limit = lessee.lease_credit_limit
        if limit:
            exposure = self._lessee_exposure(lessee) + self.financed_amount
            if float_compare(exposure, limit, precision_digits=2) > 0:
                problems.append(
                    self.env._(
                        "The lessee's credit limit of %(limit)s would be exceeded: it would owe "
                        "%(exposure)s of principal with this contract.",
                        limit=limit,
                        exposure=exposure,
                    )
                )
        return problems

    def _lessee_exposure(self, lessee):
        """Principal not yet paid on the lessee's other active contracts."""
        groups = (
            self.env["lease.installment"]
            .sudo()
            ._read_group(
                [
                    ("contract_id.partner_id", "child_of", lessee.id),
                    ("contract_id.state", "=", "active"),
                    ("contract_id", "not in", self.ids),
                    ("state", "!=", "paid"),
                ],
                [],
                ["amount_principal:sum"],
            )
        )
        return groups[0][0] or 0.0
