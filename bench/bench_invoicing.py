"""Benchmark of the nightly invoicing: rent invoices and penalty bills (issue 10).

    make bench ARGS="bench_invoicing.py --contracts 200"
    make bench ARGS="bench_invoicing.py --contracts 1000 --batch 250"

Builds N contracts through the ORM (12 monthly rents from 04-12; the rents of 04-12 and
05-12 invoiced the night before, nothing paid), then measures on 05-12 (company in
Beijing):

- rent: ``lease.installment._invoice_due`` with a 31-day lead time: N invoices (the
  rents of 06-12), created and posted (``--months M``: M rents a contract, N x M);
- penalty: ``lease.installment._invoice_penalty_due``: N bills (the penalty of the
  unpaid rent of 04-12, falling due with the rent of 05-12).

With ``--batch B`` each is called as the nightly job does (context
``lease_invoice_batch``: B per call, until done). Printed: wall time, SQL queries, per
invoice; the time and queries spent in account.move ``create``, ``_post`` and the
engine's ``_run``; the load average. Nothing is committed after the set-up.
"""

import argparse
import os
import time
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from unittest import mock

from freezegun import freeze_time

from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.tools import config

DAY = date(2026, 5, 12)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contracts", type=int, default=200)
    parser.add_argument("--batch", type=int, default=0)
    parser.add_argument(
        "--months",
        type=int,
        default=1,
        help="rents invoiced per contract (lead time of about that many months): "
        "N x months rent invoices",
    )
    parser.add_argument(
        "--ctx",
        default="",
        help="context keys set to True for the measured calls, comma separated "
        "(e.g. tracking_disable), to measure what they save",
    )
    parser.add_argument(
        "--profile", action="store_true", help="cProfile the rent call (top 30)"
    )
    parser.add_argument("--only", choices=("rent", "penalty"), default=None)
    parser.add_argument("--db", default=os.environ.get("LEASE_DB_NAME"))
    parser.add_argument("--config", default=os.environ.get("LEASE_ODOO_CONF"))
    return parser.parse_args()


def load_average():
    with open("/proc/loadavg", encoding="ascii") as handle:
        return " ".join(handle.read().split()[:3])


def at(day):
    return datetime.combine(day - timedelta(days=1), datetime.min.time()) + timedelta(
        hours=17, minutes=30
    )


def setup(env, count):
    company = env.company
    company.resource_calendar_id.tz = "Asia/Shanghai"
    company.partner_id.tz = "Asia/Shanghai"
    company.lease_invoice_days_ahead = 10
    vendor = env["res.partner"].create({"name": "Bench Vendor", "is_company": True})
    contracts = env["lease.contract"]
    t0 = time.perf_counter()
    for n in range(count):
        lessee = env["res.partner"].create(
            {"name": f"Bench Invoicing Lessee {n:05d}", "is_company": True}
        )
        contract = env["lease.contract"].create(
            {
                "partner_id": lessee.id,
                "vendor_id": vendor.id,
                "financed_amount": 120000.0,
                "annual_rate": 6.0,
                "term_count": 12,
                "periodicity": "monthly",
                "schedule_method": "annuity",
                "date_start": date(2026, 3, 1),
                "date_first_due": date(2026, 4, 12),
                "penalty_rate": 0.0005,
            }
        )
        contract.action_generate_schedule()
        contract.action_activate()
        contracts |= contract
    with freeze_time(at(DAY - timedelta(days=1))):
        lines = contracts.installment_ids.filtered(lambda line: line.date_due <= DAY)
        lines.with_context(lease_defer_overdue=True)._create_rent_invoices()
        env["lease.overdue.engine"]._run(date=DAY - timedelta(days=1))
    print(f"set-up: {count} contracts in {time.perf_counter() - t0:.0f} s")
    return contracts


class Meter:
    """Time and queries spent inside some methods (outermost call only)."""

    def __init__(self, cr):
        self.cr = cr
        self.spent = {}
        self.depth = {}

    def wrap(self, cls, name, label):
        original = getattr(cls, name)
        meter = self

        def wrapper(self, *args, **kwargs):
            if meter.depth.get(label):
                return original(self, *args, **kwargs)
            meter.depth[label] = 1
            t0, q0 = time.perf_counter(), meter.cr.sql_log_count
            try:
                return original(self, *args, **kwargs)
            finally:
                spent = meter.spent.setdefault(label, [0.0, 0, 0])
                spent[0] += time.perf_counter() - t0
                spent[1] += meter.cr.sql_log_count - q0
                spent[2] += 1
                meter.depth[label] = 0

        return mock.patch.object(cls, name, wrapper)


@contextmanager
def metered(registry, cr):
    meter = Meter(cr)
    patches = [
        meter.wrap(registry["account.move"], "create", "account.move create"),
        meter.wrap(registry["account.move"], "_post", "account.move _post"),
        meter.wrap(registry["lease.overdue.engine"], "_run", "engine _run"),
    ]
    for patch in patches:
        patch.start()
    try:
        yield meter
    finally:
        for patch in patches:
            patch.stop()


def measure(env, registry, label, call, batch):
    cr = env.cr
    env.flush_all()
    env.invalidate_all()
    with metered(registry, cr) as meter, freeze_time(at(DAY), tick=True):
        t0, q0 = time.perf_counter(), cr.sql_log_count
        count = 0
        calls = 0
        while True:
            moves = call(batch)
            env.flush_all()
            count += len(moves)
            calls += 1
            if not batch or len(moves) < batch:
                break
        wall = time.perf_counter() - t0
        queries = cr.sql_log_count - q0
    per = count or 1
    print(
        f"{label}: {count} invoices in {calls} call(s), {wall:.2f} s, {queries} queries; "
        f"per invoice {1000 * wall / per:.1f} ms, {queries / per:.1f} queries "
        f"(load {load_average()})"
    )
    for name, (spent, spent_queries, n) in sorted(meter.spent.items()):
        print(
            f"    {name}: {spent:.2f} s, {spent_queries} queries in {n} call(s); "
            f"per invoice {1000 * spent / per:.1f} ms, {spent_queries / per:.1f} queries"
        )
    return count


def main():
    args = parse_args()
    config.parse_config(["-c", args.config, "--log-level=warn"])
    registry = Registry(args.db)
    print(f"database {args.db}; load average {load_average()}")
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        existing = env["lease.contract"].search_count(
            [("partner_id.name", "=like", "Bench Invoicing Lessee %")]
        )
        if existing:
            print(f"reusing the {existing} contracts of an earlier run (committed)")
        else:
            setup(env(context=dict(env.context, tracking_disable=True)), args.contracts)
            cr.commit()
        env.company.lease_invoice_days_ahead = 31 * args.months
        extra = dict.fromkeys(filter(None, args.ctx.split(",")), True)
        Installment = env["lease.installment"].with_context(**extra)

        def rent(batch):
            ctx = {"lease_invoice_batch": batch} if batch else {}
            return Installment.with_context(**ctx)._invoice_due(date=DAY)

        def penalty(batch):
            ctx = {"lease_invoice_batch": batch} if batch else {}
            return Installment.with_context(**ctx)._invoice_penalty_due(date=DAY)

        if args.profile:
            import cProfile
            import pstats

            profile = cProfile.Profile()
            profile.enable()
            measure(env, registry, "rent", rent, args.batch)
            profile.disable()
            pstats.Stats(profile).sort_stats("cumulative").print_stats(40)
            cr.rollback()
            return
        if args.only != "penalty":
            measure(env, registry, "rent", rent, args.batch)
        if args.only != "rent":
            measure(env, registry, "penalty", penalty, args.batch)
        cr.rollback()
    print(f"done; load average {load_average()}")


if __name__ == "__main__":
    main()
