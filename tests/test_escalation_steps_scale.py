"""The escalation steps of the collection cases are set-based (SPEC E14): each costs
the same number of queries for 2 cases as for 6, and calling it again creates nothing."""

from lease_document_common import LeaseDocumentCase

from odoo import Command

STEPS = (
    "_escalation_prepare_notice",
    "_escalation_prepare_lawyer_letter",
    "_escalation_request_assessment",
    "_escalation_plan_inspection",
    "_escalation_prepare_inspection_report",
    "_escalation_prepare_litigation_letter",
    "_escalation_start_legal",
    "_escalation_notify_guarantors",
    "_escalation_check_documents",
    "_escalation_draft_disposal_plan",
    "_escalation_file_lawsuit",
    "_escalation_execute_disposal",
)


class TestEscalationStepsScale(LeaseDocumentCase):
    def _cases(self, count):
        """``count`` cases 31 days overdue (tier 3); every other one with two
        guarantors and no guarantee contract (its file check finds them missing)."""
        contracts = self.env["lease.contract"].browse()
        for n in range(count):
            contracts |= self._contract(
                guarantor_ids=self._guarantors() if n % 2 else [Command.clear()]
            )
        self._run(31, contracts)
        # as the job browses them: prefetched together
        cases = self.env["lease.collection.case"].browse(contracts.current_case_id.ids)
        self.assertEqual(len(cases), count)
        return cases

    def _queries(self, cases):
        """{step: (queries, records created)} of each step on ``cases``."""
        counts = {}
        with self._on(31):
            for step in STEPS:
                self.env.invalidate_all()
                before = self.env.cr.sql_log_count
                created = getattr(cases, step)()
                self.env.flush_all()
                counts[step] = (self.env.cr.sql_log_count - before, len(created))
        return counts

    def test_e14_escalation_steps_constant_queries(self):
        """E14: every escalation step of the collection case works in a fixed number of
        queries for the whole set of cases (portfolios of 100k contracts): 6 cases cost
        no more than 2; documents, legal cases and disposals are numbered apart; a second
        call creates nothing; the collector follows the disposal plans; missing guarantee
        contracts reach legal as one activity per case."""
        self._queries(self._cases(1))  # caches warmed up
        small = self._queries(self._cases(2))
        cases = self._cases(6)
        large = self._queries(cases)
        for step in STEPS:
            self.assertLessEqual(
                large[step][0], small[step][0], f"{step}: {small} -> {large}"
            )
        self.assertEqual(large["_escalation_prepare_notice"][1], 6)
        self.assertEqual(large["_escalation_notify_guarantors"][1], 6)  # 3 x 2
        self.assertEqual(large["_escalation_check_documents"][1], 3)
        again = self._queries(cases)
        self.assertFalse(
            {step: n for step, (_q, n) in again.items() if n},
            "E14: a second call creates nothing",
        )
        documents = cases.document_ids
        self.assertEqual(len(set(documents.mapped("name"))), len(documents))
        self.assertNotIn("/", documents.mapped("name"))
        self.assertEqual(len(set(cases.legal_case_ids.mapped("name"))), 6)
        disposals = cases.disposal_ids
        self.assertEqual(len(set(disposals.mapped("name"))), 6)
        collector = self.users["collector"].partner_id
        for disposal in disposals:
            self.assertIn(collector, disposal.message_partner_ids)
            self.assertTrue(disposal.message_ids, "its creation is logged")
        checked = cases.filtered("missing_documents")
        self.assertEqual(len(checked), 3)
        self.assertTrue(all(cases.mapped("date_documents_checked")))
        self.assertEqual(
            len(checked.activity_ids.filtered(lambda a: "guarantee" in a.summary)), 3
        )
        for case in cases - checked:
            self.assertTrue(
                case.message_ids.filtered(
                    lambda m: "checked: complete" in str(m.body or "")
                )
            )
