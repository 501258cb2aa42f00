"""Kill the nightly job in the middle, continue it, compare with one clean run (issue 10
item 4). Run by tests/test_nightly_resumable.py; by hand:

    .venv/bin/python tests/lease_nightly_kill.py --config .local/odoo.conf --source DB

1. ``S``: a copy of ``--source`` (a database with lease_overdue installed); a small
   portfolio is built in it through the ORM and committed: the company in Beijing,
   contracts with unpaid rent (overdue cases, penalty falling due with today's rent) and
   rent to invoice tonight. The batch size is 2, so every phase has several batches.
2. ``A`` and ``B``: two copies of ``S``.
3. ``A``: the nightly scheduled action runs as Odoo's scheduler runs it
   (``ir.cron._process_job``: the progress API, commits) until the day is done.
4. ``B``: the same, in child processes that SIGKILL themselves at chosen points (during
   the second rent batch, during the second penalty batch, right after the engine phase
   was committed, after the second rule of the escalation that acted); each following
   child continues the job; the last run ends it.
5. Prints JSON: the kills (each child's signal and what was committed when it died), and
   whether every table the job writes is the same in ``A`` and ``B``. Ids are replaced by
   their rank in their table (a killed batch uses ids that the continuation does not
   reuse); timestamps are left out.
"""

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from unittest import mock

from freezegun import freeze_time

import odoo
from odoo import SUPERUSER_ID, api, sql_db
from odoo.modules.registry import Registry
from odoo.tools import config

DAY = date(2026, 5, 12)  # a Tuesday; the job runs at 01:30 in Beijing
BATCH = 2
COMPARED_EXTRA = (
    "account_move",
    "account_move_line",
    "account_partial_reconcile",
    "mail_activity",
    "mail_message",
    "mail_tracking_value",
    "mail_followers",
    "sms_sms",
    "res_partner",
)
SKIPPED_TABLES = ("lease_nightly_run",)
SKIPPED_COLUMNS = {"id", "create_uid", "write_uid", "message_id"}
# What the last call of a job did, not what the job left: lease.escalation.run's
# "Actions Taken" counts the ledger rows of its last call only.
# Its "last_fingerprint" is a digest of ids and times (of the last call as well).
SKIPPED_TABLE_COLUMNS = {
    ("lease_escalation_run", "last_created"),
    ("lease_escalation_run", "last_fingerprint"),
}


def job_time(day):
    return datetime.combine(day - timedelta(days=1), datetime.min.time()) + timedelta(
        hours=17, minutes=30
    )


# --------------------------------------------------------------------------- databases
def pg_cmd(name):
    return os.path.join(os.environ.get("LEASE_PGBIN", ""), name)


def pg_env():
    env = dict(os.environ)
    for key, option in (
        ("PGHOST", "db_host"),
        ("PGPORT", "db_port"),
        ("PGUSER", "db_user"),
        ("PGPASSWORD", "db_password"),
    ):
        if config.get(option):
            env[key] = str(config[option])
    return env


def admin_sql(query):
    sql_db.close_all()
    with sql_db.db_connect("postgres").cursor() as cr:
        cr._cnx.autocommit = True
        cr.execute(query)


def copy_db(source, target, via_dump=False):
    admin_sql(f'DROP DATABASE IF EXISTS "{target}"')
    if not via_dump:
        try:
            admin_sql(f'CREATE DATABASE "{target}" TEMPLATE "{source}"')
            return
        except Exception:  # noqa: BLE001 - the source has connections: dump it
            admin_sql(f'DROP DATABASE IF EXISTS "{target}"')
    admin_sql(f'CREATE DATABASE "{target}"')
    dump = subprocess.Popen(
        [pg_cmd("pg_dump"), "--no-owner", "-Fc", source],
        stdout=subprocess.PIPE,
        env=pg_env(),
    )
    subprocess.run(
        [pg_cmd("pg_restore"), "--no-owner", "-d", target],
        stdin=dump.stdout,
        check=True,
        env=pg_env(),
    )
    dump.stdout.close()
    if dump.wait():
        raise RuntimeError(f"pg_dump {source} failed")


# --------------------------------------------------------------------------- scenario
def build_scenario(env):
    """Twelve contracts of 12 monthly rents. 0-5: rents of 03-12 and 04-12 unpaid, the
    rent of 05-12 (today) already invoiced: tonight the penalty of the two unpaid rents
    is billed to fall due with it. 6-11: first rent due 04-22, unpaid (20 days overdue
    tonight); their rent due 05-22 is invoiced tonight (10 days ahead)."""
    company = env.company
    company.resource_calendar_id.tz = "Asia/Shanghai"
    company.partner_id.tz = "Asia/Shanghai"
    company.lease_invoice_days_ahead = 10
    company.lease_penalty_due_days = 10
    env["ir.config_parameter"].set_param("lease_overdue.nightly_batch_size", BATCH)
    vendor = env["res.partner"].create({"name": "Kill Test Vendor", "is_company": True})
    contracts = env["lease.contract"]
    for n in range(12):
        lessee = env["res.partner"].create(
            {"name": f"Kill Test Lessee {n:02d}", "is_company": True}
        )
        first_due = date(2026, 3, 12) if n < 6 else date(2026, 4, 22)
        contract = env["lease.contract"].create(
            {
                "partner_id": lessee.id,
                "vendor_id": vendor.id,
                "financed_amount": 120000.0 + 1000 * n,
                "annual_rate": 6.0,
                "term_count": 12,
                "periodicity": "monthly",
                "schedule_method": "annuity",
                "date_start": first_due - timedelta(days=40),
                "date_first_due": first_due,
                "penalty_rate": 0.0005,
            }
        )
        contract.action_generate_schedule()
        contract.action_activate()
        contracts |= contract
    # The nights before: everything due up to 05-21 invoiced, figures and cases of 05-11.
    with freeze_time(job_time(DAY - timedelta(days=1))):
        lines = contracts.installment_ids.filtered(
            lambda line: line.date_due <= DAY - timedelta(days=1) + timedelta(days=10)
        )
        lines._create_rent_invoices()
        env["lease.overdue.engine"]._run(date=DAY - timedelta(days=1))
    return contracts


# --------------------------------------------------------------------------- the job
def scheduler_passes(registry, cron_id, max_passes=50):
    """Run the scheduled action as Odoo's scheduler does until the day is done."""
    IrCron = registry["ir.cron"]
    for _n in range(max_passes):
        with registry.cursor() as cron_cr:
            job = IrCron._acquire_one_job(cron_cr, cron_id, include_not_ready=True)
            IrCron._process_job(cron_cr, job)
            cron_cr.commit()
        if nightly_state(registry)["phase"] == "done":
            return
    raise RuntimeError("the nightly job did not finish")


def nightly_state(registry):
    with registry.cursor() as cr:
        cr.execute(
            """SELECT phase, rent_count, penalty_count, steps, runs
                 FROM lease_nightly_run WHERE date = %s""",
            [DAY],
        )
        row = cr.fetchone()
        cr.execute("SELECT COUNT(*) FROM lease_escalation_log WHERE date = %s", [DAY])
        logs = cr.fetchone()[0]
        cr.execute(
            """SELECT lease_move_kind, COUNT(*) FROM account_move
                WHERE invoice_date = %s AND lease_move_kind IS NOT NULL
                GROUP BY lease_move_kind""",
            [DAY],
        )
        moves = dict(cr.fetchall())
    keys = ("phase", "rent_count", "penalty_count", "steps", "runs")
    state = dict(zip(keys, row)) if row else {"phase": None}
    state.update(ledger_rows=logs, moves=moves)
    return state


def killer(registry, point):
    """Patches that SIGKILL this process at ``point``."""
    counts = {"rent": 0, "penalty": 0, "rules": 0}
    Move = registry["account.move"]
    Rule = registry["lease.escalation.rule"]
    post = Move._post
    fire = Rule._fire
    run_escalation = Rule._run_escalation

    def die():
        os.kill(os.getpid(), signal.SIGKILL)

    def patched_post(self, soft=True):
        kinds = set(self.mapped("lease_move_kind"))
        for kind in ("rent", "penalty"):
            if kind in kinds:
                counts[kind] += 1
                if point == kind and counts[kind] == 2:
                    die()  # during the second batch: its invoices are not committed
        return post(self, soft=soft)

    def patched_fire(self, state):
        logs = fire(self, state)
        if logs:
            counts["rules"] += 1
            if point == "escalation" and counts["rules"] == 2:
                die()  # this rule acted, not committed; the first one is
        return logs

    def patched_run_escalation(self, schedule="daily", today=None):
        if point == "engine":
            die()  # the engine phase is committed, the escalation not started
        return run_escalation(self, schedule=schedule, today=today)

    return [
        mock.patch.object(Move, "_post", patched_post),
        mock.patch.object(Rule, "_fire", patched_fire),
        mock.patch.object(Rule, "_run_escalation", patched_run_escalation),
    ]


def killed_run(registry, cron_id, point):
    sql_db.close_all()
    pid = os.fork()
    if pid == 0:  # the child: run until killed
        status = 0
        try:
            patches = killer(registry, point)
            for patch in patches:
                patch.start()
            with freeze_time(job_time(DAY), tick=True):
                scheduler_passes(registry, cron_id)
        except BaseException:  # noqa: BLE001
            status = 3
        os._exit(status or 4)  # not killed: reported by the parent
    _pid, status = os.waitpid(pid, 0)
    return {
        "point": point,
        "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
        "exit": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
        "committed": nightly_state(registry),
    }


# --------------------------------------------------------------------------- compare
def snapshot(registry):
    """{table: sorted rows}: ids replaced by their rank in their table."""
    with registry.cursor() as cr:
        cr.execute(
            """SELECT table_name FROM information_schema.tables
                WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
                  AND (table_name LIKE 'lease\\_%%' OR table_name = ANY(%s))""",
            [list(COMPARED_EXTRA)],
        )
        tables = sorted(name for (name,) in cr.fetchall() if name not in SKIPPED_TABLES)
        columns_of = {}
        for table in tables:
            cr.execute(
                """SELECT column_name, data_type FROM information_schema.columns
                    WHERE table_schema = 'public' AND table_name = %s
                    ORDER BY column_name""",
                [table],
            )
            columns_of[table] = cr.fetchall()
        ranks = {}
        for table in tables:
            if any(name == "id" for name, _kind in columns_of[table]):
                cr.execute(f'SELECT id FROM "{table}" ORDER BY id')  # noqa: S608
                ranks[table] = {row[0]: n for n, row in enumerate(cr.fetchall())}
        cr.execute(
            """SELECT tc.table_name, kcu.column_name, ccu.table_name
                 FROM information_schema.table_constraints tc
                 JOIN information_schema.key_column_usage kcu
                   ON kcu.constraint_name = tc.constraint_name
                 JOIN information_schema.constraint_column_usage ccu
                   ON ccu.constraint_name = tc.constraint_name
                WHERE tc.constraint_type = 'FOREIGN KEY'"""
        )
        fks = {(table, column): target for table, column, target in cr.fetchall()}
        result = {}
        for table in tables:
            has_id = table in ranks
            columns = [
                name
                for name, kind in columns_of[table]
                if name not in SKIPPED_COLUMNS
                and (table, name) not in SKIPPED_TABLE_COLUMNS
                and not kind.startswith("timestamp")
            ]
            if not columns:
                continue
            cr.execute(
                'SELECT %s FROM "%s" %s'  # noqa: S608
                % (
                    ", ".join(f'"{column}"' for column in ["id"] * has_id + columns),
                    table,
                    "ORDER BY id" if has_id else "",
                )
            )
            rows = []
            model_column = next(
                (c for c in ("res_model", "model") if c in columns), None
            )
            for row in cr.fetchall():
                values = [ranks[table][row[0]]] if has_id else []
                record = dict(zip(columns, row[has_id:]))
                for column, value in zip(columns, row[has_id:]):
                    target = fks.get((table, column))
                    if target in ranks and value is not None:
                        value = ("rank", ranks[target].get(value))
                    elif column == "res_id" and value and model_column:
                        # a reference (model, id): the rank of the id in its table
                        target = (record[model_column] or "").replace(".", "_")
                        if target in ranks:
                            value = ("rank", target, ranks[target].get(value))
                    values.append(value)
                rows.append(json.dumps(values, default=str, ensure_ascii=False))
            result[table] = (columns, rows if has_id else sorted(rows))
    return result


def compare(snap_a, snap_b):
    diffs = {}
    for table in sorted(set(snap_a) | set(snap_b)):
        cols_a, rows_a = snap_a.get(table, ([], []))
        _cols_b, rows_b = snap_b.get(table, ([], []))
        if rows_a != rows_b:
            only_a = [row for row in rows_a if row not in set(rows_b)]
            only_b = [row for row in rows_b if row not in set(rows_a)]
            diffs[table] = {
                "columns": cols_a,
                "rows": [len(rows_a), len(rows_b)],
                "only_clean": only_a[:3],
                "only_killed": only_b[:3],
            }
    return diffs


# --------------------------------------------------------------------------- main
def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", required=True)
    parser.add_argument("--source", required=True)
    parser.add_argument("--prefix", default="lease_kill")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    config.parse_config(["-c", args.config, "--log-level=critical"])
    odoo.tools.config["max_cron_threads"] = 0
    t0 = time.monotonic()
    timings = {}
    db_s, db_a, db_b = (f"{args.prefix}_{x}" for x in "sab")
    out = {}
    try:
        copy_db(args.source, db_s)
        timings["copy_source"] = time.monotonic() - t0
        registry = Registry(db_s)
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            build_scenario(env)
            cron_id = env.ref("lease_overdue.ir_cron_lease_overdue_daily").id
            cr.commit()
        timings["scenario"] = time.monotonic() - t0
        Registry.delete(db_s)
        copy_db(db_s, db_a)
        copy_db(db_s, db_b)
        timings["copies"] = time.monotonic() - t0

        reg_a = Registry(db_a)
        with freeze_time(job_time(DAY), tick=True):
            scheduler_passes(reg_a, cron_id)
        out["clean"] = nightly_state(reg_a)
        snap_a = snapshot(reg_a)
        Registry.delete(db_a)
        timings["clean_run"] = time.monotonic() - t0

        reg_b = Registry(db_b)
        out["kills"] = [
            killed_run(reg_b, cron_id, point)
            for point in ("rent", "penalty", "engine", "escalation")
        ]
        engine_runs = []
        engine = reg_b["lease.overdue.engine"]
        run = engine._run

        def counted_run(self, contract_ids=None, date=None):
            if contract_ids is None:
                engine_runs.append(date)
            return run(self, contract_ids=contract_ids, date=date)

        with (
            mock.patch.object(engine, "_run", counted_run),
            freeze_time(job_time(DAY), tick=True),
        ):
            scheduler_passes(reg_b, cron_id)
        out["continued"] = nightly_state(reg_b)
        out["portfolio_engine_runs_in_last_run"] = len(engine_runs)
        snap_b = snapshot(reg_b)
        Registry.delete(db_b)
        timings["killed_runs"] = time.monotonic() - t0
        out["tables"] = len(snap_a)
        out["rows"] = sum(len(rows) for _cols, rows in snap_a.values())
        out["diffs"] = compare(snap_a, snap_b)
    finally:
        if not args.keep:
            for db in (db_s, db_a, db_b):
                with contextlib.suppress(Exception):
                    admin_sql(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
    out["timings"] = {key: round(value, 1) for key, value in timings.items()}
    sys.stdout.write(
        "LEASE_KILL_RESULT " + json.dumps(out, default=str, ensure_ascii=False) + "\n"
    )


if __name__ == "__main__":
    sys.exit(main())
