from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain

OPEN = ("waiting", "pending")


class LeaseApprovalMixin(models.AbstractModel):
    """The one approval mechanism (issue 8, item 4): OCA ``base_tier_validation``
    behind checked transitions.

    A circuit is a list of ``tier.definition`` records of the model (who reviews, in which
    order: a higher definition sequence reviews first; "approve by sequence" makes the
    order strict; whether an opinion is required; whether the approval is the signature).
    ``action_submit`` of the model moves the record to ``_state_from`` and calls
    ``_lease_request_approvals``; ``action_approve`` / ``action_refuse`` decide the
    caller's current review; ``_lease_archive_reviews`` closes a round (reset, cancel).

    Integrity (SPEC A3, issue 8): reviews are created and written in superuser mode only,
    by these methods, after they checked the caller; they are archived, never deleted;
    OCA's own entry points (``request_validation``, ``restart_validation``,
    ``validate_tier``, ``reject_tier``, the comment wizard) are closed or routed through
    the same checks; no context key unlocks anything. Four-eyes (company setting
    ``lease_four_eyes``, on by default): the preparer (creator or submitter) never
    reviews.
    """

    _name = "lease.approval.mixin"
    _description = "Approval Circuit"
    _inherit = ["tier.validation"]

    _tier_validation_manual_config = True
    _state_field = "state"
    _state_from = ["to_approve"]
    _state_to = ["approved"]
    _cancel_state = "cancelled"
    _lease_refused_state = "refused"

    approval_history_ids = fields.Many2many(
        "tier.review",
        string="Earlier Rounds",
        compute="_compute_approval_history_ids",
        context={"active_test": False},
        help="Decisions of rounds that ended in a refusal or a withdrawal.",
    )
    can_approve = fields.Boolean(
        "Awaiting My Approval",
        compute="_compute_can_approve",
        search="_search_can_approve",
    )
    waiting_for = fields.Char(compute="_compute_waiting_for")
    decision_comment = fields.Text(
        "Your Comment",
        copy=False,
        help="Comment recorded with your approval or refusal (required to refuse).",
    )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    def _compute_approval_history_ids(self):
        reviews = (
            self.env["tier.review"]
            .sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("model", "=", self._name),
                    ("res_id", "in", self.ids),
                    ("active", "=", False),
                ]
            )
        )
        for rec in self:
            rec.approval_history_ids = reviews.filtered(
                lambda r, rec=rec: r.res_id == rec.id
            )

    @api.depends_context("uid")
    @api.depends("state", "review_ids.status", "review_ids.reviewer_ids")
    def _compute_can_approve(self):
        for rec in self:
            rec.can_approve = bool(
                rec[self._state_field] in self._state_from
                and rec._lease_current_reviews(self.env.user)
            )

    def _search_can_approve(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on 'Awaiting My Approval'."))
        domain = Domain(self._state_field, "in", self._state_from) & Domain(
            self._search_can_review("=", True)
        )
        if (operator == "=") != value:
            return ~domain
        return domain

    @api.depends("state", "review_ids.status")
    def _compute_waiting_for(self):
        for rec in self:
            awaited = (
                rec._lease_awaited_reviews()
                if rec[self._state_field] in self._state_from
                else rec.env["tier.review"]
            )
            rec.waiting_for = (
                ", ".join(dict.fromkeys(rec._lease_review_label(r) for r in awaited))
                or False
            )

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _lease_review_label(self, review):
        if review.lease_role:
            return dict(review._fields["lease_role"]._description_selection(self.env))[
                review.lease_role
            ]
        return review.name or ""

    def _lease_awaited_reviews(self):
        """Open reviews that can be decided now (not waiting for an earlier step)."""
        self.ensure_one()
        open_reviews = self.review_ids.filtered(lambda r: r.status in OPEN)
        first = min(open_reviews.mapped("sequence"), default=0)
        return open_reviews.filtered(
            lambda r: not r.approve_sequence or r.sequence == first
        )

    def _lease_current_reviews(self, user):
        """The reviews ``user`` may decide now on this record."""
        self.ensure_one()
        sequences = self._get_sequences_to_approve(user)
        return self.review_ids.filtered(
            lambda r: (
                r.status in OPEN and user in r.reviewer_ids and r.sequence in sequences
            )
        ).sorted("sequence")

    def _lease_preparers(self):
        """Who prepared or submitted the record (not the system)."""
        self.ensure_one()
        people = self.create_uid
        if "submitted_by_id" in self._fields:
            people |= self.submitted_by_id
        return people.filtered(lambda user: not user._is_superuser())

    def _lease_four_eyes_excluded(self):
        """The users four-eyes removes from the reviewers (SPEC A3)."""
        self.ensure_one()
        company = (
            self.company_id
            if "company_id" in self._fields and self.company_id
            else self.env.company
        )
        if company.lease_four_eyes:
            return self._lease_preparers()
        return self.env["res.users"]

    def _lease_check_four_eyes(self, user):
        self.ensure_one()
        if user in self._lease_four_eyes_excluded():
            raise AccessError(
                self.env._(
                    "%(doc)s was prepared or submitted by you: another person approves "
                    "and signs it (four-eyes rule).",
                    doc=self.display_name,
                )
            )

    def _lease_missing_reviews(self):
        """Reviews of the current round not approved yet."""
        self.ensure_one()
        return self.review_ids.filtered(lambda r: r.status != "approved")

    def _lease_matching_definitions(self):
        """The circuit's steps that apply to this record (configuration)."""
        self.ensure_one()
        definitions = (
            self.env["tier.definition"]
            .sudo()
            .search(
                [
                    ("model", "=", self._name),
                    ("company_id", "in", [False, *self._get_company().ids]),
                ],
                order="sequence desc",
            )
        )
        return definitions.filtered(lambda d: self.sudo().evaluate_tier(d))

    def _lease_missing_labels(self):
        """Who still has to approve: the open steps of the round, or, before any
        round, every step of the circuit."""
        self.ensure_one()
        if self.review_ids:
            steps = self._lease_missing_reviews()
        else:
            steps = self._lease_matching_definitions()
        labels = dict(
            self.env["tier.definition"]
            ._fields["lease_role"]
            ._description_selection(self.env)
        )
        return list(
            dict.fromkeys(labels.get(s.lease_role) or s.name or "" for s in steps)
        )

    # ------------------------------------------------------------------
    # Transitions (called by the model's own actions)
    # ------------------------------------------------------------------
    def _lease_request_approvals(self):
        """Open the approval round of records just moved to ``_state_from``; returns
        the records that need no approval at all."""
        self.invalidate_recordset(["need_validation"])
        self.sudo().request_validation()
        self.invalidate_recordset(
            ["need_validation", "review_ids", "validation_status"]
        )
        return self.filtered(lambda rec: not rec.review_ids)

    def _lease_archive_reviews(self):
        """Close the current round: its reviews stay, archived, in the history."""
        reviews = self.sudo().review_ids
        reviews.filtered(lambda r: r.status in OPEN).write({"status": "cancel"})
        reviews.write({"active": False})
        self.invalidate_recordset(
            ["need_validation", "review_ids", "validation_status"]
        )

    def action_approve(self, comment=None):
        """Approve for the step(s) awaiting the current user (SPEC A2, A3)."""
        for rec in self.with_context(active_test=True):
            rec._lease_decide(True, comment)
        return True

    def action_refuse(self, comment=None):
        """Refuse, with a reason (SPEC A3)."""
        for rec in self.with_context(active_test=True):
            rec._lease_decide(False, comment)
        return True

    def _lease_decide(self, approve, comment=None, reviews=None):
        self.ensure_one()
        if hasattr(self, "_lease_check_case_open"):
            # a closed (paid-up) collection case takes no further step (issue 9, item 4)
            self._lease_check_case_open()
        user = self.env.user
        if comment is None:
            comment = self.decision_comment
        comment = (comment or "").strip()
        if self[self._state_field] not in self._state_from:
            raise UserError(
                self.env._(
                    "%(doc)s is not waiting for approval.", doc=self.display_name
                )
            )
        open_reviews = self.review_ids.filtered(lambda r: r.status in OPEN)
        if open_reviews.definition_id.filtered("exclude_requester"):
            self._lease_check_four_eyes(user)
        if not open_reviews.filtered(lambda r: user in r.reviewer_ids):
            raise AccessError(
                self.env._(
                    "You cannot decide on %(doc)s: it needs the approval of %(roles)s, which only "
                    "the head of that department gives (the review committee and the general "
                    "manager decide as themselves).",
                    doc=self.display_name,
                    roles=", ".join(
                        dict.fromkeys(self._lease_review_label(r) for r in open_reviews)
                    ),
                )
            )
        current = self._lease_current_reviews(user)
        if reviews is not None:
            if not reviews or reviews - current:
                raise AccessError(self.env._("Nothing here awaits your decision now."))
            current &= reviews
        if not current:
            raise UserError(
                self.env._(
                    "%(doc)s must first be approved by %(roles)s.",
                    doc=self.display_name,
                    roles=self.waiting_for,
                )
            )
        review = current[:1]
        if not approve and not comment:
            raise UserError(
                self.env._(
                    "Write the reason for refusing %(doc)s in your comment.",
                    doc=self.display_name,
                )
            )
        if approve and review.lease_comment_required:
            comment = comment or self._lease_default_opinion(review)
            if not comment:
                raise UserError(
                    self.env._(
                        "%(role)s gives a written opinion with its approval: write "
                        "it in your comment.",
                        role=self._lease_review_label(review),
                    )
                )
        self._lease_before_decision(review, approve, comment)
        review.sudo().write({"comment": comment or False})
        if approve:
            self._validate_tier(review)
        else:
            self._rejected_tier(review)
        self.invalidate_recordset(["need_validation", "validation_status"])
        self.review_ids._update_review_status()
        values = {"decision_comment": False} if self.decision_comment else {}
        if approve and review.lease_signature:
            values.update(self._lease_signature_values(review))
        if values:
            self.sudo().write(values)
        # In the company's language, whoever decides (issue 11 item 3).
        company = self.company_id if "company_id" in self._fields else None
        env = (company or self.env.company)._lease_env()
        label = self.with_env(env)._lease_review_label(review)
        if approve:
            body = env._(
                "Approved for %(role)s by %(user)s.", role=label, user=user.name
            )
        else:
            body = env._(
                "Refused for %(role)s by %(user)s.", role=label, user=user.name
            )
        if comment:
            body = Markup("%s<br/>%s") % (body, comment)
        if hasattr(self, "message_post"):
            self.sudo().message_post(body=body, author_id=user.partner_id.id)
        if not approve:
            self._lease_on_refused()
        elif not self._lease_missing_reviews():
            self._lease_on_approved()
        return review

    # Hooks -------------------------------------------------------------
    def _lease_default_opinion(self, review):
        return False

    def _lease_before_decision(self, review, approve, comment):
        return None

    def _lease_signature_values(self, review):
        """Evidence written when a signing step is approved."""
        return {"signed_by_id": review.done_by.id, "date_signed": review.reviewed_date}

    def _lease_on_approved(self):
        return self.sudo().write({self._state_field: self._state_to[0]})

    def _lease_on_refused(self):
        return self.sudo().write({self._state_field: self._lease_refused_state})

    # ------------------------------------------------------------------
    # OCA entry points: closed, or checked then run in superuser mode
    # ------------------------------------------------------------------
    def request_validation(self):
        if not self.env.su:
            raise AccessError(
                self.env._("Submit the record for approval with its Submit button.")
            )
        return super().request_validation()

    def restart_validation(self):
        raise AccessError(
            self.env._(
                "Reset the record to draft instead: the decisions already given stay in "
                "its history."
            )
        )

    def validate_tier(self):
        self.ensure_one()
        self.action_approve()
        return True

    def reject_tier(self):
        self.ensure_one()
        self.action_refuse()
        return True

    def _lease_check_reviews_mine(self, tiers):
        self.ensure_one()
        current = self._lease_current_reviews(self.env.user)
        if not tiers or tiers - current:
            raise AccessError(self.env._("Nothing here awaits your decision now."))

    def _validate_tier(self, tiers=False):
        self.ensure_one()
        self._lease_check_reviews_mine(tiers)
        return super(LeaseApprovalMixin, self.sudo())._validate_tier(tiers.sudo())

    def _rejected_tier(self, tiers=False):
        self.ensure_one()
        self._lease_check_reviews_mine(tiers)
        return super(LeaseApprovalMixin, self.sudo())._rejected_tier(tiers.sudo())

    def _tier_validation_check_state_on_write(self, vals):
        # need_validation has no dependencies: stale within a transaction.
        self.invalidate_recordset(["need_validation"])
        return super()._tier_validation_check_state_on_write(vals)

    def _tier_validation_check_write_allowed(self, vals):
        # Content is frozen by the model's own guard (lease.guard.mixin), whoever
        # writes; OCA's check honours a context key (skip_validation_check) and is
        # not used.
        return None

    def _tier_validation_check_write_remove_reviews(self, vals):
        # Cancelling or going back archives the round instead of deleting it, for
        # the whole set at once (closing thousands of paid-up cases withdraws their
        # documents in one write).
        self.filtered(
            lambda rec: rec._allow_to_remove_reviews(vals)
        )._lease_archive_reviews()

    @api.ondelete(at_uninstall=False)
    def _lease_unlink_without_decisions(self):
        decided = (
            self.env["tier.review"]
            .sudo()
            .with_context(active_test=False)
            .search_count(
                [
                    ("model", "=", self._name),
                    ("res_id", "in", self.ids),
                    ("status", "in", ("approved", "rejected")),
                ],
                limit=1,
            )
        )
        if decided:
            raise UserError(
                self.env._(
                    "A record that has been decided upon is kept as evidence: cancel it "
                    "instead of deleting it."
                )
            )

    def unlink(self):
        # OCA deletes the reviews with the record; those of a deletable draft are
        # archived instead (the history is never deleted).
        self._lease_archive_reviews()
        return super().unlink()
