import io

import xlsxwriter

from odoo import api, fields, models


class LeaseOverdueWeeklyReportXlsx(models.AbstractModel):
    """Excel edition of the weekly overdue rent report (SPEC W1): the same stored figures
    as the PDF, a summary sheet per tier and a sheet of contracts with totals."""

    _name = "lease.overdue.weekly.report.xlsx"
    _description = "Weekly Overdue Rent Report (Excel)"

    @api.model
    def _generate(self, report):
        report.ensure_one()
        migrations = dict(
            self.env["lease.overdue.weekly.report.line"]
            ._fields["migration"]
            ._description_selection(self.env)
        )
        output = io.BytesIO()
        book = xlsxwriter.Workbook(output, {"in_memory": True})
        title = book.add_format({"bold": True, "font_size": 14})
        head = book.add_format(
            {
                "bold": True,
                "bg_color": "#D9E1F2",
                "border": 1,
                "text_wrap": True,
                "valign": "vcenter",
            }
        )
        cell = book.add_format({"border": 1})
        money = book.add_format({"border": 1, "num_format": "#,##0.00"})
        total = book.add_format({"bold": True, "border": 1, "top": 2})
        total_money = book.add_format(
            {"bold": True, "border": 1, "top": 2, "num_format": "#,##0.00"}
        )

        # Summary sheet
        sheet = book.add_worksheet(self.env._("Summary"))
        sheet.write(0, 0, report.display_name, title)
        info = [
            (self.env._("Company"), report.company_id.name),
            (
                self.env._("Week"),
                f"{report.week_label} ({fields.Date.to_string(report.date_from)} - {fields.Date.to_string(report.date_to)})",
            ),
            (
                self.env._("Figures As Of"),
                fields.Date.to_string(report.date_snapshot) or "",
            ),
            (self.env._("Previous Report"), report.previous_report_id.week_label or ""),
            (
                self.env._("Month-end Edition"),
                self.env._("Yes") if report.is_month_end else self.env._("No"),
            ),
        ]
        for row, (label, value) in enumerate(info, start=2):
            sheet.write(row, 0, label, head)
            sheet.write(row, 1, value, cell)
        row = len(info) + 3
        columns = [
            self.env._("Tier"),
            self.env._("Contracts"),
            self.env._("Overdue Rent"),
            self.env._("Penalty Due"),
            self.env._("Contracts Last Week"),
            self.env._("Overdue Rent Last Week"),
            self.env._("New"),
            self.env._("Moved Up Into"),
            self.env._("Moved Down Into"),
            self.env._("Cured From"),
        ]
        for col, label in enumerate(columns):
            sheet.write(row, col, label, head)
        first = row + 1
        for tier in report.tier_summary_ids:
            row += 1
            values = [
                tier.tier_name or tier.tier_code,
                tier.contract_count,
                tier.overdue_amount,
                tier.penalty_amount,
                tier.previous_count,
                tier.previous_amount,
                tier.new_count,
                tier.up_count,
                tier.down_count,
                tier.cured_count,
            ]
            for col, value in enumerate(values):
                sheet.write(row, col, value, money if col in (2, 3, 5) else cell)
        row += 1
        sheet.write(row, 0, self.env._("Total"), total)
        tiers = report.tier_summary_ids
        totals = [
            sum(tiers.mapped(name))
            for name in (
                "contract_count",
                "overdue_amount",
                "penalty_amount",
                "previous_count",
                "previous_amount",
                "new_count",
                "up_count",
                "down_count",
                "cured_count",
            )
        ]
        for col, value in enumerate(totals, start=1):
            letter = xlsxwriter.utility.xl_col_to_name(col)
            sheet.write_formula(
                row,
                col,
                f"=SUM({letter}{first + 1}:{letter}{row})",
                total_money if col in (2, 3, 5) else total,
                value,
            )
        row += 2
        sheet.write(row, 0, self.env._("Tier Migration"), head)
        for offset, (label, value) in enumerate(
            [
                (self.env._("New"), report.new_count),
                (self.env._("Cured"), report.cured_count),
                (self.env._("Moved Up"), report.up_count),
                (self.env._("Moved Down"), report.down_count),
                (self.env._("Same Tier"), report.same_count),
            ],
            start=1,
        ):
            sheet.write(row + offset, 0, label, cell)
            sheet.write(row + offset, 1, value, cell)
        sheet.set_column(0, 0, 22)
        sheet.set_column(1, len(columns), 14)

        # Contracts sheet
        sheet = book.add_worksheet(self.env._("Contracts"))
        columns = [
            self.env._("Contract"),
            self.env._("Lessee"),
            self.env._("Collector"),
            self.env._("Account Manager"),
            self.env._("Days Overdue"),
            self.env._("Tier"),
            self.env._("Overdue Rent"),
            self.env._("Penalty Due"),
            self.env._("Overdue Count"),
            self.env._("Actions"),
            self.env._("Actions Taken"),
            self.env._("Last Week's Tier"),
            self.env._("Migration"),
        ]
        for col, label in enumerate(columns):
            sheet.write(0, col, label, head)
        row = 0
        for line in report.line_ids:
            row += 1
            values = [
                line.contract_name,
                line.partner_name,
                line.collector_name or "",
                line.account_manager_name or "",
                line.days_overdue,
                line.tier_code or "",
                line.overdue_amount,
                line.penalty_amount,
                line.overdue_count,
                line.action_count,
                line.action_summary or "",
                line.previous_tier_code or "",
                migrations.get(line.migration, ""),
            ]
            for col, value in enumerate(values):
                sheet.write(row, col, value, money if col in (6, 7) else cell)
        row += 1
        sheet.write(row, 0, self.env._("Total"), total)
        lines = report.line_ids
        for col, value in (
            (6, sum(lines.mapped("overdue_amount"))),
            (7, sum(lines.mapped("penalty_amount"))),
            (9, sum(lines.mapped("action_count"))),
        ):
            letter = xlsxwriter.utility.xl_col_to_name(col)
            sheet.write_formula(
                row,
                col,
                f"=SUM({letter}2:{letter}{row})",
                total_money if col in (6, 7) else total,
                value,
            )
        sheet.freeze_panes(1, 0)
        sheet.set_column(0, 3, 18)
        sheet.set_column(4, 9, 12)
        sheet.set_column(10, 10, 30)
        sheet.set_column(11, 12, 12)
        book.close()
        return output.getvalue()
