from collections import defaultdict

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import SQL

# Lease records whose chatter is evidence once they reach these states: issued documents,
# signed or archived monthly logs, generated (frozen) or sent weekly reports. Their
# messages are never deleted and their content never changes, whoever asks, superuser
# mode included (issue 8, item 5): only new messages can be posted.
LEASE_EVIDENCE_THREAD_STATES = {
    # from submission on: the approvals given before issue are evidence too
    "lease.document": ("to_approve", "approved", "issued", "refused", "cancelled"),
    "lease.collection.log.monthly": ("signing", "signed", "archived"),
    "lease.overdue.weekly.report": ("generated", "sent"),
}

# What a message says, who wrote it, when, on which record, with which files and
# tracked values. Other fields (notifications, stars, reactions, pins, mentions added on
# an incoming e-mail) stay writable: Odoo updates them on every message.
MESSAGE_CONTENT_FIELDS = frozenset(
    {
        "body",
        "attachment_ids",
        "model",
        "res_id",
        "author_id",
        "author_guest_id",
        "email_from",
        "date",
        "subject",
        "message_type",
        "subtype_id",
        "tracking_value_ids",
    }
)


def _evidence_messages(env, message_ids):
    """{message id: (model, record id)} of the messages among ``message_ids`` posted on
    a lease record that is evidence (``LEASE_EVIDENCE_THREAD_STATES``): one query for
    the messages, then one per model, whatever their number."""
    if not message_ids:
        return {}
    env["mail.message"].flush_model(["model", "res_id"])
    by_model = defaultdict(lambda: defaultdict(list))
    for message_id, model, res_id in env.execute_query(
        SQL(
            """
        SELECT id, model, res_id FROM mail_message
         WHERE id = ANY(%s) AND model = ANY(%s) AND res_id IS NOT NULL
        """,
            list(message_ids),
            list(LEASE_EVIDENCE_THREAD_STATES),
        )
    ):
        by_model[model][res_id].append(message_id)
    return {
        message_id: (model, res_id)
        for model, by_record in by_model.items()
        for res_id in _evidence_record_ids(env, model, list(by_record))
        for message_id in by_record[res_id]
    }


def _evidence_record_ids(env, model, res_ids):
    """The ids among ``res_ids`` of ``model`` records in an evidence state, in one query."""
    if model not in env or not res_ids:
        return []
    records = env[model]
    records.flush_model(["state"])
    return [
        row[0]
        for row in env.execute_query(
            SQL(
                "SELECT id FROM %s WHERE id = ANY(%s) AND state = ANY(%s) ORDER BY id",
                SQL.identifier(records._table),
                list(res_ids),
                list(LEASE_EVIDENCE_THREAD_STATES[model]),
            )
        )
    ]


def _refuse_evidence(env, evidence, deleting):
    """Raise when ``evidence`` ({message id: (model, record id)}) is not empty."""
    if not evidence:
        return
    model, res_id = evidence[min(evidence)]
    record = env[model].sudo().browse(res_id)
    if deleting:
        raise UserError(
            env._(
                "The messages of %(record)s are part of its record since it was "
                "issued, signed or frozen: they cannot be deleted, not even by an "
                "administrator.",
                record=record.display_name,
            )
        )
    raise UserError(
        env._(
            "The messages of %(record)s are part of its record since it was issued, "
            "signed or frozen: their text, attachments, author, date and record cannot "
            "be changed, not even by an administrator. Post a new message instead.",
            record=record.display_name,
        )
    )


class MailMessage(models.Model):
    """The messages of issued, signed and frozen lease records are evidence (issue 8,
    item 5): not deleted, their content not edited, by anyone."""

    _inherit = "mail.message"

    def _lease_check_evidence(self, deleting=False):
        """Refuse when one of these messages belongs to an evidence record."""
        _refuse_evidence(self.env, _evidence_messages(self.env, self.ids), deleting)

    def _lease_check_target(self, vals):
        """Nor can a message be moved onto an evidence record."""
        targets = defaultdict(set)
        for message in self:
            model = vals.get("model", message.model)
            if model in LEASE_EVIDENCE_THREAD_STATES:
                targets[model].add(vals.get("res_id", message.res_id))
        for model, res_ids in targets.items():
            frozen = _evidence_record_ids(self.env, model, res_ids - {False})
            _refuse_evidence(self.env, {0: (model, frozen[0])} if frozen else {}, False)

    def write(self, vals):
        if MESSAGE_CONTENT_FIELDS.intersection(vals):
            self._lease_check_evidence()
            if "model" in vals or "res_id" in vals:
                self._lease_check_target(vals)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_lease_evidence(self):
        self._lease_check_evidence(deleting=True)


class MailTrackingValue(models.Model):
    """The tracked values (old and new) of those messages are evidence too."""

    _inherit = "mail.tracking.value"

    def _lease_check_evidence(self, deleting=False):
        if not self:
            return
        self.flush_model(["mail_message_id"])
        message_ids = [
            row[0]
            for row in self.env.execute_query(
                SQL(
                    "SELECT DISTINCT mail_message_id FROM mail_tracking_value"
                    " WHERE id = ANY(%s) AND mail_message_id IS NOT NULL",
                    self.ids,
                )
            )
        ]
        _refuse_evidence(self.env, _evidence_messages(self.env, message_ids), deleting)

    def write(self, vals):
        self._lease_check_evidence()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_lease_evidence(self):
        self._lease_check_evidence(deleting=True)


class MailThread(models.AbstractModel):
    """The chatter's edit and delete (``_message_update_content``) is refused before it
    touches anything (the attachments it would delete first included)."""

    _inherit = "mail.thread"

    def _check_can_update_message_content(self, messages):
        messages._lease_check_evidence()
        return super()._check_can_update_message_content(messages)
