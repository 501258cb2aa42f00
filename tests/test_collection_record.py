from odoo.exceptions import AccessError, ValidationError
from odoo.tests import TransactionCase, new_test_user


class TestCollectionRecordModel(TransactionCase):
    """SPEC F1: the collection record keeps who contacted whom, when, how and what."""

    def test_f1_record_fields(self):
        partner = self.env["res.partner"].create({"name": "Lessee F1"})
        contract = self.env["lease.contract"].create({"partner_id": partner.id})
        user = new_test_user(
            self.env, "f1_collector", groups="lease_overdue.group_asset_management"
        )
        record = (
            self.env["lease.collection.record"]
            .with_user(user)
            .create(
                {
                    "contract_id": contract.id,
                    "channel": "phone",
                    "contact_name": "Mr. Wang, owner",
                    "result": "Will pay next week",
                    "overdue_reason": "Customer paid late",
                    "willingness": "high",
                    "ability": "medium",
                    "next_step": "Call again on Friday",
                }
            )
        )
        self.assertEqual(record.partner_id, partner)
        self.assertEqual(record.user_id, user)
        self.assertEqual(record.company_id, contract.company_id)
        for name in (
            "case_id",
            "contract_id",
            "partner_id",
            "date",
            "channel",
            "user_id",
            "contact_name",
            "result",
            "overdue_reason",
            "willingness",
            "ability",
            "promise_id",
            "next_step",
            "attachment_ids",
            "company_id",
        ):
            self.assertIn(name, record._fields)

    def test_f1_a2_who_sees_collection_records(self):
        """F1 / A2: a collector sees his own contacts, an account manager his customers',
        risk management all of them; nobody outside asset management and business logs."""
        group = "lease_overdue.group_"
        collector = new_test_user(
            self.env, "f1_col_a", groups=group + "asset_management"
        )
        collector_b = new_test_user(
            self.env, "f1_col_b", groups=group + "asset_management"
        )
        manager_a = new_test_user(self.env, "f1_am_a", groups=group + "business")
        manager_b = new_test_user(self.env, "f1_am_b", groups=group + "business")
        risk = new_test_user(self.env, "f1_risk", groups=group + "risk_management")
        partner = self.env["res.partner"].create({"name": "Lessee F1 rights"})
        contract = self.env["lease.contract"].create(
            {
                "partner_id": partner.id,
                "collector_id": collector.id,
                "account_manager_id": manager_a.id,
            }
        )
        record = (
            self.env["lease.collection.record"]
            .with_user(collector)
            .create(
                {
                    "contract_id": contract.id,
                    "channel": "visit",
                    "result": "Met the owner",
                }
            )
        )
        Record = self.env["lease.collection.record"]
        self.assertEqual(
            Record.with_user(collector).search([("id", "=", record.id)]), record
        )
        self.assertEqual(
            Record.with_user(manager_a).search([("id", "=", record.id)]), record
        )
        self.assertEqual(
            Record.with_user(risk).search([("id", "=", record.id)]), record
        )
        self.assertFalse(Record.with_user(collector_b).search([("id", "=", record.id)]))
        self.assertFalse(Record.with_user(manager_b).search([("id", "=", record.id)]))
        with self.assertRaises(AccessError):
            record.with_user(collector_b).read(["result"])
        with self.assertRaises(AccessError):
            Record.with_user(risk).create(
                {"contract_id": contract.id, "channel": "phone"}
            )
        other = self.env["lease.contract"].create({"partner_id": partner.id})
        case = self.env["lease.collection.case"].create(
            {"contract_id": other.id, "date_start": "2026-03-11"}
        )
        with self.assertRaises(ValidationError):
            Record.create(
                {"contract_id": contract.id, "case_id": case.id, "channel": "phone"}
            )
