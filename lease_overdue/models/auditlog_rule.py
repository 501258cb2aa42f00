from functools import partial

from odoo import api, models
from odoo.orm.identifiers import NewId
from odoo.tools import SQL

from odoo.addons.auditlog.models.auditlog_rule import EMPTY_DICT, DictDiffer

# Fields of the lease models that auditlog does not compare: the chatter and activities
# (a thread of their own, with its own tracking), the one2many lists, whose lines are
# records of their own (installments, approvals, disposal lines... are logged on their
# own model), and file contents (their SHA-256 and attachment links are logged).
_NOT_LOGGED_PREFIXES = ("message_", "activity_", "website_message_", "rating_")
_PENDING = "lease_overdue.auditlog_writes"


def _raw_values(records, names):
    """{id: {field: value}} of ``records`` from the cache (the batch prefetched in one
    query per field group when not there yet): ids for relations, named later."""
    values = {}
    for record in records:
        row = values[record.id] = {}
        for name in names:
            field, value = record._fields[name], record[name]
            if field.type == "many2one":
                row[name] = value.id
            elif field.type == "many2many":
                row[name] = value.ids
            else:
                row[name] = field.convert_to_read(value, record)
    return values


def _flush_pending_writes(env):
    """Precommit: the logs of the writes of this transaction, created together."""
    pending = env.cr.precommit.data.pop(_PENDING, [])
    if not pending:
        return
    env = env(su=True)
    # many2one values as ``read`` gives them, (id, name), named in one query a model
    names_to_fetch = {}
    for _uid, model, _ids, old, new in pending:
        fields = env[model]._fields
        for values in (old, new):
            for row in values.values():
                for name, value in row.items():
                    if value and fields[name].type == "many2one":
                        names_to_fetch.setdefault(fields[name].comodel_name, set()).add(
                            value
                        )
    display = {}
    for comodel, ids in names_to_fetch.items():
        records = env[comodel].browse(sorted(ids)).exists()
        records.fetch(["display_name"])
        display[comodel] = {record.id: record.display_name for record in records}
    Rule = env["auditlog.rule"]
    vals_list = []
    memo = {}
    for uid, model, ids, old, new in pending:
        fields = env[model]._fields
        for values in (old, new):
            for row in values.values():
                for name, value in row.items():
                    if value and fields[name].type == "many2one":
                        comodel = fields[name].comodel_name
                        row[name] = (value, display[comodel].get(value, "DELETED"))
        vals_list += Rule._lease_log_vals(
            uid, model, ids, "write", old, new, {"log_type": "full"}, memo
        )
    Rule._lease_create_logs(vals_list)


class AuditlogRule(models.Model):
    """OCA auditlog, set-based for the lease models (issue 8, item 5; SPEC E14).

    Auditlog creates one log per record in a loop: a job that moves a thousand cases
    would make thousands of queries. For the lease models, the logs of one call are
    created together, in one ``create`` (the values logged are auditlog's own, the same
    for one record or many). No context key changes what is logged.
    """

    _inherit = "auditlog.rule"

    def _make_write(self):
        """For the lease models: the old and new values of the fields written, taken
        from the records (prefetched together) before and after the write, instead of
        auditlog's re-read of every stored field from the database before and after
        each call (two queries and a flush per call, per x2many field more); the logs
        of the transaction's writes are created together when it commits (precommit,
        like mail tracking; nothing is logged of a write that is rolled back). Stored
        computed figures are not compared: they follow from the logged inputs, and the
        overdue engine's are written in SQL anyway."""
        self.ensure_one()
        if not (self.model_id.model or "").startswith("lease."):
            return super()._make_write()
        users_to_exclude = self.mapped("users_to_exclude_ids")

        def write_lease(self, vals, **kwargs):
            rule_model = self.env["auditlog.rule"].sudo()
            logged = set(rule_model.get_auditlog_fields(self))
            names = [name for name in vals if name in logged]
            records = self.filtered(lambda r: not isinstance(r.id, NewId)).sudo()
            if not names or not records or self.env.user in users_to_exclude:
                return write_lease.origin(self, vals, **kwargs)
            old_values = _raw_values(records, names)
            result = write_lease.origin(self, vals, **kwargs)
            new_values = _raw_values(records, names)
            precommit = self.env.cr.precommit
            if _PENDING not in precommit.data:
                precommit.add(partial(_flush_pending_writes, self.env))
            precommit.data.setdefault(_PENDING, []).append(
                (self.env.uid, self._name, records.ids, old_values, new_values)
            )
            return result

        return write_lease

    @api.model
    def get_auditlog_fields(self, model):
        names = super().get_auditlog_fields(model)
        if not model._name.startswith("lease."):
            return names
        return [
            name
            for name in names
            if model._fields[name].type not in ("one2many", "binary")
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
        return self._lease_create_logs(
            self._lease_log_vals(
                uid,
                res_model,
                res_ids,
                method,
                old_values,
                new_values,
                additional_log_values,
            )
        )

    def _lease_log_vals(
        self,
        uid,
        res_model,
        res_ids,
        method,
        old_values=None,
        new_values=None,
        additional_log_values=None,
        memo=None,
    ):
        """The values of auditlog's logs (with their lines) of one call, as auditlog
        builds them one by one, without creating them. ``memo`` keeps the rules and
        the HTTP request between calls."""
        old_values = old_values or EMPTY_DICT
        new_values = new_values or EMPTY_DICT
        memo = {} if memo is None else memo
        model_id = self.pool._auditlog_model_cache[res_model]
        if model_id not in memo:
            rule = self.env["auditlog.rule"].search([("model_id", "=", model_id)])
            memo[model_id] = (rule, rule.fields_to_exclude_ids.mapped("name"))
        rule, fields_to_exclude = memo[model_id]
        if "http" not in memo:
            memo["http"] = {
                "http_request_id": self.env[
                    "auditlog.http.request"
                ].current_http_request(),
                "http_session_id": self.env[
                    "auditlog.http.session"
                ].current_http_session(),
            }
        vals = {
            "model_id": model_id,
            "method": method,
            "user_id": uid,
            **memo["http"],
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
        return vals_list

    def _lease_create_logs(self, vals_list):
        """Create the logs of ``vals_list`` (any models) at once, named after their
        records (one query a model)."""
        if not vals_list:
            return self.env["auditlog.log"]
        by_model = {}
        for log_vals in vals_list:
            model = self.env["ir.model"].browse(log_vals["model_id"]).sudo().model
            by_model.setdefault(model, []).append(log_vals)
        for model, model_vals in by_model.items():
            # (a record written, then deleted in the same transaction has no name)
            records = self.env[model].browse({v["res_id"] for v in model_vals})
            records = records.exists()
            records.fetch(["display_name"])
            names = {record.id: record.display_name for record in records}
            for log_vals in model_vals:
                log_vals["name"] = names.get(log_vals["res_id"], False)
        lines = [log_vals.pop("line_ids", None) or [] for log_vals in vals_list]
        logs = self.env["auditlog.log"].sudo().create(vals_list)
        self._lease_insert_lines(logs, lines)
        return logs

    def _lease_insert_lines(self, logs, lines):
        """The lines of ``logs`` (auditlog's ``Command.create`` values) in one INSERT
        (the ORM inserts them by hundreds: the statements would grow with the number
        of records), with the field name and label auditlog's own create gives them."""
        rows = [
            (log.id, command[2])
            for log, commands in zip(logs, lines, strict=True)
            for command in commands
        ]
        if not rows:
            return
        fields = (
            self.env["ir.model.fields"].sudo().browse({v["field_id"] for _, v in rows})
        )
        label = {field.id: (field.name, field.field_description) for field in fields}

        def text(value):
            return None if value is None or value is False else str(value)

        columns = list(
            zip(
                *(
                    (
                        log_id,
                        vals["field_id"],
                        *label[vals["field_id"]],
                        text(vals.get("old_value")),
                        text(vals.get("new_value")),
                        text(vals.get("old_value_text")),
                        text(vals.get("new_value_text")),
                    )
                    for log_id, vals in rows
                ),
                strict=True,
            )
        )
        self.env["auditlog.log.line"].flush_model()
        self.env.cr.execute(
            SQL(
                """
            INSERT INTO auditlog_log_line
                   (log_id, field_id, field_name, field_description, old_value,
                    new_value, old_value_text, new_value_text,
                    create_uid, create_date, write_uid, write_date)
            SELECT l.*, %(uid)s, %(now)s, %(uid)s, %(now)s
              FROM unnest(%(log)s::int[], %(field)s::int[], %(name)s::varchar[],
                          %(label)s::varchar[], %(old)s::text[], %(new)s::text[],
                          %(old_text)s::text[], %(new_text)s::text[]) AS l
            """,
                uid=self.env.uid,
                now=self.env.cr.now(),
                log=list(columns[0]),
                field=list(columns[1]),
                name=list(columns[2]),
                label=list(columns[3]),
                old=list(columns[4]),
                new=list(columns[5]),
                old_text=list(columns[6]),
                new_text=list(columns[7]),
            )
        )
        logs.invalidate_recordset(["line_ids"])
