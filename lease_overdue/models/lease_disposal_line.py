from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class LeaseDisposalLine(models.Model):
    """Proceeds and costs of a disposal, recorded by finance (SPEC X1, E9)."""

    _name = "lease.disposal.line"
    _description = "Disposal Proceeds or Cost"
    _order = "disposal_id, date, id"

    disposal_id = fields.Many2one(
        "lease.disposal", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="disposal_id.company_id", store=True, index=True
    )
    currency_id = fields.Many2one(related="disposal_id.currency_id")
    line_type = fields.Selection(
        [("proceeds", "Proceeds"), ("cost", "Cost")],
        "Type",
        required=True,
        default="proceeds",
    )
    name = fields.Char("Description", required=True)
    date = fields.Date(
        required=True, default=lambda self: self.env.company._lease_today()
    )
    partner_id = fields.Many2one("res.partner", "Counterparty")
    amount = fields.Monetary(required=True)

    @api.constrains("amount")
    def _check_amount(self):
        if any(line.amount <= 0 for line in self):
            raise ValidationError(
                self.env._("Proceeds and costs are positive amounts.")
            )

    def _check_editable(self):
        for disposal in self.disposal_id:
            report = disposal.pnl_report_id
            if disposal.state not in ("in_progress", "done") or (
                report and report.state not in ("draft", "refused")
            ):
                raise UserError(
                    self.env._(
                        "The proceeds and costs of %(disposal)s are recorded while it is executed "
                        "and until its profit and loss report is submitted.",
                        disposal=disposal.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines._check_editable()
        return lines

    def write(self, vals):
        self._check_editable()
        result = super().write(vals)
        self._check_editable()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_while_editable(self):
        self._check_editable()
