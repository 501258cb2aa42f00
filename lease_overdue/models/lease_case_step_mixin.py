"""Payment in full stops everything (SPEC E14; issue 9, item 4).

A collection case closed as paid in full takes no further step: its documents, legal
cases, disposals and overdue inspections refuse every transition except withdrawing
them (one check, ``lease.case.step.mixin._lease_check_case_open``, at the doors every
transition goes through: create, the state write, the approval decision). On closing,
the case's drafts and pending approvals are withdrawn, its planned overdue inspections
cancelled and its tasks closed, each with the reason in the chatter; what is already
underway (approved plans, legal cases, disposals in execution) gets a note and a task
for a person to decide. Reopening needs a reason: by a person (head of asset
management, configuration manager) or by the overdue computation when the payment that
closed the case is reversed.
"""

from odoo import api, models
from odoo.exceptions import UserError


class LeaseCaseStepMixin(models.AbstractModel):
    """A record that is a step of a collection case (``case_id``): once the case is
    closed, the record only moves to ``_lease_closed_case_states`` (withdrawn,
    cancelled, closed by a person)."""

    _name = "lease.case.step.mixin"
    _description = "Step of a Collection Case"

    _lease_closed_case_states = ()

    def _lease_closed_case_exempt(self):
        """The records of ``self`` a closed case does not stop (reports after the fact)."""
        return self.browse()

    def _lease_check_case_open(self, cases=None):
        """Refuse a further step on records whose collection case is closed (or on
        ``cases`` when given: the case a record is being attached to)."""
        records = (self - self._lease_closed_case_exempt()).sudo()
        if cases is None:
            pairs = [(record, record.case_id) for record in records]
        else:
            pairs = [(record, cases) for record in records]
        for record, case in pairs:
            if case and case.state == "closed":
                raise UserError(case._lease_closed_message(record))

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records._lease_check_case_open()
        return records

    def write(self, vals):
        if vals.get("case_id"):
            self._lease_check_case_open(
                self.env["lease.collection.case"].sudo().browse(vals["case_id"])
            )
        if "case_id" in vals or (
            vals.get("state") and vals["state"] not in self._lease_closed_case_states
        ):
            self._lease_check_case_open()
        return super().write(vals)
