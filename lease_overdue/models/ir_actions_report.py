import io
from collections import OrderedDict

from odoo import models


class IrActionsReport(models.Model):
    """Archived documents print byte-for-byte as archived (SPEC A3, E3, F2).

    Why not core's ``attachment`` / ``attachment_use`` (issue 12 item 2): core saves the
    attachment as the printing user and silently keeps nothing when he may not create
    attachments (a collector printing a signed notice), records no hash, and takes a
    record's pages out of a batch rendering by its outline. An archived letter must be
    kept whoever prints it first, be exactly its own pages, and carry the SHA-256 that
    ``lease.report.archive.mixin`` verifies. Records of other models, and archivable
    records with nothing to archive yet, print through core unchanged.
    """

    _inherit = "ir.actions.report"

    def _render_qweb_pdf_prepare_streams(self, report_ref, data, res_ids=None):
        report = self._get_report(report_ref)
        model = self.env[report.model]
        if not res_ids or not hasattr(model, "_lease_archived_attachment"):
            return super()._render_qweb_pdf_prepare_streams(
                report_ref, data, res_ids=res_ids
            )
        records = model.browse(res_ids)
        records._lease_check_printable(report)
        archived = {}
        to_archive = []
        for record in records:
            attachment = record._lease_archived_attachment(report)
            if attachment:
                record._lease_check_archive_intact()
                archived[record.id] = attachment
            elif record._lease_archive_wanted(report):
                to_archive.append(record.id)
        others = [
            rid for rid in res_ids if rid not in archived and rid not in to_archive
        ]
        if not archived and not to_archive:
            return super()._render_qweb_pdf_prepare_streams(
                report_ref, data, res_ids=res_ids
            )
        rendered = {}
        # A document to archive is rendered on its own: its PDF is exactly its own pages.
        for res_id in to_archive:
            streams = super()._render_qweb_pdf_prepare_streams(
                report_ref, dict(data or {}), res_ids=[res_id]
            )
            stream = streams[res_id]["stream"]
            model.browse(res_id)._lease_archive_pdf(report, stream.getvalue())
            rendered[res_id] = streams[res_id]
        if others:
            streams = super()._render_qweb_pdf_prepare_streams(
                report_ref, dict(data or {}), res_ids=others
            )
            if False in streams and len(others) > 1:
                rendered[others[0]] = streams[False]
            else:
                rendered.update({rid: streams[rid] for rid in others if rid in streams})
        result = OrderedDict()
        for res_id in res_ids:
            if res_id in archived:
                result[res_id] = {
                    "stream": io.BytesIO(archived[res_id].raw),
                    "attachment": archived[res_id],
                }
            elif res_id in rendered:
                result[res_id] = rendered[res_id]
        return result
