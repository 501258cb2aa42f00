"""Audit trail (issue 8 "Integrity", item 5; SPEC A3).

Every change of a sensitive lease record is recorded by OCA ``auditlog`` with who, when,
the old and the new value, whatever the context the caller sends; the tier history of
collection cases, the audit logs and the messages of issued, signed or frozen records
cannot be deleted by the configuration manager, nor (tier history, messages) by an
administrator. The attacks are made over JSON-RPC with the users' own API keys.
"""

from datetime import date

from lease_document_common import LeaseDocumentMixin
from lease_rpc_common import LeaseRpcCase

from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import SQL

QUIET = {"tracking_disable": True, "mail_notrack": True, "mail_create_nolog": True}
SENSITIVE_MODELS = (
    "lease.contract",
    "lease.installment",
    "lease.collection.case",
    "lease.document",
    "lease.legal.case",
    "lease.disposal",
    "lease.payment.promise",
    "lease.vendor.objection",
    "lease.vendor.objection.line",  # the heads' stop/continue decisions (E10)
    "lease.vendor.advance",  # advances decide overdue status (C4)
    "lease.blacklist.entry",
    "lease.collection.log.monthly",
    "lease.overdue.weekly.report",
    "lease.escalation.rule",
    "lease.overdue.tier",
    "lease.amount.band",
    "lease.escalation.log",
    "lease.contract.amendment",
)


@tagged("post_install", "-at_install")
class TestAuditTrail(LeaseDocumentMixin, LeaseRpcCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users["lease_admin"] = new_test_user(
            cls.env,
            "t5_lease_admin",
            groups="lease_overdue.group_lease_manager",
            name="T5 configuration manager",
        )
        cls.admin = cls.env.ref("base.user_admin")

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _logs(self, record, method):
        return self.env["auditlog.log"].search(
            [
                ("model_id.model", "=", record._name),
                ("res_id", "=", record.id),
                ("method", "=", method),
            ]
        )

    def _line(self, logs, field_name):
        lines = logs.line_ids.filtered(lambda line: line.field_name == field_name)
        self.assertEqual(len(lines), 1, f"one audit line for {field_name}: {lines}")
        return lines

    def _set_state(self, record, state):
        """Put ``record`` in ``state`` directly in the database: how a document is
        issued, a log signed or a report generated (and who may do it) is proven by
        test_approvals, test_reports and test_security_integrity_rpc; here only the
        state of the record matters."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE %s SET state = %s WHERE id = %s",
                SQL.identifier(record._table),
                state,
                record.id,
            )
        )
        record.invalidate_recordset(["state"])
        self.assertEqual(record.state, state)

    def _issued_notice(self):
        """A rent collection notice prepared by the escalation job, with a collector's
        note in its chatter, then issued."""
        case = self._overdue_case(10)
        with self._on(10):
            notice = case._escalation_prepare_notice()
        self.assertEqual(notice.state, "draft")
        message = notice.with_user(self.users["collector"]).message_post(
            body="已电话通知承租人",
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        self.env["mail.tracking.value"].create(
            {
                "field_id": self.env["ir.model.fields"]
                ._get("lease.document", "body")
                .id,
                "mail_message_id": message.id,
                "old_value_char": "旧",
                "new_value_char": "新",
            }
        )
        self._set_state(notice, "issued")
        return notice, message.with_env(self.env)

    # ------------------------------------------------------------------
    # Who, when, old and new, whatever the context
    # ------------------------------------------------------------------
    def test_i8_5_rules_subscribed_for_sensitive_models(self):
        """Issue 8 item 5: one confirmed auditlog rule (full log of create, write and
        unlink) per sensitive lease model, and none on other models; the escalation
        ledger logs its changes and deletions, its rows being their own creation record
        (issue 10 item 2)."""
        rules = self.env["auditlog.rule"].search([])
        lease_rules = rules.filtered(lambda r: r.model_id.model.startswith("lease."))
        self.assertEqual(
            sorted(lease_rules.mapped("model_id.model")), sorted(SENSITIVE_MODELS)
        )
        for rule in lease_rules:
            self.assertEqual(rule.state, "confirmed", rule.name)
            self.assertEqual(rule.log_type, "full", rule.name)
            self.assertTrue(rule.log_write and rule.log_unlink, rule.name)
            # The escalation ledger's rows are the record of their own creation
            # (issue 10 item 2): only their changes and deletions are logged.
            self.assertEqual(
                rule.log_create,
                rule.model_id.model != "lease.escalation.log",
                rule.name,
            )
            self.assertFalse(rule.users_to_exclude_ids, rule.name)

    def test_i8_5_penalty_rate_change_traced_despite_context(self):
        """Issue 8 item 5 (the reported attack): an account manager sets penalty_rate=0
        on a contract with tracking_disable and mail_notrack in the context; the
        change is recorded all the same, with his name, the old and the new rate."""
        am = self.users["account_manager"]
        contract = self.env["lease.contract"].create(self._contract_vals())
        self.assertEqual(contract.state, "draft")
        before = self.env["auditlog.log"].search_count([])
        self.assertRpcOk(
            am,
            "lease.contract",
            "write",
            contract.ids,
            context=QUIET,
            vals={"penalty_rate": 0.0},
        )
        self.assertEqual(contract.penalty_rate, 0.0)
        logs = self._logs(contract, "write")
        self.assertEqual(len(logs), 1)
        self.assertEqual(logs.user_id, am)
        self.assertTrue(logs.create_date)
        self.assertTrue(logs.http_request_id, "the HTTP request is recorded too")
        line = self._line(logs, "penalty_rate")
        self.assertAlmostEqual(float(line.old_value), 0.0005)
        self.assertAlmostEqual(float(line.new_value), 0.0)
        self.assertGreater(self.env["auditlog.log"].search_count([]), before)

    def test_i8_5_tier_rule_create_and_delete_traced(self):
        """Issue 8 item 5: tiers and amount bands (the rules of the engine) are traced
        on creation, change and deletion by the configuration manager, with the
        values of the deleted record."""
        admin = self.users["lease_admin"]
        band_id = self.assertRpcOk(
            admin,
            "lease.amount.band",
            "create",
            context=QUIET,
            vals_list=[{"name": "审计测试档", "amount_min": 1e9}],
        )[0]
        band = self.env["lease.amount.band"].browse(band_id)
        created = self._logs(band, "create")
        self.assertEqual(created.user_id, admin)
        self.assertEqual(self._line(created, "name").new_value, "审计测试档")
        self.assertRpcOk(
            admin,
            "lease.amount.band",
            "write",
            band.ids,
            context=QUIET,
            vals={"amount_min": 2e9},
        )
        line = self._line(self._logs(band, "write"), "amount_min")
        self.assertEqual((float(line.old_value), float(line.new_value)), (1e9, 2e9))
        self.assertRpcOk(admin, "lease.amount.band", "unlink", band.ids, context=QUIET)
        deleted = self.env["auditlog.log"].search(
            [
                ("model_id.model", "=", "lease.amount.band"),
                ("res_id", "=", band_id),
                ("method", "=", "unlink"),
            ]
        )
        self.assertEqual(deleted.user_id, admin)
        self.assertAlmostEqual(float(self._line(deleted, "amount_min").old_value), 2e9)

    # ------------------------------------------------------------------
    # What nobody deletes
    # ------------------------------------------------------------------
    def test_i8_5_tier_history_is_permanent(self):
        """Issue 8 item 5, SPEC O7: the tier history of a case is neither deleted,
        changed nor forged by the configuration manager over RPC, and not deleted
        even in superuser mode."""
        case = self._overdue_case(20)
        history = case.tier_history_ids
        self.assertTrue(history)
        admin = self.users["lease_admin"]
        self.assertRpcRefused(admin, "lease.case.tier.history", "unlink", history.ids)
        self.assertRpcRefused(
            admin,
            "lease.case.tier.history",
            "write",
            history.ids,
            vals={"date": "2026-01-01"},
        )
        self.assertRpcRefused(
            admin,
            "lease.case.tier.history",
            "create",
            vals_list=[
                {"case_id": case.id, "tier_id": False, "date": "2026-03-01"},
            ],
        )
        with self.assertRaises(UserError):
            history.unlink()
        self.assertEqual(case.tier_history_ids, history)

    def test_i8_5_audit_logs_not_deleted_by_lease_users(self):
        """Issue 8 item 5: the configuration manager reads the audit trail but cannot
        delete or change a log, switch a rule off or vacuum the logs; an account
        manager cannot even read them."""
        contract = self.env["lease.contract"].create(self._contract_vals())
        contract.write({"penalty_rate": 0.0003})
        self.env.cr.flush()  # the logs of writes are created when the transaction commits
        logs = self._logs(contract, "create") | self._logs(contract, "write")
        self.assertEqual(len(logs), 2)
        admin = self.users["lease_admin"]
        read = self.assertRpcOk(
            admin, "auditlog.log", "read", logs.ids, fields=["method"]
        )
        self.assertEqual(len(read), 2)
        self.assertRpcRefused(admin, "auditlog.log", "unlink", logs.ids)
        self.assertRpcRefused(
            admin, "auditlog.log", "write", logs.ids, vals={"user_id": False}
        )
        self.assertRpcRefused(admin, "auditlog.log.line", "unlink", logs.line_ids.ids)
        self.assertRpcRefused(
            admin,
            "auditlog.log.line",
            "write",
            logs.line_ids.ids,
            vals={"new_value": "0.0005"},
        )
        rule = self.env.ref("lease_overdue.auditlog_rule_lease_contract")
        self.assertRpcRefused(admin, "auditlog.rule", "set_to_draft", rule.ids)
        self.assertRpcRefused(admin, "auditlog.rule", "unlink", rule.ids)
        self.assertRpcRefused(
            admin,
            "auditlog.rule",
            "write",
            rule.ids,
            vals={"users_to_exclude_ids": [(4, admin.id)]},
        )
        self.assertRpcRefused(admin, "auditlog.autovacuum", "autovacuum", days=0)
        self.assertRpcRefused(
            self.users["account_manager"], "auditlog.log", "read", logs.ids
        )
        self.assertEqual(logs.exists(), logs)
        self.assertEqual(rule.state, "confirmed")

    def test_i8_5_issued_document_messages_are_permanent(self):
        """Issue 8 item 5: the messages of an issued notice (and their tracked
        values) are neither deleted nor rewritten by the configuration manager or an
        administrator, over the ORM's RPC or the chatter's own route; a draft
        notice's message is still the author's to edit."""
        notice, message = self._issued_notice()
        messages = notice.message_ids
        self.assertIn(message, messages)
        for user in (self.users["lease_admin"], self.admin):
            self.assertRpcRefused(user, "mail.message", "unlink", message.ids)
            self.assertRpcRefused(
                user,
                "mail.message",
                "write",
                message.ids,
                vals={"body": "<p>forged</p>"},
            )
            self.assertRpcRefused(
                user,
                "mail.message",
                "write",
                message.ids,
                vals={"attachment_ids": [(6, 0, [])]},
            )
        self.assertRpcRefused(
            self.admin,
            "mail.message",
            "write",
            message.ids,
            vals={"res_id": self.env["lease.document"].search([], limit=1).id + 10**6},
        )
        trackings = message.tracking_value_ids
        self.assertTrue(trackings)
        self.assertRpcRefused(
            self.admin, "mail.tracking.value", "unlink", trackings.ids
        )
        self.assertRpcRefused(
            self.admin,
            "mail.tracking.value",
            "write",
            trackings.ids,
            vals={"old_value_char": "forged"},
        )
        # The chatter's "edit" and "delete" (an empty body) as the administrator.
        self.authenticate("admin", "admin")
        for body in ("forged", ""):
            with self.assertRaises(JsonRpcException) as refused:
                self.make_jsonrpc_request(
                    "/mail/message/update_content",
                    {
                        "message_id": message.id,
                        "update_data": {"body": body, "attachment_ids": []},
                    },
                )
            self.assertEqual(str(refused.exception), "odoo.exceptions.UserError")
        # Superuser mode is no way round either.
        with self.assertRaises(UserError):
            message.sudo().unlink()
        with self.assertRaises(UserError):
            message.sudo().write({"body": "<p>forged</p>"})
        self.env.invalidate_all()
        self.assertEqual(notice.message_ids, messages)
        self.assertIn("已电话通知承租人", str(message.body))

    def test_i8_5_guard_spares_open_records(self):
        """Issue 8 item 5, control: the guard holds issued records only; the message
        of a draft notice can still be edited and deleted by its author."""
        case = self._overdue_case(10)
        with self._on(10):
            notice = case._escalation_prepare_notice()
        collector = self.users["collector"]
        message = notice.with_user(collector).message_post(
            body="草稿备注", message_type="comment", subtype_xmlid="mail.mt_note"
        )
        self.assertRpcOk(
            collector, "mail.message", "write", message.ids, vals={"body": "<p>改</p>"}
        )
        self.assertIn("改", str(message.body))
        message.unlink()
        self.assertFalse(message.exists())

    def test_i8_5_signed_log_and_frozen_report_messages_are_permanent(self):
        """Issue 8 item 5: the messages of a signed monthly collection log and of a
        generated (frozen) weekly report cannot be deleted or rewritten, even in
        superuser mode."""
        log = self.env["lease.collection.log.monthly"].create(
            {"date_month": date(2031, 5, 1)}
        )
        report = self.env["lease.overdue.weekly.report"].create(
            {"date_week": date(2031, 5, 7)}
        )
        messages = self.env["mail.message"]
        for record in (log, report):
            messages |= record.message_post(body="备注", message_type="comment")
        self._set_state(log, "signed")
        self._set_state(report, "generated")
        for message in messages:
            with self.assertRaises(UserError):
                message.sudo().unlink()
            with self.assertRaises(UserError):
                message.sudo().write({"body": "<p>forged</p>"})
        self.assertEqual(messages.exists(), messages)
