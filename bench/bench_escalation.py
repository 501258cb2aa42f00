"""Query count of the daily escalation job against the number of cases (SPEC E14).

    make bench ARGS="bench_escalation.py --sizes 10,100"

``scripts/lease.sh bench`` gives this script a fresh database with lease_overdue (and its
demo data) installed: LEASE_ODOO_CONF names the Odoo configuration file, LEASE_DB_NAME the
database. For each size N, in a transaction that is rolled back afterwards, the script
creates N lessees with one contract each through the real flow (schedule, activation, the
first rent invoice posted), then walks the overdue days where the default rules act
(day 1, 2, 6, 8, 15, 16, 30, 31, 46): the overdue engine runs, then the escalation job is
measured twice (the second run must create nothing). It prints the SQL queries and the
time of each run: the number of queries must not grow with N.
"""

import argparse
import os
import re
import sys
import time
from collections import Counter
from datetime import date, timedelta

from bench_common import ThreadQueryHook
from freezegun import freeze_time

from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.tools import config

DUE = date(2026, 3, 10)
DAYS = (1, 2, 6, 8, 15, 16, 30, 31, 46)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", default="10,100", help="portfolio sizes (default 10,100)"
    )
    parser.add_argument(
        "--top",
        type=int,
        default=0,
        help="list the N statements repeated most in each first run of the largest size",
    )
    parser.add_argument(
        "--days",
        default=",".join(map(str, DAYS)),
        help="overdue days walked (default %(default)s)",
    )
    parser.add_argument(
        "--prefetch-max",
        type=int,
        default=0,
        help="lower Odoo's PREFETCH_MAX (1000) to K: recordsets larger than K are read "
        "as portfolios of thousands of cases are, so that per-record reads show at small "
        "sizes (a read per K records is then expected)",
    )
    parser.add_argument("--db", default=os.environ.get("LEASE_DB_NAME"))
    parser.add_argument("--config", default=os.environ.get("LEASE_ODOO_CONF"))
    args = parser.parse_args()
    if not args.db or not args.config:
        sys.exit(
            'run it with `make bench ARGS="bench_escalation.py"` or give --db and --config'
        )
    return args


def portfolio(env, size):
    """``size`` active contracts, each with its first rent invoice posted."""
    users = env["res.users"].search([("share", "=", False)], order="id", limit=4)
    partners = env["res.partner"].create(
        [
            {
                "name": f"Escalation Bench Lessee {n:04d}",
                "is_company": True,
                "phone": f"138{n:08d}",
            }
            for n in range(size)
        ]
    )
    contracts = env["lease.contract"].create(
        [
            {
                "partner_id": partner.id,
                "locality": "local" if n % 2 else "non_local",
                "financed_amount": 1200000.0,
                "term_count": 12,
                "date_start": date(2026, 2, 1),
                "date_first_due": DUE,
                "penalty_rate": 0.0005,
                "account_manager_id": users[0].id,
                "collector_id": users[1].id,
                "team_lead_id": users[2].id,
                "risk_officer_id": users[3].id,
            }
            for n, partner in enumerate(partners)
        ]
    )
    contracts.action_generate_schedule()
    contracts.action_activate()
    with freeze_time(DUE - timedelta(days=10)):
        contracts.action_invoice_due()
    return contracts


class Statements(ThreadQueryHook):
    """The statements of the current thread (Odoo's ``query_hooks``): their normalized
    text (numbers as N) and the rows each INSERT/UPDATE/DELETE wrote."""

    def __init__(self):
        self.counts = Counter()
        self.rows = Counter()

    def hook(self, cr, query, params, start, delay):
        text = query.decode() if isinstance(query, bytes) else str(query)
        text = re.sub(r"\s+", " ", text).strip()
        self.counts[re.sub(r"\d+", "N", text)[:150]] += 1
        found = re.match(r"(UPDATE|INSERT INTO|DELETE FROM) \"?(\w+)\"?", text, re.I)
        if found and cr._obj.rowcount > 0:
            self.rows[found.group(2)] += cr._obj.rowcount


def per_rule(env, into):
    """Count the queries of each rule's ``_fire`` into ``into[rule name]``."""
    rule_class = type(env["lease.escalation.rule"])
    original = rule_class._fire

    def fire(self, state):
        q0 = self.env.cr.sql_log_count
        try:
            return original(self, state)
        finally:
            key = f"{self.policy_ref or ''} {self.name}".strip()
            into[key] = into.get(key, 0) + self.env.cr.sql_log_count - q0

    rule_class._fire = fire
    return lambda: setattr(rule_class, "_fire", original)


def measure(env, size, rules):
    cr = env.cr
    contracts = portfolio(env, size)
    rows = []
    restore = per_rule(env, rules)
    for offset in DAYS:
        day = DUE + timedelta(days=offset)
        with freeze_time(day, tick=True):
            env["lease.overdue.engine"]._run()
            runs = []
            for _attempt in range(2):
                env.invalidate_all()
                statements = Statements()
                q0, t0 = cr.sql_log_count, time.perf_counter()
                with statements.active():
                    logs = env["lease.escalation.rule"]._run_escalation()
                    env.flush_all()
                runs.append(
                    (
                        cr.sql_log_count - q0,
                        time.perf_counter() - t0,
                        len(logs or []),
                        statements,
                    )
                )
        cases = env["lease.collection.case"].search_count(
            [("contract_id", "in", contracts.ids), ("state", "=", "open")]
        )
        rows.append((offset, cases, runs))
    restore()
    return rows


def main():
    args = parse_args()
    config.parse_config(["-c", args.config, "--log-level=warn"])
    registry = Registry(args.db)
    sizes = [int(s) for s in args.sizes.split(",")]
    global DAYS  # noqa: PLW0603 - the days walked, for measure()
    DAYS = tuple(int(day) for day in args.days.split(","))
    if args.prefetch_max:
        from odoo.orm import fields, fields_relational, models  # noqa: PLC0415

        for module in (fields, fields_relational, models):
            module.PREFETCH_MAX = args.prefetch_max
    results = {}
    rules = {}
    for size in sizes:
        rules[size] = {}
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            results[size] = measure(env, size, rules[size])
            cr.rollback()
    print(
        "\nEscalation job: SQL queries (time) per run; 'again' = same day, second run"
    )
    header = f"{'day':>4} " + " ".join(
        f"| N={size}: cases  created  queries     time  again" for size in sizes
    )
    print(header)
    for index, offset in enumerate(DAYS):
        cells = []
        for size in sizes:
            _offset, cases, runs = results[size][index]
            (q1, t1, n1, _s1), (q2, _t2, n2, _s2) = runs
            cells.append(f"| {cases:>11} {n1:>8} {q1:>8} {t1:>7.2f}s {q2:>4}q/{n2}")
        print(f"{offset:>4} " + " ".join(cells))
    print("\nRows written by the first run (all tables), per size:")
    for index, offset in enumerate(DAYS):
        cells = []
        for size in sizes:
            rows = results[size][index][2][0][3].rows
            cells.append(f"N={size}: {sum(rows.values()):>7}")
        print(f"{offset:>4}  " + "  ".join(cells))
    if args.top:
        size = sizes[-1]
        print(f"\nMost repeated statements of the first run, N={size}:")
        for index, offset in enumerate(DAYS):
            statements = results[size][index][2][0][3]
            print(f"-- day {offset}: rows {dict(statements.rows.most_common(8))}")
            for text, count in statements.counts.most_common(args.top):
                print(f"{count:>7}  {text}")
    print("\nQueries per rule over all the days above (both runs):")
    print(f"{'rule':<70} " + " ".join(f"{f'N={size}':>8}" for size in sizes))
    for name in sorted(rules[sizes[0]]):
        counts = [rules[size].get(name, 0) for size in sizes]
        flag = "  <- grows" if counts[-1] > counts[0] * 1.2 + 10 else ""
        print(f"{name[:70]:<70} " + " ".join(f"{c:>8}" for c in counts) + flag)
    return 0


if __name__ == "__main__":
    sys.exit(main())
