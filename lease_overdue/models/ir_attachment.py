from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

# What Odoo itself may still set on a sealed attachment (a share link's token).
SEALED_WRITABLE = frozenset({"access_token"})


class IrAttachment(models.Model):
    """Archived PDFs of issued letters, signed logs and sent weekly reports are sealed:
    nobody replaces their bytes, renames, moves or deletes them through the application,
    whatever his rights (SPEC A3, issue "Integrity"). Their SHA-256, kept on the record
    that owns them, shows whether the stored file is still the one archived."""

    _inherit = "ir.attachment"

    lease_sealed = fields.Boolean(
        "Sealed Archive",
        readonly=True,
        copy=False,
        help="An archived PDF of lease_overdue: it cannot be changed or deleted.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any(vals.get("lease_sealed") for vals in vals_list):
            raise AccessError(
                self.env._("Only the archiving of a document seals an attachment.")
            )
        return super().create(vals_list)

    def write(self, vals):
        if set(vals) - SEALED_WRITABLE and self._lease_sealed_ones():
            raise UserError(
                self.env._(
                    "%(name)s is the archived PDF of a signed or issued document: it "
                    "cannot be changed.",
                    name=self._lease_sealed_ones()[:1].name,
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_sealed(self):
        sealed = self._lease_sealed_ones()
        if sealed:
            raise UserError(
                self.env._(
                    "%(name)s is the archived PDF of a signed or issued document: it "
                    "cannot be deleted.",
                    name=sealed[:1].name,
                )
            )

    def _lease_sealed_ones(self):
        if not self.ids:
            return self.browse()
        return self.sudo().filtered("lease_sealed")
