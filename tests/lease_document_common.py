"""Fixtures for the approval, legal, disposal and risk tests: one user per department and
role, real contracts with real invoices and payments, and overdue cases produced by the
overdue engine under freeze_time."""

import base64
from datetime import date, timedelta

from freezegun import freeze_time
from lease_test_common import (
    contract_vals,
    english_stored_texts,
    register_payment,
    unlock_demo_months,
)

from odoo import Command
from odoo.tests import HttpCase, TransactionCase, new_test_user

GROUP = "lease_overdue.group_"
DUE = date(2026, 2, 10)  # first installment of every contract: 10 000 rent


class LeaseDocumentMixin:
    """Users, partners and helpers; mixed into a TransactionCase or an HttpCase."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.bank_journal = cls.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", cls.company.id)], limit=1
        )
        roles = {
            "am_head": "asset_management_head",
            "collector": "asset_management",
            "risk_head": "risk_management_head",
            "risk_officer": "risk_management",
            "legal_head": "legal_head",
            "legal": "legal",
            "legal2": "legal",
            "biz_head": "business_head",
            "account_manager": "business",
            "account_manager2": "business",
            "finance_head": "finance_head",
            "finance": "finance",
            "committee": "review_committee",
            "gm": "general_manager",
            "lease_admin": "lease_manager",
        }
        cls.users = {
            role: new_test_user(
                cls.env, f"t4_{role}", groups=GROUP + group, name=f"T4 {role}"
            )
            for role, group in roles.items()
        }
        # The company's responsible people are these users (issue 12 item 4): created
        # after the demo heads, they are not the head groups' first users.
        cls.company.write(
            {
                "lease_head_asset_management_id": cls.users["am_head"].id,
                "lease_head_risk_management_id": cls.users["risk_head"].id,
                "lease_head_legal_id": cls.users["legal_head"].id,
                "lease_head_business_id": cls.users["biz_head"].id,
                "lease_head_finance_id": cls.users["finance_head"].id,
                "lease_head_review_committee_id": cls.users["committee"].id,
                "lease_head_general_manager_id": cls.users["gm"].id,
            }
        )
        cls.vendor = cls.env["res.partner"].create(
            {"name": "测试出卖人股份有限公司", "is_company": True}
        )
        cls.guarantor = cls.env["res.partner"].create(
            {"name": "担保人 张三", "is_company": False}
        )
        cls.guarantor2 = cls.env["res.partner"].create(
            {"name": "担保公司有限公司", "is_company": True}
        )
        cls._lessee_count = 0

    @classmethod
    def _lessee(cls, **vals):
        cls._lessee_count += 1
        return cls.env["res.partner"].create(
            {
                "name": f"测试承租人{cls._lessee_count}有限公司",
                "is_company": True,
                **vals,
            }
        )

    @classmethod
    def _contract_vals(cls, **overrides):
        lessee = overrides.pop("partner", None) or cls._lessee()
        return contract_vals(
            lessee,
            cls.vendor,
            cls.users["account_manager"],
            cls.users["collector"],
            DUE,
            **overrides,
        )

    def _contract(self, **overrides):
        """An active contract whose first installment (due DUE) is invoiced."""
        contract = self.env["lease.contract"].create(self._contract_vals(**overrides))
        contract.action_generate_schedule()
        with freeze_time(DUE - timedelta(days=5)):
            contract.action_activate()
            contract.action_invoice_due()
        self.assertEqual(len(contract.installment_ids.filtered("move_id")), 1)
        return contract

    def _run(self, days, contracts=None):
        """Run the overdue engine on the day the first installment is ``days`` overdue."""
        with freeze_time(DUE + timedelta(days=days)):
            self.env["lease.overdue.engine"]._run(
                contract_ids=contracts.ids if contracts is not None else None
            )

    def _overdue_case(self, days, **overrides):
        contract = self._contract(**overrides)
        self._run(days, contract)
        case = contract.current_case_id
        self.assertTrue(case, "the overdue engine opens a collection case")
        self.assertEqual(case.days_overdue, days)
        return case

    def _pay(self, move, amount, pay_date):
        """Register a real payment on ``move`` on ``pay_date``."""
        with freeze_time(pay_date):
            return register_payment(self.env, move, amount, pay_date, self.bank_journal)

    def _attachment(self, name="scan.pdf", user=None):
        """An uploaded file, as the user uploading it (a file without a document is
        readable by its uploader only)."""
        attachments = self.env["ir.attachment"]
        if user:
            attachments = attachments.with_user(user)
        return attachments.create(
            {"name": name, "datas": base64.b64encode(b"%PDF-1.4 test")}
        )

    def _flush_tracking(self):
        """Tracking values are written when the transaction commits: do it now."""
        self.env.flush_all()
        self.env.cr.precommit.run()

    @staticmethod
    def _on(day):
        return freeze_time(DUE + timedelta(days=day))

    def _guarantors(self):
        return [Command.set((self.guarantor | self.guarantor2).ids)]


class LeaseDocumentCase(LeaseDocumentMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        english_stored_texts(cls.env)
        unlock_demo_months(cls.env)


class LeaseDocumentHttpCase(LeaseDocumentMixin, HttpCase):
    pass
