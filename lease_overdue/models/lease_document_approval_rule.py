from odoo import fields, models

from .lease_document import DEPARTMENTS, DOCUMENT_KINDS


class LeaseDocumentApprovalRule(models.Model):
    """Which departments approve which kind of document, in which order (configuration).

    The default rules follow D9: the head of asset management signs the rent collection
    notice (L174); the departments concerned countersign the asset inspection report
    (L180); risk management gives its opinion on the repayment capacity assessment (L183);
    the departments concerned consent to the pre-litigation letter (L187); the review
    committee then the general manager approve a disposal deferral (L201).
    """

    _name = "lease.document.approval.rule"
    _description = "Document Approval Rule"
    _order = "kind, sequence, id"

    kind = fields.Selection(DOCUMENT_KINDS, "Document", required=True, index=True)
    sequence = fields.Integer(
        default=10,
        help="Lower sequences approve first; equal sequences approve in parallel.",
    )
    role = fields.Selection(DEPARTMENTS, "Department", required=True)
    required = fields.Boolean(default=True)
    is_signature = fields.Boolean(
        "Signature", help="This department's approval is the signature of the document."
    )
    comment_required = fields.Boolean(
        "Opinion Required", help="The approver must write an opinion with the decision."
    )
    active = fields.Boolean(default=True)
    note = fields.Char(help="Where the policy asks for this approval.")

    _kind_role_unique = models.UniqueIndex(
        "(kind, role) WHERE active", "A department approves a kind of document once."
    )
