"""Benchmark of the daily overdue recomputation (issue 3, item 11).

    make bench ARGS="bench_overdue.py --contracts 10000"

``scripts/lease.sh bench`` gives this script a fresh database with lease_overdue (and its
demo data) installed: LEASE_ODOO_CONF names the Odoo configuration file, LEASE_DB_NAME the
database. The script

1. creates ONE real contract through the ORM (activated, its first rent invoice posted,
   40 % of it paid late with ``account.payment.register``): the seed;
2. clones the seed's rows with SQL (INSERT ... SELECT generate_series) into a synthetic
   portfolio of N contracts with 24 monthly installments each: about 10 % of the contracts
   overdue (spread evenly over the four tiers, a third of them partially paid), the rest
   paid up. Every invoiced installment gets an ``account_move``; the open ones (unpaid,
   partially paid, or invoiced ahead of the due date) also get the invoice's lines
   (``payment_term`` receivable line, principal and interest lines) and, when partially
   paid, a payment entry with its two lines and the ``account_partial_reconcile`` row, so
   the engine's SQL has real joins to do;
3. measures ``lease.overdue.engine._run()`` on the whole portfolio: the first run (every
   collection case is created) and a second run the next day; wall time, SQL queries
   (``cursor.sql_log_count``), rows written per table, time per engine step, the slowest
   statements;
4. optionally does the same first on a smaller portfolio (``--compare``, in a transaction
   that is rolled back) to show that the number of queries does not grow with the
   portfolio.

Synthetic rows are recognisable: contracts ``BENCH-0000001``..., lessees ``Bench Lessee
000001``..., invoices ``BENCH/INV/<id>``, payments ``BENCH/PAY/<id>``. Paid invoices have
their ``account_move`` row only (no lines, no payment): the daily run never reads the
lines of paid installments. There are no penalty invoices and no ``account_payment``
rows.
"""

import argparse
import os
import re
import sys
import threading
import time
from collections import defaultdict
from contextlib import contextmanager
from datetime import date, timedelta

import psycopg2

import odoo
from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.tools import config

TERMS = 24
# Overdue tiers of the default data (days): the overdue contracts are spread evenly.
TIER_DAYS = [(1, 15), (16, 30), (31, 45), (46, 120)]
INVOICE_DAYS_AHEAD = 10


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


def load_average():
    try:
        with open("/proc/loadavg", encoding="ascii") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "?"


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --------------------------------------------------------------------------- measuring
class Recorder:
    """Counts and times every statement of the current thread's cursors."""

    def __init__(self):
        self.reset()

    def reset(self):
        self.statements = []  # (seconds, rowcount, query, params)

    def hook(self, cr, query, params, start, delay):
        rowcount = cr._obj.rowcount
        self.statements.append((delay, rowcount, query, params))

    @contextmanager
    def active(self):
        thread = threading.current_thread()
        previous = getattr(thread, "query_hooks", ())
        thread.query_hooks = (*previous, self.hook)
        try:
            yield self
        finally:
            thread.query_hooks = previous

    def written(self):
        """Rows written per (verb, table)."""
        rows = defaultdict(int)
        for _delay, rowcount, query, _params in self.statements:
            text = query.decode() if isinstance(query, bytes) else str(query)
            found = re.search(
                r"^\s*(UPDATE|INSERT INTO|DELETE FROM)\s+\"?(\w+)\"?",
                text,
                re.IGNORECASE | re.MULTILINE,
            )
            if found and rowcount > 0:
                rows[found.group(1).split()[0].upper(), found.group(2)] += rowcount
        return dict(rows)


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


def cr_one(cr, query, params=None, many=False):
    cr.execute(query, params)
    return cr.fetchall() if many else cr.fetchone()


# --------------------------------------------------------------------------- seed
def create_seed(env, today):
    """One real contract through the normal flow: activate, invoice, pay 40 % late."""
    partner = env["res.partner"].create(
        {"name": "Bench Lessee (seed, ORM)", "is_company": True}
    )
    vendor = env["res.partner"].create(
        {"name": "Bench Vendor (seed, ORM)", "is_company": True}
    )
    first_due = today - timedelta(days=20)
    contract = env["lease.contract"].create(
        {
            "partner_id": partner.id,
            "vendor_id": vendor.id,
            "financed_amount": 240000.0,
            "term_count": TERMS,
            "annual_rate": 6.0,
            "date_start": first_due - timedelta(days=30),
            "date_first_due": first_due,
        }
    )
    contract.action_generate_schedule()
    contract.action_activate()
    line = contract.installment_ids.sorted("sequence")[0]
    line.action_invoice()
    journal = env["account.journal"].search(
        [("type", "=", "bank"), ("company_id", "=", contract.company_id.id)], limit=1
    )
    env["account.payment.register"].with_context(
        active_model="account.move", active_ids=line.move_id.ids
    ).create(
        {
            "payment_date": first_due + timedelta(days=5),
            "amount": round(line.amount_rent * 0.4, 2),
            "journal_id": journal.id,
        }
    )._create_payments()
    env.flush_all()
    partial = env["account.partial.reconcile"].search(
        [("debit_move_id.move_id", "=", line.move_id.id)], limit=1
    )
    if not partial:
        sys.exit("the seed invoice has no partial reconcile: the payment flow changed")
    seed = {
        "partner": partner.id,
        "vendor": vendor.id,
        "contract": contract.id,
        "installment": line.id,
        "move": line.move_id.id,
        "invoice_lines": line.move_id.line_ids.sorted("id").ids,
        "partial": partial.id,
        "payment_move": partial.credit_move_id.move_id.id,
        "payment_lines": partial.credit_move_id.move_id.line_ids.sorted("id").ids,
        "credit_line": partial.credit_move_id.id,
        "debit_line": partial.debit_move_id.id,
    }
    kinds = {aml.id: aml.display_type for aml in line.move_id.line_ids}
    log(
        f"seed through the ORM: contract {contract.name} (id {contract.id}), invoice "
        f"{line.move_id.name} with lines {sorted(kinds.items())}, payment entry "
        f"{partial.credit_move_id.move_id.name}, partial reconcile {partial.id}"
    )
    return seed


# --------------------------------------------------------------------------- synthetic data
def columns(cr, table):
    cr.execute(
        """SELECT column_name FROM information_schema.columns
                   WHERE table_schema = 'public' AND table_name = %s AND is_generated = 'NEVER'
                   ORDER BY ordinal_position""",
        [table],
    )
    return [row[0] for row in cr.fetchall()]


def clone(cr, table, seed_where, source, overrides, params=None):
    """INSERT INTO table: one row per row of ``source`` (alias g), every column copied
    from the seed row (alias s) unless ``overrides`` gives an SQL expression for it."""
    cols = columns(cr, table)
    unknown = set(overrides) - set(cols)
    if unknown:
        sys.exit(f"{table} has no column {sorted(unknown)}: update the benchmark")
    select = ", ".join(overrides.get(col, f's."{col}"') for col in cols)
    query = f"""INSERT INTO "{table}" ({", ".join(f'"{c}"' for c in cols)})
                SELECT {select} FROM "{table}" s JOIN ({source}) g ON TRUE
                 WHERE {seed_where}"""
    cr.execute(query, params or {})
    return cr.rowcount


def reserve_ids(cr, table, count):
    """First id of ``count`` consecutive ids taken from the table's sequence."""
    cr.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [table])
    first = cr.fetchone()[0]
    cr.execute(
        "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, first + count]
    )
    return first


def generate(cr, seed, n_contracts, today):
    """The synthetic portfolio, with SQL only. Returns row counts."""
    t0 = time.perf_counter()
    counts = {}
    n_partners = (n_contracts + 1) // 2
    base = {
        "partner": reserve_ids(cr, "res_partner", n_partners),
        "contract": reserve_ids(cr, "lease_contract", n_contracts),
        "installment": reserve_ids(cr, "lease_installment", n_contracts * TERMS),
        "move": reserve_ids(cr, "account_move", n_contracts * TERMS),
        "pay_move": reserve_ids(cr, "account_move", n_contracts),
        "line": reserve_ids(
            cr, "account_move_line", n_contracts * TERMS * len(seed["invoice_lines"])
        ),
        "pay_line": reserve_ids(
            cr, "account_move_line", n_contracts * len(seed["payment_lines"])
        ),
        "partial": reserve_ids(cr, "account_partial_reconcile", n_contracts),
    }
    p = {
        "today": today,
        "n": n_contracts,
        "terms": TERMS,
        "ahead": INVOICE_DAYS_AHEAD,
        **{f"b_{key}": value for key, value in base.items()},
        **{f"s_{key}": value for key, value in seed.items() if isinstance(value, int)},
    }

    # The plan of each contract n (0-based):
    #   d: days since the due date of its anchor installment j (1..24);
    #   10 % overdue (n % 10 = 5): d spread evenly over the four tiers, a third of them
    #   with 40 % of the oldest overdue installment paid; every installment from j on that
    #   is due is unpaid;
    #   90 % paid up: d = 0..27, installment j and the ones before it paid, except one
    #   contract in four with d = 0 whose installment j falls due today, unpaid.
    #   Installments due within INVOICE_DAYS_AHEAD days are invoiced, unpaid.
    tiers = " ".join(
        f"WHEN {i} THEN {lo} + ((n / 40) * 7) %% {hi - lo + 1}"
        for i, (lo, hi) in enumerate(TIER_DAYS)
    )
    cr.execute(
        f"""
        CREATE TEMP TABLE bench_plan ON COMMIT DROP AS
        SELECT n, over, d, j, f, open_from, partial,
               %(today)s::date - d AS anchor_due
          FROM (
            SELECT n, over, d, j, f,
                   CASE WHEN over THEN j WHEN d = 0 AND (n / 28) %% 4 = 0 THEN j ELSE j + 1 END
                       AS open_from,
                   over AND (n / 10) %% 3 = 0 AS partial
              FROM (
                SELECT n, n %% 10 = 5 AS over,
                       CASE WHEN n %% 10 = 5 THEN CASE (n / 10) %% 4 {tiers} END ELSE n %% 28 END AS d,
                       1 + (n * 7) %% %(terms)s AS j,
                       (0.5 + (n %% 10) / 4.0)::numeric AS f
                  FROM generate_series(0, %(n)s - 1) n
              ) a
          ) b
    """,
        p,
    )
    cr.execute(
        """
        CREATE TEMP TABLE bench_inst ON COMMIT DROP AS
        SELECT x.*,
               CASE WHEN x.k < x.open_from AND x.due <= %(today)s THEN 'paid'
                    WHEN x.due <= %(today)s + %(ahead)s THEN 'open'
                    ELSE 'planned' END AS kind,
               CASE WHEN x.k < x.open_from AND x.due <= %(today)s AND x.k %% 7 = 0
                         AND x.due + 3 <= %(today)s THEN 3 ELSE 0 END AS late,
               CASE WHEN x.partial AND x.k = x.j THEN ROUND(x.rent * 0.4, 2) ELSE 0 END AS paid
          FROM (
            SELECT pl.*, si.sequence AS k, si.id AS seed_id,
                   (pl.n * %(terms)s + si.sequence - 1) AS slot,
                   (pl.anchor_due + (si.sequence - pl.j) * INTERVAL '1 month')::date AS due,
                   ROUND(si.amount_principal * pl.f, 2) AS principal,
                   ROUND(si.amount_interest * pl.f, 2) AS interest,
                   ROUND(si.amount_principal * pl.f, 2) + ROUND(si.amount_interest * pl.f, 2)
                       AS rent
              FROM bench_plan pl
              JOIN lease_installment si ON si.contract_id = %(s_contract)s
          ) x
    """,
        p,
    )
    cr.execute("CREATE INDEX ON bench_inst (n, k)")
    cr.execute("ANALYZE bench_plan")
    cr.execute("ANALYZE bench_inst")

    # lease_installment.move_id and account_move.lease_installment_id point at each other:
    # as a superuser, skip the foreign key triggers while inserting (the rows are
    # consistent); otherwise link the installments to their invoices afterwards.
    cr.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    superuser = cr.fetchone()[0]
    if superuser:
        cr.execute("SET LOCAL session_replication_role = replica")

    counts["res_partner"] = clone(
        cr,
        "res_partner",
        "s.id = %(s_partner)s",
        "SELECT generate_series(0, %(n)s / 2 + %(n)s %% 2 - 1) AS m",
        {
            "id": "%(b_partner)s + g.m",
            "name": "'Bench Lessee ' || lpad((g.m + 1)::text, 6, '0')",
            "complete_name": "'Bench Lessee ' || lpad((g.m + 1)::text, 6, '0')",
            "commercial_partner_id": "%(b_partner)s + g.m",
            "commercial_company_name": "'Bench Lessee ' || lpad((g.m + 1)::text, 6, '0')",
        },
        p,
    )

    counts["lease_contract"] = clone(
        cr,
        "lease_contract",
        "s.id = %(s_contract)s",
        "SELECT pl.*, fi.due AS first_due FROM bench_plan pl"
        " JOIN bench_inst fi ON fi.n = pl.n AND fi.k = 1",
        {
            "id": "%(b_contract)s + g.n",
            "name": "'BENCH-' || lpad((g.n + 1)::text, 7, '0')",
            "partner_id": "%(b_partner)s + g.n / 2",
            "financed_amount": "ROUND(s.financed_amount * g.f, 2)",
            "date_first_due": "g.first_due",
            "date_start": "(g.first_due - INTERVAL '1 month')::date",
            "days_overdue": "0",
            "working_days_overdue": "0",
            "tier_id": "NULL",
            "overdue_amount": "0",
            "penalty_amount": "0",
            "overdue_count": "0",
            "overdue_days_total": "0",
            "overdue_last_two_months": "FALSE",
            "amount_band_id": "NULL",
            "risk_grade": "NULL",
            "current_case_id": "NULL",
            "occurrence": "0",
        },
        p,
    )

    pay_date = "(g.due + (%(today)s - g.due) / 2 + 1)"  # late, but not after today
    counts["lease_installment"] = clone(
        cr,
        "lease_installment",
        "s.id = g.seed_id",
        "SELECT * FROM bench_inst",
        {
            "id": "%(b_installment)s + g.slot",
            "contract_id": "%(b_contract)s + g.n",
            "partner_id": "%(b_partner)s + g.n / 2",
            "date_due": "g.due",
            "amount_principal": "g.principal",
            "amount_interest": "g.interest",
            "amount_rent": "g.rent",
            "move_id": "CASE WHEN g.kind != 'planned' THEN %(b_move)s + g.slot END"
            if superuser
            else "NULL",
            "state": "CASE g.kind WHEN 'paid' THEN 'paid' WHEN 'open' THEN 'invoiced'"
            " ELSE 'planned' END",
            # the engine's figures: paid ones as the engine leaves them, open ones as
            # invoicing leaves them (the first run computes them), planned ones empty
            # as the ORM creates them
            **{
                col: f"CASE WHEN g.kind != 'planned' THEN {value} END"
                for col, value in {
                    "amount_paid": "CASE g.kind WHEN 'paid' THEN g.rent ELSE 0 END",
                    "amount_residual": "CASE g.kind WHEN 'paid' THEN 0 ELSE g.rent END",
                    "late_amount_days": "g.rent * g.late",
                    "date_last_payment": "CASE g.kind WHEN 'paid' THEN g.due + g.late END",
                    "penalty_accrued": "ROUND(g.rent * g.late * 0.0005, 2)",
                    "penalty_invoiced": "ROUND(g.rent * g.late * 0.0005, 2)",
                    "penalty_paid": "ROUND(g.rent * g.late * 0.0005, 2)",
                    "penalty_due": "0",
                    "date_settled": "CASE g.kind WHEN 'paid' THEN g.due + g.late END",
                    "days_overdue": "0",
                    "days_late": "g.late",
                }.items()
            },
            "tier_id": "NULL",
            "vendor_advance_amount": "0",
        },
        p,
    )

    # Rent invoices: one account_move per invoiced installment (paid or open).
    counts["account_move (rent invoices)"] = clone(
        cr,
        "account_move",
        "s.id = %(s_move)s",
        "SELECT * FROM bench_inst WHERE kind != 'planned'",
        {
            "id": "%(b_move)s + g.slot",
            "name": "'BENCH/INV/' || (%(b_move)s + g.slot)",
            "sequence_number": "%(b_move)s + g.slot",
            "sequence_prefix": "'BENCH/INV/'",
            "partner_id": "%(b_partner)s + g.n / 2",
            "commercial_partner_id": "%(b_partner)s + g.n / 2",
            "partner_shipping_id": "%(b_partner)s + g.n / 2",
            "invoice_partner_display_name": "'Bench Lessee ' || lpad((g.n / 2 + 1)::text, 6, '0')",
            "invoice_origin": "'BENCH-' || lpad((g.n + 1)::text, 7, '0')",
            "payment_reference": "'BENCH/INV/' || (%(b_move)s + g.slot)",
            "access_token": "NULL",
            "date": "LEAST(g.due - %(ahead)s, %(today)s)",
            "invoice_date": "LEAST(g.due - %(ahead)s, %(today)s)",
            "invoice_date_due": "g.due",
            "amount_untaxed": "g.rent",
            "amount_total": "g.rent",
            "amount_untaxed_signed": "g.rent",
            "amount_untaxed_in_currency_signed": "g.rent",
            "amount_total_signed": "g.rent",
            "amount_total_in_currency_signed": "g.rent",
            "amount_tax": "0",
            "amount_tax_signed": "0",
            "amount_residual": "CASE g.kind WHEN 'paid' THEN 0 ELSE g.rent - g.paid END",
            "amount_residual_signed": "CASE g.kind WHEN 'paid' THEN 0 ELSE g.rent - g.paid END",
            "payment_state": "CASE WHEN g.kind = 'paid' THEN 'paid' WHEN g.paid > 0 THEN 'partial'"
            " ELSE 'not_paid' END",
            "lease_installment_id": "%(b_installment)s + g.slot",
            "lease_contract_id": "%(b_contract)s + g.n",
            "lease_days_overdue": "0",
            "lease_tier_id": "NULL",
        },
        p,
    )

    if not superuser:
        cr.execute(
            """UPDATE lease_installment SET move_id = id - %(b_installment)s + %(b_move)s
                       WHERE id >= %(b_installment)s AND state != 'planned'""",
            p,
        )

    # Lines of the open invoices: a clone of each line of the seed invoice.
    cr.execute(
        "SELECT id, display_type, name FROM account_move_line WHERE id = ANY(%s) ORDER BY id",
        [seed["invoice_lines"]],
    )
    counts["account_move_line (open invoices)"] = 0
    for index, (line_id, display_type, name) in enumerate(cr.fetchall()):
        if display_type == "payment_term":
            amount = "g.rent"
            residual = "g.rent - g.paid"
            label = "''"
        elif display_type == "product":
            part = "g.interest" if "interest" in (name or "") else "g.principal"
            amount = f"-{part}"
            residual = "0"
            label = (
                "'Rent BENCH-' || lpad((g.n + 1)::text, 7, '0') || ' installment ' || g.k"
                f" || '/{TERMS} - ' || {'interest' if 'interest' in (name or '') else 'principal'!r}"
            )
        else:
            sys.exit(
                f"the seed invoice has a line of type {display_type}: update the benchmark"
            )
        price = f"abs({amount})"
        counts["account_move_line (open invoices)"] += clone(
            cr,
            "account_move_line",
            f"s.id = {int(line_id)}",
            "SELECT * FROM bench_inst WHERE kind = 'open'",
            {
                "id": f"%(b_line)s + g.slot * {len(seed['invoice_lines'])} + {index}",
                "move_id": "%(b_move)s + g.slot",
                "move_name": "'BENCH/INV/' || (%(b_move)s + g.slot)",
                "partner_id": "%(b_partner)s + g.n / 2",
                "name": label,
                "date": "LEAST(g.due - %(ahead)s, %(today)s)",
                "invoice_date": "LEAST(g.due - %(ahead)s, %(today)s)",
                "date_maturity": "g.due",
                "debit": f"GREATEST({amount}, 0)",
                "credit": f"GREATEST(-({amount}), 0)",
                "balance": amount,
                "amount_currency": amount,
                "amount_residual": residual,
                "amount_residual_currency": residual,
                "reconciled": "FALSE",
                "full_reconcile_id": "NULL",
                "matching_number": (
                    "CASE WHEN g.paid > 0 THEN 'P' || (%(b_partial)s + g.n) END"
                    if display_type == "payment_term"
                    else "NULL"
                ),
                "price_unit": price if display_type == "product" else "s.price_unit",
                "price_subtotal": price
                if display_type == "product"
                else "s.price_subtotal",
                "price_total": price if display_type == "product" else "s.price_total",
            },
            p,
        )

    # Partial payments: the payment entry, its two lines, the partial reconcile.
    partial_rows = "SELECT * FROM bench_inst WHERE paid > 0"
    counts["account_move (payments)"] = clone(
        cr,
        "account_move",
        "s.id = %(s_payment_move)s",
        partial_rows,
        {
            "id": "%(b_pay_move)s + g.n",
            "name": "'BENCH/PAY/' || (%(b_pay_move)s + g.n)",
            "sequence_number": "%(b_pay_move)s + g.n",
            "sequence_prefix": "'BENCH/PAY/'",
            "partner_id": "%(b_partner)s + g.n / 2",
            "commercial_partner_id": "%(b_partner)s + g.n / 2",
            "partner_shipping_id": "%(b_partner)s + g.n / 2",
            "origin_payment_id": "NULL",
            "date": pay_date,
            "amount_untaxed": "0",
            "amount_total": "g.paid",
            "amount_total_signed": "g.paid",
            "amount_total_in_currency_signed": "g.paid",
            "amount_residual": "0",
            "amount_residual_signed": "0",
            "ref": "'BENCH partial payment'",
        },
        p,
    )
    cr.execute(
        "SELECT id FROM account_move_line WHERE id = ANY(%s) ORDER BY id",
        [seed["payment_lines"]],
    )
    counts["account_move_line (payments)"] = 0
    for index, (line_id,) in enumerate(cr.fetchall()):
        receivable = line_id == seed["credit_line"]
        amount = "-g.paid" if receivable else "g.paid"
        counts["account_move_line (payments)"] += clone(
            cr,
            "account_move_line",
            f"s.id = {int(line_id)}",
            partial_rows,
            {
                "id": f"%(b_pay_line)s + g.n * {len(seed['payment_lines'])} + {index}",
                "move_id": "%(b_pay_move)s + g.n",
                "move_name": "'BENCH/PAY/' || (%(b_pay_move)s + g.n)",
                "partner_id": "%(b_partner)s + g.n / 2",
                "payment_id": "NULL",
                "date": pay_date,
                "date_maturity": pay_date,
                "debit": f"GREATEST({amount}, 0)",
                "credit": f"GREATEST(-({amount}), 0)",
                "balance": amount,
                "amount_currency": amount,
                "amount_residual": "0",
                "amount_residual_currency": "0",
                "reconciled": "TRUE" if receivable else "s.reconciled",
                "full_reconcile_id": "NULL",
                "matching_number": "'P' || (%(b_partial)s + g.n)"
                if receivable
                else "NULL",
            },
            p,
        )
    seed_index = seed["invoice_lines"].index(seed["debit_line"])
    credit_index = seed["payment_lines"].index(seed["credit_line"])
    counts["account_partial_reconcile"] = clone(
        cr,
        "account_partial_reconcile",
        "s.id = %(s_partial)s",
        partial_rows,
        {
            "id": "%(b_partial)s + g.n",
            "debit_move_id": f"%(b_line)s + g.slot * {len(seed['invoice_lines'])} + {seed_index}",
            "credit_move_id": f"%(b_pay_line)s + g.n * {len(seed['payment_lines'])} + {credit_index}",
            "amount": "g.paid",
            "debit_amount_currency": "g.paid",
            "credit_amount_currency": "g.paid",
            "max_date": pay_date,
            "full_reconcile_id": "NULL",
        },
        p,
    )
    if superuser:
        cr.execute("SET LOCAL session_replication_role = origin")
    for table in (
        "res_partner",
        "lease_contract",
        "lease_installment",
        "account_move",
        "account_move_line",
        "account_partial_reconcile",
    ):
        cr.execute(f"""SELECT setval(pg_get_serial_sequence('{table}', 'id'),
                              GREATEST((SELECT MAX(id) FROM "{table}"),
                                       (SELECT last_value FROM {table}_id_seq)))""")
    cr.execute("""SELECT COUNT(*) FILTER (WHERE over), COUNT(*) FILTER (WHERE partial)
                    FROM bench_plan""")
    counts["overdue contracts (planned)"], counts["partially paid contracts"] = (
        cr.fetchone()
    )
    cr.execute("SELECT kind, COUNT(*) FROM bench_inst GROUP BY kind")
    for kind, count in cr.fetchall():
        counts[f"installments {kind}"] = count
    cr.execute("DROP TABLE bench_inst")
    cr.execute("DROP TABLE bench_plan")
    counts["seconds"] = time.perf_counter() - t0
    return counts


def vacuum_analyze(dbname):
    """VACUUM ANALYZE the tables the engine reads, as autovacuum would have done."""
    _name, info = odoo.sql_db.connection_info_for(dbname)
    cnx = psycopg2.connect(**info)
    try:
        cnx.autocommit = True
        with cnx.cursor() as cr:
            for table in (
                "res_partner",
                "lease_contract",
                "lease_installment",
                "account_move",
                "account_move_line",
                "account_partial_reconcile",
                "lease_collection_case",
            ):
                cr.execute(f'VACUUM ANALYZE "{table}"')
    finally:
        cnx.close()


# --------------------------------------------------------------------------- report
SYNTHETIC_NOTE = """\
  Synthetic rows (SQL clones of the seed's rows): lessees 'Bench Lessee NNNNNN',
  contracts 'BENCH-NNNNNNN' and their 24 installments each, rent invoices
  'BENCH/INV/<id>' (account_move; lines only for the open ones), partial payments
  'BENCH/PAY/<id>' with their 2 lines and account_partial_reconcile rows.
  Real (ORM): the seed contract 'Bench Lessee (seed, ORM)' with its invoice and
  payment, the demo data, and everything the engine writes (figures, cases, history)."""


def print_generation(counts, size):
    print(
        f"\nSynthetic portfolio of {size} contracts, generated with SQL in "
        f"{counts['seconds']:.1f} s:"
    )
    print(SYNTHETIC_NOTE)
    for key, value in counts.items():
        if key != "seconds":
            print(f"  {key:<36} {value:>10}")


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
            results.append(
                (
                    args.compare,
                    measure_run(env, recorder, today, "1st run (cases created)"),
                )
            )
            results.append(
                (
                    args.compare,
                    measure_run(
                        env, recorder, today + timedelta(days=1), "2nd run (next day)"
                    ),
                )
            )
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
        second = measure_run(
            env, recorder, today + timedelta(days=1), "2nd run (next day)"
        )
        cr.commit()
        results.append((args.contracts, second))
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
    log(f"done; load average {load_average()}")


if __name__ == "__main__":
    main()
