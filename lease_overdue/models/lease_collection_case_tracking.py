from odoo import models


class LeaseCollectionCase(models.Model):
    """The overdue engine moves and closes many cases a day: their tier and state changes
    are tracked in one batch (SPEC E14)."""

    _inherit = "lease.collection.case"

    def _message_track(self, fields_iter, initial_values_dict):
        if len(self) < 2:  # a user's own edit: Odoo's tracking, untouched
            return super()._message_track(fields_iter, initial_values_dict)
        return self._lease_message_track_batch(fields_iter, initial_values_dict)
