from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import clean_context

from ..models.lease_collection_record import LEVELS


class LeaseActivityDoneWizard(models.TransientModel):
    """Mark tasks done with their outcome (issue 11 item 6): one feedback for all the
    selected tasks; a call or visit on a case or contract logs its collection record
    (SPEC F1) with the outcome, through the same path as a single task marked done."""

    _name = "lease.activity.done.wizard"
    _description = "Mark Tasks Done"

    activity_ids = fields.Many2many(
        "mail.activity", string="Tasks", required=True, readonly=True
    )
    logs_contact = fields.Boolean(compute="_compute_logs_contact")
    feedback = fields.Text(
        "Outcome",
        required=True,
        help="What happened: it is the feedback of every task and the result of the "
        "collection record of each call or visit.",
    )
    contact_name = fields.Char(
        "Contact Person", help="Whom was reached: name and role."
    )
    overdue_reason = fields.Text("Reason for Overdue")
    willingness = fields.Selection(LEVELS, "Willingness to Pay")
    ability = fields.Selection(LEVELS, "Ability to Pay")
    next_step = fields.Text("Next Step")

    @api.depends("activity_ids")
    def _compute_logs_contact(self):
        for wizard in self:
            wizard.logs_contact = any(
                wizard.activity_ids.sudo().mapped("lease_logs_contact")
            )

    def action_confirm(self):
        self.ensure_one()
        activities = self.activity_ids
        done = activities.sudo().filtered(lambda a: not a.active)
        if done:
            raise UserError(
                self.env._("%(task)s is already done.", task=done[0].display_name)
            )
        activities.with_context(clean_context(self.env.context))._action_done(
            feedback=self.feedback,
            lease_outcome={
                "contact_name": self.contact_name,
                "overdue_reason": self.overdue_reason,
                "willingness": self.willingness,
                "ability": self.ability,
                "next_step": self.next_step,
            },
        )
        return {"type": "ir.actions.act_window_close"}
