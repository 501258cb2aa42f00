"""Benchmark of the daily overdue recomputation (issue 3, item 11).

    make bench ARGS="bench_overdue.py --contracts 10000"

``scripts/lease.sh bench`` gives this script a fresh database with lease_overdue (and its
demo data) installed: LEASE_ODOO_CONF names the Odoo configuration file, LEASE_DB_NAME the
database. The script

1. creates ONE real contract through the ORM (activated, its first rent invoice posted,
   40 % of it paid late with ``account.payment.register``): the seed;
2. clones the seed's rows with SQL (bench_common.generate) into a synthetic portfolio of
   N contracts with 24 monthly installments each, as it stands at the end of the night
   before the first run: about 10 % of the contracts overdue (spread evenly over the
   four tiers, a third of them partially paid), the rest paid up. Every invoice (rent
   and the penalty already billed) has its lines; every payment its entry, lines and
   reconcile rows (bench/README.md);
3. measures ``lease.overdue.engine._run()`` on the whole portfolio: the first run (every
   collection case is created) and a second run the next day; wall time, SQL queries
   (``cursor.sql_log_count``), rows written per table, time per engine step, the slowest
   statements; after each run, checks the overdue and paid installments against the
   design (a CHECK line; exit code 1 when wrong);
4. optionally does the same first on a smaller portfolio (``--compare``, in a transaction
   that is rolled back) to show that the number of queries does not grow with the
   portfolio.

The whole nightly job (invoicing, penalty billing, engine, escalation) is measured by
bench_nightly.py.
"""

import argparse
import os
import re
import sys
import time
from contextlib import contextmanager
from datetime import date, timedelta

from bench_common import (
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

from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.tools import config


# --------------------------------------------------------------------------- setup
def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--contracts",
        type=int,
        default=10000,
        help="synthetic contracts in the measured portfolio (default 10000)",
    )
    parser.add_argument(
        "--compare",
        type=int,
        default=1000,
        help="first measure a portfolio of this size in a rolled-back "
        "transaction, to compare the query counts (0: skip; default 1000)",
    )
    parser.add_argument(
        "--date",
        type=date.fromisoformat,
        default=None,
        help="day of the first run, YYYY-MM-DD (default: today)",
    )
    parser.add_argument(
        "--top", type=int, default=8, help="slowest statements listed per run"
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="print EXPLAIN (ANALYZE, BUFFERS) of the slowest statements of the "
        "second run (re-run in a savepoint that is rolled back)",
    )
    parser.add_argument(
        "--db",
        default=os.environ.get("LEASE_DB_NAME"),
        help="database (default: $LEASE_DB_NAME, set by make bench)",
    )
    parser.add_argument(
        "--config",
        default=os.environ.get("LEASE_ODOO_CONF"),
        help="Odoo configuration file (default: $LEASE_ODOO_CONF)",
    )
    args = parser.parse_args()
    if not args.db or not args.config:
        parser.error(
            'run it with `make bench ARGS="bench_overdue.py"` or give --db and --config'
        )
    return args


# The steps of _run, timed separately; indented ones run inside the step above them.
# Methods added by other parts of the addon are timed when they exist.
STEPS = [
    ("lease.overdue.engine", "_update_installments", 0),
    ("lease.overdue.engine", "_update_contracts", 0),
    ("lease.overdue.engine", "_update_working_days", 0),
    ("lease.overdue.engine", "_update_partners", 0),
    ("lease.overdue.engine", "_update_moves", 0),
    ("lease.collection.case", "_sync_cases", 0),
    ("lease.collection.case", "_on_cases_changed", 1),
    ("res.partner", "_lease_update_credit_ratings", 0),
]


@contextmanager
def timed_steps(env, into):
    """Wraps the engine's steps to time them and count their queries."""
    cr = env.cr
    originals = []
    for model, method, _depth in STEPS:
        cls = type(env[model])
        original = getattr(cls, method, None)
        if original is None:
            continue

        def wrapper(self, *args, _original=original, _name=method, **kwargs):
            t0, q0 = time.perf_counter(), cr.sql_log_count
            try:
                return _original(self, *args, **kwargs)
            finally:
                seconds, queries = into.get(_name, (0.0, 0))
                into[_name] = (
                    seconds + time.perf_counter() - t0,
                    queries + cr.sql_log_count - q0,
                )

        originals.append((cls, method, original))
        setattr(cls, method, wrapper)
    try:
        yield into
    finally:
        for cls, method, original in originals:
            setattr(cls, method, original)


def measure_run(env, recorder, day, label):
    engine = env["lease.overdue.engine"]
    cr = env.cr
    before = dict(
        cr_one(
            cr,
            "SELECT state, COUNT(*) FROM lease_collection_case GROUP BY state",
            many=True,
        )
    )
    history_before = cr_one(cr, "SELECT COUNT(*) FROM lease_case_tier_history")[0]
    steps = {}
    recorder.reset()
    log(
        f"{label}: lease.overdue.engine._run(date={day}) ... (load average {load_average()})"
    )
    q0 = cr.sql_log_count
    t0 = time.perf_counter()
    with recorder.active(), timed_steps(env, steps):
        engine._run(date=day)
    seconds = time.perf_counter() - t0
    queries = cr.sql_log_count - q0
    written = recorder.written()
    statements = list(recorder.statements)
    after = dict(
        cr_one(
            cr,
            "SELECT state, COUNT(*) FROM lease_collection_case GROUP BY state",
            many=True,
        )
    )
    history_after = cr_one(cr, "SELECT COUNT(*) FROM lease_case_tier_history")[0]
    result = {
        "label": label,
        "date": day,
        "seconds": seconds,
        "queries": queries,
        "written": written,
        "steps": steps,
        "statements": statements,
        "cases_open": after.get("open", 0),
        "cases_opened": after.get("open", 0)
        + after.get("closed", 0)
        - before.get("open", 0)
        - before.get("closed", 0),
        "cases_closed": after.get("closed", 0) - before.get("closed", 0),
        "history": history_after - history_before,
        "load": load_average(),
    }
    log(f"{label}: {seconds:.2f} s, {queries} queries")
    return result


# --------------------------------------------------------------------------- report
def print_runs(results, top):
    print()
    header = (
        f"{'contracts':>9}  {'run':<24} {'wall s':>7} {'queries':>7} {'rows updated':>12}"
        f"  {'cases +opened/-closed':>21}  {'tier history':>12}  {'load avg':<15}"
    )
    print(header)
    print("-" * len(header))
    for size, result in results:
        cases = f"+{result['cases_opened']}/-{result['cases_closed']}"
        updated = sum(
            rows
            for (verb, _table), rows in result["written"].items()
            if verb == "UPDATE"
        )
        print(
            f"{size:>9}  {result['label']:<24} {result['seconds']:>7.2f} {result['queries']:>7}"
            f" {updated:>12}  {cases:>21}  {result['history']:>12}  {result['load']:<15}"
        )
    for size, result in results:
        print(f"\n{size} contracts, {result['label']} ({result['date']}):")
        print(f"  {'step':<34} {'seconds':>8} {'queries':>8}")
        seconds_left, queries_left = result["seconds"], result["queries"]
        for _model, method, depth in STEPS:
            if method not in result["steps"]:
                continue
            seconds, queries = result["steps"][method]
            if not depth:
                seconds_left -= seconds
                queries_left -= queries
            name = ("  of which " if depth else "") + method
            print(f"  {name:<34} {seconds:>8.2f} {queries:>8}")
        print(f"  {'other (rest of _run)':<34} {seconds_left:>8.2f} {queries_left:>8}")
        print(
            "  rows written: "
            + ", ".join(
                f"{verb.lower()} {table} {rows}"
                for (verb, table), rows in sorted(
                    result["written"].items(), key=lambda item: -item[1]
                )
            )
        )
        if top:
            print(f"  slowest statements (of {len(result['statements'])}):")
            for delay, rowcount, query, _params in sorted(
                result["statements"], key=lambda s: -s[0]
            )[:top]:
                text = query.decode() if isinstance(query, bytes) else str(query)
                text = " ".join(text.split())
                print(f"    {delay:8.3f} s  rows {rowcount:>7}  {text[:110]}")


def explain(env, result, top):
    cr = env.cr
    print(
        f"\nEXPLAIN (ANALYZE, BUFFERS) of the slowest statements of '{result['label']}' "
        "(re-run now, in a savepoint rolled back: the data already has the run's results)"
    )
    slow = sorted(result["statements"], key=lambda s: -s[0])[:top]
    for delay, _rows, query, params in slow:
        text = query.decode() if isinstance(query, bytes) else str(query)
        if not re.match(r"\s*(WITH|SELECT|UPDATE|INSERT|DELETE)", text, re.IGNORECASE):
            continue
        print(f"\n--- {delay:.3f} s during the run: {' '.join(text.split())[:300]}")
        cr.execute("SAVEPOINT bench_explain")
        try:
            cr.execute("SELECT set_config('jit', 'off', TRUE)")  # as the engine does
            cr.execute("EXPLAIN (ANALYZE, BUFFERS) " + text, params)
            for (row,) in cr.fetchall():
                print("   ", row)
        finally:
            cr.execute("ROLLBACK TO SAVEPOINT bench_explain")


# --------------------------------------------------------------------------- main
def main():
    args = parse_args()
    config.parse_config(["-c", args.config, "--log-level=warn"])
    registry = Registry(args.db)
    recorder = Recorder()
    results = []
    checks = []
    today = args.date or date.today()
    log(
        f"database {args.db}, first run on {today}, 2nd run on {today + timedelta(days=1)}; "
        f"{os.cpu_count()} CPUs, load average {load_average()}"
    )

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        tiers = cr_one(
            cr,
            """SELECT string_agg(code || ' ' || days_min || '-' || days_max, ', '
                                                ORDER BY days_min)
                                FROM lease_overdue_tier WHERE active""",
        )[0]
        log(f"active tiers: {tiers}")
        seed = create_seed(env, today)
        cr.commit()

        if args.compare:
            log(f"compare: {args.compare} contracts, measured then rolled back")
            counts = generate(cr, seed, args.compare, today)
            cr.execute("ANALYZE")
            print_generation(counts, args.compare)
            for day, label in (
                (today, "1st run (cases created)"),
                (today + timedelta(days=1), "2nd run (next day)"),
            ):
                results.append((args.compare, measure_run(env, recorder, day, label)))
                checks.append(
                    check_portfolio(cr, counts, day, f"{args.compare}, {label}")
                )
                log(checks[-1][1])
            cr.rollback()
            env.invalidate_all()

        log(f"generating {args.contracts} contracts ...")
        counts = generate(cr, seed, args.contracts, today)
        cr.commit()
        print_generation(counts, args.contracts)
        t0 = time.perf_counter()
        vacuum_analyze(args.db)
        log(f"VACUUM ANALYZE in {time.perf_counter() - t0:.1f} s")

        first = measure_run(env, recorder, today, "1st run (cases created)")
        t0 = time.perf_counter()
        cr.commit()
        first["commit"] = time.perf_counter() - t0
        results.append((args.contracts, first))
        checks.append(check_portfolio(cr, counts, today, f"{args.contracts}, 1st run"))
        log(checks[-1][1])
        second = measure_run(
            env, recorder, today + timedelta(days=1), "2nd run (next day)"
        )
        cr.commit()
        results.append((args.contracts, second))
        checks.append(
            check_portfolio(
                cr, counts, today + timedelta(days=1), f"{args.contracts}, 2nd run"
            )
        )
        log(checks[-1][1])
        third = measure_run(
            env, recorder, today + timedelta(days=1), "3rd run (same-day rerun)"
        )
        cr.commit()
        results.append((args.contracts, third))

        cr.execute("""SELECT COUNT(*), COUNT(*) FILTER (WHERE days_overdue > 0)
                        FROM lease_contract WHERE name LIKE 'BENCH-%%'""")
        total, overdue = cr.fetchone()
        cr.execute("""SELECT t.code, COUNT(*) FROM lease_contract c
                        JOIN lease_overdue_tier t ON t.id = c.tier_id
                       WHERE c.name LIKE 'BENCH-%%' GROUP BY t.code, t.days_min ORDER BY t.days_min""")
        by_tier = ", ".join(f"{code} {count}" for code, count in cr.fetchall())
        print_runs(results, args.top)
        print(
            f"\nAfter the 2nd run: {overdue} of {total} synthetic contracts overdue ({by_tier})."
        )
        if args.explain:
            explain(env, second, args.top)
            cr.rollback()
    for _ok, line in checks:
        print(line)
    log(f"done; load average {load_average()}")
    if not all(ok for ok, _line in checks):
        sys.exit(
            "the engine's figures do not match the designed portfolio (CHECK FAILED)"
        )


if __name__ == "__main__":
    main()
