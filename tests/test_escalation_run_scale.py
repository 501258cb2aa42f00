"""The daily escalation job at portfolio scale (issue 10 item 2, SPEC E14).

bench/bench_escalation.py measures the job on thousands of cases; these tests keep the
properties it relies on: the queries of a run do not grow with the number of cases it
acts on (day 1, the next day, and the days of the documents, tier 2, tier 3 and tier
4), and each rule runs in a savepoint that does not flush, yet one failing rule still
leaves the others' work whole.
"""

import re
import threading
from collections import Counter
from unittest.mock import patch

from freezegun import freeze_time
from lease_escalation_common import EscalationCase

from odoo import Command
from odoo.exceptions import UserError
from odoo.orm.models import INSERT_BATCH_SIZE

# day 1 and the next day (tasks joined, ledger rows only), the notice (day 8), tier 2
# (day 16), the SMS a week before installment 2 (day 24, on contracts), tier 3 (day
# 31), tier 4 (day 46)
DAYS = (1, 2, 8, 16, 24, 31, 46)


class Statements(Counter):
    """The statements run in the current thread while active, by normalized text."""

    def hook(self, cr, query, params, start, delay):
        text = query.decode() if isinstance(query, bytes) else str(query)
        rows = re.search(r"VALUES ((?:%s, )*%s)", text)
        if rows and rows.group(1).count("%s") == INSERT_BATCH_SIZE:
            # a full chunk of Odoo's batched create (100 rows a statement): grows by
            # one statement per 100 rows, not per record; the last chunk counts
            return
        text = re.sub(r"VALUES (?:%s, )*%s", "VALUES rows", text)
        text = re.sub(r'SAVEPOINT "[^"]*"', "SAVEPOINT x", text)
        self[re.sub(r"\s+", " ", re.sub(r"\d+", "N", text))[:300]] += 1

    def __enter__(self):
        thread = threading.current_thread()
        self._previous = getattr(thread, "query_hooks", ())
        thread.query_hooks = (*self._previous, self.hook)
        return self

    def __exit__(self, *exc):
        threading.current_thread().query_hooks = self._previous


class TestEscalationRunScale(EscalationCase):
    def assertSameQueries(self, small, large, what):
        extra = (large - small) + (small - large)
        self.assertEqual(
            sum(small.values()),
            sum(large.values()),
            f"{what}: queries for 2 cases, then 6; differing statements: {dict(extra)}",
        )

    def _portfolio(self, count, tag):
        """``count`` contracts, each of its own lessee: local and non-local in turn,
        every other one with two guarantors (tier 3 notifies them)."""
        contracts = self.env["lease.contract"]
        for n in range(count):
            guarantors = [
                self.env["res.partner"]
                .create({"name": f"担保人 {tag}-{n}-{g}", "phone": "13900000000"})
                .id
                for g in range(2 if n % 2 else 0)
            ]
            contracts |= self._contract(
                self._lessee(f"规模承租人 {tag}-{n}", f"1370000{count:02d}{n:02d}"),
                "local" if n % 2 else "non_local",
                amount=1200000.0,
                guarantor_ids=[Command.set(guarantors)],
            )
        return contracts

    def _measure(self, count, tag):
        """{day: (statements of the escalation run, ledger rows it created for the
        portfolio)} for a portfolio of ``count`` contracts walked through DAYS;
        everything is rolled back afterwards, so each portfolio meets the same
        database."""
        savepoint = self.env.cr.savepoint()
        try:
            contracts = self._portfolio(count, tag)
            result = {}
            for offset in DAYS:
                with freeze_time(self.offset(offset)):
                    contracts.action_invoice_due()
                    self.env["lease.overdue.engine"]._run()
                    self.env.invalidate_all()
                    with Statements() as statements:
                        logs = self.Rule._run_escalation()
                        self.env.flush_all()
                    self.assertFalse(
                        self.Rule._run_escalation(), "E14: a second run creates nothing"
                    )
                result[offset] = (
                    statements,
                    len(logs.filtered(lambda log: log.contract_id in contracts)),
                )
            cases = contracts.current_case_id
            self.assertEqual(len(cases), count)
            self.assertEqual(set(cases.tier_id.mapped("code")), {"T4"})
            return result
        finally:
            savepoint.close(rollback=True)
            self.env.invalidate_all(flush=False)

    def test_e14_run_queries_do_not_grow_with_cases(self):
        """Issue 10 item 2, E14: an escalation run costs as many queries for 6 cases as
        for 2, on day 1, the next day, and the days documents, tier 2, tier 3 and tier 4
        steps happen, while the 6 cases get 3 times the ledger rows of the 2 (same mix
        of local and non-local lessees, with and without guarantors)."""
        self._measure(1, "W")  # caches warmed up
        small = self._measure(2, "S")
        large = self._measure(6, "L")
        for offset in DAYS:
            (q2, n2), (q6, n6) = small[offset], large[offset]
            self.assertTrue(n2, f"day {offset}: the cases were escalated")
            self.assertEqual(n6, 3 * n2, f"day {offset}: same rows per case")
            self.assertSameQueries(q2, q6, f"escalation run of day {offset}")

    def test_e14_failing_rule_does_not_stop_the_others(self):
        """E14, issue 10 item 2: rules run in savepoints that do not flush; a rule that
        fails after doing part of its work leaves nothing (no document, task or ledger
        row, in the database or in memory), the rules before and after it keep theirs
        (their pending changes included), the run records the error, and the step
        happens on the next run."""
        contract = self._contract(self._lessee("失败规则承租人"), "local")
        self._day(self.offset(1), contract)
        case = contract.current_case_id
        phone = self._tasks(case, "d9_phone_week1")
        self.assertEqual(len(phone), 1)
        notice_rule = self._rule("d9_notice")
        Case = type(self.env["lease.collection.case"])
        original = Case._escalation_prepare_notice

        def broken(cases):
            original(cases)  # part of the work done: the notices exist...
            raise UserError("the printer is on fire")  # ...then the step fails

        day8 = self.offset(8)
        with (
            freeze_time(day8),
            patch.object(Case, "_escalation_prepare_notice", broken),
        ):
            contract.action_invoice_due()
            self.env["lease.overdue.engine"]._run()
            logs = self.Rule._run_escalation()
        run = self.env["lease.escalation.run"]._get_for("daily")
        self.assertIn(notice_rule.name, run.last_errors)
        self.assertIn("the printer is on fire", run.last_errors)
        self.assertNotIn(notice_rule, logs.rule_id)
        # the rule before it (phone days 8-15, joining the open phone task) and after
        # it (D5 on-site visit) acted
        week2 = self._logs(case, "d9_phone_week2")
        self.assertEqual(len(week2), 1)
        self.assertEqual(week2.activity_id, phone)
        visit = self._tasks(case, "d5_visit_local")
        self.assertEqual(len(visit), 2, "risk officer and account manager")
        self.assertIn(self._rule("d5_visit_local"), logs.rule_id)
        # nothing of the failed rule, in memory or in the database
        self.assertFalse(self._logs(case, "d9_notice"))
        self.assertFalse(self._tasks(case, "d9_notice"))
        self.assertFalse(case.document_ids)
        self.env.invalidate_all()
        self.assertFalse(
            self.env["lease.document"].search([("case_id", "=", case.id)]),
            "rolled back",
        )
        # what the rules before and after left pending reached the database
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT id, res_name, lease_case_id, note FROM mail_activity WHERE id IN %s",
            [tuple((phone | visit).ids)],
        )
        rows = {row[0]: row[1:] for row in self.env.cr.fetchall()}
        for task in phone | visit:
            self.assertEqual(rows[task.id][:2], (case.name, case.id))
        self.assertIn("D9 L174", rows[phone.id][2], "week 2's line in the phone task")
        # the next run does the step (on day N or the first run after it)
        with freeze_time(self.offset(9)):
            logs = self.Rule._run_escalation()
        self.assertIn(notice_rule, logs.rule_id)
        self.assertEqual(len(self._logs(case, "d9_notice")), 1)
        self.assertEqual(len(self._tasks(case, "d9_notice")), 1)
        self.assertEqual(case.document_ids.mapped("kind"), ["collection_notice"])
        self.assertFalse(run.last_errors)

    def test_task_names_read_once_per_model(self):
        """Issue 10 item 2: the names of the tasks' records (``res_name``, computed when
        tasks are created) are read in one query per model for the whole batch, however
        many tasks (mail reads each record alone: 10,238 cases and 3,774 contracts read
        one by one in the day-1 run at 100k contracts)."""
        todo = self.env.ref("mail.mail_activity_data_todo")
        model_ids = {
            model: self.env["ir.model"]._get_id(model)
            for model in ("lease.contract", "res.partner")
        }

        def name_tasks(count, tag):
            contracts = self._portfolio(count, tag)
            records = [*contracts, *contracts.partner_id]
            tasks = self.Activity.sudo().create(
                [
                    {
                        "res_model_id": model_ids[record._name],
                        "res_id": record.id,
                        "activity_type_id": todo.id,
                        "summary": "Check",
                        "user_id": self.collector.id,
                    }
                    for record in records
                ]
            )
            self.env.flush_all()
            tasks.fetch(["res_model", "res_id"])
            self.env["lease.contract"].invalidate_model()  # as after a commit
            self.env["res.partner"].invalidate_model()
            with Statements() as statements:
                tasks._compute_res_name()
            self.assertEqual(
                tasks.mapped("res_name"), [record.display_name for record in records]
            )
            return statements

        name_tasks(1, "T1")  # caches warmed up
        small, large = name_tasks(2, "T2"), name_tasks(6, "T6")
        self.assertSameQueries(small, large, "names of the tasks")
        self.assertLessEqual(sum(large.values()), 3, "reads per model, not per task")
