"""The overdue engine on real invoices and payments (SPEC O1-O7, C3, C4)."""

from datetime import date, timedelta

from freezegun import freeze_time
from lease_test_common import LeaseTestCase

DUE = date(2026, 2, 10)  # installment 1 of every contract below: 10 000 rent


class TestOverdueEngine(LeaseTestCase):
    def test_o1_o2_tier_boundaries(self):
        """O1/O2: the day after the due date is day 1; tiers 1-15, 16-30, 31-45, >=46."""
        contract = self._active_contract(invoice_until=DUE)
        line = contract.installment_ids.sorted("sequence")[0]
        expected = {
            0: None,
            1: "T1",
            15: "T1",
            16: "T2",
            30: "T2",
            31: "T3",
            45: "T3",
            46: "T4",
            120: "T4",
        }
        for days, code in expected.items():
            self._run(DUE + timedelta(days=days))
            self.assertEqual(line.days_overdue, days, days)
            self.assertEqual(contract.days_overdue, days, days)
            self.assertEqual(line.tier_id.code or None, code, days)
            self.assertEqual(contract.tier_id.code or None, code, days)
            self.assertEqual(line.state, "overdue" if days else "invoiced", days)
            self.assertEqual(line.move_id.lease_days_overdue, days)
            self.assertEqual(self.lessee.lease_days_overdue, days)
            self.assertEqual(self.lessee.lease_tier_id.code or None, code)

    def test_o2_contract_tier_is_oldest_unpaid(self):
        """O2: a contract's tier is that of its oldest unpaid installment."""
        contract = self._active_contract(invoice_until=date(2026, 3, 10))
        self._run(date(2026, 3, 13))  # installment 1: day 31, installment 2: day 3
        days = contract.installment_ids.sorted("sequence").mapped("days_overdue")[:2]
        self.assertEqual(days, [31, 3])
        self.assertEqual(contract.tier_id, self.tiers["T3"])
        self.assertEqual(contract.overdue_amount, 20000.0)

    def test_c3_partial_payment_and_penalty(self):
        """C3: a partial payment reduces the overdue rent and the penalty from its date."""
        contract = self._active_contract(invoice_until=DUE)
        line = contract.installment_ids.sorted("sequence")[0]
        with freeze_time("2026-02-15"):
            self._pay(line.move_id, 4000.0, date(2026, 2, 15))  # day 5
        self._run(date(2026, 2, 20))  # day 10
        self.assertEqual(line.amount_paid, 4000.0)
        self.assertEqual(line.amount_residual, 6000.0)
        # 0.05 % a day: 10 000 for days 1-5, 6 000 for days 6-10 = 0.0005 * (6000*10 + 4000*5)
        self.assertAlmostEqual(line.penalty_accrued, 40.0, places=2)
        self.assertEqual(line.days_overdue, 10)
        self.assertEqual(contract.overdue_amount, 6000.0)
        self.assertEqual(line.state, "overdue")

    def test_c3_rent_paid_settles_penalty_stays_visible(self):
        """C3 / D9 L169 (revised, issue 9 item 3): rent paid 10 days late settles the
        installment on the payment day; its own penalty (50.00) stays visible and
        collectable: billed by finance's button to fall due with the next rent, paid."""
        contract = self._active_contract(invoice_until=DUE)
        line, second = contract.installment_ids.sorted("sequence")[:2]
        with freeze_time("2026-02-20"):
            self._pay(line.move_id, 10000.0, date(2026, 2, 20))  # day 10
            self.assertEqual(line.move_id.payment_state in ("paid", "in_payment"), True)
        self._run(date(2026, 2, 25))
        self.assertEqual(line.amount_residual, 0.0)
        self.assertAlmostEqual(line.penalty_accrued, 50.0, places=2)  # 10 days x 5
        self.assertEqual(line.penalty_due, 50.0)
        self.assertEqual(line.state, "paid")
        self.assertEqual(line.days_overdue, 0)
        self.assertEqual(line.date_settled, date(2026, 2, 20))
        self.assertEqual(line.days_late, 10)
        self.assertEqual(contract.days_overdue, 0)
        self.assertEqual(contract.penalty_amount, 50.0)
        self.assertEqual(contract.overdue_count, 1)
        self.assertEqual(contract.overdue_days_total, 10)
        with freeze_time("2026-02-25"):
            penalty = line._invoice_penalty()
            self.assertEqual(penalty.amount_total, 50.0)
            self.assertEqual(penalty.lease_move_kind, "penalty")
            self.assertEqual(penalty.invoice_date_due, second.date_due)
            self.assertEqual(penalty.lease_due_installment_id, second)
            self.assertEqual(line.penalty_invoiced, 50.0)
            self.assertEqual(line.state, "paid")
        with freeze_time("2026-02-26"):
            self._pay(penalty, 50.0, date(2026, 2, 26))
            self.assertEqual(line.penalty_due, 0.0)
            self.assertEqual(line.state, "paid")
            self.assertEqual(line.date_settled, date(2026, 2, 20))
            self.assertEqual(contract.penalty_amount, 0.0)
            self.assertEqual(contract.days_overdue, 0)

    def test_c4_vendor_advance_does_not_cure(self):
        """C4 / D9 L169: rent paid by the vendor leaves the lessee overdue."""
        contract = self._active_contract(invoice_until=DUE, penalty_rate=0.0)
        line = contract.installment_ids.sorted("sequence")[0]
        with freeze_time("2026-02-18"):
            # The vendor's money, received and reconciled with the lessee's invoice.
            payment = self.env["account.payment"].create(
                {
                    "partner_id": self.vendor.id,
                    "amount": 10000.0,
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "journal_id": self.bank_journal.id,
                    "date": date(2026, 2, 18),
                }
            )
            payment.action_post()
            (payment.move_id | line.move_id).line_ids.filtered(
                lambda aml: aml.account_id.account_type == "asset_receivable"
            ).reconcile()
            self.env["lease.vendor.advance"].create(
                {
                    "installment_id": line.id,
                    "amount": 10000.0,
                    "date": date(2026, 2, 18),
                    "payment_id": payment.id,
                }
            )
        self.assertIn(line.move_id.payment_state, ("paid", "in_payment"))
        self._run(date(2026, 2, 28))
        self.assertEqual(line.vendor_advance_amount, 10000.0)
        self.assertEqual(line.amount_paid, 0.0)
        self.assertEqual(line.state, "overdue")
        self.assertEqual(line.days_overdue, 18)
        self.assertEqual(contract.tier_id, self.tiers["T2"])

    def test_o4_late_payment_counts_with_real_date(self):
        """O4: a payment entered later counts with its real payment date."""
        contract = self._active_contract(invoice_until=DUE, penalty_rate=0.0)
        line = contract.installment_ids.sorted("sequence")[0]
        with freeze_time("2026-03-05"):
            self._pay(line.move_id, 10000.0, date(2026, 2, 16))  # paid on day 6
        self.assertEqual(line.state, "paid")
        self.assertEqual(line.date_settled, date(2026, 2, 16))
        self.assertEqual(line.days_late, 6)
        self.assertEqual(contract.overdue_count, 1)
        self.assertEqual(contract.overdue_days_total, 6)
        self.assertEqual(self.lessee.lease_overdue_count, 1)
        self.assertEqual(self.lessee.lease_overdue_days_total, 6)

    def test_o4_counters_two_months_and_key_watch(self):
        """O4/R4: counters over installments, overdue in each of the last 2 months, key watch."""
        contract = self._active_contract(
            invoice_until=date(2026, 6, 10), penalty_rate=0.0
        )
        lines = contract.installment_ids.sorted("sequence")
        with freeze_time("2026-06-20"):
            for line, day in zip(lines[:3], (3, 0, 2)):  # two paid late, one on time
                self._pay(line.move_id, 10000.0, line.date_due + timedelta(days=day))
        self._run(date(2026, 6, 20))  # installment 4 (05-10) day 41, 5 (06-10) day 10
        self.assertEqual(lines[:5].mapped("days_overdue"), [0, 0, 0, 41, 10])
        self.assertEqual(lines[:5].mapped("days_late"), [3, 0, 2, 0, 0])
        self.assertEqual(contract.overdue_count, 4)
        self.assertEqual(contract.overdue_days_total, 3 + 2 + 41 + 10)
        self.assertTrue(
            contract.overdue_last_two_months
        )  # May overdue, April paid late
        self.assertTrue(self.lessee.lease_overdue_last_two_months)
        self.assertTrue(
            self.lessee.lease_is_key_watch
        )  # more than 3 overdue installments
        self.assertEqual(self.lessee.lease_overdue_count, 4)
        self._run(
            date(2026, 8, 1)
        )  # June overdue, July's rent not invoiced, so not overdue
        self.assertFalse(contract.overdue_last_two_months)

    def test_o5_working_days_weekend_and_public_holiday(self):
        """O5: '3 working days' skips the weekend and a public holiday of the company."""
        calendar = self.company.resource_calendar_id
        self.env["resource.calendar.leaves"].create(
            {
                "name": "公共假日",
                "calendar_id": calendar.id,
                "company_id": self.company.id,
                "date_from": "2026-03-09 00:00:00",
                "date_to": "2026-03-09 23:59:59",
            }
        )
        due = date(2026, 3, 6)  # a Friday; 7-8 weekend, Monday 9 public holiday
        contract = self._active_contract(
            date_start=date(2026, 2, 1), date_first_due=due, invoice_until=due
        )
        engine = self.env["lease.overdue.engine"]
        self.assertEqual(
            engine._add_working_days(self.company, due, 3), date(2026, 3, 12)
        )
        self.assertEqual(
            engine._add_working_days(self.company, due, -5), date(2026, 2, 27)
        )
        for day, working in (
            (date(2026, 3, 9), 0),
            (date(2026, 3, 11), 2),
            (date(2026, 3, 12), 3),
        ):
            self._run(day)
            self.assertEqual(contract.working_days_overdue, working, day)
        self.assertEqual(contract.days_overdue, 6)

    def test_o7_payment_today_moves_tier_today(self):
        """O7/issue 3: a payment reconciled today updates the contract at once."""
        contract = self._active_contract(
            invoice_until=date(2026, 3, 10), penalty_rate=0.0
        )
        first = contract.installment_ids.sorted("sequence")[0]
        with freeze_time("2026-03-12"):
            self._run(date(2026, 3, 12))
            self.assertEqual(contract.tier_id, self.tiers["T2"])  # day 30
            case = contract.current_case_id
            self.assertTrue(case)
            self._pay(first.move_id, 10000.0, date(2026, 3, 12))
            # no engine call: the reconciliation itself updated everything
            self.assertEqual(contract.days_overdue, 2)
            self.assertEqual(contract.tier_id, self.tiers["T1"])
            self.assertEqual(first.move_id.lease_days_overdue, 0)
            self.assertEqual(self.lessee.lease_days_overdue, 2)
            self.assertEqual(case.tier_id, self.tiers["T1"])
            self.assertEqual(case.state, "open")

    def test_o7_cases_and_tier_history(self):
        """O7: one case per overdue episode with its tier migration history; payment closes it."""
        contract = self._active_contract(invoice_until=DUE, penalty_rate=0.0)
        line = contract.installment_ids.sorted("sequence")[0]
        for day in (1, 5, 16, 17, 31, 46):
            self._run(DUE + timedelta(days=day))
        case = contract.case_ids
        self.assertEqual(len(case), 1)
        self.assertEqual(case.date_start, DUE + timedelta(days=1))
        self.assertEqual(case.occurrence, 1)
        history = case.tier_history_ids.sorted(lambda h: (h.date, h.id))
        self.assertEqual(
            [(h.tier_id.code, (h.date - DUE).days) for h in history],
            [("T1", 1), ("T2", 16), ("T3", 31), ("T4", 46)],
        )
        self.assertEqual(case.max_tier_id, self.tiers["T4"])
        with freeze_time(DUE + timedelta(days=47)):
            self._pay(line.move_id, 10000.0, DUE + timedelta(days=47))
        self.assertEqual(case.state, "closed")
        self.assertEqual(case.date_end, DUE + timedelta(days=47))
        self.assertFalse(contract.current_case_id)
        # The next installment goes overdue: a second episode, occurrence 2.
        contract.installment_ids.sorted("sequence")[1]._create_rent_invoices()
        self._run(date(2026, 3, 15))
        self.assertEqual(len(contract.case_ids), 2)
        self.assertEqual(contract.current_case_id.occurrence, 2)
        self.assertEqual(contract.occurrence, 2)

    def test_o7_running_twice_changes_nothing(self):
        """O7/E14: recomputing the same day twice creates no second case or history row."""
        contract = self._active_contract(invoice_until=DUE)
        self._run(DUE + timedelta(days=20))
        cases, history = contract.case_ids, contract.case_ids.tier_history_ids
        self._run(DUE + timedelta(days=20))
        self.assertEqual(contract.case_ids, cases)
        self.assertEqual(contract.case_ids.tier_history_ids, history)

    def test_credit_note_and_unreconcile(self):
        """C2: credit notes count as settlement; removing a reconciliation reopens it."""
        contract = self._active_contract(invoice_until=DUE, penalty_rate=0.0)
        line = contract.installment_ids.sorted("sequence")[0]
        with freeze_time("2026-02-12"):
            self._credit_note(line.move_id, 4000.0, date(2026, 2, 12))
            self.assertEqual(line.amount_residual, 6000.0)
            self._pay(line.move_id, 6000.0, date(2026, 2, 12))
            self.assertEqual(line.state, "paid")
            self.assertEqual(line.days_late, 2)
        with freeze_time("2026-02-20"):
            payment_lines = line.move_id.line_ids.filtered(
                lambda aml: aml.account_id.account_type == "asset_receivable"
            )
            payment_lines.remove_move_reconcile()
            self.assertEqual(line.state, "overdue")
            self.assertEqual(line.amount_residual, 10000.0)
            self.assertEqual(contract.days_overdue, 10)

    def test_o3_grade_by_days_and_amount(self):
        """O3: the risk grade combines the tier and the overdue amount band."""
        small = self._active_contract(invoice_until=DUE)
        large = self._active_contract(
            invoice_until=DUE, financed_amount=24000000.0, partner_id=self.lessee2.id
        )
        self._run(DUE + timedelta(days=5))
        self.assertEqual(
            small.amount_band_id, self.env.ref("lease_overdue.amount_band_small")
        )
        self.assertEqual(small.risk_grade, "a")  # T1 (1) + small (0)
        self.assertEqual(
            large.amount_band_id, self.env.ref("lease_overdue.amount_band_large")
        )
        self.assertEqual(large.risk_grade, "c")  # T1 (1) + large (2) = 3
        self._run(DUE + timedelta(days=50))
        self.assertEqual(large.risk_grade, "d")  # T4 (4) + large (2)

    def test_o6_overdue_fields_searchable_and_groupable(self):
        """O6: overdue days, tier, amount and penalty are searchable and groupable."""
        contract = self._active_contract(invoice_until=DUE)
        self._run(DUE + timedelta(days=20))
        Contract = self.env["lease.contract"]
        self.assertIn(contract, Contract.search([("days_overdue", ">=", 16)]))
        self.assertIn(contract, Contract.search([("is_overdue", "=", True)]))
        groups = dict(
            Contract._read_group([("id", "=", contract.id)], ["tier_id"], ["__count"])
        )
        self.assertEqual(groups, {self.tiers["T2"]: 1})
        moves = self.env["account.move"].search(
            [("lease_tier_id", "=", self.tiers["T2"].id)]
        )
        self.assertIn(contract.installment_ids[:1].move_id, moves)
        partners = self.env["res.partner"].search([("lease_days_overdue", ">", 15)])
        self.assertIn(self.lessee, partners)
        self.assertTrue(
            self.env["lease.installment"].search(
                [
                    ("tier_id", "=", self.tiers["T2"].id),
                    ("contract_id", "=", contract.id),
                ]
            )
        )

    def test_k2_new_business_suspended_for_arrears(self):
        """K2: a lessee with overdue rent cannot get a new contract activated."""
        self._active_contract(invoice_until=DUE)
        self._run(DUE + timedelta(days=3))
        contract = self.env["lease.contract"].create(self._contract_vals())
        contract.action_generate_schedule()
        with self.assertRaisesRegex(Exception, "suspended"):
            contract.action_activate()
        self.assertEqual(contract.state, "draft")

    def test_o7_payment_by_finance_staff_updates_figures(self):
        """O7/A2: a finance clerk's payment updates the figures and closes the case."""
        contract = self._active_contract(invoice_until=DUE, penalty_rate=0.0)
        line = contract.installment_ids.sorted("sequence")[0]
        self._run(DUE + timedelta(days=3))
        case = contract.current_case_id
        self.assertEqual(case.state, "open")
        with freeze_time(DUE + timedelta(days=4)):
            wizard = (
                self.env["account.payment.register"]
                .with_user(self.finance_user)
                .with_context(active_model="account.move", active_ids=line.move_id.ids)
                .create(
                    {
                        "payment_date": DUE + timedelta(days=4),
                        "journal_id": self.bank_journal.id,
                    }
                )
            )
            wizard._create_payments()
        self.assertEqual(line.state, "paid")
        self.assertEqual(line.days_late, 4)
        self.assertEqual(case.state, "closed")


class TestOverdueTracking(LeaseTestCase):
    """O7/E14: the engine's tier changes are tracked in the chatter, in one batch."""

    def test_o7_tier_changes_tracked_for_each_case(self):
        env = self.env(context={})  # tracking on
        contracts = self.env["lease.contract"]
        for partner in (self.lessee, self.lessee2):
            contracts |= self._active_contract(invoice_until=DUE, partner_id=partner.id)
        engine = env["lease.overdue.engine"]
        engine._run(date=DUE + timedelta(days=5))
        env.cr.precommit.run()
        cases = contracts.current_case_id.with_env(env)
        self.assertEqual(len(cases), 2)
        engine._run(date=DUE + timedelta(days=16))  # both cases enter T2 in one run
        env.flush_all()
        env.cr.precommit.run()
        for case in cases:
            values = case.message_ids.tracking_value_ids.filtered(
                lambda v: v.field_id.name == "tier_id"
            )
            self.assertEqual(len(values), 1, case.name)
            self.assertEqual(values.old_value_char, self.tiers["T1"].display_name)
            self.assertEqual(values.new_value_char, self.tiers["T2"].display_name)
            self.assertEqual(values.mail_message_id.model, "lease.collection.case")
            self.assertEqual(values.mail_message_id.res_id, case.id)
