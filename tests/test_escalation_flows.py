"""Escalation engine details: promises, the run lock, contacts, compliance, queues, rule
configuration (SPEC E2, E12-E15, F1, F4)."""

from datetime import date

from freezegun import freeze_time
from lease_escalation_common import EscalationCase

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user


class TestEscalationFlows(EscalationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lessee_x = cls._lessee("Lessee X")
        cls.contract = cls._contract(cls.lessee_x)

    def _overdue_until(self, last_offset, contracts=None, start=1, **kwargs):
        contracts = contracts or self.contract
        for offset in range(start, last_offset + 1):
            self._day(self.offset(offset), contracts, **kwargs)
        return contracts[:1].current_case_id

    # ------------------------------------------------------------------
    # E15 promises to pay
    # ------------------------------------------------------------------
    def test_e15_broken_promise_escalates(self):
        """E15: a broken promise goes to the head of asset management and moves the case
        one D8 level up (2nd occurrence: negotiation, D8 L153)."""
        case = self._overdue_until(3)
        with freeze_time(self.offset(3)):
            promise = (
                self.env["lease.payment.promise"]
                .with_user(self.collector)
                .create(
                    {
                        "case_id": case.id,
                        "date_promised": self.offset(6),
                        "amount": 10000.0,
                    }
                )
            )
        self.assertEqual(promise.state, "open")
        self.assertEqual(case.escalation_occurrence, 1)
        self._overdue_until(6, start=4)
        self.assertEqual(promise.state, "open", "not broken before its date has passed")
        self.assertFalse(self._tasks(case, "promise_broken"))
        self._day(self.offset(7), self.contract)
        self.assertEqual(promise.state, "broken")
        self.assertEqual(promise.date_checked, self.offset(7))
        self.assertEqual(case.escalation_occurrence, 2)
        head_task = self._tasks(case, "promise_broken")
        self.assertEqual(len(head_task), 1)
        self.assertTrue(
            head_task.user_id.has_group("lease_overdue.group_asset_management_head")
        )
        # the D8 negotiation is the head's negotiation task too: one task per kind
        # (issue 9 item 10), the rule's line added to its note
        negotiation = self._logs(case, "d8_le30_2")
        self.assertEqual(len(negotiation), 1)
        self.assertEqual(negotiation.activity_id, head_task)
        self.assertIn("D8 L153", str(head_task.note))
        self.assertTrue(
            negotiation.user_id.has_group("lease_overdue.group_asset_management_head")
        )
        self.assertTrue(case.message_ids.filtered(lambda m: "broken" in str(m.body)))

    def test_e15_kept_promise_and_rights(self):
        """E15: a promise paid by its date is kept; only asset management records them."""
        case = self._overdue_until(3)
        with freeze_time(self.offset(3)):
            promise = (
                self.env["lease.payment.promise"]
                .with_user(self.collector)
                .create({"case_id": case.id, "date_promised": self.offset(8)})
            )
            with self.assertRaises(AccessError):
                self.env["lease.payment.promise"].with_user(
                    self.account_manager
                ).create({"case_id": case.id, "date_promised": self.offset(8)})
            with self.assertRaises(ValidationError):
                self.env["lease.payment.promise"].with_user(self.collector).create(
                    {"case_id": case.id, "date_promised": self.offset(1)}
                )
        with freeze_time(self.offset(5)):
            line = self.contract.installment_ids.sorted("sequence")[0]
            self._pay(line.move_id, line.amount_rent, self.offset(5))
        self.assertEqual(case.state, "closed")
        self.assertEqual(promise.state, "kept")
        with freeze_time(self.offset(5)), self.assertRaises(UserError):
            self.env["lease.payment.promise"].with_user(self.collector).create(
                {"case_id": case.id, "date_promised": self.offset(9)}
            )

    # ------------------------------------------------------------------
    # E14 the lock
    # ------------------------------------------------------------------
    def test_e14_lock_second_run_acts_on_nothing(self):
        """E14: while another transaction holds the job's lock, a run does nothing."""
        # No run in this transaction before: its lock would last until the test ends.
        with freeze_time(self.offset(-10)):
            self.contract.action_invoice_due()
        with freeze_time(self.offset(1)):
            self.env["lease.overdue.engine"]._run()
        case = self.contract.current_case_id
        self.assertTrue(case)
        run = self.env.ref("lease_overdue.lease_escalation_run_daily")
        with self.registry.cursor() as other:
            other.execute(
                "SELECT id FROM lease_escalation_run WHERE id = %s FOR UPDATE NOWAIT",
                [run.id],
            )
            with freeze_time(self.offset(1)):
                self.assertIs(self.Rule._run_escalation(), False)
            self.assertFalse(self.Log.search([("case_id", "=", case.id)]))
            self.assertFalse(self._tasks(case))
            other.rollback()
        with freeze_time(self.offset(1)):
            logs = self.Rule._run_escalation()
        self.assertTrue(logs.filtered(lambda log: log.case_id == case))
        self.assertEqual(len(self._tasks(case, "d9_phone_week1")), 1)
        self.assertEqual(run.date_last_run, self.offset(1))
        self.assertEqual(run.last_created, len(logs))

    # ------------------------------------------------------------------
    # F1 contacts, F4 compliance
    # ------------------------------------------------------------------
    def test_f1_done_call_logs_a_collection_record(self):
        """F1: marking a collection call done logs the contact; Log Contact opens one."""
        case = self._overdue_until(1)
        call = self._tasks(case, "d9_phone_week1")
        with freeze_time("2026-03-11 09:30:00"):
            call.with_user(self.collector).action_feedback(
                feedback="Owner says the customer paid late; will pay Friday"
            )
        record = self.env["lease.collection.record"].search([("case_id", "=", case.id)])
        self.assertEqual(len(record), 1)
        self.assertEqual(record.channel, "phone")
        self.assertEqual(record.user_id, self.collector)
        self.assertEqual(record.partner_id, self.lessee_x)
        self.assertIn("pay Friday", record.result)
        self.assertEqual(
            record.with_user(self.collector).read(["result"])[0]["id"], record.id
        )
        action = case.with_user(self.collector).action_log_contact()
        self.assertEqual(action["res_model"], "lease.collection.record")
        self.assertEqual(action["context"]["default_case_id"], case.id)
        log = self._logs(case, "d9_phone_week1")
        self.assertEqual(log.state, "done")
        self.assertFalse(log.done_late)

    def test_f4_compliance_late_overdue_cancelled(self):
        """F4 / D9 L184: risk management sees tasks done late, overdue or cancelled, by
        department; a collector only his own. One phone task carries the calls of several
        days (issue 9 item 10): done on day 2, the rows of day 1 are late; the next task
        is cancelled on day 3; the one of Saturday day 4 (due Monday day 6) is overdue
        on day 7."""
        case = self._overdue_until(2)
        call = self._tasks(case, "d9_phone_week1")
        self.assertEqual(len(call), 1)
        self.assertEqual(call.date_deadline, self.offset(2))
        with freeze_time(self.offset(2)):
            call.with_user(self.collector).action_feedback(feedback="reached")
        self._overdue_until(3, start=3)
        again = self._tasks(case, "d9_phone_week1")
        self.assertEqual(len(again), 1)
        self.assertNotEqual(again, call)
        with freeze_time(self.offset(3)):
            again.with_user(self.collector).action_lease_cancel(
                "Customer asked to be called once a day"
            )
        self._overdue_until(4, start=4)
        logs = self.Log.search([("case_id", "=", case.id)])
        late = logs.filtered("done_late")
        self.assertEqual(late.activity_id, call)
        self.assertEqual(set(late.mapped("date")), {self.offset(1)})
        self.assertEqual(set(late.mapped("state")), {"done"})
        self.assertEqual(late.mapped("date_done"), [self.offset(2)] * len(late))
        self.assertIn("cancelled", logs.mapped("state"))
        risk = self.Log.with_user(self.risk_head)
        with freeze_time(self.offset(7)):
            flagged = risk.search(
                [
                    ("case_id", "=", case.id),
                    "|",
                    "|",
                    ("done_late", "=", True),
                    ("state", "=", "cancelled"),
                    ("is_overdue", "=", True),
                ]
            )
            overdue = risk.search(
                [("case_id", "=", case.id), ("is_overdue", "=", True)]
            )
        self.assertTrue(overdue)
        self.assertTrue(all(log.date_deadline < self.offset(7) for log in overdue))
        self.assertEqual(set(overdue.mapped("date_deadline")), {self.offset(6)})
        self.assertGreaterEqual(len(flagged), len(overdue) + 2)
        self.assertIn("asset_management", flagged.mapped("department"))
        other = new_test_user(
            self.env, "t_collector_other", groups="lease_overdue.group_asset_management"
        )
        self.assertFalse(self.Log.with_user(other).search([("case_id", "=", case.id)]))
        self.assertTrue(
            self.Log.with_user(self.collector).search([("case_id", "=", case.id)])
        )

    # ------------------------------------------------------------------
    # E2 staffing, E13 queues
    # ------------------------------------------------------------------
    def test_e2_account_manager_cannot_attend(self):
        """E2 / D5 L96: the account manager who cannot join a visit hands it to his team
        lead, who assigns a team member."""
        case = self._overdue_until(6)
        visit = self._tasks(case, "d5_visit_local").filtered(
            lambda a: a.user_id == self.account_manager
        )
        self.assertEqual(len(visit), 1)
        with self.assertRaises(UserError):
            visit.with_user(self.collector).action_lease_cannot_attend()
        visit.with_user(self.account_manager).action_lease_cannot_attend()
        self.assertEqual(visit.user_id, self.team_lead)
        self.assertIn("assign a member", str(visit.note))
        log = self.Log.search([("activity_id", "=", visit.id)])
        self.assertEqual(log.user_id, self.team_lead)
        risk_visit = self._tasks(case, "d5_visit_local") - visit
        with self.assertRaises(UserError):
            risk_visit.with_user(self.risk_officer).action_lease_cannot_attend()

    def test_e13_queue_priority(self):
        """E13 / D5 L91: tasks are ordered by overdue count, then cumulative days, then
        grade: a lessee with a history of overdue comes first."""
        lessee_y = self._lessee("Lessee Y")
        history = self._contract(
            lessee_y, date_start=date(2025, 12, 1), date_first_due=date(2026, 1, 10)
        )
        lines = history.installment_ids.sorted("sequence")
        for line in lines[:2]:  # January and February rent paid 3 days late
            with freeze_time(line.date_due):
                line._create_rent_invoices()
            with freeze_time(line.date_due.replace(day=13)):
                self._pay(line.move_id, line.amount_rent, line.date_due.replace(day=13))
        contracts = self.contract | history
        self._overdue_until(1, contracts)
        case_x, case_y = self.contract.current_case_id, history.current_case_id
        self.assertEqual(history.overdue_count, 3)
        self.assertGreater(case_y.collection_priority, case_x.collection_priority)
        mine = self.Activity.with_user(self.collector).search(
            [
                ("user_id", "=", self.collector.id),
                ("lease_case_id", "in", (case_x | case_y).ids),
            ],
            order="lease_priority desc, date_deadline, id",
        )
        self.assertEqual(mine[0].lease_case_id, case_y)
        self.assertEqual(mine[-1].lease_case_id, case_x)
        view = self.env.ref("lease_overdue.mail_activity_view_list_lease")
        self.assertIn('default_order="lease_priority desc', view.arch_db)

    # ------------------------------------------------------------------
    # Rules as data
    # ------------------------------------------------------------------
    def test_rules_are_configuration(self):
        """Rules: the configuration manager edits them, others read; bad rules refused."""
        rule = self._rule("d9_phone_week1")
        self.assertTrue(rule.with_user(self.collector).read(["name"]))
        with self.assertRaises(AccessError):
            rule.with_user(self.collector).write({"day_to": 5})
        rule.with_user(self.manager).write({"day_to": 5})
        vals = {
            "name": "Bad step",
            "trigger": "overdue_day",
            "day_from": 3,
            "action": "method",
            "method_name": "unlink",
        }
        with self.assertRaises(ValidationError):
            self.Rule.with_user(self.manager).create(vals)
        with self.assertRaises(ValidationError):
            self.Rule.with_user(self.manager).create(
                dict(vals, method_name=False, action="activity")
            )
        with self.assertRaises(ValidationError):
            self.Rule.with_user(self.manager).create(
                dict(
                    vals, trigger="tier_entry", method_name="_escalation_prepare_notice"
                )
            )
        t3 = self.Rule.with_user(self.manager).create(
            dict(
                vals,
                trigger="tier_entry",
                tier_id=self.tiers["T3"].id,
                method_name="_escalation_prepare_notice",
            )
        )
        self.assertFalse(t3.stop_on_vendor_objection, "no objection scope given")
        t3.with_user(self.manager).objection_scope = "litigation"
        self.assertTrue(
            t3.stop_on_vendor_objection,
            "stops where the litigation was stopped on an objection (E10)",
        )

    def test_schemes_switch_off_and_missing_step(self):
        """D5 and D8 rules can be switched off per company; a step the case does not have
        is logged as a warning and its activity still scheduled."""
        self.company.lease_escalation_d5 = False
        self._rule("d8_le30_1").active = False
        rule = self.Rule.create(
            {
                "name": "Step not installed",
                "trigger": "overdue_day",
                "day_from": 1,
                "action": "method",
                "method_name": "_escalation_not_installed",
                "activity_type_id": self.env.ref(
                    "lease_overdue.mail_activity_type_lease_phone"
                ).id,
                "role_ids": [
                    (
                        6,
                        0,
                        self.env.ref(
                            "lease_overdue.lease_escalation_role_collector"
                        ).ids,
                    )
                ],
            }
        )
        with self.assertLogs(
            "odoo.addons.lease_overdue.models.lease_escalation_rule", "WARNING"
        ):
            case = self._overdue_until(1, twice=False)
        call = self._tasks(case, "d9_phone_week1")
        self.assertTrue(call)
        self.assertFalse(self._logs(case, "d5_calls_twice"))
        self.assertFalse(self._logs(case, "d8_le30_1"))
        # its activity is a phone call: it joins the collector's open phone task
        log = self.Log.search([("rule_id", "=", rule.id), ("case_id", "=", case.id)])
        self.assertEqual(log.activity_id, call)
        self.assertIn("Step not installed", str(call.note))

    def test_month_end_trigger(self):
        """The last working day of the month: a rule fires once that day (O5)."""
        rule = self.Rule.create(
            {
                "name": "Month-end review",
                "trigger": "month_end",
                "action": "activity",
                "activity_type_id": self.env.ref(
                    "lease_overdue.mail_activity_type_lease_committee"
                ).id,
                "role_ids": [
                    (
                        6,
                        0,
                        self.env.ref(
                            "lease_overdue.lease_escalation_role_collector"
                        ).ids,
                    )
                ],
            }
        )
        self._overdue_until(20)  # 2026-03-30, a Monday
        case = self.contract.current_case_id
        self.assertFalse(
            self._tasks(case).filtered(lambda a: a.lease_escalation_rule_id == rule)
        )
        self._day(date(2026, 3, 31), self.contract)
        tasks = self._tasks(case).filtered(lambda a: a.lease_escalation_rule_id == rule)
        self.assertEqual(len(tasks), 1)
        self.assertEqual(
            self.Log.search(
                [("rule_id", "=", rule.id), ("case_id", "=", case.id)]
            ).period,
            "2026-03",
        )

    def test_e14_nightly_job_escalates_after_the_overdue_run(self):
        """E14: the nightly scheduled action recomputes the portfolio, then escalates."""
        with freeze_time(self.offset(-10)):
            self.contract.action_invoice_due()
        with freeze_time(self.offset(1)):
            self.env["lease.overdue.engine"]._cron_daily()
        case = self.contract.current_case_id
        self.assertTrue(case)
        self.assertEqual(len(self._tasks(case, "d9_phone_week1")), 1)
        self.assertEqual(
            self.env.ref("lease_overdue.lease_escalation_run_daily").date_last_run,
            self.offset(1),
        )
