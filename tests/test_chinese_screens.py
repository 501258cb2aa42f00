"""Every screen in Chinese (issue 11, "Done when": a person who reads only Chinese,
logging in as each role, reads every screen in Chinese).

As each demo role, in zh_CN, every entry of the 融资租赁 menu he sees is opened the way
the web client opens it (``get_views`` of the action's view types and its search view,
as that user): the menu names, the action's name and help, every label, button, page,
placeholder, tooltip and confirmation of the views, the labels and selection values of
the fields they show. None may be an English text of lease_overdue (a msgid of
lease_overdue.pot left untranslated, or an English text the addon never offered for
translation). English of other modules (Odoo's own screens embedded in ours, e.g. the
working-time calendar) is not the addon's to fix and is left out."""

import re
from collections import defaultdict
from pathlib import Path

import polib
from lxml import etree

from odoo.tests import TransactionCase

POT = (
    Path(__file__).resolve().parent.parent
    / "lease_overdue"
    / "i18n"
    / "lease_overdue.pot"
)
CJK = re.compile(r"[\u4e00-\u9fff]")
WORD = re.compile(r"[A-Za-z]{3,}")
# Abbreviations a Chinese finance department writes as they are.
KEPT = {"PDF", "XLSX", "SHA", "KPI", "SMS", "Excel", "UTC", "CNY", "AAA", "Odoo"}
ATTRIBUTES = ("string", "placeholder", "help", "title", "confirm", "aria-label")
VIEW_TYPES = {"list", "form", "kanban", "pivot", "graph"}
# Screens of other modules our menu opens whose terms are theirs, not ours: OCA
# base_tier_validation's approval-circuit form (administrators only) shows its own
# untranslated "Archived" ribbon.
OTHERS = {"tier.definition"}


def english(text):
    """True for a text a reader of Chinese cannot read: words, and no Chinese."""
    text = (text or "").strip()
    if not text or CJK.search(text):
        return False
    return any(word not in KEPT for word in WORD.findall(text))


class TestChineseScreens(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(
            ["lease_overdue"], ["zh_CN"], overwrite=True
        )
        cls.ours = {
            entry.msgid.strip()
            for entry in polib.pofile(str(POT))
            if entry.msgid.strip()
        }
        cls.root = cls.env.ref("lease_overdue.lease_root_menu")

    def _addon_texts(self, model, arch):
        """The (where, text) of an arch a user reads: attributes and text nodes."""
        tree = etree.fromstring(arch)
        for node in tree.iter():
            if not isinstance(node.tag, str):
                continue
            if node.tag == "search" and node.getparent() is None:
                continue  # the search view's own title is not shown
            for attribute in ATTRIBUTES:
                if node.get(attribute):
                    yield f"{model} <{node.tag} {attribute}>", node.get(attribute)
            for text in (node.text, node.tail):
                if text and text.strip():
                    yield f"{model} <{node.tag}> text", text

    def _field_names(self, arch):
        return {node.get("name") for node in etree.fromstring(arch).iter("field")}

    def _screens_of(self, user):
        """(where, text) of everything the user reads on the Leasing app's screens."""
        env = self.env(user=user, context={"lang": "zh_CN"})
        menus = env["ir.ui.menu"].search([("id", "child_of", self.root.id)])
        visible = env["ir.ui.menu"]._visible_menu_ids()
        # the web client shows a menu when it and all its parents are visible
        shown = menus.filtered(
            lambda m: all(int(i) in visible for i in m.parent_path.split("/")[:-1])
        )
        for menu in shown:
            yield f"menu {menu.complete_name}", menu.name
            action = menu.action
            if not action or action._name != "ir.actions.act_window":
                continue
            action = action.sudo().with_context(lang="zh_CN")
            yield f"action {action.xml_id}", action.name
            if action.help:
                help_text = etree.fromstring(
                    f"<div>{action.help}</div>", etree.HTMLParser()
                )
                for text in help_text.itertext():
                    yield f"action {action.xml_id} help", text
            if action.res_model in OTHERS:
                continue
            types = [t for t in action.view_mode.split(",") if t in VIEW_TYPES]
            result = env[action.res_model].get_views(
                [(False, view_type) for view_type in types] + [(False, "search")]
            )
            fields_info = result["models"][action.res_model]["fields"]
            for view in result["views"].values():
                yield from self._addon_texts(action.res_model, view["arch"])
                for name in self._field_names(view["arch"]) & set(fields_info):
                    info = fields_info[name]
                    yield f"{action.res_model}.{name} label", info.get("string")
                    for _key, label in info.get("selection") or ():
                        if name != "tz":
                            yield f"{action.res_model}.{name} value", label

    def test_every_leasing_screen_reads_in_chinese_for_every_role(self):
        """Issue 11 "Done when" (items 3 and 8): as each of the 16 demo roles, no menu,
        action, view label, button, help or selection value of lease_overdue is English
        in Chinese; each role opens at least a few screens (the check is not empty)."""
        from odoo.addons.lease_overdue.models.lease_contract_demo import DEMO_LOGINS

        english_texts = defaultdict(set)
        for login in DEMO_LOGINS:
            user = self.env.ref(f"lease_overdue.demo_user_{login}")
            screens = 0
            for where, text in self._screens_of(user):
                screens += 1
                if english(text) and (
                    text.strip() in self.ours or where.startswith(("menu", "action"))
                ):
                    english_texts[(where, text.strip()[:80])].add(login)
            self.assertGreater(screens, 20, f"{login} reads next to nothing")
        self.assertFalse(
            english_texts,
            "English in the Chinese interface:\n"
            + "\n".join(
                f"{where}: {text!r} ({', '.join(sorted(logins))})"
                for (where, text), logins in sorted(english_texts.items())
            ),
        )

    def test_the_check_finds_english(self):
        """The check above fails on an untranslated label: a field label of the
        addon reset to its English source shows up."""
        field = self.env["ir.model.fields"]._get("lease.contract", "days_overdue")
        field.with_context(lang="zh_CN").field_description = "Days Overdue"
        self.env.registry.clear_cache()
        manager = self.env.ref("lease_overdue.demo_user_account_manager")
        found = [
            text
            for where, text in self._screens_of(manager)
            if english(text) and text.strip() in self.ours
        ]
        self.assertIn("Days Overdue", found)
