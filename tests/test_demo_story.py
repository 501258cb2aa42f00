"""The demo tells the story (issue 11 item 7): on the installed demo (the test database
holds the demo data on its main company, built on the day of the install), every
situation the issue names exists in the state it names, reached through the real flows:
a promise kept and one broken, a vendor's buy-back objection, a deferral waiting for the
general manager, a lawsuit filed, a disposal with its profit and loss, a blacklisted
lessee, documents waiting for each approver, the collectors' contact records, last
month's signed collection log, eight weekly snapshots whose tier migration has a history,
a good payer whose new contract can be activated, and work for every role on login."""

from datetime import datetime, time
from itertools import pairwise

from dateutil.relativedelta import relativedelta
from lxml import etree

from odoo.fields import Domain
from odoo.tests import TransactionCase
from odoo.tools.safe_eval import safe_eval

from odoo.addons.lease_overdue.models.lease_contract_demo import DEMO_LOGINS as LOGINS

M = "lease_overdue."


class TestDemoStory(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.ref("base.main_company")
        cls.today = cls.company._lease_today()
        cls.users = {login: cls.env.ref(M + "demo_user_" + login) for login in LOGINS}

    def _search(self, model, domain):
        return self.env[model].search(
            Domain("company_id", "=", self.company.id) & Domain(domain)
        )

    # ------------------------------------------------------------------
    def test_promise_kept_and_broken(self):
        """Item 7 (SPEC E15): a collector recorded two promises two weeks ago; the
        lessee paid what he promised by the date (kept), another did not (broken, the
        case carries it); the daily check decided both, each with its contact record."""
        promises = self._search("lease.payment.promise", [])
        kept = promises.filtered(lambda p: p.state == "kept")
        broken = promises.filtered(lambda p: p.state == "broken")
        self.assertTrue(kept, "a promise kept")
        self.assertTrue(broken, "a promise broken")
        for promise in kept | broken:
            self.assertLess(promise.date_promised, promise.date_checked)
            self.assertLessEqual(promise.date_checked, self.today)
            self.assertIn(
                promise.user_id, self.users["collector"] | self.users["collector2"]
            )
            self.assertTrue(promise.record_ids, "the call in which it was made")
            if promise.user_id.lang == "zh_CN":
                self.assertIn("承诺还款", promise.name, "in the collector's language")
        self.assertTrue(broken.case_id.filtered("broken_promise_count"))

    def test_vendor_buyback_objection(self):
        """Item 7 (SPEC E10): the vendor of a buy-back contract objected in writing;
        legal stopped the litigation, the disposal plan waits for the head of asset
        management."""
        objection = self._search("lease.vendor.objection", [("state", "=", "active")])
        self.assertTrue(objection)
        objection = objection[:1]
        self.assertTrue(objection.case_id.contract_id.has_buyback_guarantee)
        self.assertTrue(objection.notice_attachment_ids)
        decisions = {line.scope: line.decision for line in objection.line_ids}
        self.assertEqual(decisions.get("litigation"), "stop")
        self.assertEqual(decisions.get("disposal_plan"), "pending")
        am_head = self.users["am_head"]
        self.assertTrue(
            self.env["lease.vendor.objection.line"]
            .with_user(am_head)
            .search([("decision", "=", "pending"), ("scope", "=", "disposal_plan")])
        )

    def test_deferral_waits_for_the_general_manager(self):
        """Item 7 (SPEC E11): business filed a disposal deferral with evidence, the
        review committee approved it, it waits for the general manager."""
        deferral = self._search(
            "lease.document",
            [("kind", "=", "deferral_request"), ("state", "=", "to_approve")],
        )
        self.assertTrue(deferral)
        deferral = deferral[:1]
        self.assertTrue(deferral.evidence_ids)
        decisions = {r.lease_role: r.status for r in deferral.review_ids}
        self.assertEqual(decisions.get("review_committee"), "approved")
        self.assertEqual(decisions.get("general_manager"), "pending")
        self.assertTrue(deferral.with_user(self.users["gm"]).can_approve)
        self.assertFalse(deferral.with_user(self.users["committee"]).can_approve)
        self.assertFalse(deferral.case_id.deferral_until, "not approved yet")

    def test_lawsuit_filed(self):
        """Item 7 (SPEC E9): legal filed the lawsuit after the lawyer's letter, signed by
        the head of legal & compliance, went out."""
        legal_case = self._search("lease.legal.case", [("state", "=", "filed")])
        self.assertTrue(legal_case)
        legal_case = legal_case[:1]
        self.assertEqual(legal_case.date_filed, self.today)
        self.assertTrue(legal_case.court)
        self.assertGreater(legal_case.claim_amount, 0)
        letters = legal_case.case_id.document_ids.filtered(
            lambda d: d.kind == "lawyer_letter" and d.state == "issued"
        )
        self.assertEqual(letters.signed_by_id, self.users["legal_head"])

    def test_disposal_with_profit_and_loss_and_blacklisted_lessee(self):
        """Item 7 (SPEC X1, E9, W3): an asset disposed of: proceeds and costs booked by
        finance, P&L = proceeds - costs - outstanding claim; the lessee blacklisted by
        the disposal's end; finance's P&L report approved by the finance head."""
        disposal = self._search("lease.disposal", [("state", "=", "done")])
        self.assertTrue(disposal)
        disposal = disposal[:1]
        self.assertGreater(disposal.amount_proceeds, 0)
        self.assertGreater(disposal.amount_costs, 0)
        self.assertAlmostEqual(
            disposal.amount_pnl,
            disposal.amount_proceeds - disposal.amount_costs - disposal.claim_amount,
            places=2,
        )
        self.assertNotEqual(disposal.amount_pnl, 0)
        self.assertEqual(disposal.approved_by_id, self.users["committee"])
        report = disposal.pnl_report_id
        self.assertEqual((report.kind, report.state), ("pnl_report", "to_approve"))
        self.assertAlmostEqual(report.amount_pnl, disposal.amount_pnl, places=2)
        entry = self.env["lease.blacklist.entry"].search(
            [("disposal_id", "=", disposal.id)]
        )
        self.assertEqual(entry.partner_id, disposal.partner_id.commercial_partner_id)
        self.assertEqual(entry.reason, "disposal")
        self.assertTrue(disposal.partner_id.lease_blacklisted)

    def test_documents_wait_for_each_approver(self):
        """Item 7: each approver finds what he signs waiting for him: the head of asset
        management a collection notice, the head of legal & compliance a lawyer's
        letter, the heads of asset management, risk management and business their
        consent to a pre-litigation letter, the review committee the disposal's profit
        and loss report, the general manager the deferral, the finance head a penalty
        reduction."""
        expected = {
            "am_head": {"collection_notice", "litigation_letter"},
            "legal_head": {"lawyer_letter"},
            "risk_head": {"litigation_letter"},
            "biz_head": {"litigation_letter"},
            "committee": {"pnl_report"},
            "gm": {"deferral_request"},
        }
        for login, kinds in expected.items():
            waiting = (
                self.env["lease.document"]
                .with_user(self.users[login])
                .search([("can_approve", "=", True)])
            )
            self.assertLessEqual(kinds, set(waiting.mapped("kind")), login)
        amendments = (
            self.env["lease.contract.amendment"]
            .with_user(self.users["finance_head"])
            .search([("can_approve", "=", True)])
        )
        self.assertEqual(amendments.mapped("kind"), ["penalty"])

    def test_contact_records_over_the_weeks(self):
        """Item 7 (SPEC F1): both collectors logged calls and visits on their cases over
        the last weeks, in Chinese."""
        start = self.company._lease_local_to_utc(self.today - relativedelta(weeks=8))
        records = self._search("lease.collection.record", [("date", ">=", start)])
        collectors = self.users["collector"] | self.users["collector2"]
        self.assertEqual(records.user_id & collectors, collectors)
        weeks = {record.date.isocalendar()[:2] for record in records}
        self.assertGreaterEqual(len(weeks), 5)
        self.assertGreaterEqual(len(records.mapped("channel")), 2)
        self.assertTrue(
            all("\u4e00" <= (r.result or " ")[0] <= "\u9fff" for r in records)
        )

    def test_last_month_log_signed(self):
        """Item 7 (SPEC F2): last month's collection log lists the month's contact
        records and is signed by the heads of asset management and risk management."""
        first = self.today.replace(day=1) - relativedelta(months=1)
        log = self._search("lease.collection.log.monthly", [("date_from", "=", first)])
        self.assertEqual(log.state, "signed")
        self.assertEqual(log.am_signed_by_id, self.users["am_head"])
        self.assertEqual(log.risk_signed_by_id, self.users["risk_head"])
        start = self.company._lease_local_to_utc(first)
        end = self.company._lease_local_to_utc(self.today.replace(day=1))
        month = self._search(
            "lease.collection.record", [("date", ">=", start), ("date", "<", end)]
        )
        self.assertTrue(month)
        self.assertEqual(log.record_ids, month)

    def test_eight_weekly_snapshots_with_migration(self):
        """Item 7 (SPEC W1): eight weekly reports, one per week up to this one, each
        generated from the portfolio as it stood that week and compared with the week
        before: the migration has a history (contracts moving between tiers)."""
        reports = self._search(
            "lease.overdue.weekly.report", [("state", "!=", "draft")]
        ).sorted("date_from")
        self.assertGreaterEqual(len(reports), 8)
        reports = reports[-8:]
        monday = self.today - relativedelta(days=self.today.weekday())
        self.assertEqual(
            reports.mapped("date_from"),
            [monday - relativedelta(weeks=n) for n in range(7, -1, -1)],
        )
        for previous, report in pairwise(reports):
            self.assertEqual(report.previous_report_id, previous)
            self.assertEqual(report.previous_contract_count, previous.contract_count)
            self.assertTrue(previous.date_snapshot <= report.date_snapshot)
        self.assertEqual(len(set(reports.mapped("date_snapshot"))), 8)
        moved = reports[1:].line_ids.filtered(
            lambda line: line.migration in ("up", "down", "cured")
        )
        self.assertTrue(moved, "the migration table is not empty")
        self.assertTrue(moved.filtered(lambda line: line.migration == "up"))
        # the snapshots differ: the portfolio moved over the weeks
        self.assertGreater(len(set(reports.mapped("total_overdue_amount"))), 1)

    def test_good_payer_new_contract_can_be_activated(self):
        """Item 7 (SPEC K2): the good payer has paid every rent on time; his new
        contract, a draft, is activated by his account manager."""
        lessee = self.env.ref(M + "demo_lessee_anda")
        self.assertFalse(lessee._lease_has_arrears())
        draft = self._search(
            "lease.contract", [("partner_id", "=", lessee.id), ("state", "=", "draft")]
        )
        self.assertEqual(len(draft), 1)
        others = self._search("lease.contract", [("state", "=", "active")])
        self.assertTrue(others.filtered(lambda c: c.tier_id), "late payers too")
        draft.with_user(draft.account_manager_id).action_activate()
        self.assertEqual(draft.state, "active")

    def _home_records(self, user):
        """What the user's home action lists when he logs in: its domain and the
        filters its context turns on, evaluated as him."""
        self.env.invalidate_all()  # lease.today.item rows are per user, same ids
        action = self.env["ir.actions.act_window"].browse(user.action_id.id)
        self.assertTrue(action.exists(), user.login)
        model = self.env[action.res_model].with_user(user)
        now = datetime.combine(self.today, time(9))
        values = {
            "uid": user.id,
            "context_today": lambda: now,
            "datetime": datetime,
            "relativedelta": relativedelta,
        }
        context = safe_eval(action.context or "{}", dict(values))
        domain = Domain(safe_eval(action.domain or "[]", dict(values)))
        arch = model.get_views([(action.search_view_id.id, "search")])["views"][
            "search"
        ]["arch"]
        for node in etree.fromstring(arch).iter("filter"):
            if context.get("search_default_" + (node.get("name") or "")):
                domain &= Domain(safe_eval(node.get("domain") or "[]", dict(values)))
        records = model.search(domain)
        if action.res_model == "lease.today.item":
            records = records.filtered("item_count")
        return records

    def test_every_role_finds_work_on_login(self):
        """Item 7: every demo role's home action, evaluated as him, lists at least one
        record (a count above zero on the heads' "what needs me today")."""
        for login, user in self.users.items():
            with self.subTest(login=login):
                self.assertTrue(self._home_records(user), f"{login} finds no work")
