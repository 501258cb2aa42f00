"""The KPI analysis's monthly summary (issue 10 item 6): what the head's pivot reads.

The KPI analysis (lease.kpi.report) has one row per invoiced installment: 1.3M rows at
100k contracts, 3 to 4 s for any pivot. Most pivots group by due month, collector,
account manager, tier or contract state: those read this summary instead, one row per
(company, currency, collector, account manager, tier, contract state, due month), a few
thousand rows (``LeaseKpiReport._lease_summary_delegable`` says which reads qualify;
the others, by lessee or by day, still read the installments).

How the summary stays exact without a refresh job:

- ``lease_kpi_summary_data`` holds the sums as of the last fold;
- statement-level triggers on lease_installment and lease_contract append to
  ``lease_kpi_summary_delta`` what each statement changed: minus the old rows'
  contribution, plus the new rows' (one INSERT per statement, grouped, whatever path
  wrote: the ORM, the overdue engine's SQL, an import). Append only: two payments on
  the same collector's month do not wait for each other;
- the model reads data UNION ALL delta, so every read sees the state of its own
  transaction;
- the nightly job folds the delta into the data (``_fold``, after the overdue figures:
  one statement, under an advisory lock); an upgrade rebuilds both (``init``).

An installment contributes what the KPI analysis shows for it: ``KPI_MEASURES`` below,
the one source of these figures for the analysis, the summary and the triggers.
"""

from odoo import api, models
from odoo.tools import SQL

# One installment's contribution to the KPI analysis (SPEC W2), over the aliases
# ``i`` (lease_installment) and ``c`` (its lease_contract).
KPI_SCOPE = "i.move_id IS NOT NULL AND c.state != 'draft'"
KPI_DIMENSIONS = {
    "company_id": "c.company_id",
    "currency_id": "c.currency_id",
    "collector_id": "c.collector_id",
    "account_manager_id": "c.account_manager_id",
    "tier_id": "i.tier_id",
    "contract_state": "c.state",
    "date_due": "date_trunc('month', i.date_due)::date",
}
_LATE = "(i.days_overdue > 0 OR i.days_late > 0)"
KPI_MEASURES = {
    "amount_due": "i.amount_rent",
    "amount_paid_on_time": "LEAST(COALESCE(i.kpi_paid_on_time, 0), i.amount_rent)",
    "amount_paid_month_end": "LEAST(COALESCE(i.kpi_paid_month_end, 0), i.amount_rent)",
    "amount_paid": "i.amount_paid",
    "amount_late": f"CASE WHEN {_LATE}"
    " THEN GREATEST(i.amount_rent - COALESCE(i.kpi_paid_on_time, 0), 0) ELSE 0 END",
    "amount_outstanding": "CASE WHEN i.days_overdue > 0 THEN i.amount_residual ELSE 0 END",
    "penalty_due": "i.penalty_due",
    "due_count": "1",
    "late_count": f"CASE WHEN {_LATE} THEN 1 ELSE 0 END",
}
_COUNTS = ("due_count", "late_count")
_COLUMN_TYPES = {
    "company_id": "integer",
    "currency_id": "integer",
    "collector_id": "integer",
    "account_manager_id": "integer",
    "tier_id": "integer",
    "contract_state": "varchar",
    "date_due": "date",
}

DATA_TABLE = "lease_kpi_summary_data"
DELTA_TABLE = "lease_kpi_summary_delta"
_FOLD_LOCK = "hashtext('lease_kpi_summary_fold')"


def _columns():
    return [*KPI_DIMENSIONS, *KPI_MEASURES]


def _grouped(source, sign, where="TRUE"):
    """SELECT of the summary columns over ``source`` (a FROM ... JOIN text naming the
    installments ``i`` and their contracts ``c``), each measure times ``sign``, grouped
    by the dimensions."""
    dims = ", ".join(KPI_DIMENSIONS.values())
    measures = ", ".join(f"{sign} * SUM({expr})" for expr in KPI_MEASURES.values())
    return (
        f"SELECT {dims}, {measures} FROM {source} WHERE {KPI_SCOPE} AND {where}"
        f" GROUP BY {', '.join(str(n + 1) for n in range(len(KPI_DIMENSIONS)))}"
    )


def _insert_delta(*selects):
    """INSERT into the delta of the sum of ``selects`` (each a ``_grouped``), rows that
    cancel out left out."""
    columns = ", ".join(_columns())
    dims = ", ".join(KPI_DIMENSIONS)
    sums = ", ".join(f"SUM({m})" for m in KPI_MEASURES)
    nonzero = " OR ".join(f"COALESCE(SUM({m}), 0) != 0" for m in KPI_MEASURES)
    union = " UNION ALL ".join(f"({s})" for s in selects)
    return (
        f"INSERT INTO {DELTA_TABLE} ({columns}) SELECT {dims}, {sums}"
        f" FROM ({union}) AS x ({columns}) GROUP BY {dims} HAVING {nonzero};"
    )


def _trigger_sql():
    """The trigger functions and triggers, dropped and created again (their text
    follows KPI_MEASURES)."""
    contract_changed = (
        "(o.company_id, o.currency_id, o.collector_id, o.account_manager_id, o.state)"
        " IS DISTINCT FROM"
        " (n.company_id, n.currency_id, n.collector_id, n.account_manager_id, n.state)"
    )
    installment_new = _grouped(
        "lease_kpi_new i JOIN lease_contract c ON c.id = i.contract_id", "1"
    )
    installment_old = _grouped(
        "lease_kpi_old i JOIN lease_contract c ON c.id = i.contract_id", "-1"
    )
    contract_new = _grouped(
        "lease_kpi_new c JOIN lease_kpi_old o ON o.id = c.id"
        " JOIN lease_kpi_new n ON n.id = c.id"
        " JOIN lease_installment i ON i.contract_id = c.id",
        "1",
        where=contract_changed,
    )
    contract_old = _grouped(
        "lease_kpi_old c JOIN lease_kpi_old o ON o.id = c.id"
        " JOIN lease_kpi_new n ON n.id = c.id"
        " JOIN lease_installment i ON i.contract_id = c.id",
        "-1",
        where=contract_changed,
    )
    # A deleted contract: its installments' contribution goes before the cascade
    # deletes them (once deleted, the installments' trigger cannot find its contract).
    contract_deleted = _grouped(
        "lease_installment i JOIN lease_contract c ON c.id = i.contract_id",
        "-1",
        where="c.id = OLD.id",
    )
    statements = [
        f"""
        CREATE OR REPLACE FUNCTION lease_kpi_summary_installment() RETURNS trigger
        LANGUAGE plpgsql AS $body$
        BEGIN
            IF TG_OP = 'INSERT' THEN
                {_insert_delta(installment_new)}
            ELSIF TG_OP = 'DELETE' THEN
                {_insert_delta(installment_old)}
            ELSE
                {_insert_delta(installment_new, installment_old)}
            END IF;
            RETURN NULL;
        END $body$
        """,
        f"""
        CREATE OR REPLACE FUNCTION lease_kpi_summary_contract() RETURNS trigger
        LANGUAGE plpgsql AS $body$
        BEGIN
            IF TG_OP = 'DELETE' THEN
                {_insert_delta(contract_deleted)}
                RETURN OLD;
            END IF;
            {_insert_delta(contract_new, contract_old)}
            RETURN NULL;
        END $body$
        """,
    ]
    triggers = [
        ("lease_installment", "lease_kpi_summary_ins", "INSERT", "NEW TABLE AS lease_kpi_new"),
        ("lease_installment", "lease_kpi_summary_upd", "UPDATE",
         "OLD TABLE AS lease_kpi_old NEW TABLE AS lease_kpi_new"),
        ("lease_installment", "lease_kpi_summary_del", "DELETE", "OLD TABLE AS lease_kpi_old"),
        ("lease_contract", "lease_kpi_summary_upd", "UPDATE",
         "OLD TABLE AS lease_kpi_old NEW TABLE AS lease_kpi_new"),
    ]  # fmt: skip
    for table, name, event, referencing in triggers:
        function = (
            "lease_kpi_summary_installment"
            if table == "lease_installment"
            else "lease_kpi_summary_contract"
        )
        statements.append(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        statements.append(
            f"CREATE TRIGGER {name} AFTER {event} ON {table}"
            f" REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
        )
    statements.append("DROP TRIGGER IF EXISTS lease_kpi_summary_del ON lease_contract")
    statements.append(
        "CREATE TRIGGER lease_kpi_summary_del BEFORE DELETE ON lease_contract"
        " FOR EACH ROW EXECUTE FUNCTION lease_kpi_summary_contract()"
    )
    return statements


def drop_summary(cr):
    """Uninstall: the triggers, their functions and the two tables."""
    for table, name in [
        ("lease_installment", "lease_kpi_summary_ins"),
        ("lease_installment", "lease_kpi_summary_upd"),
        ("lease_installment", "lease_kpi_summary_del"),
        ("lease_contract", "lease_kpi_summary_upd"),
        ("lease_contract", "lease_kpi_summary_del"),
    ]:
        cr.execute(
            SQL(
                "DO $$ BEGIN IF to_regclass(%s) IS NOT NULL THEN"
                " EXECUTE %s; END IF; END $$",
                table,
                f"DROP TRIGGER IF EXISTS {name} ON {table}",
            )
        )
    cr.execute(
        SQL(
            f"DROP FUNCTION IF EXISTS lease_kpi_summary_installment() CASCADE;"
            f" DROP FUNCTION IF EXISTS lease_kpi_summary_contract() CASCADE;"
            f" DROP TABLE IF EXISTS {DATA_TABLE}, {DELTA_TABLE}"
        )
    )


class LeaseKpiSummary(models.Model):
    """Monthly sums of the KPI analysis (see the module docstring). Read through the
    KPI analysis only (``LeaseKpiReport._read_group``), with its access rules: no user
    reads this model directly."""

    _name = "lease.kpi.summary"
    _inherit = ["lease.kpi.figures"]
    _description = "Lease KPI Monthly Summary"
    _auto = False

    @property
    def _table_query(self):
        # ids: even for the folded sums, odd for the changes since
        columns = ", ".join(_columns())
        return SQL(
            f"SELECT 2 * id AS id, {columns} FROM {DATA_TABLE}"
            f" UNION ALL SELECT 2 * id + 1 AS id, {columns} FROM {DELTA_TABLE}"
        )

    def init(self):
        """Create the two tables (again when their columns changed), the triggers, and
        rebuild the sums from the installments (a few seconds at 100k contracts)."""
        cr = self.env.cr
        columns = ", ".join(
            f"{name} {_COLUMN_TYPES.get(name, 'numeric')}" for name in _columns()
        )
        signature = f"lease_overdue KPI summary: {columns}"
        for table in (DATA_TABLE, DELTA_TABLE):
            cr.execute(
                SQL("SELECT obj_description(to_regclass(%s), 'pg_class')", table)
            )
            if cr.fetchone()[0] != signature:
                cr.execute(SQL(f"DROP TABLE IF EXISTS {table}"))
                cr.execute(
                    SQL(f"CREATE TABLE {table} (id bigserial PRIMARY KEY, {columns})")
                )
                cr.execute(SQL(f"COMMENT ON TABLE {table} IS %s", signature))
        for statement in _trigger_sql():
            cr.execute(SQL(statement))
        self._rebuild()

    @api.model
    def _rebuild(self):
        """Sums recomputed from the installments; the delta emptied."""
        cr = self.env.cr
        cr.execute(SQL("SELECT pg_advisory_xact_lock(%s)", SQL(_FOLD_LOCK)))
        cr.execute(SQL(f"DELETE FROM {DELTA_TABLE}; DELETE FROM {DATA_TABLE}"))
        cr.execute(
            SQL(
                f"INSERT INTO {DATA_TABLE} ({', '.join(_columns())}) "
                + _grouped(
                    "lease_installment i JOIN lease_contract c ON c.id = i.contract_id",
                    "1",
                )
            )
        )

    @api.model
    def _fold(self):
        """Fold the changes since the last fold into the sums: one statement; the
        summary's rows are few (a few thousand), they are regrouped whole."""
        self.env.flush_all()
        cr = self.env.cr
        columns = ", ".join(_columns())
        dims = ", ".join(KPI_DIMENSIONS)
        sums = ", ".join(f"SUM({m})" for m in KPI_MEASURES)
        cr.execute(SQL("SELECT pg_advisory_xact_lock(%s)", SQL(_FOLD_LOCK)))
        cr.execute(SQL(f"SELECT EXISTS (SELECT 1 FROM {DELTA_TABLE})"))
        if not cr.fetchone()[0]:
            return 0  # nothing changed since the last fold: nothing written
        cr.execute(
            SQL(
                f"""
            WITH delta AS (DELETE FROM {DELTA_TABLE} RETURNING {columns}),
            data AS (DELETE FROM {DATA_TABLE} RETURNING {columns})
            INSERT INTO {DATA_TABLE} ({columns})
            SELECT {dims}, {sums}
              FROM (SELECT * FROM data UNION ALL SELECT * FROM delta) AS x
             GROUP BY {dims}
            HAVING SUM(due_count) != 0
            """
            )
        )
        return cr.rowcount
