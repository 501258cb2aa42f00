from collections import defaultdict

from odoo import models
from odoo.exceptions import MissingError


class MailThread(models.AbstractModel):
    """Tracking of system jobs in one batch (SPEC E14)."""

    _inherit = "mail.thread"

    def _lease_message_track_batch(self, fields_iter, initial_values_dict):
        """``_message_track`` of mail, with the tracking logs (changes without a subtype)
        of all the records written in one ``create`` of messages and one of tracking
        values, instead of one message per record. The messages, bodies, authors and
        tracking values are those mail writes; changes with a subtype are still posted
        record by record (they notify followers). Models whose tracked fields the daily
        jobs write on many records at once return it from their ``_message_track``."""
        if not fields_iter:
            return {}
        tracked_fields = self.fields_get(
            fields_iter, attributes=("string", "type", "selection", "currency_field")
        )
        tracking = {}
        for record in self:
            try:
                tracking[record.id] = record._mail_track(
                    tracked_fields, initial_values_dict[record.id]
                )
            except MissingError:
                continue
        precommit = self.env.cr.precommit.data
        bodies = precommit.pop(f"mail.tracking.message.{self._name}", {})
        authors = precommit.pop(f"mail.tracking.author.{self._name}", {})
        logs = defaultdict(dict)  # author id -> {record id: (body, tracking values)}
        for record in self:
            changes, tracking_value_ids = tracking.get(record.id, (None, None))
            if not changes:
                continue
            subtype = record._track_subtype(
                {name: initial_values_dict[record.id][name] for name in changes}
            )
            author_id = authors[record.id].id if record.id in authors else None
            body = (
                bodies[record.id]
                if record.id in bodies
                else record._track_get_default_log_message(changes)
            )
            if subtype:
                if not subtype.exists():
                    continue
                record.message_post(
                    body=body,
                    author_id=author_id,
                    subtype_id=subtype.id,
                    tracking_value_ids=tracking_value_ids,
                )
            elif tracking_value_ids:
                logs[author_id][record.id] = (body, tracking_value_ids)
        for author_id, items in logs.items():
            records = self.browse(list(items))
            messages = records._message_log_batch(
                {res_id: body for res_id, (body, _values) in items.items()},
                author_id=author_id,
            )
            self.env["mail.tracking.value"].sudo().create(
                [
                    dict(command[2], mail_message_id=message.id)
                    for message in messages
                    for command in items[message.res_id][1]
                ]
            )
        return tracking
