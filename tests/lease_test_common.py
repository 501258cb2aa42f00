"""Shared fixtures for the lease_overdue tests: real contracts, invoices and payments."""

import re
import threading
from collections import Counter
from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.tests import TransactionCase, new_test_user


def chinese_browser(env):
    """Before a browser tour in Chinese: zh_CN active with the addon's terms loaded, and
    the web client's bundles built before the browser asks for them (on a loaded
    machine, compiling them while the first page of a bare /odoo loads can make that
    first load fail: a JSON fetch answered by an HTML page)."""
    env["res.lang"]._activate_lang("zh_CN")
    env["ir.module.module"]._load_module_terms(
        ["lease_overdue"], ["zh_CN"], overwrite=True
    )
    qweb = env["ir.qweb"]
    for bundle in ("web.assets_web", "web.assets_tests"):
        qweb._get_asset_bundle(bundle).js()
    qweb._get_asset_bundle("web.assets_web").css()


def count_statements(func, *args, **kwargs):
    """The statements ``func(*args, **kwargs)`` runs in this thread, as a Counter of
    their text with numbers as N (Odoo's ``query_hooks``)."""
    statements = Counter()

    def hook(cr, query, params, start, delay):
        text = query.decode() if isinstance(query, bytes) else str(query)
        statements[re.sub(r"\s+", " ", re.sub(r"\d+", "N", text))[:160]] += 1

    thread = threading.current_thread()
    hooks = getattr(thread, "query_hooks", ())
    thread.query_hooks = (*hooks, hook)
    try:
        func(*args, **kwargs)
    finally:
        thread.query_hooks = hooks
    return statements


def english_stored_texts(env):
    """The texts the addon stores are in the company's language (issue 11 item 3);
    the tests' company writes them in English, as the tests' assertions read them
    (tests/test_stored_language.py sets Chinese and proves it)."""
    env["res.lang"]._activate_lang("en_US")
    env.company.lease_lang = "en_US"


def unlock_demo_months(env):
    """The demo signs last month's collection log on the company the tests use (issue
    11 item 7), and a signed month takes no new collection record: a test replaying
    dates in that month (whichever month precedes the day the suite runs) would fail.
    The tests' records are not the demo's: its monthly logs are taken out of the test's
    transaction (by SQL: a signed log cannot be deleted through the ORM)."""
    env.flush_all()
    env.cr.execute(
        "DELETE FROM lease_collection_log_monthly WHERE company_id = %s",
        [env.company.id],
    )
    env.invalidate_all()


def contract_vals(lessee, vendor, account_manager, collector, first_due, **overrides):
    """Values of a test lease: 120,000 over 12 monthly annuity installments at 0 %,
    penalty 0.05 % a day, the first due on ``first_due``; ``overrides`` win."""
    vals = {
        "partner_id": lessee.id,
        "vendor_id": vendor.id,
        "financed_amount": 120000.0,
        "annual_rate": 0.0,
        "term_count": 12,
        "periodicity": "monthly",
        "schedule_method": "annuity",
        "date_start": date(2026, 1, 1),
        "date_first_due": first_due,
        "penalty_rate": 0.0005,
        "account_manager_id": account_manager.id,
        "collector_id": collector.id,
    }
    vals.update(overrides)
    return vals


def register_payment(env, move, amount, pay_date, journal):
    """A real payment of ``amount`` on ``move`` on ``pay_date`` into ``journal``, through
    Odoo's payment wizard as ``env``'s user (partial when ``amount`` is less than due)."""
    wizard = (
        env["account.payment.register"]
        .with_context(active_model="account.move", active_ids=move.ids)
        .create({"payment_date": pay_date, "amount": amount, "journal_id": journal.id})
    )
    return wizard._create_payments()


class LeaseTestCase(TransactionCase):
    """A company with a sales and a bank journal, a lessee, a vendor and one user per role."""

    @classmethod
    def _live_in_beijing(cls):
        """The company in Asia/Shanghai on China's real 2026 calendar (public holidays in
        local time, 调休 working days), loaded as the install and the yearly action do;
        returns the working calendar."""
        calendar = cls.company.resource_calendar_id
        calendar.tz = "Asia/Shanghai"
        cls.company.partner_id.tz = "Asia/Shanghai"
        calendar._lease_load_china_calendar(year_from=2026)
        return calendar

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        english_stored_texts(cls.env)
        unlock_demo_months(cls.env)
        cls.currency = cls.company.currency_id
        cls.bank_journal = cls.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", cls.company.id)], limit=1
        )
        cls.lessee = cls.env["res.partner"].create(
            {
                "name": "测试承租人有限公司",
                "is_company": True,
                "lease_registration_number": "91330100TEST00001X",
            }
        )
        cls.lessee2 = cls.env["res.partner"].create(
            {"name": "第二承租人有限公司", "is_company": True}
        )
        cls.vendor = cls.env["res.partner"].create(
            {"name": "测试出卖人股份有限公司", "is_company": True}
        )
        group = "lease_overdue.group_"
        cls.account_manager = new_test_user(cls.env, "t_am", groups=group + "business")
        cls.account_manager2 = new_test_user(
            cls.env, "t_am2", groups=group + "business"
        )
        cls.collector = new_test_user(
            cls.env, "t_collector", groups=group + "asset_management"
        )
        cls.finance_user = new_test_user(cls.env, "t_finance", groups=group + "finance")
        cls.manager = new_test_user(
            cls.env, "t_lease_admin", groups=group + "lease_manager"
        )
        cls.tiers = {
            code: cls.env.ref(f"lease_overdue.tier_{code[1]}")
            for code in ("T1", "T2", "T3", "T4")
        }

    @classmethod
    def _contract_vals(cls, **overrides):
        return contract_vals(
            cls.lessee,
            cls.vendor,
            cls.account_manager,
            cls.collector,
            date(2026, 2, 10),
            **overrides,
        )

    @classmethod
    def _active_contract(cls, invoice_until=None, **overrides):
        """An active contract with its rent invoiced up to ``invoice_until`` (posted)."""
        contract = cls.env["lease.contract"].create(cls._contract_vals(**overrides))
        contract.action_generate_schedule()
        contract.action_activate()
        if invoice_until:
            lines = contract.installment_ids.filtered(
                lambda line: line.date_due <= invoice_until
            )
            with freeze_time(invoice_until):
                lines._create_rent_invoices()
        return contract

    def _pay(self, move, amount, pay_date):
        """Register a real payment on ``move`` (partial when ``amount`` is less than due)."""
        return register_payment(self.env, move, amount, pay_date, self.bank_journal)

    def _run(self, day, contracts=None):
        self.env["lease.overdue.engine"]._run(
            contract_ids=contracts.ids if contracts else None, date=day
        )

    def _credit_note(self, move, amount, day):
        """A posted credit note of ``amount`` reconciled with ``move``."""
        refund = self.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": move.partner_id.id,
                "invoice_date": day,
                "date": day,
                "journal_id": move.journal_id.id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "rent reduction",
                            "quantity": 1,
                            "price_unit": amount,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        refund.action_post()
        (refund | move).line_ids.filtered(
            lambda aml: aml.account_id.account_type == "asset_receivable"
        ).reconcile()
        return refund
