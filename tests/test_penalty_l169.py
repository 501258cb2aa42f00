"""Penalty interest per D9 L169 (SPEC C3 revised; issue 9 item 3).

承租人未能在合同约定的租金支付日将当期租金(如有以前累计罚息,则含罚息)完全付清: on a due
date the current rent *and* the penalty accumulated before it must be paid. So:

- an installment whose rent is paid is settled (paid, no more overdue days) whatever its
  own penalty: that penalty is billed by the nightly job to fall due with the next rent;
- the next installment is overdue from the day after its due date unless its rent and
  that penalty are paid in full;
- after the last installment the penalty is billed when it stops accruing (or monthly)
  and falls due the company's number of days later.

A company in Asia/Shanghai; the nightly job (lease.overdue.engine._cron_daily: rent
invoicing, penalty billing, overdue run, escalation) runs at 01:30 Beijing time (17:30
UTC the day before), payments at 10:00 Beijing time, all with real invoices and payments
(account.payment.register). Contract: 12 monthly rents of 10 000.00 due on the 10th from
2026-03-10, daily penalty rate 0.05 % (5.00 a day on a whole rent).
"""

from datetime import date, datetime, time, timedelta
from unittest.mock import patch

from freezegun import freeze_time
from lease_escalation_common import DUE, EscalationCase

from odoo.exceptions import UserError, ValidationError

NEXT_DUE = date(2026, 4, 10)  # installment 2: day 31 of installment 1


class TestPenaltyL169(EscalationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.resource_calendar_id.tz = "Asia/Shanghai"
        cls.company.partner_id.tz = "Asia/Shanghai"
        cls.company.lease_invoice_days_ahead = 10
        cls.company.lease_penalty_due_days = 10
        cls.engine = cls.env["lease.overdue.engine"]
        cls.lessee_p = cls._lessee("罚息测试承租人有限公司")
        cls.contract = cls._contract(cls.lessee_p, penalty_rate=0.0005)

    # ------------------------------------------------------------------ helpers
    def _night(self, day):
        """The nightly job of ``day``: 01:30 in Beijing is 17:30 UTC the day before."""
        with freeze_time(datetime.combine(day - timedelta(days=1), time(17, 30))):
            self.assertEqual(self.company._lease_today(), day)
            self.engine._cron_daily()

    def _pay_on(self, move, amount, day):
        """A payment registered at 10:00 Beijing time on ``day``."""
        with freeze_time(datetime.combine(day, time(2, 0))):
            return self._pay(move, amount, day)

    def _line(self, n, contract=None):
        return (contract or self.contract).installment_ids.sorted("sequence")[n - 1]

    def _penalties(self, contract=None):
        return self.env["account.move"].search(
            [
                ("lease_contract_id", "=", (contract or self.contract).id),
                ("lease_move_kind", "=", "penalty"),
            ]
        )

    def _paid_ten_days_late(self):
        """Installment 1 (10 000.00 due 03-10) paid on 03-20: penalty 10 x 5.00 = 50.00."""
        self._night(DUE - timedelta(days=9))  # 03-01: rent invoiced ahead
        line = self._line(1)
        self.assertEqual(line.state, "invoiced")
        self.assertEqual(line.amount_rent, 10000.0)
        self.assertEqual(self._line(2).date_due, NEXT_DUE)
        for day in (1, 5, 10):
            self._night(DUE + timedelta(days=day))
        self.assertEqual(line.days_overdue, 10)
        self._pay_on(line.move_id, 10000.0, DUE + timedelta(days=10))
        return line

    # ------------------------------------------------------------------ (a)
    def test_rent_paid_late_settles_and_never_escalates(self):
        """SPEC C3 / D9 L169, issue 9 item 3 (a): rent paid 10 days late and no penalty
        invoiced by hand: the installment is paid (settled on the payment day), the case
        closes, and on days 16, 31 and 46 of the nightly job nothing is overdue: the case
        never reaches T2, T3 or T4 and there is no legal case nor disposal plan. The
        penalty (50.00) stays visible and falls due with the next rent."""
        line = self._paid_ten_days_late()
        case = self.contract.case_ids
        self.assertEqual(len(case), 1)
        self.assertEqual(case.max_tier_id, self.tiers["T1"])
        self.assertEqual(line.state, "paid")
        self.assertEqual(line.days_overdue, 0)
        self.assertFalse(line.tier_id)
        self.assertEqual(line.date_settled, DUE + timedelta(days=10))
        self.assertEqual(line.days_late, 10)
        self.assertEqual(line.penalty_accrued, 50.0)
        self.assertEqual(line.penalty_invoiced, 0.0)
        self.assertEqual(line.penalty_due, 50.0)
        self.assertEqual(self.contract.penalty_amount, 50.0)
        self.assertEqual(case.state, "closed")
        self.assertEqual(self.contract.days_overdue, 0)
        for day in (16, 31):
            self._night(DUE + timedelta(days=day))
            self.assertEqual(self.contract.days_overdue, 0, day)
            self.assertFalse(self.contract.tier_id, day)
            self.assertFalse(self.contract.current_case_id, day)
            self.assertEqual(line.state, "paid", day)
        # day 31 is installment 2's due date: the penalty was billed to fall due with it
        second = self._line(2)
        self.assertEqual(second.penalty_carried, 50.0)
        self._pay_on(second.move_id, 10000.0, NEXT_DUE)
        self._pay_on(self._penalties(), 50.0, NEXT_DUE)
        self.assertEqual(second.state, "paid")
        self.assertEqual(line.penalty_due, 0.0)
        self._night(NEXT_DUE + timedelta(days=1))
        self.assertEqual(second.days_overdue, 0, "rent and penalty paid: not overdue")
        self._night(DUE + timedelta(days=46))
        self.assertEqual(self.contract.days_overdue, 0)
        self.assertFalse(self.contract.tier_id)
        self.assertEqual(self.contract.case_ids, case, "no new episode")
        self.assertEqual(case.max_tier_id, self.tiers["T1"])
        self.assertEqual(set(case.tier_history_ids.tier_id), {self.tiers["T1"]})
        domain = [("contract_id", "=", self.contract.id)]
        self.assertFalse(self.env["lease.legal.case"].search(domain))
        self.assertFalse(self.env["lease.disposal"].search(domain))

    # ------------------------------------------------------------------ (b)
    def test_penalty_billed_on_next_due_date_once(self):
        """SPEC C3 / D9 L169, issue 9 item 3 (b): the 50.00 accumulated on installment 1
        is billed by the nightly job of installment 2's due date (04-10), not the night
        before, dated and due exactly 04-10, as a penalty invoice of installment 1 that
        falls due with installment 2; rerunning the job (that night and the next) bills
        nothing more, nor does finance's button."""
        line = self._paid_ten_days_late()
        self._night(NEXT_DUE - timedelta(days=1))
        self.assertFalse(self._penalties(), "not billed before the next due date")
        self.assertEqual(line.penalty_invoiced, 0.0)
        self._night(NEXT_DUE)
        penalty = self._penalties()
        self.assertEqual(len(penalty), 1)
        self.assertEqual(penalty.state, "posted")
        self.assertEqual(penalty.amount_total, 50.0)
        self.assertEqual(penalty.partner_id, self.lessee_p)
        self.assertEqual(penalty.invoice_date, NEXT_DUE)
        self.assertEqual(penalty.invoice_date_due, NEXT_DUE)
        self.assertEqual(penalty.lease_installment_id, line)
        self.assertEqual(penalty.lease_due_installment_id, self._line(2))
        self.assertEqual(line.penalty_move_ids, penalty)
        self.assertEqual(self._line(2).penalty_carried_move_ids, penalty)
        self.assertEqual(line.penalty_invoiced, 50.0)
        self.assertEqual(line.penalty_due, 50.0)
        self.assertEqual(self._line(2).penalty_carried, 50.0)
        self.assertEqual(self._line(2).penalty_carried_due, 50.0)
        self.assertTrue(line.move_id.lease_move_kind == "rent")
        self._night(NEXT_DUE)
        self._night(NEXT_DUE + timedelta(days=1))
        self.assertEqual(self._penalties(), penalty, "never billed twice")
        with freeze_time(datetime.combine(NEXT_DUE, time(2, 0))):
            self.assertFalse(
                self.env["lease.installment"]._invoice_penalty_due(), "rerun"
            )
            with self.assertRaises(UserError):
                line.with_user(self.finance_user).action_invoice_penalty()
        self.assertEqual(line.penalty_invoiced, 50.0)

    def test_unpaid_rent_penalty_billed_on_each_due_date(self):
        """SPEC C3 / D9 L169, issue 9 item 3 (b): rent still unpaid on the next due date:
        the 31 days accumulated by then (155.00) are billed due 04-10 with installment 2;
        paid on 04-15, the 5 more days (25.00) are billed due 05-10 with installment 3
        (installment 2's rent paid on time accrues nothing)."""
        self._night(DUE - timedelta(days=9))
        line = self._line(1)
        self._night(NEXT_DUE)
        self._pay_on(self._line(2).move_id, 10000.0, NEXT_DUE)
        penalty = self._penalties()
        self.assertEqual(penalty.amount_total, 155.0)
        self.assertEqual(penalty.invoice_date_due, NEXT_DUE)
        self.assertEqual(penalty.lease_due_installment_id, self._line(2))
        self.assertEqual(line.state, "overdue")
        self._pay_on(line.move_id, 10000.0, date(2026, 4, 15))
        self.assertEqual(line.state, "paid")
        self.assertEqual(line.penalty_accrued, 180.0)
        self._night(date(2026, 5, 9))
        self.assertEqual(self._penalties(), penalty)
        self._night(date(2026, 5, 10))
        rest = self._penalties() - penalty
        self.assertEqual(rest.amount_total, 25.0)
        self.assertEqual(rest.invoice_date_due, date(2026, 5, 10))
        self.assertEqual(rest.lease_due_installment_id, self._line(3))
        self.assertEqual(line.penalty_invoiced, 180.0)

    def test_button_bills_now_with_the_next_rent(self):
        """SPEC C3 / D9 L169, issue 9 item 3 (b): finance's button bills now what has
        accrued, due with the next rent like the nightly bill; the job then bills only
        what accrued since (here nothing)."""
        line = self._paid_ten_days_late()
        with freeze_time(datetime.combine(date(2026, 3, 25), time(2, 0))):
            line.with_user(self.finance_user).action_invoice_penalty()
        penalty = self._penalties()
        self.assertEqual(penalty.amount_total, 50.0)
        self.assertEqual(penalty.invoice_date, date(2026, 3, 25))
        self.assertEqual(penalty.invoice_date_due, NEXT_DUE)
        self.assertEqual(penalty.lease_due_installment_id, self._line(2))
        self._night(NEXT_DUE)
        self.assertEqual(self._penalties(), penalty)

    def test_missed_night_bills_with_the_next_rent(self):
        """SPEC C3 / D9 L169, issue 9 item 3 (b): when the night of 04-10 is missed, the
        next night bills the penalty to fall due with the next rent (05-10), never due
        before it was billed."""
        self._paid_ten_days_late()
        self._night(NEXT_DUE + timedelta(days=1))
        penalty = self._penalties()
        self.assertEqual(penalty.amount_total, 50.0)
        self.assertEqual(penalty.invoice_date, NEXT_DUE + timedelta(days=1))
        self.assertEqual(penalty.invoice_date_due, date(2026, 5, 10))
        self.assertEqual(penalty.lease_due_installment_id, self._line(3))
        self.assertEqual(self._line(2).days_overdue, 1, "its rent is unpaid")
        self._night(NEXT_DUE + timedelta(days=2))
        self.assertEqual(self._penalties(), penalty)

    # ------------------------------------------------------------------ (c)
    def test_next_installment_overdue_until_rent_and_penalty_paid(self):
        """SPEC C3 / D9 L169, issue 9 item 3 (c): installment 2's rent paid on its due
        date but not the 50.00 billed with it: not overdue on 04-10, overdue from 04-11
        (day 1, overdue amount 50.00); 20.00 paid on 04-12 leaves it overdue (30.00);
        the rest paid on 04-13 settles it that day and closes the case."""
        self._paid_ten_days_late()
        second = self._line(2)
        self._night(NEXT_DUE)
        penalty = self._penalties()
        self._pay_on(second.move_id, 10000.0, NEXT_DUE)
        self.assertEqual(second.amount_residual, 0.0)
        self.assertEqual(second.state, "invoiced")
        self.assertEqual(second.days_overdue, 0, "not overdue on its due date")
        self._night(NEXT_DUE + timedelta(days=1))
        self.assertEqual(second.state, "overdue")
        self.assertEqual(second.days_overdue, 1)
        self.assertEqual(second.tier_id, self.tiers["T1"])
        self.assertEqual(second.amount_overdue, 50.0)
        self.assertEqual(self.contract.days_overdue, 1)
        case = self.contract.current_case_id
        self.assertTrue(case)
        self.assertEqual(case.date_start, NEXT_DUE + timedelta(days=1))
        self.assertEqual(
            self._line(1).state, "paid", "its own penalty never reopens it"
        )
        self._pay_on(penalty, 20.0, NEXT_DUE + timedelta(days=2))
        self.assertEqual(second.state, "overdue", "a partial penalty payment")
        self.assertEqual(second.days_overdue, 2)
        self.assertEqual(second.penalty_carried_due, 30.0)
        self.assertEqual(second.amount_overdue, 30.0)
        self._pay_on(penalty, 30.0, NEXT_DUE + timedelta(days=3))
        self.assertEqual(second.state, "paid")
        self.assertEqual(second.days_overdue, 0)
        self.assertEqual(second.amount_overdue, 0.0)
        self.assertEqual(second.date_settled, NEXT_DUE + timedelta(days=3))
        self.assertEqual(second.days_late, 3)
        self.assertEqual(case.state, "closed")
        self.assertEqual(self.contract.days_overdue, 0)

    def test_next_installment_paid_in_full_is_not_overdue(self):
        """SPEC C3 / D9 L169, issue 9 item 3 (c): rent 10 000.00 + penalty 50.00 paid on
        the due date: installment 2 is paid, never overdue (10 000.00 alone is not
        enough: the test above)."""
        self._paid_ten_days_late()
        second = self._line(2)
        self._night(NEXT_DUE)
        self._pay_on(second.move_id, 10000.0, NEXT_DUE)
        self._pay_on(self._penalties(), 50.0, NEXT_DUE)
        self.assertEqual(second.state, "paid")
        self.assertEqual(second.date_settled, NEXT_DUE)
        self.assertEqual(second.days_late, 0)
        self._night(NEXT_DUE + timedelta(days=1))
        self.assertEqual(second.days_overdue, 0)
        self.assertEqual(self.contract.days_overdue, 0)
        self.assertFalse(self.contract.current_case_id)

    def test_nightly_billing_is_set_based(self):
        """SPEC C3, issue 9 item 3: the nightly billing decides with a fixed number of
        queries whatever the number of contracts (1 or 3 to bill: the same statements),
        then creates all the bills in one batch."""
        Line = type(self.env["lease.installment"])
        mine = self.env["lease.contract"]

        def add_contracts(count):
            nonlocal mine
            for k in range(count):
                contract = self._contract(
                    self._lessee(f"批量罚息{len(mine)}-{k}"), penalty_rate=0.0005
                )
                first = contract.installment_ids.sorted("sequence")[:2]
                with freeze_time(DUE):
                    first._create_rent_invoices()
                self._pay_on(first[0].move_id, 10000.0, DUE + timedelta(days=10))
                mine |= contract

        def measure():
            decided = []

            def fake(records, bills, today):
                decided.extend(bills)
                return records.env["account.move"]

            self.env.flush_all()
            savepoint = self.env.cr.savepoint()
            try:
                with patch.object(Line, "_create_penalty_invoices", fake):
                    before = self.env.cr.sql_log_count
                    self.env["lease.installment"]._invoice_penalty_due(date=NEXT_DUE)
                    queries = self.env.cr.sql_log_count - before
            finally:
                savepoint.close(rollback=True)
                self.env.invalidate_all()
            ours = [bill for bill in decided if bill[0].contract_id in mine]
            return queries, ours

        add_contracts(1)
        small = measure()
        add_contracts(2)
        large = measure()
        self.assertEqual(len(small[1]), 1)
        self.assertEqual(len(large[1]), 3)
        self.assertEqual({(bill[1], bill[2]) for bill in large[1]}, {(50.0, NEXT_DUE)})
        self.assertEqual(small[0], large[0], "queries to decide 1 bill, then 3")
        Move = type(self.env["account.move"])
        original = Move.create
        creates = []

        def counting(records, vals_list):
            creates.append(len(vals_list))
            return original(records, vals_list)

        with (
            freeze_time(datetime.combine(NEXT_DUE, time(2, 0))),
            patch.object(Move, "create", counting),
        ):
            moves = self.env["lease.installment"]._invoice_penalty_due()
        self.assertEqual(len(creates), 1, "one batched create")
        self.assertEqual(len(moves.filtered(lambda m: m.lease_contract_id in mine)), 3)

    # ------------------------------------------------------------------ (d)
    def _short_contract(self):
        """Two rents of 10 000.00, due 03-10 and 04-10 (the last one)."""
        contract = self._contract(
            self._lessee("末期罚息承租人有限公司"),
            amount=20000.0,
            term_count=2,
            penalty_rate=0.0005,
        )
        self._night(date(2026, 3, 1))
        self._night(date(2026, 3, 31))
        first, last = contract.installment_ids.sorted("sequence")
        self.assertEqual(last.date_due, NEXT_DUE)
        self.assertEqual(last.amount_rent, 10000.0)
        self._pay_on(first.move_id, 10000.0, DUE)
        return contract, last

    def test_after_last_installment_billed_when_paid_due_after_setting(self):
        """SPEC C3 / D9 L169, issue 9 item 3 (d): the last rent (04-10) paid on 04-20:
        the 50.00 is billed the next night (04-21) and due the company's 7 days later
        (04-28), with no installment to fall due with; the installment stays paid."""
        self.company.lease_penalty_due_days = 7
        contract, last = self._short_contract()
        self._night(date(2026, 4, 20))
        self.assertFalse(self._penalties(contract), "still accruing: not billed yet")
        self._pay_on(last.move_id, 10000.0, date(2026, 4, 20))
        self._night(date(2026, 4, 21))
        penalty = self._penalties(contract)
        self.assertEqual(penalty.amount_total, 50.0)
        self.assertEqual(penalty.invoice_date, date(2026, 4, 21))
        self.assertEqual(penalty.invoice_date_due, date(2026, 4, 28))
        self.assertFalse(penalty.lease_due_installment_id)
        self.assertEqual(penalty.lease_installment_id, last)
        self.assertEqual(last.state, "paid")
        self.assertEqual(last.penalty_due, 50.0)
        self._night(date(2026, 4, 22))
        self.assertEqual(self._penalties(contract), penalty, "never billed twice")
        self._night(date(2026, 4, 30))
        self.assertEqual(contract.days_overdue, 0)
        self.assertEqual(contract.penalty_amount, 50.0)

    def test_after_last_installment_unpaid_rent_billed_monthly(self):
        """SPEC C3 / D9 L169, issue 9 item 3 (d): the last rent unpaid: a month after its
        due date (05-10, not 05-09) the 30 days accrued (150.00) are billed, due 10 days
        later (05-20)."""
        contract, _last = self._short_contract()
        self._night(date(2026, 5, 9))
        self.assertFalse(self._penalties(contract))
        self._night(date(2026, 5, 10))
        penalty = self._penalties(contract)
        self.assertEqual(penalty.amount_total, 150.0)
        self.assertEqual(penalty.invoice_date_due, date(2026, 5, 20))
        self.assertFalse(penalty.lease_due_installment_id)

    # ------------------------------------------------------------------ (e)
    def test_negative_penalty_due_days_refused(self):
        """SPEC C3, issue 9 item 3 (e): the days before a penalty bill falls due after
        the last installment cannot be negative (company and settings); 0 is allowed."""
        with self.assertRaises(ValidationError) as refused:
            self.company.lease_penalty_due_days = -1
        self.assertIn("0 or more", str(refused.exception))
        with self.assertRaises(ValidationError):
            settings = self.env["res.config.settings"].create(
                {"lease_penalty_due_days": -3}
            )
            settings.execute()
        self.assertEqual(self.company.lease_penalty_due_days, 10)
        settings = self.env["res.config.settings"].create({"lease_penalty_due_days": 0})
        settings.execute()
        self.assertEqual(self.company.lease_penalty_due_days, 0)
