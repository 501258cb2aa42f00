from odoo import api, fields, models

from .lease_document import DEPARTMENTS


class LeaseDocumentApproval(models.Model):
    """One department's decision on a document: who decided, when, and what (SPEC A3).

    Lines are written only by the document's approval methods; a refused or withdrawn
    round is archived, never deleted, so the history of every decision stays.
    """

    _name = "lease.document.approval"
    _description = "Document Approval"
    _order = "document_id, sequence, id"

    document_id = fields.Many2one(
        "lease.document", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="document_id.company_id", store=True, index=True
    )
    sequence = fields.Integer(
        default=10,
        help="Approvals with a lower sequence are given first; equal sequences "
        "are given in parallel.",
    )
    role = fields.Selection(DEPARTMENTS, "Department", required=True)
    required = fields.Boolean(default=True)
    is_signature = fields.Boolean(
        "Signature", help="This department's approval is the signature of the document."
    )
    comment_required = fields.Boolean(
        "Opinion Required", help="The approver must write an opinion with the decision."
    )
    decision = fields.Selection(
        [("pending", "Pending"), ("approve", "Approved"), ("refuse", "Refused")],
        default="pending",
        required=True,
        index=True,
    )
    user_id = fields.Many2one("res.users", "Decided By")
    date = fields.Datetime("Decided On")
    comment = fields.Text()
    active = fields.Boolean(default=True)
    is_current = fields.Boolean(
        "Awaited Now",
        compute="_compute_is_current",
        store=True,
        index=True,
        help="Pending and not waiting for an earlier approval.",
    )

    @api.depends(
        "decision",
        "active",
        "sequence",
        "document_id.state",
        "document_id.approval_ids.decision",
        "document_id.approval_ids.sequence",
        "document_id.approval_ids.active",
    )
    def _compute_is_current(self):
        for line in self:
            doc = line.document_id
            if (
                doc.state != "to_approve"
                or not line.active
                or line.decision != "pending"
            ):
                line.is_current = False
                continue
            blocking = doc.approval_ids.filtered(
                lambda other: (
                    other.active and other.required and other.decision != "approve"
                )
            )
            first = min(blocking.mapped("sequence"), default=line.sequence)
            line.is_current = line.sequence <= first
