from odoo import fields, models


class ResPartner(models.Model):
    """Overdue customer file (逾期档案, SPEC F3, D3 L51): everything about a lessee on one
    screen, gathered over the commercial entity and its contacts."""

    _inherit = "res.partner"

    lease_file_contract_ids = fields.Many2many(
        "lease.contract", string="File: Contracts", compute="_compute_lease_file"
    )
    lease_file_installment_ids = fields.Many2many(
        "lease.installment",
        string="File: Payment History",
        compute="_compute_lease_file",
    )
    lease_file_invoice_ids = fields.Many2many(
        "account.move", string="File: Invoices", compute="_compute_lease_file"
    )
    lease_file_payment_ids = fields.Many2many(
        "account.payment", string="File: Payments", compute="_compute_lease_file"
    )
    lease_file_case_ids = fields.Many2many(
        "lease.collection.case",
        string="File: Collection Cases",
        compute="_compute_lease_file",
    )
    lease_file_record_ids = fields.Many2many(
        "lease.collection.record",
        string="File: Collection Records",
        compute="_compute_lease_file",
    )
    lease_file_promise_ids = fields.Many2many(
        "lease.payment.promise",
        string="File: Promises to Pay",
        compute="_compute_lease_file",
    )
    lease_file_document_ids = fields.Many2many(
        "lease.document", string="File: Documents", compute="_compute_lease_file"
    )
    lease_file_attachment_ids = fields.Many2many(
        "ir.attachment", string="File: Archived PDFs", compute="_compute_lease_file"
    )
    lease_file_amount_rent_paid = fields.Monetary(
        "Rent Paid", compute="_compute_lease_file", currency_field="lease_currency_id"
    )
    lease_file_amount_rent_due = fields.Monetary(
        "Rent Invoiced",
        compute="_compute_lease_file",
        currency_field="lease_currency_id",
    )

    def _compute_lease_file(self):
        can_read_moves = self.env["account.move"].has_access("read")
        for partner in self:
            domain = [("partner_id", "child_of", partner.commercial_partner_id.id)]
            contracts = (
                self.env["lease.contract"].search(domain)
                if partner.id
                else self.env["lease.contract"]
            )
            installments = self.env["lease.installment"].search(
                [
                    ("contract_id", "in", contracts.ids),
                    ("move_id", "!=", False),
                ],
                order="date_due desc, id desc",
            )
            partner.lease_file_contract_ids = contracts
            partner.lease_file_installment_ids = installments
            partner.lease_file_amount_rent_due = sum(installments.mapped("amount_rent"))
            partner.lease_file_amount_rent_paid = sum(
                installments.mapped("amount_paid")
            )
            partner.lease_file_case_ids = self.env["lease.collection.case"].search(
                [("contract_id", "in", contracts.ids)]
            )
            partner.lease_file_record_ids = self.env["lease.collection.record"].search(
                [("contract_id", "in", contracts.ids)]
            )
            partner.lease_file_promise_ids = self.env["lease.payment.promise"].search(
                [("contract_id", "in", contracts.ids)]
            )
            documents = self.env["lease.document"].search(
                [("contract_id", "in", contracts.ids)]
            )
            partner.lease_file_document_ids = documents
            partner.lease_file_attachment_ids = documents.sudo().attachment_id
            if can_read_moves:
                moves = self.env["account.move"].search(
                    [
                        ("lease_contract_id", "in", contracts.ids),
                        ("state", "=", "posted"),
                    ],
                    order="invoice_date_due desc, id desc",
                )
                partner.lease_file_invoice_ids = moves
                partner.lease_file_payment_ids = (
                    moves.reconciled_payment_ids
                    if moves
                    else self.env["account.payment"]
                )

    def action_open_lease_customer_file(self):
        """Open the overdue customer file of the lessee (SPEC F3)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "lease_overdue.res_partner_lease_customer_file_action"
        )
        action.update(
            {
                "res_id": self.commercial_partner_id.id,
                "view_mode": "form",
                "views": [
                    (
                        self.env.ref(
                            "lease_overdue.res_partner_view_form_lease_customer_file"
                        ).id,
                        "form",
                    )
                ],
            }
        )
        return action
