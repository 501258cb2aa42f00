from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from .lease_escalation_role import DEPARTMENTS
from .lease_escalation_rule import contract_priority

LEASE_MODELS = ("lease.collection.case", "lease.contract")


class MailActivity(models.Model):
    """Collection tasks are activities on collection cases and contracts; these fields
    put them in the work queues, ordered by the case's priority (SPEC E13)."""

    _inherit = "mail.activity"

    lease_case_id = fields.Many2one(
        "lease.collection.case",
        "Collection Case",
        compute="_compute_lease_links",
        store=True,
        index="btree_not_null",
    )
    lease_contract_id = fields.Many2one(
        "lease.contract",
        "Lease Contract",
        compute="_compute_lease_links",
        store=True,
        index="btree_not_null",
    )
    lease_partner_id = fields.Many2one(
        related="lease_contract_id.partner_id", string="Lessee"
    )
    lease_priority = fields.Float(
        "Collection Priority",
        compute="_compute_lease_priority",
        store=True,
        readonly=False,
        index="btree_not_null",
        help="Overdue count, then cumulative days overdue, then grade.",
    )
    lease_escalation_rule_id = fields.Many2one(
        "lease.escalation.rule",
        "Escalation Rule",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
    )
    lease_role_code = fields.Char("Escalation Role", readonly=True)
    lease_department = fields.Selection(
        DEPARTMENTS, "Department", index="btree_not_null"
    )

    @api.depends("res_model", "res_id")
    def _compute_lease_links(self):
        cases = self.env["lease.collection.case"].browse(
            [
                a.res_id
                for a in self
                if a.res_model == "lease.collection.case" and a.res_id
            ]
        )
        cases.sudo().fetch(["contract_id"])
        for activity in self:
            case = contract = None
            if activity.res_model == "lease.collection.case" and activity.res_id:
                case = cases.browse(activity.res_id).sudo()
                contract = case.contract_id
            elif activity.res_model == "lease.contract" and activity.res_id:
                contract = self.env["lease.contract"].browse(activity.res_id)
            activity.lease_case_id = case.id if case else False
            activity.lease_contract_id = contract.id if contract else False

    @api.depends("lease_contract_id")
    def _compute_lease_priority(self):
        """Set once; the daily job refreshes it with the counters (SPEC E13)."""
        self.lease_contract_id.sudo().fetch(
            ["overdue_count", "overdue_days_total", "risk_grade"]
        )
        for activity in self:
            contract = activity.lease_contract_id.sudo()
            activity.lease_priority = contract_priority(contract) if contract else 0.0

    def write(self, vals):
        result = super().write(vals)
        if "active" in vals and not vals["active"]:
            logs = (
                self.env["lease.escalation.log"]
                .sudo()
                .search([("activity_id", "in", self.ids), ("state", "=", "open")])
            )
            if logs:
                logs._mark_done(fields.Date.context_today(self))
        return result

    def unlink(self):
        logs = (
            self.env["lease.escalation.log"]
            .sudo()
            .search([("activity_id", "in", self.ids), ("state", "=", "open")])
        )
        if logs:
            logs.write(
                {"state": self.env.context.get("lease_close_state", "cancelled")}
            )
        return super().unlink()

    def _action_done(self, feedback=False, attachment_ids=None):
        """A collection call or visit marked done logs its collection record (SPEC F1)."""
        vals_list = []
        now = fields.Datetime.now()
        for activity in self.filtered(
            lambda a: a.lease_contract_id and a.activity_type_id.lease_record_channel
        ):
            case = activity.lease_case_id or activity.lease_contract_id.current_case_id
            vals_list.append(
                {
                    "contract_id": activity.lease_contract_id.id,
                    "case_id": case.id if case.state == "open" else False,
                    "date": now,
                    "channel": activity.activity_type_id.lease_record_channel,
                    "user_id": self.env.user.id,
                    "result": feedback
                    or activity.summary
                    or activity.activity_type_id.name,
                    "next_step": False,
                }
            )
        if vals_list:
            self.env["lease.collection.record"].sudo().create(vals_list)
        return super()._action_done(feedback=feedback, attachment_ids=attachment_ids)

    def action_lease_cannot_attend(self):
        """The account manager cannot join the visit: the team lead assigns a member of
        his team instead (D5 L96, SPEC E2)."""
        for activity in self:
            contract = activity.lease_contract_id
            if not contract or activity.lease_role_code != "account_manager":
                raise UserError(
                    self.env._(
                        "Only an account manager's collection visit can be handed over."
                    )
                )
            if activity.user_id != self.env.user and not self.env.user.has_group(
                "lease_overdue.group_business_head"
            ):
                raise UserError(
                    self.env._("Only the assigned account manager can hand it over.")
                )
            lead = contract.sudo().team_lead_id
            if not lead:
                raise UserError(
                    self.env._(
                        "%(contract)s has no team lead to assign a team member.",
                        contract=contract.display_name,
                    )
                )
            note = Markup("%s<p>%s</p>") % (
                activity.note or "",
                self.env._(
                    "%(user)s cannot join the visit: assign a member of your team.",
                    user=activity.user_id.name,
                ),
            )
            activity.sudo().write(
                {"user_id": lead.id, "note": note, "lease_role_code": "team_lead"}
            )
            self.env["lease.escalation.log"].sudo().search(
                [("activity_id", "=", activity.id)]
            ).write({"user_id": lead.id})
        return True
