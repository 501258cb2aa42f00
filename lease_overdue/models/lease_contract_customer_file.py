from odoo import fields, models


class LeaseContract(models.Model):
    """From a contract: its customer file (F3) and its archived documents."""

    _inherit = "lease.contract"

    archived_document_ids = fields.Many2many(
        "lease.document",
        string="Archived Documents",
        compute="_compute_archived_document_ids",
        help="Issued documents of the contract with their archived PDF and its SHA-256 hash.",
    )

    def _compute_archived_document_ids(self):
        documents = self.env["lease.document"].search(
            [("contract_id", "in", self.ids), ("content_hash", "!=", False)]
        )
        for contract in self:
            contract.archived_document_ids = documents.filtered(
                lambda d, contract=contract: d.contract_id == contract
            )

    def action_open_lease_customer_file(self):
        self.ensure_one()
        return self.partner_id.action_open_lease_customer_file()
