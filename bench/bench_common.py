"""Shared code of the benchmarks: the synthetic portfolio and the query recorder.

Used by bench_overdue.py (the overdue engine alone) and bench_nightly.py (the whole
nightly job). ``create_seed`` makes ONE real contract through the ORM; ``generate``
clones its rows with SQL into a portfolio of N contracts as it stands at the end of the
night before the first measured day (see ``generate`` and bench/README.md for the shape).
"""

import re
import sys
import threading
import time
from collections import defaultdict
from contextlib import contextmanager
from datetime import timedelta

import psycopg2

import odoo

TERMS = 24
# Overdue tiers of the default data (days): the overdue contracts are spread evenly.
TIER_DAYS = [(1, 15), (16, 30), (31, 45), (46, 120)]
INVOICE_DAYS_AHEAD = 10
# Every installment k with k % LATE_EVERY == 0 of a paid-up history was paid LATE_DAYS late.
LATE_EVERY = 7
LATE_DAYS = 3


# The tables the generator fills (their id sequences are moved past the rows inserted;
# the benches ANALYZE them before measuring).
GENERATED_TABLES = (
    "res_partner",
    "lease_contract",
    "lease_installment",
    "account_move",
    "account_move_line",
    "account_partial_reconcile",
    "account_full_reconcile",
)


def load_average():
    try:
        with open("/proc/loadavg", encoding="ascii") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "?"


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def cr_one(cr, query, params=None, many=False):
    cr.execute(query, params)
    return cr.fetchall() if many else cr.fetchone()


# --------------------------------------------------------------------------- measuring
class ThreadQueryHook:
    """Calls ``self.hook(cr, query, params, start, delay)`` for every statement of the
    current thread's cursors while ``active()``."""

    @contextmanager
    def active(self):
        thread = threading.current_thread()
        previous = getattr(thread, "query_hooks", ())
        thread.query_hooks = (*previous, self.hook)
        try:
            yield self
        finally:
            thread.query_hooks = previous


class Recorder(ThreadQueryHook):
    """Counts and times every statement of the current thread's cursors (Odoo's
    ``query_hooks``: every cursor of the thread, the cron's own cursors included)."""

    def __init__(self):
        self.reset()

    def reset(self):
        self.statements = []  # (seconds, rowcount, query, params)

    def hook(self, cr, query, params, start, delay):
        rowcount = cr._obj.rowcount
        self.statements.append((delay, rowcount, query, params))

    def written(self, statements=None):
        """Rows written per (verb, table)."""
        rows = defaultdict(int)
        for _delay, rowcount, query, _params in (
            self.statements if statements is None else statements
        ):
            text = query.decode() if isinstance(query, bytes) else str(query)
            found = re.search(
                r"^\s*(UPDATE|INSERT INTO|DELETE FROM)\s+\"?(\w+)\"?",
                text,
                re.IGNORECASE | re.MULTILINE,
            )
            if found and rowcount > 0:
                rows[found.group(1).split()[0].upper(), found.group(2)] += rowcount
        return dict(rows)


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
        "penalty_rate": contract.penalty_rate,
    }
    kinds = {aml.id: aml.display_type for aml in line.move_id.line_ids}
    log(
        f"seed through the ORM: contract {contract.name} (id {contract.id}), invoice "
        f"{line.move_id.name} with lines {sorted(kinds.items())}, payment entry "
        f"{partial.credit_move_id.move_id.name}, partial reconcile {partial.id}, "
        f"penalty rate {contract.penalty_rate}/day"
    )
    return seed


# --------------------------------------------------------------------------- synthetic data
CLONE_TIMES = []  # (table, rows, seconds) of every clone() of the last generate()


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
    t0 = time.perf_counter()
    cr.execute(query, params or {})
    CLONE_TIMES.append((table, cr.rowcount, time.perf_counter() - t0))
    return cr.rowcount


def reserve_ids(cr, table, count):
    """First id of ``count`` consecutive ids taken from the table's sequence."""
    cr.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [table])
    first = cr.fetchone()[0]
    cr.execute(
        "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)",
        [table, first + max(count, 1)],
    )
    return first


def count(cr, query, params=None):
    cr.execute(query, params)
    return cr.fetchone()[0]


def generate(cr, seed, n_contracts, today):
    """The synthetic portfolio, with SQL only, as it stands at the end of the night
    before ``today`` (the nightly job of ``today`` has not run yet). Returns row counts
    and, under ``"open_due"``, {due date: open installments} for the checks."""
    t0 = time.perf_counter()
    CLONE_TIMES.clear()
    counts = {}
    n_partners = (n_contracts + 1) // 2
    n_lines = len(seed["invoice_lines"])
    n_pay_lines = len(seed["payment_lines"])
    base = {
        "partner": reserve_ids(cr, "res_partner", n_partners),
        "contract": reserve_ids(cr, "lease_contract", n_contracts),
        "installment": reserve_ids(cr, "lease_installment", n_contracts * TERMS),
        "move": reserve_ids(cr, "account_move", n_contracts * TERMS),
        "line": reserve_ids(cr, "account_move_line", n_contracts * TERMS * n_lines),
    }
    p = {
        "today": today,
        "n": n_contracts,
        "terms": TERMS,
        "ahead": INVOICE_DAYS_AHEAD,
        "rate": seed["penalty_rate"],
        "late_every": LATE_EVERY,
        "late_days": LATE_DAYS,
        **{f"b_{key}": value for key, value in base.items()},
        **{f"s_{key}": value for key, value in seed.items() if isinstance(value, int)},
    }

    # The plan of each contract n (0-based):
    #   d: days since the due date of its anchor installment j (1..24);
    #   10 % overdue (n % 10 = 5): d spread evenly over the four tiers, a third of them
    #   with 40 % of the oldest overdue installment paid; every installment from j on that
    #   is due is unpaid;
    #   90 % paid up: d = 0..27, installment j and the ones before it paid, except the
    #   contracts with d = 0 (installment j falls due today) of which one in four, and
    #   every one whose installment j - 1 was paid late, has not paid it yet (their
    #   penalty is billed tonight to fall due with it: paid with it).
    #   Installments due within INVOICE_DAYS_AHEAD - 1 days are invoiced (last night's
    #   invoicing): the first measured night invoices those due in INVOICE_DAYS_AHEAD days.
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
                   CASE WHEN over THEN j
                        WHEN d = 0 AND ((n / 28) %% 4 = 0
                                        OR (j > 1 AND (j - 1) %% %(late_every)s = 0))
                        THEN j ELSE j + 1 END
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
    # kind: paid (rent paid in full), open (invoiced, unpaid or partly paid), planned.
    # late: days a paid installment was paid after its due date; paid: the partial
    # payment of an open one; pay_date: the day of that payment.
    cr.execute(
        """
        CREATE TEMP TABLE bench_inst ON COMMIT DROP AS
        SELECT y.*,
               CASE WHEN y.kind = 'paid' THEN y.due + y.late
                    WHEN y.paid > 0 THEN y.due + (%(today)s - y.due) / 2 + 1 END AS pay_date
          FROM (
            SELECT x.*,
                   CASE WHEN x.k < x.open_from AND x.due <= %(today)s THEN 'paid'
                        WHEN x.due < %(today)s + %(ahead)s THEN 'open'
                        ELSE 'planned' END AS kind,
                   CASE WHEN x.k < x.open_from AND x.due <= %(today)s
                             AND x.k %% %(late_every)s = 0
                             AND x.due + %(late_days)s <= %(today)s
                        THEN %(late_days)s ELSE 0 END AS late,
                   CASE WHEN x.partial AND x.k = x.j THEN ROUND(x.rent * 0.4, 2) ELSE 0 END
                       AS paid
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
          ) y
    """,
        p,
    )
    cr.execute("CREATE INDEX ON bench_inst (n, k)")
    cr.execute("ANALYZE bench_plan")
    cr.execute("ANALYZE bench_inst")

    # Penalty interest already billed (D9 L169, lease.installment._invoice_penalty_due):
    # on the night of each due date T of a contract before today, the penalty its
    # earlier installments accrued and not billed yet was billed, due on T with that
    # rent. Accrued at T by installment s (rent R due D, amount p paid on day d):
    # rate * (R * (T - D) - [d <= T] * p * (T - d)), the engine's formula on that day.
    # Only installments that accrue penalty are sources: the ones paid late, and the
    # open ones fallen due. A bill is paid when the rent it falls due with is paid (the
    # same payment day).
    acc = """ROUND((%(rate)s * (s.rent * GREATEST({t} - s.due, 0)
                 - CASE WHEN s.pay_date <= {t}
                        THEN (CASE WHEN s.kind = 'paid' THEN s.rent ELSE s.paid END)
                             * ({t} - s.pay_date)
                        ELSE 0 END))::numeric, 2)"""
    cr.execute(
        f"""
        CREATE TEMP TABLE bench_pen ON COMMIT DROP AS
        SELECT (ROW_NUMBER() OVER (ORDER BY s.slot, m.k) - 1)::int AS p,
               s.n, s.k AS s_k, s.slot AS s_slot, m.slot AS m_slot, m.due AS bill_date,
               {acc.format(t="m.due")} - {acc.format(t="pm.due")} AS amount,
               m.kind = 'paid' AS paid, m.pay_date
          FROM bench_inst s
          JOIN bench_inst m ON m.n = s.n AND m.k > s.k AND m.due < %(today)s
          JOIN bench_inst pm ON pm.n = m.n AND pm.k = m.k - 1
         WHERE (s.late > 0 AND m.k = s.k + 1) OR (s.kind = 'open' AND s.due < %(today)s)
    """,
        p,
    )
    cr.execute("DELETE FROM bench_pen WHERE amount <= 0")
    cr.execute(
        """CREATE TEMP TABLE bench_pen_s ON COMMIT DROP AS
           SELECT s_slot AS slot, SUM(amount) AS invoiced,
                  SUM(amount) FILTER (WHERE paid) AS paid
             FROM bench_pen GROUP BY s_slot"""
    )
    cr.execute(
        """CREATE TEMP TABLE bench_pen_m ON COMMIT DROP AS
           SELECT m_slot AS slot, SUM(amount) AS carried,
                  SUM(amount) FILTER (WHERE NOT paid) AS carried_due
             FROM bench_pen GROUP BY m_slot"""
    )
    # What gets paid: each fully paid rent or penalty invoice and each partial payment
    # has a payment entry of its own (row r).
    cr.execute(
        f"""
        CREATE TEMP TABLE bench_recv ON COMMIT DROP AS
        SELECT (ROW_NUMBER() OVER (ORDER BY src, slot) - 1)::int AS r, *
          FROM (
            SELECT 'rent' AS src, slot, n, %(b_move)s + slot AS move_id,
                   %(b_line)s + slot * {n_lines} + {seed["invoice_lines"].index(seed["debit_line"])}
                       AS line_id,
                   CASE WHEN kind = 'paid' THEN rent ELSE paid END AS amount,
                   kind = 'paid' AS is_full, pay_date
              FROM bench_inst WHERE kind = 'paid' OR paid > 0
            UNION ALL
            SELECT 'penalty', p, n, NULL, NULL, amount, TRUE, pay_date
              FROM bench_pen WHERE paid
          ) u
    """,
        p,
    )
    n_pen = count(cr, "SELECT COUNT(*) FROM bench_pen")
    n_recv = count(cr, "SELECT COUNT(*) FROM bench_recv")
    for key, table, size in (
        ("pen_move", "account_move", n_pen),
        ("pen_line", "account_move_line", n_pen * 2),
        ("pay_move", "account_move", n_recv),
        ("pay_line", "account_move_line", n_recv * n_pay_lines),
        ("partial", "account_partial_reconcile", n_recv),
        ("full", "account_full_reconcile", n_recv),
    ):
        base[key] = p[f"b_{key}"] = reserve_ids(cr, table, size)
    # the penalty invoices' receivable lines, known now
    cr.execute(
        """UPDATE bench_recv SET move_id = %(b_pen_move)s + slot,
                  line_id = %(b_pen_line)s + slot * 2
            WHERE src = 'penalty'""",
        p,
    )
    cr.execute("CREATE INDEX ON bench_recv (src, slot)")
    cr.execute(
        """INSERT INTO account_full_reconcile (id, create_uid, create_date, write_uid,
                                               write_date)
           SELECT %(b_full)s + r, 1, now() at time zone 'UTC', 1,
                  now() at time zone 'UTC'
             FROM bench_recv WHERE is_full""",
        p,
    )
    counts["account_full_reconcile"] = cr.rowcount
    cr.execute("ANALYZE bench_pen")
    cr.execute("ANALYZE bench_recv")

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

    # Installments: the payment figures as the payment hooks and the penalty billing
    # left them; the day figures (days overdue, tier) of open ones as invoicing left
    # them (the first night computes them); paid ones as the engine leaves them.
    paid_amount = "CASE g.kind WHEN 'paid' THEN g.rent ELSE g.paid END"
    late_w = (
        "CASE WHEN g.pay_date > g.due"
        f" THEN ({paid_amount}) * (g.pay_date - g.due) ELSE 0 END"
    )
    accrued = (
        "CASE g.kind WHEN 'paid' THEN ROUND((%(rate)s * g.rent * g.late)::numeric, 2)"
        " ELSE COALESCE(g.pen_invoiced, 0) END"
    )
    counts["lease_installment"] = clone(
        cr,
        "lease_installment",
        "s.id = g.seed_id",
        "SELECT x.*, ps.invoiced AS pen_invoiced, ps.paid AS pen_paid,"
        " pm.carried, pm.carried_due FROM bench_inst x"
        " LEFT JOIN bench_pen_s ps ON ps.slot = x.slot"
        " LEFT JOIN bench_pen_m pm ON pm.slot = x.slot",
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
            **{
                col: f"CASE WHEN g.kind != 'planned' THEN {value} END"
                for col, value in {
                    "amount_paid": paid_amount,
                    "amount_residual": f"g.rent - ({paid_amount})",
                    "late_amount_days": late_w,
                    "date_last_payment": "g.pay_date",
                    "penalty_accrued": accrued,
                    "penalty_invoiced": "COALESCE(g.pen_invoiced, 0)",
                    "penalty_paid": "COALESCE(g.pen_paid, 0)",
                    "penalty_due": f"GREATEST({accrued} - COALESCE(g.pen_paid, 0), 0)",
                    "penalty_carried": "COALESCE(g.carried, 0)",
                    "penalty_carried_due": "COALESCE(g.carried_due, 0)",
                    "amount_overdue": "0",
                    "date_settled": "CASE g.kind WHEN 'paid'"
                    " THEN GREATEST(g.pay_date, g.due - 1) END",
                    "days_overdue": "0",
                    "days_late": "g.late",
                }.items()
            },
            # the nights before today billed the penalty falling due on their due dates
            "penalty_carry_billed": "g.kind != 'planned' AND g.due < %(today)s",
            "tier_id": "NULL",
            "vendor_advance_amount": "0",
        },
        p,
    )

    # Rent invoices: one account_move per invoiced installment, with its lines.
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
            "date": "g.due - %(ahead)s",
            "invoice_date": "g.due - %(ahead)s",
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
            "lease_due_installment_id": "NULL",
            "lease_contract_id": "%(b_contract)s + g.n",
            "lease_move_kind": "'rent'",
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

    # Penalty invoices (lease_move_kind 'penalty'), cloned from the seed's rent invoice.
    counts["account_move (penalty invoices)"] = clone(
        cr,
        "account_move",
        "s.id = %(s_move)s",
        "SELECT * FROM bench_pen",
        {
            "id": "%(b_pen_move)s + g.p",
            "name": "'BENCH/PEN/' || (%(b_pen_move)s + g.p)",
            "sequence_number": "%(b_pen_move)s + g.p",
            "sequence_prefix": "'BENCH/PEN/'",
            "partner_id": "%(b_partner)s + g.n / 2",
            "commercial_partner_id": "%(b_partner)s + g.n / 2",
            "partner_shipping_id": "%(b_partner)s + g.n / 2",
            "invoice_partner_display_name": "'Bench Lessee ' || lpad((g.n / 2 + 1)::text, 6, '0')",
            "invoice_origin": "'BENCH-' || lpad((g.n + 1)::text, 7, '0')",
            "payment_reference": "'BENCH/PEN/' || (%(b_pen_move)s + g.p)",
            "access_token": "NULL",
            "date": "g.bill_date",
            "invoice_date": "g.bill_date",
            "invoice_date_due": "g.bill_date",
            "amount_untaxed": "g.amount",
            "amount_total": "g.amount",
            "amount_untaxed_signed": "g.amount",
            "amount_untaxed_in_currency_signed": "g.amount",
            "amount_total_signed": "g.amount",
            "amount_total_in_currency_signed": "g.amount",
            "amount_tax": "0",
            "amount_tax_signed": "0",
            "amount_residual": "CASE WHEN g.paid THEN 0 ELSE g.amount END",
            "amount_residual_signed": "CASE WHEN g.paid THEN 0 ELSE g.amount END",
            "payment_state": "CASE WHEN g.paid THEN 'paid' ELSE 'not_paid' END",
            "lease_installment_id": "%(b_installment)s + g.s_slot",
            "lease_due_installment_id": "%(b_installment)s + g.m_slot",
            "lease_contract_id": "%(b_contract)s + g.n",
            "lease_move_kind": "'penalty'",
            "lease_days_overdue": "0",
            "lease_tier_id": "NULL",
        },
        p,
    )

    # Invoice lines: a clone of each line of the seed invoice (payment_term receivable
    # line, principal and interest lines); a penalty invoice has the receivable line and
    # one product line.
    cr.execute(
        "SELECT id, display_type, name FROM account_move_line WHERE id = ANY(%s) ORDER BY id",
        [seed["invoice_lines"]],
    )
    seed_lines = cr.fetchall()
    counts["account_move_line (rent invoices)"] = 0
    counts["account_move_line (penalty invoices)"] = 0
    for index, (line_id, display_type, name) in enumerate(seed_lines):
        is_interest = "interest" in (name or "")
        if display_type == "payment_term":
            rent_amount, pen_amount = "g.rent", "g.amount"
            label = pen_label = "''"
        elif display_type == "product":
            part = "g.interest" if is_interest else "g.principal"
            rent_amount, pen_amount = f"-{part}", "-g.amount"
            label = (
                "'Rent BENCH-' || lpad((g.n + 1)::text, 7, '0') || ' installment ' || g.k"
                f" || '/{TERMS} - ' || {'interest' if is_interest else 'principal'!r}"
            )
            pen_label = (
                "'Penalty interest BENCH-' || lpad((g.n + 1)::text, 7, '0')"
                " || ' installment ' || g.s_k"
            )
        else:
            sys.exit(
                f"the seed invoice has a line of type {display_type}: update the benchmark"
            )

        def line_overrides(
            amount, residual, move_id, move_name, line_date, due, label, display_type
        ):
            receivable = display_type == "payment_term"
            price = f"abs({amount})"
            return {
                "move_id": move_id,
                "move_name": move_name,
                "partner_id": "%(b_partner)s + g.n / 2",
                "name": label,
                "date": line_date,
                "invoice_date": line_date,
                "date_maturity": due,
                "debit": f"GREATEST({amount}, 0)",
                "credit": f"GREATEST(-({amount}), 0)",
                "balance": amount,
                "amount_currency": amount,
                "amount_residual": residual if receivable else "0",
                "amount_residual_currency": residual if receivable else "0",
                "reconciled": "COALESCE(g.is_full, FALSE)" if receivable else "FALSE",
                "full_reconcile_id": "CASE WHEN g.is_full THEN %(b_full)s + g.r END"
                if receivable
                else "NULL",
                "matching_number": (
                    "CASE WHEN g.is_full THEN (%(b_full)s + g.r)::text"
                    " WHEN g.r IS NOT NULL THEN 'P' || (%(b_partial)s + g.r) END"
                )
                if receivable
                else "NULL",
                "price_unit": price if not receivable else "s.price_unit",
                "price_subtotal": price if not receivable else "s.price_subtotal",
                "price_total": price if not receivable else "s.price_total",
            }

        rent = line_overrides(
            rent_amount,
            "CASE WHEN g.kind = 'paid' THEN 0 ELSE g.rent - g.paid END",
            "%(b_move)s + g.slot",
            "'BENCH/INV/' || (%(b_move)s + g.slot)",
            "g.due - %(ahead)s",
            "g.due",
            label,
            display_type,
        )
        rent["id"] = f"%(b_line)s + g.slot * {n_lines} + {index}"
        counts["account_move_line (rent invoices)"] += clone(
            cr,
            "account_move_line",
            f"s.id = {int(line_id)}",
            "SELECT x.*, rv.r, rv.is_full FROM bench_inst x"
            " LEFT JOIN bench_recv rv ON rv.src = 'rent' AND rv.slot = x.slot"
            " WHERE x.kind != 'planned'",
            rent,
            p,
        )
        if display_type == "product" and is_interest:
            continue  # a penalty invoice has one product line
        pen = line_overrides(
            pen_amount,
            "CASE WHEN g.paid THEN 0 ELSE g.amount END",
            "%(b_pen_move)s + g.p",
            "'BENCH/PEN/' || (%(b_pen_move)s + g.p)",
            "g.bill_date",
            "g.bill_date",
            pen_label,
            display_type,
        )
        pen["id"] = "%(b_pen_line)s + g.p * 2 + " + (
            "0" if display_type == "payment_term" else "1"
        )
        counts["account_move_line (penalty invoices)"] += clone(
            cr,
            "account_move_line",
            f"s.id = {int(line_id)}",
            "SELECT x.*, rv.r, rv.is_full FROM bench_pen x"
            " LEFT JOIN bench_recv rv ON rv.src = 'penalty' AND rv.slot = x.p",
            pen,
            p,
        )

    # Payments: per paid invoice (and per partial payment) a payment entry with its two
    # lines, the account_partial_reconcile row joining its receivable line to the
    # invoice's, and for a full payment the account_full_reconcile row.
    counts["account_move (payments)"] = clone(
        cr,
        "account_move",
        "s.id = %(s_payment_move)s",
        "SELECT * FROM bench_recv",
        {
            "id": "%(b_pay_move)s + g.r",
            "name": "'BENCH/PAY/' || (%(b_pay_move)s + g.r)",
            "sequence_number": "%(b_pay_move)s + g.r",
            "sequence_prefix": "'BENCH/PAY/'",
            "partner_id": "%(b_partner)s + g.n / 2",
            "commercial_partner_id": "%(b_partner)s + g.n / 2",
            "partner_shipping_id": "%(b_partner)s + g.n / 2",
            "origin_payment_id": "NULL",
            "date": "g.pay_date",
            "amount_untaxed": "0",
            "amount_total": "g.amount",
            "amount_total_signed": "g.amount",
            "amount_total_in_currency_signed": "g.amount",
            "amount_residual": "0",
            "amount_residual_signed": "0",
            "ref": "'BENCH payment'",
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
        amount = "-g.amount" if receivable else "g.amount"
        counts["account_move_line (payments)"] += clone(
            cr,
            "account_move_line",
            f"s.id = {int(line_id)}",
            "SELECT * FROM bench_recv",
            {
                "id": f"%(b_pay_line)s + g.r * {n_pay_lines} + {index}",
                "move_id": "%(b_pay_move)s + g.r",
                "move_name": "'BENCH/PAY/' || (%(b_pay_move)s + g.r)",
                "partner_id": "%(b_partner)s + g.n / 2",
                "payment_id": "NULL",
                "date": "g.pay_date",
                "date_maturity": "g.pay_date",
                "debit": f"GREATEST({amount}, 0)",
                "credit": f"GREATEST(-({amount}), 0)",
                "balance": amount,
                "amount_currency": amount,
                "amount_residual": "0",
                "amount_residual_currency": "0",
                "reconciled": "TRUE" if receivable else "s.reconciled",
                "full_reconcile_id": "CASE WHEN g.is_full THEN %(b_full)s + g.r END"
                if receivable
                else "NULL",
                "matching_number": "CASE WHEN g.is_full THEN (%(b_full)s + g.r)::text"
                " ELSE 'P' || (%(b_partial)s + g.r) END"
                if receivable
                else "NULL",
            },
            p,
        )
    credit_index = seed["payment_lines"].index(seed["credit_line"])
    counts["account_partial_reconcile"] = clone(
        cr,
        "account_partial_reconcile",
        "s.id = %(s_partial)s",
        "SELECT * FROM bench_recv",
        {
            "id": "%(b_partial)s + g.r",
            "debit_move_id": "g.line_id",
            "credit_move_id": f"%(b_pay_line)s + g.r * {n_pay_lines} + {credit_index}",
            "amount": "g.amount",
            "debit_amount_currency": "g.amount",
            "credit_amount_currency": "g.amount",
            "max_date": "g.pay_date",
            "full_reconcile_id": "CASE WHEN g.is_full THEN %(b_full)s + g.r END",
        },
        p,
    )
    if superuser:
        cr.execute("SET LOCAL session_replication_role = origin")
    for table in GENERATED_TABLES:
        cr.execute(f"""SELECT setval(pg_get_serial_sequence('{table}', 'id'),
                              GREATEST((SELECT MAX(id) FROM "{table}"),
                                       (SELECT last_value FROM {table}_id_seq)))""")
    cr.execute("""SELECT COUNT(*) FILTER (WHERE over), COUNT(*) FILTER (WHERE partial)
                    FROM bench_plan""")
    counts["overdue contracts (planned)"], counts["partially paid contracts"] = (
        cr.fetchone()
    )
    cr.execute("SELECT kind, COUNT(*) FROM bench_inst GROUP BY kind ORDER BY kind")
    for kind, number in cr.fetchall():
        counts[f"installments {kind}"] = number
    cr.execute(
        """SELECT COUNT(*) FILTER (WHERE paid), COUNT(*) FILTER (WHERE NOT paid)
             FROM bench_pen"""
    )
    counts["penalty invoices paid"], counts["penalty invoices unpaid"] = cr.fetchone()
    cr.execute(
        "SELECT COUNT(*) FROM bench_inst WHERE kind = 'planned' AND due = %(today)s + %(ahead)s",
        p,
    )
    counts["rent due in %d days (to invoice)" % INVOICE_DAYS_AHEAD] = cr.fetchone()[0]
    cr.execute("SELECT due, COUNT(*) FROM bench_inst WHERE kind = 'open' GROUP BY due")
    open_due = dict(cr.fetchall())
    for table in (
        "bench_recv",
        "bench_pen_m",
        "bench_pen_s",
        "bench_pen",
        "bench_inst",
        "bench_plan",
    ):
        cr.execute(f"DROP TABLE {table}")
    counts["seconds"] = time.perf_counter() - t0
    counts["open_due"] = open_due
    return counts


def expected_overdue(counts, day):
    """Installments the data makes overdue on ``day``: the open ones due before it
    (no payment is made during the bench)."""
    return sum(number for due, number in counts["open_due"].items() if due < day)


def check_portfolio(cr, counts, day, label):
    """Checks the engine's figures of the synthetic contracts against the design:
    overdue installments == the open ones due before ``day``; paid ones stay paid
    (and their invoices with them). Returns (ok, line)."""
    cr.execute(
        """SELECT COUNT(*) FILTER (WHERE i.state = 'overdue'),
                  COUNT(*) FILTER (WHERE i.state = 'paid'),
                  COUNT(*) FILTER (WHERE i.state = 'paid' AND m.payment_state != 'paid')
             FROM lease_installment i
             JOIN lease_contract c ON c.id = i.contract_id
             LEFT JOIN account_move m ON m.id = i.move_id
            WHERE c.name LIKE 'BENCH-%%'"""
    )
    overdue, paid, paid_unpaid_invoice = cr.fetchone()
    want_overdue = expected_overdue(counts, day)
    want_paid = counts.get("installments paid", 0)
    ok = overdue == want_overdue and paid == want_paid and not paid_unpaid_invoice
    line = (
        f"CHECK {'OK' if ok else 'FAILED'} ({label}, {day}): overdue installments "
        f"{overdue} (designed {want_overdue}), paid installments {paid} (generated "
        f"{want_paid}), paid installments whose invoice is not paid {paid_unpaid_invoice}"
    )
    return ok, line


def vacuum_analyze(dbname, tables=None):
    """VACUUM ANALYZE the tables the nightly job reads, as autovacuum would have done."""
    _name, info = odoo.sql_db.connection_info_for(dbname)
    cnx = psycopg2.connect(**info)
    try:
        cnx.autocommit = True
        with cnx.cursor() as cr:
            for table in tables or (
                "res_partner",
                "lease_contract",
                "lease_installment",
                "account_move",
                "account_move_line",
                "account_partial_reconcile",
                "account_full_reconcile",
                "lease_collection_case",
            ):
                cr.execute(f'VACUUM ANALYZE "{table}"')
    finally:
        cnx.close()


# --------------------------------------------------------------------------- report
SYNTHETIC_NOTE = """\
  Synthetic rows (SQL clones of the seed's rows): lessees 'Bench Lessee NNNNNN',
  contracts 'BENCH-NNNNNNN' and their 24 installments each, rent invoices
  'BENCH/INV/<id>' and penalty invoices 'BENCH/PEN/<id>' with their lines (receivable,
  principal, interest), payment entries 'BENCH/PAY/<id>' (one per paid invoice and per
  partial payment) with their 2 lines, account_partial_reconcile rows and, for invoices
  paid in full, account_full_reconcile rows. No account_payment rows.
  Real (ORM): the seed contract 'Bench Lessee (seed, ORM)' with its invoice and
  payment, the demo data, and everything the nightly job writes."""


def print_generation(counts, size):
    print(
        f"\nSynthetic portfolio of {size} contracts, generated with SQL in "
        f"{counts['seconds']:.1f} s:"
    )
    print(SYNTHETIC_NOTE)
    for key, value in counts.items():
        if key not in ("seconds", "open_due"):
            print(f"  {key:<40} {value:>10}")
    slow = sorted(CLONE_TIMES, key=lambda item: -item[2])[:5]
    print(
        "  slowest inserts: "
        + ", ".join(f"{table} {rows} rows {sec:.1f} s" for table, rows, sec in slow)
    )
