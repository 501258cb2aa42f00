from odoo import fields, models


class LeaseCaseReopenWizard(models.TransientModel):
    """Reopen closed collection cases with a reason (issue 9, item 4): the reason, who
    and when go to the case and its chatter."""

    _name = "lease.case.reopen.wizard"
    _description = "Reopen Collection Case"

    case_ids = fields.Many2many(
        "lease.collection.case", string="Cases", required=True, readonly=True
    )
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        self.case_ids.action_reopen(self.reason)
        return {"type": "ir.actions.act_window_close"}
