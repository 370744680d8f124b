"""Temporary staging tables for one import, loaded in bulk: COPY on PostgreSQL, batched inserts
on SQLite. They live in the database session and are dropped when the import ends."""

from __future__ import annotations

import csv
import io

from django.db import connection

ROW_COLUMNS = (
    "line", "cpr_hash", "cpr_encrypted", "birth_date", "sex", "name", "municipality_id",
    "street", "postcode", "city", "phone", "target_group", "invited_on",
)  # fmt: skip
ERROR_COLUMNS = ("line", "masked_cpr", "reason")

_DDL = {
    "postgresql": (
        "CREATE TEMP TABLE ssi_staging (line integer NOT NULL, cpr_hash text NOT NULL, "
        "cpr_encrypted bytea NOT NULL, birth_date date NOT NULL, sex text NOT NULL, "
        "name text NOT NULL, municipality_id bigint NOT NULL, street text NOT NULL, "
        "postcode text NOT NULL, city text NOT NULL, phone text NOT NULL, "
        "target_group smallint NOT NULL, invited_on date NOT NULL)",
        "CREATE TEMP TABLE ssi_staging_errors (line integer NOT NULL, masked_cpr text NOT NULL, "
        "reason text NOT NULL)",
    ),
    "sqlite": (
        "CREATE TEMP TABLE ssi_staging (line integer NOT NULL, cpr_hash text NOT NULL, "
        "cpr_encrypted blob NOT NULL, birth_date date NOT NULL, sex text NOT NULL, "
        "name text NOT NULL, municipality_id integer NOT NULL, street text NOT NULL, "
        "postcode text NOT NULL, city text NOT NULL, phone text NOT NULL, "
        "target_group integer NOT NULL, invited_on date NOT NULL)",
        "CREATE TEMP TABLE ssi_staging_errors (line integer NOT NULL, masked_cpr text NOT NULL, "
        "reason text NOT NULL)",
    ),
}
TEMP_TABLES = (
    "ssi_current",
    "ssi_listed_citizen",
    "ssi_listed",
    "ssi_staging_errors",
    "ssi_staging",
)


class Staging:
    """Buffers rows and errors and writes them to the staging tables in chunks.

    On PostgreSQL (``copies``) the chunks go in with COPY in CSV format, written by the csv
    module's C writer; bytea values arrive as ``\\x`` hex text. On SQLite, batched inserts.
    """

    def __init__(self, chunk_size: int = 5_000):
        self.chunk_size = chunk_size
        self.rows: list = []
        self.errors: list[tuple] = []
        self.vendor = connection.vendor
        self.copies = self.vendor == "postgresql"

    def __enter__(self) -> Staging:
        drop()
        with connection.cursor() as cursor:
            for statement in _DDL[self.vendor]:
                cursor.execute(statement)
        return self

    def __exit__(self, *exc) -> None:
        drop()

    def add_row(self, values: tuple) -> None:
        self.rows.append(values)
        if len(self.rows) >= self.chunk_size:
            self.flush()

    def add_error(self, values: tuple) -> None:
        self.errors.append(values)
        if len(self.errors) >= self.chunk_size:
            self.flush()

    def flush(self) -> None:
        self._write("ssi_staging", ROW_COLUMNS, self.rows)
        self._write("ssi_staging_errors", ERROR_COLUMNS, self.errors)
        self.rows, self.errors = [], []

    def _write(self, table: str, columns: tuple[str, ...], values: list[tuple]) -> None:
        if not values:
            return
        names = ", ".join(columns)
        with connection.cursor() as cursor:
            if self.copies:
                buffer = io.StringIO()
                csv.writer(buffer, lineterminator="\n").writerows(values)
                buffer.seek(0)
                # FORCE_NOT_NULL: an empty field is an empty string, never NULL.
                options = f"FORMAT csv, FORCE_NOT_NULL ({names})"
                cursor.copy_expert(f"COPY {table} ({names}) FROM STDIN WITH ({options})", buffer)
            else:
                placeholders = ", ".join(["%s"] * len(columns))
                cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", values)  # nosec B608


def drop() -> None:
    with connection.cursor() as cursor:
        for table in TEMP_TABLES:
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
