from odoo import models


class ResPartner(models.Model):
    """The overdue engine rates many lessees a day (SPEC K1): their rating changes are
    tracked in one batch (SPEC E14)."""

    _inherit = "res.partner"

    def _message_track(self, fields_iter, initial_values_dict):
        if len(self) < 2:  # a user's own edit: Odoo's tracking, untouched
            return super()._message_track(fields_iter, initial_values_dict)
        return self._lease_message_track_batch(fields_iter, initial_values_dict)
