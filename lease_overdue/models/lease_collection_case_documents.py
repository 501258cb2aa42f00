from odoo import Command, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain

from .lease_document import OUTGOING_KINDS


class LeaseCollectionCase(models.Model):
    """Documents, legal cases and disposals of a collection case, and the escalation steps
    that prepare them (SPEC E3-E11).

    The ``_escalation_*`` methods are called by the escalation rules on a set of cases.
    Each works in a fixed number of queries for the whole set, creates only what does not
    exist yet (calling it twice creates nothing new) and returns the records it created.
    Tier 3 and tier 4 steps skip the cases where the responsible head decided to stop
    that step after a vendor's written objection (E10); disposal skips cases whose
    disposal is deferred until a day not yet passed (E11).
    """

    _inherit = "lease.collection.case"

    document_ids = fields.One2many("lease.document", "case_id", "Documents")
    legal_case_ids = fields.One2many("lease.legal.case", "case_id", "Legal Cases")
    disposal_ids = fields.One2many("lease.disposal", "case_id", "Disposals")
    vendor_objection_ids = fields.One2many(
        "lease.vendor.objection", "case_id", "Vendor Objections"
    )
    vendor_objection_line_ids = fields.One2many(
        "lease.vendor.objection.line", "case_id", "Objected Actions"
    )
    has_buyback_guarantee = fields.Boolean(related="contract_id.has_buyback_guarantee")
    document_count = fields.Integer(compute="_compute_document_counts")
    legal_case_count = fields.Integer(compute="_compute_document_counts")
    disposal_count = fields.Integer(compute="_compute_document_counts")
    date_documents_checked = fields.Date(
        "Collateral Checked On",
        readonly=True,
        help="Day legal checked the collateral and guarantee files (D9 L191).",
    )
    missing_documents = fields.Text("Missing Collateral Documents", readonly=True)

    def _compute_document_counts(self):
        counts = {}
        for model, key in (
            ("lease.document", "document_count"),
            ("lease.legal.case", "legal_case_count"),
            ("lease.disposal", "disposal_count"),
        ):
            groups = self.env[model]._read_group(
                [("case_id", "in", self.ids)], ["case_id"], ["__count"]
            )
            counts[key] = {case.id: count for case, count in groups}
        for case in self:
            for key, values in counts.items():
                case[key] = values.get(case.id, 0)

    # ------------------------------------------------------------------
    # Escalation steps (called by the escalation rules)
    # ------------------------------------------------------------------
    @staticmethod
    def _lease_objection_stop_domain(scope, prefix=""):
        """Domain of the cases where ``scope`` was decided stopped on a vendor's objection
        in force (E10, D9 L193, L198)."""
        return Domain(
            prefix + "vendor_objection_line_ids",
            "any",
            [
                ("scope", "=", scope),
                ("decision", "=", "stop"),
                ("objection_state", "=", "active"),
            ],
        )

    def _lease_objection_stopped(self, scope):
        """The cases of ``self`` where ``scope`` was decided stopped (one query)."""
        if not self:
            return self
        return (
            self.sudo()
            .search(
                Domain("id", "in", self.ids) & self._lease_objection_stop_domain(scope)
            )
            .with_env(self.env)
        )

    def _escalation_cases(self, stop_on_objection=None, stop_on_deferral=False):
        """The open cases of ``self`` an escalation step applies to, as the system (the
        step runs whoever triggered the engine) and in batch mode: no follower added, no
        assignment e-mail per record (the activities still reach their users).
        ``stop_on_objection``: the objection scope of the step (E10); cases where the
        responsible head decided to stop it are left out."""
        today = self.env.company._lease_today()
        cases = (
            self.sudo()
            .with_context(
                mail_create_nosubscribe=True,
                mail_auto_subscribe_no_notify=True,
                mail_activity_quick_update=True,
            )
            .filtered(lambda c: c.state == "open")
        )
        if stop_on_objection:
            cases -= cases._lease_objection_stopped(stop_on_objection)
        if stop_on_deferral:
            cases = cases.filtered(
                lambda c: not c.deferral_until or c.deferral_until < today
            )
        return cases

    def _escalation_create(self, model, vals_list):
        """Create records of ``model`` for the escalation steps in a fixed number of
        queries, whatever their number: their numbers are drawn in one query (see
        ``ir.sequence._lease_next_by_code_batch``), the chatter's per-record work is
        done once for the batch: the creation notes are logged together and the
        responsible users (``user_id``) follow their records in one insert, as the
        chatter's auto-subscription would have made them, without e-mail."""
        records = (
            self.env[model].sudo().with_context(tracking_disable=True).create(vals_list)
        )
        records = records.with_context(tracking_disable=False)
        if not records:
            return records
        # The creation notes in the company's language (issue 11 item 3), not the
        # language of whoever triggered the job.
        bodies = {}
        for group in self.env["res.company"]._lease_split(records).values():
            bodies.update({record.id: record._creation_message() for record in group})
        records._message_log_batch(bodies=bodies)
        user_field = records._fields.get("user_id")
        if user_field and getattr(user_field, "tracking", False):
            subtypes = self.env["mail.message.subtype"].default_subtypes(model)[0]
            self.env["mail.followers"].sudo().with_context(
                default_partner_id=False
            ).create(
                [
                    {
                        "res_model": model,
                        "res_id": record.id,
                        "partner_id": record.user_id.partner_id.id,
                        "subtype_ids": [Command.set(subtypes.ids)],
                    }
                    for record in records
                    if record.user_id.active
                ]
            )
        return records

    def _escalation_new_documents(self, kind, values=None):
        """One draft document of ``kind`` for each case of ``self`` without one yet."""
        documents = self.env["lease.document"].sudo()
        done = {
            case.id
            for (case,) in documents._read_group(
                [("case_id", "in", self.ids), ("kind", "=", kind)], ["case_id"]
            )
        }
        vals_list = []
        for case in self.filtered(lambda c: c.id not in done):
            vals = {
                "kind": kind,
                "case_id": case.id,
                "contract_id": case.contract_id.id,
            }
            if values:
                vals.update(values(case))
            vals_list.append(vals)
        return self._escalation_create("lease.document", vals_list)

    def _escalation_prepare_notice(self):
        """Days 8-15: the rent collection notice, to be signed by the head of asset
        management before it goes out (D9 L174, SPEC E3). Returns the notices created."""
        cases = self._escalation_cases()
        return cases._escalation_new_documents("collection_notice").with_env(self.env)

    def _escalation_prepare_lawyer_letter(self):
        """Day 15: legal prepares the lawyer's demand letter (D9 L175, SPEC E4). Returns
        the letters created."""
        cases = self._escalation_cases()
        return cases._escalation_new_documents(
            "lawyer_letter", lambda case: {"legal_case_id": case.legal_case_ids[:1].id}
        ).with_env(self.env)

    def _escalation_request_assessment(self):
        """Tier 2: business assesses the lessee's repayment capacity (with monthly
        financial statements for large amounts), then risk management gives its opinion
        (D9 L181-L183, SPEC E5, C7). Returns the assessments created."""
        cases = self._escalation_cases()
        return cases._escalation_new_documents("assessment").with_env(self.env)

    def _escalation_prepare_inspection_report(self):
        """Tier 2: asset management inspects the assets on site; its report is
        countersigned by the departments concerned (D9 L180, SPEC E5). Reuses an overdue
        inspection planned since the case opened, else plans one for today. Returns the
        inspection reports created."""
        cases = self._escalation_cases()
        documents = cases.env["lease.document"].sudo()
        done = {
            case.id
            for (case,) in documents._read_group(
                [("case_id", "in", cases.ids), ("kind", "=", "inspection_report")],
                ["case_id"],
            )
        }
        todo = cases.filtered(lambda c: c.id not in done)
        todo._escalation_plan_inspection()
        by_case = todo._overdue_inspections()
        return todo._escalation_new_documents(
            "inspection_report", lambda case: {"inspection_id": by_case[case.id].id}
        ).with_env(self.env)

    def _escalation_prepare_litigation_letter(self):
        """Day 30, with the consent of the departments concerned: legal prepares the
        pre-litigation letter (D9 L187, SPEC E7); the consents are its approvals. Returns
        the letters created."""
        cases = self._escalation_cases()
        return cases._escalation_new_documents(
            "litigation_letter",
            lambda case: {"legal_case_id": case.legal_case_ids[:1].id},
        ).with_env(self.env)

    def _escalation_start_legal(self):
        """Tier 3: the case goes to legal, which sends the lawyer's letter and prepares the
        lawsuit (D9 L190, SPEC E8). Opens a legal case in preparation and attaches the
        lawyer's letter to send (the one prepared at day 15, else a new one). Returns the
        legal cases created."""
        cases = self._escalation_cases(stop_on_objection="litigation")
        legal_cases = cases.env["lease.legal.case"].sudo()
        done = {
            case.id
            for (case,) in legal_cases._read_group(
                [("case_id", "in", cases.ids)], ["case_id"]
            )
        }
        todo = cases.filtered(lambda c: c.id not in done)
        created = cases._escalation_create(
            "lease.legal.case",
            [
                {
                    "case_id": case.id,
                    "claim_amount": case.contract_id.overdue_amount
                    + case.contract_id.penalty_amount,
                }
                for case in todo
            ],
        )
        todo._escalation_new_documents("lawyer_letter")
        letters = (
            cases.env["lease.document"]
            .sudo()
            .search(
                [
                    ("case_id", "in", todo.ids),
                    ("kind", "in", ("lawyer_letter", "litigation_letter")),
                    ("legal_case_id", "=", False),
                ]
            )
        )
        by_case = {legal_case.case_id: legal_case for legal_case in created}
        for case, case_letters in letters.grouped("case_id").items():
            case_letters.write({"legal_case_id": by_case[case].id})
        return created.with_env(self.env)

    def _escalation_notify_guarantors(self):
        """Tier 3: each guarantor is told in writing of the lessee's overdue (D9 L191,
        SPEC E8). Returns the guarantor notices created (one per guarantor and case)."""
        cases = self._escalation_cases(stop_on_objection="guarantor_notice")
        documents = cases.env["lease.document"].sudo()
        done = {
            (case.id, partner.id)
            for case, partner in documents._read_group(
                [("case_id", "in", cases.ids), ("kind", "=", "guarantor_notice")],
                ["case_id", "recipient_id"],
            )
        }
        vals_list = [
            {
                "kind": "guarantor_notice",
                "case_id": case.id,
                "contract_id": case.contract_id.id,
                "recipient_id": guarantor.id,
                "legal_case_id": case.legal_case_ids[:1].id,
            }
            for case in cases
            for guarantor in case.contract_id.guarantor_ids
            if (case.id, guarantor.id) not in done
        ]
        return cases._escalation_create("lease.document", vals_list).with_env(self.env)

    def _escalation_check_documents(self):
        """Tier 3: legal checks the collateral and guarantee files so that lawsuit and
        disposal have them complete (D9 L191, SPEC E8). Required documents not received
        or expired, and guarantors without a received guarantee contract, are listed in an
        activity for legal. Runs once per case; returns the activities created."""
        cases = self._escalation_cases(stop_on_objection="documents_check").filtered(
            lambda c: not c.date_documents_checked
        )
        if not cases:
            return self.env["mail.activity"]
        today = self.env.company._lease_today()
        documents = (
            cases.env["lease.collateral.document"]
            .sudo()
            .search([("contract_id", "in", cases.contract_id.ids)])
        )
        legal_heads = self.env.ref("lease_overdue.group_legal_head").sudo().user_ids
        model_id = self.env["ir.model"]._get_id(self._name)
        todo_type = self.env.ref("mail.mail_activity_data_todo")
        by_contract = documents.grouped("contract_id")
        activities = []
        complete = cases.browse()

        def missing_in(env, contract, docs):
            """What is missing, in the language of ``env`` (issue 11 item 3)."""
            missing = [
                env._("%(doc)s: not received", doc=doc.name)
                for doc in docs.filtered(lambda d: d.required and not d.received)
            ] + [
                env._(
                    "%(doc)s: expired on %(date)s", doc=doc.name, date=doc.date_expiry
                )
                for doc in docs.filtered(
                    lambda d: d.received and d.date_expiry and d.date_expiry < today
                )
            ]
            covered = docs.filtered(lambda d: d.doc_type == "guarantee" and d.received)
            return missing + [
                env._(
                    "Guarantee contract of %(guarantor)s: missing",
                    guarantor=guarantor.name,
                )
                for guarantor in contract.guarantor_ids - covered.guarantor_id
            ]

        for case in cases:
            contract = case.contract_id
            docs = by_contract.get(contract, documents.browse())
            missing = missing_in(case.company_id._lease_env(), contract, docs)
            if not missing:
                complete |= case
                continue
            case.write(
                {
                    "date_documents_checked": today,
                    "missing_documents": "\n".join(missing),
                }
            )
            officer = case.legal_case_ids[:1].user_id or legal_heads[:1]
            officer_env = case.company_id._lease_env(officer)
            activities.append(
                {
                    "res_model_id": model_id,
                    "res_id": case.id,
                    "activity_type_id": todo_type.id,
                    "summary": officer_env._(
                        "Complete the collateral and guarantee files"
                    ),
                    "note": "<br/>".join(missing_in(officer_env, contract, docs)),
                    "user_id": officer.id or self.env.uid,
                    "date_deadline": today,
                }
            )
        if complete:
            complete.write(
                {"date_documents_checked": today, "missing_documents": False}
            )
            for env, group in self.env["res.company"]._lease_split(complete).items():
                body = env._("Collateral and guarantee files checked: complete.")
                group._message_log_batch(bodies=dict.fromkeys(group.ids, body))
        return cases.env["mail.activity"].create(activities).with_env(self.env)

    def _escalation_draft_disposal_plan(self):
        """Tier 3: asset management drafts the disposal plan for the review committee
        (D9 L192, SPEC E8). Returns the disposal plans created."""
        cases = self._escalation_cases(stop_on_objection="disposal_plan")
        return cases._escalation_new_disposals("escalation").with_env(self.env)

    def _escalation_new_disposals(self, origin):
        disposals = self.env["lease.disposal"].sudo()
        done = {
            case.id
            for (case,) in disposals._read_group(
                [
                    ("case_id", "in", self.ids),
                    ("state", "not in", ("cancelled", "refused")),
                ],
                ["case_id"],
            )
        }
        return self._escalation_create(
            "lease.disposal",
            [
                {
                    "case_id": case.id,
                    "origin": origin,
                    "user_id": case.collector_id.id or False,
                    "asset_ids": [Command.set(case.contract_id.asset_ids.ids)],
                }
                for case in self.filtered(lambda c: c.id not in done)
            ],
        )

    def _escalation_file_lawsuit(self):
        """Tier 4: legal files the lawsuit (D9 L195, SPEC E9). Marks the legal cases in
        preparation as due for filing (opening them first where tier 3 was skipped);
        returns the legal cases created."""
        cases = self._escalation_cases(stop_on_objection="litigation")
        created = cases._escalation_start_legal().sudo()
        cases.env["lease.legal.case"].sudo().search(
            [
                ("case_id", "in", cases.ids),
                ("state", "=", "preparation"),
                ("date_filing_due", "=", False),
            ]
        ).write({"date_filing_due": self.env.company._lease_today()})
        return created.with_env(self.env)

    def _escalation_execute_disposal(self):
        """Tier 4: asset management executes the disposal plan at once (D9 L196, SPEC
        E9), unless the vendor objected (E10) or the disposal is deferred (E11). A plan
        approved by the review committee goes into execution; a case without a plan gets
        one. Returns the disposals created or put into execution."""
        cases = self._escalation_cases(
            stop_on_objection="disposal", stop_on_deferral=True
        )
        created = cases._escalation_new_disposals("escalation")
        due = (
            cases.env["lease.disposal"]
            .sudo()
            .search(
                [
                    ("case_id", "in", cases.ids),
                    ("date_execution_due", "=", False),
                    ("state", "not in", ("cancelled", "refused")),
                ]
            )
        )
        due.write({"date_execution_due": self.env.company._lease_today()})
        approved = due.filtered(lambda d: d.state == "approved")
        approved.action_start()
        return (created | approved).with_env(self.env)

    # ------------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------------
    def action_send_to_disposal(self):
        """Month end: the review committee sends cases straight to asset disposal (D9
        L186, SPEC E6)."""
        if not self.env.user.has_group("lease_overdue.group_review_committee"):
            raise AccessError(
                self.env._(
                    "Only the review committee sends a case straight to asset disposal."
                )
            )
        for case in self:
            if case.state != "open":
                raise UserError(self.env._("%(case)s is closed.", case=case.name))
        stopped = self._lease_objection_stopped(
            "disposal_plan"
        ) | self._lease_objection_stopped("disposal")
        if stopped:
            raise UserError(
                self.env._(
                    "The vendor of %(case)s objected in writing under its buy-back guarantee "
                    "and its disposal was stopped: its assets are not disposed of.",
                    case=stopped[0].name,
                )
            )
        created = self.sudo()._escalation_new_disposals("committee")
        for disposal in created:
            disposal.case_id.message_post(
                body=disposal.company_id._lease_env()._(
                    "The review committee sent the case straight to asset disposal: %(disposal)s.",
                    disposal=disposal.name,
                )
            )
        disposals = self.env["lease.disposal"].search(
            [("case_id", "in", self.ids), ("state", "not in", ("cancelled", "refused"))]
        )
        return self._open_records(disposals, self.env._("Disposals"))

    def action_view_documents(self):
        return self._open_records(self.document_ids, self.env._("Documents"))

    def action_view_legal_cases(self):
        return self._open_records(self.legal_case_ids, self.env._("Legal Cases"))

    def action_view_disposals(self):
        return self._open_records(self.disposal_ids, self.env._("Disposals"))

    def action_new_document(self):
        """Open a new document of the kind given in the context for this case."""
        self.ensure_one()
        kind = self.env.context.get("lease_document_kind", "collection_notice")
        return {
            "type": "ir.actions.act_window",
            "res_model": "lease.document",
            "view_mode": "form",
            "target": "current",
            "context": {
                "default_kind": kind,
                "default_case_id": self.id,
                "default_legal_case_id": self.legal_case_ids[:1].id
                if kind in OUTGOING_KINDS
                else False,
            },
        }

    def action_record_vendor_objection(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "lease.vendor.objection",
            "view_mode": "form",
            "target": "new",
            "context": {"default_case_id": self.id},
        }

    def _open_records(self, records, name):
        action = {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": records._name,
            "domain": [("id", "in", records.ids)],
            "view_mode": "list,form",
            "context": {"default_case_id": self[:1].id} if len(self) == 1 else {},
        }
        if len(records) == 1:
            action.update(view_mode="form", res_id=records.id)
        return action
