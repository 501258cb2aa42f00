"""Fixtures of the escalation tests: contracts through the real flow, a day-by-day clock.

The company lives in Asia/Shanghai on China's real calendar (issue 9 "Done when"): its
working calendar's time zone is Asia/Shanghai and China's public holidays (entered in local
time) and make-up working days (调休) of 2026 are loaded from the chinesecalendar package,
as the install and the yearly action do. In 2026: 清明 04-04..04-06, 劳动节 05-01..05-05
with the 调休 Saturday 05-09, 中秋 09-25..09-27, 国庆 10-01..10-07 with the 调休 Sunday
09-20 and Saturday 10-10.
"""

from datetime import date, timedelta

from freezegun import freeze_time
from lease_test_common import LeaseTestCase

from odoo.tests import new_test_user

DUE = date(2026, 3, 10)  # a Tuesday: installment 1 of every contract below


class EscalationCase(LeaseTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._live_in_beijing()
        group = "lease_overdue.group_"
        cls.risk_officer = new_test_user(
            cls.env, "t_risk_officer", groups=group + "risk_management"
        )
        cls.team_lead = new_test_user(cls.env, "t_team_lead", groups=group + "business")
        cls.risk_head = new_test_user(
            cls.env, "t_risk_head", groups=group + "risk_management_head"
        )
        cls.Rule = cls.env["lease.escalation.rule"]
        cls.Log = cls.env["lease.escalation.log"]
        cls.Activity = cls.env["mail.activity"]

    # ------------------------------------------------------------------
    @classmethod
    def _lessee(cls, name, phone="13800138000"):
        return cls.env["res.partner"].create(
            {"name": name, "is_company": True, "phone": phone}
        )

    @classmethod
    def _contract(
        cls, lessee, locality="local", buyback=False, amount=120000.0, **overrides
    ):
        """An active contract of 12 monthly rents from DUE, through the real flow."""
        vals = {
            "partner_id": lessee.id,
            "locality": locality,
            "has_buyback_guarantee": buyback,
            "financed_amount": amount,
            "date_start": date(2026, 2, 1),
            "date_first_due": DUE,
            "penalty_rate": 0.0,
            "team_lead_id": cls.team_lead.id,
            "risk_officer_id": cls.risk_officer.id,
        }
        vals.update(overrides)
        contract = cls.env["lease.contract"].create(cls._contract_vals(**vals))
        contract.action_generate_schedule()
        contract.action_activate()
        return contract

    def _day(self, day, contracts=None, twice=True, schedules=("daily",), at=None):
        """One day of the portfolio: invoice what is due soon, recompute, escalate. The
        second run of the job must create nothing (SPEC E14). ``at``: the time (UTC)."""
        with freeze_time(f"{day} {at}" if at else day):
            if contracts:
                contracts.action_invoice_due()
            self.env["lease.overdue.engine"]._run()
            logs = self.Log
            for schedule in schedules:
                logs |= self.Rule._run_escalation(schedule=schedule)
                if twice:
                    again = self.Rule._run_escalation(schedule=schedule)
                    self.assertFalse(
                        again,
                        f"{day}: a second run created {again.mapped('rule_id.name')}",
                    )
        return logs

    def _rule(self, xmlid):
        return self.env.ref(f"lease_overdue.lease_escalation_rule_{xmlid}")

    def _tasks(self, record, xmlid=None, active=True):
        """Activities of ``record`` (case or contract), optionally of one rule."""
        domain = [("res_model", "=", record._name), ("res_id", "=", record.id)]
        if xmlid:
            domain.append(("lease_escalation_rule_id", "=", self._rule(xmlid).id))
        return self.Activity.with_context(active_test=active).search(domain)

    def _logs(self, record, xmlid):
        return self.Log.search(
            [
                ("res_model", "=", record._name),
                ("res_id", "=", record.id),
                ("rule_id", "=", self._rule(xmlid).id),
            ]
        )

    @staticmethod
    def offset(days):
        return DUE + timedelta(days=days)
