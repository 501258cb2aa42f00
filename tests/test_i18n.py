"""Translation: the interface is complete in Chinese (issue 5 item 6, README)."""

import io
from pathlib import Path

import polib
from lxml import etree

from odoo.tests import TransactionCase
from odoo.tools.translate import trans_export

I18N = Path(__file__).resolve().parent.parent / "lease_overdue" / "i18n"


class TestTranslations(TransactionCase):
    def _current_terms(self):
        """msgids the code and data of the installed addon have now."""
        buffer = io.BytesIO()
        trans_export(None, ["lease_overdue"], buffer, "po", self.env)
        catalog = polib.pofile(buffer.getvalue().decode())
        return {entry.msgid for entry in catalog}

    def test_zh_cn_po_complete_and_current(self):
        """Every user-facing string of the addon has a Chinese translation in zh_CN.po."""
        po = polib.pofile(str(I18N / "zh_CN.po"))
        translated = {
            entry.msgid for entry in po if entry.msgstr.strip() and not entry.obsolete
        }
        missing = sorted(self._current_terms() - translated)
        self.assertFalse(
            missing,
            f"{len(missing)} strings without a zh_CN translation, e.g. {missing[:10]}",
        )
        fuzzy = [entry.msgid for entry in po if "fuzzy" in entry.flags]
        self.assertFalse(fuzzy, f"fuzzy translations: {fuzzy[:10]}")

    def test_pot_is_current(self):
        """lease_overdue.pot lists the addon's strings as they are now."""
        pot = {entry.msgid for entry in polib.pofile(str(I18N / "lease_overdue.pot"))}
        self.assertEqual(sorted(self._current_terms() - pot), [])

    def test_interface_in_chinese(self):
        """With zh_CN loaded, labels, menus and selections read in Chinese."""
        lang = self.env["res.lang"]._activate_lang("zh_CN")
        self.assertTrue(lang.active)
        self.env["ir.module.module"]._load_module_terms(
            ["lease_overdue"], ["zh_CN"], overwrite=True
        )
        env = self.env(context={"lang": "zh_CN"})
        fields_info = env["lease.contract"].fields_get(
            ["days_overdue", "partner_id", "state"]
        )
        self.assertEqual(fields_info["partner_id"]["string"], "承租人")
        self.assertEqual(fields_info["days_overdue"]["string"], "逾期天数")
        self.assertIn(("active", "有效"), fields_info["state"]["selection"])
        menu = env.ref("lease_overdue.lease_root_menu")
        self.assertEqual(menu.name, "融资租赁")
        tier = env.ref("lease_overdue.tier_1")
        self.assertIn("一级", tier.name)

    def test_buttons_agree_with_states(self):
        """Issue 11 item 3 (mistranslations): in Chinese a button reads like the state it
        leads to (contract 结清, legal case 结案), a collection case is 未结 until 结案, and
        the task list's Open button reads 打开, not the case state 未结."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(
            ["lease_overdue"], ["zh_CN"], overwrite=True
        )
        env = self.env(context={"lang": "zh_CN"})

        def button(view, name):
            arch = env.ref("lease_overdue." + view).arch_db
            return (
                etree.fromstring(arch)
                .xpath(f"//button[@name='{name}']")[0]
                .get("string")
            )

        def state(model, value):
            return dict(env[model].fields_get(["state"])["state"]["selection"])[value]

        self.assertEqual(state("lease.contract", "closed"), "结清")
        self.assertEqual(button("lease_contract_view_form", "action_close"), "结清")
        self.assertEqual(state("lease.legal.case", "closed"), "结案")
        self.assertEqual(button("lease_legal_case_view_form", "action_close"), "结案")
        self.assertEqual(state("lease.collection.case", "open"), "未结")
        self.assertEqual(state("lease.collection.case", "closed"), "结案")
        for view, name in (
            ("mail_activity_view_list_lease", "action_open_document"),
            ("lease_escalation_log_view_list", "action_open_target"),
        ):
            self.assertEqual(button(view, name), "打开", view)
