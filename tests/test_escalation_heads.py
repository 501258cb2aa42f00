"""Who receives a department's tasks comes from the company's settings (issue 12 item 4).

Settings > Leasing > Responsible people names, per company, the head of each department
(res.company.lease_head_<department>_id). A task whose role the contract leaves empty
goes to that person, not to the user of the head group with the lowest id; when nobody is
set, to the company's only user in the head group; with none or several, no task: the
run says so (Rules That Failed) and the next run assigns the task once a head is set,
never the administrator.
"""

from freezegun import freeze_time
from lease_escalation_common import EscalationCase

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import new_test_user

AM_HEAD = "lease_overdue.group_asset_management_head"


class TestEscalationHeads(EscalationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # two more heads of asset management: the lower id is not the one set below
        cls.head_low = new_test_user(cls.env, "t_am_head_low", groups=AM_HEAD)
        cls.head_high = new_test_user(cls.env, "t_am_head_high", groups=AM_HEAD)
        cls.company.lease_head_asset_management_id = cls.head_high
        cls.nobody = cls._contract(cls._lessee("无催收员承租人"), collector_id=False)

    def _set_heads(self, **values):
        """Change the settings as an administrator does (res.config.settings)."""
        self.env["res.config.settings"].create(values).execute()

    def _run(self, day):
        with freeze_time(day):
            return self.Rule._run_escalation(schedule="daily")

    def test_configured_head_gets_the_tasks_and_the_setting_changes_it(self):
        """Issue 12 item 4: with two users in the head group (and the demo head), the task
        of a contract without collector goes to the head set in the settings, not to the
        lowest id; after the setting changes, the next task goes to the new head."""
        self.assertLess(self.head_low.id, self.head_high.id)
        self._day(self.offset(1), self.nobody)
        case = self.nobody.current_case_id
        call = self._tasks(case, "d9_phone_week1")
        self.assertEqual(call.user_id, self.head_high)
        self.assertEqual(self._logs(case, "d9_phone_week1").user_id, self.head_high)

        self._set_heads(lease_head_asset_management_id=self.head_low.id)
        self.assertEqual(self.company.lease_head_asset_management_id, self.head_low)
        # the day's task is done; tomorrow's goes to the new head
        call.action_feedback(feedback="已联系")
        self._day(self.offset(2))
        call = self._tasks(case, "d9_phone_week1")
        self.assertEqual(call.user_id, self.head_low)
        self.assertEqual(
            self._logs(case, "d9_phone_week1")
            .filtered(lambda log: log.date == self.offset(2))
            .user_id,
            self.head_low,
        )

    def test_nobody_set_and_several_heads_no_task_and_a_clear_report(self):
        """Issue 12 item 4: nobody set and several users in the head group: no task, no
        ledger row, never the administrator; the run names the company and the missing
        head; once the head is set, the next run of the day creates the task."""
        self._set_heads(lease_head_asset_management_id=False)
        self._day(self.offset(1), self.nobody)
        case = self.nobody.current_case_id
        self.assertTrue(case)
        self.assertFalse(self._tasks(case, "d9_phone_week1"))
        self.assertFalse(self._logs(case, "d9_phone_week1"))
        errors = self.env["lease.escalation.run"]._get_for("daily").last_errors
        self.assertIn(self.company.name, errors)
        self.assertIn("Head of Asset Management", errors)
        self.assertFalse(
            self.Activity.search(
                [
                    ("res_model", "=", case._name),
                    ("res_id", "=", case.id),
                    ("user_id", "=", self.env.ref("base.user_admin").id),
                ]
            ),
            "never the administrator",
        )

        self._set_heads(lease_head_asset_management_id=self.head_low.id)
        self._run(self.offset(1))
        self.assertEqual(self._tasks(case, "d9_phone_week1").user_id, self.head_low)
        self.assertFalse(
            self.env["lease.escalation.run"]._get_for("daily").last_errors,
            "nothing waits any more",
        )

    def test_heads_per_company(self):
        """Issue 12 item 4: each company has its own heads; a company without a setting
        falls back to its only user in the head group, and to nobody with several; a head
        must be an internal user of the company and in the department's head group."""
        company_b = self.env["res.company"].create({"name": "深圳第二融资租赁有限公司"})
        b_only = {
            "company_id": company_b.id,
            "company_ids": [Command.set(company_b.ids)],
        }
        head_b = new_test_user(self.env, "t_am_head_b", groups=AM_HEAD, **b_only)
        legal_b = new_test_user(
            self.env,
            "t_legal_head_b",
            groups="lease_overdue.group_legal_head",
            **b_only,
        )
        companies = self.company | company_b
        heads = companies._lease_department_heads()
        self.assertEqual(heads[self.company.id, "asset_management"], self.head_high)
        # B sets nothing: its only head of asset management, its only legal head
        self.assertEqual(heads[company_b.id, "asset_management"], head_b)
        self.assertEqual(heads[company_b.id, "legal"], legal_b)
        self.assertFalse(heads[company_b.id, "finance"], "nobody: no finance head in B")

        # a second head in B: nobody until B sets one; A keeps its own
        head_b2 = new_test_user(self.env, "t_am_head_b2", groups=AM_HEAD, **b_only)
        heads = companies._lease_department_heads()
        self.assertFalse(heads[company_b.id, "asset_management"])
        company_b.lease_head_asset_management_id = head_b2
        heads = companies._lease_department_heads()
        self.assertEqual(heads[company_b.id, "asset_management"], head_b2)
        self.assertEqual(heads[self.company.id, "asset_management"], self.head_high)

        with self.assertRaises(ValidationError):  # not a user of company A
            self.company.lease_head_asset_management_id = head_b
        with self.assertRaises(ValidationError):  # not in the head group
            self.company.lease_head_asset_management_id = self.team_lead
