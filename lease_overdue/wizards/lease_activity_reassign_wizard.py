from odoo import api, fields, models
from odoo.exceptions import UserError


class LeaseActivityReassignWizard(models.TransientModel):
    """A head hands selected tasks of his department to another member of it, in one
    write (issue 11 item 6, SPEC A2): escalation tasks keep their ledger rows, which
    follow the new assignee."""

    _name = "lease.activity.reassign.wizard"
    _description = "Reassign Department Tasks"

    activity_ids = fields.Many2many(
        "mail.activity", string="Tasks", required=True, readonly=True
    )
    allowed_user_ids = fields.Many2many(
        "res.users", compute="_compute_allowed_user_ids"
    )
    user_id = fields.Many2one(
        "res.users",
        "Assign To",
        required=True,
        domain="[('id', 'in', allowed_user_ids)]",
    )

    @api.depends("activity_ids")
    def _compute_allowed_user_ids(self):
        Activity = self.env["mail.activity"]
        departments = Activity._lease_headed_departments()
        users = (
            Activity._lease_department_staff(departments)
            if departments
            else self.env["res.users"]
        )
        for wizard in self:
            wizard.allowed_user_ids = users

    def action_confirm(self):
        self.ensure_one()
        activities = self.activity_ids
        departments = activities._lease_headed_departments()
        if not departments:
            raise UserError(
                self.env._("Only a department head reassigns tasks in bulk.")
            )
        outside = activities - activities._lease_supervised_subset(departments)
        if outside:
            raise UserError(
                self.env._(
                    "%(task)s is not a task of your department: you reassign your "
                    "department's tasks only.",
                    task=outside[0].sudo().display_name,
                )
            )
        activities.write({"user_id": self.user_id.id})
        return {"type": "ir.actions.act_window_close"}
