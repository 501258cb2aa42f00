import base64
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from .lease_report_archive_mixin import local_days_utc

# Figures of a generated report: written once by ``action_generate``, never afterwards.
SNAPSHOT_FIELDS = {
    "company_id",
    "date_from",
    "date_to",
    "date_snapshot",
    "week_label",
    "name",
    "previous_report_id",
    "line_ids",
    "tier_summary_ids",
    "contract_count",
    "total_overdue_amount",
    "total_penalty_amount",
    "previous_contract_count",
    "previous_overdue_amount",
    "new_count",
    "cured_count",
    "up_count",
    "down_count",
    "same_count",
    "action_count",
    "date_generated",
    "generated_by_id",
}

# The departments the weekly report goes to (D9 L177: 报送相关部门, 抄送总经理).
RECIPIENT_GROUPS = [
    "lease_overdue.group_asset_management_head",
    "lease_overdue.group_risk_management_head",
    "lease_overdue.group_legal_head",
    "lease_overdue.group_business_head",
    "lease_overdue.group_finance_head",
]


class LeaseOverdueWeeklyReport(models.Model):
    """逾期租金周报 (SPEC W1, D9 L170, L177, L185): a frozen weekly snapshot of the overdue
    portfolio, with each contract's tier migration against the previous week's snapshot.

    The report covers an ISO week (Monday to Sunday). Its figures are those the overdue
    engine computed on ``date_snapshot``, the day it was generated; once generated the
    stored lines are the report, so a past week prints unchanged whatever happened since.
    """

    _name = "lease.overdue.weekly.report"
    _description = "Weekly Overdue Rent Report"
    _inherit = ["lease.guard.mixin", "mail.thread"]
    # The snapshot is taken and sent only by its buttons and the weekly job (W1, A3).
    _lease_guarded_fields = tuple(
        sorted(SNAPSHOT_FIELDS - {"company_id"} | {"state", "date_sent", "mail_ids"})
    )
    _lease_fixed_fields = ("company_id", "date_week")
    _order = "date_from desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True, readonly=True)
    week_label = fields.Char(
        "Week",
        compute="_compute_week",
        store=True,
        readonly=True,
        help="ISO week, e.g. 2026-W48.",
    )
    date_week = fields.Date(
        "Any Day of the Week",
        required=True,
        default=lambda self: self.env.company._lease_today(),
        help="The report covers the ISO week (Monday to Sunday) holding this day.",
    )
    date_from = fields.Date(
        "From", compute="_compute_week", store=True, readonly=True, index=True
    )
    date_to = fields.Date("To", compute="_compute_week", store=True, readonly=True)
    date_snapshot = fields.Date(
        "Figures As Of",
        readonly=True,
        copy=False,
        help="Day on which the overdue figures were taken from the portfolio.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    state = fields.Selection(
        [("draft", "Draft"), ("generated", "Generated"), ("sent", "Sent")],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    is_month_end = fields.Boolean(
        "Month-end Edition",
        copy=False,
        tracking=True,
        help="The last weekly report of the month: it also goes to the review committee "
        "(D9 L185, SPEC E6).",
    )
    previous_report_id = fields.Many2one(
        "lease.overdue.weekly.report",
        "Previous Week's Report",
        readonly=True,
        copy=False,
    )
    line_ids = fields.One2many(
        "lease.overdue.weekly.report.line",
        "report_id",
        "Contracts",
        readonly=True,
        copy=False,
    )
    tier_summary_ids = fields.One2many(
        "lease.overdue.weekly.report.tier",
        "report_id",
        "Tier Summary",
        readonly=True,
        copy=False,
    )
    contract_count = fields.Integer("Overdue Contracts", readonly=True, copy=False)
    total_overdue_amount = fields.Monetary("Overdue Rent", readonly=True, copy=False)
    total_penalty_amount = fields.Monetary("Penalty Due", readonly=True, copy=False)
    previous_contract_count = fields.Integer(
        "Overdue Contracts Last Week", readonly=True, copy=False
    )
    previous_overdue_amount = fields.Monetary(
        "Overdue Rent Last Week", readonly=True, copy=False
    )
    new_count = fields.Integer(
        "New",
        readonly=True,
        copy=False,
        help="Contracts overdue this week that were not last week.",
    )
    cured_count = fields.Integer(
        "Cured",
        readonly=True,
        copy=False,
        help="Contracts overdue last week that are not any more.",
    )
    up_count = fields.Integer(
        "Moved Up",
        readonly=True,
        copy=False,
        help="Contracts that moved to a higher tier.",
    )
    down_count = fields.Integer(
        "Moved Down",
        readonly=True,
        copy=False,
        help="Contracts that moved to a lower tier.",
    )
    same_count = fields.Integer("Same Tier", readonly=True, copy=False)
    action_count = fields.Integer(
        "Actions This Week",
        readonly=True,
        copy=False,
        help="Collection records and activities done this week.",
    )
    date_generated = fields.Datetime("Generated On", readonly=True, copy=False)
    generated_by_id = fields.Many2one(
        "res.users", "Generated By", readonly=True, copy=False
    )
    date_sent = fields.Datetime("Sent On", readonly=True, copy=False)
    mail_ids = fields.Many2many("mail.mail", string="Emails", readonly=True, copy=False)

    _company_week_unique = models.UniqueIndex(
        "(company_id, date_from)", "There is already a weekly report for this week."
    )

    @api.depends("date_week")
    def _compute_week(self):
        for report in self:
            day = report.date_week
            if not day:
                report.date_from = report.date_to = report.week_label = False
                continue
            year, week, weekday = day.isocalendar()
            report.date_from = day - timedelta(days=weekday - 1)
            report.date_to = report.date_from + timedelta(days=6)
            report.week_label = f"{year}-W{week:02d}"

    @api.depends("week_label")
    def _compute_name(self):
        for report in self:
            report.name = report.week_label or "/"

    @api.depends("week_label", "company_id")
    def _compute_display_name(self):
        for report in self:
            report.display_name = self.env._(
                "Weekly Overdue Rent Report %(week)s", week=report.week_label or ""
            )

    # ------------------------------------------------------------------
    # CRUD: a generated report is frozen
    # ------------------------------------------------------------------
    def write(self, vals):
        frozen = (SNAPSHOT_FIELDS | {"date_week"}) & set(vals)
        # whoever writes: the snapshot is taken once, while the report is a draft
        if frozen:
            if any(report.state != "draft" for report in self):
                raise UserError(
                    self.env._(
                        "A generated weekly report is a frozen snapshot: its figures cannot be "
                        "changed. Generate the report of another week instead."
                    )
                )
        if "is_month_end" in vals and any(report.state == "sent" for report in self):
            raise UserError(
                self.env._("The report has been sent: its edition cannot change.")
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        if any(report.state != "draft" for report in self):
            raise UserError(
                self.env._(
                    "A generated weekly report is kept as the record of that week: it cannot be "
                    "deleted."
                )
            )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_generate(self):
        """Take the snapshot of the portfolio; refused for a future week or twice."""
        today = self.env.company._lease_today()
        for report in self:
            if report.state != "draft":
                raise UserError(
                    self.env._(
                        "The weekly report %(week)s has already been generated.",
                        week=report.week_label,
                    )
                )
            if report.date_from > today:
                raise UserError(
                    self.env._(
                        "The week %(week)s has not started yet: its report cannot be generated.",
                        week=report.week_label,
                    )
                )
        self._check_asset_management()
        for report in self:
            report.sudo()._generate_snapshot(today)
        return True

    def _check_asset_management(self):
        """Asset management prepares and sends the weekly report (D9 L177)."""
        if not self.env.su and not self.env.user.has_group(
            "lease_overdue.group_asset_management"
        ):
            raise AccessError(
                self.env._(
                    "Asset management prepares and sends the weekly overdue report."
                )
            )

    def action_send(self):
        """Queue the report by email to the departments concerned (SPEC W1)."""
        for report in self:
            if report.state == "draft":
                raise UserError(
                    self.env._("Generate the weekly report before sending it.")
                )
        self._check_asset_management()
        for report in self:
            report.sudo()._send_by_email()
        return True

    def action_print_xlsx(self):
        """Download the report as an Excel workbook (same figures as the PDF)."""
        self.ensure_one()
        if self.state == "draft":
            raise UserError(
                self.env._("Generate the weekly report before exporting it.")
            )
        attachment = self._get_xlsx_attachment()
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }

    def action_view_lines(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.display_name,
            "res_model": "lease.overdue.weekly.report.line",
            "view_mode": "list,pivot,graph",
            "domain": [("report_id", "=", self.id)],
            "context": {"create": False},
        }

    # ------------------------------------------------------------------
    # Scheduled action
    # ------------------------------------------------------------------
    @api.model
    def _cron_generate_and_send(self):
        """Weekly scheduled action: generate this week's report of every company with
        lease contracts, then queue it by email. Safe to run twice in a week."""
        today = self.env.company._lease_today()
        companies = (
            self.env["lease.contract"]
            .sudo()
            ._read_group([("state", "!=", "draft")], ["company_id"])
        )
        monday = today - timedelta(days=today.isocalendar()[2] - 1)
        for (company,) in companies:
            report = self.search(
                [("company_id", "=", company.id), ("date_from", "=", monday)], limit=1
            )
            if not report:
                report = self.with_company(company).create(
                    {"company_id": company.id, "date_week": today}
                )
            if report.state == "draft":
                report.action_generate()
            if report.state == "generated":
                report.action_send()
        return True

    @api.model
    def _demo_generate(self):
        """Demo data: this week's report (generated, not sent) and this month's
        collector targets."""
        today = self.env.company._lease_today()
        report = self.create({"date_week": today})
        report.action_generate()
        targets = []
        for login, amount in (("collector", 300000.0), ("collector2", 250000.0)):
            user = self.env.ref(
                f"lease_overdue.demo_user_{login}", raise_if_not_found=False
            )
            if user:
                targets.append(
                    {
                        "collector_id": user.id,
                        "date_month": today,
                        "amount_target": amount,
                    }
                )
        self.env["lease.collector.target"].create(targets)
        return report

    # ------------------------------------------------------------------
    # Snapshot
    # ------------------------------------------------------------------
    def _find_previous_report(self):
        self.ensure_one()
        return self.search(
            [
                ("company_id", "=", self.company_id.id),
                ("date_from", "<", self.date_from),
                ("state", "!=", "draft"),
            ],
            order="date_from desc",
            limit=1,
        )

    def _tiers_a_week_before(self, day):
        """{contract id: tier id} a week before ``day``, from the case tier history;
        used when there is no previous weekly report to compare with."""
        rows = self.env.execute_query(
            SQL(
                """
            SELECT DISTINCT ON (h.contract_id) h.contract_id, h.tier_id
              FROM lease_case_tier_history h
              JOIN lease_contract c ON c.id = h.contract_id
             WHERE c.company_id = %s AND h.date <= %s
             ORDER BY h.contract_id, h.date DESC, h.id DESC
            """,
                self.company_id.id,
                day - timedelta(days=7),
            )
        )
        return {contract_id: tier_id for contract_id, tier_id in rows if tier_id}

    def _week_bounds_utc(self):
        """The week as naive UTC datetimes, in local time."""
        self.ensure_one()
        return local_days_utc(self.env, self.company_id, self.date_from, self.date_to)

    def _actions_of_week(self):
        """{contract id: (record count, activity count, summary)} for the week.

        Collection records (SPEC F1) dated in the week, and activities marked done in the
        week on the contract or its collection cases."""
        self.ensure_one()
        start, end = self._week_bounds_utc()
        channels = dict(
            self.env["lease.collection.record"]
            ._fields["channel"]
            ._description_selection(self.env)
        )
        records = (
            self.env["lease.collection.record"]
            .sudo()
            ._read_group(
                [
                    ("company_id", "=", self.company_id.id),
                    ("date", ">=", start),
                    ("date", "<", end),
                ],
                ["contract_id", "channel"],
                ["__count"],
            )
        )
        result = {}
        for contract, channel, count in records:
            entry = result.setdefault(contract.id, [0, 0, []])
            entry[0] += count
            entry[2].append(f"{channels.get(channel, channel)} ×{count}")
        subtype = self.env.ref("mail.mt_activities")
        activities = self.env.execute_query(
            SQL(
                """
            SELECT COALESCE(k.contract_id, m.res_id), COUNT(*)
              FROM mail_message m
              LEFT JOIN lease_collection_case k
                ON m.model = 'lease.collection.case' AND k.id = m.res_id
             WHERE m.model IN ('lease.contract', 'lease.collection.case')
               AND m.mail_activity_type_id IS NOT NULL AND m.subtype_id = %s
               AND m.date >= %s AND m.date < %s
             GROUP BY 1
            """,
                subtype.id,
                start,
                end,
            )
        )
        for contract_id, count in activities:
            entry = result.setdefault(contract_id, [0, 0, []])
            entry[1] += count
            entry[2].append(self.env._("Activities done ×%(count)s", count=count))
        return {
            key: (rec, act, ", ".join(summary))
            for key, (rec, act, summary) in result.items()
        }

    def _generate_snapshot(self, today):
        """Store the lines, tier summary and migration totals (fixed number of queries)."""
        self.ensure_one()
        self.env.flush_all()
        tiers = (
            self.env["lease.overdue.tier"].with_context(active_test=False).search([])
        )
        rank = {tier.id: tier.days_min for tier in tiers}
        previous = self._find_previous_report()
        if previous:
            prev_lines = previous.line_ids.filtered("is_overdue")
            prev = {line.contract_id.id: line for line in prev_lines}
            prev_tier = {cid: line.tier_id.id for cid, line in prev.items()}
        else:
            prev = {}
            prev_tier = self._tiers_a_week_before(today)
        contracts = (
            self.env["lease.contract"]
            .sudo()
            .search(
                [
                    ("company_id", "=", self.company_id.id),
                    ("state", "in", ("active", "terminated", "closed")),
                    "|",
                    ("days_overdue", ">", 0),
                    ("id", "in", list(prev_tier)),
                ]
            )
        )
        actions = self._actions_of_week()
        vals_list = []
        for contract in contracts:
            overdue = contract.days_overdue > 0
            before = prev_tier.get(contract.id)
            now = contract.tier_id.id if overdue else False
            if not before and not now:
                continue
            if not before:
                migration = "new"
            elif not now:
                migration = "cured"
            elif rank.get(now, 0) > rank.get(before, 0):
                migration = "up"
            elif rank.get(now, 0) < rank.get(before, 0):
                migration = "down"
            else:
                migration = "same"
            record_count, activity_count, summary = actions.get(contract.id, (0, 0, ""))
            vals_list.append(
                {
                    "report_id": self.id,
                    "contract_id": contract.id,
                    "contract_name": contract.name,
                    "partner_id": contract.partner_id.id,
                    "partner_name": contract.partner_id.display_name,
                    "collector_id": contract.collector_id.id,
                    "collector_name": contract.collector_id.name,
                    "account_manager_id": contract.account_manager_id.id,
                    "account_manager_name": contract.account_manager_id.name,
                    "is_overdue": overdue,
                    "days_overdue": contract.days_overdue if overdue else 0,
                    "tier_id": now,
                    "tier_code": contract.tier_id.code if overdue else False,
                    "overdue_amount": contract.overdue_amount if overdue else 0.0,
                    "penalty_amount": contract.penalty_amount if overdue else 0.0,
                    "overdue_count": contract.overdue_count,
                    "record_count": record_count,
                    "activity_count": activity_count,
                    "action_summary": summary,
                    "previous_tier_id": before or False,
                    "previous_tier_code": tiers.browse(before).code
                    if before
                    else False,
                    "migration": migration,
                }
            )
        lines = self.env["lease.overdue.weekly.report.line"].sudo().create(vals_list)
        overdue_lines = lines.filtered("is_overdue")
        summary_vals = []
        for sequence, tier in enumerate(
            tiers.filtered("active")
            | tiers.browse(
                list(set(prev_tier.values()) | set(overdue_lines.tier_id.ids))
            )
        ):
            in_tier = overdue_lines.filtered(
                lambda line, tier=tier: line.tier_id == tier
            )
            prev_in_tier = [cid for cid, tid in prev_tier.items() if tid == tier.id]
            summary_vals.append(
                {
                    "report_id": self.id,
                    "sequence": sequence,
                    "tier_id": tier.id,
                    "tier_code": tier.code,
                    "tier_name": tier.name,
                    "contract_count": len(in_tier),
                    "overdue_amount": sum(in_tier.mapped("overdue_amount")),
                    "penalty_amount": sum(in_tier.mapped("penalty_amount")),
                    "previous_count": len(prev_in_tier),
                    "previous_amount": sum(
                        prev[cid].overdue_amount for cid in prev_in_tier if cid in prev
                    ),
                    "new_count": len(
                        in_tier.filtered(lambda line: line.migration == "new")
                    ),
                    "up_count": len(
                        in_tier.filtered(lambda line: line.migration == "up")
                    ),
                    "down_count": len(
                        in_tier.filtered(lambda line: line.migration == "down")
                    ),
                    "cured_count": len(
                        lines.filtered(
                            lambda line, tier=tier: (
                                line.migration == "cured"
                                and line.previous_tier_id == tier
                            )
                        )
                    ),
                }
            )
        self.env["lease.overdue.weekly.report.tier"].sudo().create(summary_vals)
        counts = {
            key: len(lines.filtered(lambda line, key=key: line.migration == key))
            for key in ("new", "cured", "up", "down", "same")
        }
        last_day_of_month = (today + timedelta(days=7)).month != today.month
        self.sudo().write(
            {
                "state": "generated",
                "date_snapshot": today,
                "previous_report_id": previous.id,
                "contract_count": len(overdue_lines),
                "total_overdue_amount": sum(overdue_lines.mapped("overdue_amount")),
                "total_penalty_amount": sum(overdue_lines.mapped("penalty_amount")),
                "previous_contract_count": len(prev_tier),
                "previous_overdue_amount": sum(
                    line.overdue_amount for line in prev.values()
                ),
                "new_count": counts["new"],
                "cured_count": counts["cured"],
                "up_count": counts["up"],
                "down_count": counts["down"],
                "same_count": counts["same"],
                "action_count": sum(lines.mapped("record_count"))
                + sum(lines.mapped("activity_count")),
                "is_month_end": last_day_of_month,
                "date_generated": fields.Datetime.now(),
                "generated_by_id": self.env.uid,
            }
        )

    # ------------------------------------------------------------------
    # Distribution
    # ------------------------------------------------------------------
    def _recipient_users(self):
        """Heads of the departments concerned, the general manager (in copy) and, for the
        month-end edition, the review committee (D9 L177, L185)."""
        self.ensure_one()
        users = self.env["res.users"].sudo()
        to_users = users.browse()
        for xmlid in RECIPIENT_GROUPS:
            to_users |= self.env.ref(xmlid).sudo().user_ids
        if self.is_month_end:
            to_users |= (
                self.env.ref("lease_overdue.group_review_committee").sudo().user_ids
            )
        cc_users = self.env.ref("lease_overdue.group_general_manager").sudo().user_ids
        company = self.company_id

        def keep(user_set):
            return user_set.filtered(
                lambda u: u.active and not u.share and company in u.company_ids
            )

        return keep(to_users), keep(cc_users) - keep(to_users)

    def _report_lang(self):
        self.ensure_one()
        return self.company_id.partner_id.lang or self.env.lang

    def _get_pdf_attachment(self):
        """Render the PDF once and keep it on the report (what was sent is what is kept)."""
        self.ensure_one()
        name = f"{self.week_label}.pdf"
        attachment = self.env["ir.attachment"].search(
            [
                ("res_model", "=", self._name),
                ("res_id", "=", self.id),
                ("mimetype", "=", "application/pdf"),
            ],
            limit=1,
        )
        if attachment:
            return attachment
        content, report_type = (
            self.env["ir.actions.report"]
            .with_context(lang=self._report_lang())
            ._render_qweb_pdf("lease_overdue.report_weekly_overdue", self.ids)
        )
        if report_type != "pdf":
            return attachment
        return (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": name,
                    "raw": content,
                    "mimetype": "application/pdf",
                    "res_model": self._name,
                    "res_id": self.id,
                    "lease_sealed": True,
                }
            )
        )

    def _get_xlsx_attachment(self):
        self.ensure_one()
        content = (
            self.env["lease.overdue.weekly.report.xlsx"]
            .with_context(lang=self.env.context.get("lang") or self._report_lang())
            ._generate(self)
        )
        name = f"{self.week_label}.xlsx"
        attachment = self.env["ir.attachment"].search(
            [
                ("res_model", "=", self._name),
                ("res_id", "=", self.id),
                ("name", "=", name),
            ],
            limit=1,
        )
        vals = {"datas": base64.b64encode(content)}
        if attachment:
            attachment.write(vals)
            return attachment
        return self.env["ir.attachment"].create(
            dict(
                vals,
                name=name,
                res_model=self._name,
                res_id=self.id,
                mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        )

    def _send_by_email(self):
        self.ensure_one()
        to_users, cc_users = self._recipient_users()
        if not to_users:
            raise UserError(
                self.env._(
                    "Nobody heads the departments concerned: the weekly report has no recipient."
                )
            )
        report = self.with_context(lang=self._report_lang())
        attachments = report._get_pdf_attachment() | report._get_xlsx_attachment()
        title = report.display_name
        if self.is_month_end:
            title = self.env._(
                "%(title)s (month-end edition, for the review committee)", title=title
            )
        body = report.env["ir.qweb"]._render(
            "lease_overdue.weekly_report_mail_body", {"report": report, "title": title}
        )
        mail = (
            self.env["mail.mail"]
            .sudo()
            .create(
                {
                    "subject": title,
                    "body_html": body,
                    "email_from": (
                        self.company_id.email_formatted
                        or self.env.user.email_formatted
                        or False
                    ),
                    "recipient_ids": [fields.Command.set(to_users.partner_id.ids)],
                    "email_cc": ", ".join(
                        cc_users.filtered("email").mapped("email_formatted")
                    ),
                    "attachment_ids": [fields.Command.set(attachments.ids)],
                    "model": self._name,
                    "res_id": self.id,
                    "auto_delete": False,
                }
            )
        )
        self.sudo().write(
            {
                "state": "sent",
                "date_sent": fields.Datetime.now(),
                "mail_ids": [fields.Command.link(mail.id)],
            }
        )
        self.message_post(
            body=self.env._(
                "Weekly report queued by email to %(to)s, copy to %(cc)s.",
                to=", ".join(to_users.mapped("name")),
                cc=", ".join(cc_users.mapped("name")) or "-",
            )
        )
        return mail
