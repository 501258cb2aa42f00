"""Stored texts in the company's language, whoever runs the job (issue 11 item 3).

The jobs run as OdooBot, the cron user, whose language is English; the company's own
language (its contact's) is Chinese and ``res.company.lease_lang`` is left automatic.
Every text the jobs store (task summaries and notes, chatter lines, missing documents,
the closing reason, weekly report lines) must be Chinese, a task in its assignee's
language when he has one (SPEC E14 escalation tasks, D9 L191 collateral check, W1
weekly report).

The expected strings are the addon's own translations (``get_translation`` reads
lease_overdue's zh_CN.po; translated rule and tier names are loaded into the database):
every msgid used below is translated in the current zh_CN.po, so the tests assert real
Chinese today. The texts changed on branch h11-lang are listed in
/work/helpers/i18n_lang.po; none of these assertions depends on them.
"""

import re

from freezegun import freeze_time
from lease_escalation_common import EscalationCase

from odoo.tests import new_test_user
from odoo.tools.translate import get_translation

CJK = re.compile(r"[\u4e00-\u9fff]")


def zh(source, **kwargs):
    """``source`` as lease_overdue's zh_CN.po translates it."""
    return get_translation("lease_overdue", "zh_CN", source, kwargs)


class TestStoredLanguage(EscalationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["res.lang"]._activate_lang("en_US")  # the cron user's and a reader's
        cls.env["ir.module.module"]._load_module_terms(
            ["lease_overdue"], ["zh_CN"], overwrite=True
        )
        # The company's own language is Chinese (its contact's); no forced setting,
        # so a task is in its assignee's language.
        cls.company.lease_lang = False
        cls.company.partner_id.lang = "zh_CN"
        # The cron user (OdooBot) speaks English, as on a fresh database.
        cls.cron_user = cls.env.ref("base.user_root")
        cls.cron_user.lang = "en_US"
        cls.cron_env = cls.env(user=cls.cron_user, context={"lang": "en_US"})
        # Staff without a language of their own read the company's; one English reader.
        (cls.collector | cls.risk_officer | cls.team_lead | cls.account_manager).write(
            {"lang": False}
        )
        cls.english_reader = new_test_user(
            cls.env,
            "t_collector_en",
            groups="lease_overdue.group_asset_management",
            lang="en_US",
        )
        cls.guarantor = cls.env["res.partner"].create({"name": "王建国"})
        cls.contract = cls._contract(
            cls._lessee("语言测试承租人"), guarantor_ids=[(4, cls.guarantor.id)]
        )
        cls.english_contract = cls._contract(
            cls._lessee("英文催收员的承租人"), collector_id=cls.english_reader.id
        )

    def _job_day(self, offset):
        """One day of the nightly jobs, run as the English-speaking cron user."""
        day = self.offset(offset)
        with freeze_time(day):
            (self.contract | self.english_contract).action_invoice_due()
            self.cron_env["lease.overdue.engine"]._run()
            self.cron_env["lease.escalation.rule"]._run_escalation(schedule="daily")
        return self.contract.current_case_id

    def test_lease_lang_rule(self):
        """Issue 11 item 3: the setting when set, else the recipient's language, else
        the company contact's, else Chinese when installed; never the job user's."""
        company = self.company.with_env(self.cron_env)
        self.assertEqual(company._lease_lang(), "zh_CN", "the company contact's")
        self.assertEqual(company._lease_lang(self.english_reader), "en_US")
        self.assertEqual(company._lease_lang(self.collector), "zh_CN")
        self.assertEqual(company._lease_env().lang, "zh_CN")
        self.assertEqual(company._lease_env(self.english_reader).lang, "en_US")
        self.company.lease_lang = "zh_CN"
        self.assertEqual(
            company._lease_lang(self.english_reader), "zh_CN", "the setting rules"
        )
        self.company.lease_lang = "en_US"
        self.assertEqual(company._lease_lang(self.collector), "en_US")
        self.company.lease_lang = False
        self.company.partner_id.lang = False
        self.assertEqual(company._lease_lang(), "zh_CN", "Chinese, installed")

    def test_job_tasks_in_company_or_assignee_language(self):
        """Issue 11 item 3, SPEC E14: the escalation job, run by an English-speaking
        cron user, writes each task's summary and note in its assignee's language,
        else the company's (Chinese)."""
        case = self._job_day(1)
        english_case = self.english_contract.current_case_id
        tasks = (
            self._tasks(case)
            | self._tasks(self.contract)
            | self._tasks(english_case)
            | self._tasks(self.english_contract)
        )
        self.assertTrue(tasks)
        chinese = tasks.filtered(lambda t: not t.user_id.lang)
        self.assertTrue(chinese, "some tasks go to staff without a language")
        english = tasks.filtered(lambda t: t.user_id == self.english_reader)
        self.assertTrue(english, "a task goes to the English reader")
        self.assertNotRegex(english[0].summary, CJK)
        for task in tasks:
            rule = task.lease_escalation_rule_id
            lang = "en_US" if task.user_id == self.english_reader else "zh_CN"
            rule_in = rule.with_context(lang=lang)
            self.assertEqual(task.summary, rule_in.activity_summary or rule_in.name)
            self.assertIn(rule_in.name, str(task.note))
        for task in chinese:
            self.assertRegex(task.summary, CJK)
            english = task.lease_escalation_rule_id.with_context(lang="en_US")
            self.assertNotEqual(task.summary, english.activity_summary or english.name)

    def test_steps_and_chatter_in_company_language(self):
        """Issue 11 item 3, D9 L191 (SPEC E9): a step run by the English cron user
        stores the missing documents ("Guarantee contract of 王建国: missing"), the
        legal task and the creation notes of what it creates in Chinese."""
        case = self._job_day(1)
        cases = case.with_env(self.cron_env)
        with freeze_time(self.offset(1)):
            activities = cases._escalation_check_documents()
            documents = cases._escalation_new_documents("collection_notice")
        missing = zh("Guarantee contract of %(guarantor)s: missing", guarantor="王建国")
        self.assertIn(missing, case.missing_documents.split("\n"))
        self.assertRegex(missing, CJK)
        self.assertEqual(
            activities.summary,
            zh("Complete the collateral and guarantee files"),
        )
        self.assertIn(missing, str(activities.note))
        self.assertTrue(documents)
        creation = documents.message_ids.filtered(
            lambda m: m.message_type == "notification"
        )[:1]
        expected = documents.with_context(lang="zh_CN")._creation_message()
        self.assertEqual(
            str(creation.body).replace("<p>", "").replace("</p>", ""), str(expected)
        )
        self.assertNotEqual(
            expected, documents.with_context(lang="en_US")._creation_message()
        )

    def test_paid_in_full_notes_in_company_language(self):
        """Issue 11 item 3, SPEC E14: the rent invoices' labels, and when the job
        closes a paid case, its closing reason, the chatter line listing the closed
        tasks and the ledger's reason are Chinese."""
        case = self._job_day(1)
        self.assertTrue(self._tasks(case))
        invoices = self.contract.installment_ids.move_id.filtered(
            lambda m: m.state == "posted" and m.amount_residual
        )
        # the invoicing job's labels are Chinese too
        line = self.contract.installment_ids.sorted("sequence")[0]
        rent = zh(
            "Rent %(contract)s installment %(n)s/%(total)s",
            contract=self.contract.name,
            n=1,
            total=self.contract.term_count,
        )
        self.assertIn(
            zh("%(rent)s - principal", rent=rent),
            line.move_id.invoice_line_ids.mapped("name"),
        )
        with freeze_time(self.offset(2)):
            for move in invoices:
                self._pay(move, move.amount_residual, self.offset(2))
        self._job_day(2)
        self.assertEqual(case.state, "closed")
        self.assertEqual(case.close_reason, zh("Paid in full"))
        self.assertRegex(case.close_reason, CJK)
        closed_line = zh(
            "Paid in full on %(date)s: these collection tasks are closed.",
            date=self.offset(2),
        )
        self.assertTrue(
            case.message_ids.filtered(lambda m: closed_line in str(m.body)),
            "the chatter line of the closed tasks is Chinese",
        )
        logs = self.Log.search([("case_id", "=", case.id), ("state", "=", "closed")])
        self.assertTrue(logs)
        self.assertEqual(
            set(logs.mapped("cancel_reason")),
            {zh("Case closed: paid in full on %(date)s.", date=self.offset(2))},
        )

    def test_weekly_report_lines_in_company_language(self):
        """Issue 11 item 3, SPEC W1: the weekly report generated by the English cron
        user stores its tier names in Chinese."""
        self._job_day(1)
        with freeze_time(self.offset(6)):
            report = self.cron_env["lease.overdue.weekly.report"].create(
                {"date_week": self.offset(6)}
            )
            report.action_generate()
        summary = self.env["lease.overdue.weekly.report.tier"].search(
            [("report_id", "=", report.id), ("tier_id", "!=", False)]
        )
        self.assertTrue(summary)
        for line in summary:
            chinese = line.tier_id.with_context(lang="zh_CN").name
            self.assertEqual(line.tier_name, chinese)
            self.assertRegex(line.tier_name, CJK)
            self.assertNotEqual(
                line.tier_name, line.tier_id.with_context(lang="en_US").name
            )
