"""Measures the SSI import at national scale against a raw PostgreSQL COPY of the same file.

Run by ``manage.py bench_ingest``. Everything happens in a throwaway database created for the
run (the configured database's test twin, migrated fresh) and dropped afterwards, so figures never
depend on what the database held before and nothing of the benchmark is left behind.
"""

from __future__ import annotations

import os
import platform
import shutil
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from multiprocessing import get_context
from pathlib import Path

from django.db import connection

from municipalities import services
from municipalities.models import ContactTask, SsiListImport
from municipalities.ssi import synthetic
from municipalities.ssi.weeks import parse_week
from outreach.models import Citizen

_PAGE = os.sysconf("SC_PAGE_SIZE")


class PeakMemory:
    """Samples this process's resident memory every 20 ms; ``peak_mb`` is the highest seen."""

    def __init__(self):
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    @staticmethod
    def rss() -> int:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * _PAGE

    def _sample(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, self.rss())
            time.sleep(0.02)

    def __enter__(self) -> PeakMemory:
        self.peak = self.rss()
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.rss())

    @property
    def peak_mb(self) -> float:
        return round(self.peak / 1024 / 1024, 1)


@contextmanager
def _timed(result: dict):
    with PeakMemory() as memory:
        start = time.perf_counter()
        yield
        result["seconds"] = round(time.perf_counter() - start, 3)
    result["peak_memory_mb"] = memory.peak_mb


def _raw_copy(path: Path) -> dict:
    """(a) The floor: COPY the file as text into a bare table with no checks and no index."""
    result: dict = {}
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_bare")
        cursor.execute(
            "CREATE TABLE bench_bare (cpr text, name text, target_group text, invited_on text, "
            "municipality_code text, address text, postcode text, city text, phone text)"
        )
        with _timed(result), open(path, encoding="utf-8") as f:
            cursor.copy_expert(
                "COPY bench_bare FROM STDIN WITH (FORMAT csv, DELIMITER ';', HEADER)", f
            )
        cursor.execute("SELECT COUNT(*) FROM bench_bare")
        result["rows_written"] = cursor.fetchone()[0]
        cursor.execute("DROP TABLE bench_bare")
    return result


def _import(path: Path, name: str, week: str) -> dict:
    result: dict = {}
    before = _table_writes()
    with _timed(result):
        list_import, _created = services.ssi_list_import_receive(
            path=path, original_name=name, source=SsiListImport.Source.COMMAND,
            municipality=None, week=parse_week(week),
        )  # fmt: skip
        list_import = services.ssi_list_import_process(list_import_id=list_import.pk)
    result["status"] = list_import.status
    result["report"] = {
        name: getattr(list_import, name)
        for name in ("rows_read", "rows_accepted", "rows_rejected", "citizens_new",
                     "citizens_updated", "tasks_opened", "tasks_still_open",
                     "tasks_auto_closed", "tasks_reopened")
    }  # fmt: skip
    result["rows_written"] = _table_writes() - before
    return result


def _table_writes() -> int:
    """Rows inserted or updated in the citizen and task tables so far (PostgreSQL statistics)."""
    connection.cursor().execute("SELECT pg_stat_clear_snapshot()")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COALESCE(SUM(n_tup_ins + n_tup_upd), 0) FROM pg_stat_xact_user_tables "
            "WHERE relname IN (%s, %s)",
            [Citizen._meta.db_table, ContactTask._meta.db_table],
        )
        transaction_writes = cursor.fetchone()[0]
        cursor.execute(
            "SELECT COALESCE(SUM(n_tup_ins + n_tup_upd), 0) FROM pg_stat_user_tables "
            "WHERE relname IN (%s, %s)",
            [Citizen._meta.db_table, ContactTask._meta.db_table],
        )
        return int(cursor.fetchone()[0]) + int(transaction_writes)


def _generate(first: Path, following: Path, rows: int, seed: int) -> tuple[dict, dict]:
    generated = synthetic.write_national_file(first, rows=rows, seed=seed)
    return generated, synthetic.write_next_week(first, following, seed=seed + 1)


def run(rows: int, *, seed: int = 1) -> dict:
    if connection.vendor != "postgresql":
        raise RuntimeError("The ingest benchmark runs on PostgreSQL (set DATABASE_URL).")
    with tempfile.TemporaryDirectory() as folder:
        first = Path(folder) / "national-w10.csv"
        again = Path(folder) / "national-w10-again.csv"
        following = Path(folder) / "national-w11.csv"
        start = time.perf_counter()
        # Generated in a process of its own, so that what generation held in memory is not
        # counted against the import.
        with ProcessPoolExecutor(max_workers=1, mp_context=get_context("fork")) as pool:
            generated, next_week = pool.submit(_generate, first, following, rows, seed).result()
        # The same rows again as a different file (a trailing blank line), so it is processed.
        with open(again, "wb") as target, open(first, "rb") as source:
            shutil.copyfileobj(source, target)
            target.write(b"\n")
        generation_seconds = round(time.perf_counter() - start, 1)

        raw = _raw_copy(first)
        full = _import(first, first.name, "2021-W10")
        repeat = _import(again, again.name, "2021-W10")
        week11 = _import(following, following.name, "2021-W11")

    floor = raw["seconds"] or 1e-9
    for phase in (full, repeat, week11):
        phase["ratio_to_copy"] = round(phase["seconds"] / floor, 2)
        phase["rows_per_second"] = round(rows / phase["seconds"]) if phase["seconds"] else None
    raw["rows_per_second"] = round(rows / floor)
    return {
        "rows": rows,
        "generated": {**generated, "next_week": next_week, "seconds": generation_seconds},
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "postgresql": connection.cursor().connection.server_version,
        },
        "a_raw_copy": raw,
        "b_full_import": full,
        "c_same_file_again": repeat,
        "d_next_week": week11,
        "targets": {
            "b_within_3x_copy": full["ratio_to_copy"] <= 3,
            "c_within_1_3x_copy": repeat["ratio_to_copy"] <= 1.3,
            "c_writes_no_rows": repeat["rows_written"] == 0,
            "d_within_1_5x_copy": week11["ratio_to_copy"] <= 1.5,
            "peak_memory_under_150_mb": max(p["peak_memory_mb"] for p in (full, repeat, week11))
            < 150,
        },
    }
