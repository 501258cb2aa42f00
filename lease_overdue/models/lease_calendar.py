"""Company time and China's working calendar (SPEC O5, issue 9 items 1 and 2).

"Today" of every job, hook, report and button is the company's local date: the time zone
of the company's working calendar (the one its working days are computed in), else its
partner's, else Asia/Shanghai; never the time zone of the user who happens to run the code
(the cron's system user has its own).

Working days: the company's resource.calendar through Odoo's calendar API
(``_work_intervals_batch``) in the calendar's own time zone, minus public holidays
(resource.calendar.leaves without resource, stored in UTC), plus make-up working days
(调休, ``lease.calendar.workday``): Odoo's calendar has no "extra working day".
China's holidays and 调休 days come from the ``chinesecalendar`` package.
"""

import logging
from datetime import date, datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)

DEFAULT_TZ = "Asia/Shanghai"
# Time zones of mainland China: a company in one of them gets China's calendar on install
CHINA_TZS = {"Asia/Shanghai", "Asia/Chongqing", "Asia/Harbin", "Asia/Urumqi", "PRC"}
# Local times of the addon's scheduled actions: cron xmlid -> (hour, minute, weekday or
# None); the yearly one (12 months) runs on 1 January.
CRON_LOCAL_TIMES = {
    "lease_overdue.ir_cron_lease_overdue_daily": (1, 0, None),
    "lease_overdue.ir_cron_lease_collector_target_refresh": (2, 0, None),
    "lease_overdue.ir_cron_lease_escalation_morning": (10, 0, None),
    "lease_overdue.ir_cron_lease_collection_log_monthly": (18, 0, None),
    "lease_overdue.ir_cron_lease_weekly_overdue_report": (18, 0, 4),
    "lease_overdue.ir_cron_lease_china_calendar": (2, 30, None),
}


class ResCompany(models.Model):
    _inherit = "res.company"

    def _lease_tz_name(self):
        """The company's time zone: its working calendar's, else its partner's, else
        Asia/Shanghai."""
        company = self[:1] or self.env.company
        company = company.sudo()
        return company.resource_calendar_id.tz or company.partner_id.tz or DEFAULT_TZ

    def _lease_tz(self):
        return pytz.timezone(self._lease_tz_name())

    def _lease_now_local(self):
        """Now, as an aware datetime in the company's time zone."""
        return pytz.utc.localize(fields.Datetime.now()).astimezone(self._lease_tz())

    def _lease_today(self):
        """Today's date in the company's time zone, whoever runs the code."""
        return self._lease_now_local().date()

    def _lease_local_to_utc(self, day, hour=0, minute=0):
        """Naive UTC datetime of ``day`` at ``hour:minute`` local time of the company."""
        local = self._lease_tz().localize(datetime.combine(day, time(hour, minute)))
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    @api.model
    def _lease_schedule_crons(self):
        """Put the addon's scheduled actions at their local times: ir.cron's nextcall is
        UTC, so the next occurrence of each local time (in the main company's time zone)
        is converted to UTC; a daily interval keeps it (China has no daylight saving)."""
        company = self.env.ref("base.main_company", raise_if_not_found=False)
        company = company or self.env.company
        now = company._lease_now_local()
        for xmlid, (hour, minute, weekday) in CRON_LOCAL_TIMES.items():
            cron = self.env.ref(xmlid, raise_if_not_found=False)
            if not cron:
                continue
            day = now.date()
            if (now.hour, now.minute) >= (hour, minute):
                day += timedelta(days=1)
            if weekday is not None:
                day += timedelta(days=(weekday - day.weekday()) % 7)
            if cron.interval_type == "months" and cron.interval_number == 12:
                # yearly: 1 January
                if day != date(day.year, 1, 1):
                    day = date(day.year + 1, 1, 1)
            cron.sudo().nextcall = company._lease_local_to_utc(day, hour, minute)


class LeaseCalendarWorkday(models.Model):
    """A make-up working day (调休): a day the company's calendar does not work (a
    Saturday, a Sunday) that is worked because of a public holiday."""

    _name = "lease.calendar.workday"
    _description = "Make-up Working Day"
    _order = "date desc"

    name = fields.Char("Reason", required=True)
    date = fields.Date(required=True, index=True)
    calendar_id = fields.Many2one(
        "resource.calendar",
        "Working Calendar",
        required=True,
        index=True,
        ondelete="cascade",
        default=lambda self: self.env.company.resource_calendar_id,
    )
    company_id = fields.Many2one(
        related="calendar_id.company_id", store=True, index=True
    )

    _one_day = models.UniqueIndex(
        "(calendar_id, date)", "A make-up working day is entered once per calendar."
    )


class ResourceCalendar(models.Model):
    _inherit = "resource.calendar"

    lease_workday_ids = fields.One2many(
        "lease.calendar.workday", "calendar_id", "Make-up Working Days"
    )

    def _lease_working_dates(self, date_from, date_to, company=None):
        """Set of the local dates in [date_from, date_to] with working time left on this
        calendar (Odoo's ``_work_intervals_batch`` in the calendar's time zone, public
        holidays of ``company`` removed), plus its make-up working days. Without a
        calendar (empty self): Monday to Friday."""
        if date_to < date_from:
            return set()
        workdays = set()
        if not self:
            days = set()
            day = date_from
            while day <= date_to:
                if day.weekday() < 5:
                    days.add(day)
                day += timedelta(days=1)
            return days
        self.ensure_one()
        calendar = self.sudo()
        tz = pytz.timezone(calendar.tz or DEFAULT_TZ)
        start = tz.localize(datetime.combine(date_from, time.min))
        end = tz.localize(datetime.combine(date_to + timedelta(days=1), time.min))
        company_ids = [False] + ([company.id] if company else [])
        domain = [("time_type", "=", "leave"), ("company_id", "in", company_ids)]
        if calendar.flexible_hours:
            # A flexible calendar has no fixed days: Monday to Friday, whole days.
            attendance = []
            day = date_from
            while day <= date_to:
                if day.weekday() < 5:
                    attendance.append(
                        (
                            tz.localize(datetime.combine(day, time(9))),
                            tz.localize(datetime.combine(day, time(17))),
                        )
                    )
                day += timedelta(days=1)
            leaves = calendar._leave_intervals_batch(start, end, domain=domain, tz=tz)
            leave_spans = [(a, b) for a, b, _leave in leaves[False]]
            for a, b in attendance:
                if not any(la <= a and lb >= b for la, lb in leave_spans):
                    workdays.add(a.date())
        else:
            intervals = calendar._work_intervals_batch(start, end, domain=domain, tz=tz)
            for a, b, _meta in intervals[False]:
                if b > a:
                    workdays.add(a.astimezone(tz).date())
        extra = (
            self.env["lease.calendar.workday"]
            .sudo()
            .search_fetch(
                [
                    ("calendar_id", "=", calendar.id),
                    ("date", ">=", date_from),
                    ("date", "<=", date_to),
                ],
                ["date"],
            )
        )
        workdays.update(extra.mapped("date"))
        return workdays

    # ------------------------------------------------------------------ China
    def _lease_load_china_calendar(self, year_from=None):
        """Load China's public holidays (as calendar leaves from local midnight to local
        midnight) and make-up working days of the years the ``chinese_calendar`` package
        knows, from ``year_from`` (default: last year). Days already entered are kept as
        they are: the configuration manager's corrections survive a reload. Returns the
        numbers of holidays and workdays created."""
        try:
            import chinese_calendar  # noqa: PLC0415
        except ImportError as exc:
            raise UserError(
                self.env._(
                    "The Python package chinesecalendar is not installed "
                    "(requirements.txt)."
                )
            ) from exc
        created_leaves = created_workdays = 0
        for calendar in self.sudo():
            company = calendar.company_id or self.env.company
            tz = pytz.timezone(calendar.tz or DEFAULT_TZ)
            first = year_from or (company._lease_today().year - 1)
            holidays = {
                day: name
                for day, name in chinese_calendar.holidays.items()
                if day.year >= first
            }
            workdays = {
                day: name
                for day, name in chinese_calendar.workdays.items()
                if day.year >= first
            }
            if not holidays:
                continue
            low, high = min(holidays), max(holidays)
            existing = calendar._lease_holiday_dates(low, high, company)
            names = {h.value: h.chinese for h in chinese_calendar.Holiday}
            # runs of consecutive new holiday dates of the same holiday
            runs = []
            for day in sorted(holidays):
                if day in existing:
                    continue
                if (
                    runs
                    and runs[-1][1] == day - timedelta(days=1)
                    and runs[-1][2] == holidays[day]
                ):
                    runs[-1][1] = day
                else:
                    runs.append([day, day, holidays[day]])
            vals_list = [
                {
                    "name": f"{names.get(name, name)} {start.year}",
                    "calendar_id": calendar.id,
                    "company_id": company.id,
                    "time_type": "leave",
                    "date_from": tz.localize(datetime.combine(start, time.min))
                    .astimezone(pytz.utc)
                    .replace(tzinfo=None),
                    "date_to": tz.localize(
                        datetime.combine(stop + timedelta(days=1), time.min)
                    )
                    .astimezone(pytz.utc)
                    .replace(tzinfo=None)
                    - timedelta(seconds=1),
                }
                for start, stop, name in runs
            ]
            self.env["resource.calendar.leaves"].sudo().create(vals_list)
            created_leaves += len(vals_list)
            known = set(
                self.env["lease.calendar.workday"]
                .sudo()
                .search([("calendar_id", "=", calendar.id)])
                .mapped("date")
            )
            work_vals = [
                {
                    "name": self.env._(
                        "Make-up working day (%(holiday)s)",
                        holiday=names.get(name, name),
                    ),
                    "date": day,
                    "calendar_id": calendar.id,
                }
                for day, name in sorted(workdays.items())
                if day not in known
            ]
            self.env["lease.calendar.workday"].sudo().create(work_vals)
            created_workdays += len(work_vals)
            _logger.info(
                "China's calendar loaded into %s: %s holidays, %s make-up working days",
                calendar.display_name,
                len(vals_list),
                len(work_vals),
            )
        return created_leaves, created_workdays

    def _lease_holiday_dates(self, date_from, date_to, company=None):
        """Local dates of [date_from, date_to] covered by a public holiday (whole or
        partial) of this calendar or of no calendar."""
        self.ensure_one()
        tz = pytz.timezone(self.tz or DEFAULT_TZ)
        start = tz.localize(datetime.combine(date_from, time.min))
        end = tz.localize(datetime.combine(date_to + timedelta(days=1), time.min))
        company_ids = [False] + ([company.id] if company else [])
        leaves = self._leave_intervals_batch(
            start,
            end,
            domain=[("time_type", "=", "leave"), ("company_id", "in", company_ids)],
            tz=tz,
        )
        dates = set()
        for a, b, _leave in leaves[False]:
            day = a.date()
            while datetime.combine(day, time.min) < b.replace(tzinfo=None):
                dates.add(day)
                day += timedelta(days=1)
        return dates

    def action_lease_load_china_calendar(self):
        """Button of the configuration manager: load China's holidays and make-up working
        days into this calendar."""
        if not self.env.user.has_group("lease_overdue.group_lease_manager"):
            raise UserError(
                self.env._("Only the configuration manager loads China's calendar.")
            )
        leaves, workdays = self._lease_load_china_calendar()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "China's calendar loaded: %(leaves)s public holidays and "
                    "%(workdays)s make-up working days added.",
                    leaves=leaves,
                    workdays=workdays,
                ),
            },
        }

    @api.model
    def _lease_china_calendars(self):
        """Working calendars of the companies in China (country, else time zone)."""
        companies = self.env["res.company"].sudo().search([])
        return companies.filtered(
            lambda c: (
                c.country_id.code == "CN"
                or (c.resource_calendar_id and c._lease_tz_name() in CHINA_TZS)
            )
        ).resource_calendar_id

    @api.model
    def _cron_lease_load_china_calendar(self):
        """Yearly (and at install): China's holidays and make-up working days into the
        calendars of the companies in China; a newer chinesecalendar adds next year."""
        self._lease_china_calendars()._lease_load_china_calendar()
