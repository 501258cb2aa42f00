"""Nothing signed, approved, archived or decided can be forged over RPC (issue
"Integrity" items 1, 2 and 8; SPEC A2, A3, E3, E8-E11, F2, W1, W3).

Each attack is the one an auditor made over Odoo's JSON API with an employee's own login:
``write``/``create``/``copy``/``load``/``unlink`` of a state or evidence field, context
keys that used to unlock frozen records, the archived PDF's attachment. Each is refused;
the rightful user then succeeds through the transition.
"""

import base64
from datetime import date, timedelta

from freezegun import freeze_time
from lease_document_common import DUE, LeaseDocumentMixin
from lease_rpc_common import LeaseRpcCase

from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged


@tagged("post_install", "-at_install")
class TestIntegrityRpc(LeaseDocumentMixin, LeaseRpcCase):
    # ------------------------------------------------------------------
    # Fixtures
    # ------------------------------------------------------------------
    def _issued_notice(self):
        """A rent collection notice prepared by the job, submitted by the collector,
        signed by the head of asset management and issued, its PDF archived."""
        case = self._overdue_case(10)
        with self._on(10):
            notice = case._escalation_prepare_notice()
        collector, head = self.users["collector"], self.users["am_head"]
        self.assertRpcOk(collector, "lease.document", "action_submit", notice.ids)
        self.assertRpcOk(head, "lease.document", "action_approve", notice.ids)
        self.assertRpcOk(
            collector,
            "lease.document",
            "action_issue",
            notice.ids,
            context={"force_report_rendering": True},
        )
        self.assertEqual(notice.state, "issued")
        self.assertEqual(notice.signed_by_id, head)
        self.assertTrue(notice.attachment_id.lease_sealed)
        return notice

    # ------------------------------------------------------------------
    # Item 1: transitions are the only door
    # ------------------------------------------------------------------
    def test_a3_issued_notice_cannot_be_rewritten(self):
        """A3/E3: the issued, signed notice keeps its state, content and signature
        against write, create, copy, load and unlink, for the collector and the
        configuration manager alike."""
        notice = self._issued_notice()
        body, amount = notice.body, notice.amount_overdue
        for login in ("collector", "am_head", "lease_admin"):
            user = self.users[login]
            self.assertRpcRefused(
                user, "lease.document", "write", notice.ids, vals={"state": "draft"}
            )
            self.assertRpcRefused(
                user,
                "lease.document",
                "write",
                notice.ids,
                vals={"amount_overdue": 1.0, "body": "<p>forged</p>"},
            )
            self.assertRpcRefused(
                user,
                "lease.document",
                "write",
                notice.ids,
                vals={"signed_by_id": self.users["gm"].id},
            )
            self.assertRpcRefused(user, "lease.document", "unlink", notice.ids)
            self.assertRpcRefused(
                user, "lease.document", "action_reset_draft", notice.ids
            )
        collector = self.users["collector"]
        # A forged document born issued and signed, by create, copy or import.
        self.assertRpcRefused(
            collector,
            "lease.document",
            "create",
            vals_list=[
                {
                    "kind": "collection_notice",
                    "case_id": notice.case_id.id,
                    "state": "issued",
                    "signed_by_id": self.users["am_head"].id,
                }
            ],
        )
        self.assertRpcRefused(
            collector,
            "lease.document",
            "copy",
            notice.ids,
            default={"state": "issued"},
        )
        _status, result = self.rpc(
            collector,
            "lease.document",
            "load",
            fields=["kind", "case_id/.id", "state"],
            data=[["collection_notice", str(notice.case_id.id), "issued"]],
        )
        created = self.env["lease.document"].search(
            [("case_id", "=", notice.case_id.id), ("state", "=", "issued")]
        )
        self.assertEqual(
            created, notice, f"an import made an issued document: {result}"
        )
        # default_state in the context makes no issued draft either.
        copy_id = self.assertRpcOk(
            collector,
            "lease.document",
            "create",
            context={"default_state": "issued"},
            vals_list=[{"kind": "collection_notice", "case_id": notice.case_id.id}],
        )
        self.assertEqual(self.env["lease.document"].browse(copy_id).state, "draft")
        self.assertEqual(
            (notice.state, notice.body, notice.amount_overdue, notice.signed_by_id),
            ("issued", body, amount, self.users["am_head"]),
        )

    def test_a3_four_eyes_preparer_never_signs(self):
        """A3 four eyes: the head who prepared and submitted a notice cannot sign it;
        another head can; the company may switch the rule off."""
        case = self._overdue_case(10)
        head = self.users["am_head"]
        head2 = new_test_user(
            self.env, "t4_am_head2", groups="lease_overdue.group_asset_management_head"
        )
        doc_id = self.assertRpcOk(
            head,
            "lease.document",
            "create",
            vals_list=[{"kind": "collection_notice", "case_id": case.id}],
        )[0]
        doc = self.env["lease.document"].browse(doc_id)
        self.assertRpcOk(head, "lease.document", "action_submit", doc.ids)
        result = self.assertRpcRefused(
            head, "lease.document", "action_approve", doc.ids
        )
        self.assertIn("four-eyes", result["message"])
        self.assertFalse(doc.signed_by_id)
        self.assertRpcOk(head2, "lease.document", "action_approve", doc.ids)
        self.assertEqual((doc.state, doc.signed_by_id), ("approved", head2))
        # Switched off by the company: the preparer may sign.
        self.company.lease_four_eyes = False
        doc2 = self.env["lease.document"].browse(
            self.assertRpcOk(
                head,
                "lease.document",
                "create",
                vals_list=[{"kind": "collection_notice", "case_id": case.id}],
            )[0]
        )
        self.assertRpcOk(head, "lease.document", "action_submit", doc2.ids)
        self.assertRpcOk(head, "lease.document", "action_approve", doc2.ids)
        self.assertEqual(doc2.signed_by_id, head)
        # Nobody changes the company switch but the configuration manager.
        self.assertRpcRefused(
            head,
            "res.company",
            "write",
            self.company.ids,
            vals={"lease_four_eyes": True},
        )

    def test_e10_e11_o7_case_exceptions_not_writable(self):
        """E10/E11/O7: a collector cannot stop or close a case by writing its
        vendor-objection flag, its deferral date or its state; nobody deletes it."""
        case = self._overdue_case(20)
        collector = self.users["collector"]
        for vals in (
            {"vendor_objection": True},
            {"deferral_until": str(DUE + timedelta(days=90))},
            {"state": "closed", "close_reason": "paid"},
            {"tier_id": False},
            {"occurrence": 5},
        ):
            self.assertRpcRefused(
                collector, "lease.collection.case", "write", case.ids, vals=vals
            )
        for login in ("collector", "lease_admin"):
            self.assertRpcRefused(
                self.users[login], "lease.collection.case", "unlink", case.ids
            )
        self.assertRpcRefused(
            collector,
            "lease.collection.case",
            "create",
            vals_list=[{"contract_id": case.contract_id.id, "date_start": str(DUE)}],
        )
        self.assertEqual(
            (case.state, case.vendor_objection, case.deferral_until),
            ("open", False, False),
        )

    def test_e8_e9_legal_case_and_disposal_move_by_buttons_only(self):
        """E8/E9: legal staff cannot write a legal case to filed (court, claim and the
        lawyer's letter are checked by the button); a collector cannot write a
        disposal's state or the committee's and GM's decisions."""
        case = self._overdue_case(35)
        legal, collector = self.users["legal"], self.users["collector"]
        legal_id = self.assertRpcOk(
            legal, "lease.legal.case", "create", vals_list=[{"case_id": case.id}]
        )[0]
        legal_case = self.env["lease.legal.case"].browse(legal_id)
        self.assertRpcRefused(
            legal, "lease.legal.case", "write", legal_case.ids, vals={"state": "filed"}
        )
        self.assertRpcRefused(
            legal,
            "lease.legal.case",
            "create",
            vals_list=[{"case_id": case.id, "state": "filed"}],
        )
        self.assertRpcRefused(legal, "lease.legal.case", "action_file", legal_case.ids)
        self.assertEqual(legal_case.state, "preparation")

        disposal_id = self.assertRpcOk(
            collector, "lease.disposal", "create", vals_list=[{"case_id": case.id}]
        )[0]
        disposal = self.env["lease.disposal"].browse(disposal_id)
        for vals in (
            {"state": "approved"},
            {"approved_by_id": self.users["committee"].id},
            {"committee_decision_by_id": self.users["committee"].id},
            {"gm_decision_by_id": self.users["gm"].id, "state": "decided"},
            {"case_id": self._overdue_case(35).id},
        ):
            self.assertRpcRefused(
                collector, "lease.disposal", "write", disposal.ids, vals=vals
            )
        # The rightful path: asset management submits, the committee approves.
        self.assertRpcOk(
            collector,
            "lease.disposal",
            "write",
            disposal.ids,
            vals={"method": "sale", "plan": "<p>拍卖</p>"},
        )
        self.assertRpcOk(collector, "lease.disposal", "action_submit", disposal.ids)
        self.assertRpcRefused(
            collector, "lease.disposal", "action_approve_plan", disposal.ids
        )
        # Submitted: the plan is frozen.
        self.assertRpcRefused(
            collector,
            "lease.disposal",
            "write",
            disposal.ids,
            vals={"plan": "<p>forged</p>"},
        )
        self.assertRpcOk(
            self.users["committee"],
            "lease.disposal",
            "action_approve_plan",
            disposal.ids,
        )
        self.assertEqual(
            (disposal.state, disposal.approved_by_id),
            ("approved", self.users["committee"]),
        )

    def test_e15_promise_outcome_is_the_jobs(self):
        """E15: a collector cannot mark a promise kept (or broken)."""
        case = self._overdue_case(5)
        collector = self.users["collector"]
        with self._on(5):
            promise_id = self.assertRpcOk(
                collector,
                "lease.payment.promise",
                "create",
                vals_list=[
                    {
                        "case_id": case.id,
                        "date_promised": str(DUE + timedelta(days=8)),
                        "amount": 10000.0,
                    }
                ],
            )[0]
        for vals in ({"state": "kept"}, {"date_checked": str(DUE)}):
            self.assertRpcRefused(
                collector, "lease.payment.promise", "write", [promise_id], vals=vals
            )
        self.assertEqual(
            self.env["lease.payment.promise"].browse(promise_id).state, "open"
        )

    def test_w3_blacklist_lifted_by_risk_head_with_reason(self):
        """W3: nobody archives or deletes a blacklist entry; the head of risk
        management lifts it with a reason, and who and when stay on it."""
        partner = self._lessee()
        risk_officer, risk_head = self.users["risk_officer"], self.users["risk_head"]
        entry_id = self.assertRpcOk(
            risk_officer,
            "lease.blacklist.entry",
            "create",
            vals_list=[{"partner_id": partner.id, "reason": "malicious_default"}],
        )[0]
        entry = self.env["lease.blacklist.entry"].browse(entry_id)
        self.assertRpcRefused(
            risk_officer,
            "lease.blacklist.entry",
            "write",
            entry.ids,
            vals={"active": False},
        )
        self.assertRpcRefused(
            risk_officer, "lease.blacklist.entry", "action_archive", entry.ids
        )
        for login in ("risk_officer", "lease_admin"):
            self.assertRpcRefused(
                self.users[login], "lease.blacklist.entry", "unlink", entry.ids
            )
        self.assertRpcRefused(
            risk_officer, "lease.blacklist.entry", "action_lift", entry.ids
        )
        self.assertRpcRefused(
            risk_head, "lease.blacklist.entry", "action_lift", entry.ids
        )
        self.assertTrue(entry.active, "no reason given: still blacklisted")
        self.assertRpcOk(
            risk_head,
            "lease.blacklist.entry",
            "write",
            entry.ids,
            vals={"lift_reason": "法院撤销失信被执行人"},
        )
        self.assertRpcOk(risk_head, "lease.blacklist.entry", "action_lift", entry.ids)
        self.assertEqual(
            (entry.active, entry.lifted_by_id), (False, self.users["risk_head"])
        )

    # ------------------------------------------------------------------
    # Item 2: frozen means frozen (archives, logs, weekly reports)
    # ------------------------------------------------------------------
    def test_a3_archived_pdf_sealed_and_verified(self):
        """A3: the archived PDF's attachment cannot be rewritten or deleted by the
        collector, the configuration manager or the administrator; Verify shows it
        intact, and, once its stored bytes are swapped behind the application's back,
        shows it altered and the reprint refuses to hand out the altered file."""
        notice = self._issued_notice()
        attachment = notice.attachment_id
        original = attachment.raw
        admin = self.env.ref("base.user_admin")
        for user in (self.users["collector"], self.users["lease_admin"], admin):
            self.assertRpcRefused(
                user,
                "ir.attachment",
                "write",
                attachment.ids,
                vals={"datas": base64.b64encode(b"%PDF-1.4 forged").decode()},
            )
            self.assertRpcRefused(
                user, "ir.attachment", "write", attachment.ids, vals={"res_id": 0}
            )
            self.assertRpcRefused(user, "ir.attachment", "unlink", attachment.ids)
        self.assertRpcRefused(
            self.users["collector"],
            "ir.attachment",
            "create",
            vals_list=[
                {
                    "name": "fake.pdf",
                    "datas": base64.b64encode(b"%PDF-1.4 fake").decode(),
                    "lease_sealed": True,
                }
            ],
        )
        self.assertEqual(attachment.raw, original)

        self.assertRpcOk(
            self.users["collector"],
            "lease.document",
            "action_verify_archive",
            notice.ids,
        )
        self.assertIn("intact", notice.message_ids[0].body)
        # Swap the stored file behind the application's back (disk or SQL access).
        forged = self.env["ir.attachment"].create(
            {"name": "forged.pdf", "raw": b"%PDF-1.4 forged bytes"}
        )
        self.env.cr.execute(
            "UPDATE ir_attachment SET store_fname = %s, db_datas = %s WHERE id = %s",
            (forged.store_fname, forged.db_datas or None, attachment.id),
        )
        self.env.invalidate_all()
        result = self.assertRpcOk(
            self.users["am_head"], "lease.document", "action_verify_archive", notice.ids
        )
        self.assertEqual(result["params"]["type"], "danger")
        self.assertIn("ALTERED", notice.message_ids[0].body)
        with self.assertRaisesRegex(UserError, "altered"):
            self.env["ir.actions.report"].with_context(
                force_report_rendering=True
            )._render_qweb_pdf("lease_overdue.report_collection_notice", notice.ids)

    def test_f2_w1_context_keys_unlock_nothing(self):
        """F2/W1: the context keys that used to unlock a signed monthly log and a
        generated weekly report (lease_log_workflow, lease_archiving,
        lease_weekly_generating) unlock nothing over RPC."""
        collector, head = self.users["collector"], self.users["am_head"]
        log = (
            self.env["lease.collection.log.monthly"]
            .with_user(collector)
            .create({"date_month": date(2026, 2, 1)})
        )
        with freeze_time("2026-03-01"):
            log.with_user(head).action_sign_asset_management()
        keys = {
            "lease_log_workflow": True,
            "lease_archiving": True,
            "lease_weekly_generating": True,
        }
        for vals in (
            {"state": "draft"},
            {"am_signed_by_id": False},
            {"record_ids": [[5, 0, 0]]},
        ):
            self.assertRpcRefused(
                head,
                "lease.collection.log.monthly",
                "write",
                log.ids,
                context=keys,
                vals=vals,
            )
        self.assertRpcRefused(
            head, "lease.collection.log.monthly", "unlink", log.ids, context=keys
        )
        self.assertEqual((log.state, log.am_signed_by_id), ("signing", head))

        self._overdue_case(20)
        with self._on(20):
            report = self.env["lease.overdue.weekly.report"].create(
                {"date_week": DUE + timedelta(days=20)}
            )
            self.assertRpcRefused(
                head,
                "lease.overdue.weekly.report",
                "write",
                report.ids,
                context=keys,
                vals={"state": "generated", "contract_count": 99},
            )
            report.with_user(collector).action_generate()
        self.assertEqual(report.state, "generated")
        count, line = report.contract_count, report.line_ids[:1]
        self.assertTrue(line)
        self.assertRpcRefused(
            head,
            "lease.overdue.weekly.report",
            "write",
            report.ids,
            context=keys,
            vals={"contract_count": count + 1},
        )
        self.assertRpcRefused(
            head,
            "lease.overdue.weekly.report.line",
            "write",
            line.ids,
            context=keys,
            vals={"overdue_amount": 1.0},
        )
        self.assertRpcRefused(
            head,
            "lease.overdue.weekly.report.line",
            "create",
            context=keys,
            vals_list=[{"report_id": report.id, "migration": "new"}],
        )
        self.assertEqual(report.contract_count, count)

    def test_w2_collector_target_figures_not_typed(self):
        """W2: the collected amount and achievement of a collector's target come from
        the payments: the head sets the target, not the result."""
        head = self.users["am_head"]
        target_id = self.assertRpcOk(
            head,
            "lease.collector.target",
            "create",
            vals_list=[
                {
                    "collector_id": self.users["collector"].id,
                    "date_month": "2026-02-01",
                    "amount_target": 50000.0,
                }
            ],
        )[0]
        for vals in ({"amount_collected": 50000.0}, {"achievement_rate": 100.0}):
            self.assertRpcRefused(
                head,
                "lease.collector.target",
                "write",
                [target_id],
                context={"lease_target_refresh": True},
                vals=vals,
            )
        target = self.env["lease.collector.target"].browse(target_id)
        self.assertEqual(target.achievement_rate, 0.0)

    # ------------------------------------------------------------------
    # Found by the independent probe (issue "Integrity", done-when)
    # ------------------------------------------------------------------
    def test_a3_submitted_evidence_and_approval_messages_kept(self):
        """A3: once a document is submitted, its evidence files and the files of its
        chatter are sealed, and its approval messages cannot be deleted; nobody posts
        in another person's name."""
        case = self._overdue_case(10)
        collector, head = self.users["collector"], self.users["am_head"]
        with self._on(10):
            notice = case._escalation_prepare_notice()
        scan = self._attachment("回执.pdf")
        scan.write({"res_model": "lease.document", "res_id": notice.id})
        self.assertRpcOk(collector, "lease.document", "action_submit", notice.ids)
        self.assertTrue(scan.lease_sealed)
        self.assertRpcRefused(
            collector,
            "ir.attachment",
            "write",
            scan.ids,
            vals={"datas": base64.b64encode(b"%PDF-1.4 forged").decode()},
        )
        self.assertRpcRefused(collector, "ir.attachment", "unlink", scan.ids)
        self.assertRpcOk(head, "lease.document", "action_approve", notice.ids)
        self.assertEqual(notice.state, "approved")
        for message in notice.message_ids[:3]:
            self.assertRpcRefused(collector, "mail.message", "unlink", message.ids)
        # A message posted "as the head" is the collector's own.
        message_id = self.assertRpcOk(
            collector,
            "lease.document",
            "message_post",
            notice.ids,
            body="资产管理部负责人已批准",
            author_id=head.partner_id.id,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        message = self.env["mail.message"].browse(message_id)
        self.assertEqual(message.author_id, collector.partner_id)

    def test_e8_legal_case_reopens_where_it_was_closed(self):
        """E8/E9: typing filing, judgment and enforcement dates on a case in preparation,
        then closing and reopening it, brings it back to preparation: the stage moves by
        its buttons only."""
        case = self._overdue_case(35)
        legal = self.users["legal"]
        legal_id = self.assertRpcOk(
            legal, "lease.legal.case", "create", vals_list=[{"case_id": case.id}]
        )[0]
        self.assertRpcOk(
            legal,
            "lease.legal.case",
            "write",
            [legal_id],
            vals={
                "date_filed": "2026-11-01",
                "date_judgment": "2026-11-20",
                "date_enforcement": "2026-11-25",
            },
        )
        self.assertRpcOk(legal, "lease.legal.case", "action_close", [legal_id])
        self.assertRpcRefused(
            legal,
            "lease.legal.case",
            "write",
            [legal_id],
            vals={"closed_from_state": "enforcement"},
        )
        self.assertRpcOk(legal, "lease.legal.case", "action_reopen", [legal_id])
        self.assertEqual(
            self.env["lease.legal.case"].browse(legal_id).state, "preparation"
        )

    def test_c2_posted_rent_invoice_not_reset_to_draft(self):
        """C2 / item 3: finance corrects a posted rent invoice with a credit note; it
        cannot reset it to draft and rewrite it."""
        contract = self._contract()
        move = contract.installment_ids.filtered("move_id")[:1].move_id
        self.assertEqual(move.state, "posted")
        for login in ("finance", "finance_head"):
            self.assertRpcRefused(
                self.users[login], "account.move", "button_draft", move.ids
            )
        self.assertEqual(move.state, "posted")

    def test_o7_defer_key_from_a_user_defers_nothing(self):
        """O7 / item 1: ``lease_defer_overdue`` only serves the demo builder's batches
        (superuser mode); finance paying with it in the context still updates the
        installment and closes the case at once."""
        case = self._overdue_case(5, penalty_rate=0.0)
        installment = case.contract_id.installment_ids.filtered("move_id")[:1]
        finance = self.users["finance"]
        with self._on(5):
            wizard = (
                self.env["account.payment.register"]
                .with_user(finance)
                .with_context(
                    active_model="account.move",
                    active_ids=installment.move_id.ids,
                    lease_defer_overdue=True,
                )
                .create({"journal_id": self.bank_journal.id})
            )
            wizard._create_payments()
        self.assertEqual(installment.state, "paid")
        self.assertEqual(case.state, "closed")
