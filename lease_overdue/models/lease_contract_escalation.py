from odoo import api, fields, models


def lease_sms_amount(amount):
    """An amount as the SMS texts show it (issue 9 item 12): thousands separators, two
    decimals, 元 after it, no currency symbol: 100000 -> "100,000.00元"."""
    return f"{amount or 0.0:,.2f}元"


class LeaseContract(models.Model):
    """Pre-due work on contracts (SPEC R1-R5)."""

    _inherit = "lease.contract"

    lease_next_due_date = fields.Date(
        "Next Due Date", compute="_compute_lease_next_due"
    )
    lease_next_due_amount = fields.Monetary(
        "Next Rent Due", compute="_compute_lease_next_due"
    )
    lease_next_due_amount_text = fields.Char(
        "Next Rent Due (SMS)",
        compute="_compute_lease_next_due_amount_text",
        help="The next rent due as the SMS texts show it, e.g. 100,000.00元.",
    )

    def _compute_lease_next_due(self):
        today = self.env.company._lease_today()
        lines = (
            self.env["lease.installment"]
            .sudo()
            .search_fetch(
                [
                    ("contract_id", "in", self.ids),
                    ("state", "in", ("planned", "invoiced")),
                    ("date_due", ">=", today),
                ],
                ["contract_id", "date_due", "amount_rent"],
                order="date_due, id",
            )
        )
        first = {}
        for line in lines:
            first.setdefault(line.contract_id.id, line)
        for contract in self:
            line = first.get(contract.id)
            contract.lease_next_due_date = line.date_due if line else False
            contract.lease_next_due_amount = line.amount_rent if line else 0.0

    @api.depends("lease_next_due_amount")
    def _compute_lease_next_due_amount_text(self):
        for contract in self:
            contract.lease_next_due_amount_text = lease_sms_amount(
                contract.lease_next_due_amount
            )

    # ------------------------------------------------------------------
    def _escalation_prenotice_list(self):
        """10:00 on each of the 7 days before a due date: risk management's list of the
        customers due goes to each account manager, who reports their willingness and
        ability to pay by 16:00 (D5 L95, SPEC R5). One list per account manager and day,
        one line per contract; returns the lines created."""
        today = self.env.company._lease_today()
        contracts = self.sudo()
        lines_model = self.env["lease.prenotice.feedback"].sudo()
        lists_model = self.env["lease.prenotice.list"].sudo()
        installments = (
            self.env["lease.installment"]
            .sudo()
            .search_fetch(
                [
                    ("contract_id", "in", contracts.ids),
                    ("state", "in", ("planned", "invoiced")),
                    ("date_due", ">", today),
                ],
                ["contract_id", "date_due", "amount_rent"],
                order="date_due, id",
            )
        )
        next_line = {}
        for line in installments:
            next_line.setdefault(line.contract_id.id, line)
        existing_lists = lists_model.search(
            [("date", "=", today), ("user_id", "in", contracts.account_manager_id.ids)]
        )
        by_user = {(lst.user_id.id, lst.company_id.id): lst for lst in existing_lists}
        new_lists = []
        for contract in contracts:
            key = (contract.account_manager_id.id, contract.company_id.id)
            if (
                contract.account_manager_id
                and key not in by_user
                and key not in new_lists
            ):
                new_lists.append(key)
        created = lists_model.create(
            [
                {
                    "date": today,
                    "user_id": user_id,
                    "company_id": company_id,
                    "date_deadline": self._prenotice_deadline(
                        today, user_id, company_id
                    ),
                }
                for user_id, company_id in new_lists
            ]
        )
        for lst in created:
            by_user[(lst.user_id.id, lst.company_id.id)] = lst
        done = {
            (line.list_id.id, line.contract_id.id)
            for line in lines_model.search_fetch(
                [("list_id", "in", [lst.id for lst in by_user.values()])],
                ["list_id", "contract_id"],
            )
        }
        vals_list = []
        for contract in contracts:
            lst = by_user.get((contract.account_manager_id.id, contract.company_id.id))
            line = next_line.get(contract.id)
            if not lst or not line or (lst.id, contract.id) in done:
                continue
            vals_list.append(
                {
                    "list_id": lst.id,
                    "contract_id": contract.id,
                    "installment_id": line.id,
                }
            )
        feedback = lines_model.create(vals_list)
        created._schedule_feedback_activity()
        return feedback.with_env(self.env)

    @api.model
    def _prenotice_deadline(self, day, user_id, company_id=None):
        """16:00 of ``day`` local time of the company (D5 L95: the company's office hours,
        not the account manager's or the cron user's time zone), as a UTC datetime."""
        company = self.env["res.company"].sudo().browse(company_id) or self.env.company
        return company._lease_local_to_utc(day, 16, 0)
