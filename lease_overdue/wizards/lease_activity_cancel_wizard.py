from odoo import fields, models


class LeaseActivityCancelWizard(models.TransientModel):
    """Cancel collection tasks with a reason (SPEC F4): the reason goes to the ledger and
    the case's chatter. An escalation task is never archived or deleted otherwise."""

    _name = "lease.activity.cancel.wizard"
    _description = "Cancel Collection Tasks"

    activity_ids = fields.Many2many(
        "mail.activity", string="Tasks", required=True, readonly=True
    )
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        self.activity_ids.action_lease_cancel(self.reason)
        return {"type": "ir.actions.act_window_close"}
