from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

# (lessee, vendor, amount, months, rate %, days overdue of the oldest unpaid installment,
#  installments paid late before it, locality, buy-back, final state)
DEMO_PORTFOLIO = [
    ("hengtai", "sany", 3600000, 36, 6.5, 0, 0, "local", True, "active"),
    ("hengtai", "sany", 1200000, 24, 6.5, 5, 1, "local", True, "active"),
    ("jinhai", "sinotruk", 2400000, 36, 7.2, 12, 2, "non_local", False, "active"),
    ("huaxin", "mindray", 5800000, 36, 5.9, 16, 0, "local", False, "active"),
    ("dongfang", "heidelberg", 8600000, 48, 6.0, 31, 1, "local", True, "active"),
    ("ruida", "sany", 4200000, 36, 7.5, 46, 3, "non_local", False, "active"),
    ("changsheng", "sinotruk", 900000, 24, 8.0, 1, 0, "non_local", False, "active"),
    ("xinyuan", "heidelberg", 650000, 24, 8.5, 15, 4, "local", False, "active"),
    ("tianyu", "sany", 1800000, 36, 7.0, 30, 0, "non_local", True, "active"),
    ("zhongke", "mindray", 2600000, 36, 6.8, 45, 2, "non_local", False, "active"),
    ("yongxing", "sinotruk", 3100000, 36, 7.2, 62, 1, "local", True, "active"),
    ("mingguang", "heidelberg", 1500000, 24, 7.8, 8, 0, "local", False, "active"),
    ("zhang", "sinotruk", 380000, 24, 9.0, 20, 2, "local", False, "active"),
    ("jinhai", "sinotruk", 1600000, 24, 7.2, 0, 3, "non_local", False, "active"),
    ("huaxin", "mindray", 2200000, 36, 5.9, 0, 0, "local", False, "active"),
    ("changsheng", "sinotruk", 700000, 24, 8.0, 3, 0, "non_local", False, "active"),
    ("tianyu", "sany", 2100000, 36, 7.0, 38, 1, "non_local", True, "active"),
    ("zhongke", "mindray", 1300000, 24, 6.8, 0, 1, "non_local", False, "active"),
    ("yongxing", "sinotruk", 2500000, 36, 7.2, 90, 2, "local", True, "active"),
    ("mingguang", "heidelberg", 980000, 24, 7.8, 24, 0, "local", False, "active"),
    ("ruida", "sany", 1750000, 24, 7.5, 0, 0, "non_local", False, "active"),
    ("dongfang", "heidelberg", 1250000, 12, 6.0, 0, 0, "local", False, "active"),
    ("xinyuan", "heidelberg", 420000, 6, 8.5, 0, 2, "local", False, "closed"),
    ("zhang", "sinotruk", 260000, 6, 9.0, 0, 0, "local", False, "closed"),
    ("hengtai", "sany", 560000, 6, 6.5, 0, 0, "local", True, "closed"),
    ("ruida", "sany", 1900000, 24, 7.5, 75, 2, "non_local", False, "terminated"),
    ("yongxing", "sinotruk", 880000, 24, 7.2, 120, 1, "local", False, "terminated"),
    ("changsheng", "sinotruk", 450000, 12, 8.0, 0, 0, "non_local", False, "draft"),
    ("mingguang", "heidelberg", 1350000, 24, 7.8, 0, 0, "local", False, "draft"),
    ("huaxin", "mindray", 3900000, 36, 5.9, 0, 0, "local", False, "draft"),
]

ASSETS = {
    "sany": ("三一 SY365H 挖掘机", "工程机械"),
    "sinotruk": ("中国重汽 豪沃 TX 牵引车", "运输车辆"),
    "mindray": ("迈瑞 Resona 彩色超声诊断系统", "医疗设备"),
    "heidelberg": ("海德堡 Speedmaster XL 106 印刷机", "印刷设备"),
}


class LeaseContract(models.Model):
    _inherit = "lease.contract"

    @api.model
    def _demo_create_portfolio(self):
        """Demo data: about 30 contracts in every state, with real invoices and payments
        arranged so that, on the day the database is created, every tier has cases."""
        ref = self.env.ref
        today = self.env.company._lease_today()
        if self.env["res.lang"]._lang_get("zh_CN"):
            self.env["res.users"].search([("login", "in", DEMO_LOGINS)]).lang = "zh_CN"
        users = {
            login: ref(f"lease_overdue.demo_user_{login}", raise_if_not_found=False)
            for login in DEMO_LOGINS
        }
        journal = self.env["account.journal"].search(
            [
                ("type", "in", ("bank", "cash")),
                ("company_id", "=", self.env.company.id),
            ],
            limit=1,
        )
        contracts = self.browse()
        for index, row in enumerate(DEMO_PORTFOLIO):
            (
                lessee,
                vendor,
                amount,
                months,
                rate,
                days,
                late,
                locality,
                buyback,
                state,
            ) = row
            # The installment (late + 1) falls due ``days`` days ago.
            elapsed = late + (1 if days else 0)
            if state == "closed":
                elapsed = months
            first_due = today - relativedelta(
                days=days or 10, months=max(elapsed - 1, 0)
            )
            if state == "closed":
                first_due = today - relativedelta(months=months, days=5)
            manager = users["account_manager" if index % 3 else "account_manager2"]
            collector = users["collector" if index % 2 else "collector2"]
            contract = self.create(
                {
                    "partner_id": ref(f"lease_overdue.demo_lessee_{lessee}").id,
                    "vendor_id": ref(f"lease_overdue.demo_vendor_{vendor}").id,
                    "financed_amount": amount,
                    "term_count": months,
                    "annual_rate": rate,
                    "date_start": first_due - relativedelta(months=1),
                    "date_first_due": first_due,
                    "locality": locality,
                    "has_buyback_guarantee": buyback,
                    "account_manager_id": manager.id,
                    "team_lead_id": users["team_lead"].id,
                    "risk_officer_id": users["risk_officer"].id,
                    "collector_id": collector.id,
                    "guarantor_ids": [
                        fields.Command.link(
                            ref(
                                "lease_overdue.demo_guarantor_"
                                + ("hengtai_holding", "wang", "zjguarantee", "li")[
                                    index % 4
                                ]
                            ).id
                        )
                    ],
                    "asset_ids": [
                        fields.Command.create(
                            {
                                "name": ASSETS[vendor][0],
                                "category": ASSETS[vendor][1],
                                "serial_number": f"SN-{2024000 + index * 7:07d}",
                                "location": ref(
                                    f"lease_overdue.demo_lessee_{lessee}"
                                ).city,
                                "value": amount * 1.1,
                            }
                        )
                    ],
                    "collateral_document_ids": [
                        fields.Command.create(
                            {
                                "name": "保证合同",
                                "doc_type": "guarantee",
                                "received": True,
                            }
                        ),
                        fields.Command.create(
                            {
                                "name": "租赁物抵押登记证明",
                                "doc_type": "registration",
                                "received": index % 5 != 0,
                            }
                        ),
                    ],
                }
            )
            contract.action_generate_schedule()
            contracts |= contract
            if state != "draft":
                contract.action_activate()
        # Activate first: a lessee in arrears cannot get a new contract (SPEC K2).
        # Payments are entered as history: the engine runs once, at the end.
        contracts = contracts.with_context(lease_defer_overdue=True)
        late_lines = self.env["lease.installment"]
        for row, contract in zip(DEMO_PORTFOLIO, contracts):
            _lessee, _vendor, _amount, months, _rate, days, late, _loc, _bb, state = row
            if state == "draft":
                continue
            contract.action_invoice_due()
            lines = contract.installment_ids.filtered("move_id").sorted("sequence")
            paid_lines = (
                lines
                if state == "closed"
                else lines[: late + (0 if days else len(lines))]
            )
            for position, line in enumerate(paid_lines):
                was_late = position >= len(paid_lines) - late and state != "closed"
                pay_date = line.date_due + relativedelta(days=6 if was_late else 0)
                pay_date = min(pay_date, today)
                self._demo_pay(line.move_id, line.amount_rent, pay_date, journal)
                if was_late:
                    late_lines |= line
            if state == "terminated":
                contract._demo_terminate(users)
        # Rent paid late carries penalty interest: invoice it and let it be paid with the rent.
        # Only the installments' figures are needed for that: cases open on the final run,
        # from the history as it stands once the penalty is paid.
        self.env["lease.overdue.engine"].sudo()._update_installments(today, None)
        late_lines.invalidate_recordset()
        for line in late_lines.filtered("penalty_due"):
            penalty = line.with_context(lease_defer_overdue=True)._invoice_penalty()
            self._demo_pay(
                penalty, penalty.amount_total, line.date_last_payment, journal
            )
        # The history's penalty was billed by hand: the nightly billing (D9 L169) takes
        # over from the next due date.
        contracts.installment_ids.filtered(
            lambda line: line.move_id and line.date_due <= today
        ).sudo().write({"penalty_carry_billed": True})
        self.env["lease.overdue.engine"]._run()
        self.browse(
            [c.id for row, c in zip(DEMO_PORTFOLIO, contracts) if row[-1] == "closed"]
        ).action_close()
        # A partial payment and a vendor advance, as they happen in real portfolios.
        partial = contracts.filtered(lambda c: c.tier_id.code == "T2")[:1]
        if partial:
            line = partial.installment_ids.filtered(lambda i: i.days_overdue)[:1]
            self._demo_pay(line.move_id, round(line.amount_rent / 2, 2), today, journal)
        advanced = contracts.filtered(
            lambda c: c.tier_id.code == "T3" and c.has_buyback_guarantee
        )[:1]
        if advanced:
            line = advanced.installment_ids.filtered(lambda i: i.days_overdue)[:1]
            self.env["lease.vendor.advance"].create(
                {
                    "installment_id": line.id,
                    "amount": line.amount_rent,
                    "date": today - relativedelta(days=3),
                    "note": "出卖人三一重工垫付当期租金",
                }
            )
        self.env["lease.overdue.engine"]._run()
        # Today's work for every department, as the nightly job would have given it.
        self.env["lease.escalation.rule"]._run_escalation()
        return True

    def _demo_terminate(self, users):
        """Termination goes through an amendment: the account manager prepares it, the
        business head then the general manager approve, the account manager applies."""
        self.ensure_one()
        preparer = self.account_manager_id
        amendment = (
            self.env["lease.contract.amendment"]
            .with_user(preparer)
            .create(
                {
                    "contract_id": self.id,
                    "kind": "termination",
                    "reason": "承租人长期逾期且无还款意愿,经评审提前终止合同。",
                }
            )
        )
        amendment.action_submit()
        amendment.with_user(users["biz_head"]).action_approve()
        amendment.with_user(users["gm"]).action_approve()
        amendment.action_apply()

    @api.model
    def _demo_pay(self, move, amount, date, journal):
        wizard = (
            self.env["account.payment.register"]
            .with_context(
                active_model="account.move",
                active_ids=move.ids,
                lease_defer_overdue=True,
            )
            .create({"payment_date": date, "amount": amount, "journal_id": journal.id})
        )
        return wizard._create_payments()


DEMO_LOGINS = [
    "am_head",
    "collector",
    "collector2",
    "risk_head",
    "risk_officer",
    "legal_head",
    "legal",
    "biz_head",
    "team_lead",
    "account_manager",
    "account_manager2",
    "finance_head",
    "finance",
    "committee",
    "gm",
    "lease_admin",
]
