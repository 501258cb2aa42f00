from odoo import api, models


class LeaseCollectionRecord(models.Model):
    """Collection records of a month whose collection log is signed cannot change
    (SPEC F2, D9 L178)."""

    _inherit = "lease.collection.record"

    def _lease_log_check(self, extra=()):
        pairs = [(record.company_id.id, record.date) for record in self]
        self.env["lease.collection.log.monthly"]._check_records_unlocked(
            pairs + list(extra)
        )

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records._lease_log_check()
        return records

    def write(self, vals):
        self._lease_log_check()
        res = super().write(vals)
        if "date" in vals or "contract_id" in vals or "case_id" in vals:
            self._lease_log_check()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_signed_month(self):
        self._lease_log_check()
