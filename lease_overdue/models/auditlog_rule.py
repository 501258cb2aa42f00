from odoo import api, models

from odoo.addons.auditlog.models.auditlog_rule import EMPTY_DICT, DictDiffer

# Fields of the lease models that auditlog does not compare: the chatter and activities
# (a thread of their own, with its own tracking) and the one2many lists, whose lines
# are records of their own (installments, approvals, disposal lines... are logged on
# their own model). Reading them for every record before and after each write of the
# escalation job cost more than the rest of the log.
_NOT_LOGGED_PREFIXES = ("message_", "activity_", "website_message_", "rating_")


class AuditlogRule(models.Model):
    """OCA auditlog, set-based for the lease models (issue 8, item 5; SPEC E14).

    Auditlog creates one log per record in a loop: a job that moves a thousand cases
    would make thousands of queries. For the lease models, the logs of one call are
    created together, in one ``create`` (the values logged are auditlog's own, the same
    for one record or many). No context key changes what is logged.
    """

    _inherit = "auditlog.rule"

    @api.model
    def get_auditlog_fields(self, model):
        names = super().get_auditlog_fields(model)
        if not model._name.startswith("lease."):
            return names
        return [
            name
            for name in names
            if model._fields[name].type != "one2many"
            and not name.startswith(_NOT_LOGGED_PREFIXES)
        ]

    def create_logs(
        self,
        uid,
        res_model,
        res_ids,
        method,
        old_values=None,
        new_values=None,
        additional_log_values=None,
    ):
        if (
            not res_model.startswith("lease.")
            or method not in ("create", "write", "unlink")
            or len(res_ids) < 2
        ):
            return super().create_logs(
                uid,
                res_model,
                res_ids,
                method,
                old_values=old_values,
                new_values=new_values,
                additional_log_values=additional_log_values,
            )
        old_values = old_values or EMPTY_DICT
        new_values = new_values or EMPTY_DICT
        model_id = self.pool._auditlog_model_cache[res_model]
        rule = self.env["auditlog.rule"].search([("model_id", "=", model_id)])
        fields_to_exclude = rule.fields_to_exclude_ids.mapped("name")
        vals = {
            "model_id": model_id,
            "method": method,
            "user_id": uid,
            "http_request_id": self.env["auditlog.http.request"].current_http_request(),
            "http_session_id": self.env["auditlog.http.session"].current_http_session(),
            **(additional_log_values or {}),
        }
        vals_list = []
        for res_id in res_ids:
            log_vals = {**vals, "res_id": res_id}
            diff = DictDiffer(
                new_values.get(res_id, EMPTY_DICT), old_values.get(res_id, EMPTY_DICT)
            )
            if method == "create":
                log_vals["line_ids"] = self._create_log_line_on_create(
                    log_vals, diff.added(), new_values, fields_to_exclude
                )
            elif method == "write":
                log_vals["line_ids"] = self._create_log_line_on_write(
                    log_vals, diff.changed(), old_values, new_values, fields_to_exclude
                )
            elif rule.capture_record:
                log_vals["line_ids"] = self._create_log_line_on_read(
                    log_vals,
                    list(old_values.get(res_id, EMPTY_DICT).keys()),
                    old_values,
                    fields_to_exclude,
                )
            if method == "unlink" or log_vals.get("line_ids"):
                vals_list.append(log_vals)
        if not vals_list:
            return self.env["auditlog.log"]
        records = self.env[res_model].browse([v["res_id"] for v in vals_list])
        records.fetch(["display_name"])
        for log_vals, record in zip(vals_list, records, strict=True):
            log_vals["name"] = record.display_name
        return self.env["auditlog.log"].create(vals_list)
