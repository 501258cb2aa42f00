from odoo import fields, models

from .lease_constants import CHANNELS


class MailActivityType(models.Model):
    _inherit = "mail.activity.type"

    lease_collection = fields.Boolean(
        "Collection Task", help="Shown in the collection work queues (SPEC E13)."
    )
    lease_record_channel = fields.Selection(
        CHANNELS,
        "Logs a Contact By",
        help="Marking such an activity done on a lease case or contract logs a collection "
        "record of this channel with the feedback as its result (SPEC F1).",
    )
