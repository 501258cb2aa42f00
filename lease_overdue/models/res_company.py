from datetime import date

from odoo import Command, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare

from .lease_constants import HEAD_FIELDS, HEAD_GROUPS
from odoo.addons.base.models.res_partner import _lang_get

_HEAD_HELP = (
    "Receives the department's escalation tasks in this company when the contract names "
    "nobody for the role. Empty: the only user of this company in the department's head "
    "group receives them; with none or several, the tasks wait (the escalation job lists "
    "them under Rules That Failed) until a head is set here."
)
_HEAD_DOMAIN = "[('share', '=', False), ('company_ids', 'in', id)]"


def _head_field(string):
    return fields.Many2one(
        "res.users",
        string,
        domain=_HEAD_DOMAIN,
        help=_HEAD_HELP,
    )


class ResCompany(models.Model):
    _inherit = "res.company"

    lease_large_amount = fields.Monetary(
        "Large Lease Amount",
        default=5000000.0,
        help="Contracts financing at least this amount are 'large amount' (SPEC C7): their "
        "repayment capacity assessment needs monthly financial statements.",
    )
    lease_invoice_days_ahead = fields.Integer(
        "Invoice Rent Days Ahead",
        default=10,
        help="The daily invoicing job invoices installments due within this many days.",
    )
    lease_rent_journal_id = fields.Many2one(
        "account.journal",
        "Rent Journal",
        domain="[('type', '=', 'sale'), ('company_id', '=', id)]",
        help="Sales journal of rent and penalty invoices; the first sales journal if empty.",
    )
    lease_default_penalty_rate = fields.Float(
        "Default Daily Penalty Rate",
        digits=(12, 6),
        default=0.0005,
        help="Daily penalty interest rate proposed on new contracts (0.0005 = 0.05 % a day).",
    )
    lease_penalty_due_days = fields.Integer(
        "Penalty Due After (Days)",
        default=10,
        help="After the last installment there is no next due date: penalty interest "
        "billed then falls due this many days after its bill (SPEC C3, D9 L169).",
    )
    # Plausibility (issue "Integrity" item 7)
    lease_max_penalty_rate = fields.Float(
        "Maximum Daily Penalty Rate",
        digits=(12, 6),
        default=0.001,
        help="No contract may carry a daily penalty rate above this cap "
        "(0.001 = 0.1 % a day).",
    )
    lease_date_min = fields.Date(
        "Earliest Plausible Date",
        default=fields.Date.to_date("2000-01-01"),
        help="Contract and schedule dates before this day are refused as typing errors.",
    )
    lease_date_max = fields.Date(
        "Latest Plausible Date",
        default=fields.Date.to_date("2099-12-31"),
        help="Contract and schedule dates after this day are refused as typing errors.",
    )

    # What the letters print (issue 11 item 2): the account the addressee pays into
    # (我司指定账户) and whom he calls.
    lease_letter_bank_id = fields.Many2one(
        "res.partner.bank",
        "Bank Account on Letters",
        domain="[('partner_id', '=', partner_id)]",
        help="The company's account that the letters ask the addressee to pay into "
        "(我司指定账户: account name, bank, account number). Empty: the company's first "
        "bank account.",
    )
    lease_letter_contact_name = fields.Char(
        "Collection Contact",
        help="Person the addressee of a letter contacts about the payment, printed on "
        "every letter, e.g. 资产管理部 王经理.",
    )
    lease_letter_contact_phone = fields.Char(
        "Collection Contact Phone",
        help="Phone number printed with the collection contact; the company's phone "
        "if empty.",
    )
    # Issue 11 item 3: the language of the texts the addon stores (task summaries,
    # chatter lines, contact records, report lines), whoever creates them.
    lease_lang = fields.Selection(
        _lang_get,
        "Language of Collection Records",
        help="Language of the texts the collection jobs and buttons store: task "
        "summaries and notes, chatter messages, missing documents, weekly report lines. "
        "Empty: a task in its assignee's language, the other texts in the company's "
        "own language (its contact's), else Chinese when it is installed.",
    )

    # The record of the last daily overdue run (issue 10, item 1): the daily run
    # (lease.overdue.engine._run() without contracts) starts from what moved since; the
    # engine writes it in SQL, never by hand.
    lease_overdue_run_date = fields.Date(
        "Last Overdue Run",
        readonly=True,
        copy=False,
        help="The day the last daily overdue computation computed for.",
    )
    lease_overdue_run_partial = fields.Integer(
        "Last Overdue Run: Payments Seen", readonly=True, copy=False
    )
    lease_overdue_run_move = fields.Integer(
        "Last Overdue Run: Invoices Seen", readonly=True, copy=False
    )
    lease_overdue_run_contract = fields.Integer(
        "Last Overdue Run: Contracts Seen", readonly=True, copy=False
    )
    lease_overdue_run_signature = fields.Char(
        "Last Overdue Run: Configuration", readonly=True, copy=False
    )

    def _lease_lang(self, user=None):
        """The language of a text the addon stores for this company (issue 11 item 3):
        the company setting ``lease_lang`` when set (one language for all its
        records), else the recipient's (``user``, e.g. the assignee of a task) when he
        has an installed language, else the language of the company's contact, else
        Chinese when installed, else the current user's. Never the language of
        whoever runs the job. No query beyond reading the company and the user (the
        installed languages are cached)."""
        installed = dict(self.env["res.lang"].get_installed())
        company = self[:1] or self.env.company
        for code in (
            company.lease_lang,
            user.lang if user else None,
            company.partner_id.lang,
            "zh_CN",
            self.env.user.lang,
        ):
            if code in installed:
                return code
        return "en_US"

    def _lease_env(self, user=None):
        """The environment whose ``_()`` writes in :meth:`_lease_lang`: use
        ``company._lease_env()._("...")`` for every text stored for the company, and
        ``records.with_env(company._lease_env())`` to read translated fields (tier and
        rule names) or to let core build texts (creation messages) in that language.
        The one way the addon picks the language of stored texts."""
        lang = self._lease_lang(user)
        if self.env.lang == lang:
            return self.env
        return self.env(context=dict(self.env.context, lang=lang))

    @api.model
    def _lease_split(self, records, company=None):
        """``records`` grouped by the language their company writes in: {environment
        of :meth:`_lease_env`: the records in that environment}. For jobs over
        several companies: one group per language, not per record. ``company(record)``
        gives a record's company (default: its ``company_id``)."""
        groups = {}
        envs = {}  # company id -> environment: computed once per company
        for record in records:
            owner = company(record) if company else record.company_id
            if owner.id not in envs:
                envs[owner.id] = owner.with_env(records.env)._lease_env()
            groups.setdefault(envs[owner.id], []).append(record.id)
        return {env: records.browse(ids).with_env(env) for env, ids in groups.items()}

    @api.constrains(
        "lease_max_penalty_rate",
        "lease_default_penalty_rate",
        "lease_date_min",
        "lease_date_max",
    )
    def _check_lease_plausibility_settings(self):
        for company in self:
            if (
                company.lease_max_penalty_rate < 0
                or company.lease_max_penalty_rate >= 1
            ):
                raise ValidationError(
                    self.env._(
                        "The maximum daily penalty rate must be a fraction between 0 "
                        "and 1 (0.001 = 0.1 % a day)."
                    )
                )
            company._lease_check_penalty_rate(company.lease_default_penalty_rate)
            if (
                company.lease_date_min
                and company.lease_date_max
                and company.lease_date_min >= company.lease_date_max
            ):
                raise ValidationError(
                    self.env._(
                        "The earliest plausible date must come before the latest one."
                    )
                )

    @api.constrains("lease_penalty_due_days")
    def _check_lease_penalty_due_days(self):
        for company in self:
            if company.lease_penalty_due_days < 0:
                raise ValidationError(
                    self.env._(
                        "Penalty bills cannot fall due before they are issued: the days "
                        "before a penalty bill falls due after the last installment "
                        "must be 0 or more (not %(days)s).",
                        days=company.lease_penalty_due_days,
                    )
                )

    @api.constrains("lease_letter_bank_id")
    def _check_lease_letter_bank(self):
        for company in self:
            bank = company.lease_letter_bank_id
            if bank and bank.partner_id != company.partner_id:
                raise ValidationError(
                    self.env._(
                        "The bank account printed on the letters must be an account of "
                        "%(company)s itself, not of %(holder)s.",
                        company=company.name,
                        holder=bank.partner_id.display_name,
                    )
                )

    # ------------------------------------------------------------------
    # What the letters print (issue 11 item 2)
    # ------------------------------------------------------------------
    def _lease_letter_bank(self):
        """The account the letters ask to pay into: the one chosen in the settings,
        else the company's first bank account (may be empty)."""
        self.ensure_one()
        company = self.sudo()
        return company.lease_letter_bank_id or company.partner_id.bank_ids[:1]

    def _lease_letter_address(self):
        """The postal address as a letterhead writes it: a Chinese address from the
        province down to the street without separators (上海市浦东新区世纪大道100号),
        any other one street first, separated by commas (the postcode apart)."""
        self.ensure_one()
        company = self.sudo()
        if company.country_id.code == "CN":
            parts = [company.city, company.street, company.street2]
            state = company.state_id.name
            if state and not (company.city or "").startswith(state):
                parts.insert(0, state)
            return "".join(part for part in parts if part)
        parts = [company.street, company.street2, company.city, company.state_id.name]
        return ", ".join(part for part in parts if part)

    def _lease_letter_contact_phone(self):
        self.ensure_one()
        return self.sudo().lease_letter_contact_phone or self.sudo().phone or ""

    def _lease_check_penalty_rate(self, rate):
        """Refuse a daily penalty rate that is negative or above the company's cap."""
        self.ensure_one()
        cap = self.lease_max_penalty_rate
        if rate < 0 or (cap and float_compare(rate, cap, precision_digits=6) > 0):
            raise ValidationError(
                self.env._(
                    "A daily penalty rate of %(rate)s is not plausible: it must be "
                    "between 0 and %(cap)s (the company's cap, e.g. 0.0005 = 0.05 %% "
                    "a day).",
                    rate=rate,
                    cap=cap,
                )
            )

    def _lease_check_date(self, day, field):
        """Refuse a date outside the company's plausible range, naming ``field``."""
        self.ensure_one()
        if not day:
            return
        low = self.lease_date_min or date(2000, 1, 1)
        high = self.lease_date_max or date(2099, 12, 31)
        if not low <= day <= high:
            raise ValidationError(
                self.env._(
                    "%(field)s %(date)s is not plausible: dates must lie between "
                    "%(low)s and %(high)s.",
                    field=field._description_string(self.env),
                    date=day,
                    low=low,
                    high=high,
                )
            )

    # ------------------------------------------------------------------
    # Demo data (issue 11 item 1)
    # ------------------------------------------------------------------
    @api.model
    def _lease_demo_chinese_company(self):
        """Demo data: the main company becomes a Shanghai leasing company keeping Chinese
        books: Odoo's ``l10n_cn`` chart of accounts in CNY, a Chinese name and address,
        its phone, the bank account the letters ask to pay into (我司指定账户) and the
        collection contact they name, in Shanghai time on China's working calendar.

        Only where ``l10n_cn`` is installed (``make run`` installs it with the addon):
        the chart is reloaded before any lease entry exists (the generic chart loaded by
        ``account``'s demo and its demo entries are replaced, as a localization's demo
        does). Elsewhere, e.g. the test databases, the company is left as it is."""
        module = self.env["ir.module.module"].search(
            [("name", "=", "l10n_cn"), ("state", "=", "installed")]
        )
        company = self.env.ref("base.main_company")
        if not module or company.chart_template == "cn":
            return False
        if self.env["lease.contract"].search_count(
            [("company_id", "=", company.id)], limit=1
        ):
            return False
        ref = self.env.ref
        company.write(
            {
                "name": "上海示范融资租赁有限公司",
                "street": "浦东新区世纪大道1000号",
                "street2": "示范金融大厦18层",
                "city": "上海市",
                "state_id": ref("base.state_cn_SH").id,
                "zip": "200120",
                "country_id": ref("base.cn").id,
                "phone": "021-5088 6688",
                "email": "service@shifan-leasing.example.cn",
                "website": "www.shifan-leasing.example.cn",
                "company_registry": "91310115MA1K4DEMO8",
            }
        )
        company.partner_id.write({"tz": "Asia/Shanghai", "lang": "zh_CN"})
        self.env["account.chart.template"].try_loading("cn", company, install_demo=True)
        company.resource_calendar_id.tz = "Asia/Shanghai"
        bank = self.env["res.bank"].create(
            {
                "name": "中国工商银行股份有限公司上海浦东示范支行",
                "bic": "ICBKCNBJSHI",
                "country": ref("base.cn").id,
            }
        )
        account = self.env["res.partner.bank"].create(
            {
                "partner_id": company.partner_id.id,
                "acc_number": "1001 2345 6789 0123 456",
                "acc_holder_name": company.name,
                "bank_id": bank.id,
                "allow_out_payment": True,
            }
        )
        journal = self.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", company.id)], limit=1
        )
        if journal and not journal.bank_account_id:
            journal.bank_account_id = account
        company.write(
            {
                "lease_letter_bank_id": account.id,
                "lease_letter_contact_name": "资产管理部 王经理",
                "lease_letter_contact_phone": "021-5088 6699",
            }
        )
        # The localizations' demo companies (l10n_cn's CN ASSBE / ASBE Company, l10n_us's
        # My US Company...) are not this leasing company's: out of the users' switcher
        others = self.search([("id", "!=", company.id)])
        users = (
            self.env["res.users"]
            .with_context(active_test=False)
            .search(
                [("company_ids", "in", others.ids), ("company_id", "=", company.id)]
            )
        )
        users.write({"company_ids": [Command.unlink(other.id) for other in others]})
        # China's holidays and make-up working days, crons at Shanghai times
        self.env["resource.calendar"]._cron_lease_load_china_calendar()
        self._lease_schedule_crons()
        return True

    lease_escalation_d5 = fields.Boolean(
        "D5 Pre-due and Visit Rules",
        default=True,
        help="Apply the escalation rules of the overdue accounts policy (D5): pre-due SMS and "
        "calls, visits, the 10:00 list to account managers.",
    )
    lease_escalation_d8 = fields.Boolean(
        "D8 Disposal Matrix Rules",
        default=True,
        help="Apply the escalation rules of the overdue customer disposal matrix (D8): "
        "category by days x occurrence.",
    )
    lease_four_eyes = fields.Boolean(
        "Four-Eyes Approvals",
        default=True,
        help="Whoever prepares or submits a collection document never approves or "
        "signs it.",
    )
    # Who receives each department's tasks (issue 12 item 4); see _lease_department_heads.
    lease_head_asset_management_id = _head_field("Head of Asset Management")
    lease_head_risk_management_id = _head_field("Head of Risk Management")
    lease_head_legal_id = _head_field("Head of Legal & Compliance")
    lease_head_business_id = _head_field("Head of Business")
    lease_head_finance_id = _head_field("Head of Finance")
    lease_head_review_committee_id = _head_field("Review Committee Contact")
    lease_head_general_manager_id = _head_field("General Manager")

    @api.constrains(*HEAD_FIELDS.values())
    def _check_lease_heads(self):
        for company in self:
            for department, field in HEAD_FIELDS.items():
                user = company[field]
                if not user:
                    continue
                group = self.env.ref(HEAD_GROUPS[department])
                if (
                    user.share
                    or company not in user.company_ids
                    or group not in user.all_group_ids
                ):
                    raise ValidationError(
                        self.env._(
                            "%(user)s cannot be the %(role)s of %(company)s: choose an "
                            "internal user of that company who is in the group "
                            "%(group)s.",
                            user=user.display_name,
                            role=self._fields[field]._description_string(self.env),
                            company=company.display_name,
                            group=group.display_name,
                        )
                    )

    def _lease_heads_of(self, records, department):
        """{record id: the person who receives ``department``'s tasks in the record's
        company} for ``records`` (with a ``company_id``; the current company when it is
        empty): the rule of ``_lease_department_heads``, an empty recordset when nobody
        can. Two queries for all the records."""
        companies = records.mapped("company_id") | self.env.company
        heads = companies._lease_department_heads()
        return {
            record.id: heads[(record.company_id or self.env.company).id, department]
            for record in records
        }

    def _lease_department_heads(self):
        """Who receives each department's tasks in these companies (issue 12 item 4):
        {(company id, department): user, or an empty recordset when nobody can}.

        The rule: the person set in the company's settings (Settings > Invoicing >
        Responsible people); when none is set, the only internal user of the company in
        the department's head group; with none or several, nobody: the caller reports it
        and assigns nothing (never an arbitrary user, never the administrator).
        Two queries whatever the number of companies: the settings and the head groups'
        members."""
        self.fetch(list(HEAD_FIELDS.values()))
        groups = {
            department: self.env.ref(xmlid) for department, xmlid in HEAD_GROUPS.items()
        }
        members = (
            self.env["res.users"]
            .sudo()
            .search_fetch(
                [
                    ("share", "=", False),
                    ("all_group_ids", "in", [g.id for g in groups.values()]),
                    ("company_ids", "in", self.ids),
                ],
                ["company_ids", "all_group_ids"],
                order="id",
            )
        )
        heads = {}
        for company in self:
            in_company = members.filtered(lambda u, c=company: c in u.company_ids)
            for department, field in HEAD_FIELDS.items():
                user = company[field]
                if user and (not user.active or company not in user.company_ids):
                    user = user.browse()
                elif not user:
                    candidates = in_company.filtered(
                        lambda u, g=groups[department]: g in u.all_group_ids
                    )
                    user = candidates if len(candidates) == 1 else candidates.browse()
                heads[company.id, department] = user
        return heads
