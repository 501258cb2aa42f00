"""Supervision by the department heads (issue 11 item 6, SPEC A2, F1), over JSON-RPC as
each role would try it with his own login.

A head's department queue lists every task of his department's members on the lease
records, overdue first; he hands selected tasks to another member of his department (not
to anybody else, and not tasks of another department) and marks selected tasks done with
one outcome: a call marked done logs its collection record with that outcome, through the
same path as a single task marked done. A collector sees his own tasks only.
"""

from datetime import date, datetime, timedelta

from lease_escalation_common import EscalationCase
from lease_rpc_common import LeaseRpcCase
from lease_test_common import count_statements

from odoo import Command
from odoo.tests import new_test_user


class TestSupervision(LeaseRpcCase, EscalationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        group = "lease_overdue.group_"
        cls.asset_head = new_test_user(
            cls.env, "t_sup_asset_head", groups=group + "asset_management_head"
        )
        cls.collector2 = new_test_user(
            cls.env, "t_sup_collector2", groups=group + "asset_management"
        )
        cls.legal_user = new_test_user(cls.env, "t_sup_legal", groups=group + "legal")
        cls.contract_a = cls._contract(cls._lessee("Lessee A"))
        cls.contract_b = cls._contract(
            cls._lessee("Lessee B"), collector_id=cls.collector2.id
        )
        cls.call = cls.env.ref("lease_overdue.mail_activity_type_lease_predue_call")
        cls.task_a = cls._task(cls.contract_a, cls.collector, date(2026, 3, 12))
        cls.task_b = cls._task(cls.contract_b, cls.collector2, date(2026, 3, 5))
        cls.task_legal = cls._task(cls.contract_b, cls.legal_user, date(2026, 3, 1))

    @classmethod
    def _task(cls, contract, user, deadline):
        return cls.Activity.create(
            {
                "res_model_id": cls.env["ir.model"]._get_id("lease.contract"),
                "res_id": contract.id,
                "activity_type_id": cls.call.id,
                "summary": "Call the lessee",
                "user_id": user.id,
                "date_deadline": deadline,
            }
        )

    def _ids(self, user, domain, **kwargs):
        rows = self.assertRpcOk(
            user, "mail.activity", "search_read", domain=domain, fields=["id"], **kwargs
        )
        return [row["id"] for row in rows]

    def _wizard(self, user, model, vals):
        return self.assertRpcOk(user, model, "create", vals_list=[vals])[0]

    # ------------------------------------------------------------------
    # The department queue
    # ------------------------------------------------------------------
    def test_head_reads_department_queue_overdue_first(self):
        """Issue 11 item 6 / SPEC A2: the head of asset management reads the tasks of
        both collectors on contracts he cannot edit, overdue first, and not the legal
        department's task on the same contract."""
        self.assertFalse(
            self.contract_b.with_user(self.asset_head).has_access("write"),
            "the point of this test: Odoo alone would hide these tasks from the head",
        )
        contracts = (self.contract_a | self.contract_b).ids
        queue = self._ids(
            self.asset_head,
            [
                ("lease_supervised", "=", True),
                ("res_model", "=", "lease.contract"),
                ("res_id", "in", contracts),
            ],
            order="date_deadline, id",
        )
        self.assertEqual(queue, [self.task_b.id, self.task_a.id])
        rows = self.assertRpcOk(
            self.asset_head,
            "mail.activity",
            "read",
            (self.task_a | self.task_b).ids,
            fields=["summary", "user_id", "date_deadline"],
        )
        self.assertEqual(len(rows), 2)
        # the action of the menu opens this queue, overdue first
        action = self.env.ref("lease_overdue.mail_activity_action_lease_department")
        self.assertEqual(action.domain, "[('lease_supervised', '=', True)]")
        arch = self.Activity.with_user(self.asset_head).get_views(
            [(action.view_id.id, "list")]
        )["views"]["list"]["arch"]
        self.assertIn('default_order="date_deadline,', arch)
        menu = self.env.ref("lease_overdue.lease_department_tasks_menu")
        visible = self.env["ir.ui.menu"].with_user(self.asset_head)._visible_menu_ids()
        self.assertIn(menu.id, visible)
        self.assertNotIn(
            menu.id,
            self.env["ir.ui.menu"].with_user(self.collector)._visible_menu_ids(),
        )

    def test_collector_sees_only_his_own_tasks(self):
        """Issue 11 item 6 / SPEC A2: a collector has no department queue and does not
        read his colleague's tasks, whatever he searches."""
        self.assertEqual(
            self._ids(self.collector, [("lease_supervised", "=", True)]), []
        )
        seen = self._ids(self.collector, [("res_model", "=", "lease.contract")])
        self.assertIn(self.task_a.id, seen)
        self.assertNotIn(self.task_b.id, seen)
        self.assertNotIn(self.task_legal.id, seen)
        self.assertRpcRefused(
            self.collector,
            "mail.activity",
            "read",
            self.task_b.ids,
            fields=["summary"],
        )

    # ------------------------------------------------------------------
    # Bulk reassign
    # ------------------------------------------------------------------
    def test_head_bulk_reassigns_within_his_department(self):
        """Issue 11 item 6 / SPEC A2: the head hands both collectors' tasks to the
        second collector in one go; the new assignee follows the contract."""
        wizard = self._wizard(
            self.asset_head,
            "lease.activity.reassign.wizard",
            {
                "activity_ids": [Command.set((self.task_a | self.task_b).ids)],
                "user_id": self.collector2.id,
            },
        )
        self.assertRpcOk(
            self.asset_head,
            "lease.activity.reassign.wizard",
            "action_confirm",
            [wizard],
        )
        self.assertEqual((self.task_a | self.task_b).user_id, self.collector2)
        self.assertIn(self.collector2.partner_id, self.contract_a.message_partner_ids)

    def test_head_cannot_reassign_outside_his_department(self):
        """Issue 11 item 6 / SPEC A2: the head cannot hand a task to a member of another
        department, nor reassign another department's task, through the wizard or a
        plain write; a collector cannot reassign at all."""
        wizard = self._wizard(
            self.asset_head,
            "lease.activity.reassign.wizard",
            {
                "activity_ids": [Command.set(self.task_a.ids)],
                "user_id": self.legal_user.id,
            },
        )
        error = self.assertRpcRefused(
            self.asset_head,
            "lease.activity.reassign.wizard",
            "action_confirm",
            [wizard],
        )
        self.assertIn("is not a member of", error["message"])
        self.assertRpcRefused(
            self.asset_head,
            "mail.activity",
            "write",
            self.task_a.ids,
            vals={"user_id": self.legal_user.id},
        )
        self.assertEqual(self.task_a.user_id, self.collector)
        # the legal department's task is not his: refused even towards his collector
        self.assertRpcRefused(
            self.asset_head,
            "mail.activity",
            "write",
            self.task_legal.ids,
            vals={"user_id": self.collector.id},
        )
        self.assertEqual(self.task_legal.user_id, self.legal_user)
        wizard = self._wizard(
            self.collector,
            "lease.activity.reassign.wizard",
            {
                "activity_ids": [Command.set(self.task_a.ids)],
                "user_id": self.collector2.id,
            },
        )
        error = self.assertRpcRefused(
            self.collector, "lease.activity.reassign.wizard", "action_confirm", [wizard]
        )
        self.assertIn("Only a department head", error["message"])
        self.assertEqual(self.task_a.user_id, self.collector)

    # ------------------------------------------------------------------
    # Bulk done with the outcome
    # ------------------------------------------------------------------
    def test_head_bulk_done_logs_collection_records(self):
        """Issue 11 item 6 / SPEC F1: the head marks both collectors' calls done with
        one outcome: each call leaves its collection record with the outcome, the
        willingness and the next step, and its chatter line."""
        Record = self.env["lease.collection.record"]
        wizard = self._wizard(
            self.asset_head,
            "lease.activity.done.wizard",
            {
                "activity_ids": [Command.set((self.task_a | self.task_b).ids)],
                "feedback": "财务经理接听，承诺周五付款",
                "willingness": "high",
                "next_step": "周五核对到账",
                "contact_name": "张会计",
            },
        )
        self.assertRpcOk(
            self.asset_head, "lease.activity.done.wizard", "action_confirm", [wizard]
        )
        self.assertFalse((self.task_a | self.task_b).exists().filtered("active"))
        records = Record.search(
            [("contract_id", "in", (self.contract_a | self.contract_b).ids)]
        )
        self.assertEqual(records.contract_id, self.contract_a | self.contract_b)
        self.assertEqual(set(records.mapped("result")), {"财务经理接听，承诺周五付款"})
        self.assertEqual(set(records.mapped("willingness")), {"high"})
        self.assertEqual(set(records.mapped("next_step")), {"周五核对到账"})
        self.assertEqual(set(records.mapped("contact_name")), {"张会计"})
        self.assertEqual(set(records.mapped("channel")), {"phone"})
        self.assertIn(
            "财务经理接听", "".join(self.contract_b.message_ids.mapped("body"))
        )

    def test_collector_done_wizard_only_his_tasks(self):
        """Issue 11 item 6 / SPEC F1, A2: a collector marks his own call done with its
        outcome through the wizard; not his colleague's call."""
        self.assertRpcRefused(
            self.collector,
            "lease.activity.done.wizard",
            "create",
            vals_list=[
                {
                    "activity_ids": [Command.set(self.task_b.ids)],
                    "feedback": "not mine",
                }
            ],
        )
        self.assertTrue(self.task_b.active)
        wizard = self._wizard(
            self.collector,
            "lease.activity.done.wizard",
            {
                "activity_ids": [Command.set(self.task_a.ids)],
                "feedback": "无人接听",
                "ability": "low",
            },
        )
        self.assertRpcOk(
            self.collector, "lease.activity.done.wizard", "action_confirm", [wizard]
        )
        record = self.env["lease.collection.record"].search(
            [("contract_id", "=", self.contract_a.id)]
        )
        self.assertEqual(record.result, "无人接听")
        self.assertEqual(record.ability, "low")
        self.assertEqual(record.user_id, self.collector)

    def test_bulk_done_queries_measured(self):
        """Issue 11 item 6: marking 1 or 10 calls done in one go creates their
        collection records in one INSERT (the per-task statements are mail's message
        posting: measured 37 statements for 1 task, 67 for 10)."""
        counts = {}
        for size in (1, 10):
            tasks = self.Activity.browse(
                [
                    self._task(self.contract_a, self.collector, date(2026, 3, 12)).id
                    for _ in range(size)
                ]
            )
            self.env.flush_all()
            self.env.invalidate_all()
            statements = count_statements(
                tasks.with_user(self.asset_head)._action_done,
                feedback="ok",
                lease_outcome={"willingness": "medium"},
            )
            counts[size] = statements
        inserts = {
            size: sum(
                n
                for text, n in statements.items()
                if text.startswith('INSERT INTO "lease_collection_record"')
            )
            for size, statements in counts.items()
        }
        self.assertEqual(inserts, {1: 1, 10: 1})
        total = {size: sum(s.values()) for size, s in counts.items()}
        print(f"bulk done statements: {total}")  # noqa: T201

    # ------------------------------------------------------------------
    # What needs me today (item 5) and local time in titles
    # ------------------------------------------------------------------
    def _today(self, user):
        rows = self.assertRpcOk(
            user,
            "lease.today.item",
            "search_read",
            domain=[],
            fields=["kind", "item_count"],
        )
        return {row["kind"]: (row["id"], row["item_count"]) for row in rows}

    def test_today_page_counts_what_waits_for_the_head(self):
        """Issue 11 item 5: the head's page counts his department's late tasks (one more
        when a collector's task is late) and the documents awaiting his approval; it
        opens the department queue on its late tasks. A collector's page has no
        department card, and counts his own late task."""
        before = self._today(self.asset_head)
        self.assertIn("documents", before)
        self._task(self.contract_b, self.collector2, date(2026, 3, 2))
        # not late: due in a week (company date)
        self._task(
            self.contract_b,
            self.collector2,
            self.company._lease_today() + timedelta(days=7),
        )
        after = self._today(self.asset_head)
        self.assertEqual(after["department_late"][1], before["department_late"][1] + 1)
        action = self.assertRpcOk(
            self.asset_head,
            "lease.today.item",
            "action_open",
            [after["department_late"][0]],
        )
        self.assertEqual(action["res_model"], "mail.activity")
        self.assertEqual(action["context"], {"search_default_late": 1})
        self.assertEqual(action["domain"], "[('lease_supervised', '=', True)]")
        mine = self._today(self.collector)
        self.assertNotIn("department_late", mine)
        self.assertEqual(
            mine["my_tasks"][1],
            self.Activity.with_user(self.collector).search_count(
                [
                    ("user_id", "=", self.collector.id),
                    ("res_model", "=like", "lease.%"),
                    ("date_deadline", "<=", self.company._lease_today()),
                ]
            ),
        )
        self.assertGreaterEqual(mine["my_tasks"][1], 1)

    def test_collection_record_title_in_local_time(self):
        """Issue 11 item 6 (local time in titles): a call logged at 01:30 UTC reads
        09:30, the company's time in Asia/Shanghai."""
        record = self.env["lease.collection.record"].create(
            {
                "contract_id": self.contract_a.id,
                "channel": "phone",
                "date": datetime(2026, 3, 12, 1, 30),
                "user_id": self.collector.id,
            }
        )
        self.assertTrue(
            record.display_name.endswith("2026-03-12 09:30"), record.display_name
        )
