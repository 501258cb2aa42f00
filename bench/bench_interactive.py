"""Benchmark of what people wait for in the reporting menu (issue 10, item 6).

    .venv/bin/python bench/bench_interactive.py --db NAME --config .local/odoo.conf

Run it against a database that already holds a portfolio, e.g. the one
``KEEP_DB=1 make bench ARGS="bench_overdue.py --contracts 100000 --compare 0"`` leaves
(the engine has run on it, so the collection cases and tiers exist). It times, median
of ``--repeat`` runs after one warm-up, the server side of:

1. **KPI dashboard** (menu Reporting > KPI Dashboard): the web client opens the
   ``lease.kpi.dashboard`` form on a new record, i.e. one ``onchange(values={},
   field_names=[], fields_spec)`` call with the fields of the form view; then a change
   of the period (``onchange`` on ``date_from``). As the head of asset management
   (oversight: the whole portfolio) and as a collector (his contracts only).
2. **KPI analysis pivot** (menu Reporting > KPI Analysis) as the head of asset
   management: the one ``formatted_read_grouping_sets`` call the pivot view makes on
   opening (grouping sets ``[[], ['date_due:month']]``, the measures of the view with
   their currency aggregates, ``__count``), and the same grouped by collector.
3. **Weekly report**: ``lease.overdue.weekly.report._cron_generate_and_send()`` (what the
   weekly scheduled action runs: snapshot, PDF, XLSX, email), in a savepoint rolled
   back after each run; once with last week's report present (the normal week) and
   once without one (the tiers of a week ago come from the case tier history).

Nothing is committed: the reports of this week and the last are removed (SQL) in the
outer transaction, which is rolled back at the end. Queries are counted with
``cursor.sql_log_count``; ``--explain`` prints ``EXPLAIN (ANALYZE, BUFFERS)`` of the
slowest statements of each measurement.
"""

import argparse
import os
import re
import statistics
import time
from contextlib import closing
from datetime import timedelta

from bench_common import ThreadQueryHook, load_average, log
from lxml import etree

import odoo  # noqa: F401
from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.tools import config

# Aims of issue 10 item 6 (ms at 100k contracts)
AIM_DASHBOARD = 300
AIM_PIVOT = 300
AIM_WEEKLY = 2000


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--db",
        default=os.environ.get("LEASE_DB_NAME"),
        help="database holding the portfolio (default: $LEASE_DB_NAME)",
    )
    parser.add_argument(
        "--config",
        default=os.environ.get("LEASE_ODOO_CONF"),
        help="Odoo configuration file (default: $LEASE_ODOO_CONF)",
    )
    parser.add_argument(
        "--repeat", type=int, default=5, help="measured runs after the warm-up (5)"
    )
    parser.add_argument(
        "--only",
        default="dashboard,pivot,weekly",
        help="comma-separated subset of: dashboard, pivot, weekly",
    )
    parser.add_argument(
        "--no-send",
        action="store_true",
        help="weekly report: time the generation only, not the whole weekly job "
        "(its PDF and XLSX of every line take minutes at 100k contracts)",
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="EXPLAIN (ANALYZE, BUFFERS) of the slowest statements of each measurement",
    )
    parser.add_argument(
        "--top", type=int, default=3, help="slowest statements listed per measurement"
    )
    args = parser.parse_args()
    if not args.db or not args.config:
        parser.error("give --db and --config (or run it with make bench)")
    return args


class Recorder(ThreadQueryHook):
    """Every statement of the current thread's cursors, with its duration."""

    def __init__(self):
        self.statements = []

    def hook(self, cr, query, params, start, delay):
        self.statements.append((delay, query, params))


def measure(env, label, func, repeat, aim, rollback=False, top=3, explain=False):
    """Median wall time and queries of ``func()`` over ``repeat`` runs after a warm-up.
    With ``rollback``, each run is in a savepoint rolled back afterwards."""
    cr = env.cr
    times, queries = [], []
    slowest = []
    for run in range(repeat + 1):
        env.invalidate_all()
        recorder = Recorder()
        q0 = cr.sql_log_count
        t0 = time.perf_counter()
        with recorder.active():
            if rollback:
                with closing(cr.savepoint()):
                    func()
                    env.flush_all()
                    elapsed = time.perf_counter() - t0
                    count = cr.sql_log_count - q0
            else:
                func()
                elapsed = time.perf_counter() - t0
                count = cr.sql_log_count - q0
        env.invalidate_all()
        if run == 0:
            continue  # warm-up
        times.append(elapsed * 1000)
        queries.append(count)
        slowest = sorted(recorder.statements, key=lambda s: -s[0])[:top]
    ms = statistics.median(times)
    status = "ok" if ms < aim else "OVER"
    log(
        f"{label}: median {ms:.0f} ms (min {min(times):.0f}, max {max(times):.0f}), "
        f"{statistics.median(queries):.0f} queries; aim < {aim} ms: {status}; "
        f"load average {load_average()}"
    )
    for delay, query, _params in slowest:
        text = query.decode() if isinstance(query, bytes) else str(query)
        print(f"      {delay * 1000:7.1f} ms  {' '.join(text.split())[:160]}")
    if explain:
        run_explain(cr, slowest)
    return {"label": label, "ms": ms, "queries": statistics.median(queries), "aim": aim}


def run_explain(cr, statements):
    for delay, query, params in statements:
        text = query.decode() if isinstance(query, bytes) else str(query)
        if not re.match(r"\s*(WITH|SELECT)", text, re.IGNORECASE):
            continue
        print(f"\n--- {delay * 1000:.1f} ms: {' '.join(text.split())[:300]}")
        with closing(cr.savepoint(flush=False)):
            cr.execute("EXPLAIN (ANALYZE, BUFFERS) " + text, params)
            for (row,) in cr.fetchall():
                print("   ", row)
        print()


# --------------------------------------------------------------------------- the UI calls
def form_spec(env, model, xmlid):
    """fields_spec of a form view as the web client builds it (no sub-views here)."""
    view = env.ref(xmlid)
    arch = etree.fromstring(
        env[model].get_views([(view.id, "form")])["views"]["form"]["arch"]
    )
    fields = env[model]._fields
    spec = {}
    for node in arch.iter("field"):
        name = node.get("name")
        if fields[name].type == "many2one":
            spec[name] = {"fields": {"display_name": {}}}
        else:
            spec[name] = {}
    return spec


def pivot_call(env, model, view_xmlid):
    """Arguments of the pivot view's formatted_read_grouping_sets on opening."""
    view = env.ref(view_xmlid)
    arch = etree.fromstring(
        env[model].get_views([(view.id, "pivot")])["views"]["pivot"]["arch"]
    )
    fields = env[model]._fields
    rows, measures = [], []
    for node in arch.iter("field"):
        name = node.get("name")
        if node.get("type") == "row":
            interval = node.get("interval")
            rows.append(f"{name}:{interval}" if interval else name)
        elif node.get("type") == "measure":
            field = fields[name]
            measures.append(f"{name}:{field.aggregator}")
            if field.type == "monetary":
                currency = field.get_currency_field(env[model])
                measures += [f"{currency}:array_agg_distinct", f"{name}:sum_currency"]
    measures.append("__count")
    return rows, measures


def head_user(env):
    user = env.ref("lease_overdue.demo_user_am_head", raise_if_not_found=False)
    if user:
        return user
    return env["res.users"].create(
        {
            "name": "Bench Head",
            "login": "bench_am_head",
            "group_ids": [(4, env.ref("lease_overdue.group_asset_management_head").id)],
        }
    )


def collector_user(env):
    cr = env.cr
    cr.execute(
        """SELECT collector_id FROM lease_contract WHERE collector_id IS NOT NULL
            GROUP BY collector_id ORDER BY COUNT(*) DESC LIMIT 1"""
    )
    row = cr.fetchone()
    user = env["res.users"].browse(row[0]) if row else env["res.users"]
    if user and user.has_group("lease_overdue.group_asset_management"):
        return user
    return env.ref("lease_overdue.demo_user_collector", raise_if_not_found=False)


def bench_dashboard(env, args, results):
    spec = form_spec(
        env, "lease.kpi.dashboard", "lease_overdue.lease_kpi_dashboard_view_form"
    )
    today = env.company._lease_today()
    for label, user in (("head", head_user(env)), ("collector", collector_user(env))):
        if not user:
            continue
        board = env["lease.kpi.dashboard"].with_user(user).with_company(env.company)

        def open_board(board=board):
            return board.onchange({}, [], spec)

        value = open_board()["value"]
        log(
            f"dashboard as {label} ({user.login}): rent due {value['rent_due']:,.2f}, "
            f"collected {value['rent_collected']:,.2f}, overdue contracts "
            f"{value['overdue_contracts']}, open cases {value['cases_open']}"
        )
        results.append(
            measure(
                env,
                f"dashboard opened ({label})",
                open_board,
                args.repeat,
                AIM_DASHBOARD,
                top=args.top,
                explain=args.explain,
            )
        )
        values = dict(value)
        values["date_from"] = str(today - timedelta(days=90))
        for key in ("company_id", "collector_id"):
            values[key] = values[key]["id"] if values[key] else False
        values = {
            key: values[key]
            for key in ("date_from", "date_to", "company_id", "collector_id")
        }

        def change_period(board=board, values=values):
            return board.onchange(values, ["date_from"], spec)

        results.append(
            measure(
                env,
                f"dashboard period changed to 90 days ({label})",
                change_period,
                args.repeat,
                AIM_DASHBOARD,
                top=args.top,
                explain=args.explain,
            )
        )


def bench_pivot(env, args, results):
    user = head_user(env)
    report = env["lease.kpi.report"].with_user(user).with_company(env.company)
    rows, measures = pivot_call(
        env, "lease.kpi.report", "lease_overdue.lease_kpi_report_view_pivot"
    )
    total = report.formatted_read_grouping_sets([], [[], rows], measures)
    log(
        f"pivot as head ({user.login}): {len(total[1])} rows of {rows}, "
        f"total {total[0][0]['__count']} installments, keys {sorted(total[0][0])}"
    )
    results.append(
        measure(
            env,
            "KPI pivot opened (head)",
            lambda: report.formatted_read_grouping_sets([], [[], rows], measures),
            args.repeat,
            AIM_PIVOT,
            top=args.top,
            explain=args.explain,
        )
    )
    results.append(
        measure(
            env,
            "KPI pivot by collector (head)",
            lambda: report.formatted_read_grouping_sets(
                [], [["collector_id"]], measures
            ),
            args.repeat,
            AIM_PIVOT,
            top=args.top,
            explain=args.explain,
        )
    )
    # The menu's default filter "Due in the Last 12 Months": whole due months (this
    # one and the 11 before), as the search view computes it.
    today = env.company._lease_today()
    first = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    for _n in range(10):
        first = (first - timedelta(days=1)).replace(day=1)
    after = (today.replace(day=28) + timedelta(days=4)).replace(day=1)
    last_12 = [("date_due", ">=", str(first)), ("date_due", "<", str(after))]
    results.append(
        measure(
            env,
            "KPI pivot opened with its default filter (head)",
            lambda: report.formatted_read_grouping_sets(last_12, [[], rows], measures),
            args.repeat,
            AIM_PIVOT,
            top=args.top,
            explain=args.explain,
        )
    )
    # By lessee: not a dimension of the monthly summary, read from the installments.
    results.append(
        measure(
            env,
            "KPI pivot by lessee, default filter (head; from the installments)",
            lambda: report.formatted_read_grouping_sets(
                last_12, [["partner_id"]], measures
            ),
            1,
            AIM_PIVOT,
            top=args.top,
            explain=args.explain,
        )
    )


def bench_weekly(env, args, results):
    cr = env.cr
    Report = env["lease.overdue.weekly.report"]
    today = env.company._lease_today()
    monday = today - timedelta(days=today.isocalendar()[2] - 1)
    # this week's and last week's reports (the demo data generates one) go: rolled back
    cr.execute(
        "DELETE FROM lease_overdue_weekly_report WHERE date_from >= %s",
        [monday - timedelta(days=7)],
    )
    env.invalidate_all()
    cron = Report._cron_generate_and_send
    if not args.no_send:
        results.append(
            measure(
                env,
                "weekly report: cron, no previous report (tiers from history)",
                cron,
                args.repeat,
                AIM_WEEKLY,
                rollback=True,
                top=args.top,
                explain=args.explain,
            )
        )
    previous = Report.create({"date_week": today - timedelta(days=7)})
    previous.action_generate()
    env.flush_all()
    log(
        f"last week's report {previous.name}: {previous.contract_count} overdue contracts"
    )

    def steps():
        """The cron once, split into generation and sending."""
        t0 = time.perf_counter()
        report = Report.create({"date_week": today})
        report.action_generate()
        env.flush_all()
        t1 = time.perf_counter()
        report.action_send()
        env.flush_all()
        t2 = time.perf_counter()
        return (
            report.contract_count,
            len(report.line_ids),
            (t1 - t0) * 1000,
            (t2 - t1) * 1000,
        )

    if args.no_send:
        bench_generation(env, args, results, Report, today)
        return
    with closing(cr.savepoint()):
        count, lines, generate_ms, send_ms = steps()
    env.invalidate_all()
    log(
        f"this week's report: {count} overdue contracts, {lines} lines; "
        f"generation {generate_ms:.0f} ms, sending (PDF, XLSX, email) {send_ms:.0f} ms"
    )
    results.append(
        measure(
            env,
            "weekly report: cron, with last week's report",
            cron,
            args.repeat,
            AIM_WEEKLY,
            rollback=True,
            top=args.top,
            explain=args.explain,
        )
    )

    bench_generation(env, args, results, Report, today)


def bench_generation(env, args, results, Report, today):
    def generate_only():
        report = Report.create({"date_week": today})
        report.action_generate()

    results.append(
        measure(
            env,
            "weekly report: generation only (action_generate)",
            generate_only,
            args.repeat,
            AIM_WEEKLY,
            rollback=True,
            top=args.top,
            explain=args.explain,
        )
    )


def main():
    args = parse_args()
    config.parse_config(["-c", args.config, "--log-level=warn"])
    registry = Registry(args.db)
    only = set(args.only.split(","))
    results = []
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        cr.execute(
            """SELECT COUNT(*), COUNT(*) FILTER (WHERE days_overdue > 0)
                 FROM lease_contract WHERE state != 'draft'"""
        )
        contracts, overdue = cr.fetchone()
        cr.execute("SELECT COUNT(*) FROM lease_installment WHERE move_id IS NOT NULL")
        invoiced = cr.fetchone()[0]
        log(
            f"database {args.db}: {contracts} contracts ({overdue} overdue), {invoiced} "
            f"invoiced installments; today {env.company._lease_today()}; "
            f"{os.cpu_count()} CPUs, load average {load_average()}"
        )
        try:
            if "dashboard" in only:
                bench_dashboard(env, args, results)
            if "pivot" in only:
                bench_pivot(env, args, results)
            if "weekly" in only:
                bench_weekly(env, args, results)
        finally:
            cr.rollback()
    print(f"\n{'measurement':<64} {'median ms':>10} {'queries':>8} {'aim ms':>7}")
    for result in results:
        flag = "" if result["ms"] < result["aim"] else "  over the aim"
        print(
            f"{result['label']:<64} {result['ms']:>10.0f} {result['queries']:>8.0f} "
            f"{result['aim']:>7}{flag}"
        )
    log(f"done; load average {load_average()}")


if __name__ == "__main__":
    main()
