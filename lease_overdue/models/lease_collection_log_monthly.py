from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .lease_report_tools import local_days_utc

REPORT_REF = "lease_overdue.report_collection_log_monthly"
REPORT_TEMPLATE = "lease_overdue.collection_log_monthly"

# Fields the signing and archiving steps write themselves.
WORKFLOW_FIELDS = {
    "state",
    "review_ids",
    "record_ids",
    "datetime_from",
    "datetime_to",
    "am_signed_by_id",
    "am_signed_date",
    "risk_signed_by_id",
    "risk_signed_date",
    "attachment_id",
    "content_hash",
    "date_archived",
    "archived_by_id",
}


class LeaseCollectionLogMonthly(models.Model):
    """租金催收记录总表 (SPEC F2, D9 L178): the month's collection records, signed at month
    end by the head of asset management and the head of risk management, then archived
    as PDF by risk management. From the first signature, neither the log nor the
    collection records of that month can change."""

    _name = "lease.collection.log.monthly"
    _description = "Monthly Collection Log"
    _inherit = [
        "lease.guard.mixin",
        "lease.approval.mixin",
        "mail.thread",
        "mail.activity.mixin",
        "lease.report.archive.mixin",
    ]
    # Signatures, records and the archived PDF are set by the actions only; once a
    # head has signed, nothing changes (D9 L178, SPEC F2, A3).
    _lease_guarded_fields = tuple(sorted(WORKFLOW_FIELDS))
    _lease_fixed_fields = ("company_id", "date_month")
    _lease_frozen_writable = ("decision_comment",)
    _order = "date_from desc, id desc"
    _check_company_auto = True
    # The two signatures are the log's approval circuit (lease.approval.mixin): one
    # tier definition per head, in any order (D9 L178 imposes none).
    _state_from = ["signing"]
    _state_to = ["signed"]
    _cancel_state = "cancelled"  # a log is never cancelled

    name = fields.Char(compute="_compute_month", store=True, readonly=True)
    date_month = fields.Date(
        "Any Day of the Month",
        required=True,
        default=lambda self: self.env.company._lease_today(),
        help="The log covers the calendar month holding this day.",
    )
    date_from = fields.Date("From", compute="_compute_month", store=True, index=True)
    date_to = fields.Date("To", compute="_compute_month", store=True)
    datetime_from = fields.Datetime(
        "Start (UTC)",
        readonly=True,
        copy=False,
        help="First instant of the month in the timezone of the user who listed the records.",
    )
    datetime_to = fields.Datetime("End (UTC)", readonly=True, copy=False)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("signing", "Being Signed"),
            ("signed", "Signed"),
            ("archived", "Archived"),
        ],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    record_ids = fields.Many2many(
        "lease.collection.record",
        "lease_collection_log_monthly_record_rel",
        "log_id",
        "record_id",
        string="Collection Records",
        readonly=True,
        copy=False,
    )
    record_count = fields.Integer(compute="_compute_record_count")
    am_signed_by_id = fields.Many2one(
        "res.users",
        "Signed by Asset Management Head",
        readonly=True,
        copy=False,
        tracking=True,
    )
    am_signed_date = fields.Datetime(
        "Asset Management Signature Date", readonly=True, copy=False
    )
    risk_signed_by_id = fields.Many2one(
        "res.users",
        "Signed by Risk Management Head",
        readonly=True,
        copy=False,
        tracking=True,
    )
    risk_signed_date = fields.Datetime(
        "Risk Management Signature Date", readonly=True, copy=False
    )
    attachment_id = fields.Many2one(
        "ir.attachment", "Archived PDF", readonly=True, copy=False
    )
    content_hash = fields.Char("SHA-256 of the Archived PDF", readonly=True, copy=False)
    date_archived = fields.Datetime("Archived On", readonly=True, copy=False)
    archived_by_id = fields.Many2one(
        "res.users", "Archived By", readonly=True, copy=False
    )
    note = fields.Text()

    _company_month_unique = models.UniqueIndex(
        "(company_id, date_from)", "There is already a collection log for this month."
    )

    @api.depends("date_month")
    def _compute_month(self):
        for log in self:
            if not log.date_month:
                log.date_from = log.date_to = log.name = False
                continue
            log.date_from = log.date_month.replace(day=1)
            log.date_to = log.date_from + relativedelta(months=1, days=-1)
            log.name = log.date_from.strftime("%Y-%m")

    def _compute_record_count(self):
        for log in self:
            log.record_count = len(log.record_ids)

    @api.depends("name")
    def _compute_display_name(self):
        for log in self:
            log.display_name = self.env._(
                "Monthly Collection Log %(month)s", month=log.name or ""
            )

    # ------------------------------------------------------------------
    # CRUD: nothing changes once a head has signed
    # ------------------------------------------------------------------
    def _lease_is_frozen(self):
        return self._is_signed()

    @api.ondelete(at_uninstall=False)
    def _unlink_unsigned_only(self):
        if any(log._is_signed() for log in self):
            raise UserError(
                self.env._("A signed monthly collection log cannot be deleted.")
            )

    def _is_signed(self):
        self.ensure_one()
        return bool(self.am_signed_by_id or self.risk_signed_by_id)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_refresh(self):
        """List the collection records of the month (before any signature)."""
        self.check_access("write")
        for log in self:
            if log._is_signed():
                raise UserError(
                    self.env._(
                        "The monthly collection log %(month)s has been signed: its records "
                        "cannot change.",
                        month=log.name,
                    )
                )
            start, end = log._month_bounds_utc()
            records = (
                self.env["lease.collection.record"]
                .sudo()
                .search(
                    [
                        ("company_id", "=", log.company_id.id),
                        ("date", ">=", start),
                        ("date", "<", end),
                    ]
                )
            )
            log.sudo().write(
                {
                    "datetime_from": start,
                    "datetime_to": end,
                    "record_ids": [fields.Command.set(records.ids)],
                }
            )
        return True

    def action_sign_asset_management(self):
        """Signature of the head of asset management (D9 L178)."""
        return self._sign(
            "asset_management",
            "lease_overdue.group_asset_management_head",
            self.env._("head of asset management"),
        )

    def action_sign_risk_management(self):
        """Signature of the head of risk management (D9 L178)."""
        return self._sign(
            "risk_management",
            "lease_overdue.group_risk_management_head",
            self.env._("head of risk management"),
        )

    def _sign(self, role_key, group, role):
        """A head signs his part: the first signature opens the log's approval round
        (lease.approval.mixin); each signature is that head's approval."""
        if not self.env.user.has_group(group):
            raise AccessError(
                self.env._(
                    "Only the %(role)s can sign this part of the monthly collection log.",
                    role=role,
                )
            )
        for log in self:
            if log.state not in ("draft", "signing") or log.review_ids.filtered(
                lambda r, k=role_key: r.lease_role == k and r.status == "approved"
            ):
                raise UserError(
                    self.env._(
                        "The monthly collection log %(month)s is already signed by the %(role)s.",
                        month=log.name,
                        role=role,
                    )
                )
            # month end: checked by _lease_before_decision, whatever the door
            if log.state == "draft":
                log.action_refresh()
                log.sudo().write({"state": "signing"})
                if log._lease_request_approvals():
                    raise UserError(
                        self.env._(
                            "The signature circuit of the monthly collection log is "
                            "missing: ask the configuration manager to restore it "
                            "(Configuration > Approval Circuits)."
                        )
                    )
            reviews = log._lease_current_reviews(self.env.user).filtered(
                lambda r, k=role_key: r.lease_role == k
            )
            log._lease_decide(True, reviews=reviews or log.env["tier.review"])
            log.message_post(
                body=log.company_id._lease_env()._(
                    "Signed by the %(role)s %(user)s.",
                    role=role,
                    user=self.env.user.name,
                )
            )
            log.sudo().activity_feedback(
                ["mail.mail_activity_data_todo"], user_id=self.env.uid
            )
        return True

    # Hooks of lease.approval.mixin ----------------------------------------
    def _lease_before_decision(self, review, approve, comment):
        # Whatever the door (Sign buttons, Approve, OCA's validate_tier): at month end.
        today = (self.company_id or self.env.company)._lease_today()
        if today < self.date_to:
            raise UserError(
                self.env._(
                    "The monthly collection log %(month)s is signed at month end: not before "
                    "%(date)s.",
                    month=self.name,
                    date=fields.Date.to_string(self.date_to),
                )
            )

    def _lease_signature_values(self, review):
        prefix = {"asset_management": "am", "risk_management": "risk"}.get(
            review.lease_role
        )
        if not prefix:
            return {}
        return {
            f"{prefix}_signed_by_id": review.done_by.id,
            f"{prefix}_signed_date": review.reviewed_date,
        }

    def action_archive_pdf(self):
        """Risk management archives the signed log as PDF (D9 L178: 由风险管理部存档)."""
        if not self.env.user.has_group("lease_overdue.group_risk_management"):
            raise AccessError(
                self.env._("The monthly collection log is archived by risk management.")
            )
        for log in self:
            if log.state != "signed":
                raise UserError(
                    self.env._(
                        "The monthly collection log %(month)s must be signed by both heads before "
                        "it is archived.",
                        month=log.name,
                    )
                )
            _content, report_type = self.env["ir.actions.report"]._render_qweb_pdf(
                REPORT_REF, log.ids
            )
            if report_type != "pdf" or not log.attachment_id:
                raise UserError(
                    self.env._(
                        "The PDF of the collection log could not be "
                        "rendered; try again later."
                    )
                )
            log.message_post(
                body=log.company_id._lease_env()._(
                    "Archived as PDF (SHA-256 %(hash)s).", hash=log.content_hash
                ),
                attachment_ids=log.attachment_id.ids,
            )
        return True

    # ------------------------------------------------------------------
    # Scheduled action
    # ------------------------------------------------------------------
    @api.model
    def _cron_prepare(self):
        """Daily: on the last day of a month (or, if missed, in the first days of the
        next one) list the month's collection records of each company and ask both heads
        to sign. Safe to run every day: one log per company and month, one request each."""
        today = self.env.company._lease_today()
        month_end = today + relativedelta(day=31)
        month = (
            today.replace(day=1)
            if today == month_end
            else (today.replace(day=1) - relativedelta(months=1))
        )
        companies = (
            self.env["lease.collection.record"].sudo()._read_group([], ["company_id"])
        )
        heads = (
            self.env.ref("lease_overdue.group_asset_management_head").sudo().user_ids
            | self.env.ref("lease_overdue.group_risk_management_head").sudo().user_ids
        )
        logs = self.browse()
        for (company,) in companies:
            log = self.search(
                [("company_id", "=", company.id), ("date_from", "=", month)], limit=1
            )
            if not log:
                log = self.with_company(company).create(
                    {"company_id": company.id, "date_month": month}
                )
            if log.state != "draft" or log.activity_ids:
                continue
            log.action_refresh()
            for user in heads.filtered(lambda u, c=company: c in u.company_ids):
                log.activity_schedule(
                    "mail.mail_activity_data_todo",
                    date_deadline=max(today, log.date_to),
                    # In the head's language, else the company's (issue 11 item 3).
                    summary=company._lease_env(user)._(
                        "Sign the monthly collection log"
                    ),
                    user_id=user.id,
                )
            logs |= log
        return logs

    # ------------------------------------------------------------------
    # Archive hooks (lease.report.archive.mixin)
    # ------------------------------------------------------------------
    def _lease_archived_attachment(self, report):
        self.ensure_one()
        if report.report_name == REPORT_TEMPLATE:
            return self.attachment_id
        return super()._lease_archived_attachment(report)

    def _lease_archive_wanted(self, report):
        self.ensure_one()
        return (
            report.report_name == REPORT_TEMPLATE
            and self.state == "signed"
            and self.env.user.has_group("lease_overdue.group_risk_management")
        )

    def _lease_archive_values(self, report, attachment, content_hash):
        return {
            "attachment_id": attachment.id,
            "content_hash": content_hash,
            "date_archived": fields.Datetime.now(),
            "archived_by_id": self.env.uid,
            "state": "archived",
        }

    # ------------------------------------------------------------------
    def _month_bounds_utc(self):
        """The month as naive UTC datetimes, in local time."""
        self.ensure_one()
        return local_days_utc(self.company_id, self.date_from, self.date_to)

    @api.model
    def _check_records_unlocked(self, company_dates):
        """Raise when a (company id, datetime) falls in a signed month (one query)."""
        company_dates = [(c, d) for c, d in company_dates if c and d]
        if not company_dates:
            return
        logs = self.sudo().search(
            [
                ("company_id", "in", list({c for c, _d in company_dates})),
                ("datetime_from", "<=", max(d for _c, d in company_dates)),
                ("datetime_to", ">", min(d for _c, d in company_dates)),
                "|",
                ("am_signed_by_id", "!=", False),
                ("risk_signed_by_id", "!=", False),
            ]
        )
        for log in logs:
            for company_id, moment in company_dates:
                if (
                    company_id == log.company_id.id
                    and log.datetime_from <= moment < log.datetime_to
                ):
                    raise UserError(
                        self.env._(
                            "The collection records of %(month)s are in a signed monthly "
                            "collection log: they cannot be added, changed or deleted.",
                            month=log.name,
                        )
                    )
