"""Every condition of the policy on both sides of its boundary (issue 9 item 11).

Each test names its SPEC id and policy line, and builds the data through the real flow
(contracts, invoices, payments, the overdue engine, the escalation job) in a company in
Asia/Shanghai on China's calendar (lease_escalation_common). Each one fails when the
code's boundary moves by one (day, count, amount band, grade): the values on both sides
of every boundary are in the data. The D8 matrix (E12) is tested elsewhere.
"""

from datetime import date, timedelta

from freezegun import freeze_time
from lease_escalation_common import DUE, EscalationCase
from lxml import etree
from psycopg2 import IntegrityError

from odoo.exceptions import UserError, ValidationError
from odoo.tests import new_test_user
from odoo.tools import mute_logger
from odoo.tools.safe_eval import safe_eval

from odoo.addons.lease_overdue.models.lease_contract import lease_sms_amount

HISTORY_DUE = date(2026, 1, 10)  # first due date of the contracts with a history


class BoundaryCase(EscalationCase):
    @classmethod
    def _history(cls, name, lates, amount=120000.0, open_line=None, **overrides):
        """A lessee whose installments 1, 2, ... (due on the 10th from January 2026) were
        paid ``lates[i]`` days late (0: on the due date); installment ``open_line``
        (1-based) is invoiced and left unpaid."""
        lessee = cls._lessee(name)
        contract = cls._contract(
            lessee,
            amount=amount,
            date_start=date(2025, 12, 1),
            date_first_due=HISTORY_DUE,
            **overrides,
        )
        lines = contract.installment_ids.sorted("sequence")
        for line, late in zip(lines, lates, strict=False):
            with freeze_time(line.date_due):
                line._create_rent_invoices()
            paid = line.date_due + timedelta(days=late)
            with freeze_time(paid):
                cls._pay(cls, line.move_id, line.amount_rent, paid)
        if open_line:
            line = lines[open_line - 1]
            with freeze_time(line.date_due):
                line._create_rent_invoices()
        return contract

    def _targets(self, records, xmlid):
        """The records of ``records`` that have an escalation log of rule ``xmlid``."""
        logs = self.Log.search(
            [
                ("rule_id", "=", self._rule(xmlid).id),
                ("res_model", "=", records._name),
                ("res_id", "in", records.ids),
            ]
        )
        return records.filtered(lambda r: r.id in logs.mapped("res_id"))

    def _search_filter(self, model, view_xmlid, name, records):
        """Apply the filter (or group-by) ``name`` of the search view as the web client
        does: the domain written in the view, not one copied into the test."""
        view = self.env.ref(view_xmlid)
        arch = self.env[model].get_view(view.id, "search")["arch"]
        node = etree.fromstring(arch).xpath(f"//filter[@name='{name}']")
        self.assertEqual(len(node), 1, f"filter {name} of {view_xmlid}")
        node = node[0]
        scope = [("id", "in", records.ids)]
        if node.get("domain"):
            domain = safe_eval(node.get("domain"), {"uid": self.env.uid})
            return self.env[model].search(scope + domain)
        group_by = safe_eval(node.get("context"))["group_by"]
        return dict(self.env[model]._read_group(scope, [group_by], ["__count"]))


class TestPreDueBoundaries(BoundaryCase):
    """R2, R3, R4 / D5 L88, L92, L93 on both sides of each condition."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # installments due 01-10, 02-10, 03-10, 04-10 paid late by these days; the fifth
        # is due on Sunday 05-10; the run is on Friday 05-08 (inside its 5 working days).
        cls.c4_d11 = cls._history("count 4, days 11", (3, 3, 3, 2))
        cls.c3_d11 = cls._history("count 3, days 11", (4, 4, 3, 0))
        cls.c4_d10 = cls._history("count 4, days 10", (3, 3, 2, 2))
        cls.march_only = cls._history("late in March only", (0, 0, 5, 0))
        cls.april_only = cls._history("late in April only", (0, 0, 0, 5))
        cls.two_months = cls._history("late in March and April", (0, 0, 2, 2))
        cls.all = (
            cls.c4_d11
            | cls.c3_d11
            | cls.c4_d10
            | cls.march_only
            | cls.april_only
            | cls.two_months
        )

    def test_counters_built(self):
        """The histories give the counters the boundaries need (SPEC O4)."""
        self._day(date(2026, 5, 8), self.all)
        figures = {
            c: (c.partner_id.lease_overdue_count, c.partner_id.lease_overdue_days_total)
            for c in self.all
        }
        self.assertEqual(figures[self.c4_d11], (4, 11))
        self.assertEqual(figures[self.c3_d11], (3, 11))
        self.assertEqual(figures[self.c4_d10], (4, 10))
        self.assertEqual(figures[self.two_months], (2, 4))

    def test_r2_count_above_3_and_days_above_10(self):
        """R2 / D5 L88 (一.2) "累计逾期次数大于3次, 逾期天数累计大于10天": pre-due calls for
        count 4 and days 11 only; count 3 with days 11, or count 4 with days 10, get
        none (each condition alone is not enough; 3 and 10 are not "above")."""
        self._day(date(2026, 5, 8), self.all)
        self.assertEqual(self._targets(self.all, "d5_predue_calls"), self.c4_d11)
        calls = self._tasks(self.c4_d11, "d5_predue_calls")
        self.assertEqual(len(calls), 1)
        self.assertEqual(calls.user_id, self.risk_officer)

    def test_r3_overdue_in_each_of_the_last_two_months(self):
        """R3 / D5 L92 "近2个月连续逾期": in May, a pre-due visit for lessees late in March
        and in April; late in only one of the two months: no visit."""
        self._day(date(2026, 5, 8), self.all)
        self.assertEqual(
            self._targets(self.all, "d5_predue_visit_two_months"),
            self.c4_d11 | self.c4_d10 | self.two_months,
        )
        for contract in (self.march_only, self.april_only, self.c3_d11):
            self.assertFalse(contract.partner_id.lease_overdue_last_two_months)

    def test_r4_count_above_3_key_watch(self):
        """R4 / D5 L93 "逾期次数累计大于3次": count 4 is on the key watch list (partner and
        contract filters) and gets the selective pre-due visit; count 3 does not."""
        self._day(date(2026, 5, 8), self.all)
        key_watch = self.c4_d11 | self.c4_d10
        self.assertEqual(
            self._targets(self.all, "d5_predue_visit_key_watch"), key_watch
        )
        self.assertEqual(
            self.all.partner_id.filtered("lease_is_key_watch"), key_watch.partner_id
        )
        self.assertEqual(
            self._search_filter(
                "lease.contract",
                "lease_overdue.lease_contract_view_search",
                "key_watch",
                self.all,
            ),
            key_watch,
        )
        self.assertEqual(
            self._search_filter(
                "res.partner",
                "base.view_res_partner_filter",
                "lease_key_watch",
                self.all.partner_id,
            ),
            key_watch.partner_id,
        )


class TestVisitBoundaries(BoundaryCase):
    """E2 / C8: on-site visits after 3 working days, staffed by locality, non-local ones
    selected by risk grade (D5 L90, L94, L96)."""

    # Rent = financed amount / 12 (no interest): 99,999 is in the "below 100,000" band
    # (grade A in tier 1), 100,000 in the next band (grade B).
    SMALL, BAND = 1199988.0, 1200000.0

    def _until_working_day_4(self, contracts):
        """Days 1-6 from the Tuesday DUE: working days 1-3 on days 1-3, the weekend,
        Monday = working day 4. Asserts that working day 3 has no visit."""
        for offset in range(1, 7):
            self._day(self.offset(offset), contracts)
            if offset == 3:
                for contract in contracts:
                    self.assertEqual(contract.working_days_overdue, 3)
                    case = contract.current_case_id
                    self.assertFalse(self._tasks(case, "d5_visit_local"))
                    self.assertFalse(self._tasks(case, "d5_visit_non_local"))
        for contract in contracts:
            self.assertEqual(contract.working_days_overdue, 4)

    def test_e2_non_local_visit_by_risk_grade(self):
        """E2 / D5 L94 "根据账户风险等级进行选择性上门催收" (minimum grade B): a non-local
        lessee owing 100,000 (grade B) is visited on working day 4, one owing 99,999
        (grade A) is not; a local lessee of grade A is visited (no grade filter)."""
        non_local_a = self._contract(
            self._lessee("Non-local A"), "non_local", amount=self.SMALL
        )
        non_local_b = self._contract(
            self._lessee("Non-local B"), "non_local", amount=self.BAND
        )
        local_a = self._contract(self._lessee("Local A"), "local", amount=self.SMALL)
        contracts = non_local_a | non_local_b | local_a
        self._until_working_day_4(contracts)
        self.assertEqual(non_local_a.overdue_amount, 99999.0)
        self.assertEqual(non_local_b.overdue_amount, 100000.0)
        self.assertEqual(
            contracts.mapped("risk_grade"), ["a", "b", "a"], "grades of the fixture"
        )
        self.assertEqual(self._rule("d5_visit_non_local").min_risk_grade, "b")
        cases = contracts.current_case_id
        self.assertEqual(
            self._targets(cases, "d5_visit_non_local"), non_local_b.current_case_id
        )
        self.assertEqual(
            self._targets(cases, "d5_visit_local"), local_a.current_case_id
        )

    def test_c8_locality_drives_visit_staffing(self):
        """C8 / D5 L94: same grade, same day; local: risk officer and account manager;
        non-local: risk officer, team lead and account manager. Each lessee gets only the
        visit of its locality."""
        local = self._contract(self._lessee("Local B"), "local", amount=self.BAND)
        remote = self._contract(
            self._lessee("Non-local B"), "non_local", amount=self.BAND
        )
        self._until_working_day_4(local | remote)
        self.assertEqual((local.risk_grade, remote.risk_grade), ("b", "b"))
        local_case, remote_case = local.current_case_id, remote.current_case_id
        self.assertEqual(
            set(self._tasks(local_case, "d5_visit_local").user_id.ids),
            {self.risk_officer.id, self.account_manager.id},
        )
        self.assertFalse(self._tasks(local_case, "d5_visit_non_local"))
        self.assertEqual(
            set(self._tasks(remote_case, "d5_visit_non_local").user_id.ids),
            {self.risk_officer.id, self.team_lead.id, self.account_manager.id},
        )
        self.assertFalse(self._tasks(remote_case, "d5_visit_local"))


class TestContractPeopleAndBuyback(BoundaryCase):
    """C6, C9: the flags and people on the contract drive the rules."""

    def test_c9_tasks_go_to_the_people_on_the_contract(self):
        """C9 / D9 L173, D5 L94: each contract's collector gets its calls, its risk
        officer, team lead and account manager its visit; another contract's people get
        nothing of it; without a collector, the head of asset management gets the calls."""
        group = "lease_overdue.group_"
        other = {
            "collector_id": new_test_user(
                self.env, "c9_collector", groups=group + "asset_management"
            ),
            "account_manager_id": new_test_user(
                self.env, "c9_am", groups=group + "business"
            ),
            "team_lead_id": new_test_user(
                self.env, "c9_team_lead", groups=group + "business"
            ),
            "risk_officer_id": new_test_user(
                self.env, "c9_risk", groups=group + "risk_management"
            ),
        }
        mine = self._contract(self._lessee("C9 mine"), "non_local", amount=1200000.0)
        theirs = self._contract(
            self._lessee("C9 theirs"),
            "non_local",
            amount=1200000.0,
            **{field: user.id for field, user in other.items()},
        )
        nobody = self._contract(self._lessee("C9 no collector"), collector_id=False)
        contracts = mine | theirs | nobody
        for offset in range(1, 7):
            self._day(self.offset(offset), contracts)
        for contract, people in (
            (
                mine,
                (
                    self.collector,
                    self.risk_officer,
                    self.team_lead,
                    self.account_manager,
                ),
            ),
            (
                theirs,
                tuple(
                    other[f]
                    for f in (
                        "collector_id",
                        "risk_officer_id",
                        "team_lead_id",
                        "account_manager_id",
                    )
                ),
            ),
        ):
            case = contract.current_case_id
            collector, risk, lead, manager = people
            self.assertEqual(self._tasks(case, "d9_phone_week1").user_id, collector)
            # The D5 calls join the collector's open phone task (one task per kind,
            # issue 9 item 10): their ledger rows point to it.
            self.assertEqual(
                self._logs(case, "d5_calls_twice").activity_id.user_id, collector
            )
            self.assertEqual(
                set(self._tasks(case, "d5_visit_non_local").user_id.ids),
                {risk.id, lead.id, manager.id},
            )
        calls = self._tasks(nobody.current_case_id, "d9_phone_week1")
        self.assertEqual(len(calls.user_id), 1)
        self.assertNotIn(calls.user_id, self.collector | other["collector_id"])
        head = self.env["res.users"].search(
            [
                (
                    "all_group_ids",
                    "in",
                    self.env.ref(group + "asset_management_head").id,
                ),
                ("company_ids", "in", self.company.id),
                ("share", "=", False),
            ],
            order="id",
            limit=1,
        )
        if head:
            self.assertEqual(calls.user_id, head)
        else:
            self.assertTrue(calls.user_id.has_group(group + "asset_management"))

    def test_c6_buyback_flag_drives_the_buyback_rules(self):
        """C6 / D9 L193, L198: a rule for buy-back contracts fires for the contract with
        the vendor's buy-back guarantee only, its "without" twin for the other; a
        vendor's objection is refused on the contract without the guarantee."""
        phone = self.env.ref("lease_overdue.mail_activity_type_lease_phone")
        collector_role = self.env.ref("lease_overdue.lease_escalation_role_collector")
        rules = {
            kind: self.Rule.create(
                {
                    "name": f"C6 {kind}",
                    "trigger": "overdue_day",
                    "day_from": 1,
                    "buyback": kind,
                    "action": "activity",
                    "activity_type_id": phone.id,
                    "role_ids": [(6, 0, collector_role.ids)],
                }
            )
            for kind in ("with", "without")
        }
        with_bb = self._contract(self._lessee("C6 buy-back"), buyback=True)
        without = self._contract(self._lessee("C6 no buy-back"), buyback=False)
        self._day(self.offset(1), with_bb | without)
        cases = (with_bb | without).current_case_id
        for kind, contract in (("with", with_bb), ("without", without)):
            logs = self.Log.search(
                [("rule_id", "=", rules[kind].id), ("case_id", "in", cases.ids)]
            )
            self.assertEqual(logs.case_id, contract.current_case_id, kind)
        attachment = self.env["ir.attachment"].create(
            {"name": "objection.pdf", "raw": b"%PDF-1.4 objection"}
        )
        with self.assertRaisesRegex(ValidationError, "buy-back"):
            self.env["lease.vendor.objection"].create(
                {
                    "case_id": without.current_case_id.id,
                    "notice_attachment_ids": [(6, 0, attachment.ids)],
                    "line_ids": [(0, 0, {"scope": "disposal"})],
                }
            )
        self.assertFalse(without.current_case_id.vendor_objection)


class TestLitigationLetterDay30(BoundaryCase):
    """E7 / D9 L187-L188: the pre-litigation letter at day 30, earlier only with the
    consent of the departments concerned."""

    def test_e7_day_30_not_29_and_early_only_with_consent(self):
        """E7 / D9 L187: legal is asked for the 诉讼律师函 on day 30, not on day 29.
        D9 L188: a letter legal prepares on day 29 is flagged early and goes out only
        with the consents of asset management, risk management and business (the legal
        head cannot sign it first); the day-30 step then prepares no second letter."""
        group = "lease_overdue.group_"
        legal = new_test_user(self.env, "e7_legal", groups=group + "legal")
        legal_head = new_test_user(
            self.env, "e7_legal_head", groups=group + "legal_head"
        )
        on_time = self._contract(self._lessee("E7 on time"))
        early = self._contract(self._lessee("E7 early"))
        contracts = on_time | early
        Document = self.env["lease.document"]
        for offset in range(1, 31):
            self._day(self.offset(offset), contracts, twice=False)
            case = on_time.current_case_id
            letters = Document.search(
                [("case_id", "=", case.id), ("kind", "=", "litigation_letter")]
            )
            if offset == 29:
                self.assertFalse(self._logs(case, "d9_litigation_letter"))
                self.assertFalse(self._tasks(case, "d9_litigation_letter"))
                self.assertFalse(letters)
                with freeze_time(self.offset(29)):
                    letter = Document.with_user(legal).create(
                        {
                            "kind": "litigation_letter",
                            "case_id": early.current_case_id.id,
                            "lawyer_name": "王律师",
                        }
                    )
                self.assertEqual(letter.days_overdue, 29)
                self.assertTrue(letter.is_early_litigation)
                with freeze_time(self.offset(29)):
                    letter.with_user(legal).action_submit()
                    with self.assertRaises(UserError):
                        letter.with_user(legal_head).action_approve()
                self.assertEqual(letter.state, "to_approve")
            if offset == 30:
                self.assertEqual(len(self._logs(case, "d9_litigation_letter")), 1)
                task = self._tasks(case, "d9_litigation_letter")
                self.assertEqual(len(task), 1)
                self.assertTrue(task.user_id.has_group(group + "legal"))
                self.assertEqual(len(letters), 1)
                self.assertEqual(letters.days_overdue, 30)
                self.assertFalse(letters.is_early_litigation)
                self.assertEqual(
                    Document.search(
                        [
                            ("case_id", "=", early.current_case_id.id),
                            ("kind", "=", "litigation_letter"),
                        ]
                    ),
                    letter,
                    "the early letter is the case's letter",
                )


class TestQueueOrder(BoundaryCase):
    """E13 / D5 L91: queues by cumulative overdue count, then cumulative days, then grade."""

    def test_e13_count_then_days_then_grade(self):
        """E13 / D5 L91 "累计逾期次数多、及累计逾期天数多的账户...优先处理": on 03-11 (the
        March rent 1 day overdue) X (count 3, 7 days) comes before Y (count 2, 21 days:
        count before days), Y before W (count 2, 6 days: days decide), W (grade B) before
        Z (count 2, 6 days, grade A: the grade decides a tie). Created in the reverse
        order, so that an order by id would fail."""
        z = self._history("Z", (0, 5), open_line=3)
        w = self._history("W", (0, 5), amount=1200000.0, open_line=3)
        y = self._history("Y", (0, 20), open_line=3)
        x = self._history("X", (3, 3), open_line=3)
        contracts = z | w | y | x
        self._day(date(2026, 3, 11), contracts)
        figures = [
            (c.overdue_count, c.overdue_days_total, c.risk_grade) for c in (x, y, w, z)
        ]
        self.assertEqual(figures, [(3, 7, "a"), (2, 21, "a"), (2, 6, "b"), (2, 6, "a")])
        cases = contracts.current_case_id
        queue = self.env["lease.collection.case"].search(
            [("id", "in", cases.ids)], order="collection_priority desc, id"
        )
        self.assertEqual(queue.contract_id.ids, (x | y | w | z).ids)
        tasks = self.Activity.with_user(self.collector).search(
            [
                ("lease_case_id", "in", cases.ids),
                ("lease_escalation_rule_id", "=", self._rule("d9_phone_week1").id),
            ],
            order="lease_priority desc, id",
        )
        self.assertEqual(
            tasks.mapped("lease_case_id.contract_id").ids, queue.contract_id.ids
        )


class TestSearchFilters(BoundaryCase):
    """O6: the overdue filters and group-bys of contracts, partners and invoices return
    exactly the records on each side of the tier bounds (D9 L170)."""

    RUN = date(2026, 4, 20)
    DAYS = (0, 1, 15, 16, 30, 31, 45, 46)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.by_days = {}
        for days in cls.DAYS:
            due = cls.RUN - timedelta(days=days)
            contract = cls._contract(
                cls._lessee(f"O6 {days} days"),
                date_start=due - timedelta(days=40),
                date_first_due=due,
            )
            line = contract.installment_ids.sorted("sequence")[0]
            with freeze_time(due):
                line._create_rent_invoices()
            cls.by_days[days] = contract
        cls.contracts = cls.env["lease.contract"].union(*cls.by_days.values())

    def _with(self, *days):
        return self.env["lease.contract"].union(*(self.by_days[d] for d in days))

    def test_o6_contract_filters_exact(self):
        """O6 / D9 L170: "16-30 Days" gives exactly the contracts 16 and 30 days overdue
        (not 15, not 31); likewise each tier filter; "Overdue" all but day 0; group by
        tier counts each tier's contracts."""
        self._run(self.RUN, self.contracts)
        self.assertEqual(
            [self.by_days[d].days_overdue for d in self.DAYS], list(self.DAYS)
        )
        view = "lease_overdue.lease_contract_view_search"
        expected = {
            "overdue": self._with(1, 15, 16, 30, 31, 45, 46),
            "tier1": self._with(1, 15),
            "tier2": self._with(16, 30),
            "tier3": self._with(31, 45),
            "tier4": self._with(46),
        }
        for name, contracts in expected.items():
            self.assertEqual(
                self._search_filter("lease.contract", view, name, self.contracts),
                contracts,
                name,
            )
        self.assertEqual(
            self._search_filter("lease.contract", view, "group_tier", self.contracts),
            {
                self.env["lease.overdue.tier"]: 1,
                self.tiers["T1"]: 2,
                self.tiers["T2"]: 2,
                self.tiers["T3"]: 2,
                self.tiers["T4"]: 1,
            },
        )

    def test_o6_partner_and_invoice_filters_exact(self):
        """O6: on lessees and on invoices, "Overdue" gives exactly the ones with days
        overdue > 0 and group by tier counts 2, 2, 2, 1 (bounds 15/16, 30/31, 45/46)."""
        self._run(self.RUN, self.contracts)
        partners = self.contracts.partner_id
        self.assertEqual(
            self._search_filter(
                "res.partner", "base.view_res_partner_filter", "lease_overdue", partners
            ),
            partners - self.by_days[0].partner_id,
        )
        tiers_count = {
            self.tiers["T1"]: 2,
            self.tiers["T2"]: 2,
            self.tiers["T3"]: 2,
            self.tiers["T4"]: 1,
        }
        groups = self._search_filter(
            "res.partner", "base.view_res_partner_filter", "group_lease_tier", partners
        )
        self.assertEqual(
            {tier: count for tier, count in groups.items() if tier}, tiers_count
        )
        moves = self.contracts.installment_ids.move_id
        self.assertEqual(len(moves), len(self.DAYS))
        view = "account.view_account_invoice_filter"
        overdue = self._search_filter("account.move", view, "lease_overdue", moves)
        self.assertEqual(overdue.lease_contract_id, self.contracts - self.by_days[0])
        groups = self._search_filter("account.move", view, "group_lease_tier", moves)
        self.assertEqual(
            {tier: count for tier, count in groups.items() if tier}, tiers_count
        )
        self.assertEqual(
            self._search_filter("account.move", view, "lease_rent", moves), moves
        )


class TestCollectionRecordFields(BoundaryCase):
    """F1 / D9 L178, D3 L51-L54, D6 L110: the collection record."""

    def test_f1_fields_and_required(self):
        """F1: when, channel (phone, SMS, letter, visit, lawyer's letter, email), who, with
        whom, result and reason for overdue are kept; a record without its contract,
        channel, date or author is refused."""
        contract = self._contract(self._lessee("F1 lessee"))
        self.assertEqual(
            [
                key
                for key, _label in self.env["lease.collection.record"]
                ._fields["channel"]
                .selection
            ],
            ["phone", "sms", "letter", "visit", "lawyer_letter", "email"],
        )
        Record = self.env["lease.collection.record"].with_user(self.collector)
        vals = {
            "contract_id": contract.id,
            "channel": "visit",
            "date": "2026-03-12 02:30:00",
            "contact_name": "王总 (owner)",
            "result": "Promised to pay on Friday",
            "overdue_reason": "A customer paid him late",
        }
        record = Record.create(vals)
        self.assertEqual(
            (
                record.date.isoformat(" "),
                record.channel,
                record.user_id,
                record.contact_name,
                record.result,
                record.overdue_reason,
                record.partner_id,
            ),
            (
                "2026-03-12 02:30:00",
                "visit",
                self.collector,
                "王总 (owner)",
                "Promised to pay on Friday",
                "A customer paid him late",
                contract.partner_id,
            ),
        )
        for name in ("contract_id", "channel", "date", "user_id"):
            with (
                self.subTest(missing=name),
                mute_logger("odoo.sql_db"),
                self.assertRaises(IntegrityError),
            ):
                self.env["lease.collection.record"].create(dict(vals, **{name: False}))


class TestSmsAmount(BoundaryCase):
    """Issue 9 item 12: amounts in SMS texts read 100,000.00元."""

    def test_sms_amount_format(self):
        """Thousands separators, two decimals, 元, no currency symbol."""
        self.assertEqual(lease_sms_amount(100000), "100,000.00元")
        self.assertEqual(lease_sms_amount(1234567.891), "1,234,567.89元")
        self.assertEqual(lease_sms_amount(999.5), "999.50元")
        self.assertEqual(lease_sms_amount(0), "0.00元")

    def test_r1_pre_due_sms_exact_text(self):
        """R1 / D5 L88 (一.1): the SMS a week before a rent of 100,000, word for word."""
        lessee = self._lessee("短信测试有限公司")
        contract = self._contract(lessee, amount=1200000.0)
        self.assertEqual(contract.installment_ids[:1].amount_rent, 100000.0)
        sms = self.env["sms.sms"].sudo()
        before = sms.search([]).ids
        self._day(DUE - timedelta(days=7), contract)
        queued = sms.search([("id", "not in", before), ("partner_id", "=", lessee.id)])
        self.assertEqual(len(queued), 1)
        self.assertEqual(
            queued.body,
            f"【租金提醒】尊敬的短信测试有限公司：贵方租赁合同{contract.name}的下一期"
            "租金100,000.00元将于2026-03-10到期，请提前备足款项，按时足额支付。",
        )


class TestNationalDayScenario(BoundaryCase):
    """Issue 9 "Done when": day by day over 国庆 2026 in Asia/Shanghai (SPEC O5, E1, E2,
    E3; D5 L88-L90, D9 L174). China's calendar: 国庆 10-01..10-07 (entered in local time),
    the 调休 Saturday 10-10 is a working day, Sunday 10-11 is not."""

    def test_national_day_calls_visit_and_deadlines(self):
        """Rent due Tuesday 09-29, unpaid. Two calls a day on working days 1-3 only:
        09-30, then 10-08 and 10-09 (none during the holiday); the visit on working day
        4, the 调休 Saturday 10-10, due 2 working days later (Tuesday 10-13); the written
        notice of day 8 (10-07, a holiday) is due 2 working days later, 10-09."""
        leave = self.env["resource.calendar.leaves"].search(
            [
                ("calendar_id", "=", self.company.resource_calendar_id.id),
                ("name", "=", "国庆节 2026"),
            ]
        )
        self.assertEqual(leave.date_from.isoformat(" "), "2026-09-30 16:00:00")
        due = date(2026, 9, 29)
        contract = self._contract(
            self._lessee("国庆承租人"), date_start=date(2026, 8, 1), date_first_due=due
        )
        # day: (working days overdue, two-calls-a-day ledger rows so far, visit)
        expected = {
            date(2026, 9, 28): (0, 0, False),
            date(2026, 9, 29): (0, 0, False),
            date(2026, 9, 30): (1, 2, False),
            date(2026, 10, 1): (1, 2, False),
            date(2026, 10, 2): (1, 2, False),
            date(2026, 10, 3): (1, 2, False),
            date(2026, 10, 4): (1, 2, False),
            date(2026, 10, 5): (1, 2, False),
            date(2026, 10, 6): (1, 2, False),
            date(2026, 10, 7): (1, 2, False),
            date(2026, 10, 8): (2, 4, False),
            date(2026, 10, 9): (3, 6, False),
            date(2026, 10, 10): (4, 6, True),
            date(2026, 10, 11): (4, 6, True),
            date(2026, 10, 12): (5, 6, True),
        }
        for day, (working, calls, visit) in expected.items():
            self._day(day, contract)
            case = contract.current_case_id
            self.assertEqual(contract.days_overdue, max((day - due).days, 0), day)
            self.assertEqual(contract.working_days_overdue, working, day)
            if not case:
                self.assertEqual(working, 0, day)
                continue
            logs = self._logs(case, "d5_calls_twice")
            self.assertEqual(len(logs), calls, day)
            self.assertEqual(bool(self._logs(case, "d5_visit_local")), visit, day)
            if day == date(2026, 10, 7):
                notice = self._logs(case, "d9_notice")
                self.assertEqual(notice.date, day)
                self.assertEqual(
                    set(notice.mapped("date_deadline")), {date(2026, 10, 9)}
                )
        self.assertEqual(
            sorted(set(logs.mapped("date"))),
            [date(2026, 9, 30), date(2026, 10, 8), date(2026, 10, 9)],
        )
        visit = self._logs(case, "d5_visit_local")
        self.assertEqual(set(visit.mapped("date")), {date(2026, 10, 10)})
        self.assertEqual(set(visit.mapped("date_deadline")), {date(2026, 10, 13)})
        self.assertEqual(
            set(visit.mapped("user_id").ids),
            {self.risk_officer.id, self.account_manager.id},
        )
