"""Benchmark of the WHOLE nightly job, as the scheduled action runs it (issue 10, item 5).

    make bench ARGS="bench_nightly.py --contracts 10000"
    make bench ARGS="bench_nightly.py --contracts 10000 --interactive"

``scripts/lease.sh bench`` gives this script a fresh database with lease_overdue (and its
demo data) installed: LEASE_ODOO_CONF names the Odoo configuration file, LEASE_DB_NAME the
database. The script

1. creates ONE real contract through the ORM (the seed) and clones it with SQL into a
   portfolio of N contracts as it stands at the end of the night before the first
   measured day (bench_common.generate): rent invoiced up to the lead time, every paid
   invoice with its lines, payment entry and reconcile rows, the penalty interest of
   the past nights billed (D9 L169), ~10 % of the contracts overdue;
2. checks the data: the overdue engine run on it (in a transaction rolled back) must
   find exactly the designed overdue installments and leave the paid ones paid;
3. runs the scheduled action "Lease: invoice rent and recompute overdue figures"
   (ir.cron ``method_direct_trigger``: the job runs in a cursor of its own and commits
   as the cron worker does; batches that report progress are continued) on
   - day 1: go-live, every collection case is created;
   - the next day;
   - the same day again (a rerun);
   with "today" (res.company._lease_now_local) set to 01:00 local time of that day;
4. prints per run and per step (invoice rent, bill penalty, engine, escalation, and
   the sub-steps found) the wall time, SQL queries, queries per open case, rows written
   per table, invoices created, load average; checks again after each run;
5. ``--interactive``: times (median of 5) opening the KPI dashboard and the KPI pivot as
   the head of asset management, and generating the weekly report as its cron does.

``--compare N`` first runs the same on a copy of the database with N contracts (in a
process of its own) to show whether the queries grow with the portfolio.
"""

import argparse
import functools
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import date, datetime, timedelta

import psycopg2
from bench_common import (
    GENERATED_TABLES,
    INVOICE_DAYS_AHEAD,
    Recorder,
    check_portfolio,
    cr_one,
    create_seed,
    generate,
    load_average,
    log,
    print_generation,
    vacuum_analyze,
)

import odoo
from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.tools import config

CRON_XMLID = "lease_overdue.ir_cron_lease_overdue_daily"

# The steps reported, when the method exists (label, model, method). Wrapped methods
# that run inside another one are reported under it ("of which").
MAIN_STEPS = [
    ("nightly job", "lease.overdue.engine", "_cron_daily"),
    ("invoice rent", "lease.installment", "_invoice_due"),
    ("bill penalty", "lease.installment", "_invoice_penalty_due"),
    ("engine", "lease.overdue.engine", "_run"),
    ("escalation", "lease.escalation.rule", "_cron_escalate"),
]
# Every other method of these models defined by lease_overdue whose name matches is
# timed too: renamed or split steps are found without changing the bench.
DISCOVER_MODELS = (
    "lease.overdue.engine",
    "lease.installment",
    "lease.escalation.rule",
    "lease.collection.case",
    "res.partner",
    "lease.escalation.log",
)
DISCOVER = re.compile(
    r"^_(cron|invoice|run|update|sync|fire|targets|escalat|on_cases|lease_update|"
    r"create_(rent|penalty)|batch|process|step|apply|open_cases|log_)"
)
# called once per record or without queries: not steps
NOT_STEPS = {"_invoice_vals", "_log_values"}
EXTRA_STEPS = [("ir.cron", "_commit_progress")]


# --------------------------------------------------------------------------- setup
def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contracts", type=int, default=10000)
    parser.add_argument(
        "--compare",
        type=int,
        default=1000,
        help="first measure a portfolio of this size on a copy of the database "
        "(0: skip; default 1000)",
    )
    parser.add_argument(
        "--date",
        type=date.fromisoformat,
        default=None,
        help="day 1, YYYY-MM-DD (default: the company's today)",
    )
    parser.add_argument(
        "--top", type=int, default=6, help="slowest statements listed per run"
    )
    parser.add_argument(
        "--interactive",
        action="store_true",
        help="also time the KPI dashboard, the KPI pivot and the weekly report",
    )
    parser.add_argument("--repeat", type=int, default=5, help="interactive timings")
    parser.add_argument(
        "--direct",
        action="store_true",
        help="call lease.overdue.engine._cron_daily() and commit instead of going "
        "through ir.cron",
    )
    parser.add_argument(
        "--steps",
        default="",
        help="more methods to time, comma separated model:method",
    )
    parser.add_argument(
        "--cron",
        default=CRON_XMLID,
        help="scheduled actions run each night, in this order (comma separated "
        f"xmlids; default {CRON_XMLID})",
    )
    parser.add_argument("--json", help=argparse.SUPPRESS)
    parser.add_argument("--db", default=os.environ.get("LEASE_DB_NAME"))
    parser.add_argument("--config", default=os.environ.get("LEASE_ODOO_CONF"))
    args = parser.parse_args(argv)
    if not args.db or not args.config:
        parser.error(
            'run it with `make bench ARGS="bench_nightly.py"` or give --db and --config'
        )
    return args


# --------------------------------------------------------------------------- time
@contextmanager
def company_day(env, day, hour=1):
    """res.company._lease_now_local returns ``hour``:00 local time of ``day``: the
    company's "today" of every step (the cron runs at 01:00 Beijing time)."""
    cls = type(env["res.company"])
    had = "_lease_now_local" in cls.__dict__
    previous = cls.__dict__.get("_lease_now_local")

    def _lease_now_local(self):
        return self._lease_tz().localize(datetime(day.year, day.month, day.day, hour))

    cls._lease_now_local = _lease_now_local
    try:
        yield
    finally:
        if had:
            cls._lease_now_local = previous
        else:
            del cls._lease_now_local


# --------------------------------------------------------------------------- steps
class Steps:
    """Wraps methods to time them: wall time, queries (statements seen by the
    recorder's hook, every cursor of the thread), calls, rows written. Nested calls are
    aggregated by their path of wrapped methods."""

    def __init__(self, env, recorder, extra=()):
        self.env = env
        self.recorder = recorder
        self.stack = []
        self.data = {}  # path -> dict
        self.errors = []
        self.sequence = 0
        self.targets = self._targets(extra)

    def _targets(self, extra):
        registry = self.env.registry
        found = {}
        for _label, model, method in MAIN_STEPS:
            if model in registry and callable(
                getattr(type(self.env[model]), method, None)
            ):
                found[model, method] = True
        for model in DISCOVER_MODELS:
            if model not in registry:
                continue
            cls = type(self.env[model])
            for name in dir(cls):
                if not DISCOVER.match(name) or name in NOT_STEPS:
                    continue
                func = getattr(cls, name, None)
                if not callable(func) or isinstance(func, type):
                    continue
                module = getattr(func, "__module__", "") or ""
                if "lease_overdue" in module:
                    found[model, name] = True
        for model, method in (*EXTRA_STEPS, *extra):
            if model in registry and callable(
                getattr(type(self.env[model]), method, None)
            ):
                found[model, method] = True
        return list(found)

    def reset(self):
        self.stack = []
        self.data = {}
        self.errors = []
        self.sequence = 0

    @contextmanager
    def active(self):
        patched = []
        for model, method in self.targets:
            cls = type(self.env[model])
            original = getattr(cls, method)
            had = method in cls.__dict__
            patched.append((cls, method, had, cls.__dict__.get(method)))
            setattr(cls, method, self._wrap(original, method))
        try:
            yield self
        finally:
            for cls, method, had, previous in reversed(patched):
                if had:
                    setattr(cls, method, previous)
                else:
                    delattr(cls, method)

    def _wrap(self, original, name):
        steps = self

        @functools.wraps(original)
        def wrapper(*args, **kwargs):
            path = (*steps.stack, name)
            steps.stack.append(name)
            steps.sequence += 1
            sequence = steps.sequence
            first = len(steps.recorder.statements)
            t0 = time.perf_counter()
            try:
                return original(*args, **kwargs)
            except Exception as error:
                steps.errors.append((path, repr(error)))
                raise
            finally:
                seconds = time.perf_counter() - t0
                steps.stack.pop()
                entry = steps.data.setdefault(
                    path,
                    {
                        "seconds": 0.0,
                        "queries": 0,
                        "calls": 0,
                        "first": [],
                        "sequence": sequence,
                    },
                )
                entry["seconds"] += seconds
                entry["queries"] += len(steps.recorder.statements) - first
                entry["calls"] += 1
                entry["first"].append((first, len(steps.recorder.statements)))

        return wrapper

    def summary(self):
        """[(path, seconds, queries, calls, written)], in call order."""
        rows = []
        for path, entry in self.data.items():
            statements = [
                s for a, b in entry["first"] for s in self.recorder.statements[a:b]
            ]
            rows.append(
                (
                    path,
                    entry["seconds"],
                    entry["queries"],
                    entry["calls"],
                    self.recorder.written(statements),
                )
            )
        rows.sort(key=lambda row: self.data[row[0]]["sequence"])
        return rows


LABELS = {method: label for label, _model, method in MAIN_STEPS}


# --------------------------------------------------------------------------- state
def snapshot(cr):
    """Counters read before and after a run (outside the measured time)."""
    state = {}
    for key, query in (
        (
            "cases",
            "SELECT state, COUNT(*) FROM lease_collection_case GROUP BY state",
        ),
        (
            "invoices",
            """SELECT lease_move_kind, COUNT(*) FROM account_move
                WHERE lease_move_kind IS NOT NULL GROUP BY lease_move_kind""",
        ),
        (
            "installments",
            """SELECT state, COUNT(*) FROM lease_installment GROUP BY state""",
        ),
    ):
        state[key] = dict(cr_one(cr, query, many=True))
    return state


def trigger_cron(env, direct, xmlids):
    """Run the nightly jobs as the scheduler would; returns the number of times the
    jobs were started (more than one per job when it reports remaining work with the
    progress API: the scheduler starts it again at once)."""
    cr = env.cr
    if direct:
        env["lease.overdue.engine"]._cron_daily()
        cr.commit()
        return 1
    starts = 0
    for xmlid in xmlids:
        cron = env.ref(xmlid)
        for _attempt in range(100):
            starts += 1
            cron.method_direct_trigger()
            cr.commit()
            remaining = cr_one(
                cr,
                """SELECT remaining FROM ir_cron_progress WHERE cron_id = %s
                    ORDER BY id DESC LIMIT 1""",
                [cron.id],
            )
            if not remaining or not remaining[0]:
                break
            log(
                f"  {xmlid} reports {remaining[0]} left: started again (as the cron would)"
            )
    return starts


def measure_night(env, recorder, steps, day, label, direct, xmlids):
    cr = env.cr
    before = snapshot(cr)
    recorder.reset()
    steps.reset()
    load_before = load_average()
    log(f"{label}: nightly job for {day} ... (load average {load_before})")
    t0 = time.perf_counter()
    with company_day(env, day), recorder.active(), steps.active():
        starts = trigger_cron(env, direct, xmlids)
    seconds = time.perf_counter() - t0
    env.invalidate_all()
    after = snapshot(cr)
    statements = list(recorder.statements)
    result = {
        "label": label,
        "date": str(day),
        "seconds": seconds,
        "queries": len(statements),
        "written": {f"{v} {t}": n for (v, t), n in recorder.written().items()},
        "steps": [
            (
                list(path),
                sec,
                q,
                calls,
                {f"{v} {t}": n for (v, t), n in written.items()},
            )
            for path, sec, q, calls, written in steps.summary()
        ],
        "errors": steps.errors,
        "starts": starts,
        "cases_open": after["cases"].get("open", 0),
        "cases_opened": sum(after["cases"].values()) - sum(before["cases"].values()),
        "cases_closed": after["cases"].get("closed", 0)
        - before["cases"].get("closed", 0),
        "rent_invoices": after["invoices"].get("rent", 0)
        - before["invoices"].get("rent", 0),
        "penalty_invoices": after["invoices"].get("penalty", 0)
        - before["invoices"].get("penalty", 0),
        "overdue_installments": after["installments"].get("overdue", 0),
        "load": f"{load_before} -> {load_average()}",
        "slowest": [
            (delay, rowcount, " ".join(_text(query).split())[:110])
            for delay, rowcount, query, _params in sorted(
                statements, key=lambda s: -s[0]
            )[:20]
        ],
    }
    if not any(path[-1] == "_cron_daily" for path, *_rest in result["steps"]):
        log(
            "NOTE: lease.overdue.engine._cron_daily was not called: check the crons' "
            "code (--cron); the steps timed are listed below"
        )
    log(
        f"{label}: {seconds:.2f} s, {result['queries']} queries, "
        f"{result['rent_invoices']} rent / {result['penalty_invoices']} penalty invoices"
        f" created, {result['cases_open']} open cases"
        + (f", ERRORS {result['errors']}" if result["errors"] else "")
    )
    return result


def _text(query):
    return query.decode() if isinstance(query, bytes) else str(query)


# --------------------------------------------------------------------------- interactive
def median_ms(func, repeat, env):
    times = []
    for _i in range(repeat):
        env.invalidate_all()
        t0 = time.perf_counter()
        func()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), times


def measure_interactive(env, day, repeat):
    """Median times of what the UI calls, in the measured database's final state."""
    cr = env.cr
    head = env["res.users"].search([("login", "=", "am_head")], limit=1)
    if not head:
        head = env["res.users"].search(
            [
                (
                    "group_ids",
                    "in",
                    env.ref("lease_overdue.group_asset_management_head").ids,
                )
            ],
            limit=1,
        )
    results = []
    with company_day(env, day, hour=10):
        # 1. KPI dashboard: the form of a new record, i.e. onchange() with the defaults
        # and every figure computed (what the web client asks when the menu opens).
        Dashboard = env["lease.kpi.dashboard"].with_user(head)
        spec = {}
        for name, field in Dashboard._fields.items():
            if name in ("id",) or field.name in models_magic():
                continue
            spec[name] = (
                {"fields": {"display_name": {}}} if field.type == "many2one" else {}
            )

        def dashboard():
            values = Dashboard.onchange({}, [], spec)["value"]
            assert "rent_due" in values, values

        ms, runs = median_ms(dashboard, repeat, env)
        results.append(("KPI dashboard (onchange of a new record)", ms, runs, 300))

        # 2. The head's KPI pivot: what the pivot view asks (rows: due month; total).
        Kpi = env["lease.kpi.report"].with_user(head)
        aggregates = [
            "amount_due:sum",
            "amount_paid_month_end:sum",
            "amount_late:sum",
            "due_count:sum",
            "late_count:sum",
        ]

        def pivot():
            if hasattr(Kpi, "formatted_read_grouping_sets"):
                Kpi.formatted_read_grouping_sets(
                    [], [[], ["date_due:month"]], aggregates
                )
            elif hasattr(Kpi, "formatted_read_group"):
                Kpi.formatted_read_group([], [], aggregates)
                Kpi.formatted_read_group([], ["date_due:month"], aggregates)
            else:
                Kpi.read_group([], [a.split(":")[0] for a in aggregates], [])
                Kpi.read_group(
                    [], [a.split(":")[0] for a in aggregates], ["date_due:month"]
                )

        ms, runs = median_ms(pivot, repeat, env)
        results.append(("KPI pivot as am_head (due month x 5 measures)", ms, runs, 300))

        # 3. Weekly report: generate this week's report as the cron does (superuser),
        # in a savepoint rolled back; the week's existing report is removed first.
        Report = env["lease.overdue.weekly.report"]

        def weekly():
            cr.execute("SAVEPOINT bench_weekly")
            try:
                monday = day - timedelta(days=day.weekday())
                cr.execute(
                    "DELETE FROM lease_overdue_weekly_report WHERE date_from = %s",
                    [monday],
                )
                env.invalidate_all()
                report = Report.create({"company_id": env.company.id, "date_week": day})
                t0 = time.perf_counter()
                report.action_generate()
                env.flush_all()
                return time.perf_counter() - t0
            finally:
                cr.execute("ROLLBACK TO SAVEPOINT bench_weekly")
                env.invalidate_all()

        runs = []
        for _i in range(repeat):
            runs.append(weekly() * 1000)
        results.append(
            (
                "weekly report: action_generate (the cron's generation)",
                statistics.median(runs),
                runs,
                2000,
            )
        )
    cr.rollback()
    return results


def models_magic():
    return {"create_uid", "create_date", "write_uid", "write_date"}


# --------------------------------------------------------------------------- report
def print_runs(size, results, top):
    print(f"\n=== {size} contracts: the nightly job (ir.cron) ===")
    header = (
        f"{'run':<28} {'wall s':>7} {'queries':>8} {'q/case':>7} {'open cases':>10}"
        f" {'+cases':>7} {'rent inv':>8} {'pen inv':>7} {'rows written':>12}  load avg"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        written = sum(r["written"].values())
        per_case = r["queries"] / r["cases_open"] if r["cases_open"] else 0
        print(
            f"{r['label']:<28} {r['seconds']:>7.2f} {r['queries']:>8} {per_case:>7.2f}"
            f" {r['cases_open']:>10} {r['cases_opened']:>7} {r['rent_invoices']:>8}"
            f" {r['penalty_invoices']:>7} {written:>12}  {r['load']}"
        )
    for r in results:
        print(f"\n{size} contracts, {r['label']} ({r['date']}), load {r['load']}:")
        if r["starts"] > 1:
            print(f"  the job was started {r['starts']} times (progress API)")
        for path, error in r["errors"]:
            print(f"  ERROR in {'/'.join(path)}: {error}")
        print(
            f"  {'step':<52} {'seconds':>8} {'queries':>8} {'calls':>6}  rows written"
        )
        top_seconds = top_queries = 0.0
        for path, seconds, queries, calls, written in r["steps"]:
            name = path[-1]
            depth = len(path) - 1
            if depth == 1:  # directly under the cron's method
                top_seconds += seconds
                top_queries += queries
            if depth > 3:
                continue
            label = LABELS.get(name)
            text = ("  " * depth) + (f"{label}: {name}" if label else name)
            rows = ", ".join(
                f"{k} {v}" for k, v in sorted(written.items(), key=lambda i: -i[1])[:4]
            )
            print(f"  {text:<52} {seconds:>8.2f} {queries:>8} {calls:>6}  {rows}")
        cron = [s for s in r["steps"] if len(s[0]) == 1 and s[0][0] == "_cron_daily"]
        if cron:
            _path, seconds, queries, _calls, _written = cron[0]
            print(
                f"  {'  (rest of _cron_daily)':<52} {seconds - top_seconds:>8.2f}"
                f" {queries - top_queries:>8.0f}"
            )
            print(
                f"  {'cron machinery, commit (outside _cron_daily)':<52}"
                f" {r['seconds'] - seconds:>8.2f} {r['queries'] - queries:>8}"
            )
        print(
            "  rows written: "
            + ", ".join(
                f"{k} {v}" for k, v in sorted(r["written"].items(), key=lambda i: -i[1])
            )
        )
        if top:
            print("  slowest statements:")
            for delay, rowcount, text in r["slowest"][:top]:
                print(f"    {delay:8.3f} s  rows {rowcount:>7}  {text}")


def print_interactive(size, rows):
    print(f"\n=== {size} contracts: interactive (median of the runs) ===")
    for name, ms, runs, aim in rows:
        verdict = "ok" if ms < aim else "OVER"
        print(
            f"  {name:<58} {ms:>8.0f} ms  (aim < {aim} ms: {verdict})"
            f"  runs {', '.join(f'{t:.0f}' for t in runs)}"
        )


# --------------------------------------------------------------------------- compare
def run_compare(args, today):
    """The same bench on a copy of the fresh database, with --compare contracts, in a
    process of its own (the cron commits: nothing can be rolled back)."""
    copy = f"{args.db}_cmp"[:63]
    _name, info = odoo.sql_db.connection_info_for("postgres")
    cnx = psycopg2.connect(**info)
    cnx.autocommit = True
    filestore_src = config.filestore(args.db)
    filestore_dst = config.filestore(copy)
    try:
        with cnx.cursor() as cr:
            cr.execute(f'DROP DATABASE IF EXISTS "{copy}"')
            cr.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{args.db}"')
        if os.path.isdir(filestore_src):
            shutil.copytree(filestore_src, filestore_dst, copy_function=os.link)
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as out:
            path = out.name
        command = [
            sys.executable,
            os.path.abspath(__file__),
            "--db",
            copy,
            "--config",
            args.config,
            "--contracts",
            str(args.compare),
            "--compare",
            "0",
            "--date",
            str(today),
            "--top",
            "0",
            "--json",
            path,
            *(["--direct"] if args.direct else []),
            "--cron",
            args.cron,
            *(["--steps", args.steps] if args.steps else []),
        ]
        log(f"compare: {args.compare} contracts on a copy of the database ({copy})")
        rc = subprocess.run(command, check=False).returncode
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        os.unlink(path)
        return rc, data
    finally:
        with cnx.cursor() as cr:
            cr.execute(f'DROP DATABASE IF EXISTS "{copy}"')
        cnx.close()
        shutil.rmtree(filestore_dst, ignore_errors=True)


# --------------------------------------------------------------------------- main
def main():
    args = parse_args()
    config.parse_config(["-c", args.config, "--log-level=warn"])
    extra = [tuple(item.split(":", 1)) for item in args.steps.split(",") if item]
    checks = []

    today = args.date
    if not today:
        with Registry(args.db).cursor() as cr:
            today = api.Environment(cr, SUPERUSER_ID, {}).company._lease_today()
        # no connection left: the database can be copied
        Registry.delete(args.db)
        odoo.sql_db.close_db(args.db)

    compare = None
    if args.compare:
        rc, compare = run_compare(args, today)
        checks.extend((ok, line) for ok, line in compare["checks"])
        if rc:
            log(f"compare run ended with exit code {rc}")

    registry = Registry(args.db)
    recorder = Recorder()
    log(
        f"database {args.db}: day 1 = {today}, next day = {today + timedelta(days=1)}, "
        f"then a rerun the same day; {os.cpu_count()} CPUs, load average {load_average()}"
    )
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        with company_day(env, today - timedelta(days=1), hour=12):
            seed = create_seed(env, today)
        cr.commit()
        log(f"generating {args.contracts} contracts ...")
        counts = generate(cr, seed, args.contracts, today)
        cr.commit()
        print_generation(counts, args.contracts)

        # The data must be what it is designed to be: the engine alone, rolled back
        # (with statistics: without them the planner's choices take minutes).
        t0 = time.perf_counter()
        for table in GENERATED_TABLES:
            cr.execute(f'ANALYZE "{table}"')
        env["lease.overdue.engine"]._run(date=today)
        checks.append(
            check_portfolio(cr, counts, today, f"{args.contracts}, engine on the data")
        )
        cr.rollback()
        env.invalidate_all()
        log(f"{checks[-1][1]} ({time.perf_counter() - t0:.1f} s, rolled back)")
        t0 = time.perf_counter()
        vacuum_analyze(args.db)
        log(f"VACUUM ANALYZE in {time.perf_counter() - t0:.1f} s")

        steps = Steps(env, recorder, extra)
        log(
            "timed methods: "
            + ", ".join(f"{model}.{method}" for model, method in steps.targets)
        )
        results = []
        for day, label in (
            (today, "day 1 (go-live)"),
            (today + timedelta(days=1), "next day"),
            (today + timedelta(days=1), "same-day rerun"),
        ):
            result = measure_night(
                env, recorder, steps, day, label, args.direct, args.cron.split(",")
            )
            results.append(result)
            checks.append(
                check_portfolio(cr, counts, day, f"{args.contracts}, {label}")
            )
            log(checks[-1][1])
            if result["errors"]:
                checks.append((False, f"CHECK FAILED ({label}): {result['errors']}"))
        interactive = None
        if args.interactive:
            log(f"interactive timings (median of {args.repeat}) ...")
            interactive = measure_interactive(
                env, today + timedelta(days=1), args.repeat
            )

    if compare:
        print_runs(compare["size"], compare["results"], 0)
    print_runs(args.contracts, results, args.top)
    if compare:
        print("\nQueries, compared (do they grow with the portfolio?):")
        for small, big in zip(compare["results"], results):
            ratio = big["queries"] / small["queries"] if small["queries"] else 0
            print(
                f"  {big['label']:<20} {compare['size']:>7} contracts: "
                f"{small['queries']:>7} queries; {args.contracts:>7} contracts: "
                f"{big['queries']:>7} queries (x{ratio:.2f} for "
                f"x{args.contracts / compare['size']:.0f} contracts)"
            )
    if interactive:
        print_interactive(args.contracts, interactive)
    print()
    for _ok, line in checks:
        print(line)
    print(
        f"(rent due in {INVOICE_DAYS_AHEAD} days is invoiced each night; "
        f"{counts.get(f'rent due in {INVOICE_DAYS_AHEAD} days (to invoice)')} "
        "installments of the portfolio fall in day 1's window)"
    )
    log(f"done; load average {load_average()}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(
                {
                    "size": args.contracts,
                    "results": results,
                    "checks": checks,
                },
                f,
                default=str,
            )
    if not all(ok for ok, _line in checks):
        sys.exit("CHECK FAILED: see the CHECK lines above")


if __name__ == "__main__":
    main()
