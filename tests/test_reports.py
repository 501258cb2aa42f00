"""Reports, files and KPIs: weekly overdue rent report (W1), KPIs (W2), monthly
collection log (F2), overdue customer file (F3) and the printed documents (E3-E11)."""

import hashlib
import io
import os
import subprocess
import tempfile
from datetime import date, datetime

import openpyxl
from freezegun import freeze_time
from lease_test_common import LeaseTestCase

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user

G = "lease_overdue.group_"


def pdf_text(content):
    """Text of a PDF (pdftotext from poppler-utils) without any whitespace: Chinese has
    no spaces and pdftotext breaks lines anywhere."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(content)
        handle.flush()
        text = subprocess.run(
            ["pdftotext", "-layout", handle.name, "-"],
            check=True,
            capture_output=True,
            timeout=60,
        ).stdout.decode()
    return "".join(text.split())


class ReportCase(LeaseTestCase):
    """Users of every department and helpers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.am_head = new_test_user(
            cls.env,
            "r_am_head",
            groups=G + "asset_management_head",
            email="amh@example.com",
        )
        cls.risk_head = new_test_user(
            cls.env,
            "r_risk_head",
            groups=G + "risk_management_head",
            email="rh@example.com",
        )
        cls.risk_officer = new_test_user(
            cls.env, "r_risk", groups=G + "risk_management"
        )
        cls.legal_head = new_test_user(
            cls.env, "r_legal_head", groups=G + "legal_head", email="lh@example.com"
        )
        cls.biz_head = new_test_user(
            cls.env, "r_biz_head", groups=G + "business_head", email="bh@example.com"
        )
        cls.finance_head = new_test_user(
            cls.env, "r_fin_head", groups=G + "finance_head", email="fh@example.com"
        )
        cls.committee = new_test_user(
            cls.env,
            "r_committee",
            groups=G + "review_committee",
            email="rc@example.com",
        )
        cls.gm = new_test_user(
            cls.env, "r_gm", groups=G + "general_manager", email="gm@example.com"
        )

    def _overdue_installment_total(self):
        """Sum of the overdue rent of every overdue installment of the company."""
        lines = self.env["lease.installment"].search(
            [("company_id", "=", self.company.id), ("days_overdue", ">", 0)]
        )
        return round(sum(lines.mapped("amount_residual")), 2)


class TestWeeklyReport(ReportCase):
    def _generate(self, day):
        with freeze_time(day):
            report = self.env["lease.overdue.weekly.report"].create({"date_week": day})
            report.action_generate()
        return report

    def test_w1_weekly_snapshot_migration_and_freeze(self):
        """W1: the weekly report stores each overdue contract with its tier, amounts and
        actions of the week, the tier summary and the migration against last week; a past
        week is reproduced unchanged after the portfolio changed; XLSX totals are the sum
        of the overdue installments."""
        contract_a = self._active_contract(invoice_until=date(2026, 2, 10))
        contract_b = self._active_contract(
            invoice_until=date(2026, 2, 15),
            partner_id=self.lessee2.id,
            date_first_due=date(2026, 2, 15),
            penalty_rate=0.0,
        )
        # Week 8 of 2026 (16-22 February), figures of Friday 20 February.
        self._run(date(2026, 2, 20))
        week1 = self._generate(date(2026, 2, 20))
        self.assertEqual(week1.week_label, "2026-W08")
        self.assertEqual(
            (week1.date_from, week1.date_to), (date(2026, 2, 16), date(2026, 2, 22))
        )
        lines1 = week1.line_ids.filtered(
            lambda line: line.contract_id in contract_a | contract_b
        )
        self.assertEqual(len(lines1), 2)
        line_a = lines1.filtered(lambda line: line.contract_id == contract_a)
        self.assertEqual(
            (
                line_a.days_overdue,
                line_a.tier_code,
                line_a.overdue_amount,
                line_a.migration,
            ),
            (10, "T1", 10000.0, "new"),
        )
        self.assertEqual(line_a.partner_name, self.lessee.name)
        self.assertEqual(line_a.collector_name, self.collector.name)
        self.assertEqual(line_a.account_manager_name, self.account_manager.name)
        self.assertEqual(week1.total_overdue_amount, self._overdue_installment_total())

        # Week 9: lessee B pays (cured), A reaches tier 2 (moved up); a phone call on A.
        with freeze_time("2026-02-25"):
            self._pay(contract_b.installment_ids[0].move_id, 10000.0, date(2026, 2, 25))
            self.env["lease.collection.record"].create(
                {
                    "contract_id": contract_a.id,
                    "channel": "phone",
                    "date": datetime(2026, 2, 25, 3, 0),
                    "result": "Promised to pay",
                }
            )
        self._run(date(2026, 2, 27))
        week2 = self._generate(date(2026, 2, 27))
        self.assertEqual(week2.previous_report_id, week1)
        line_a2 = week2.line_ids.filtered(lambda line: line.contract_id == contract_a)
        line_b2 = week2.line_ids.filtered(lambda line: line.contract_id == contract_b)
        self.assertEqual(
            (line_a2.days_overdue, line_a2.tier_code, line_a2.previous_tier_code),
            (17, "T2", "T1"),
        )
        self.assertEqual(line_a2.migration, "up")
        self.assertEqual(line_a2.record_count, 1)
        self.assertIn("×1", line_a2.action_summary)
        self.assertEqual(
            (line_b2.migration, line_b2.is_overdue, line_b2.overdue_amount),
            ("cured", False, 0.0),
        )
        self.assertGreaterEqual(week2.up_count, 1)
        self.assertGreaterEqual(week2.cured_count, 1)
        self.assertEqual(week2.total_overdue_amount, self._overdue_installment_total())
        t2 = week2.tier_summary_ids.filtered(lambda t: t.tier_code == "T2")
        self.assertGreaterEqual(t2.up_count, 1)
        self.assertEqual(
            t2.overdue_amount,
            sum(
                week2.line_ids.filtered(lambda line: line.tier_code == "T2").mapped(
                    "overdue_amount"
                )
            ),
        )
        # Totals per tier add up to the report total.
        self.assertAlmostEqual(
            sum(week2.tier_summary_ids.mapped("overdue_amount")),
            week2.total_overdue_amount,
        )

        # The XLSX opens and its totals are the sum of the overdue installments.
        content = self.env["lease.overdue.weekly.report.xlsx"]._generate(week2)
        book = openpyxl.load_workbook(io.BytesIO(content), data_only=True)
        sheet = book.worksheets[1]
        rows = list(sheet.iter_rows(values_only=True))
        total_row = rows[-1]
        self.assertAlmostEqual(
            total_row[6], self._overdue_installment_total(), places=2
        )
        self.assertAlmostEqual(sum(r[6] for r in rows[1:-1]), total_row[6], places=2)
        names = [r[0] for r in rows[1:-1]]
        self.assertIn(contract_a.name, names)
        action = week2.action_print_xlsx()
        self.assertIn("/web/content/", action["url"])

        # The portfolio changes: week 8 stays as it was.
        snapshot = week1.line_ids.read(
            [
                "contract_name",
                "days_overdue",
                "tier_code",
                "overdue_amount",
                "migration",
            ]
        )
        totals = (week1.total_overdue_amount, week1.contract_count, week1.new_count)
        with freeze_time("2026-03-02"):
            self._pay(contract_a.installment_ids[0].move_id, 10000.0, date(2026, 3, 2))
        self._run(date(2026, 3, 5))
        week1.invalidate_recordset()
        self.assertEqual(
            week1.line_ids.read(
                [
                    "contract_name",
                    "days_overdue",
                    "tier_code",
                    "overdue_amount",
                    "migration",
                ]
            ),
            snapshot,
        )
        self.assertEqual(
            (week1.total_overdue_amount, week1.contract_count, week1.new_count), totals
        )
        # ... and it cannot be changed nor generated twice.
        with self.assertRaises(UserError):
            week1.write({"total_overdue_amount": 1.0})
        with self.assertRaises(UserError):
            week1.line_ids[:1].write({"overdue_amount": 1.0})
        with self.assertRaises(UserError):
            week1.action_generate()
        with self.assertRaises(UserError):
            week1.unlink()
        # A future week cannot be generated.
        with freeze_time("2026-03-05"), self.assertRaises(UserError):
            self.env["lease.overdue.weekly.report"].create(
                {"date_week": date(2026, 3, 20)}
            ).action_generate()

    def test_w1_generation_is_set_based(self):
        """W1: generating the snapshot takes the same number of queries for 2 or 8
        overdue contracts (no query per contract)."""
        counts = []
        for week, (size, day) in enumerate(
            ((2, date(2026, 2, 20)), (8, date(2026, 3, 20)))
        ):
            for index in range(size):
                partner = self.env["res.partner"].create(
                    {"name": f"批量承租人{week}-{index}"}
                )
                self._active_contract(
                    invoice_until=date(2026, 2, 10), partner_id=partner.id
                )
            self._run(day)
            with freeze_time(day):
                report = self.env["lease.overdue.weekly.report"].create(
                    {"date_week": day}
                )
                self.env.flush_all()
                self.env.invalidate_all()
                before = self.env.cr.sql_log_count
                report.action_generate()
                self.env.flush_all()
                counts.append(self.env.cr.sql_log_count - before)
        self.assertLessEqual(counts[1], counts[0] + 2, counts)

    def test_w1_cron_sends_to_departments_month_end_to_committee(self):
        """W1, E6: the weekly job generates and queues the report by email to the heads
        of the departments concerned with the general manager in copy; the month-end
        edition also goes to the review committee; running it twice sends once."""
        self._active_contract(invoice_until=date(2026, 2, 10))
        self._run(date(2026, 2, 20))
        Report = self.env["lease.overdue.weekly.report"]
        with freeze_time("2026-02-20 10:00:00"):
            Report._cron_generate_and_send()
            Report._cron_generate_and_send()
        report = Report.search([("date_from", "=", date(2026, 2, 16))])
        self.assertEqual(len(report), 1)
        self.assertEqual(report.state, "sent")
        self.assertFalse(report.is_month_end)
        mail = report.mail_ids
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.state, "outgoing")
        heads = (
            self.am_head
            | self.risk_head
            | self.legal_head
            | self.biz_head
            | self.finance_head
        )
        self.assertLessEqual(heads.partner_id, mail.recipient_ids)
        self.assertNotIn(self.committee.partner_id, mail.recipient_ids)
        self.assertIn("gm@example.com", mail.email_cc)
        self.assertIn(".xlsx", " ".join(mail.attachment_ids.mapped("name")))
        self.assertEqual(mail.subject, report.display_name)
        self.assertIn(f"{report.contract_count} overdue contracts", mail.body_html)
        # Friday 27 February is the last weekly report of February: month-end edition.
        self._run(date(2026, 2, 27))
        with freeze_time("2026-02-27 10:00:00"):
            Report._cron_generate_and_send()
        month_end = Report.search([("date_from", "=", date(2026, 2, 23))])
        self.assertTrue(month_end.is_month_end)
        self.assertIn(self.committee.partner_id, month_end.mail_ids.recipient_ids)
        self.assertLessEqual(heads.partner_id, month_end.mail_ids.recipient_ids)
        self.assertIn("month-end edition", month_end.mail_ids.subject)

    def test_w1_mail_wording_is_the_administrators_template(self):
        """W1, issue 12 item 2: the weekly report's mail is Odoo's mail.template
        ``mail_template_weekly_report``: an administrator's wording is what the heads
        receive, with the recipients and attachments the job adds."""
        self._active_contract(invoice_until=date(2026, 2, 10))
        self._run(date(2026, 2, 20))
        template = self.env.ref("lease_overdue.mail_template_weekly_report")
        template.write(
            {
                "subject": "周报 {{ object.week_label }}",
                "body_html": "<p>各位领导:请查阅 <t t-out='object.week_label'/>。</p>",
            }
        )
        Report = self.env["lease.overdue.weekly.report"]
        with freeze_time("2026-02-20 10:00:00"):
            Report._cron_generate_and_send()
        report = Report.search([("date_from", "=", date(2026, 2, 16))])
        mail = report.mail_ids
        self.assertEqual(mail.subject, "周报 2026-W08")
        self.assertIn("各位领导:请查阅 2026-W08。", mail.body_html)
        self.assertIn(self.am_head.partner_id, mail.recipient_ids)
        self.assertIn(".xlsx", " ".join(mail.attachment_ids.mapped("name")))

    def test_w1_access(self):
        """W1/A2: asset management prepares the report; other departments only read it."""
        report = (
            self.env["lease.overdue.weekly.report"]
            .with_user(self.collector)
            .create({"date_week": date(2026, 2, 20)})
        )
        with self.assertRaises(AccessError):
            self.env["lease.overdue.weekly.report"].with_user(self.legal_head).create(
                {"date_week": date(2026, 3, 20)}
            )
        self.assertTrue(report.with_user(self.gm).read(["week_label"]))

    def test_w1_readers_open_and_export(self):
        """W1, issue 11 item 4: every reader of the weekly report (a head, the general
        manager) opens its form as the web client reads it and exports the XLSX without
        edit rights; the PDF does not name the system user as its preparer."""
        self._active_contract(invoice_until=date(2026, 2, 10))
        self._run(date(2026, 2, 20))
        report = self._generate(date(2026, 2, 20))
        for user in (self.gm, self.legal_head):
            as_user = report.with_user(user)
            views = as_user.get_views([(False, "form")])
            fields_ = views["models"][report._name]["fields"]
            spec = {name: {} for name in fields_}
            self.assertNotIn("mail_ids", spec, "administrators' records stay hidden")
            self.assertEqual(as_user.web_read(spec)[0]["week_label"], report.week_label)
            action = as_user.action_print_xlsx()
            attachment_id = int(action["url"].split("/")[-1].split("?")[0])
            attachment = self.env["ir.attachment"].with_user(user).browse(attachment_id)
            self.assertTrue(attachment.raw.startswith(b"PK"), "an XLSX workbook")
        # generated by the system (the weekly job runs as OdooBot)
        self.assertEqual(report.generated_by_id, self.env.ref("base.user_root"))
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("lease_overdue.report_weekly_overdue", report.ids)[0]
            .decode()
        )
        self.assertNotIn(self.env.ref("base.user_root").name, html)

    def test_w1_week_in_company_time_whoever_generates(self):
        """W1 / SPEC O5 (company time): the week a report covers is the company's local
        week (Asia/Shanghai: Monday 00:00 is Sunday 16:00 UTC), whether the weekly job
        (the system user) or a head in New York generates it."""
        self._live_in_beijing()
        with freeze_time("2026-02-20"):
            report = self.env["lease.overdue.weekly.report"].create(
                {"date_week": date(2026, 2, 20)}
            )
        expected = (datetime(2026, 2, 15, 16, 0), datetime(2026, 2, 22, 16, 0))
        self.assertEqual(report._week_bounds_utc(), expected)
        self.am_head.tz = "America/New_York"
        self.assertEqual(
            report.with_user(self.am_head)
            .with_context(tz="America/New_York")
            ._week_bounds_utc(),
            expected,
        )


class TestMonthlyCollectionLog(ReportCase):
    def _record(self, contract, moment, **vals):
        return self.env["lease.collection.record"].create(
            dict(
                {"contract_id": contract.id, "channel": "phone", "date": moment}, **vals
            )
        )

    def test_f2_signatures_lock_log_and_records(self):
        """F2: the month's collection records are signed by the heads of asset management
        and risk management (nobody else), then neither the log nor the records of that
        month can change."""
        contract = self._active_contract(invoice_until=date(2026, 2, 10))
        rec1 = self._record(contract, datetime(2026, 2, 12, 2, 0), result="No answer")
        rec2 = self._record(contract, datetime(2026, 2, 20, 6, 0), result="Will pay")
        march = self._record(contract, datetime(2026, 3, 2, 6, 0), result="Paid")
        log = (
            self.env["lease.collection.log.monthly"]
            .with_user(self.collector)
            .create({"date_month": date(2026, 2, 14)})
        )
        self.assertEqual(log.name, "2026-02")
        log.action_refresh()
        self.assertEqual(log.record_ids, rec1 | rec2)
        with freeze_time("2026-02-20"), self.assertRaises(UserError):
            log.with_user(self.am_head).action_sign_asset_management()
        with freeze_time("2026-03-01"):
            for user in (self.collector, self.risk_head, self.gm):
                with self.assertRaises(AccessError):
                    log.with_user(user).action_sign_asset_management()
            for user in (self.am_head, self.risk_officer):
                with self.assertRaises(AccessError):
                    log.with_user(user).action_sign_risk_management()
            log.with_user(self.am_head).action_sign_asset_management()
            self.assertEqual(log.state, "signing")
            self.assertEqual(log.am_signed_by_id, self.am_head)
            # Records of February are locked from the first signature.
            with self.assertRaises(UserError):
                rec1.write({"result": "Changed"})
            with self.assertRaises(UserError):
                rec2.unlink()
            with self.assertRaises(UserError):
                self._record(contract, datetime(2026, 2, 27, 6, 0))
            with self.assertRaises(UserError):
                march.write({"date": datetime(2026, 2, 27, 6, 0)})
            march.write({"result": "Paid in full"})  # March is not signed
            log.with_user(self.risk_head).action_sign_risk_management()
        self.assertEqual(log.state, "signed")
        self.assertEqual(log.risk_signed_by_id, self.risk_head)
        with self.assertRaises(UserError):
            log.with_user(self.am_head).write({"note": "changed"})
        with self.assertRaises(UserError):
            log.action_refresh()
        with self.assertRaises(UserError):
            log.unlink()
        with self.assertRaises(UserError):
            log.write({"am_signed_by_id": self.gm.id})
        with self.assertRaises(AccessError):
            log.with_user(self.am_head).action_archive_pdf()
        self.assertEqual(rec1.result, "No answer")

    def test_f2_month_end_job_lists_records_and_asks_heads(self):
        """F2: on the last day of the month the job lists the month's records and asks
        both heads to sign; running it again creates nothing more."""
        contract = self._active_contract(invoice_until=date(2026, 2, 10))
        record = self._record(contract, datetime(2026, 2, 26, 6, 0), result="Visited")
        Log = self.env["lease.collection.log.monthly"]
        with freeze_time("2026-02-28 12:00:00"):
            Log._cron_prepare()
            Log._cron_prepare()
        log = Log.search([("date_from", "=", date(2026, 2, 1))])
        self.assertEqual(len(log), 1)
        self.assertIn(record, log.record_ids)
        users = log.activity_ids.mapped("user_id")
        self.assertIn(self.am_head, users)
        self.assertIn(self.risk_head, users)
        self.assertEqual(len(log.activity_ids), len(users))


class TestKpi(ReportCase):
    def test_w2_kpi_figures_on_known_portfolio(self):
        """W2: recovery rate, overdue rate by amount and count, case handling time and
        collector achievement on a small known portfolio (rent 10 000 a month)."""
        a = self._active_contract(invoice_until=date(2026, 2, 10), penalty_rate=0.0)
        b = self._active_contract(
            invoice_until=date(2026, 2, 10),
            penalty_rate=0.0,
            partner_id=self.lessee2.id,
        )
        a1, a2 = a.installment_ids.sorted("sequence")[:2]
        b1, b2 = b.installment_ids.sorted("sequence")[:2]
        with freeze_time("2026-02-10"):
            self._pay(a1.move_id, 10000.0, date(2026, 2, 10))  # on time
            self._pay(b1.move_id, 6000.0, date(2026, 2, 10))  # partly on time
        with freeze_time("2026-03-01"):
            (a2 | b2)._create_rent_invoices()
        self._run(date(2026, 3, 11))  # a2 and b1, b2 overdue: cases open
        with freeze_time("2026-03-20"):
            self._pay(
                a2.move_id, 10000.0, date(2026, 3, 20)
            )  # 10 days late: case closes
        with freeze_time("2026-04-02"):
            self._pay(b1.move_id, 4000.0, date(2026, 4, 2))  # after the period
        self._run(date(2026, 4, 5))
        case_a = a.case_ids
        self.assertEqual(
            (case_a.date_start, case_a.date_end), (date(2026, 3, 11), date(2026, 3, 20))
        )

        figures = self.env["lease.kpi.report"]._kpi_figures(
            date(2026, 2, 1),
            date(2026, 3, 31),
            today=date(2026, 4, 5),
            contract_ids=(a | b).ids,
        )
        self.assertEqual(figures["rent_due"], 40000.0)
        self.assertEqual(figures["rent_collected"], 26000.0)
        self.assertAlmostEqual(figures["recovery_rate"], 0.65)
        self.assertEqual(
            figures["rent_gone_overdue"], 24000.0
        )  # a2 10 000, b1 4 000, b2 10 000
        self.assertAlmostEqual(figures["overdue_rate_amount"], 0.6)
        self.assertEqual(
            (figures["installments_due"], figures["installments_gone_overdue"]), (4, 3)
        )
        self.assertAlmostEqual(figures["overdue_rate_count"], 0.75)
        self.assertEqual(figures["overdue_outstanding"], 10000.0)  # b2
        self.assertEqual(figures["cases_opened"], 2)
        self.assertEqual(figures["cases_closed"], 1)
        self.assertEqual(figures["avg_handling_days"], 10.0)

        # Per collector: a2 paid 20 March while overdue; the target of March is 20 000.
        target = self.env["lease.collector.target"].create(
            {
                "collector_id": self.collector.id,
                "date_month": date(2026, 3, 15),
                "amount_target": 20000.0,
            }
        )
        self.assertEqual(target.date_month, date(2026, 3, 1))
        collected = self.env["lease.kpi.report"]._collected_by_collector(
            date(2026, 3, 1), date(2026, 3, 31)
        )
        self.assertEqual(collected.get(self.collector.id), 10000.0)
        self.assertEqual(target.amount_collected, 10000.0)
        self.assertAlmostEqual(target.achievement_rate, 50.0)

        # The analysis view holds the same sums.
        rows = self.env["lease.kpi.report"].search(
            [("contract_id", "in", (a | b).ids), ("date_due", "<=", date(2026, 3, 31))]
        )
        self.assertEqual(sum(rows.mapped("amount_due")), 40000.0)
        self.assertEqual(sum(rows.mapped("amount_late")), 24000.0)
        self.assertEqual(sum(rows.mapped("late_count")), 3)
        # The dashboard shows the rates in percent.
        with freeze_time("2026-04-05"):
            board = self.env["lease.kpi.dashboard"].create(
                {
                    "date_from": date(2026, 2, 1),
                    "date_to": date(2026, 3, 31),
                    "collector_id": self.collector.id,
                }
            )
            self.assertEqual(board.rent_due, 40000.0)
            self.assertAlmostEqual(board.recovery_rate, 65.0)
            self.assertAlmostEqual(board.overdue_rate_count, 75.0)
            self.assertIn(self.collector.name, board.collector_html)
            # A2: a collector's dashboard covers his contracts, an account manager's his.
            period = {"date_from": date(2026, 2, 1), "date_to": date(2026, 3, 31)}
            Board = self.env["lease.kpi.dashboard"]
            mine = Board.with_user(self.collector).create(period)
            self.assertEqual(mine.rent_due, 40000.0)
            self.assertEqual(mine.cases_opened, 2)
            other = Board.with_user(self.account_manager2).create(period)
            self.assertEqual((other.rent_due, other.cases_opened), (0.0, 0))


class TestAmountInWords(ReportCase):
    def test_e3_amount_in_words_rmb(self):
        """E3/E4 (issue 11 item 1): the letters write CNY amounts in capital numerals
        (大写) through cn2an, as Odoo's own l10n_cn does: rounded to the fen, "整" after
        whole yuan, zeros where a unit is skipped."""
        document = self.env["lease.document"]
        for amount, words in (
            (20000, "贰万元整"),
            (67704.19, "陆万柒仟柒佰零肆元壹角玖分"),
            (10005.5, "壹万零伍元伍角"),
            (1000000.01, "壹佰万元零壹分"),
            (1.005, "壹元零壹分"),
            (0, "零元整"),
        ):
            self.assertEqual(document._lease_amount_in_words(amount), words, amount)


class TestCustomerFile(ReportCase):
    def test_f3_customer_file(self):
        """F3: one screen per customer with contracts, payment history, collection
        records and cases, reachable from the partner and the case."""
        contract = self._active_contract(invoice_until=date(2026, 3, 10))
        with freeze_time("2026-02-12"):
            self._pay(contract.installment_ids[0].move_id, 10000.0, date(2026, 2, 12))
        self._run(date(2026, 3, 15))
        record = self.env["lease.collection.record"].create(
            {
                "contract_id": contract.id,
                "channel": "visit",
                "date": datetime(2026, 3, 14, 2),
            }
        )
        partner = self.lessee.with_user(self.am_head)
        self.assertEqual(partner.lease_file_contract_ids, contract)
        self.assertEqual(len(partner.lease_file_installment_ids), 2)
        self.assertEqual(partner.lease_file_amount_rent_paid, 10000.0)
        self.assertIn(record, partner.lease_file_record_ids)
        self.assertEqual(partner.lease_file_case_ids, contract.case_ids)
        self.assertEqual(len(partner.lease_file_invoice_ids), 2)
        self.assertEqual(len(partner.lease_file_payment_ids), 1)
        action = partner.action_open_lease_customer_file()
        self.assertEqual(action["res_id"], self.lessee.id)
        self.assertEqual(
            contract.case_ids.action_open_lease_customer_file()["res_id"],
            self.lessee.id,
        )


def nospace(value):
    return "".join(str(value).split())


def zh(day):
    return f"{day.year}年{day.month}月{day.day}日"


class TestReportPdfs(HttpCase, ReportCase):
    """PDFs render with wkhtmltopdf (HttpCase, force_report_rendering) in Chinese."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.legal = new_test_user(cls.env, "r_legal", groups=G + "legal")
        cls.business = new_test_user(cls.env, "r_business", groups=G + "business")
        cls.finance = new_test_user(cls.env, "r_finance", groups=G + "finance")
        cls.guarantor = cls.env["res.partner"].create({"name": "担保人张三"})

    def _pdf(self, report_ref, records, user=None):
        reports = self.env["ir.actions.report"].with_context(
            force_report_rendering=True
        )
        if user:
            reports = reports.with_user(user)
        content, report_type = reports._render_qweb_pdf(report_ref, records.ids)
        self.assertEqual(report_type, "pdf")
        if os.environ.get("LEASE_DUMP_PDF"):  # to look at them: pdftoppm -png
            name = report_ref.split(".")[-1]
            with open(f"{os.environ['LEASE_DUMP_PDF']}/{name}.pdf", "wb") as handle:
                handle.write(content)
        self.assertTrue(content.startswith(b"%PDF"))
        return content

    def _overdue_case(self, **overrides):
        contract = self._active_contract(invoice_until=date(2026, 3, 10), **overrides)
        self._run(date(2026, 3, 20))  # installment 1: day 38, installment 2: day 10
        self.assertTrue(contract.current_case_id)
        return contract

    def test_w1_weekly_report_pdf(self):
        """W1: the weekly report PDF holds the week, the contracts, lessees and amounts."""
        contract = self._overdue_case()
        with freeze_time("2026-03-20"):
            report = self.env["lease.overdue.weekly.report"].create(
                {"date_week": date(2026, 3, 20)}
            )
            report.action_generate()
        text = pdf_text(self._pdf("lease_overdue.report_weekly_overdue", report))
        self.assertIn("2026-W12", text)
        self.assertIn(contract.name, text)
        self.assertIn(self.lessee.name, text)
        self.assertIn("20,000.00", text)
        self.assertIn(self.company.name, text)

    def test_f2_monthly_log_pdf_archived_by_risk(self):
        """F2: the signed monthly collection log is archived as PDF by risk management,
        with its hash; a reprint returns the archived bytes; it cannot change."""
        contract = self._overdue_case()
        self.env["lease.collection.record"].create(
            {
                "contract_id": contract.id,
                "channel": "phone",
                "date": datetime(2026, 3, 12, 2, 0),
                "contact_name": "王总",
                "result": "承诺下周付款",
                "overdue_reason": "下游回款慢",
            }
        )
        log = self.env["lease.collection.log.monthly"].create(
            {"date_month": date(2026, 3, 1)}
        )
        log.action_refresh()
        draft_text = pdf_text(
            self._pdf("lease_overdue.report_collection_log_monthly", log)
        )
        self.assertIn("草稿DRAFT", draft_text)
        with freeze_time("2026-04-01"):
            log.with_user(self.am_head).action_sign_asset_management()
            log.with_user(self.risk_head).action_sign_risk_management()
        log.with_user(self.risk_officer).with_context(
            force_report_rendering=True
        ).action_archive_pdf()
        self.assertEqual(log.state, "archived")
        self.assertEqual(log.archived_by_id, self.risk_officer)
        raw = log.attachment_id.raw
        self.assertEqual(log.content_hash, hashlib.sha256(raw).hexdigest())
        text = pdf_text(raw)
        self.assertNotIn("DRAFT", text)
        for expected in (
            contract.name,
            "承诺下周付款",
            "王总",
            self.am_head.name,
            self.risk_head.name,
        ):
            self.assertIn(nospace(expected), text)
        self.assertEqual(
            self._pdf("lease_overdue.report_collection_log_monthly", log, user=self.gm),
            raw,
        )
        with self.assertRaises(UserError):
            log.write({"note": "x"})

    def test_e3_collection_notice_draft_signed_issued_archived(self):
        """E3: the rent collection notice prints with a DRAFT watermark until the head of
        asset management signed it; issued, it is archived with date and SHA-256 hash and
        reprints byte-for-byte, in Chinese, whatever happens to the portfolio."""
        cny = self.env.ref("base.CNY")
        cny.active = True
        contract = self._overdue_case(currency_id=cny.id)
        notice = (
            self.env["lease.document"]
            .with_user(self.collector)
            .create(
                {"kind": "collection_notice", "case_id": contract.current_case_id.id}
            )
        )
        draft = pdf_text(self._pdf("lease_overdue.report_collection_notice", notice))
        self.assertIn("草稿DRAFT", draft)
        self.assertIn("租金催收通知书", draft)
        notice.with_user(self.collector).action_submit()
        with self.assertRaises(AccessError):
            notice.with_user(self.collector).action_approve()
        notice.with_user(self.am_head).action_approve()
        self.assertEqual(notice.signed_by_id, self.am_head)
        notice.with_user(self.collector).with_context(
            force_report_rendering=True
        ).action_issue()
        self.assertEqual(notice.state, "issued")
        self.assertTrue(
            notice.attachment_id and notice.content_hash and notice.date_archived
        )
        raw = notice.attachment_id.raw
        self.assertEqual(notice.content_hash, hashlib.sha256(raw).hexdigest())
        text = pdf_text(raw)
        self.assertNotIn("DRAFT", text)
        for expected in (
            "租金催收通知书",
            self.lessee.name,
            contract.name,
            self.company.name,
            "逾期租金共计人民币20,000.00元",
            "大写：贰万元整",
            self.am_head.name,
            zh(notice.date),
            zh(notice.date_deadline),
            f"已逾期{notice.days_overdue}天",
            "第1期",
            "第2期",
            zh(date(2026, 2, 10)),
        ):
            self.assertIn(nospace(expected), text)
        # Visible from the contract and the case.
        self.assertIn(notice, contract.archived_document_ids)
        self.assertIn(notice, contract.current_case_id.archived_document_ids)
        # The lessee pays: the reprint is still the archived PDF, byte for byte.
        with freeze_time("2026-03-25"):
            self._pay(
                contract.installment_ids.sorted("sequence")[0].move_id,
                10000.0,
                date(2026, 3, 25),
            )
        self.assertEqual(
            self._pdf("lease_overdue.report_collection_notice", notice), raw
        )
        self.assertEqual(
            self._pdf(
                "lease_overdue.report_collection_notice", notice, user=self.am_head
            ),
            raw,
        )
        with self.assertRaises(UserError):
            notice.write({"amount_overdue": 1.0})
        # A notice cannot be printed with another kind's form.
        with self.assertRaises(UserError):
            self._pdf("lease_overdue.report_lawyer_letter", notice)

    def test_e4_e7_e8_letters_in_chinese(self):
        """E4, E7, E8, E10: lawyer's letter, pre-litigation letter, notices to the
        guarantor and to the vendor render in Chinese with names, amounts and dates."""
        contract = self._overdue_case(
            guarantor_ids=[(4, self.guarantor.id)], has_buyback_guarantee=True
        )
        case = contract.current_case_id
        Document = self.env["lease.document"]
        lawyer = Document.with_user(self.legal).create(
            {
                "kind": "lawyer_letter",
                "case_id": case.id,
                "lawyer_name": "李明",
                "law_firm": "北京金诚律师事务所",
            }
        )
        litigation = Document.with_user(self.legal).create(
            {
                "kind": "litigation_letter",
                "case_id": case.id,
                "lawyer_name": "李明",
                "law_firm": "北京金诚律师事务所",
            }
        )
        guarantor = Document.with_user(self.legal).create(
            {"kind": "guarantor_notice", "case_id": case.id}
        )
        vendor = Document.with_user(self.collector).create(
            {"kind": "vendor_notice", "case_id": case.id}
        )
        common = [
            contract.name,
            self.company.name,
            lawyer._lease_money(20000.0, contract.currency_id),
            "逾期38天",
        ]
        text = pdf_text(self._pdf("lease_overdue.report_lawyer_letter", lawyer))
        for expected in [
            "租金催收律师函",
            self.lessee.name,
            "李明",
            "北京金诚律师事务所",
            zh(lawyer.date_deadline),
            *common,
        ]:
            self.assertIn(nospace(expected), text)
        text = pdf_text(self._pdf("lease_overdue.report_litigation_letter", litigation))
        for expected in [
            "诉讼律师函",
            "提起诉讼",
            self.lessee.name,
            zh(litigation.date_deadline),
            *common,
        ]:
            self.assertIn(nospace(expected), text)
        text = pdf_text(self._pdf("lease_overdue.report_guarantor_notice", guarantor))
        for expected in ["担保人", "担保人张三", self.lessee.name, *common]:
            self.assertIn(nospace(expected), text)
        text = pdf_text(self._pdf("lease_overdue.report_vendor_notice", vendor))
        for expected in [
            "出卖人",
            self.vendor.name,
            "回购担保",
            self.lessee.name,
            *common,
        ]:
            self.assertIn(nospace(expected), text)

    def test_e5_e9_e11_reports_in_chinese(self):
        """E5, E9, E11: asset inspection report with its countersignatures, repayment
        capacity assessment with risk management's opinion, disposal deferral request
        and the post-disposal profit and loss report."""
        contract = self._overdue_case(account_manager_id=self.business.id)
        case = contract.current_case_id
        Document = self.env["lease.document"]
        inspection = self.env["lease.asset.inspection"].create(
            {
                "contract_id": contract.id,
                "kind": "overdue",
                "date_planned": date(2026, 3, 18),
                "inspector_id": self.collector.id,
                "asset_condition": "fair",
            }
        )
        report = Document.with_user(self.collector).create(
            {
                "kind": "inspection_report",
                "case_id": case.id,
                "inspection_id": inspection.id,
                "summary": "设备运转正常，承租人经营困难。",
            }
        )
        report.with_user(self.collector).action_submit()
        report.with_user(self.am_head).action_approve()
        report.with_user(self.risk_head).action_approve()
        text = pdf_text(self._pdf("lease_overdue.report_inspection_report", report))
        for expected in (
            "资产检查报告",
            "各相关部门会签",
            "资产管理部",
            "风险管理部",
            "业务部门",
            self.am_head.name,
            self.risk_head.name,
            "同意",
            "待审批",
            "设备运转正常",
            contract.name,
            self.lessee.name,
        ):
            self.assertIn(nospace(expected), text)

        assessment = Document.with_user(self.business).create(
            {
                "kind": "assessment",
                "case_id": case.id,
                "summary": "承租人下月可恢复还款。",
            }
        )
        assessment.with_user(self.business).action_submit()
        assessment.with_user(self.biz_head).action_approve()
        assessment.with_user(self.risk_head).action_approve(
            comment="同意业务部门的评估。"
        )
        text = pdf_text(self._pdf("lease_overdue.report_assessment", assessment))
        for expected in (
            "承租人租金偿还能力评估报告",
            "风险管理部意见",
            "同意业务部门的评估。",
            "承租人下月可恢复还款。",
            contract.name,
        ):
            self.assertIn(nospace(expected), text)
        self.assertNotIn("DRAFT", text)

        evidence = self.env["ir.attachment"].create(
            {
                "name": "销售合同.pdf",
                "raw": b"evidence",
                "res_model": "lease.contract",
                "res_id": contract.id,
            }
        )
        deferral = Document.with_user(self.business).create(
            {
                "kind": "deferral_request",
                "case_id": case.id,
                "date_deferral_end": date(2027, 1, 31),
                "evidence_ids": [(4, evidence.id)],
            }
        )
        text = pdf_text(self._pdf("lease_overdue.report_deferral_request", deferral))
        for expected in (
            "暂缓资产处置申请报告",
            zh(date(2027, 1, 31)),
            "销售合同.pdf",
            "评审委员会",
            "总经理",
            "草稿DRAFT",
        ):
            self.assertIn(nospace(expected), text)

        # Disposal: planned and executed by asset management, approved by the review
        # committee; finance records proceeds and costs and reports the P&L (D9 L196-L197).
        disposal = (
            self.env["lease.disposal"]
            .with_user(self.collector)
            .create(
                {"case_id": case.id, "method": "sale", "plan": "<p>公开拍卖设备</p>"}
            )
        )
        disposal.with_user(self.collector).action_submit()
        disposal.with_user(self.committee).action_approve_plan()
        disposal.with_user(self.collector).action_start()
        self.env["lease.disposal.line"].with_user(self.finance).create(
            [
                {
                    "disposal_id": disposal.id,
                    "line_type": "proceeds",
                    "name": "设备拍卖",
                    "amount": 80000.0,
                    "date": date(2026, 6, 1),
                },
                {
                    "disposal_id": disposal.id,
                    "line_type": "cost",
                    "name": "拍卖佣金",
                    "amount": 5000.0,
                    "date": date(2026, 6, 1),
                },
            ]
        )
        disposal.with_user(self.collector).action_done()
        disposal.with_user(self.finance).action_create_pnl_report()
        pnl = disposal.pnl_report_id
        self.assertEqual(pnl.amount_proceeds, 80000.0)
        text = pdf_text(self._pdf("lease_overdue.report_pnl_report", pnl))
        for expected in (
            "资产处置项目损益报告",
            "设备拍卖",
            "拍卖佣金",
            "80,000.00",
            "5,000.00",
            f"{pnl.amount_claim:,.2f}",
            f"{pnl.amount_pnl:,.2f}",
            disposal.name,
        ):
            self.assertIn(nospace(expected), text)
