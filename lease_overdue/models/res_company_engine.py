from odoo import fields, models


class ResCompany(models.Model):
    """The record of the last daily overdue run (issue 10, item 1).

    The daily run (``lease.overdue.engine._run()`` without contracts) starts from what
    moved since this record: the day it computed for and the highest ids of the
    partial reconciliations, invoices and contracts it had seen. Written by the engine
    in SQL; never edited by hand.
    """

    _inherit = "res.company"

    lease_overdue_run_date = fields.Date(
        "Last Overdue Run",
        readonly=True,
        copy=False,
        help="The day the last daily overdue computation computed for.",
    )
    lease_overdue_run_partial = fields.Integer(
        "Last Overdue Run: Payments Seen", readonly=True, copy=False
    )
    lease_overdue_run_move = fields.Integer(
        "Last Overdue Run: Invoices Seen", readonly=True, copy=False
    )
    lease_overdue_run_contract = fields.Integer(
        "Last Overdue Run: Contracts Seen", readonly=True, copy=False
    )
    lease_overdue_run_signature = fields.Char(
        "Last Overdue Run: Configuration", readonly=True, copy=False
    )
