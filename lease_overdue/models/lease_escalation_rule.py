"""Escalation rules (SPEC R1-R5, E1, E2, E4, E12-E15) and the daily escalation job.

A rule is data: when it fires (trigger and its day numbers), for which cases or
contracts (conditions), what it does (an activity for the responsible roles, an SMS
queued through Odoo's SMS queue, or an ``_escalation_*`` step of the collection case)
and how often (once per case or due date, daily, twice a day).

The job evaluates each rule for the whole portfolio with one search, removes what the
ledger (lease.escalation.log) says was already done, and creates the activities and the
ledger rows with one ``create`` each: its number of queries depends on the number of
rules, people and companies, not on the number of cases.
"""

import logging
import re
from collections import defaultdict
from contextlib import contextmanager
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain

from .lease_constants import GRADES, HEAD_FIELDS
from .lease_vendor_objection import OBJECTION_SCOPES

_logger = logging.getLogger(__name__)

CASE_MODEL = "lease.collection.case"
CONTRACT_MODEL = "lease.contract"

# role code -> (field on the contract naming the person, department whose head receives
# the task when the contract names nobody; see res.company._lease_department_heads)
ROLE_SOURCES = {
    "collector": ("collector_id", "asset_management"),
    "account_manager": ("account_manager_id", "business"),
    "team_lead": ("team_lead_id", "business"),
    "risk_officer": ("risk_officer_id", "risk_management"),
    "asset_management_head": (None, "asset_management"),
    "risk_management_head": (None, "risk_management"),
    "legal_head": (None, "legal"),
    "business_head": (None, "business"),
    "finance_head": (None, "finance"),
    "review_committee": (None, "review_committee"),
    "general_manager": (None, "general_manager"),
}

# D8 categories (D8 L148-L150). The policy text says "30天以下 ... 逾期未超过30天": not
# exceeding 30 days, so 1-30 / 31-60 / over 60 (SPEC E12 writes <30 and 30-60).
D8_CATEGORIES = {"le30": (1, 30), "31_60": (31, 60), "gt60": (61, 0)}

# Steps that open a legal case or a disposal: at catch-up, a person decides.
WITHHELD_STEPS = frozenset(
    {
        "_escalation_start_legal",
        "_escalation_file_lawsuit",
        "_escalation_draft_disposal_plan",
        "_escalation_execute_disposal",
    }
)
# role_code of the ledger rows of a catch-up: step whose day passed / step withheld
CATCHUP_PAST = "catchup"
CATCHUP_WITHHELD = "withheld"


class LeaseEscalationRule(models.Model):
    _name = "lease.escalation.rule"
    _description = "Escalation Rule"
    _order = "scheme_sequence, sequence, id"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    scheme = fields.Selection(
        [
            ("d9", "D9 Overdue Customer Management (core)"),
            ("d5", "D5 Overdue Accounts (pre-due and visits)"),
            ("d8", "D8 Disposal Matrix (category x occurrence)"),
        ],
        required=True,
        default="d9",
        help="Policy the rule comes from. D5 and D8 rules can be switched off for a company "
        "in the settings, or one by one (Active).",
    )
    scheme_sequence = fields.Integer(compute="_compute_scheme_sequence", store=True)
    policy_ref = fields.Char(
        "Policy Reference", help="Policy clause the rule implements, e.g. D9 L173."
    )
    company_id = fields.Many2one(
        "res.company", help="Leave empty to apply the rule in every company."
    )
    description = fields.Text()

    # When
    trigger = fields.Selection(
        [
            ("overdue_day", "On overdue day N (once)"),
            ("overdue_range", "Every day from overdue day N to M"),
            ("working_day", "From N working days overdue (to M)"),
            ("tier_entry", "On entering a tier"),
            ("before_due", "N days before a due date (to M)"),
            ("month_end", "On the last working day of the month"),
            ("promise_broken", "When a promise to pay is broken"),
        ],
        required=True,
        default="overdue_day",
        help="Overdue day N fires once, on day N or on the first run after it when a day "
        "was skipped (up to day M when M is set). Working-day triggers fire on working days "
        "only.",
    )
    day_from = fields.Integer(
        "Day N",
        default=1,
        help="First overdue day, working day or days before the due date.",
    )
    day_to = fields.Integer(
        "Day M",
        help="Last overdue day or working day; days before the due date it stops at. "
        "0 = no limit.",
    )
    working_days = fields.Boolean(
        "Count Working Days",
        help="Before a due date: count working days of the company calendar (SPEC O5).",
    )
    tier_id = fields.Many2one("lease.overdue.tier", "Tier", ondelete="restrict")
    recurrence = fields.Selection(
        [
            ("once", "Once per case (or due date)"),
            ("daily", "Every day"),
            ("twice_daily", "Twice a day"),
        ],
        required=True,
        default="once",
    )
    schedule = fields.Selection(
        [
            ("daily", "Daily job (after the overdue run)"),
            ("morning", "Morning job (10:00)"),
        ],
        required=True,
        default="daily",
    )

    # For whom
    locality = fields.Selection([("local", "Local"), ("non_local", "Non-local")])
    buyback = fields.Selection(
        [
            ("with", "With buy-back guarantee"),
            ("without", "Without buy-back guarantee"),
        ],
        "Buy-back Guarantee",
    )
    large_amount = fields.Selection(
        [("yes", "Large amount only"), ("no", "Not large amount")], "Large Amount"
    )
    min_risk_grade = fields.Selection(GRADES, "Minimum Risk Grade")
    occurrence = fields.Selection(
        [("1", "1st"), ("2", "2nd"), ("3", "3rd or later")],
        help="Occurrence of the overdue episode for the lessee; each broken promise to pay "
        "counts one level up (SPEC E15).",
    )
    d8_category = fields.Selection(
        [("le30", "1-30 days"), ("31_60", "31-60 days"), ("gt60", "Over 60 days")],
        "D8 Category",
    )
    key_watch_only = fields.Boolean("Key Watch List Only")
    last_two_months_only = fields.Boolean("Overdue in Each of Last 2 Months Only")
    min_overdue_count = fields.Integer(
        "Overdue Count Above",
        help="Lessee's cumulative overdue count must exceed it (0 = any).",
    )
    min_overdue_days = fields.Integer(
        "Cumulative Days Above",
        help="Lessee's cumulative days overdue must exceed it (0 = any).",
    )
    occurrence_continues = fields.Boolean(
        "Continues at Later Occurrences",
        help="The measure of this occurrence continues at the later ones (D8 L153: "
        '"除采取第一次逾期的措施外"): the rule applies from this occurrence on.',
    )
    objection_scope = fields.Selection(
        OBJECTION_SCOPES,
        "Stops on Vendor Objection",
        help="Part of the plan a vendor with a buy-back guarantee may object to: the rule "
        "skips cases where the responsible head decided to stop it (D9 L193, L198, "
        "SPEC E10). Empty: an objection never stops the rule.",
    )
    stop_on_vendor_objection = fields.Boolean(
        compute="_compute_stop_on_vendor_objection",
        help="Skips cases where the responsible head decided to stop this part of the plan "
        "after the vendor's objection (D9 L193, L198, SPEC E10).",
    )
    pause_on_deferral = fields.Boolean(
        help="Skip cases whose disposal is deferred until a day not yet passed; the rule "
        "fires by itself after the deferral ends (D9 L199-L200, SPEC E11).",
    )

    # What
    action = fields.Selection(
        [
            ("activity", "Schedule an activity"),
            ("sms", "Send an SMS"),
            ("method", "Run a case step"),
        ],
        required=True,
        default="activity",
    )
    activity_type_id = fields.Many2one(
        "mail.activity.type",
        ondelete="restrict",
        help="Activity scheduled for each responsible role; optional for a case step.",
    )
    activity_summary = fields.Char(translate=True)
    activity_note = fields.Html(translate=True)
    role_ids = fields.Many2many(
        "lease.escalation.role",
        string="Responsible",
        help="One activity per role. Department roles go to the head of the department.",
    )
    deadline_days = fields.Integer("Deadline (Days)")
    deadline_working_days = fields.Boolean("Deadline in Working Days")
    method_name = fields.Char(
        "Case Step",
        help="Method of the case (or of the contract, before a due date) whose name starts "
        "with _escalation_, e.g. _escalation_prepare_notice.",
    )
    sms_body = fields.Text(
        "SMS Text",
        translate=True,
        help="Inline template on the case or contract, e.g. {{ object.partner_id.name }}.",
    )
    log_count = fields.Integer(compute="_compute_log_count")

    _day_numbers = models.Constraint(
        "CHECK(day_from >= 0 AND day_to >= 0)", "Day numbers cannot be negative."
    )

    @api.depends("scheme")
    def _compute_scheme_sequence(self):
        order = {"d9": 1, "d5": 2, "d8": 3}
        for rule in self:
            rule.scheme_sequence = order.get(rule.scheme, 9)

    @api.depends("objection_scope")
    def _compute_stop_on_vendor_objection(self):
        for rule in self:
            rule.stop_on_vendor_objection = bool(rule.objection_scope)

    def _compute_log_count(self):
        groups = self.env["lease.escalation.log"]._read_group(
            [("rule_id", "in", self.ids)], ["rule_id"], ["__count"]
        )
        counts = {rule.id: count for rule, count in groups}
        for rule in self:
            rule.log_count = counts.get(rule.id, 0)

    @api.constrains(
        "trigger",
        "day_from",
        "day_to",
        "tier_id",
        "action",
        "activity_type_id",
        "role_ids",
        "method_name",
        "sms_body",
    )
    def _check_rule(self):
        for rule in self:
            if rule.trigger == "tier_entry" and not rule.tier_id:
                raise ValidationError(
                    self.env._("Rule %(rule)s: choose the tier.", rule=rule.name)
                )
            if rule.trigger in ("overdue_day", "overdue_range", "working_day") and (
                rule.day_from < 1
            ):
                raise ValidationError(
                    self.env._(
                        "Rule %(rule)s: day N must be at least 1.", rule=rule.name
                    )
                )
            if rule.trigger == "before_due" and rule.day_from < 1:
                raise ValidationError(
                    self.env._(
                        "Rule %(rule)s: the days before the due date must be at least 1.",
                        rule=rule.name,
                    )
                )
            if rule.trigger == "overdue_range" and rule.day_to < rule.day_from:
                raise ValidationError(
                    self.env._(
                        "Rule %(rule)s: day M must not come before day N.",
                        rule=rule.name,
                    )
                )
            if rule.trigger == "before_due" and rule.day_to > rule.day_from:
                raise ValidationError(
                    self.env._(
                        "Rule %(rule)s: before a due date, M (the last day) must not be more days "
                        "ahead than N (the first day).",
                        rule=rule.name,
                    )
                )
            if rule.action == "activity" and not (
                rule.activity_type_id and rule.role_ids
            ):
                raise ValidationError(
                    self.env._(
                        "Rule %(rule)s: an activity needs an activity type and at least one "
                        "responsible role.",
                        rule=rule.name,
                    )
                )
            if rule.action == "method":
                if not rule.method_name or not re.fullmatch(
                    r"_escalation_\w+", rule.method_name
                ):
                    raise ValidationError(
                        self.env._(
                            "Rule %(rule)s: the case step must be a method whose name starts "
                            "with _escalation_.",
                            rule=rule.name,
                        )
                    )
                if rule.activity_type_id and not rule.role_ids:
                    raise ValidationError(
                        self.env._(
                            "Rule %(rule)s: choose who gets the activity.",
                            rule=rule.name,
                        )
                    )
            if rule.action == "sms" and not rule.sms_body:
                raise ValidationError(
                    self.env._("Rule %(rule)s: write the SMS text.", rule=rule.name)
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_logged(self):
        """A rule that acted is part of the compliance record (F4): archive it."""
        logged = (
            self.env["lease.escalation.log"]
            .sudo()
            .search_count([("rule_id", "in", self.ids)], limit=1)
        )
        if logged:
            raise UserError(
                self.env._(
                    "This escalation rule has already acted: its tasks are in the "
                    "escalation log. Archive the rule instead of deleting it."
                )
            )

    def action_view_logs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "lease_overdue.lease_escalation_log_action"
        )
        action["domain"] = [("rule_id", "=", self.id)]
        action["context"] = {}
        return action

    # ------------------------------------------------------------------
    # The job
    # ------------------------------------------------------------------
    @api.model
    def _cron_escalate(self, schedule="daily"):
        """Scheduled action: apply every active rule of ``schedule`` once (SPEC E14)."""
        return self._run_escalation(schedule=schedule)

    @api.model
    def _cron_escalate_morning(self):
        """10:00 job: the pre-due lists to account managers (D5 L95, SPEC R5)."""
        return self._run_escalation(schedule="morning")

    @api.model
    def _run_escalation(self, schedule="daily", today=None):
        """Apply the rules of ``schedule`` for ``today``. Returns the ledger rows created,
        or False when another run holds the lock (it logs and acts on nothing)."""
        self = self.sudo()  # noqa: PLW0642 - a system job: every case, every department
        today = today or self.env.company._lease_today()
        run = self.env["lease.escalation.run"]._get_for(schedule)
        if not run._try_lock():
            _logger.info(
                "Escalation (%s): another run holds the lock; nothing done.", schedule
            )
            return False
        started = fields.Datetime.now()
        self.env.flush_all()
        logs = self.env["lease.escalation.log"]
        if schedule == "daily":
            self.env["lease.collection.case"]._refresh_collection_priority()
            self.env["lease.payment.promise"]._check_promises(today)
        state = _RunState(self.env, today, catchup=schedule == "daily")
        errors = []
        self.env.flush_all()  # the rules' savepoints start with nothing pending
        for rule in self.search([("schedule", "=", schedule)]):
            try:
                with rule._rule_savepoint():
                    logs |= rule._fire(state)
            except Exception as error:  # noqa: BLE001 - one bad rule must not stop the others
                _logger.exception("Escalation rule %s failed", rule.display_name)
                errors.append(f"{rule.display_name}: {error}")
            run._commit_rule()  # issue 10 item 4: a killed run loses this rule at most
        if state.catchup:
            logs |= self._catchup_finish(state)
        errors += state.missing_heads_messages()
        self.env.flush_all()
        run.write(
            {
                "date_last_run": today,
                "last_started": started,
                "last_finished": fields.Datetime.now(),
                "last_created": len(logs),
                "last_errors": "\n".join(errors) or False,
                "last_fingerprint": run._inputs_fingerprint(),
            }
        )
        return logs

    @contextmanager
    def _rule_savepoint(self):
        """The savepoint of one rule in the job: one bad rule does not stop the others
        (SPEC E14). Unlike Odoo's default savepoint it does not flush on entry and exit:
        the job flushes before its loop and each rule leaves nothing pending, so a rule
        that finds nothing to do costs its SAVEPOINT and RELEASE only; a rule that acted
        flushes once, inside its savepoint, where needed (an error in writing its changes
        is its own and is rolled back with it). On failure, what the rule left in memory
        is dropped with its rows; the other rules' work was already written."""
        cr = self.env.cr
        savepoint = cr.savepoint(flush=False)
        try:
            yield savepoint
            if self._pending_changes():
                cr.flush()
        except Exception:
            cr.clear()
            savepoint.close(rollback=True)
            raise
        savepoint.close(rollback=False)

    def _pending_changes(self):
        """Whether the transaction holds changes not written yet (values to write,
        fields to recompute, pre-commit work such as tracking)."""
        transaction = self.env.transaction
        return bool(
            any(transaction.field_dirty.values())
            or any(transaction.tocompute.values())
            or self.env.cr.precommit._funcs  # noqa: SLF001 - no public accessor
        )

    # ------------------------------------------------------------------
    def _fire(self, state):
        """Apply this rule once for the run; returns the ledger rows created."""
        self.ensure_one()
        targets = self._targets(state)  # {res_id: [period, ...]}
        model = self._target_model()
        catchup = model == CASE_MODEL and state.catchup_case_ids()
        if not targets and not catchup:
            return self.env["lease.escalation.log"]
        done = self.env["lease.escalation.log"].search_fetch(
            [
                ("rule_id", "=", self.id),
                ("res_model", "=", model),
                ("res_id", "in", list(targets)),
                (
                    "period",
                    "in",
                    list({p for periods in targets.values() for p in periods}),
                ),
            ],
            ["res_id", "period"],
        )
        seen = {(log.res_id, log.period) for log in done}
        todo = {
            res_id: [p for p in periods if (res_id, p) not in seen]
            for res_id, periods in targets.items()
        }
        todo = {res_id: periods for res_id, periods in todo.items() if periods}
        if catchup:
            # Cases entering the system already overdue (issue 9 item 9): the steps whose
            # day passed and the legal and disposal steps wait for a person's decision.
            todo = self._catchup_split(todo, state)
        if not todo:
            return self.env["lease.escalation.log"]
        return self._act(todo, state)

    def _act(self, todo, state):
        """Do what the rule does for ``todo`` ({res_id: [period, ...]}, none of them in
        the ledger yet); returns the ledger rows created."""
        model = self._target_model()
        # In id order: the records, tasks and ledger rows are created in the same order
        # whatever the run's history (a run killed and continued creates what one
        # clean run creates, issue 10 item 4)
        records = self.env[model].browse(sorted(todo))
        contracts = records if model == CONTRACT_MODEL else records.contract_id
        contracts.fetch(
            [
                "company_id",
                "collector_id",
                "account_manager_id",
                "team_lead_id",
                "risk_officer_id",
                "overdue_count",
                "overdue_days_total",
                "risk_grade",
            ]
        )
        log_vals = []
        if self.action == "method":
            method = getattr(records, self.method_name, None)
            if method is None:
                # Not logged: the step runs by itself once the module providing it is there.
                _logger.warning(
                    "Escalation rule %s: %s has no step %s; only its activity is scheduled.",
                    self.display_name,
                    model,
                    self.method_name,
                )
            else:
                method()
                if not self.activity_type_id:
                    log_vals = self._log_values(
                        todo, records, state, "step", state_value="executed"
                    )
        elif self.action == "sms":
            records._message_sms_schedule_mass(body=self.sms_body, mass_keep_log=True)
            log_vals = self._log_values(
                todo, records, state, "sms", state_value="executed"
            )
        if self.activity_type_id and self.role_ids:
            log_vals += self._schedule_activities(todo, records, state)
        return self.env["lease.escalation.log"].create(log_vals)

    def _target_model(self):
        return CONTRACT_MODEL if self.trigger == "before_due" else CASE_MODEL

    def _periods(self, today):
        day = fields.Date.to_string(today)
        if self.recurrence == "daily":
            return [day]
        if self.recurrence == "twice_daily":
            return [f"{day}/am", f"{day}/pm"]
        return None

    def _targets(self, state):
        """{res_id: [period, ...]} of the cases or contracts the rule applies to today."""
        if self.trigger == "before_due":
            return self._targets_before_due(state)
        today = state.today
        domain = Domain("state", "=", "open") & self._condition_domain(
            "contract_id.", state
        )
        days = "contract_id.days_overdue"
        if self.trigger == "overdue_day":
            domain &= Domain(days, ">=", self.day_from)
            if self.day_to:
                domain &= Domain(days, "<=", self.day_to)
        elif self.trigger == "overdue_range":
            domain &= Domain(days, ">=", self.day_from) & Domain(
                days, "<=", self.day_to
            )
        elif self.trigger == "working_day":
            wdays = "contract_id.working_days_overdue"
            domain &= Domain(wdays, ">=", self.day_from)
            if self.day_to:
                domain &= Domain(wdays, "<=", self.day_to)
            domain &= Domain("company_id", "in", state.working_companies())
        elif self.trigger == "tier_entry":
            domain &= Domain("tier_id.days_min", ">=", self.tier_id.days_min)
        elif self.trigger == "month_end":
            domain &= Domain("company_id", "in", state.month_end_companies())
        elif self.trigger == "promise_broken":
            domain &= Domain("promise_ids.state", "=", "broken")
        if self.occurrence:
            level = int(self.occurrence)
            domain &= Domain(
                "escalation_occurrence",
                ">=" if level == 3 or self.occurrence_continues else "=",
                level,
            )
        if self.d8_category:
            low, high = D8_CATEGORIES[self.d8_category]
            domain &= Domain(days, ">=", low)
            if high:
                domain &= Domain(days, "<=", high)
        if self.objection_scope:
            domain &= ~self.env[CASE_MODEL]._lease_objection_stop_domain(
                self.objection_scope
            )
        if self.pause_on_deferral:
            domain &= Domain("deferral_until", "=", False) | Domain(
                "deferral_until", "<", today
            )
        case_ids = self.env[CASE_MODEL]._search(domain)
        case_ids = list(case_ids)
        if not case_ids:
            return {}
        if self.trigger == "promise_broken":
            promises = self.env["lease.payment.promise"].search_fetch(
                [("case_id", "in", case_ids), ("state", "=", "broken")], ["case_id"]
            )
            targets = defaultdict(list)
            for promise in promises:
                targets[promise.case_id.id].append(f"promise:{promise.id}")
            return dict(targets)
        periods = self._periods(today)
        if periods is None:
            period = today.strftime("%Y-%m") if self.trigger == "month_end" else "once"
            periods = [period]
        return dict.fromkeys(case_ids, periods)

    def _targets_before_due(self, state):
        """Contracts with an unpaid installment due N to M days (or working days) ahead."""
        last = self.day_to or 1
        windows = Domain.FALSE
        if self.working_days:
            for company in state.companies():
                if not state.is_working_day(company):
                    continue
                # Today is among the N working days before D when at most N working days
                # (today included) lie in [today, D): D <= the Nth working day after today.
                high = state.add_working_days(company, self.day_from)
                low = state.add_working_days(company, last - 1)
                windows |= (
                    Domain("company_id", "=", company.id)
                    & Domain("date_due", ">", low)
                    & Domain("date_due", "<=", high)
                )
        else:
            windows = Domain(
                "date_due", ">=", state.today + timedelta(days=last)
            ) & Domain("date_due", "<=", state.today + timedelta(days=self.day_from))
        domain = (
            windows
            & Domain("state", "in", ("planned", "invoiced"))
            & Domain("contract_id.state", "=", "active")
            & self._condition_domain("contract_id.", state)
        )
        lines = self.env["lease.installment"].search_fetch(
            domain, ["contract_id", "date_due"]
        )
        periods = self._periods(state.today)
        targets = defaultdict(list)
        for line in lines:
            contract_id = line.contract_id.id
            keys = periods or [f"due:{fields.Date.to_string(line.date_due)}"]
            for key in keys:
                if key not in targets[contract_id]:
                    targets[contract_id].append(key)
        return dict(targets)

    def _condition_domain(self, prefix, state):
        """Domain of the rule's conditions on the contract reached through ``prefix``."""
        partner = prefix + "partner_id.commercial_partner_id."
        domain = Domain.TRUE
        if self.company_id:
            domain &= Domain(prefix + "company_id", "=", self.company_id.id)
        if self.scheme in ("d5", "d8"):
            domain &= Domain(
                prefix + "company_id", "in", state.scheme_companies(self.scheme)
            )
        if self.locality:
            domain &= Domain(prefix + "locality", "=", self.locality)
        if self.buyback:
            domain &= Domain(
                prefix + "has_buyback_guarantee", "=", self.buyback == "with"
            )
        if self.large_amount:
            domain &= Domain(
                prefix + "is_large_amount", "=", self.large_amount == "yes"
            )
        if self.min_risk_grade:
            domain &= Domain(prefix + "risk_grade", ">=", self.min_risk_grade)
        if self.key_watch_only:
            domain &= Domain(partner + "lease_is_key_watch", "=", True)
        if self.last_two_months_only:
            domain &= Domain(partner + "lease_overdue_last_two_months", "=", True)
        if self.min_overdue_count:
            domain &= Domain(
                partner + "lease_overdue_count", ">", self.min_overdue_count
            )
        if self.min_overdue_days:
            domain &= Domain(
                partner + "lease_overdue_days_total", ">", self.min_overdue_days
            )
        return domain

    # ------------------------------------------------------------------
    def _log_values(self, todo, records, state, role_code, state_value, extra=None):
        model = self._target_model()
        values = []
        for record in records:
            contract = record if model == CONTRACT_MODEL else record.contract_id
            for period in todo[record.id]:
                vals = {
                    "rule_id": self.id,
                    "res_model": model,
                    "res_id": record.id,
                    "case_id": record.id if model == CASE_MODEL else False,
                    "contract_id": contract.id,
                    "company_id": contract.company_id.id,
                    "period": period,
                    "role_code": role_code,
                    "date": state.today,
                    "state": state_value,
                }
                if role_code == "sms":
                    # the SMS goes out even when nobody is set to answer for it
                    user = state.role_user(self._sms_role(), contract)
                    vals["user_id"] = user.id
                    vals["department"] = "risk_management"
                values.append(vals)
        return values

    def _sms_role(self):
        return self.role_ids[:1].code or "risk_management_head"

    def _schedule_activities(self, todo, records, state):
        """One task per target, kind of work (activity type) and person (issue 9 item
        10): the periods and roles of the target that fall to the same person share one
        task; when that person already has an open escalation task of this kind on the
        target (scheduled by this rule or another), no new task: its deadline moves to
        this period's (never earlier) and the rule's line is added to its note. Every
        period and role still gets its ledger row, pointing to the task, so compliance
        sees each day's duty. Returns the ledger values.

        Summary and note are the rule's, in the assignee's language (else the
        company's: ``res.company._lease_lang``, issue 11 item 3), read once per
        language whatever the number of tasks."""
        model = self._target_model()
        model_id = self.env["ir.model"]._get_id(model)
        texts = {}  # language -> (summary, note line, note)

        def texts_for(contract, user):
            rule = self.with_env(contract.company_id._lease_env(user))
            lang = rule.env.lang
            if lang not in texts:
                line = rule._task_note_line()
                texts[lang] = (
                    rule.activity_summary or rule.name,
                    line,
                    line + (rule.activity_note or Markup("")),
                )
            return texts[lang]

        plan = []
        for record in records:
            case = record if model == CASE_MODEL else self.env[CASE_MODEL]
            contract = record.contract_id if case else record
            users = [
                (role, state.role_user(role.code, contract)) for role in self.role_ids
            ]
            if not all(user for _role, user in users):
                # Nobody to receive a role's task (issue 12 item 4): the target waits, with
                # no task and no ledger row, for the next run once a head is set; the run
                # reports it (state.missing_heads_messages).
                for role, user in users:
                    if not user:
                        state.wait_for_head(role.code, contract)
                continue
            deadline = state.deadline(
                contract.company_id, self.deadline_days, self.deadline_working_days
            )
            for period in todo[record.id]:
                for role, user in users:
                    plan.append((record, case, contract, deadline, period, role, user))
        open_tasks = self._open_tasks(
            model, [item[0].id for item in plan], [item[6].id for item in plan]
        )
        activity_vals = []
        log_vals = []
        tasks = {}  # (res_id, user id) -> index in activity_vals, or an open task
        moved = {}  # open task -> its new deadline
        lines = {}  # open task -> the rule's line in its assignee's language
        priorities = (
            self.env["lease.contract"]
            .browse({item[2].id for item in plan})
            ._lease_priorities()
        )
        for record, case, contract, deadline, period, role, user in plan:
            key = (record.id, user.id)
            if key not in tasks:
                task = open_tasks.get(key)
                summary, _line, note = texts_for(contract, user)
                if task is None:
                    task = len(activity_vals)
                    activity_vals.append(
                        {
                            "res_model_id": model_id,
                            "res_id": record.id,
                            "activity_type_id": self.activity_type_id.id,
                            "summary": summary,
                            "note": note,
                            "user_id": user.id,
                            "date_deadline": deadline,
                            "automated": True,
                            "lease_escalation_rule_id": self.id,
                            "lease_role_code": role.code,
                            "lease_department": role.department,
                            "lease_priority": priorities[contract.id],
                        }
                    )
                tasks[key] = task
            task = tasks[key]
            vals = {
                "rule_id": self.id,
                "res_model": model,
                "res_id": record.id,
                "case_id": case.id,
                "contract_id": contract.id,
                "company_id": contract.company_id.id,
                "period": period,
                "role_code": role.code,
                "department": role.department,
                "date": state.today,
                "date_deadline": deadline,
                "user_id": user.id,
                "state": "open",
            }
            if isinstance(task, int):
                vals["activity_index"] = task
            else:
                vals["activity_id"] = task.id
                moved[task] = max(moved.get(task, task.date_deadline), deadline)
                lines[task] = texts_for(contract, user)[1]
            log_vals.append(vals)
        activities = (
            self.env["mail.activity"]
            .with_context(mail_activity_quick_update=True)
            .create(activity_vals)
        )
        for vals in log_vals:
            if "activity_index" in vals:
                vals["activity_id"] = activities[vals.pop("activity_index")].id
        self._move_open_tasks(moved, lines)
        return log_vals

    def _task_note_line(self):
        """What the rule asks, as the line of a task's note: name, policy line and
        summary, e.g. "Two calls a day (first 3 working days) - D5 L88: Call the lessee
        and record the reason for overdue"."""
        text = self.name
        if self.policy_ref:
            text = f"{text} - {self.policy_ref}"
        if self.activity_summary and self.activity_summary != self.name:
            text = f"{text}: {self.activity_summary}"
        return Markup("<p>%s</p>") % text

    def _open_tasks(self, model, res_ids, user_ids):
        """{(res_id, user id): open escalation task of this rule's kind}, in one search
        for all the targets of the rule."""
        if not res_ids:
            return {}
        tasks = (
            self.env["mail.activity"]
            .sudo()
            .search_fetch(
                [
                    ("res_model", "=", model),
                    ("res_id", "in", list(set(res_ids))),
                    ("activity_type_id", "=", self.activity_type_id.id),
                    ("user_id", "in", list(set(user_ids))),
                    ("lease_escalation_rule_id", "!=", False),
                ],
                ["res_id", "user_id", "date_deadline", "note"],
                order="id",
            )
        )
        found = {}
        for task in tasks:
            found.setdefault((task.res_id, task.user_id.id), task)
        return found

    def _move_open_tasks(self, moved, lines):
        """Move the open tasks the rule fired again on to their new deadlines and add
        the rule's line (``lines``: {task: line in its assignee's language}) to their
        notes where it is not there yet: one write per distinct (deadline, note), not
        one per task."""
        groups = defaultdict(lambda: self.env["mail.activity"])
        for task, deadline in moved.items():
            line = lines[task]
            vals = {}
            if deadline > task.date_deadline:
                vals["date_deadline"] = deadline
            if str(line) not in str(task.note or ""):
                vals["note"] = Markup(task.note or "") + line
            if vals:
                groups[tuple(sorted(vals.items()))] |= task
        for vals, tasks in groups.items():
            tasks.with_context(mail_activity_quick_update=True).write(dict(vals))

    # ------------------------------------------------------------------
    # Go-live and catch-up (issue 9 item 9; SPEC E14).
    #
    # A collection case is *first seen* on the overdue day on which the overdue engine
    # opened it (``escalation_first_day``). A case first seen on its first overdue day
    # (day 1) is a normal case: if the job then misses a day or two, every step it
    # missed still happens on the next run ("on day N or on the first run after it"). A
    # case first seen later (a portfolio entering the system already overdue, a contract
    # imported late, a payment reversed weeks after the due date) is a *catch-up* case,
    # handled once, by the first daily escalation run that sees it:
    #
    # - the steps of today happen: the rules of the case's current tier, the once-steps
    #   whose window includes today (e.g. day 15 to 30 on day 20) and the recurring
    #   calls and visits of today;
    # - the once-steps whose window ended before the case was seen (lower tiers, earlier
    #   days) are not done: their ledger row says ``skipped`` (role "catchup"), so no
    #   later run does them;
    # - no legal case and no disposal is started without a person's decision: the legal
    #   and disposal steps due today are ``skipped`` too (role "withheld");
    # - the head of asset management gets one review task listing both (rule, policy
    #   line, why), and may start the withheld steps from the case (Start Withheld
    #   Steps).
    #
    # From the next run on, the case is a normal case: what happens later (a higher
    # tier, a later day) happens as for any case.
    # ------------------------------------------------------------------
    def _catchup_split(self, todo, state):
        """Split ``todo`` of this rule for the catch-up cases of the run: what is done
        now is returned; the steps whose window passed and the withheld legal and
        disposal steps go to ``state.skipped`` (and the ledger at the end of the run)."""
        catchup = state.catchup_case_ids()
        past = self._catchup_past_ids(catchup, state)
        withheld = self.action == "method" and self.method_name in WITHHELD_STEPS
        kept = {}
        skipped = {}
        for res_id, periods in todo.items():
            if res_id in past:
                skipped[res_id] = (periods, CATCHUP_PAST)
            elif withheld and res_id in catchup:
                skipped[res_id] = (periods, CATCHUP_WITHHELD)
            else:
                kept[res_id] = periods
        extra = past - set(todo)
        if extra:
            # past steps the rule no longer targets today (e.g. day 8-15 on day 50)
            periods = self._periods(state.today) or ["once"]
            logged = {
                (log.res_id, log.period)
                for log in self.env["lease.escalation.log"].search_fetch(
                    [
                        ("rule_id", "=", self.id),
                        ("res_model", "=", CASE_MODEL),
                        ("res_id", "in", list(extra)),
                        ("period", "in", periods),
                    ],
                    ["res_id", "period"],
                )
            }
            for res_id in sorted(extra):
                left = [p for p in periods if (res_id, p) not in logged]
                if left:
                    skipped[res_id] = (left, CATCHUP_PAST)
        for res_id, (periods, kind) in skipped.items():
            state.skipped[res_id].append((self, periods, kind))
        return kept

    def _catchup_past_ids(self, case_ids, state):
        """Ids among ``case_ids`` for which this once-step's window ended before today:
        a tier below the case's, or an overdue day (to M, or the end of its D8
        category) already passed. One search."""
        if not case_ids:
            return set()
        days = "contract_id.days_overdue"
        if self.trigger == "tier_entry":
            passed = Domain("tier_id.days_min", ">", self.tier_id.days_min)
        elif self.trigger == "overdue_day":
            highs = [self.day_to] if self.day_to else []
            if self.d8_category:
                highs.append(D8_CATEGORIES[self.d8_category][1])
                highs = [high for high in highs if high]
                if not highs:
                    return set()  # "over 60 days": its window never ends
            high = min(highs) if highs else self.day_from
            passed = Domain(days, ">", high)
        else:
            return set()
        domain = (
            Domain("id", "in", list(case_ids))
            & Domain("state", "=", "open")
            & self._condition_domain("contract_id.", state)
            & passed
        )
        if self.occurrence:
            level = int(self.occurrence)
            domain &= Domain(
                "escalation_occurrence", ">=" if level == 3 else "=", level
            )
        return set(self.env[CASE_MODEL]._search(domain))

    @api.model
    def _catchup_finish(self, state):
        """End of a daily run: one review task per catch-up case with skipped or
        withheld steps, for the head of asset management; their ledger rows
        (``skipped``); the cases marked as handled. Returns the ledger rows created."""
        Log = self.env["lease.escalation.log"]
        case_ids = state.catchup_case_ids()
        if not case_ids:
            return Log
        cases = self.env[CASE_MODEL].browse(sorted(case_ids))
        review = cases.filtered(lambda case: state.skipped.get(case.id))
        review.contract_id.fetch(
            ["company_id", "overdue_count", "overdue_days_total", "risk_grade"]
        )
        model_id = self.env["ir.model"]._get_id(CASE_MODEL)
        todo_type = self.env.ref("mail.mail_activity_data_todo")

        def note_in(env, case, entries):
            """The note listing the steps not done, in the language of ``env`` (the
            assignee's for the task, the company's for the chatter: issue 11 item 3)."""
            reasons = {
                CATCHUP_PAST: env._(
                    "Skipped: its day passed before the case entered the system"
                ),
                CATCHUP_WITHHELD: env._(
                    "Withheld: a legal case or a disposal waits for your decision"
                ),
            }
            title = env._(
                "The case entered the system on overdue day %(day)s (tier %(tier)s). "
                "These steps were not done: decide which to take.",
                day=case.escalation_first_day,
                tier=case.with_env(env).tier_id.display_name or "-",
            )
            note = activity_list_note(
                title,
                [
                    (rule.with_env(env).name, rule.policy_ref or "", reasons[kind])
                    for rule, _periods, kind in entries
                ],
            )
            if any(kind == CATCHUP_WITHHELD for _rule, _periods, kind in entries):
                note += Markup("<p>%s</p>") % env._(
                    "Start the withheld steps from the case (Start Withheld Steps) "
                    "once you decided they apply."
                )
            return note

        activity_vals = []
        log_vals = []
        bodies = {}
        waiting = cases.browse()
        priorities = review.contract_id._lease_priorities()
        for case in review:
            contract = case.contract_id
            company = contract.company_id
            head = state.role_user("asset_management_head", contract)
            if not head:
                # nobody to review: the case stays a catch-up case until a head is set
                state.wait_for_head("asset_management_head", contract)
                waiting |= case
                continue
            head_env = company._lease_env(head)
            deadline = state.deadline(company, 2, True)
            entries = sorted(
                state.skipped[case.id],
                key=lambda entry: (entry[0].scheme_sequence, entry[0].sequence),
            )
            index = len(activity_vals)
            activity_vals.append(
                {
                    "res_model_id": model_id,
                    "res_id": case.id,
                    "activity_type_id": todo_type.id,
                    "summary": head_env._(
                        "Review the steps skipped when the case entered the system"
                    ),
                    "note": note_in(head_env, case, entries),
                    "user_id": head.id,
                    "date_deadline": deadline,
                    "automated": True,
                    "lease_role_code": "asset_management_head",
                    "lease_department": "asset_management",
                    "lease_priority": priorities[contract.id],
                }
            )
            bodies[case.id] = note_in(company._lease_env(), case, entries)
            for rule, periods, kind in entries:
                for period in periods:
                    log_vals.append(
                        {
                            "rule_id": rule.id,
                            "res_model": CASE_MODEL,
                            "res_id": case.id,
                            "case_id": case.id,
                            "contract_id": contract.id,
                            "company_id": company.id,
                            "period": period,
                            "role_code": kind,
                            "department": "asset_management",
                            "date": state.today,
                            "date_deadline": deadline,
                            "user_id": head.id,
                            "state": "skipped",
                            "activity_index": index,
                        }
                    )
        activities = (
            self.env["mail.activity"]
            .sudo()
            .with_context(mail_activity_quick_update=True)
            .create(activity_vals)
        )
        for vals in log_vals:
            vals["activity_id"] = activities[vals.pop("activity_index")].id
        if bodies:
            review.sudo()._message_log_batch(bodies=bodies)
        (cases - waiting).sudo().write({"date_catchup": state.today})
        return Log.sudo().create(log_vals)


class _RunState:
    """What one run computes once and shares between rules: today, the companies, their
    working days, the people in each role."""

    def __init__(self, env, today, catchup=False):
        self.env = env
        self.today = today
        self._companies = None
        self._working = {}
        self._deadlines = {}
        self._heads = None
        # {(company, department): number of targets waiting for a head}
        self.missing_heads = defaultdict(int)
        self._schemes = {}
        # Catch-up (issue 9 item 9): handled by the daily run only.
        self.catchup = catchup
        self._catchup_ids = None
        # {case id: [(rule, periods, kind), ...]}: the steps skipped or withheld
        self.skipped = defaultdict(list)

    def companies(self):
        if self._companies is None:
            self._companies = self.env["res.company"].search([])
        return self._companies

    def _engine(self):
        return self.env["lease.overdue.engine"]

    def is_working_day(self, company):
        if company.id not in self._working:
            self._working[company.id] = bool(
                self._engine()._working_days(company, self.today, self.today)
            )
        return self._working[company.id]

    def working_companies(self):
        return [c.id for c in self.companies() if self.is_working_day(c)]

    def add_working_days(self, company, count):
        return self._engine()._add_working_days(company, self.today, count)

    def month_end_companies(self):
        """Companies for which today is the last working day of the month."""
        result = []
        month_last = self.today + relativedelta(day=31)
        for company in self.companies():
            days = self._engine()._working_days(company, self.today, month_last)
            if days and days[-1] == self.today:
                result.append(company.id)
        return result

    def scheme_companies(self, scheme):
        if scheme not in self._schemes:
            field = f"lease_escalation_{scheme}"
            self._schemes[scheme] = [c.id for c in self.companies() if c[field]]
        return self._schemes[scheme]

    def deadline(self, company, days, working):
        """The deadline of a task scheduled today: ``days`` working days ahead, or
        ``days`` calendar days ahead moved to the next working day; never a day the
        company does not work (issue 9 item 10, SPEC O5)."""
        key = (company.id, days, working)
        if key not in self._deadlines:
            if working and days:
                self._deadlines[key] = self.add_working_days(company, days)
            else:
                self._deadlines[key] = self.working_day_from(
                    company, self.today + timedelta(days=days)
                )
        return self._deadlines[key]

    def working_day_from(self, company, day):
        """``day`` if the company works that day, else its next working day."""
        days = self._engine()._working_days(company, day, day + timedelta(days=60))
        return days[0] if days else day

    def catchup_case_ids(self):
        """Ids of the open cases this run handles as a catch-up: entered the system
        already overdue (first seen after their first overdue day) and not yet handled
        by an escalation run. One search per run."""
        if not self.catchup:
            return set()
        if self._catchup_ids is None:
            self._catchup_ids = set(
                self.env[CASE_MODEL]._search(
                    [
                        ("state", "=", "open"),
                        ("escalation_catchup", "=", True),
                        ("date_catchup", "=", False),
                    ]
                )
            )
        return self._catchup_ids

    def department_head(self, department, company):
        """Who receives ``department``'s tasks in ``company`` (an empty recordset when
        nobody can; see res.company._lease_department_heads): read once per run."""
        if self._heads is None:
            self._heads = self.companies()._lease_department_heads()
        return self._heads.get((company.id, department)) or self.env["res.users"]

    def role_user(self, code, contract):
        """The person a role designates on ``contract``: the one the contract names, else
        the department's head; empty when nobody is set (see ``wait_for_head``)."""
        field, department = ROLE_SOURCES[code]
        user = contract[field] if field else None
        return user or self.department_head(department, contract.company_id)

    def wait_for_head(self, code, contract):
        """Count a task not created because nobody receives ``code``'s tasks."""
        self.missing_heads[contract.company_id, ROLE_SOURCES[code][1]] += 1

    def missing_heads_messages(self):
        """One line per company and department whose tasks waited for want of a head."""
        fields_ = self.env["res.company"]._fields
        return [
            self.env._(
                "%(company)s: no %(role)s set in the settings (Invoicing > Responsible "
                "people) and not exactly one user of the company in the head group: "
                "%(count)s task(s) not created; the next run creates them once it is set.",
                company=company.display_name,
                role=fields_[HEAD_FIELDS[department]]._description_string(self.env),
                count=count,
            )
            for (company, department), count in sorted(
                self.missing_heads.items(), key=lambda item: (item[0][0].id, item[0][1])
            )
        ]


def activity_list_note(title, rows):
    """A small HTML table for activity notes: ``rows`` are tuples of plain values."""
    cells = Markup("").join(
        Markup("<tr>%s</tr>")
        % Markup("").join(Markup("<td>%s</td>") % escape(v) for v in row)
        for row in rows
    )
    return Markup("<p>%s</p><table class='table table-sm'>%s</table>") % (title, cells)
