"""The lists the addon shares between its models, each in one place (issue 12 item 3):
departments and their groups, risk grades, contact channels.

Selections built from these lists keep their stored keys; their labels are translated
through the fields that use them.
"""

# The departments of the policy (D9): who a task, a ledger row or an approval belongs
# to. The review committee and the general manager decide as themselves.
DEPARTMENTS = [
    ("asset_management", "Asset Management"),
    ("risk_management", "Risk Management"),
    ("legal", "Legal & Compliance"),
    ("business", "Business"),
    ("finance", "Finance"),
    ("review_committee", "Review Committee"),
    ("general_manager", "General Manager"),
]
# The departments led by a head (a group of their own above the staff's group).
HEADED_DEPARTMENTS = (
    "asset_management",
    "risk_management",
    "legal",
    "business",
    "finance",
)

# Who heads (decides for) a department (SPEC A2): its head group; the review committee
# and the general manager decide as themselves.
HEAD_GROUPS = {
    "asset_management": "lease_overdue.group_asset_management_head",
    "risk_management": "lease_overdue.group_risk_management_head",
    "legal": "lease_overdue.group_legal_head",
    "business": "lease_overdue.group_business_head",
    "finance": "lease_overdue.group_finance_head",
    "review_committee": "lease_overdue.group_review_committee",
    "general_manager": "lease_overdue.group_general_manager",
}
# Who belongs to a department (staff or head): who prepares, submits and issues its papers.
MEMBER_GROUPS = {
    "asset_management": "lease_overdue.group_asset_management",
    "risk_management": "lease_overdue.group_risk_management",
    "legal": "lease_overdue.group_legal",
    "business": "lease_overdue.group_business",
    "finance": "lease_overdue.group_finance",
    "review_committee": "lease_overdue.group_review_committee",
    "general_manager": "lease_overdue.group_general_manager",
}
# The company setting naming the person who receives a department's tasks (issue 12
# item 4): res.company.lease_head_<department>_id.
HEAD_FIELDS = {
    department: f"lease_head_{department}_id" for department, _l in DEPARTMENTS
}

# Risk grades of a contract (SPEC O3), lowest first, and their order.
GRADES = [
    ("a", "A - Low"),
    ("b", "B - Medium"),
    ("c", "C - High"),
    ("d", "D - Critical"),
]

# How a lessee was contacted (SPEC F1): collection records and the activity types that
# log one when done.
CHANNELS = [
    ("phone", "Phone Call"),
    ("sms", "SMS"),
    ("letter", "Letter"),
    ("visit", "On-site Visit"),
    ("lawyer_letter", "Lawyer's Letter"),
    ("email", "Email"),
]
