"""One approval mechanism (issue 8, item 4) on the other circuits: contract amendments
(business head then general manager) and the monthly collection log's two signatures,
attacked over JSON-2."""

from datetime import date

from freezegun import freeze_time
from lease_rpc_common import LeaseRpcCase
from lease_test_common import LeaseTestCase

from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

GROUP = "lease_overdue.group_"
AMENDMENT = "lease.contract.amendment"
LOG = "lease.collection.log.monthly"
REVIEW = "tier.review"


@tagged("post_install", "-at_install")
class TestApprovalMechanismModelsRpc(LeaseRpcCase, LeaseTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.biz_head = new_test_user(
            cls.env, "t_appr_biz_head", groups=GROUP + "business_head"
        )
        cls.gm = new_test_user(cls.env, "t_appr_gm", groups=GROUP + "general_manager")
        cls.am_head = new_test_user(
            cls.env, "t_appr_am_head", groups=GROUP + "asset_management_head"
        )
        cls.risk_head = new_test_user(
            cls.env, "t_appr_risk_head", groups=GROUP + "risk_management_head"
        )

    def test_i8_4_amendment_circuit_cannot_be_forged_or_skipped(self):
        """Early closing: business head then general manager, each another person; the
        preparer never approves; reviews cannot be written, created or deleted."""
        contract = self._active_contract()
        am = self.account_manager
        amendment = self.env[AMENDMENT].browse(
            self.assertRpcOk(
                am,
                AMENDMENT,
                "create",
                vals_list=[
                    {
                        "contract_id": contract.id,
                        "kind": "early_close",
                        "reason": "提前结清申请",
                    }
                ],
            )
        )
        self.assertRpcOk(am, AMENDMENT, "action_submit", amendment.ids)
        reviews = amendment.review_ids
        self.assertEqual(reviews.mapped("status"), ["pending", "waiting"])
        for user in (am, self.biz_head, self.gm):
            self.assertRpcRefused(
                user,
                REVIEW,
                "write",
                reviews.ids,
                vals={"status": "approved", "done_by": self.gm.id},
            )
            self.assertRpcRefused(user, REVIEW, "unlink", reviews.ids)
            self.assertRpcRefused(
                user,
                REVIEW,
                "create",
                vals_list=[
                    {
                        "model": AMENDMENT,
                        "res_id": amendment.id,
                        "definition_id": reviews[1].definition_id.id,
                        "status": "approved",
                    }
                ],
            )
        # Out of order, the preparer, OCA's doors.
        self.assertRpcRefused(self.gm, AMENDMENT, "action_approve", amendment.ids)
        self.assertRpcRefused(self.gm, AMENDMENT, "validate_tier", amendment.ids)
        result = self.assertRpcRefused(am, AMENDMENT, "action_approve", amendment.ids)
        self.assertIn("preparer", result["message"])
        self.assertRpcRefused(am, AMENDMENT, "restart_validation", amendment.ids)
        self.assertRpcRefused(self.biz_head, AMENDMENT, "action_refuse", amendment.ids)
        self.assertEqual(reviews.mapped("status"), ["pending", "waiting"])
        # The rightful order.
        self.assertRpcOk(self.biz_head, AMENDMENT, "action_approve", amendment.ids)
        self.assertRpcRefused(self.biz_head, AMENDMENT, "action_approve", amendment.ids)
        self.assertEqual(amendment.state, "submitted")
        self.assertRpcOk(self.gm, AMENDMENT, "action_approve", amendment.ids)
        self.assertEqual(amendment.state, "approved")
        self.assertEqual(reviews.mapped("done_by"), self.biz_head | self.gm)

    def test_i8_4_monthly_log_signatures_only_by_the_heads_at_month_end(self):
        """The log's two signatures are its circuit: no review forged, no signature
        before month end whatever the door, each head signs his part only."""
        log = (
            self.env[LOG]
            .with_user(self.collector)
            .create({"date_month": date(2026, 2, 1)})
        )
        with freeze_time("2026-03-01"):
            log.with_user(self.am_head).action_sign_asset_management()
        self.assertEqual(log.state, "signing")
        self.assertEqual(log.am_signed_by_id, self.am_head)
        reviews = log.review_ids
        risk_review = reviews.filtered(lambda r: r.lease_role == "risk_management")
        self.assertEqual(risk_review.status, "pending")
        # Before month end: refused through every door, not only the Sign button.
        with freeze_time("2026-02-15"):
            for method in ("action_approve", "validate_tier"):
                with self.assertRaises(UserError):
                    getattr(log.with_user(self.risk_head), method)()
        for user in (self.collector, self.am_head, self.risk_head):
            self.assertRpcRefused(
                user,
                REVIEW,
                "write",
                risk_review.ids,
                vals={"status": "approved", "done_by": self.risk_head.id},
            )
            self.assertRpcRefused(user, REVIEW, "unlink", reviews.ids)
            self.assertRpcRefused(
                user, LOG, "write", log.ids, vals={"risk_signed_by_id": user.id}
            )
            self.assertRpcRefused(user, LOG, "restart_validation", log.ids)
        # The head of asset management cannot sign risk management's part.
        self.assertRpcRefused(self.am_head, LOG, "action_approve", log.ids)
        self.assertEqual(risk_review.status, "pending")
        self.assertFalse(log.risk_signed_by_id)
        with freeze_time("2026-03-02"):
            log.with_user(self.risk_head).action_sign_risk_management()
        self.assertEqual(log.state, "signed")
        self.assertEqual(log.risk_signed_by_id, self.risk_head)
        self.assertEqual(reviews.mapped("done_by"), self.am_head | self.risk_head)
