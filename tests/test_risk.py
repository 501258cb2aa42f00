"""Credit rating, credit limit, suspension and blacklist early warning (SPEC K1, K2, W3)."""

from datetime import date, timedelta

from freezegun import freeze_time
from lease_document_common import DUE, LeaseDocumentCase

from odoo import Command
from odoo.exceptions import AccessError, UserError

from odoo.addons.lease_overdue.models.res_partner import rating_cap


class TestBlacklist(LeaseDocumentCase):
    def _blacklist(self, **vals):
        return (
            self.env["lease.blacklist.entry"]
            .with_user(self.users["risk_officer"])
            .create({"reason": "malicious_default", **vals})
        )

    def test_w3_new_partner_with_blacklisted_number_warns_risk(self):
        """W3: a new partner whose registration number is on the blacklist is not blocked,
        but gets a chatter warning and an activity for risk management."""
        with self.assertRaises(AccessError):
            self.env["lease.blacklist.entry"].with_user(
                self.users["account_manager"]
            ).create({"name": "X", "registration_number": "1"})
        entry = self._blacklist(
            name="恶意逃债有限公司", registration_number="91310000 MA1K00000X "
        )
        self.assertEqual(entry.registration_number, "91310000MA1K00000X")
        partner = self.env["res.partner"].create(
            {
                "name": "新名字有限公司",
                "is_company": True,
                "lease_registration_number": "91310000ma1k00000x",
            }
        )
        self.assertTrue(partner.lease_blacklisted)
        self.assertIn("91310000MA1K00000X", partner.message_ids[0].body)
        activity = partner.activity_ids
        self.assertEqual(len(activity), 1)
        # the company's head of risk management (issue 12 item 4), not the group's
        # first user (the demo head, created before him)
        self.assertEqual(activity.user_id, self.users["risk_head"])
        other_head = self.env.ref("lease_overdue.demo_user_risk_head")
        self.company.lease_head_risk_management_id = other_head
        partner2 = self.env["res.partner"].create(
            {
                "name": "又一个新名字有限公司",
                "is_company": True,
                "lease_registration_number": "91310000MA1K00000X",
            }
        )
        self.assertEqual(partner2.activity_ids.user_id, other_head)
        self.assertIn(
            partner, self.env["res.partner"].search([("lease_blacklisted", "=", True)])
        )
        clean = self._lessee(lease_registration_number="91310000CLEAN0001X")
        self.assertFalse(clean.activity_ids)
        self.assertNotIn(
            clean, self.env["res.partner"].search([("lease_blacklisted", "=", True)])
        )
        clean.lease_registration_number = "91310000MA1K00000X"  # write also warns
        self.assertEqual(len(clean.activity_ids), 1)

    def test_w3_blacklisted_party_on_new_contract(self):
        """W3: a contract whose lessee, vendor or guarantor is blacklisted (by partner or
        registration number) shows a warning and cannot be activated."""
        bad = self._lessee(lease_registration_number="91440300BAD000001Y")
        self._blacklist(registration_number="91440300BAD000001Y", name="旧公司")
        contract = self.env["lease.contract"].create(self._contract_vals(partner=bad))
        contract.action_generate_schedule()
        self.assertIn("Lessee", contract.blacklist_warning)
        self.assertIn("旧公司", contract.blacklist_warning)
        with self.assertRaisesRegex(UserError, "blacklist"):
            contract.action_activate()
        self.assertEqual(contract.state, "draft")

        good = self.env["lease.contract"].create(
            self._contract_vals(guarantor_ids=[Command.set(self.guarantor.ids)])
        )
        good.action_generate_schedule()
        self.assertFalse(good.blacklist_warning)
        self._blacklist(partner_id=self.guarantor.id)
        good.invalidate_recordset(["blacklist_warning"])
        self.assertIn("Guarantor", good.blacklist_warning)
        with self.assertRaisesRegex(UserError, "blacklist"):
            good.action_activate()

        vendor_entry = self._blacklist(partner_id=self.vendor.id)
        third = self.env["lease.contract"].create(self._contract_vals())
        third.action_generate_schedule()
        self.assertIn("Vendor", third.blacklist_warning)
        # Lifted by the head of risk management, with a reason (W3, A3).
        risk_head_entry = vendor_entry.with_user(self.users["risk_head"])
        risk_head_entry.lift_reason = "误列：出卖人已更正登记信息"
        risk_head_entry.action_lift()
        self.assertEqual(vendor_entry.lifted_by_id, self.users["risk_head"])
        third.invalidate_recordset(["blacklist_warning"])
        self.assertFalse(third.blacklist_warning)
        with freeze_time(DUE - timedelta(days=5)):
            third.action_activate()
        self.assertEqual(third.state, "active")


class TestCreditLimitAndSuspension(LeaseDocumentCase):
    def test_k2_suspension_blocks_new_business(self):
        """K2: risk management suspends new business with a lessee; activation is refused
        with the reason; only risk management can suspend."""
        lessee = self._lessee()
        with self.assertRaises(AccessError):
            lessee.with_user(self.users["account_manager"]).lease_suspended = True
        lessee.with_user(self.users["risk_officer"]).write(
            {"lease_suspended": True, "lease_suspension_reason": "财务造假"}
        )
        contract = self.env["lease.contract"].create(
            self._contract_vals(partner=lessee)
        )
        contract.action_generate_schedule()
        with self.assertRaisesRegex(UserError, "suspended new business.*财务造假"):
            contract.action_activate()
        lessee.with_user(self.users["risk_head"]).lease_suspended = False
        with freeze_time(DUE - timedelta(days=5)):
            contract.action_activate()

    def test_k2_credit_limit(self):
        """K2: a new contract beyond the lessee's credit limit (outstanding principal of
        its active contracts plus this one) is refused."""
        lessee = self._lessee()
        lessee.with_user(self.users["risk_head"]).lease_credit_limit = 100000.0
        first = self.env["lease.contract"].create(self._contract_vals(partner=lessee))
        first.action_generate_schedule()
        with self.assertRaisesRegex(UserError, "credit limit"):
            first.action_activate()
        lessee.with_user(self.users["risk_head"]).lease_credit_limit = 200000.0
        with freeze_time(DUE - timedelta(days=5)):
            first.action_activate()
        second = self.env["lease.contract"].create(
            self._contract_vals(partner=lessee, financed_amount=60000.0)
        )
        second.action_generate_schedule()
        with freeze_time(DUE - timedelta(days=5)):
            second.action_activate()  # 120 000 + 60 000 = 180 000 owed: within the limit
        third = self.env["lease.contract"].create(
            self._contract_vals(partner=lessee, financed_amount=30000.0)
        )
        third.action_generate_schedule()
        with self.assertRaisesRegex(UserError, "credit limit"):
            third.action_activate()  # 210 000 owed
        self.assertEqual(third.state, "draft")

    def test_k2_arrears_block_new_business(self):
        """K2: a lessee with overdue rent on a contract cannot start another."""
        case = self._overdue_case(5)
        contract = self.env["lease.contract"].create(
            self._contract_vals(partner=case.partner_id)
        )
        contract.action_generate_schedule()
        with self.assertRaisesRegex(UserError, "overdue rent"):
            contract.action_activate()


class TestCreditRating(LeaseDocumentCase):
    def test_k1_rule(self):
        """K1: the documented rule, tier by tier and by recent overdue count."""
        self.assertEqual(rating_cap(0, 0, False), 0)  # AAA
        self.assertEqual(rating_cap(0, 2, False), 1)  # AA
        self.assertEqual(rating_cap(0, 4, False), 2)  # A
        self.assertEqual(rating_cap(0, 7, False), 3)  # B
        self.assertEqual(rating_cap(1, 1, False), 2)  # T1 -> A
        self.assertEqual(rating_cap(2, 1, False), 3)  # T2 -> B
        self.assertEqual(rating_cap(3, 1, False), 4)  # T3 -> C
        self.assertEqual(rating_cap(4, 1, False), 5)  # T4 -> D
        self.assertEqual(rating_cap(0, 0, True), 5)  # blacklisted -> D

    def test_k1_rating_follows_overdue_behaviour(self):
        """K1: the daily engine rates the lessee from its overdue behaviour: downgraded at
        once with the tier, kept after payment, upgraded one step after 12 clean months."""
        contract = self._contract()
        lessee = contract.partner_id
        self._flush_tracking()
        # rated when its first invoice was posted (activation day), clean: AAA
        self.assertEqual(lessee.credit_rating, "AAA")
        self.assertEqual(lessee.credit_rating_date, DUE - timedelta(days=5))
        for days, rating in {10: "A", 20: "B", 35: "C", 50: "D"}.items():
            self._run(days)  # the whole portfolio, as the daily job does
            self._flush_tracking()
            self.assertEqual(lessee.credit_rating, rating, days)
            self.assertEqual(lessee.credit_rating_date, DUE + timedelta(days=days))
        tracked = lessee.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "credit_rating"
        )
        # every downgrade is in the lessee's chatter (the first rating was set in the
        # transaction that created the lessee: nothing to track then)
        self.assertEqual(sorted(tracked.mapped("new_value_char")), ["A", "B", "C", "D"])
        first = contract.installment_ids.sorted("sequence")[0]
        self._pay(first.move_id, 10000.0, DUE + timedelta(days=50))
        with freeze_time(DUE + timedelta(days=50)):
            penalty = first._invoice_penalty()
        self._pay(penalty, penalty.amount_total, DUE + timedelta(days=51))
        self.assertEqual(contract.days_overdue, 0)
        self._run(60)
        self.assertEqual(lessee.credit_rating, "D", "no upgrade before 12 clean months")
        rated = DUE + timedelta(days=50)
        with freeze_time(date(2027, 3, 31)):
            self.env["lease.overdue.engine"]._run(contract_ids=contract.ids)
        self.assertEqual(
            lessee.credit_rating, "D", "the rating is not 12 months old yet"
        )
        self.assertEqual(lessee.credit_rating_date, rated)
        with freeze_time(rated.replace(year=2027)):
            self.env["lease.overdue.engine"]._run(contract_ids=contract.ids)
        self.assertEqual(lessee.credit_rating, "C")
        with freeze_time(rated.replace(year=2027) + timedelta(days=30)):
            self.env["lease.overdue.engine"]._run(contract_ids=contract.ids)
        self.assertEqual(lessee.credit_rating, "C", "one step per 12 clean months")

    def test_k1_only_risk_management_rates(self):
        """K1: risk management can set a rating by hand (who and when recorded)."""
        lessee = self._lessee()
        with self.assertRaises(AccessError):
            lessee.with_user(self.users["account_manager"]).credit_rating = "AAA"
        with freeze_time("2026-05-04"):
            lessee.with_user(self.users["risk_officer"]).credit_rating = "B"
        self.assertEqual(lessee.credit_rating_date, date(2026, 5, 4))
