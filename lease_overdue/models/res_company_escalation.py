from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .lease_constants import HEAD_FIELDS, HEAD_GROUPS

_HEAD_HELP = (
    "Receives the department's escalation tasks in this company when the contract names "
    "nobody for the role. Empty: the only user of this company in the department's head "
    "group receives them; with none or several, the tasks wait (the escalation job lists "
    "them under Rules That Failed) until a head is set here."
)
_HEAD_DOMAIN = "[('share', '=', False), ('company_ids', 'in', id)]"


def _head_field(string):
    return fields.Many2one(
        "res.users",
        string,
        domain=_HEAD_DOMAIN,
        help=_HEAD_HELP,
    )


class ResCompany(models.Model):
    _inherit = "res.company"

    lease_escalation_d5 = fields.Boolean(
        "D5 Pre-due and Visit Rules",
        default=True,
        help="Apply the escalation rules of the overdue accounts policy (D5): pre-due SMS and "
        "calls, visits, the 10:00 list to account managers.",
    )
    lease_escalation_d8 = fields.Boolean(
        "D8 Disposal Matrix Rules",
        default=True,
        help="Apply the escalation rules of the overdue customer disposal matrix (D8): "
        "category by days x occurrence.",
    )
    lease_four_eyes = fields.Boolean(
        "Four-Eyes Approvals",
        default=True,
        help="Whoever prepares or submits a collection document never approves or "
        "signs it.",
    )
    # Who receives each department's tasks (issue 12 item 4); see _lease_department_heads.
    lease_head_asset_management_id = _head_field("Head of Asset Management")
    lease_head_risk_management_id = _head_field("Head of Risk Management")
    lease_head_legal_id = _head_field("Head of Legal & Compliance")
    lease_head_business_id = _head_field("Head of Business")
    lease_head_finance_id = _head_field("Head of Finance")
    lease_head_review_committee_id = _head_field("Review Committee Contact")
    lease_head_general_manager_id = _head_field("General Manager")

    @api.constrains(*HEAD_FIELDS.values())
    def _check_lease_heads(self):
        for company in self:
            for department, field in HEAD_FIELDS.items():
                user = company[field]
                if not user:
                    continue
                group = self.env.ref(HEAD_GROUPS[department])
                if (
                    user.share
                    or company not in user.company_ids
                    or group not in user.all_group_ids
                ):
                    raise ValidationError(
                        self.env._(
                            "%(user)s cannot be the %(role)s of %(company)s: choose an "
                            "internal user of that company who is in the group "
                            "%(group)s.",
                            user=user.display_name,
                            role=self._fields[field]._description_string(self.env),
                            company=company.display_name,
                            group=group.display_name,
                        )
                    )

    def _lease_department_heads(self):
        """Who receives each department's tasks in these companies (issue 12 item 4):
        {(company id, department): user, or an empty recordset when nobody can}.

        The rule: the person set in the company's settings (Settings > Invoicing >
        Responsible people); when none is set, the only internal user of the company in
        the department's head group; with none or several, nobody: the caller reports it
        and assigns nothing (never an arbitrary user, never the administrator).
        Two queries whatever the number of companies: the settings and the head groups'
        members."""
        self.fetch(list(HEAD_FIELDS.values()))
        groups = {
            department: self.env.ref(xmlid) for department, xmlid in HEAD_GROUPS.items()
        }
        members = (
            self.env["res.users"]
            .sudo()
            .search_fetch(
                [
                    ("share", "=", False),
                    ("all_group_ids", "in", [g.id for g in groups.values()]),
                    ("company_ids", "in", self.ids),
                ],
                ["company_ids", "all_group_ids"],
                order="id",
            )
        )
        heads = {}
        for company in self:
            in_company = members.filtered(lambda u, c=company: c in u.company_ids)
            for department, field in HEAD_FIELDS.items():
                user = company[field]
                if user and (not user.active or company not in user.company_ids):
                    user = user.browse()
                elif not user:
                    candidates = in_company.filtered(
                        lambda u, g=groups[department]: g in u.all_group_ids
                    )
                    user = candidates if len(candidates) == 1 else candidates.browse()
                heads[company.id, department] = user
        return heads
