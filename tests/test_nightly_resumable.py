"""Issue 10 item 4: the nightly job runs in committed steps and continues after a kill.

In a test (no scheduled run) nothing is committed: the phases run in the test's
transaction. The real kill is tested in separate databases by lease_nightly_kill.py.
"""

import glob
import json
import os
import shutil
import subprocess
import sys
from datetime import date, datetime, time, timedelta

from freezegun import freeze_time
from lease_escalation_common import EscalationCase

from odoo import sql_db
from odoo.tests import BaseCase
from odoo.tools import config

DAY = date(2026, 5, 12)


class TestNightlyPhases(EscalationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.lease_invoice_days_ahead = 10
        cls.engine = cls.env["lease.overdue.engine"]
        cls.Run = cls.env["lease.nightly.run"]
        # 0-2: rents of 03-12 and 04-12 unpaid, the rent of 05-12 invoiced: their
        # penalty is billed tonight, to fall due with it (D9 L169).
        # 3-5: rent due 05-22 invoiced tonight.
        cls.contracts = cls.env["lease.contract"]
        for n in range(6):
            first = date(2026, 3, 12) if n < 3 else date(2026, 4, 22)
            cls.contracts |= cls._contract(
                cls._lessee(f"夜间作业承租人{n}"),
                date_first_due=first,
                date_start=first - timedelta(days=40),
                penalty_rate=0.0005,
            )
        lines = cls.contracts.installment_ids.filtered(
            lambda line: line.date_due <= date(2026, 5, 21)
        )
        with freeze_time(cls._at(DAY - timedelta(days=1))):
            lines._create_rent_invoices()
            cls.env["lease.overdue.engine"]._run(date=DAY - timedelta(days=1))

    @staticmethod
    def _at(day):
        """01:30 in Beijing on ``day``."""
        return datetime.combine(day - timedelta(days=1), time(17, 30))

    def _night(self, day=DAY, minutes=0):
        with freeze_time(self._at(day) + timedelta(minutes=minutes)):
            self.assertTrue(self.engine._cron_daily())
        return self.Run.search(
            [("date", "=", day), ("company_id", "=", self.company.id)]
        )

    def _moves(self, kind):
        return self.env["account.move"].search(
            [("lease_move_kind", "=", kind), ("invoice_date", "=", DAY)]
        )

    def _batch(self, size):
        self.env["ir.config_parameter"].set_param(
            "lease_overdue.nightly_batch_size", size
        )

    def test_phases_recorded_and_rerun_of_a_finished_day(self):
        """Issue 10 item 4: one record per company and day; the phases in order; a
        second run of a finished day does every phase again and creates nothing."""
        run = self._night()
        self.assertEqual(run.phase, "done")
        self.assertEqual((run.rent_count, run.penalty_count), (3, 6))
        self.assertEqual(len(self._moves("rent")), 3)
        self.assertEqual(len(self._moves("penalty")), 6)
        logs = self.Log.search_count([("date", "=", DAY)])
        self.assertTrue(logs, "the escalation ran as the last phase")
        again = self._night()
        self.assertEqual(again, run)
        self.assertEqual(again.phase, "done")
        self.assertEqual((again.rent_count, again.penalty_count), (0, 0))
        self.assertEqual(self.Log.search_count([("date", "=", DAY)]), logs)
        self.assertEqual(len(self._moves("rent") | self._moves("penalty")), 9)

    def test_same_day_rerun_with_nothing_new_skips_the_escalation(self):
        """Issue 10 aim "same-day rerun writing nothing": a rerun of a finished day that
        invoices nothing and finds the overdue figures unchanged skips the escalation
        rules when nothing they read changed since they ran (the job's record keeps
        its time); a message on a case since (a collector's note, an activity done)
        makes the next rerun check every rule again, still creating nothing twice."""
        first = self._night()
        job = self.env["lease.escalation.run"]._get_for("daily")
        started = job.last_started
        self.assertTrue(job.last_fingerprint)
        logs = self.Log.search_count([("date", "=", DAY)])

        again = self._night(minutes=20)
        self.assertEqual(again, first)
        self.assertEqual(again.phase, "done")
        self.assertFalse(again.figures_moved)
        self.assertEqual(job.last_started, started, "the rules were skipped")

        case = self.env["lease.collection.case"].search(
            [("contract_id", "in", self.contracts.ids)], limit=1
        )
        self.assertTrue(case)
        case.message_post(body="客户来电：本周内付款")
        self._night(minutes=40)
        self.assertGreater(job.last_started, started, "the rules ran again")
        self.assertEqual(self.Log.search_count([("date", "=", DAY)]), logs)

        # the next day's run always runs the rules
        started = job.last_started
        nxt = self._night(DAY + timedelta(days=1))
        self.assertTrue(nxt.figures_moved)
        self.assertEqual(job.date_last_run, DAY + timedelta(days=1))
        self.assertGreater(job.last_started, started)

    def test_batches_leave_what_one_batch_leaves(self):
        """Issue 10 item 4: batches of one invoice (whole contracts for the penalty)
        create the same invoices, numbered in the same order, as one batch; the
        installments' figures are the same."""
        self._batch(1)
        run = self._night()
        self.assertEqual(run.phase, "done")
        # 3 rent batches + the empty one, 3 penalty batches + the empty one, engine,
        # escalation
        self.assertEqual(run.steps, 10)
        rent = self._moves("rent").sorted("name")
        self.assertEqual(
            rent.mapped("lease_installment_id.date_due"), [date(2026, 5, 22)] * 3
        )
        self.assertEqual(rent.mapped("lease_contract_id"), self.contracts[3:])
        penalty = self._moves("penalty").sorted("name")
        self.assertEqual(penalty.mapped("lease_contract_id"), self.contracts[:3])
        self.assertEqual(len(penalty), 6)
        for move in penalty:
            line = move.lease_installment_id
            self.assertIn(line.date_due, (date(2026, 3, 12), date(2026, 4, 12)))
            self.assertEqual(move.invoice_date_due, DAY)
            # 61 or 30 days overdue at 0.05 % a day
            days = (DAY - line.date_due).days
            self.assertAlmostEqual(
                move.amount_total, round(line.amount_rent * 0.0005 * days, 2)
            )
        self.assertTrue(
            all(
                self.contracts.installment_ids.filtered(
                    lambda line: line.move_id and line.date_due <= DAY
                ).mapped("penalty_carry_billed")
            )
        )

    def test_penalty_batch_marks_only_its_contracts(self):
        """Issue 10 item 4 (exactly once): a penalty batch marks "billed on this due
        date" only for the contracts it billed (and those with nothing to bill): the
        contracts left are billed by the next batch, not lost."""
        Installment = self.env["lease.installment"].with_context(lease_invoice_batch=1)
        with freeze_time(self._at(DAY)):
            first = Installment._invoice_penalty_due(date=DAY)
            self.assertEqual(first.lease_contract_id, self.contracts[0])
            billed = self.contracts[0].installment_ids.filtered("penalty_carry_billed")
            self.assertTrue(billed)
            self.assertFalse(
                self.contracts[1:3].installment_ids.filtered("penalty_carry_billed")
            )
            # nothing to bill: marked with the first batch
            self.assertTrue(self.contracts[3].installment_ids[0].penalty_carry_billed)
            second = Installment._invoice_penalty_due(date=DAY)
            self.assertEqual(second.lease_contract_id, self.contracts[1])
            third = Installment._invoice_penalty_due(date=DAY)
            self.assertEqual(third.lease_contract_id, self.contracts[2])
            self.assertFalse(Installment._invoice_penalty_due(date=DAY))

    def test_rerun_after_kill_skips_finished_phases(self):
        """Issue 10 item 4: a run of the same day continues at the phase recorded: the
        phases before it are skipped (here the rent invoices, the penalty bills and the
        engine), the escalation runs."""
        with freeze_time(self._at(DAY)):
            run = self.Run._for_day(self.company, DAY)
        run.sudo().phase = "escalation"
        run = self._night()
        self.assertEqual(run.phase, "done")
        self.assertFalse(self._moves("rent") | self._moves("penalty"))
        self.assertTrue(self.Log.search_count([("date", "=", DAY)]))

    def test_an_unfinished_day_is_left_for_the_next_one(self):
        """Issue 10 item 4: the next day starts its own record at the first phase; the
        unfinished record of the day before stays as it was (its work is caught up by
        the next night: invoicing window, missed due dates, "day N or the first run
        after it")."""
        with freeze_time(self._at(DAY)):
            run = self.Run._for_day(self.company, DAY)
        run.sudo().phase = "engine"
        nxt = self._night(DAY + timedelta(days=1))
        self.assertEqual(nxt.phase, "done")
        self.assertEqual(run.phase, "engine")
        self.assertEqual(len(self._moves("penalty")), 0)
        self.assertEqual(
            self.env["account.move"].search_count(
                [("lease_move_kind", "=", "penalty"), ("invoice_date", "=", nxt.date)]
            ),
            6,
            "the missed night's penalty is billed the next night",
        )


def _pg_bin():
    for path in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if os.path.exists(os.path.join(path, "pg_dump")):
            return path
    found = shutil.which("pg_dump")
    return os.path.dirname(found) if found else ""


class TestNightlyKill(BaseCase):
    """Not a TransactionCase: no transaction of this process stays open on the test
    database, which the script then copies as a template (a dump when it cannot)."""

    def test_kill_mid_run_then_rerun_equals_one_clean_run(self):
        """Issue 10 "Done when": a kill mid-run followed by a rerun leaves exactly what
        one clean run leaves. Real SIGKILLs of the scheduled action run as Odoo's
        scheduler runs it, on committed data (copies of this database): during the 2nd
        rent batch, during the 2nd penalty batch, right after the engine phase, after
        the 2nd escalation rule that acted; each run continues the day; the last one
        runs no portfolio engine again (finished phases skipped). Every lease table,
        invoices, lines, activities, messages, ledger: the same as one clean run."""
        script = os.path.join(os.path.dirname(__file__), "lease_nightly_kill.py")
        dbname = config["db_name"]
        if isinstance(dbname, (list, tuple)):
            dbname = dbname[0]
        sql_db.close_db(dbname)
        env = dict(os.environ, LEASE_PGBIN=_pg_bin())
        result = subprocess.run(
            [
                sys.executable,
                script,
                "--config",
                config["config"],
                "--source",
                dbname,
                "--prefix",
                f"lease_kill_{os.getpid()}",
            ],
            capture_output=True,
            text=True,
            timeout=600,
            env=env,
            check=False,
        )
        lines = [
            line
            for line in result.stdout.splitlines()
            if line.startswith("LEASE_KILL_RESULT ")
        ]
        self.assertTrue(lines, result.stdout[-3000:] + result.stderr[-5000:])
        out = json.loads(lines[-1].split(" ", 1)[1])
        clean = out["clean"]
        self.assertEqual(clean["phase"], "done")
        self.assertEqual(clean["moves"], {"rent": 6, "penalty": 12})
        self.assertGreater(clean["ledger_rows"], 0)
        kills = {kill["point"]: kill for kill in out["kills"]}
        for point, kill in kills.items():
            self.assertEqual(kill["signal"], 9, f"{point}: {kill}")
        # what each kill left committed: the batches before it, not the one it stopped
        self.assertEqual(kills["rent"]["committed"]["phase"], "rent")
        self.assertEqual(kills["rent"]["committed"]["moves"], {"rent": 2})
        self.assertEqual(kills["penalty"]["committed"]["phase"], "penalty")
        self.assertEqual(
            kills["penalty"]["committed"]["moves"], {"rent": 6, "penalty": 2}
        )
        self.assertEqual(kills["engine"]["committed"]["phase"], "escalation")
        self.assertEqual(kills["engine"]["committed"]["ledger_rows"], 0)
        self.assertEqual(kills["escalation"]["committed"]["phase"], "escalation")
        self.assertGreater(kills["escalation"]["committed"]["ledger_rows"], 0)
        self.assertLess(
            kills["escalation"]["committed"]["ledger_rows"], clean["ledger_rows"]
        )
        self.assertEqual(out["continued"]["phase"], "done")
        self.assertEqual(out["portfolio_engine_runs_in_last_run"], 0)
        self.assertEqual(out["diffs"], {}, json.dumps(out["diffs"], indent=1)[:6000])
        self.assertGreater(out["rows"], 1000)
