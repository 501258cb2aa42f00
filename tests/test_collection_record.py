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
