import base64
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from .lease_constants import HEAD_GROUPS, HEADED_DEPARTMENTS
from .lease_report_tools import local_days_utc

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
RECIPIENT_GROUPS = [HEAD_GROUPS[department] for department in HEADED_DEPARTMENTS]


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
    # Outgoing mails are administrators' records (mail.mail): the readers of the report
    # (every department) would get an access error on its form (issue 11 item 4).
    mail_ids = fields.Many2many(
        "mail.mail",
        string="Emails",
        readonly=True,
        copy=False,
        groups="base.group_system",
    )

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
        for report in self.sudo():
            # Stored labels (tier names, action summaries) in the company's language,
            # whoever generates (issue 11 item 3).
            report.with_env(report.company_id._lease_env())._generate_snapshot(today)
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
    def _demo_generate_week(self, day):
        """Demo history (issue 11 item 7): the report of the week holding ``day``, a
        past day, taken from the portfolio as the overdue engine computed it on that day
        (the demo builder runs the engine as of each week before calling this). The
        snapshot is the weekly job's own (``_generate_snapshot``), given that day as its
        "today": its previous report is the week before, so the tier migration has a
        history."""
        report = self.create({"date_week": day})
        report._check_asset_management()
        snapshot = report.sudo()
        snapshot.with_env(snapshot.company_id._lease_env())._generate_snapshot(day)
        return report

    @api.model
    def _demo_generate(self):
        """Demo data: this week's report (generated, not sent) and the collector
        targets of this month and the five before (the dashboard's trend shows them)."""
        today = self.env.company._lease_today()
        report = self.create({"date_week": today})
        report.action_generate()
        targets = []
        for login, amount in (("collector", 300000.0), ("collector2", 250000.0)):
            user = self.env.ref(
                f"lease_overdue.demo_user_{login}", raise_if_not_found=False
            )
            if not user:
                continue
            for months_back in range(6):
                targets.append(
                    {
                        "collector_id": user.id,
                        "date_month": today - relativedelta(months=months_back),
                        "amount_target": amount - 10000.0 * months_back,
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
        """The week as naive UTC datetimes, in the company's local time."""
        self.ensure_one()
        return local_days_utc(self.company_id, self.date_from, self.date_to)

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

    def _previous_tiers(self, previous, today):
        """{contract id: (tier id, overdue rent)} of last week: the overdue lines of the
        previous report, else the case tier history a week before ``today`` (no
        amounts then)."""
        self.ensure_one()
        if not previous:
            return {
                contract_id: (tier_id, None)
                for contract_id, tier_id in self._tiers_a_week_before(today).items()
            }
        rows = self.env.execute_query(
            SQL(
                """
            SELECT contract_id, tier_id, overdue_amount
              FROM lease_overdue_weekly_report_line
             WHERE report_id = %s AND is_overdue AND contract_id IS NOT NULL
             ORDER BY id
            """,
                previous.id,
            )
        )
        return {contract_id: (tier_id, amount) for contract_id, tier_id, amount in rows}

    def _generate_snapshot(self, today):
        """Store the lines, tier summary and migration totals (fixed number of queries).

        The lines are inserted in one statement from the contracts' figures (those the
        overdue engine computed); the tier summary and the report's totals are sums over
        those lines (and last week's), computed by PostgreSQL."""
        self.ensure_one()
        self.env.flush_all()
        tiers = (
            self.env["lease.overdue.tier"].with_context(active_test=False).search([])
        )
        previous = self._find_previous_report()
        prev = self._previous_tiers(previous, today)
        actions = self._actions_of_week()
        Line = self.env["lease.overdue.weekly.report.line"]
        self.env.cr.execute(
            SQL(
                """
            WITH prev AS (
                SELECT * FROM unnest(%(prev_ids)s::int[], %(prev_tiers)s::int[])
                           AS p(contract_id, tier_id)
            ),
            act AS (
                SELECT * FROM unnest(%(act_ids)s::int[], %(act_records)s::int[],
                                     %(act_activities)s::int[], %(act_summaries)s::varchar[])
                           AS a(contract_id, record_count, activity_count, summary)
            ),
            cur AS (
                SELECT c.*, c.days_overdue > 0 AS overdue,
                       CASE WHEN c.days_overdue > 0 THEN c.tier_id END AS now_tier,
                       p.tier_id AS before_tier
                  FROM lease_contract c
                  LEFT JOIN prev p ON p.contract_id = c.id
                 WHERE c.company_id = %(company)s
                   AND c.state IN ('active', 'terminated', 'closed')
                   AND (c.days_overdue > 0 OR p.contract_id IS NOT NULL)
            )
            INSERT INTO lease_overdue_weekly_report_line (
                report_id, company_id, date_from, contract_id, contract_name,
                partner_id, partner_name, collector_id, collector_name,
                account_manager_id, account_manager_name, is_overdue, days_overdue,
                tier_id, tier_code, overdue_amount, penalty_amount, overdue_count,
                record_count, activity_count, action_count, action_summary,
                previous_tier_id, previous_tier_code, migration,
                create_uid, create_date, write_uid, write_date)
            SELECT %(report)s, %(company)s, %(date_from)s, cur.id, cur.name,
                   cur.partner_id, lessee.complete_name, cur.collector_id, collector.name,
                   cur.account_manager_id, manager.name, cur.overdue,
                   CASE WHEN cur.overdue THEN cur.days_overdue ELSE 0 END,
                   cur.now_tier, CASE WHEN cur.overdue THEN tier.code END,
                   CASE WHEN cur.overdue THEN cur.overdue_amount ELSE 0 END,
                   CASE WHEN cur.overdue THEN cur.penalty_amount ELSE 0 END,
                   cur.overdue_count,
                   COALESCE(a.record_count, 0), COALESCE(a.activity_count, 0),
                   COALESCE(a.record_count, 0) + COALESCE(a.activity_count, 0),
                   COALESCE(a.summary, ''),
                   cur.before_tier, before.code,
                   CASE WHEN cur.before_tier IS NULL THEN 'new'
                        WHEN cur.now_tier IS NULL THEN 'cured'
                        WHEN COALESCE(tier.days_min, 0) > COALESCE(before.days_min, 0)
                        THEN 'up'
                        WHEN COALESCE(tier.days_min, 0) < COALESCE(before.days_min, 0)
                        THEN 'down'
                        ELSE 'same' END,
                   %(uid)s, %(now)s, %(uid)s, %(now)s
              FROM cur
              JOIN res_partner lessee ON lessee.id = cur.partner_id
              LEFT JOIN lease_overdue_tier tier ON tier.id = cur.tier_id
              LEFT JOIN lease_overdue_tier before ON before.id = cur.before_tier
              LEFT JOIN res_users cu ON cu.id = cur.collector_id
              LEFT JOIN res_partner collector ON collector.id = cu.partner_id
              LEFT JOIN res_users mu ON mu.id = cur.account_manager_id
              LEFT JOIN res_partner manager ON manager.id = mu.partner_id
              LEFT JOIN act a ON a.contract_id = cur.id
             WHERE cur.before_tier IS NOT NULL OR cur.now_tier IS NOT NULL
             ORDER BY cur.days_overdue DESC, cur.overdue_count DESC, cur.name DESC, cur.id
            """,
                prev_ids=list(prev),
                prev_tiers=[tier_id for tier_id, _amount in prev.values()],
                act_ids=list(actions),
                act_records=[entry[0] for entry in actions.values()],
                act_activities=[entry[1] for entry in actions.values()],
                act_summaries=[entry[2] for entry in actions.values()],
                company=self.company_id.id,
                report=self.id,
                date_from=self.date_from,
                uid=self.env.uid,
                now=self.env.cr.now(),
            )
        )
        Line.invalidate_model()
        self.invalidate_recordset(["line_ids"])
        # Per tier: this week's overdue lines and migrations into the tier, last week's
        # contracts and rent in it, the lines cured from it.
        rows = self.env.execute_query(
            SQL(
                """
            WITH prev AS (
                SELECT * FROM unnest(%(prev_tiers)s::int[], %(prev_amounts)s::numeric[])
                           AS p(tier_id, amount)
            ),
            lines AS (
                SELECT * FROM lease_overdue_weekly_report_line WHERE report_id = %(report)s
            )
            SELECT 'now', tier_id, COUNT(*), SUM(overdue_amount), SUM(penalty_amount),
                   COUNT(*) FILTER (WHERE migration = 'new'),
                   COUNT(*) FILTER (WHERE migration = 'up'),
                   COUNT(*) FILTER (WHERE migration = 'down'),
                   COUNT(*) FILTER (WHERE migration = 'same'),
                   SUM(record_count + activity_count)
              FROM lines WHERE is_overdue GROUP BY tier_id
            UNION ALL
            SELECT 'cured', previous_tier_id, COUNT(*), 0, 0, 0, 0, 0, 0,
                   SUM(record_count + activity_count)
              FROM lines WHERE NOT is_overdue GROUP BY previous_tier_id
            UNION ALL
            SELECT 'cured_line', previous_tier_id, COUNT(*), 0, 0, 0, 0, 0, 0, 0
              FROM lines WHERE migration = 'cured' GROUP BY previous_tier_id
            UNION ALL
            SELECT 'prev', tier_id, COUNT(*), COALESCE(SUM(amount), 0), 0, 0, 0, 0, 0, 0
              FROM prev GROUP BY tier_id
            """,
                prev_tiers=[tier_id for tier_id, _amount in prev.values()],
                prev_amounts=[amount for _tier_id, amount in prev.values()],
                report=self.id,
            )
        )
        now, cured, prev_by_tier = {}, {}, {}
        totals = dict.fromkeys(
            ("count", "amount", "penalty", "new", "up", "down", "same", "actions"), 0
        )
        totals["cured"] = 0
        for kind, tier_id, count, amount, penalty, new, up, down, same, acts in rows:
            amount, penalty = float(amount or 0.0), float(penalty or 0.0)
            if kind == "now":
                now[tier_id] = (count, amount, penalty, new, up, down)
                totals["count"] += count
                totals["amount"] += amount
                totals["penalty"] += penalty
                totals["new"] += new
                totals["up"] += up
                totals["down"] += down
                totals["same"] += same
                totals["actions"] += acts
            elif kind == "cured":
                totals["actions"] += acts
            elif kind == "cured_line":
                cured[tier_id] = count
                totals["cured"] += count
            else:
                prev_by_tier[tier_id] = (count, amount)
        used = set(now) | set(prev_by_tier)
        summary_tiers = tiers.filtered("active") | tiers.filtered(
            lambda tier: tier.id in used
        )
        summary_vals = []
        for sequence, tier in enumerate(summary_tiers):
            count, amount, penalty, new, up, down = now.get(tier.id, (0, 0, 0, 0, 0, 0))
            previous_count, previous_amount = prev_by_tier.get(tier.id, (0, 0))
            summary_vals.append(
                {
                    "report_id": self.id,
                    "sequence": sequence,
                    "tier_id": tier.id,
                    "tier_code": tier.code,
                    "tier_name": tier.name,
                    "contract_count": count,
                    "overdue_amount": amount,
                    "penalty_amount": penalty,
                    "previous_count": previous_count,
                    "previous_amount": previous_amount,
                    "new_count": new,
                    "up_count": up,
                    "down_count": down,
                    "cured_count": cured.get(tier.id, 0),
                }
            )
        self.env["lease.overdue.weekly.report.tier"].sudo().create(summary_vals)
        last_day_of_month = (today + timedelta(days=7)).month != today.month
        self.sudo().write(
            {
                "state": "generated",
                "date_snapshot": today,
                "previous_report_id": previous.id,
                "contract_count": totals["count"],
                "total_overdue_amount": totals["amount"],
                "total_penalty_amount": totals["penalty"],
                "previous_contract_count": len(prev),
                "previous_overdue_amount": float(
                    sum(amount for _tier_id, amount in prev.values() if amount)
                ),
                "new_count": totals["new"],
                "cured_count": totals["cured"],
                "up_count": totals["up"],
                "down_count": totals["down"],
                "same_count": totals["same"],
                "action_count": totals["actions"],
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
        """The language the report is written and mailed in: the company's (issue 11
        item 3)."""
        self.ensure_one()
        return self.company_id._lease_lang()

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
        """The report's XLSX as an attachment of the report. Whoever may read the
        report may export it (issue 11 item 4: the heads and the general manager read
        it without edit rights): the read right is checked, the attachment is written
        by the system."""
        self.ensure_one()
        self.check_access("read")
        self = self.sudo()  # noqa: PLW0642 - read right checked above
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

    def _mail_title(self):
        """The subject of the report's mail: the report's name, with the month-end
        edition said (its readers include the review committee)."""
        self.ensure_one()
        if self.is_month_end:
            return self.env._(
                "%(title)s (month-end edition, for the review committee)",
                title=self.display_name,
            )
        return self.display_name

    def _send_by_email(self):
        self.ensure_one()
        to_users, cc_users = self._recipient_users()
        if not to_users:
            raise UserError(
                self.env._(
                    "Nobody heads the departments concerned: the weekly report has no recipient."
                )
            )
        report = self.with_env(self.company_id._lease_env())
        attachments = report._get_pdf_attachment() | report._get_xlsx_attachment()
        template = self.env.ref("lease_overdue.mail_template_weekly_report").sudo()
        mail = (
            self.env["mail.mail"]
            .sudo()
            .browse(
                template.send_mail(
                    self.id,
                    email_values={
                        "recipient_ids": [fields.Command.set(to_users.partner_id.ids)],
                        "email_cc": ", ".join(
                            cc_users.filtered("email").mapped("email_formatted")
                        ),
                        "attachment_ids": [fields.Command.set(attachments.ids)],
                    },
                )
            )
        )
        self.sudo().write(
            {
                "state": "sent",
                "date_sent": fields.Datetime.now(),
                "mail_ids": [fields.Command.link(mail.id)],
            }
        )
        report.message_post(
            body=report.env._(
                "Weekly report queued by email to %(to)s, copy to %(cc)s.",
                to=", ".join(to_users.mapped("name")),
                cc=", ".join(cc_users.mapped("name")) or "-",
            )
        )
        return mail
