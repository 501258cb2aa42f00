from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from .lease_blacklist_entry import normalize_registration

CREDIT_RATINGS = [
    ("AAA", "AAA"),
    ("AA", "AA"),
    ("A", "A"),
    ("B", "B"),
    ("C", "C"),
    ("D", "D"),
]
RATING_INDEX = {code: index for index, (code, _label) in enumerate(CREDIT_RATINGS)}
# Fields only risk management changes (SPEC K1, K2).
RISK_FIELDS = frozenset(
    {
        "credit_rating",
        "lease_credit_limit",
        "lease_suspended",
        "lease_suspension_reason",
    }
)


def rating_cap(tier_rank, recent_count, blacklisted):
    """The best rating a lessee's overdue behaviour allows (SPEC K1), as an index of
    CREDIT_RATINGS (0 = AAA ... 5 = D):

    - current tier: 1st tier (1-15 days) caps at A, 2nd at B, 3rd at C, 4th and above at D;
    - installments overdue or paid late, due in the last 12 months: 1-3 cap at AA,
      4-6 at A, 7 or more at B;
    - an active blacklist entry: D.
    """
    cap = min(tier_rank + 1, 5) if tier_rank else 0
    if recent_count >= 7:
        cap = max(cap, 3)
    elif recent_count >= 4:
        cap = max(cap, 2)
    elif recent_count >= 1:
        cap = max(cap, 1)
    if blacklisted:
        cap = 5
    return cap


class ResPartner(models.Model):
    """A lessee: its overdue figures, written by the overdue engine on the commercial
    partner; its credit rating, credit limit, suspension of new business and blacklist
    warnings (SPEC K1, K2, W3); its overdue customer file (SPEC F3)."""

    _inherit = "res.partner"

    lease_contract_ids = fields.One2many(
        "lease.contract", "partner_id", "Lease Contracts"
    )
    lease_contract_count = fields.Integer(compute="_compute_lease_contract_count")
    lease_days_overdue = fields.Integer(
        "Days Overdue", readonly=True, copy=False, index=True
    )
    lease_tier_id = fields.Many2one(
        "lease.overdue.tier", "Overdue Tier", readonly=True, copy=False, index=True
    )
    lease_overdue_amount = fields.Monetary(
        "Overdue Rent", readonly=True, copy=False, currency_field="lease_currency_id"
    )
    lease_penalty_amount = fields.Monetary(
        "Penalty Due", readonly=True, copy=False, currency_field="lease_currency_id"
    )
    lease_overdue_count = fields.Integer(
        "Overdue Count",
        readonly=True,
        copy=False,
        help="累计逾期次数: installments that went overdue.",
    )
    lease_overdue_days_total = fields.Integer(
        "Cumulative Days Overdue", readonly=True, copy=False
    )
    lease_overdue_last_two_months = fields.Boolean(
        "Overdue in Each of Last 2 Months", readonly=True, copy=False
    )
    lease_is_key_watch = fields.Boolean(
        "Key Watch List",
        readonly=True,
        copy=False,
        help="重点关注客户: more than 3 overdue installments (D5 L93, SPEC R4).",
    )
    lease_currency_id = fields.Many2one(
        "res.currency", "Lease Currency", compute="_compute_lease_currency_id"
    )
    lease_registration_number = fields.Char(
        "Registration / ID Number",
        help="Unified social credit code of a company or ID card number of a person.",
        index=True,
    )

    def _compute_lease_currency_id(self):
        for partner in self:
            partner.lease_currency_id = (
                partner.company_id or self.env.company
            ).currency_id

    def _compute_lease_contract_count(self):
        groups = self.env["lease.contract"]._read_group(
            [("partner_id", "child_of", self.commercial_partner_id.ids)],
            ["partner_id"],
            ["__count"],
        )
        counts = {}
        for partner, count in groups:
            commercial = partner.commercial_partner_id.id
            counts[commercial] = counts.get(commercial, 0) + count
        for partner in self:
            partner.lease_contract_count = counts.get(
                partner.commercial_partner_id.id, 0
            )

    def _lease_has_arrears(self, exclude=None):
        """True when the lessee has overdue rent on a contract (SPEC K2)."""
        self.ensure_one()
        domain = [
            ("partner_id", "child_of", self.commercial_partner_id.id),
            ("days_overdue", ">", 0),
        ]
        if exclude:
            domain.append(("id", "not in", exclude.ids))
        return bool(self.env["lease.contract"].sudo().search_count(domain, limit=1))

    def action_view_lease_contracts(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "lease_overdue.lease_contract_action"
        )
        action["domain"] = [("partner_id", "child_of", self.commercial_partner_id.ids)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action

    # The overdue engine rates many lessees a day (SPEC K1): their rating changes are
    # tracked in one batch (SPEC E14).
    def _message_track(self, fields_iter, initial_values_dict):
        if len(self) < 2:  # a user's own edit: Odoo's tracking, untouched
            return super()._message_track(fields_iter, initial_values_dict)
        return self._lease_message_track_batch(fields_iter, initial_values_dict)

    # ------------------------------------------------------------------
    # Credit rating, credit limit, suspension of new business and blacklist warnings of
    # a lessee (SPEC K1, K2, W3).
    # ------------------------------------------------------------------
    credit_rating = fields.Selection(
        CREDIT_RATINGS,
        tracking=True,
        copy=False,
        index=True,
        help="Lessee credit rating (资信等级), AAA best to D worst. Updated every day from "
        "overdue behaviour: downgraded at once with the overdue tier and the number of "
        "installments overdue in the last 12 months; upgraded one step after 12 clean "
        "months. Risk management can set it.",
    )
    credit_rating_date = fields.Date("Rated On", copy=False, readonly=True)
    lease_credit_limit = fields.Monetary(
        "Lease Credit Limit",
        currency_field="lease_currency_id",
        tracking=True,
        copy=False,
        help="Most outstanding principal the lessee may owe on its lease contracts, this "
        "contract included; 0 means no limit.",
    )
    lease_suspended = fields.Boolean(
        "New Business Suspended",
        tracking=True,
        copy=False,
        help="Risk management suspended new lease contracts with this partner.",
    )
    lease_suspension_reason = fields.Char(
        "Suspension Reason", tracking=True, copy=False
    )
    lease_blacklisted = fields.Boolean(
        "Blacklisted",
        compute="_compute_lease_blacklist",
        search="_search_lease_blacklisted",
    )
    lease_blacklist_warning = fields.Char(compute="_compute_lease_blacklist")
    lease_is_risk_user = fields.Boolean(compute="_compute_lease_is_risk_user")

    @api.depends("lease_registration_number", "commercial_partner_id")
    def _compute_lease_blacklist(self):
        matches = self.env["lease.blacklist.entry"]._match(self.filtered("id"))
        for partner in self:
            entries = matches.get(partner.id)
            partner.lease_blacklisted = bool(entries)
            partner.lease_blacklist_warning = entries and self.env._(
                "On the blacklist: %(entries)s", entries=entries._warning_label()
            )

    def _search_lease_blacklisted(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on 'Blacklisted'."))
        entries = self.env["lease.blacklist.entry"].sudo().search([])
        numbers = [n for n in entries.mapped("registration_number") if n]
        domain = [
            "|",
            "|",
            ("id", "in", entries.partner_id.ids),
            ("commercial_partner_id", "in", entries.partner_id.ids),
            ("lease_registration_number", "in", numbers),
        ]
        return domain if (operator == "=") == value else ["!", *domain]

    @api.depends_context("uid")
    def _compute_lease_is_risk_user(self):
        is_risk = self.env.user.has_group("lease_overdue.group_risk_management")
        for partner in self:
            partner.lease_is_risk_user = is_risk

    @api.model_create_multi
    def create(self, vals_list):
        if any(RISK_FIELDS.intersection(vals) for vals in vals_list):
            self._check_risk_user()
        for vals in vals_list:
            if vals.get("lease_registration_number"):
                vals["lease_registration_number"] = normalize_registration(
                    vals["lease_registration_number"]
                )
        partners = super().create(vals_list)
        partners.filtered("lease_registration_number")._lease_blacklist_alert()
        return partners

    def write(self, vals):
        if RISK_FIELDS.intersection(vals):
            self._check_risk_user()
            if "credit_rating" in vals and "credit_rating_date" not in vals:
                vals = dict(vals, credit_rating_date=self.env.company._lease_today())
            if not self.env.su and set(vals) <= RISK_FIELDS | {"credit_rating_date"}:
                # Risk management may change these fields without the right to edit
                # contacts: the check above is the permission (tracking keeps the author).
                self.check_access("read")
                return super(ResPartner, self.sudo()).write(vals)
        if vals.get("lease_registration_number"):
            vals = dict(
                vals,
                lease_registration_number=normalize_registration(
                    vals["lease_registration_number"]
                ),
            )
        result = super().write(vals)
        if vals.get("lease_registration_number"):
            self._lease_blacklist_alert()
        return result

    def _check_risk_user(self):
        if not self.env.su and not self.env.user.has_group(
            "lease_overdue.group_risk_management"
        ):
            raise AccessError(
                self.env._(
                    "Only risk management changes a partner's credit "
                    "rating, credit limit or suspension."
                )
            )

    def _lease_blacklist_alert(self):
        """Early warning (SPEC W3): a partner whose registration / ID number is on the
        blacklist under another partner gets a chatter message and an activity for risk
        management. The partner is not blocked."""
        matches = self.env["lease.blacklist.entry"]._match(self)
        if not matches:
            return
        risk_heads = self.env["res.company"]._lease_heads_of(
            self.filtered(lambda p: p.id in matches), "risk_management"
        )
        model_id = self.env["ir.model"]._get_id("res.partner")
        todo_type = self.env.ref("mail.mail_activity_data_todo")
        activities = []
        for partner in self.filtered(lambda p: p.id in matches):
            known = partner | partner.commercial_partner_id
            entries = matches[partner.id].filtered(
                lambda e, k=known: e.partner_id not in k
            )
            if not entries:
                continue
            # the company's head of risk management (issue 12 item 4), else the user
            # who entered the number: he learns it at once
            head = risk_heads[partner.id] or self.env.user
            company = partner.company_id or self.env.company
            # The chatter in the company's language, the task in the head's (issue 11
            # item 3).
            company_env, head_env = company._lease_env(), company._lease_env(head)

            def warning(env, partner=partner, entries=entries):
                return env._(
                    "Blacklist warning: registration / ID number %(number)s is on the "
                    "blacklist (%(entries)s).",
                    number=partner.lease_registration_number,
                    entries=entries.with_env(env)._warning_label(),
                )

            partner.sudo().message_post(body=warning(company_env))
            activities.append(
                {
                    "res_model_id": model_id,
                    "res_id": partner.id,
                    "activity_type_id": todo_type.id,
                    "summary": head_env._("Blacklisted registration number"),
                    "note": warning(head_env),
                    "user_id": head.id,
                    "date_deadline": self.env.company._lease_today(),
                }
            )
        self.env["mail.activity"].sudo().with_context(
            mail_activity_quick_update=True
        ).create(activities)

    # ------------------------------------------------------------------
    # Credit rating (SPEC K1)
    # ------------------------------------------------------------------
    @api.model
    def _lease_update_credit_ratings(self, today, contract_ids=None, partner_ids=None):
        """Rate every lessee from its overdue behaviour, set-based: one query reads what
        the rule needs, then one write per new rating (tracked in the chatter).

        Rule (see ``rating_cap``): a lessee never rated gets its cap; a rating better than
        the cap is downgraded to the cap at once; a rating worse than the cap moves up one
        step when the lessee has been clean for 12 months (no overdue now, no installment
        overdue or paid late due in the last 12 months) and its rating is at least 12
        months old.
        """
        since = today - relativedelta(months=12)
        # ``partner_ids``: lessees rated as well as those of ``contract_ids`` (the daily
        # run: those whose rating may change with the date alone, issue 10 item 1)
        scopes = []
        if contract_ids is not None:
            scopes.append(SQL("c.id = ANY(%s)", list(contract_ids)))
        if partner_ids:
            scopes.append(
                SQL(
                    "c.partner_id IN (SELECT pp.id FROM res_partner pp"
                    " WHERE COALESCE(pp.commercial_partner_id, pp.id) = ANY(%s))",
                    list(partner_ids),
                )
            )
        scope = SQL("(%s)", SQL(" OR ").join(scopes)) if scopes else SQL("TRUE")
        rows = self.env.execute_query(
            SQL(
                """
            WITH rated AS (
                SELECT DISTINCT COALESCE(p.commercial_partner_id, p.id) AS id
                  FROM lease_contract c
                  JOIN res_partner p ON p.id = c.partner_id
                 WHERE c.state IN ('active', 'terminated', 'closed') AND %(scope)s
            ),
            recent AS (
                SELECT COALESCE(p.commercial_partner_id, p.id) AS id, COUNT(*) AS cnt
                  FROM lease_installment i
                  JOIN lease_contract c ON c.id = i.contract_id
                  JOIN res_partner p ON p.id = c.partner_id
                 WHERE c.state IN ('active', 'terminated', 'closed')
                   AND (i.days_overdue > 0 OR i.days_late > 0)
                   AND i.date_due > %(since)s AND i.date_due <= %(today)s
                   AND COALESCE(p.commercial_partner_id, p.id) IN (SELECT id FROM rated)
                 GROUP BY 1
            ),
            black AS (
                SELECT DISTINCT r.id
                  FROM rated r
                  JOIN res_partner p ON p.id = r.id
                  JOIN lease_blacklist_entry b
                    ON b.active
                   AND (b.partner_id = p.id
                        OR (b.registration_number IS NOT NULL
                            AND b.registration_number = p.lease_registration_number))
            )
            SELECT r.id, p.credit_rating, p.credit_rating_date, p.lease_days_overdue,
                   (SELECT COUNT(*) FROM lease_overdue_tier t2
                     WHERE t2.active AND t.id IS NOT NULL AND t2.days_min <= t.days_min),
                   COALESCE(rc.cnt, 0), b.id IS NOT NULL
              FROM rated r
              JOIN res_partner p ON p.id = r.id
              LEFT JOIN lease_overdue_tier t ON t.id = p.lease_tier_id
              LEFT JOIN recent rc ON rc.id = r.id
              LEFT JOIN black b ON b.id = r.id
            """,
                scope=scope,
                since=since,
                today=today,
            )
        )
        changes = defaultdict(list)
        for partner_id, rating, rating_date, days, tier_rank, count, black in rows:
            cap = rating_cap(tier_rank if days else 0, count, black)
            current = RATING_INDEX.get(rating)
            if current is None or cap > current:
                new = cap
            elif (
                cap < current
                and not days
                and not count
                and (not rating_date or rating_date <= since)
            ):
                new = current - 1
            else:
                continue
            if new != current:
                changes[new].append(partner_id)
        for index, partner_ids in changes.items():
            self.browse(partner_ids).sudo().write(
                {
                    "credit_rating": CREDIT_RATINGS[index][0],
                    "credit_rating_date": today,
                }
            )
        return changes

    # ------------------------------------------------------------------
    # Overdue customer file (逾期档案, SPEC F3, D3 L51): everything about a lessee on one
    # screen, gathered over the commercial entity and its contacts.
    # ------------------------------------------------------------------
    lease_file_contract_ids = fields.Many2many(
        "lease.contract", string="File: Contracts", compute="_compute_lease_file"
    )
    lease_file_installment_ids = fields.Many2many(
        "lease.installment",
        string="File: Payment History",
        compute="_compute_lease_file",
    )
    lease_file_invoice_ids = fields.Many2many(
        "account.move", string="File: Invoices", compute="_compute_lease_file"
    )
    lease_file_payment_ids = fields.Many2many(
        "account.payment", string="File: Payments", compute="_compute_lease_file"
    )
    lease_file_case_ids = fields.Many2many(
        "lease.collection.case",
        string="File: Collection Cases",
        compute="_compute_lease_file",
    )
    lease_file_record_ids = fields.Many2many(
        "lease.collection.record",
        string="File: Collection Records",
        compute="_compute_lease_file",
    )
    lease_file_promise_ids = fields.Many2many(
        "lease.payment.promise",
        string="File: Promises to Pay",
        compute="_compute_lease_file",
    )
    lease_file_document_ids = fields.Many2many(
        "lease.document", string="File: Documents", compute="_compute_lease_file"
    )
    lease_file_attachment_ids = fields.Many2many(
        "ir.attachment", string="File: Archived PDFs", compute="_compute_lease_file"
    )
    lease_file_amount_rent_paid = fields.Monetary(
        "Rent Paid", compute="_compute_lease_file", currency_field="lease_currency_id"
    )
    lease_file_amount_rent_due = fields.Monetary(
        "Rent Invoiced",
        compute="_compute_lease_file",
        currency_field="lease_currency_id",
    )

    def _compute_lease_file(self):
        can_read_moves = self.env["account.move"].has_access("read")
        for partner in self:
            domain = [("partner_id", "child_of", partner.commercial_partner_id.id)]
            contracts = (
                self.env["lease.contract"].search(domain)
                if partner.id
                else self.env["lease.contract"]
            )
            installments = self.env["lease.installment"].search(
                [
                    ("contract_id", "in", contracts.ids),
                    ("move_id", "!=", False),
                ],
                order="date_due desc, id desc",
            )
            partner.lease_file_contract_ids = contracts
            partner.lease_file_installment_ids = installments
            partner.lease_file_amount_rent_due = sum(installments.mapped("amount_rent"))
            partner.lease_file_amount_rent_paid = sum(
                installments.mapped("amount_paid")
            )
            partner.lease_file_case_ids = self.env["lease.collection.case"].search(
                [("contract_id", "in", contracts.ids)]
            )
            partner.lease_file_record_ids = self.env["lease.collection.record"].search(
                [("contract_id", "in", contracts.ids)]
            )
            partner.lease_file_promise_ids = self.env["lease.payment.promise"].search(
                [("contract_id", "in", contracts.ids)]
            )
            documents = self.env["lease.document"].search(
                [("contract_id", "in", contracts.ids)]
            )
            partner.lease_file_document_ids = documents
            partner.lease_file_attachment_ids = documents.sudo().attachment_id
            if can_read_moves:
                moves = self.env["account.move"].search(
                    [
                        ("lease_contract_id", "in", contracts.ids),
                        ("state", "=", "posted"),
                    ],
                    order="invoice_date_due desc, id desc",
                )
                partner.lease_file_invoice_ids = moves
                partner.lease_file_payment_ids = (
                    moves.reconciled_payment_ids
                    if moves
                    else self.env["account.payment"]
                )

    def action_open_lease_customer_file(self):
        """Open the overdue customer file of the lessee (SPEC F3)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "lease_overdue.res_partner_lease_customer_file_action"
        )
        action.update(
            {
                "res_id": self.commercial_partner_id.id,
                "view_mode": "form",
                "views": [
                    (
                        self.env.ref(
                            "lease_overdue.res_partner_view_form_lease_customer_file"
                        ).id,
                        "form",
                    )
                ],
            }
        )
        return action
