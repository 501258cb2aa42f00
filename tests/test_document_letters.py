"""Letters a legal department would send (issue 11 items 1 and 2; SPEC E3, E4, E7, E8,
E10, A2, A3): letterhead, the company's bank account (我司指定账户), the collection
contact, a 回执 where the policy expects the addressee's receipt or written answer,
signature and seal blocks, CNY amounts with 大写; and the preview of the exact PDF by its
approver before he signs, which writes nothing."""

import json
import os
from urllib.parse import quote

from lease_document_common import LeaseDocumentHttpCase
from lease_test_common import chinese_browser
from test_reports import nospace, pdf_text

from odoo.exceptions import AccessError, UserError, ValidationError

NOTICE_REPORT = "lease_overdue.report_collection_notice"


class TestDocumentLetters(LeaseDocumentHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cny = cls.env.ref("base.CNY")
        cls.cny.active = True
        cls.company.write(
            {
                "name": "上海测试融资租赁有限公司",
                "country_id": cls.env.ref("base.cn").id,
                "state_id": cls.env.ref("base.state_cn_SH").id,
                "city": "上海市",
                "street": "浦东新区张江路88号",
                "street2": False,
                "zip": "201203",
                "phone": "021-6888 0000",
            }
        )
        cls.bank = cls.env["res.bank"].create(
            {"name": "中国建设银行股份有限公司上海张江支行"}
        )
        cls.account = cls.env["res.partner.bank"].create(
            {
                "partner_id": cls.company.partner_id.id,
                "acc_number": "3105 0161 3600 0000 1234",
                "bank_id": cls.bank.id,
            }
        )
        cls.company.write(
            {
                "lease_letter_bank_id": cls.account.id,
                "lease_letter_contact_name": "资产管理部 测试联系人",
                "lease_letter_contact_phone": "021-6888 1234",
            }
        )

    def _pdf(self, records, report_ref=NOTICE_REPORT, user=None):
        reports = self.env["ir.actions.report"].with_context(
            force_report_rendering=True
        )
        if user:
            reports = reports.with_user(user)
        content, report_type = reports._render_qweb_pdf(report_ref, records.ids)
        self.assertEqual(report_type, "pdf")
        self.assertTrue(content.startswith(b"%PDF"))
        if os.environ.get("LEASE_DUMP_PDF"):  # to look at them: pdftoppm -png
            name = f"{report_ref.split('.')[-1]}-{records[:1].id}.pdf"
            with open(os.path.join(os.environ["LEASE_DUMP_PDF"], name), "wb") as handle:
                handle.write(content)
        return content

    def _notice(self, days=10):
        case = self._overdue_case(days, currency_id=self.cny.id)
        return (
            self.env["lease.document"]
            .with_user(self.users["collector"])
            .create({"kind": "collection_notice", "case_id": case.id})
        )

    def _letter_lines(self, doc):
        """What every outgoing letter of the company prints: letterhead, the account to
        pay into and whom to call (spaces removed, as pdf_text does)."""
        return [
            "上海测试融资租赁有限公司",
            "地址：上海市浦东新区张江路88号",
            "邮编：201203",
            "电话：021-68880000",
            "开户行：中国建设银行股份有限公司上海张江支行",
            "账号：31050161360000001234",
            "联系人：资产管理部测试联系人",
            "联系电话：021-68881234",
        ]

    def test_e3_notice_letterhead_account_contact_receipt(self):
        """E3 (D9 L174), issue 11 items 1-2: the rent collection notice prints the
        letterhead (name, Chinese address, postcode, phone), the account to pay into
        (开户名/开户行/账号), the collection contact, the amounts as 人民币…元 with 大写, the
        company seal and the asset-management head's signature, and a tear-off 回执 the
        lessee signs: receipt of the notice, with its number, and his position on the
        amounts."""
        notice = self._notice()
        text = pdf_text(self._pdf(notice, user=self.users["am_head"]))
        words = notice._lease_amount_in_words(notice.amount_overdue)
        self.assertTrue(words.endswith(("整", "分", "角")))
        for expected in [
            *self._letter_lines(notice),
            "开户名：上海测试融资租赁有限公司",
            "至我司指定账户",
            f"逾期租金共计{notice._lease_money(notice.amount_overdue, self.cny)}",
            f"大写：{words}",
            "人民币",
            "盖章处",
            "上海测试融资租赁有限公司（盖章）",
            "资产管理部负责人（签字）：",
            "回执",
            "《租金催收通知书》（编号：" + notice.name + "）",
            "承租人（盖章）：" + notice.recipient_id.name,
            "签收人（签字）",
            "□无异议",
            "预计付款日期",
        ]:
            self.assertIn(nospace(expected), text)
        self.assertEqual(text.count(notice.name), 2, "the number: letter and 回执")

    def test_e4_e8_e10_letters_account_and_receipts(self):
        """E4/E7 (D9 L175, L187), E8 (D9 L191), E10 (D9 L193, L198): lawyer's letters
        ask to pay into the client's account and carry the law firm's seal, no 回执 (the
        firm sends them); the guarantor signs a 回执 of the written notice; the vendor
        with a buy-back guarantee answers on the 回执 in writing whether he agrees to
        the measures (the written notice E10 keeps)."""
        case = self._overdue_case(
            35,
            currency_id=self.cny.id,
            guarantor_ids=self._guarantors(),
            has_buyback_guarantee=True,
        )
        Document = self.env["lease.document"]
        lawyer = Document.with_user(self.users["legal"]).create(
            {
                "kind": "lawyer_letter",
                "case_id": case.id,
                "lawyer_name": "李明",
                "law_firm": "上海测试律师事务所",
            }
        )
        guarantor = Document.with_user(self.users["legal"]).create(
            {"kind": "guarantor_notice", "case_id": case.id}
        )
        vendor = Document.with_user(self.users["collector"]).create(
            {"kind": "vendor_notice", "case_id": case.id}
        )
        text = pdf_text(self._pdf(lawyer, "lease_overdue.report_lawyer_letter"))
        for expected in [
            *self._letter_lines(lawyer),
            "委托人指定收款账户",
            "上海测试律师事务所（盖章）",
            "律师（签字）：李明",
        ]:
            self.assertIn(nospace(expected), text)
        self.assertNotIn("回执", text)
        text = pdf_text(self._pdf(guarantor, "lease_overdue.report_guarantor_notice"))
        for expected in [
            *self._letter_lines(guarantor),
            "法律合规部负责人（签字）：",
            "回执",
            "《承租人逾期通知书（致担保人）》（编号：" + guarantor.name + "）",
            "担保人（签字或盖章）：" + guarantor.recipient_id.name,
            "已知悉承租人" + case.partner_id.name,
        ]:
            self.assertIn(nospace(expected), text)
        text = pdf_text(self._pdf(vendor, "lease_overdue.report_vendor_notice"))
        for expected in [
            "回执",
            "出卖人（盖章）：" + self.vendor.name,
            "□同意贵司采取上述措施",
            "□不同意贵司采取上述措施，并将按回购担保的约定履行回购义务",
            "联系人：资产管理部测试联系人",
        ]:
            self.assertIn(nospace(expected), text)

    def test_letter_settings_bank_and_contact(self):
        """Issue 11 item 2: the settings choose the account and the contact the letters
        print; without a choice, the company's first bank account and its phone; an
        account of another partner is refused."""
        settings = self.env["res.config.settings"].create(
            {
                "lease_letter_bank_id": False,
                "lease_letter_contact_name": "资产管理部 王经理",
                "lease_letter_contact_phone": False,
            }
        )
        settings.execute()
        self.assertFalse(self.company.lease_letter_bank_id)
        self.assertEqual(self.company.lease_letter_contact_name, "资产管理部 王经理")
        first = self.company.partner_id.bank_ids[:1]
        self.assertTrue(first)
        self.assertEqual(self.company._lease_letter_bank(), first)
        self.assertEqual(self.company._lease_letter_contact_phone(), "021-6888 0000")
        other = self.env["res.partner.bank"].create(
            {"partner_id": self.vendor.id, "acc_number": "6222 0000 1111 2222"}
        )
        with self.assertRaises(ValidationError):
            self.company.lease_letter_bank_id = other

    def _preview_url(self, action):
        context = quote(json.dumps({"force_report_rendering": True}))
        return f"{action['url']}?context={context}"

    def test_preview_by_approver_writes_nothing(self):
        """Issue 11 item 2 (SPEC E3, A2, A3): the head of asset management opens the
        exact PDF of the notice waiting for his signature: the same report over the
        read-only report route, a real PDF with the letter, the account and the 回执;
        no attachment is created, the state and the signature are untouched; once he
        signed and the notice is issued, the archived PDF is that letter."""
        notice = self._notice()
        collector = notice.with_user(self.users["collector"])
        collector.action_submit()
        self.assertEqual(notice.state, "to_approve")
        head = self.users["am_head"]
        # In tests the HTTP server shares the test's cursor: the read-only report route
        # cannot create the report's asset bundle that wkhtmltopdf fetches; build it first.
        self._pdf(notice)
        Attachment = self.env["ir.attachment"].sudo()
        attachments = Attachment.search_count([])
        action = notice.with_user(head).action_preview_pdf()
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertEqual(
            action["url"],
            f"/report/pdf/lease_overdue.document_collection_notice/{notice.id}",
        )
        self.authenticate(head.login, head.login)
        response = self.url_open(self._preview_url(action), timeout=120)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        self.assertTrue(response.content.startswith(b"%PDF"))
        preview = pdf_text(response.content)
        self.env.invalidate_all()
        self.assertEqual(Attachment.search_count([]), attachments)
        self.assertEqual(notice.state, "to_approve")
        self.assertFalse(notice.signed_by_id or notice.attachment_id)
        self.assertFalse(notice.content_hash)
        content = [
            "租金催收通知书",
            "账号：31050161360000001234",
            "联系人：资产管理部测试联系人",
            "回执",
            f"大写：{notice._lease_amount_in_words(notice.amount_overdue)}",
        ]
        self.assertIn("草稿DRAFT", preview, "not signed yet: the draft watermark")
        for expected in content:
            self.assertIn(nospace(expected), preview)
        # Signed and issued: the archived letter is the one previewed, signed.
        notice.with_user(head).action_approve()
        collector.with_context(force_report_rendering=True).action_issue()
        archived = pdf_text(notice.attachment_id.raw)
        self.assertNotIn("DRAFT", archived)
        for expected in [*content, "资产管理部负责人（签字）：" + head.name]:
            self.assertIn(nospace(expected), archived)
        with self.assertRaises(UserError):
            notice.with_user(head).action_preview_pdf()

    def test_preview_needs_read_access(self):
        """Issue 11 item 2 (SPEC A2): whoever may not read the document cannot preview
        it: an account manager of other contracts is refused by the button and by the
        report route."""
        notice = self._notice()
        notice.with_user(self.users["collector"]).action_submit()
        stranger = self.users["account_manager2"]
        with self.assertRaises(AccessError):
            notice.with_user(stranger).action_preview_pdf()
        action = notice.with_user(self.users["am_head"]).action_preview_pdf()
        self.authenticate(stranger.login, stranger.login)
        response = self.url_open(self._preview_url(action), timeout=120)
        self.assertNotEqual(response.status_code, 200)
        self.assertFalse(response.content.startswith(b"%PDF"))

    def test_tour_head_previews_then_signs(self):
        """Issue 11 item 10 (SPEC E3): in a real browser, in Chinese, the head of asset
        management opens the notice waiting for him, previews its PDF, then signs it:
        the notice is approved and signed by him."""
        chinese_browser(self.env)
        notice = self._notice()
        notice.with_user(self.users["collector"]).action_submit()
        head = self.users["am_head"]
        head.write({"lang": "zh_CN", "tz": "Asia/Shanghai"})
        self._pdf(notice)  # the report's assets, as in the preview test above
        self.start_tour(
            f"/odoo/lease.document/{notice.id}",
            "lease_head_sign_tour",
            login=head.login,
        )
        self.env.invalidate_all()
        self.assertEqual(notice.state, "approved")
        self.assertEqual(notice.signed_by_id, head)
