from odoo import fields, models

from .lease_constants import DEPARTMENTS

# Who a role designates on a contract or case: the person named on the contract, else
# the department's head (see lease.escalation.rule.ROLE_SOURCES and
# res.company._lease_department_heads).
ROLE_CODES = [
    ("collector", "Collector"),
    ("account_manager", "Account Manager"),
    ("team_lead", "Team Lead"),
    ("risk_officer", "Risk Officer"),
    ("asset_management_head", "Head of Asset Management"),
    ("risk_management_head", "Head of Risk Management"),
    ("legal_head", "Head of Legal & Compliance"),
    ("business_head", "Head of Business"),
    ("finance_head", "Head of Finance"),
    ("review_committee", "Review Committee"),
    ("general_manager", "General Manager"),
]


class LeaseEscalationRole(models.Model):
    """A responsible role of an escalation rule: a person named on the contract (collector,
    account manager, team lead, risk officer) or a department (its head first)."""

    _name = "lease.escalation.role"
    _description = "Escalation Responsible Role"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    code = fields.Selection(ROLE_CODES, required=True)
    department = fields.Selection(
        DEPARTMENTS,
        required=True,
        help="Department whose procedure compliance this role counts in.",
    )

    _code_unique = models.UniqueIndex("(code)", "Each role code exists once.")
