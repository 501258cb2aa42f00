import hashlib

from odoo import models
from odoo.exceptions import UserError


class LeaseReportArchiveMixin(models.AbstractModel):
    """Documents whose PDF is archived once issued or signed (SPEC A3, E3, F2).

    The first rendering of an archivable record is kept as an ``ir.attachment`` with its
    date and SHA-256 hash; every later print returns those bytes unchanged (see
    ``ir.actions.report._render_qweb_pdf_prepare_streams``). Models implement the hooks.
    """

    _name = "lease.report.archive.mixin"
    _description = "Archived PDF Documents"

    def _lease_archived_attachment(self, report):
        """The archived PDF of this record for ``report`` (an empty recordset if none)."""
        return self.env["ir.attachment"]

    def _lease_archive_wanted(self, report):
        """True when a rendering of ``report`` for this record must be archived."""
        return False

    def _lease_archive_values(self, report, attachment, content_hash):
        """Values written on the record once its PDF is archived."""
        return {}

    def _lease_check_printable(self, report):
        """Raise a UserError when the records cannot be printed with ``report`` now."""
        return True

    def _lease_archive_name(self, report):
        self.ensure_one()
        return f"{report.name} - {self.display_name}.pdf"

    def _lease_archive_company(self):
        """The company whose local time dates the archive."""
        company = self[:1]["company_id"] if "company_id" in self._fields else False
        return company or self.env.company

    def _lease_archive_pdf(self, report, content):
        """Store ``content`` as the archived PDF of this record; return the attachment."""
        self.ensure_one()
        content_hash = hashlib.sha256(content).hexdigest()
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": self._lease_archive_name(report),
                    "raw": content,
                    "mimetype": "application/pdf",
                    "res_model": self._name,
                    "res_id": self.id,
                    "lease_sealed": True,
                    "description": self.env._(
                        "Archived on %(date)s, SHA-256 %(hash)s",
                        date=self._lease_archive_company()
                        ._lease_now_local()
                        .strftime("%Y-%m-%d %H:%M:%S (UTC%z)"),
                        hash=content_hash,
                    ),
                }
            )
        )
        vals = self._lease_archive_values(report, attachment, content_hash)
        if vals:
            self.sudo().write(vals)
        return attachment

    # ------------------------------------------------------------------
    # Verification of the archive (SPEC A3)
    # ------------------------------------------------------------------
    def _lease_archive_intact(self):
        """True when the stored archive still has the SHA-256 recorded when it was
        archived (records with an ``attachment_id`` and a ``content_hash``)."""
        self.ensure_one()
        attachment = self.attachment_id.sudo()
        if not attachment or not self.content_hash:
            return False
        return hashlib.sha256(attachment.raw or b"").hexdigest() == self.content_hash

    def _lease_check_archive_intact(self):
        """Refuse to hand out an archive whose bytes are no longer those archived."""
        for record in self:
            if record.content_hash and not record._lease_archive_intact():
                raise UserError(
                    self.env._(
                        "The archived PDF of %(record)s no longer matches the SHA-256 "
                        "recorded when it was archived: it has been altered outside the "
                        "application. Tell the administrator; the altered file is not "
                        "printed.",
                        record=record.display_name,
                    )
                )

    def action_verify_archive(self):
        """Recompute the SHA-256 of the archived PDF and say whether it is intact; the
        check is logged in the record's chatter (SPEC A3)."""
        self.check_access("read")
        results = []
        for record in self:
            if not record.attachment_id or not record.content_hash:
                raise UserError(
                    self.env._(
                        "%(record)s has no archived PDF yet.",
                        record=record.display_name,
                    )
                )
            intact = record._lease_archive_intact()
            company = record.company_id if "company_id" in record._fields else None
            env = (company or self.env.company)._lease_env()  # issue 11 item 3
            if intact:
                body = env._(
                    "Archive verified by %(user)s: intact (SHA-256 %(hash)s).",
                    user=self.env.user.name,
                    hash=record.content_hash,
                )
            else:
                body = env._(
                    "Archive verified by %(user)s: ALTERED, its SHA-256 is no longer "
                    "%(hash)s.",
                    user=self.env.user.name,
                    hash=record.content_hash,
                )
            record.sudo().message_post(body=body, author_id=self.env.user.partner_id.id)
            results.append((record, intact))
        altered = [record.display_name for record, intact in results if not intact]
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Archive verification"),
                "message": self.env._(
                    "Altered: %(records)s", records=", ".join(altered)
                )
                if altered
                else self.env._("The archived PDF is intact."),
                "type": "danger" if altered else "success",
                "sticky": bool(altered),
            },
        }
