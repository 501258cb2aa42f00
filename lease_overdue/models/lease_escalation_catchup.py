"""Go-live and catch-up (issue 9 item 9; SPEC E14).

A collection case is *first seen* on the overdue day on which the overdue engine opened
it (``escalation_first_day``). A case first seen on its first overdue day (day 1) is a
normal case: if the job then misses a day or two, every step it missed still happens on
the next run ("on day N or on the first run after it"). A case first seen later (a
portfolio entering the system already overdue, a contract imported late, a payment
reversed weeks after the due date) is a *catch-up* case, handled once, by the first
daily escalation run that sees it:

- the steps of today happen: the rules of the case's current tier, the once-steps whose
  window includes today (e.g. day 15 to 30 on day 20) and the recurring calls and
  visits of today;
- the once-steps whose window ended before the case was seen (lower tiers, earlier
  days) are not done: their ledger row says ``skipped`` (role "catchup"), so no later
  run does them;
- no legal case and no disposal is started without a person's decision: the legal and
  disposal steps due today are ``skipped`` too (role "withheld");
- the head of asset management gets one review task listing both (rule, policy line,
  why), and may start the withheld steps from the case (Start Withheld Steps).

From the next run on, the case is a normal case: what happens later (a higher tier, a
later day) happens as for any case.
"""

from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain
from odoo.tools import SQL

from .lease_escalation_rule import (
    CASE_MODEL,
    D8_CATEGORIES,
    _RunState,
    activity_list_note,
    contract_priority,
)

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
    _inherit = "lease.escalation.rule"

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
            for res_id in extra:
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
                    "lease_priority": contract_priority(contract),
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


class LeaseEscalationLog(models.Model):
    _inherit = "lease.escalation.log"

    state = fields.Selection(
        selection_add=[("skipped", "Skipped (Entered Overdue)")],
        ondelete={"skipped": "set default"},
    )


class LeaseCollectionCase(models.Model):
    _inherit = "lease.collection.case"

    escalation_first_day = fields.Integer(
        "First Seen on Overdue Day",
        readonly=True,
        help="Overdue day on which the case entered the system. 1: seen from its first "
        "overdue day; later: it entered already overdue (go-live, late import) and its "
        "past steps were reviewed instead of done (issue 9 item 9).",
    )
    escalation_catchup = fields.Boolean(
        "Entered Overdue",
        readonly=True,
        index=True,
        help="The case entered the system after its first overdue day: the steps whose "
        "day had passed, and its legal and disposal steps, waited for the decision of "
        "the head of asset management.",
    )
    date_catchup = fields.Date(
        "Catch-up Reviewed On",
        readonly=True,
        help="Day of the escalation run that handled the case's entry: from then on it "
        "escalates as any case.",
    )
    has_withheld_steps = fields.Boolean(compute="_compute_has_withheld_steps")

    def _on_cases_changed(self, opened, closed, moved):
        result = super()._on_cases_changed(opened, closed, moved)
        if opened:
            # The overdue day on which each new case is first seen, in one statement.
            self.env.cr.execute(
                SQL(
                    """
                UPDATE lease_collection_case k
                   SET escalation_first_day = c.days_overdue,
                       escalation_catchup = c.days_overdue > 1
                  FROM lease_contract c
                 WHERE c.id = k.contract_id AND k.id = ANY(%s)
                """,
                    opened.ids,
                )
            )
            opened.invalidate_recordset(["escalation_first_day", "escalation_catchup"])
        return result

    def _withheld_logs(self):
        """Ledger rows of the withheld steps of these cases that nobody started yet."""
        Log = self.env["lease.escalation.log"].sudo()
        rows = Log.search(
            [
                ("case_id", "in", self.ids),
                ("role_code", "=", CATCHUP_WITHHELD),
                ("state", "=", "skipped"),
            ]
        )
        if not rows:
            return rows
        started = {
            (log.rule_id.id, log.case_id.id)
            for log in Log.search_fetch(
                [
                    ("case_id", "in", self.ids),
                    ("rule_id", "in", rows.rule_id.ids),
                    ("role_code", "not in", (CATCHUP_WITHHELD, CATCHUP_PAST)),
                ],
                ["rule_id", "case_id"],
            )
        }
        return rows.filtered(
            lambda log: (log.rule_id.id, log.case_id.id) not in started
        )

    def _compute_has_withheld_steps(self):
        pending = set(self._withheld_logs().case_id.ids) if self.ids else set()
        for case in self:
            case.has_withheld_steps = case.id in pending

    def action_lease_start_withheld_steps(self):
        """The head of asset management decided: start the legal and disposal steps
        withheld when these cases entered the system (issue 9 item 9). Each runs as the
        escalation job would have run it (its documents, legal case or disposal, its
        tasks and ledger rows), once."""
        if not self.env.user.has_group("lease_overdue.group_asset_management_head"):
            raise AccessError(
                self.env._(
                    "Only the head of asset management starts the steps withheld when "
                    "a case entered the system."
                )
            )
        for case in self:
            if case.state != "open":
                raise UserError(self.env._("%(case)s is closed.", case=case.name))
        rows = self._withheld_logs()
        if not rows:
            raise UserError(
                self.env._("No withheld step waits for a decision on these cases.")
            )
        today = self.env.company._lease_today()
        rules = self.env["lease.escalation.rule"].sudo()
        state = _RunState(rules.env, today)
        by_rule = defaultdict(lambda: defaultdict(list))
        for row in rows:
            by_rule[row.rule_id][row.res_id].append(row.period)
        names = defaultdict(list)
        for rule in rules.browse([r.id for r in by_rule]).sorted():
            todo = dict(by_rule[rule])
            rule._act(todo, state)
            for res_id in todo:
                names[res_id].append(rule)
        # In the company's language (issue 11 item 3).
        bodies = {
            case.id: env._(
                "%(user)s started the steps withheld when the case entered the "
                "system: %(steps)s.",
                user=self.env.user.name,
                steps=", ".join(rule.with_env(env).name for rule in names[case.id]),
            )
            for env, cases in self.env["res.company"]
            ._lease_split(self.browse(list(names)).sudo())
            .items()
            for case in cases
        }
        self.browse(list(names)).sudo()._message_log_batch(bodies=bodies)
        return True
