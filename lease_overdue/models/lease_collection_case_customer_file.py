from odoo import fields, models


class LeaseCollectionCase(models.Model):
    """From a collection case: its customer file (F3) and its archived documents."""

    _inherit = "lease.collection.case"

    archived_document_ids = fields.Many2many(
        "lease.document",
        string="Archived Documents",
        compute="_compute_archived_document_ids",
        help="Issued documents of the case with their archived PDF and its SHA-256 hash.",
    )

    def _compute_archived_document_ids(self):
        documents = self.env["lease.document"].search(
            [("case_id", "in", self.ids), ("content_hash", "!=", False)]
        )
        for case in self:
            case.archived_document_ids = documents.filtered(
                lambda d, case=case: d.case_id == case
            )

    def action_open_lease_customer_file(self):
        self.ensure_one()
        return self.partner_id.action_open_lease_customer_file()
