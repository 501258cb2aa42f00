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
    # The good payer (issue 11 item 7): every rent paid on its due date; his next
    # contract waits in draft and can be activated.
    ("anda", "mindray", 1600000, 36, 5.8, 0, 0, "local", False, "active"),
    ("anda", "mindray", 2300000, 36, 5.8, 0, 0, "local", False, "draft"),
]
# Weekly snapshots of the demo's history (issue 11 item 7): this week's and the seven
# before, each taken from the portfolio as it stood that day.
HISTORY_WEEKS = 8

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
        arranged so that, on the day the database is created, every tier has cases.

        The story of issue 11 item 7: the last eight weeks are replayed week by week
        (each week's payments, the overdue engine run as of that day, the collectors'
        calls, two promises decided, that week's report), then today's situations are
        played by the people concerned (``_demo_story``)."""
        ref = self.env.ref
        today = self.env.company._lease_today()
        # Odoo loads a module's translations after its demo data: the texts the demo
        # stores (the weekly reports' tier names, the promises' names) would be English
        # in a Chinese company (issue 11 item 3). Loaded now, for the languages installed.
        self.env["ir.module.module"].search(
            [("name", "=", "lease_overdue")]
        )._update_translations()
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
        # Payments are entered as history: the engine runs as of each week's day.
        contracts = contracts.with_context(lease_defer_overdue=True)
        late_lines = self.env["lease.installment"]
        payments = []
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
                payments.append(
                    (min(pay_date, today), line.id, line.move_id, line.amount_rent)
                )
                if was_late:
                    late_lines |= line
        payments.sort(key=lambda payment: payment[:2])
        # The last weeks as they happened: the payments of each week, the overdue
        # engine's run, the collectors' calls, the promises and that week's report.
        story = {}
        for weeks_back in range(HISTORY_WEEKS - 1, 0, -1):
            day = today - relativedelta(weeks=weeks_back)
            while payments and payments[0][0] <= day:
                _date, _line, move, amount = payments.pop(0)
                self._demo_pay(move, amount, _date, journal)
            self.env["lease.overdue.engine"]._run(date=day)
            self._demo_week(day, weeks_back, contracts, users, journal, story)
            self.env["lease.overdue.weekly.report"]._demo_generate_week(day)
        for pay_date, _line, move, amount in payments:
            self._demo_pay(move, amount, pay_date, journal)
        for row, contract in zip(DEMO_PORTFOLIO, contracts):
            if row[-1] == "terminated":
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
        contracts._demo_story(users, story)
        return True

    # ------------------------------------------------------------------
    # The demo's story (issue 11 item 7): what happened in the last weeks and what
    # waits for each role today, done as the people concerned do it.
    # ------------------------------------------------------------------
    def _demo_week(self, day, weeks_back, contracts, users, journal, story):
        """One past week of the demo's history, on ``day``: the collectors call their
        lessees; two weeks ago a lessee promised part of his rent and paid it (kept),
        another promised and did not pay (broken); the daily check a week later decided
        both."""
        company = self.env.company
        cases = contracts.current_case_id.filtered(lambda case: case.state == "open")
        calls = [
            (
                "phone",
                "财务负责人",
                "已接通,称客户回款延迟,下周安排付款",
                "high",
                "medium",
            ),
            ("phone", "法定代表人", "电话无人接听,已发短信提醒", "medium", "medium"),
            ("visit", "总经理", "上门拜访,设备正常运转,资金周转困难", "medium", "low"),
            ("sms", "出纳", "短信回复已提交付款申请,等待审批", "high", "high"),
        ]
        records = self.env["lease.collection.record"]
        for index, case in enumerate(cases.sorted("id")):
            if (index + weeks_back) % 3 or not case.collector_id:
                continue
            channel, contact, result, willing, able = calls[index % len(calls)]
            records |= (
                records.with_user(case.collector_id)
                .with_company(company)
                .create(
                    {
                        "case_id": case.id,
                        "date": company._lease_local_to_utc(day, 9 + index % 8, 30),
                        "channel": channel,
                        "contact_name": contact,
                        "result": result,
                        "overdue_reason": "下游客户回款慢,经营资金紧张",
                        "willingness": willing,
                        "ability": able,
                        "next_step": "三个工作日内再次跟进",
                    }
                )
            )
        Promise = self.env["lease.payment.promise"]
        if weeks_back == 2:
            # A promise is recorded on the day it is made (a guarded field): history is
            # entered by the system, in the collector's name.
            for key, index, note in (
                ("promise_kept", 3, "承诺三日内先付一半当期租金"),
                ("promise_broken", 5, "承诺五日内付清当期租金"),
            ):
                case = contracts[index].current_case_id
                line = contracts[index].installment_ids.filtered("days_overdue")[:1]
                amount = (
                    round(line.amount_residual / 2, 2)
                    if key == "promise_kept"
                    else line.amount_residual
                )
                # Named in the collector's language, as when he records it himself.
                lang = case.collector_id.lang or company._lease_lang()
                promise = Promise.with_context(lang=lang).create(
                    {
                        "case_id": case.id,
                        "user_id": case.collector_id.id,
                        "date_recorded": day,
                        "date_promised": day
                        + relativedelta(days=3 if key == "promise_kept" else 5),
                        "amount": amount,
                        "note": note,
                    }
                )
                promise.env.flush_all()  # its name computed now, in his language
                records.with_user(case.collector_id).create(
                    {
                        "case_id": case.id,
                        "date": company._lease_local_to_utc(day, 15, 0),
                        "channel": "phone",
                        "contact_name": "财务负责人",
                        "result": note,
                        "willingness": "high",
                        "ability": "medium",
                        "promise_id": promise.id,
                        "next_step": "到期核对到账",
                    }
                )
                story[key] = promise
                if key == "promise_kept":
                    self._demo_pay(
                        line.move_id, amount, day + relativedelta(days=2), journal
                    )
        if weeks_back == 1:
            Promise._check_promises(day)

    @api.model
    def _demo_file(self, user, name):
        """A scanned document uploaded by ``user``."""
        return (
            self.env["ir.attachment"]
            .with_user(user)
            .create(
                {
                    "name": name,
                    "raw": b"%PDF-1.4 demo scan",
                    "mimetype": "application/pdf",
                }
            )
        )

    def _demo_story(self, users, story):
        """Today (issue 11 item 7): the vendor's objection, the withheld legal and
        disposal steps the head of asset management starts, a lawsuit filed, a disposal
        done with its profit and loss (the lessee blacklisted), a deferral waiting for
        the general manager, documents waiting for each approver, last month's
        collection log signed. ``self``: the demo portfolio, in DEMO_PORTFOLIO order."""
        contracts = self
        today = self.env.company._lease_today()
        Document = self.env["lease.document"]

        def case_of(index):
            return contracts[index].current_case_id

        # A vendor's written objection under its buy-back guarantee (E10): asset
        # management records it; legal stops the litigation, the disposal plan waits
        # for the head of asset management's decision.
        case = case_of(16)
        collector = case.collector_id
        notice = self._demo_file(collector, "出卖人书面异议通知.pdf")
        objection = (
            self.env["lease.vendor.objection"]
            .with_user(collector)
            .create(
                {
                    "case_id": case.id,
                    "notice_attachment_ids": [fields.Command.link(notice.id)],
                    "line_ids": [
                        fields.Command.create({"scope": "litigation"}),
                        fields.Command.create({"scope": "disposal_plan"}),
                    ],
                }
            )
        )
        objection.line_ids.filtered(lambda line: line.scope == "litigation").with_user(
            users["legal_head"]
        ).action_decide_stop()
        story["objection"] = objection

        # The legal and disposal steps withheld when the portfolio entered the system
        # (issue 9 item 9): the head of asset management starts them.
        lawsuit_case, disposal_case = case_of(9), case_of(18)
        withheld = (lawsuit_case | disposal_case).filtered("has_withheld_steps")
        if withheld:
            withheld.with_user(users["am_head"]).action_lease_start_withheld_steps()

        # A lawsuit filed (E9): the lawyer's letter signed and sent, then filed.
        legal_case = lawsuit_case.legal_case_ids[:1]
        if not legal_case:
            legal_case = lawsuit_case.sudo()._escalation_start_legal()
        legal_case.with_user(users["legal_head"]).user_id = users["legal"]
        legal = legal_case.with_user(users["legal"])
        letter = legal_case.document_ids.filtered(
            lambda doc: doc.kind == "lawyer_letter" and doc.state == "draft"
        )[:1]
        if not letter:
            letter = Document.with_user(users["legal"]).create(
                {
                    "kind": "lawyer_letter",
                    "case_id": lawsuit_case.id,
                    "legal_case_id": legal_case.id,
                }
            )
        letter = letter.with_user(users["legal"])
        letter.write({"lawyer_name": "周律师", "law_firm": "上海锦天城律师事务所"})
        letter.action_submit()
        letter.with_user(users["legal_head"]).action_approve()
        letter.action_issue()
        legal.write(
            {
                "court": "上海市浦东新区人民法院",
                "lawyer_name": "周律师",
                "law_firm": "上海锦天城律师事务所",
                "claim_amount": legal_case.claim_amount
                or legal_case.contract_id.overdue_amount
                + legal_case.contract_id.penalty_amount,
            }
        )
        legal.action_file()
        # Asset management, which runs the case, asks legal for the hearing's evidence.
        lawsuit_case.with_user(users["am_head"]).activity_schedule(
            "lease_overdue.mail_activity_type_lease_litigation",
            date_deadline=today,
            summary="准备开庭证据材料",
            note="整理租赁合同、付款记录、催收函件及送达凭证,提交开庭证据目录。",
            user_id=users["legal"].id,
        )
        story["lawsuit"] = legal_case

        # The asset disposed of (E9, X1): plan approved by the review committee, sold,
        # proceeds and costs booked by finance, the lessee blacklisted (W3), the profit
        # and loss report approved by the finance head, waiting for the committee.
        plan = disposal_case.disposal_ids.filtered(lambda d: d.state == "draft")[:1]
        if not plan:
            disposal_case.with_user(users["committee"]).action_send_to_disposal()
            plan = disposal_case.disposal_ids.filtered(lambda d: d.state == "draft")[:1]
        am = plan.with_user(disposal_case.collector_id)
        am.write(
            {
                "method": "sale",
                "plan": "<p>委托拍卖行公开拍卖租赁物,底价参考评估报告。</p>",
            }
        )
        am.action_submit()
        plan.with_user(users["committee"]).action_approve_plan()
        am.action_start()
        claim = plan.claim_amount
        self.env["lease.disposal.line"].with_user(users["finance"]).create(
            [
                {
                    "disposal_id": plan.id,
                    "line_type": "proceeds",
                    "name": "租赁物公开拍卖成交价款",
                    "amount": round(claim * 0.72, -3),
                },
                {
                    "disposal_id": plan.id,
                    "line_type": "cost",
                    "name": "拖车、仓储及评估费",
                    "amount": 38000.0,
                },
                {
                    "disposal_id": plan.id,
                    "line_type": "cost",
                    "name": "拍卖佣金",
                    "amount": 26000.0,
                },
            ]
        )
        am.action_done()
        plan.with_user(users["finance"]).action_create_pnl_report()
        report = plan.pnl_report_id.with_user(users["finance"])
        report.action_submit()
        report.with_user(users["finance_head"]).action_approve()
        story["disposal"] = plan

        # A disposal deferral (E11): business files it with the new order as evidence,
        # the review committee approved it, the general manager decides.
        case = case_of(4)
        manager = case.contract_id.account_manager_id
        deferral = Document.with_user(manager).create(
            {
                "kind": "deferral_request",
                "case_id": case.id,
                "date_deferral_end": today + relativedelta(days=60),
                "summary": "承租人已签订新的印刷订单,预计下月回款,申请暂缓处置租赁物六十天。",
            }
        )
        deferral.evidence_ids = [
            fields.Command.link(self._demo_file(manager, "新订单合同扫描件.pdf").id)
        ]
        deferral.action_submit()
        deferral.with_user(users["committee"]).action_approve()
        story["deferral"] = deferral

        # Waiting for the head of asset management: a rent collection notice (E3).
        notice = case_of(2).document_ids.filtered(
            lambda doc: doc.kind == "collection_notice" and doc.state == "draft"
        )[:1]
        if not notice:
            notice = Document.with_user(case_of(2).collector_id).create(
                {"kind": "collection_notice", "case_id": case_of(2).id}
            )
        notice.with_user(case_of(2).collector_id).action_submit()
        story["notice"] = notice

        # Waiting for the head of legal & compliance: a lawyer's letter (E5).
        letter = self._demo_submit_legal_letter(case_of(12), "lawyer_letter", users)
        story["lawyer_letter"] = letter

        # Waiting for the consents of asset management, risk management and business
        # before legal signs: a pre-litigation letter (E7).
        litigation = self._demo_submit_legal_letter(
            case_of(8), "litigation_letter", users
        )
        story["litigation_letter"] = litigation

        # Waiting for the finance head: a penalty reduction the account manager asks.
        contract = contracts[2]
        amendment = (
            self.env["lease.contract.amendment"]
            .with_user(contract.account_manager_id)
            .create(
                {
                    "contract_id": contract.id,
                    "kind": "penalty",
                    "new_penalty_rate": round(contract.penalty_rate / 2, 6),
                    "reason": "承租人为长期合作客户,受疫情后运输业务下滑影响,申请减半计收罚息。",
                }
            )
        )
        amendment.action_submit()
        story["amendment"] = amendment

        # The head of asset management asks finance to check the part payment of the
        # kept promise, and the configuration manager to check a case that entered the
        # system already overdue.
        case_of(3).with_user(users["am_head"]).activity_schedule(
            "mail.mail_activity_data_todo",
            date_deadline=today,
            summary="核对承租人部分还款到账及罚息",
            user_id=users["finance"].id,
        )
        case_of(10).with_user(users["am_head"]).activity_schedule(
            "mail.mail_activity_data_todo",
            date_deadline=today,
            summary="核对上线前逾期案件的升级记录",
            note="本案进入系统时已逾期,请核对补录的逾期天数与已跳过的升级步骤。",
            user_id=users["lease_admin"].id,
        )

        # Last month's collection log (F2), signed by both heads at month end.
        log = (
            self.env["lease.collection.log.monthly"]
            .sudo()
            .create({"date_month": today.replace(day=1) - relativedelta(days=1)})
        )
        log.with_user(users["am_head"]).action_sign_asset_management()
        log.with_user(users["risk_head"]).action_sign_risk_management()
        story["monthly_log"] = log
        return story

    @api.model
    def _demo_submit_legal_letter(self, case, kind, users):
        """Legal submits a letter of ``kind`` on ``case``: the draft the escalation
        prepared, else a new one, with the lawyer's name and firm."""
        letter = case.document_ids.filtered(
            lambda doc: doc.kind == kind and doc.state == "draft"
        )[:1]
        if not letter:
            letter = (
                self.env["lease.document"]
                .with_user(users["legal"])
                .create({"kind": kind, "case_id": case.id})
            )
        letter = letter.with_user(users["legal"])
        letter.write({"lawyer_name": "周律师", "law_firm": "上海锦天城律师事务所"})
        letter.action_submit()
        return letter

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
