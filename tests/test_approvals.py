"""Sign-offs and approvals of the collection documents (SPEC A2, A3, E3, E5, E7, E10, E11)."""

from datetime import timedelta

from lease_document_common import DUE, LeaseDocumentCase

from odoo.exceptions import AccessError, UserError, ValidationError

# Staff and heads of other departments are refused with an AccessError (a UserError).
REFUSED = AccessError


class TestApprovals(LeaseDocumentCase):
    def _as(self, role, records):
        return records.with_user(self.users[role])

    def _refused_to(self, roles, doc, method="action_approve"):
        """Each of ``roles`` is refused the decision; nothing is recorded."""
        users = self.env["res.users"].union(*(self.users[role] for role in roles))
        for role in roles:
            with self.assertRaises(REFUSED, msg=f"{role} must be refused"):
                getattr(self._as(role, doc), method)(comment="ok")
        self.assertFalse(doc.review_ids.filtered(lambda review: review.done_by & users))

    def test_e3_a2_notice_signed_by_asset_management_head_only(self):
        """E3/A2/A3: the rent collection notice (day 8-15) is signed by the head of asset
        management only: staff and heads of other departments are refused; it cannot go
        out unsigned; who signed and issued it, and when, are recorded."""
        case = self._overdue_case(10)
        with self._on(10):
            notice = case._escalation_prepare_notice()
            self.assertEqual(len(notice), 1)
            self.assertFalse(case._escalation_prepare_notice(), "E14: no second notice")
        self.assertEqual(notice.kind, "collection_notice")
        self.assertEqual(notice.department, "asset_management")
        self.assertEqual((notice.days_overdue, notice.amount_overdue), (10, 10000.0))
        self.assertEqual(notice.recipient_id, case.partner_id)
        self.assertEqual(notice.date_deadline, DUE + timedelta(days=17))

        collector = self._as("collector", notice)
        with self.assertRaises(UserError):
            collector.action_issue()  # not even submitted
        collector.action_submit()
        self.assertEqual(notice.state, "to_approve")
        self.assertEqual(notice.submitted_by_id, self.users["collector"])
        for role in (
            "collector",
            "risk_head",
            "legal_head",
            "biz_head",
            "finance_head",
            "committee",
            "gm",
            "risk_officer",
        ):
            with self.assertRaises(REFUSED, msg=f"{role} must not sign the notice"):
                self._as(role, notice).action_approve()
        self.assertEqual(notice.review_ids.mapped("lease_decision"), ["pending"])
        with self.assertRaises(UserError):
            collector.action_issue()  # E3: not signed yet
        self.assertTrue(self._as("am_head", notice).can_approve)
        self.assertFalse(self._as("risk_head", notice).can_approve)
        self.assertIn(
            notice,
            self.env["lease.document"]
            .with_user(self.users["am_head"])
            .search([("can_approve", "=", True)]),
        )
        self.assertNotIn(
            notice,
            self.env["lease.document"]
            .with_user(self.users["risk_head"])
            .search([("can_approve", "=", True)]),
        )

        self._as("am_head", notice).action_approve()
        review = notice.review_ids
        self.assertEqual(
            (review.lease_decision, review.done_by), ("approve", self.users["am_head"])
        )
        self.assertTrue(review.reviewed_date)
        self.assertEqual(notice.state, "approved")
        self.assertEqual(notice.signed_by_id, self.users["am_head"])
        self.assertTrue(notice.date_signed)
        self.assertTrue(
            notice.message_ids.filtered(
                lambda m: (
                    "Approved for Asset Management by T4 am_head" in (m.body or "")
                    and m.author_id == self.users["am_head"].partner_id
                )
            )
        )
        with self.assertRaises(REFUSED):
            self._as("legal", notice).action_issue()  # not legal's letter
        collector.action_issue()
        self.assertEqual(notice.state, "issued")
        self.assertEqual(notice.issued_by_id, self.users["collector"])
        self.assertTrue(notice.date_issued)

    def test_a3_signed_notice_cannot_change(self):
        """A3: once submitted the content is frozen; once signed nobody changes it, and no
        document becomes approved or issued without its approvals."""
        case = self._overdue_case(9)
        with self._on(9):
            notice = case._escalation_prepare_notice()
        self._as("collector", notice).write({"summary": "Please pay within 7 days."})
        self._as("collector", notice).action_submit()
        with self.assertRaises(UserError):
            self._as("collector", notice).write({"summary": "changed while approving"})
        self._as("am_head", notice).action_approve()
        for role in ("collector", "am_head"):
            with self.assertRaises(UserError):
                self._as(role, notice).write({"amount_overdue": 1.0})
        with self.assertRaises(UserError):
            notice.write({"body": "<p>rewritten</p>"})  # not even the superuser
        self.assertEqual(notice.summary, "Please pay within 7 days.")
        self.assertEqual(notice.amount_overdue, 10000.0)
        with self.assertRaises(UserError):
            self._as("collector", notice).write({"date_deadline": DUE})
        # A second notice cannot be forced to "approved" or "issued" without its signature.
        other = self.env["lease.document"].create(
            {"kind": "collection_notice", "case_id": case.id}
        )
        with self.assertRaises(ValidationError):
            other.write({"state": "approved"})
        with self.assertRaises(ValidationError):
            other.write({"state": "issued"})

    def test_refusal_needs_a_reason_and_keeps_history(self):
        """A3: a refusal records who, when and why; a new round keeps the earlier one."""
        case = self._overdue_case(12)
        with self._on(12):
            notice = case._escalation_prepare_notice()
        self._as("collector", notice).action_submit()
        with self.assertRaises(UserError):
            self._as("am_head", notice).action_refuse()
        self._as("am_head", notice).write({"decision_comment": "Wrong deadline"})
        self._as("am_head", notice).action_refuse()
        self.assertEqual(notice.state, "refused")
        self.assertEqual(notice.review_ids.comment, "Wrong deadline")
        self.assertFalse(notice.decision_comment)
        self._as("collector", notice).action_reset_draft()
        self.assertEqual(notice.state, "draft")
        self.assertFalse(notice.review_ids, "a new round opens at the next submission")
        self.assertEqual(notice.approval_history_ids.lease_decision, "refuse")
        self.assertEqual(notice.approval_history_ids.done_by, self.users["am_head"])
        self._as("collector", notice).write({"date_deadline": DUE + timedelta(days=30)})
        self._as("collector", notice).action_submit()
        self._as("am_head", notice).action_approve()
        self.assertEqual(notice.state, "approved")

    def test_e5_inspection_report_countersigned(self):
        """E5: the asset inspection report is countersigned by the departments concerned
        (asset management, risk management, business), each by its head."""
        case = self._overdue_case(18)
        with self._on(18):
            report = case._escalation_prepare_inspection_report()
            self.assertFalse(case._escalation_prepare_inspection_report())
        self.assertEqual(report.inspection_id.kind, "overdue")
        self.assertEqual(report.inspection_id.contract_id, case.contract_id)
        self._as("collector", report).action_submit()
        self.assertEqual(
            set(report.review_ids.mapped("lease_role")),
            {"asset_management", "risk_management", "business"},
        )
        self._refused_to(
            ("legal_head", "finance_head", "account_manager", "risk_officer"), report
        )
        self._as("risk_head", report).action_approve()
        self._as("biz_head", report).action_approve()
        self.assertEqual(report.state, "to_approve")
        self.assertEqual(report.waiting_for, "Asset Management")
        with self.assertRaises(REFUSED):
            self._as("risk_head", report).action_approve()  # risk already countersigned
        self._as("am_head", report).action_approve()
        self.assertEqual(report.state, "approved")
        self.assertEqual(
            report.review_ids.mapped("done_by"),
            self.users["am_head"] | self.users["risk_head"] | self.users["biz_head"],
        )

    def test_e5_c7_assessment_with_statements_and_risk_opinion(self):
        """E5/C7: business assesses the repayment capacity, with monthly financial
        statements for a large amount; then risk management gives its written opinion."""
        self.company.lease_large_amount = 100000.0
        case = self._overdue_case(20)
        self.assertTrue(case.contract_id.is_large_amount)
        with self._on(20):
            assessment = case._escalation_request_assessment()
            self.assertFalse(case._escalation_request_assessment())
        self.assertEqual(assessment.department, "business")
        with self.assertRaises(REFUSED):
            self._as("collector", assessment).action_submit()  # not asset management's
        with self.assertRaisesRegex(UserError, "financial statements"):
            self._as("account_manager", assessment).action_submit()
        self._as("account_manager", assessment).write(
            {
                "summary": "Orders down 30%, two customers paying late.",
                "financial_statement_ids": [
                    (
                        4,
                        self._attachment(
                            "2026-01.xlsx", self.users["account_manager"]
                        ).id,
                    )
                ],
            }
        )
        self._as("account_manager", assessment).action_submit()
        with self.assertRaises(UserError):
            self._as("risk_head", assessment).action_approve(comment="too early")
        self._refused_to(("account_manager", "am_head", "legal_head"), assessment)
        self._as("biz_head", assessment).action_approve()
        self.assertEqual(assessment.signed_by_id, self.users["biz_head"])
        with self.assertRaises(REFUSED):
            self._as("risk_officer", assessment).action_approve(comment="staff")
        with self.assertRaisesRegex(UserError, "opinion"):
            self._as("risk_head", assessment).action_approve()
        self._as("risk_head", assessment).action_approve(
            comment="Capacity weak: prepare the disposal plan."
        )
        self.assertEqual(assessment.state, "approved")
        self.assertEqual(
            assessment.opinion, "Capacity weak: prepare the disposal plan."
        )
        with self.assertRaises(UserError):
            self._as("risk_head", assessment).write({"opinion": "changed"})

    def test_e7_litigation_letter_needs_consent(self):
        """E7: at day 30 the departments concerned consent, then legal signs the
        pre-litigation letter; before day 30 it is flagged as early."""
        case = self._overdue_case(30)
        with self._on(30):
            letter = case._escalation_prepare_litigation_letter()
            self.assertFalse(case._escalation_prepare_litigation_letter())
        self.assertFalse(letter.is_early_litigation)
        legal = self._as("legal", letter)
        with self.assertRaisesRegex(UserError, "lawyer"):
            legal.action_submit()
        legal.write({"lawyer_name": "王律师", "law_firm": "某某律师事务所"})
        legal.action_submit()
        with self.assertRaises(UserError):
            self._as("legal_head", letter).action_approve()  # consents come first
        self._refused_to(("legal", "finance_head", "collector"), letter)
        for role in ("am_head", "risk_head", "biz_head"):
            self._as(role, letter).action_approve()
        self.assertEqual(letter.waiting_for, "Legal & Compliance")
        self._as("legal_head", letter).action_approve()
        self.assertEqual(letter.state, "approved")
        self.assertEqual(letter.signed_by_id, self.users["legal_head"])
        legal.action_issue()
        self.assertEqual(letter.state, "issued")

        early_case = self._overdue_case(20)
        early = (
            self.env["lease.document"]
            .with_user(self.users["legal"])
            .create(
                {
                    "kind": "litigation_letter",
                    "case_id": early_case.id,
                }
            )
        )
        self.assertTrue(early.is_early_litigation)
        self.assertEqual(early.days_overdue, 20)

    def test_e11_deferral_committee_then_general_manager(self):
        """E11: business files a disposal deferral with evidence; the review committee
        then the general manager approve; the approval pauses disposal until the end
        date, after which escalation resumes."""
        case = self._overdue_case(50)
        end = DUE + timedelta(days=80)
        with self.assertRaises(AccessError):
            self.env["lease.document"].with_user(self.users["collector"]).create(
                {"kind": "deferral_request", "case_id": case.id}
            )
        with self._on(50):
            request = (
                self.env["lease.document"]
                .with_user(self.users["account_manager"])
                .create(
                    {
                        "kind": "deferral_request",
                        "case_id": case.id,
                        "date_deferral_end": end,
                        "summary": "A new customer order is signed; payment expected next month.",
                    }
                )
            )
            with self.assertRaisesRegex(UserError, "evidence"):
                request.action_submit()
            request.evidence_ids = [
                (4, self._attachment("order.pdf", self.users["account_manager"]).id)
            ]
            request.action_submit()
            self.assertEqual(
                request.review_ids.mapped("lease_role"),
                ["review_committee", "general_manager"],
            )
            with self.assertRaises(UserError):
                self._as("gm", request).action_approve()  # committee first
            self._refused_to(
                ("biz_head", "am_head", "risk_head", "account_manager"), request
            )
            self._as("committee", request).action_approve()
            self.assertEqual(request.state, "to_approve")
            self.assertFalse(case.deferral_until)
            self._as("gm", request).action_approve()
        self.assertEqual(request.state, "approved")
        self.assertEqual(request.signed_by_id, self.users["gm"])
        committee_review, gm_review = request.review_ids.sorted("sequence")
        self.assertLessEqual(committee_review.reviewed_date, gm_review.reviewed_date)
        self.assertEqual(case.deferral_until, end)
        with self._on(60):
            self.assertFalse(
                case._escalation_execute_disposal(), "disposal is deferred"
            )
            self.assertFalse(case.disposal_ids)
        with self._on(81):
            disposals = case._escalation_execute_disposal()
        self.assertEqual(len(disposals), 1, "after the end date escalation resumes")

    def test_e10_vendor_objection_needs_buyback_guarantee(self):
        """E10: a vendor's written objection is recorded only under a buy-back guarantee;
        it keeps the notice; the tier 3 and tier 4 actions the responsible heads decided
        to stop stay stopped until it is withdrawn."""
        plain = self._overdue_case(35)
        objections = self.env["lease.vendor.objection"].with_user(
            self.users["collector"]
        )
        scopes = [
            (0, 0, {"scope": scope})
            for scope in (
                "litigation",
                "guarantor_notice",
                "documents_check",
                "disposal_plan",
                "disposal",
            )
        ]
        with self.assertRaises(ValidationError):
            objections.create(
                {
                    "case_id": plain.id,
                    "notice_attachment_ids": [
                        (4, self._attachment(user=self.users["collector"]).id)
                    ],
                    "line_ids": scopes,
                }
            )
        case = self._overdue_case(
            35, has_buyback_guarantee=True, guarantor_ids=self._guarantors()
        )
        with self.assertRaises(ValidationError):
            # the written notice is required
            objections.create({"case_id": case.id, "line_ids": scopes})
        notice = self._attachment("vendor-objection.pdf", self.users["collector"])
        objection = objections.create(
            {
                "case_id": case.id,
                "notice_attachment_ids": [(4, notice.id)],
                "line_ids": scopes,
            }
        )
        self.assertTrue(case.vendor_objection)
        self.assertEqual(objection.vendor_id, self.vendor)
        with self.assertRaises(UserError):
            objection.write({"notice_attachment_ids": [(5, 0, 0)]})
        for line in objection.line_ids:
            head = "am_head" if line.scope.startswith("disposal") else "legal_head"
            line.with_user(self.users[head]).action_decide_stop()
        with self._on(50):
            self.assertFalse(case._escalation_start_legal())
            self.assertFalse(case._escalation_notify_guarantors())
            self.assertFalse(case._escalation_check_documents())
            self.assertFalse(case._escalation_draft_disposal_plan())
            self.assertFalse(case._escalation_file_lawsuit())
            self.assertFalse(case._escalation_execute_disposal())
            # tier 1 and 2 steps go on
            self.assertTrue(case._escalation_prepare_notice())
        with self.assertRaises(UserError):
            case.with_user(self.users["committee"]).action_send_to_disposal()
        objection.action_withdraw()
        self.assertFalse(case.vendor_objection)
        self.assertEqual(objection.notice_attachment_ids, notice)
        with self._on(50):
            self.assertEqual(len(case._escalation_start_legal()), 1)
            self.assertEqual(len(case._escalation_notify_guarantors()), 2)


class TestDepartmentVisibility(LeaseDocumentCase):
    def test_a2_account_manager_sees_only_his_contracts(self):
        """A2: an account manager sees his customers' contracts and papers, not another's."""
        case = self._overdue_case(20)
        with self._on(20):
            assessment = case._escalation_request_assessment()
        contracts = self.env["lease.contract"]
        mine = contracts.with_user(self.users["account_manager"]).search(
            [("id", "=", case.contract_id.id)]
        )
        self.assertEqual(mine, case.contract_id)
        self.assertFalse(
            contracts.with_user(self.users["account_manager2"]).search(
                [("id", "=", case.contract_id.id)]
            )
        )
        documents = self.env["lease.document"]
        self.assertEqual(
            documents.with_user(self.users["account_manager"]).search(
                [("id", "=", assessment.id)]
            ),
            assessment,
        )
        self.assertFalse(
            documents.with_user(self.users["account_manager2"]).search(
                [("id", "=", assessment.id)]
            )
        )
        with self.assertRaises(AccessError):
            assessment.with_user(self.users["account_manager2"]).read(["summary"])
        self.assertEqual(
            documents.with_user(self.users["biz_head"]).search(
                [("id", "=", assessment.id)]
            ),
            assessment,
        )

    def test_a2_legal_staff_see_only_cases_handed_to_legal(self):
        """A2: legal staff see the collection cases handed to legal, and among the legal
        cases theirs and the unassigned ones; the head of legal sees all."""
        early = self._overdue_case(20)
        case = self._overdue_case(35)
        cases = self.env["lease.collection.case"]
        legal_cases = self.env["lease.legal.case"]
        both = [("id", "in", (early | case).ids)]
        self.assertFalse(cases.with_user(self.users["legal"]).search(both))
        with self._on(35):
            legal_case = case._escalation_start_legal()
        self.assertEqual(legal_case.state, "preparation")
        for role in ("legal", "legal2"):
            self.assertEqual(cases.with_user(self.users[role]).search(both), case)
            self.assertEqual(
                legal_cases.with_user(self.users[role]).search(
                    [("case_id", "in", (early | case).ids)]
                ),
                legal_case,
            )
        legal_case.with_user(self.users["legal_head"]).user_id = self.users["legal2"]
        self.assertFalse(cases.with_user(self.users["legal"]).search(both))
        self.assertFalse(
            legal_cases.with_user(self.users["legal"]).search(
                [("id", "=", legal_case.id)]
            )
        )
        self.assertEqual(
            legal_cases.with_user(self.users["legal2"]).search(
                [("id", "=", legal_case.id)]
            ),
            legal_case,
        )
        self.assertEqual(
            cases.with_user(self.users["legal_head"]).search(both), early | case
        )
        # the collector sees the legal case of his contract, not another collector's
        self.assertEqual(
            legal_cases.with_user(self.users["collector"]).search(
                [("id", "=", legal_case.id)]
            ),
            legal_case,
        )
