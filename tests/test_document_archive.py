"""An issued document keeps its PDF with its SHA-256 hash (SPEC A3, E3)."""

import hashlib

from lease_document_common import LeaseDocumentHttpCase

from odoo.exceptions import UserError

STANDIN = """
<t t-name="lease_overdue.test_document_standin">
    <t t-call="web.html_container">
        <t t-foreach="docs" t-as="doc">
            <div class="page"><h1 t-esc="doc.name"/><p>租金催收通知书</p></div>
        </t>
    </t>
</t>
"""


class TestDocumentArchive(LeaseDocumentHttpCase):
    def _report_of(self, kind):
        """The report of ``kind``; a minimal stand-in while the real one does not exist."""
        ref = f"lease_overdue.report_{kind}"
        if not self.env.ref(ref, raise_if_not_found=False):
            self.env["ir.ui.view"].create(
                {
                    "name": "lease_overdue.test_document_standin",
                    "key": "lease_overdue.test_document_standin",
                    "type": "qweb",
                    "arch": STANDIN,
                }
            )
            report = self.env["ir.actions.report"].create(
                {
                    "name": "Stand-in",
                    "model": "lease.document",
                    "report_type": "qweb-pdf",
                    "report_name": "lease_overdue.test_document_standin",
                }
            )
            self.env["ir.model.data"].create(
                {
                    "module": "lease_overdue",
                    "name": f"report_{kind}",
                    "model": "ir.actions.report",
                    "res_id": report.id,
                }
            )
        return ref

    def test_a3_e3_issued_notice_archived_with_hash(self):
        """A3/E3: issuing the signed notice archives its PDF with its SHA-256; the archive
        cannot be replaced."""
        case = self._overdue_case(10)
        with self._on(10):
            notice = case._escalation_prepare_notice()
        self._report_of("collection_notice")
        collector = notice.with_user(self.users["collector"])
        collector.action_submit()
        notice.with_user(self.users["am_head"]).action_approve()
        collector.with_context(force_report_rendering=True).action_issue()
        attachment = notice.attachment_id
        self.assertTrue(attachment)
        self.assertEqual(attachment.mimetype, "application/pdf")
        self.assertEqual(
            (attachment.res_model, attachment.res_id), (notice._name, notice.id)
        )
        self.assertTrue(attachment.raw.startswith(b"%PDF"))
        self.assertEqual(
            notice.content_hash, hashlib.sha256(attachment.raw).hexdigest()
        )
        with self.assertRaises(UserError):
            notice.write({"attachment_id": False})
        with self.assertRaises(UserError):
            notice.write({"content_hash": "0" * 64})
