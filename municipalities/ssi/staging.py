"""Temporary staging tables for one import, loaded in bulk: COPY on PostgreSQL, batched inserts
on SQLite. They live in the database session and are dropped when the import ends."""

from __future__ import annotations

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
TEMP_TABLES = ("ssi_listed_citizen", "ssi_listed", "ssi_staging_errors", "ssi_staging")

_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_value(value) -> str:
    if isinstance(value, bytes):
        return "\\\\x" + value.hex()
    return str(value).translate(_COPY_ESCAPES)


class Staging:
    """Buffers rows and errors and writes them to the staging tables in chunks."""

    def __init__(self, chunk_size: int = 20_000):
        self.chunk_size = chunk_size
        self.rows: list[tuple] = []
        self.errors: list[tuple] = []
        self.vendor = connection.vendor

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
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                buffer = io.StringIO()
                buffer.writelines("\t".join(_copy_value(v) for v in row) + "\n" for row in values)
                buffer.seek(0)
                cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)
            else:
                placeholders = ", ".join(["%s"] * len(columns))
                cursor.executemany(
                    f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})", values
                )


def drop() -> None:
    with connection.cursor() as cursor:
        for table in TEMP_TABLES:
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
