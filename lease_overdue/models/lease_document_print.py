from odoo import api, fields, models
from odoo.exceptions import UserError

# Chinese names of the departments, as the documents print them.
DEPARTMENT_ZH = {
    "asset_management": "资产管理部",
    "risk_management": "风险管理部",
    "legal": "法律合规部",
    "business": "业务部门",
    "finance": "财务部",
    "review_committee": "评审委员会",
    "general_manager": "总经理",
}
DECISION_ZH = {"approve": "同意", "refuse": "不同意", "pending": "待审批"}


class LeaseDocument(models.Model):
    """Printing of the collection documents (SPEC E3, E4, E7, E8, E9, E11): one Chinese
    QWeb report per kind (``lease_overdue.report_<kind>``); a document that is not
    approved yet (for a rent collection notice: not signed by the head of asset
    management) prints with a large 草稿 DRAFT watermark; an issued document is archived
    with its date and SHA-256 hash at its first rendering and always reprints those
    bytes."""

    _name = "lease.document"
    _inherit = ["lease.document", "lease.report.archive.mixin"]

    date_archived = fields.Datetime("Archived On", readonly=True, copy=False)

    def _lease_is_own_report(self, report):
        self.ensure_one()
        return report.report_name == f"lease_overdue.document_{self.kind}"

    def _lease_print_is_draft(self):
        """True while the document may not be sent: the PDF carries a DRAFT watermark."""
        self.ensure_one()
        if self.state not in ("approved", "issued"):
            return True
        return self._lease_awaits_head_signature()

    # Archive hooks (lease.report.archive.mixin)
    def _lease_archived_attachment(self, report):
        self.ensure_one()
        if (
            self._lease_is_own_report(report)
            and self.state == "issued"
            and self.attachment_id
        ):
            return self.attachment_id.sudo()
        return super()._lease_archived_attachment(report)

    def _lease_archive_wanted(self, report):
        self.ensure_one()
        return (
            self._lease_is_own_report(report)
            and self.state == "issued"
            and not self.content_hash
        )

    def _lease_archive_values(self, report, attachment, content_hash):
        return {
            "attachment_id": attachment.id,
            "content_hash": content_hash,
            "date_archived": fields.Datetime.now(),
        }

    def _lease_archive_name(self, report):
        self.ensure_one()
        return f"{self.name}.pdf"

    def _lease_check_printable(self, report):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for doc in self:
            if report.model == self._name and not doc._lease_is_own_report(report):
                raise UserError(
                    self.env._(
                        "%(doc)s is a %(kind)s: print it with its own report.",
                        doc=doc.display_name,
                        kind=kinds.get(doc.kind, doc.kind),
                    )
                )
        return super()._lease_check_printable(report)

    # Template helpers
    def _lease_letter_lang(self):
        """Letters are Chinese; zh_CN formats them when it is installed."""
        self.ensure_one()
        if self.env["res.lang"]._get_code("zh_CN"):
            return "zh_CN"
        return self.recipient_id.lang or self.partner_id.lang or self.env.lang

    def _lease_department_zh(self, role):
        return DEPARTMENT_ZH.get(role, role or "")

    def _lease_decision_zh(self, decision):
        return DECISION_ZH.get(decision, decision or "")

    def _lease_overdue_installments(self):
        """The contract's overdue installments, oldest first."""
        self.ensure_one()
        return (
            self.contract_id.sudo()
            .installment_ids.filtered(lambda line: line.days_overdue > 0)
            .sorted("date_due")
        )

    def _lease_signature_lines(self):
        """Approval decisions of the current round, in order (countersignatures)."""
        self.ensure_one()
        reviews = self.sudo().review_ids
        if not reviews and self.state == "draft":
            # Before submission: the circuit's steps, all still to sign.
            Review = self.env["tier.review"].sudo()
            for sequence, definition in enumerate(
                self._lease_matching_definitions(), 1
            ):
                reviews |= Review.new(
                    {
                        "definition_id": definition.id,
                        "sequence": sequence,
                        "status": "waiting",
                    }
                )
            return reviews
        return reviews.sorted(lambda review: (review.sequence, review.id))

    @api.model
    def _lease_report_for_kind(self, kind):
        return self.env.ref(f"lease_overdue.report_{kind}", raise_if_not_found=False)

    def action_preview_pdf(self):
        """Preview (issue 11 item 2, SPEC A2, A3, E3): open the document's PDF in the
        browser before it is signed: the same report, rendered now from the same data
        as the print, so the approver reads exactly the letter he signs (with its DRAFT
        watermark until signed). Nothing is written: the report route is read-only, the
        document keeps its state and no attachment is archived (a document is archived
        only once issued). Anyone who may read the document may preview it."""
        self.ensure_one()
        self.check_access("read")
        if self.state not in ("draft", "to_approve", "approved"):
            raise UserError(
                self.env._(
                    "%(doc)s is no longer waiting for its signature: print it instead "
                    "(an issued document prints its archived PDF).",
                    doc=self.display_name,
                )
            )
        report = self._lease_report_for_kind(self.kind)
        if not report:
            raise UserError(
                self.env._("There is no printed form for this kind of document.")
            )
        return {
            "type": "ir.actions.act_url",
            "url": f"/report/pdf/{report.report_name}/{self.id}",
            "target": "new",
        }

    def action_print_document(self):
        """Print the documents with the report of their kind (one kind at a time)."""
        if len(set(self.mapped("kind"))) != 1:
            raise UserError(
                self.env._("Select documents of one kind to print them together.")
            )
        report = self._lease_report_for_kind(self[:1].kind)
        if not report:
            raise UserError(
                self.env._("There is no printed form for this kind of document.")
            )
        return report.report_action(self)
