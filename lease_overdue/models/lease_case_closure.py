"""Payment in full stops everything (SPEC E14; issue 9, item 4).

A collection case closed as paid in full takes no further step: its documents, legal
cases, disposals and overdue inspections refuse every transition except withdrawing
them (one check, ``lease.case.step.mixin._lease_check_case_open``, at the doors every
transition goes through: create, the state write, the approval decision). On closing,
the case's drafts and pending approvals are withdrawn, its planned overdue inspections
cancelled and its tasks closed, each with the reason in the chatter; what is already
underway (approved plans, legal cases, disposals in execution) gets a note and a task
for a person to decide. Reopening needs a reason: by a person (head of asset
management, configuration manager) or by the overdue computation when the payment that
closed the case is reversed.
"""

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

REOPEN_GROUPS = (
    "lease_overdue.group_asset_management_head",
    "lease_overdue.group_lease_manager",
)


class LeaseCaseStepMixin(models.AbstractModel):
    """A record that is a step of a collection case (``case_id``): once the case is
    closed, the record only moves to ``_lease_closed_case_states`` (withdrawn,
    cancelled, closed by a person)."""

    _name = "lease.case.step.mixin"
    _description = "Step of a Collection Case"

    _lease_closed_case_states = ()

    def _lease_closed_case_exempt(self):
        """The records of ``self`` a closed case does not stop (reports after the fact)."""
        return self.browse()

    def _lease_check_case_open(self, cases=None):
        """Refuse a further step on records whose collection case is closed (or on
        ``cases`` when given: the case a record is being attached to)."""
        records = (self - self._lease_closed_case_exempt()).sudo()
        if cases is None:
            pairs = [(record, record.case_id) for record in records]
        else:
            pairs = [(record, cases) for record in records]
        for record, case in pairs:
            if case and case.state == "closed":
                raise UserError(case._lease_closed_message(record))

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records._lease_check_case_open()
        return records

    def write(self, vals):
        if vals.get("case_id"):
            self._lease_check_case_open(
                self.env["lease.collection.case"].sudo().browse(vals["case_id"])
            )
        if "case_id" in vals or (
            vals.get("state") and vals["state"] not in self._lease_closed_case_states
        ):
            self._lease_check_case_open()
        return super().write(vals)


class LeaseDocument(models.Model):
    _name = "lease.document"
    _inherit = ["lease.document", "lease.case.step.mixin"]

    _lease_closed_case_states = ("cancelled",)

    def _lease_closed_case_exempt(self):
        # Finance's profit and loss report of a disposal already done, and the
        # recourse decided on it (D9 L197), follow the disposal, paid up or not.
        return self.filtered(lambda doc: doc.kind == "pnl_report")


class LeaseLegalCase(models.Model):
    _name = "lease.legal.case"
    _inherit = ["lease.legal.case", "lease.case.step.mixin"]

    # legal withdraws or settles (closes) it: a person decides
    _lease_closed_case_states = ("closed",)


class LeaseDisposal(models.Model):
    _name = "lease.disposal"
    _inherit = ["lease.disposal", "lease.case.step.mixin"]

    # stopped (cancelled), or the recourse decided on a disposal already done
    _lease_closed_case_states = ("cancelled", "decided")


class LeaseAssetInspection(models.Model):
    _name = "lease.asset.inspection"
    _inherit = ["lease.asset.inspection", "lease.case.step.mixin"]

    _lease_closed_case_states = ("cancel",)
    _lease_fixed_fields = ("case_id",)

    case_id = fields.Many2one(
        "lease.collection.case",
        "Collection Case",
        index="btree_not_null",
        readonly=True,
        ondelete="restrict",
        help="The collection case this overdue on-site inspection was planned for.",
    )


class LeaseCollectionCase(models.Model):
    _inherit = "lease.collection.case"

    date_reopened = fields.Date("Reopened On", readonly=True, copy=False)
    reopened_by_id = fields.Many2one(
        "res.users",
        "Reopened By",
        readonly=True,
        copy=False,
        help="Empty when the overdue computation reopened the case (payment reversed).",
    )
    reopen_reason = fields.Text("Reopening Reason", readonly=True, copy=False)
    date_invoiced_at_close = fields.Date(
        "Rent Invoiced Until at Closing",
        readonly=True,
        copy=False,
        help="Due date of the last rent invoiced when the case closed: rent up to it "
        "overdue again means the payment was reversed, and the case reopens.",
    )
    reopen_held = fields.Boolean(
        "Held Open",
        readonly=True,
        copy=False,
        help="Reopened by a person: stays open until the lessee pays again.",
    )

    # ------------------------------------------------------------------
    # The closed case refuses further steps
    # ------------------------------------------------------------------
    def _lease_closed_message(self, record):
        self.ensure_one()
        return self.env._(
            "%(record)s takes no further step: its collection case %(case)s was closed "
            "on %(date)s (%(reason)s). It can only be withdrawn or cancelled; if the "
            "case must go on, the head of asset management reopens it with a reason.",
            record=record.display_name,
            case=self.name,
            date=self.date_end or "-",
            reason=self.close_reason or self.env._("Paid in full"),
        )

    # ------------------------------------------------------------------
    # Closing: withdraw what is pending, tell who decides on what is underway
    # ------------------------------------------------------------------
    def _on_cases_changed(self, opened, closed, moved):
        result = super()._on_cases_changed(opened, closed, moved)
        if closed:
            closed._lease_stop_on_close()
        return result

    def _lease_close_reason(self):
        """{case id: "Case X closed: paid in full on <date>."}"""
        return {
            case.id: self.env._(
                "Case %(case)s closed: paid in full on %(date)s.",
                case=case.name,
                date=case.date_end,
            )
            for case in self
        }

    def _lease_stop_on_close(self):
        """Cases just closed as paid in full (SPEC E14): their draft and submitted
        documents and disposal plans are withdrawn with their pending approvals, their
        planned overdue inspections cancelled, each with the reason in its chatter; a
        note and a task go to who decides on the legal cases, approved plans and
        disposals in execution (nothing underway is deleted). A fixed number of queries
        per model and language, whatever the number of cases: the notes and tasks are
        written in the company's language (issue 11 item 3)."""
        for cases in self.env["res.company"]._lease_split(self).values():
            cases._lease_stop_on_close_in_lang()

    def _lease_stop_on_close_in_lang(self):
        """:meth:`_lease_stop_on_close` for cases whose companies write in the
        language of ``self.env``."""
        cases = self.sudo().with_context(
            tracking_disable=True, mail_activity_quick_update=True
        )
        reasons = cases._lease_close_reason()
        withdrawn = self.env["lease.document"].sudo()
        documents = withdrawn.search(
            [
                ("case_id", "in", cases.ids),
                ("state", "in", ("draft", "to_approve")),
                ("kind", "!=", "pnl_report"),
            ]
        ).with_context(tracking_disable=True)
        disposals = (
            self.env["lease.disposal"]
            .sudo()
            .search([("case_id", "in", cases.ids), ("state", "not in", ("cancelled",))])
            .with_context(tracking_disable=True)
        )
        plans = disposals.filtered(
            lambda d: d.state in ("draft", "to_approve", "refused")
        )
        running = disposals.filtered(lambda d: d.state in ("approved", "in_progress"))
        for records in (documents, plans):
            if records:
                records._lease_archive_reviews()
                records.write({"state": "cancelled"})
        inspections = cases._lease_open_overdue_inspections().with_context(
            tracking_disable=True
        )
        if inspections:
            inspections.write({"state": "cancel"})
        withdrawn_note = self.env._("Withdrawn.")
        for records in (documents, plans, inspections):
            if records:
                records._message_log_batch(
                    bodies={
                        rec.id: f"{reasons[rec.case_id.id]} {withdrawn_note}"
                        for rec in records
                    }
                )
                self.env["mail.activity"].sudo().search(
                    [("res_model", "=", records._name), ("res_id", "in", records.ids)]
                ).unlink()
        legal = (
            self.env["lease.legal.case"]
            .sudo()
            .search([("case_id", "in", cases.ids), ("state", "!=", "closed")])
        )
        cases._lease_ask_decision(
            legal,
            "lease_overdue.group_legal_head",
            self.env._("Case paid in full: withdraw or settle the legal case"),
        )
        cases._lease_ask_decision(
            running,
            "lease_overdue.group_asset_management_head",
            self.env._("Case paid in full: stop the disposal (cancel it)"),
        )
        cases._lease_log_stopped(reasons, documents, plans, inspections, legal, running)

    def _lease_open_overdue_inspections(self):
        """Planned overdue inspections of these cases: planned for the case, or (planned
        by hand) for its contract since the case opened. One search."""
        inspections = (
            self.env["lease.asset.inspection"]
            .sudo()
            .search(
                [
                    ("state", "=", "planned"),
                    ("kind", "=", "overdue"),
                    "|",
                    ("case_id", "in", self.ids),
                    "&",
                    ("case_id", "=", False),
                    ("contract_id", "in", self.contract_id.ids),
                ]
            )
        )
        by_contract = {case.contract_id.id: case for case in self}
        return inspections.filtered(
            lambda i: (
                i.case_id or i.date_planned >= by_contract[i.contract_id.id].date_start
            )
        )

    def _lease_ask_decision(self, records, group_xmlid, summary):
        """A note and a task for who decides on ``records``, which are underway: their
        responsible (``user_id``), else the head of the department."""
        if not records:
            return
        reasons = self._lease_close_reason()
        decide = self.env._("A person decides: nothing is stopped automatically.")
        records.with_context(tracking_disable=True)._message_log_batch(
            bodies={
                rec.id: f"{reasons[rec.case_id.id]} {summary}. {decide}"
                for rec in records
            }
        )
        heads = self.env.ref(group_xmlid).sudo().user_ids
        model_id = self.env["ir.model"]._get_id(records._name)
        todo = self.env.ref("mail.mail_activity_data_todo")
        today = self.env.company._lease_today()
        self.env["mail.activity"].sudo().with_context(
            mail_activity_quick_update=True
        ).create(
            [
                {
                    "res_model_id": model_id,
                    "res_id": rec.id,
                    "activity_type_id": todo.id,
                    "summary": summary,
                    "note": reasons[rec.case_id.id],
                    "user_id": (rec.user_id or heads[:1] or self.env.user).id,
                    "date_deadline": today,
                }
                for rec in records
            ]
        )

    def _lease_log_stopped(self, reasons, *groups):
        """One note per case listing what its closing withdrew or left to a person."""
        labels = (
            self.env._("Withdrawn"),
            self.env._("Withdrawn"),
            self.env._("Cancelled"),
            self.env._("To withdraw or settle by legal"),
            self.env._("To stop by asset management"),
        )
        lines = {}
        for label, records in zip(labels, groups, strict=True):
            for rec in records:
                lines.setdefault(rec.case_id.id, []).append(
                    Markup("<li>%s: %s</li>") % (label, rec.display_name)
                )
        bodies = {
            case.id: Markup("<p>%s</p>") % reasons[case.id]
            + (
                Markup("<ul>%s</ul>") % Markup("").join(lines[case.id])
                if case.id in lines
                else Markup("")
            )
            for case in self
        }
        self._message_log_batch(bodies=bodies)

    # ------------------------------------------------------------------
    # Reopening
    # ------------------------------------------------------------------
    def action_reopen(self, reason=None):
        """Reopen closed cases, with a reason (issue 9, item 4): the head of asset
        management or the configuration manager. The case stays open until the lessee
        pays again; the reason, who and when go to the case and its chatter."""
        user = self.env.user
        if not self.env.su and not any(user.has_group(g) for g in REOPEN_GROUPS):
            raise AccessError(
                self.env._(
                    "Only the head of asset management or the configuration manager "
                    "reopens a closed collection case."
                )
            )
        reason = (reason or "").strip()
        if not reason:
            raise UserError(
                self.env._("Give the reason why the collection case is reopened.")
            )
        if len(reason) > 2000:
            raise UserError(self.env._("Keep the reason under 2000 characters."))
        cases = self.sudo()
        later = {
            case.contract_id
            for case in cases.search(
                [("contract_id", "in", cases.contract_id.ids), ("state", "=", "open")]
            )
        }
        for case in cases:
            if case.state != "closed":
                raise UserError(
                    self.env._("%(case)s is not closed.", case=case.display_name)
                )
            if (
                case.contract_id in later
                or case != case.contract_id.case_ids.sorted("date_start")[-1:]
            ):
                raise UserError(
                    self.env._(
                        "%(case)s is not the last case of contract %(contract)s: a "
                        "later collection case exists.",
                        case=case.display_name,
                        contract=case.contract_id.display_name,
                    )
                )
        cases._lease_reopen(reason, user, held=True)
        return True

    def action_open_reopen_wizard(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reopen Case"),
            "res_model": "lease.case.reopen.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_case_ids": self.ids},
        }

    def _lease_reopen_by_system(self, today):
        """Reopened by the overdue computation: an installment due before the case
        closed is overdue again (the payment that closed it was reversed)."""
        # The reason in the company's language (issue 11 item 3).
        for env, cases in self.env["res.company"]._lease_split(self).items():
            reason = env._(
                "Reopened by the overdue computation on %(date)s: a payment was "
                "reversed and rent due before the case closed is overdue again.",
                date=today,
            )
            cases._lease_reopen(reason, env["res.users"], held=False, today=today)

    def _lease_reopen(self, reason, user, held, today=None):
        today = today or self.env.company._lease_today()
        cases = self.sudo()
        closed_on = {case.id: case.date_end for case in cases}
        cases.with_context(tracking_disable=True).write(
            {
                "state": "open",
                "date_end": False,
                "close_reason": False,
                "date_reopened": today,
                "reopened_by_id": user.id,
                "reopen_reason": reason,
                "reopen_held": held,
            }
        )
        # In the company's language (issue 11 item 3).
        envs = {case.id: case.company_id._lease_env() for case in cases}
        cases._message_log_batch(
            bodies={
                case.id: Markup("<p>%s</p><p>%s</p>")
                % (
                    envs[case.id]._(
                        "Case reopened on %(date)s by %(user)s (closed on %(closed)s).",
                        date=today,
                        user=user.name
                        if user
                        else envs[case.id]._("the overdue computation"),
                        closed=closed_on[case.id],
                    ),
                    escape(envs[case.id]._("Reason: %(reason)s", reason=reason)),
                )
                for case in cases
            },
            author_id=user.partner_id.id if user else None,
        )
        if held:
            # a person reopened it: the contract points to its open case again
            self.env.flush_all()
            self.env.cr.execute(
                SQL(
                    "UPDATE lease_contract c SET current_case_id = k.id"
                    " FROM lease_collection_case k"
                    " WHERE k.contract_id = c.id AND k.id = ANY(%s)",
                    cases.ids,
                )
            )
            self.env.invalidate_all()
