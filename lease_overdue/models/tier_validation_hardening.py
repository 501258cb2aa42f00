"""Hardening of OCA ``base_tier_validation`` (issue 8, item 4; see docs/approvals.md).

Rule: a ``tier.review`` is created and written only in superuser mode, by the
transitions of ``lease.approval.mixin``, after they checked the caller; reviews are
archived (history), never deleted, whoever asks. Four-eyes is on by default and covers
the preparer (creator or submitter), not only whoever pressed the button.
"""

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .lease_constants import DEPARTMENTS

DECISIONS = [("pending", "Pending"), ("approve", "Approved"), ("refuse", "Refused")]


class TierDefinition(models.Model):
    _inherit = "tier.definition"

    # Four-eyes on by default (SPEC A3): the preparer never reviews.
    exclude_requester = fields.Boolean(default=True)
    lease_role = fields.Selection(
        DEPARTMENTS,
        "Department",
        help="The department this step decides for (printed on the countersignature "
        "table).",
    )
    lease_signature = fields.Boolean(
        "Signature",
        help="This approval is the signature printed on the document.",
    )
    lease_comment_required = fields.Boolean(
        "Opinion Required",
        help="The reviewer writes an opinion with the approval.",
    )

    @api.model
    def _get_tier_validation_model_names(self):
        return [
            *super()._get_tier_validation_model_names(),
            "lease.document",
            "lease.collection.log.monthly",
            "lease.disposal",
            "lease.contract.amendment",
        ]


class TierReview(models.Model):
    _inherit = "tier.review"

    active = fields.Boolean(default=True, readonly=True)
    lease_role = fields.Selection(related="definition_id.lease_role")
    lease_signature = fields.Boolean(related="definition_id.lease_signature")
    lease_comment_required = fields.Boolean(
        related="definition_id.lease_comment_required"
    )
    lease_decision = fields.Selection(
        DECISIONS, "Decision", compute="_compute_lease_decision"
    )

    @api.depends("status")
    def _compute_lease_decision(self):
        for review in self:
            review.lease_decision = {
                "approved": "approve",
                "rejected": "refuse",
            }.get(review.status, "pending")

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise AccessError(
                self.env._(
                    "Approvals are opened only by submitting the record for approval."
                )
            )
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            raise AccessError(
                self.env._(
                    "Approvals are decided only through the record's Approve and "
                    "Refuse buttons, which check who may decide."
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _lease_never_delete(self):
        raise UserError(
            self.env._(
                "The approval history is kept as evidence: it cannot be deleted."
            )
        )

    def _update_review_status(self):
        # Promotion waiting -> pending is bookkeeping (the systray calls it as the
        # user): done in superuser mode; the context key that defers it is ignored.
        ctx = dict(self.env.context)
        ctx.pop("tier_validation_defer_compute_can_review", None)
        return super(
            TierReview, self.sudo().with_env(self.sudo().env(context=ctx))
        )._update_review_status()

    def _get_reviewers(self):
        reviewers = super()._get_reviewers()
        if not (self.model and self.res_id and self.model in self.env):
            return reviewers
        record = self.env[self.model].sudo().browse(self.res_id)
        if not (hasattr(record, "_lease_four_eyes_excluded") and record.exists()):
            return reviewers
        # Our records: four-eyes is ours (company switch, preparer and submitter),
        # not OCA's filter on the requester alone.
        candidates = self.reviewer_id | self.reviewer_group_id.user_ids
        reviewers |= self.requested_by & candidates
        if self.definition_id.exclude_requester:
            reviewers -= record._lease_four_eyes_excluded()
        return reviewers


class CommentWizard(models.TransientModel):
    _inherit = "comment.wizard"

    def add_comment(self):
        """OCA's wizard takes any reviews, model and id from the client: route it
        through the record's checked decision instead."""
        self.ensure_one()
        if self.res_model not in self.env or not hasattr(
            self.env[self.res_model], "_lease_decide"
        ):
            raise AccessError(self.env._("This record is not under approval."))
        record = self.env[self.res_model].browse(self.res_id).exists()
        if not record:
            raise AccessError(self.env._("This record is not under approval."))
        record.check_access("read")
        record._lease_decide(
            self.validate_reject == "validate", self.comment, reviews=self.review_ids
        )
        return True
