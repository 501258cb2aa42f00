"""One approval mechanism (issue 8, item 4): OCA base_tier_validation behind
lease.approval.mixin, attacked over JSON-2 with the employees' own logins.

Reviews (``tier.review``) are written only by the records' own transitions, after they
checked the caller: forging, creating or deleting a review, approving out of order or
through OCA's own entry points (``validate_tier``, the comment wizard,
``request_validation``, ``restart_validation``), approving one's own paper, wiping the
history with a reset, or passing OCA's context keys are all refused; the rightful
approvers then succeed.
"""

from datetime import timedelta

from lease_document_common import DUE, LeaseDocumentMixin
from lease_rpc_common import LeaseRpcCase

from odoo.tests import new_test_user, tagged

DOC = "lease.document"
REVIEW = "tier.review"


@tagged("post_install", "-at_install")
class TestApprovalMechanismRpc(LeaseDocumentMixin, LeaseRpcCase):
    # ------------------------------------------------------------------
    # Fixtures
    # ------------------------------------------------------------------
    def _submitted_deferral(self):
        """A disposal deferral filed by the account manager: committee, then GM."""
        case = self._overdue_case(50)
        manager = self.users["account_manager"]
        with self._on(50):
            request = (
                self.env[DOC]
                .with_user(manager)
                .create(
                    {
                        "kind": "deferral_request",
                        "case_id": case.id,
                        "date_deferral_end": DUE + timedelta(days=80),
                        "summary": "New order signed.",
                        "evidence_ids": [
                            (4, self._attachment("order.pdf", manager).id)
                        ],
                    }
                )
            )
            self.assertRpcOk(manager, DOC, "action_submit", request.ids)
        self.assertEqual(request.state, "to_approve")
        return case, request

    def _submitted_notice(self):
        case = self._overdue_case(10)
        with self._on(10):
            notice = case._escalation_prepare_notice()
        self.assertRpcOk(self.users["collector"], DOC, "action_submit", notice.ids)
        return notice

    # ------------------------------------------------------------------
    # Forged reviews
    # ------------------------------------------------------------------
    def test_i8_4_reviews_cannot_be_forged_created_or_deleted(self):
        """Nobody writes, creates or deletes a review: not the collector, not the
        reviewer himself, not the configuration manager."""
        _case, request = self._submitted_deferral()
        reviews = request.review_ids
        self.assertEqual(reviews.mapped("status"), ["pending", "waiting"])
        gm = self.users["gm"]
        for login in ("collector", "committee", "gm", "lease_admin"):
            user = self.users[login]
            self.assertRpcRefused(
                user,
                REVIEW,
                "write",
                reviews.ids,
                vals={"status": "approved", "done_by": gm.id},
            )
            self.assertRpcRefused(
                user, REVIEW, "write", reviews[:1].ids, vals={"comment": "forged"}
            )
            self.assertRpcRefused(
                user, REVIEW, "write", reviews.ids, vals={"active": False}
            )
            self.assertRpcRefused(
                user,
                REVIEW,
                "create",
                vals_list=[
                    {
                        "model": DOC,
                        "res_id": request.id,
                        "definition_id": reviews[:1].definition_id.id,
                        "status": "approved",
                        "done_by": gm.id,
                    }
                ],
            )
            self.assertRpcRefused(user, REVIEW, "unlink", reviews.ids)
            # Nor through the document's one2many.
            self.assertRpcRefused(
                user,
                DOC,
                "write",
                request.ids,
                vals={"review_ids": [(2, reviews[0].id)]},
            )
            self.assertRpcRefused(
                user,
                DOC,
                "write",
                request.ids,
                vals={"review_ids": [(1, reviews[0].id, {"status": "approved"})]},
            )
        self.assertEqual(request.review_ids, reviews)
        self.assertEqual(reviews.mapped("status"), ["pending", "waiting"])
        self.assertFalse(reviews.done_by)
        self.assertEqual(request.state, "to_approve")
        # The document cannot be forced to approved either.
        self.assertRpcRefused(
            self.users["lease_admin"],
            DOC,
            "write",
            request.ids,
            vals={"state": "approved"},
        )

    # ------------------------------------------------------------------
    # Order
    # ------------------------------------------------------------------
    def test_i8_4_general_manager_cannot_decide_before_the_committee(self):
        """Committee then general manager: the GM is refused through every door
        (our button, OCA's validate_tier, the comment wizard); a non-reviewer's call
        promotes nothing; the rightful order succeeds."""
        case, request = self._submitted_deferral()
        gm, committee = self.users["gm"], self.users["committee"]
        committee_review, gm_review = request.review_ids.sorted("sequence")
        self.assertRpcRefused(gm, DOC, "action_approve", request.ids)
        self.assertRpcRefused(gm, DOC, "validate_tier", request.ids)
        self.assertRpcRefused(gm, DOC, "reject_tier", request.ids)
        wizard_ids = self.assertRpcOk(
            gm,
            "comment.wizard",
            "create",
            vals_list=[
                {
                    "res_model": DOC,
                    "res_id": request.id,
                    "review_ids": [(6, 0, gm_review.ids)],
                    "validate_reject": "validate",
                    "comment": "approved early",
                }
            ],
        )
        self.assertRpcRefused(gm, "comment.wizard", "add_comment", wizard_ids)
        # The wizard with the committee's review, used by someone else.
        wizard_ids = self.assertRpcOk(
            gm,
            "comment.wizard",
            "create",
            vals_list=[
                {
                    "res_model": DOC,
                    "res_id": request.id,
                    "review_ids": [(6, 0, committee_review.ids)],
                    "validate_reject": "validate",
                    "comment": "on the committee's behalf",
                }
            ],
        )
        self.assertRpcRefused(gm, "comment.wizard", "add_comment", wizard_ids)
        self.assertRpcRefused(
            self.users["collector"], DOC, "validate_tier", request.ids
        )
        self.assertEqual(
            (committee_review.status, gm_review.status), ("pending", "waiting")
        )
        self.assertFalse(committee_review.comment or gm_review.comment)
        self.assertFalse(request.can_approve)
        self.assertTrue(request.with_user(committee).can_approve)
        self.assertFalse(request.with_user(gm).can_approve)
        self.assertIn(
            request,
            self.env[DOC].with_user(committee).search([("can_approve", "=", True)]),
        )
        self.assertNotIn(
            request, self.env[DOC].with_user(gm).search([("can_approve", "=", True)])
        )
        # The rightful order.
        with self._on(51):
            self.assertRpcOk(committee, DOC, "action_approve", request.ids)
            self.assertEqual(gm_review.status, "pending")
            self.assertTrue(request.with_user(gm).can_approve)
            self.assertRpcOk(gm, DOC, "action_approve", request.ids)
        self.assertEqual(request.state, "approved")
        self.assertEqual(request.signed_by_id, gm)
        self.assertEqual((committee_review.done_by, gm_review.done_by), (committee, gm))
        self.assertEqual(case.deferral_until, request.date_deferral_end)

    # ------------------------------------------------------------------
    # Four eyes
    # ------------------------------------------------------------------
    def test_i8_4_preparer_is_never_a_reviewer(self):
        """Four eyes covers the preparer, not only the submitter: a head who prepared a
        notice that a collector submitted can neither see it as his to approve nor
        approve it; another head signs."""
        case = self._overdue_case(10)
        head = self.users["am_head"]
        head2 = new_test_user(
            self.env, "t4_am_head2", groups="lease_overdue.group_asset_management_head"
        )
        doc_id = self.assertRpcOk(
            head,
            DOC,
            "create",
            vals_list=[{"kind": "collection_notice", "case_id": case.id}],
        )[0]
        doc = self.env[DOC].browse(doc_id)
        self.assertRpcOk(self.users["collector"], DOC, "action_submit", doc.ids)
        self.assertNotIn(head, doc.review_ids.reviewer_ids)
        self.assertNotIn(self.users["collector"], doc.review_ids.reviewer_ids)
        self.assertFalse(doc.with_user(head).can_approve)
        result = self.assertRpcRefused(head, DOC, "action_approve", doc.ids)
        self.assertIn("four-eyes", result["message"])
        self.assertRpcRefused(head, DOC, "validate_tier", doc.ids)
        self.assertFalse(doc.signed_by_id)
        self.assertRpcOk(head2, DOC, "action_approve", doc.ids)
        self.assertEqual((doc.state, doc.signed_by_id), ("approved", head2))
        # Four-eyes is on by default on every circuit step.
        definitions = self.env["tier.definition"].search([("model", "like", "lease.")])
        self.assertTrue(definitions)
        self.assertTrue(all(definitions.mapped("exclude_requester")))
        self.assertTrue(self.env["tier.definition"].new({}).exclude_requester)

    # ------------------------------------------------------------------
    # History
    # ------------------------------------------------------------------
    def test_i8_4_reset_keeps_the_history(self):
        """A refusal needs a reason; reset, cancel and OCA's restart never delete the
        decisions: they stay, archived, in the history."""
        notice = self._submitted_notice()
        head, collector = self.users["am_head"], self.users["collector"]
        self.assertRpcRefused(head, DOC, "action_refuse", notice.ids)
        self.assertRpcRefused(head, DOC, "action_refuse", notice.ids, comment="   ")
        self.assertRpcOk(
            head, DOC, "action_refuse", notice.ids, comment="Wrong deadline"
        )
        refused = notice.review_ids
        self.assertEqual(
            (refused.status, refused.done_by, refused.comment),
            ("rejected", head, "Wrong deadline"),
        )
        for login in ("collector", "am_head", "lease_admin"):
            self.assertRpcRefused(
                self.users[login], DOC, "restart_validation", notice.ids
            )
            self.assertRpcRefused(
                self.users[login], DOC, "request_validation", notice.ids
            )
        self.assertRpcOk(collector, DOC, "action_reset_draft", notice.ids)
        self.assertFalse(notice.review_ids)
        self.assertTrue(refused.exists())
        self.assertEqual(notice.approval_history_ids, refused)
        self.assertEqual(refused.status, "rejected")
        # Resubmitted, approved: the refusal is still there.
        self.assertRpcOk(
            collector,
            DOC,
            "write",
            notice.ids,
            vals={"date_deadline": str(DUE + timedelta(days=30))},
        )
        self.assertRpcOk(collector, DOC, "action_submit", notice.ids)
        self.assertRpcOk(head, DOC, "action_approve", notice.ids)
        self.assertEqual(notice.state, "approved")
        self.assertEqual(notice.approval_history_ids, refused)
        # A cancelled document keeps its decisions too; it cannot be deleted.
        notice2 = self._submitted_notice()
        self.assertRpcOk(head, DOC, "action_approve", notice2.ids)
        approved = notice2.review_ids
        self.assertRpcOk(collector, DOC, "action_cancel", notice2.ids)
        self.assertTrue(approved.exists())
        self.assertEqual(approved.status, "approved")
        self.assertRpcRefused(self.users["lease_admin"], DOC, "unlink", notice2.ids)
        self.assertTrue(approved.exists())

    # ------------------------------------------------------------------
    # Context keys
    # ------------------------------------------------------------------
    def test_i8_4_context_keys_are_no_credential(self):
        """OCA's context keys (skip_validation_check, skip_check_state_condition,
        tier_validation_defer_compute_can_review) unlock nothing."""
        notice = self._submitted_notice()
        collector, head = self.users["collector"], self.users["am_head"]
        keys = {
            "skip_validation_check": True,
            "skip_check_state_condition": True,
            "tier_validation_defer_compute_can_review": True,
            "active_test": False,
        }
        self.assertRpcRefused(
            collector,
            DOC,
            "write",
            notice.ids,
            context=keys,
            vals={"amount_overdue": 1.0},
        )
        self.assertRpcRefused(
            collector, DOC, "request_validation", notice.ids, context=keys
        )
        self.assertRpcRefused(
            collector,
            REVIEW,
            "write",
            notice.review_ids.ids,
            context=keys,
            vals={"status": "approved"},
        )
        self.assertRpcRefused(
            collector, DOC, "action_approve", notice.ids, context=keys
        )
        self.assertEqual(notice.amount_overdue, 10000.0)
        self.assertEqual(notice.review_ids.status, "pending")
        # The head approves with the same keys: his decision is recorded as usual.
        self.assertRpcOk(head, DOC, "action_approve", notice.ids, context=keys)
        self.assertEqual((notice.state, notice.signed_by_id), ("approved", head))
        self.assertEqual(notice.review_ids.done_by, head)

    def test_i8_4_approval_history_is_audited(self):
        """Reviews and circuits are in the audit log (item 5)."""
        rules = self.env["auditlog.rule"].search(
            [("model_id.model", "in", ("tier.review", "tier.definition"))]
        )
        self.assertEqual(
            sorted(rules.mapped("model_id.model")), ["tier.definition", "tier.review"]
        )
        self.assertEqual(set(rules.mapped("state")), {"confirmed"})
