from odoo import api, models
from odoo.exceptions import AccessError, UserError

# Fields Odoo's chatter and activities write on any record, frozen or not.
_ALWAYS_WRITABLE_PREFIXES = ("message_", "activity_", "website_message")


class LeaseGuardMixin(models.AbstractModel):
    """Transitions are the only door (SPEC A3; issue "Integrity").

    A model that inherits this mixin names its state and evidence fields (who and when
    signed, decided, issued, activated; hashes; archives) in ``_lease_guarded_fields``.
    Only its transition methods write them: they check the caller's right, then write in
    superuser mode (``sudo()``), the way Odoo core's own workflows do. ``create``,
    ``write``, ``copy`` and ``load`` (import) refuse those fields for every user, and
    ``default_<field>`` keys in the context are dropped: no context key is a credential.

    ``_lease_fixed_fields`` are given at creation and never written afterwards.
    ``_lease_open_states`` lists the states in which the record's content may still be
    edited; in any other state it is frozen for everyone (superuser mode included),
    except its guarded fields (which the transitions write), ``_lease_frozen_writable``
    and the chatter. ``_lease_unlink_states`` lists the states in which a record may be deleted
    (``None``: any; an empty tuple: never, whoever asks, even in superuser mode).
    """

    _name = "lease.guard.mixin"
    _description = "Record Changed Through Its Transitions Only"

    _lease_guarded_fields = ("state",)
    # Set when the record is created, never changed afterwards (e.g. its case).
    _lease_fixed_fields = ()
    _lease_open_states = None
    _lease_frozen_writable = ()
    _lease_unlink_states = None

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _lease_field_labels(self, names):
        return ", ".join(
            sorted(
                self._fields[name]._description_string(self.env)
                for name in names
                if name in self._fields
            )
        )

    def _lease_refuse_guarded(self, names, fixed=False):
        guarded = set(self._lease_guarded_fields)
        if fixed:
            guarded.update(self._lease_fixed_fields)
        guarded.intersection_update(names)
        if guarded:
            raise AccessError(
                self.env._(
                    "%(fields)s of %(model)s change only through the record's own "
                    "buttons (submit, approve, sign, issue, ...), which check who may "
                    "take that step and record it.",
                    fields=self._lease_field_labels(guarded),
                    model=self._description_translated(),
                )
            )

    def _description_translated(self):
        model = self.env["ir.model"]._get(self._name)
        return model.name if model else self._description

    def _lease_is_frozen(self):
        """True when this record's content can no longer be edited."""
        self.ensure_one()
        return (
            self._lease_open_states is not None
            and "state" in self._fields
            and self.state not in self._lease_open_states
        )

    def _lease_frozen_content(self, names):
        """The fields of ``names`` that a frozen record refuses."""
        allowed = set(self._lease_frozen_writable)
        return {
            name
            for name in names
            if name not in allowed and not name.startswith(_ALWAYS_WRITABLE_PREFIXES)
        }

    def _lease_check_frozen(self, names):
        content = self._lease_frozen_content(names)
        if not content:
            return
        for record in self:
            if record._lease_is_frozen():
                labels = dict(record._fields["state"]._description_selection(self.env))
                raise UserError(
                    self.env._(
                        "%(record)s is %(state)s: %(fields)s can no longer be changed. "
                        "Signed, approved and issued records stay as they were.",
                        record=record.display_name,
                        state=labels.get(record.state, record.state),
                        fields=self._lease_field_labels(content),
                    )
                )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            guarded = {f"default_{name}" for name in self._lease_guarded_fields}
            if guarded.intersection(self.env.context):
                self = self.with_context(  # noqa: PLW0642
                    {
                        key: value
                        for key, value in self.env.context.items()
                        if key not in guarded
                    }
                )
            names = set(self._lease_guarded_fields).intersection(
                name for vals in vals_list for name in vals
            )
            if names:
                # A form sends every field of its view, the guarded ones at their
                # default: harmless. Any other value is refused.
                defaults = self.default_get(list(names))
                self._lease_refuse_guarded(
                    {
                        name
                        for vals in vals_list
                        for name in names.intersection(vals)
                        if (vals[name] or False) != (defaults.get(name) or False)
                    }
                )
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            self._lease_refuse_guarded(vals, fixed=True)
        # Frozen content stays frozen for everyone, superuser mode included: the
        # transitions write guarded fields only.
        self._lease_check_frozen(set(vals) - set(self._lease_guarded_fields))
        return super().write(vals)

    def copy_data(self, default=None):
        if not self.env.su:
            self._lease_refuse_guarded(default or {})
        vals_list = super().copy_data(default=default)
        for vals in vals_list:
            for name in self._lease_guarded_fields:
                vals.pop(name, None)
        return vals_list

    def message_post(self, **kwargs):
        """A user posts as himself: the author of a message on a lease record is never
        chosen by the caller (transitions post in superuser mode with the real user)."""
        if not self.env.su:
            kwargs.pop("author_id", None)
            kwargs.pop("email_from", None)
        return super().message_post(**kwargs)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_in_deletable_states(self):
        states = self._lease_unlink_states
        if states is None:
            return
        for record in self:
            if not states or record.state not in states:
                raise UserError(
                    self.env._(
                        "%(record)s is kept as evidence: it cannot be deleted. "
                        "Cancel or close it through its buttons instead.",
                        record=record.display_name,
                    )
                )
