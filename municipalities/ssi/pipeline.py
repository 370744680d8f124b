"""The one pipeline every SSI list goes through, however it arrived (upload, API, inbox, command).

1. Stream the file through the reader: every row validated, every CPR hashed and encrypted.
2. Load good rows and row errors into session-scoped staging tables in bulk.
3. In one transaction, set-based SQL: keep the first row per CPR (the rest are reported), upsert
   citizens writing only what changed, then apply the weekly semantics to contact tasks
   (DESIGN.md §7), record which municipalities the list covered, and store the report.

Nothing is written to the real tables before step 3, and step 3 is one transaction ending with the
import marked done: a worker killed at any point leaves the database as it was, and running the
import again gives the same result as a clean run.

The SQL below is assembled from model table names and constant column lists (hence ``# nosec
B608``): every value, and nothing a user typed, goes in as a query parameter.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from municipalities.models import ContactTask, SsiImportError, SsiListCoverage, SsiListImport
from municipalities.models.tasks import GROUP_PRIORITY, OTHER_GROUPS
from municipalities.ssi.reader import FileRejected, Row, RowError, open_ssi_file
from municipalities.ssi.staging import Staging
from outreach import cpr
from outreach.models import Citizen, Municipality

logger = logging.getLogger(__name__)
PROGRESS_EVERY = 50_000
FINISHED = (SsiListImport.Status.DONE, SsiListImport.Status.REJECTED)
APPLY_LOCK = 0x551  # the advisory lock key taken by the apply step of every SSI import


@dataclass
class _Scope:
    """Which rows this import may hold: one municipality's own list, or a national file."""

    municipality_ids: dict[str, int]
    own_municipality_id: int | None
    own_code: str | None


def run(list_import: SsiListImport) -> SsiListImport:
    """Process a received import to the end. Returns it done or rejected; a finished one as is.

    Row reasons are stored in the product's language (Danish), whoever runs the import: the
    same file gives the same report from a worker, the command line or a test.
    """
    with translation.override(settings.LANGUAGE_CODE):
        return _run(list_import)


def reject(list_import: SsiListImport, reason) -> SsiListImport:
    """Give up on an import whose processing cannot finish (nothing of it was written)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _reject(list_import, str(reason))


def _run(list_import: SsiListImport) -> SsiListImport:
    if list_import.is_finished:
        _discard_file(list_import)  # a run killed between commit and clean-up left it behind
        return list_import
    unfinished = SsiListImport.objects.filter(pk=list_import.pk).exclude(status__in=FINISHED)
    unfinished.update(
        status=SsiListImport.Status.PROCESSING, started_at=timezone.now(), rows_processed=0
    )
    try:
        ssi_file = open_ssi_file(
            list_import.file.path, require_municipality_code=list_import.is_national
        )
    except FileRejected as rejection:
        return _reject(list_import, str(rejection))
    with Staging() as staging:
        try:
            rows_read = _stage(list_import, ssi_file, staging)
        except FileRejected as rejection:
            # Found only while reading on (a workbook changed under us): still nothing written.
            return _reject(list_import, str(rejection))
        with transaction.atomic():
            _lock_apply()
            # Another run of the same import (a redelivery) may have finished while we read.
            if SsiListImport.objects.select_for_update().get(pk=list_import.pk).is_finished:
                list_import.refresh_from_db()
                return list_import
            report = _apply(list_import, rows_read)
            unfinished.update(
                status=SsiListImport.Status.DONE,
                finished_at=timezone.now(),
                extra_columns=ssi_file.extra_columns,
                rows_processed=rows_read,
                **report,
            )
    _discard_file(list_import)
    list_import.refresh_from_db()
    logger.info("ssi list import %s done: %s", list_import.pk, report)
    return list_import


def _lock_apply() -> None:
    """One import applies at a time: two lists naming the same citizen at once would both open a
    task, and the one-open-task constraint would fail the second. Weekly lists make waiting
    cheap. On SQLite the first write takes the database lock for the transaction instead."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [APPLY_LOCK])
        else:
            cursor.execute(f"UPDATE {SsiListImport._meta.db_table} SET id = id WHERE 1 = 0")  # nosec B608


def _reject(list_import: SsiListImport, reason: str) -> SsiListImport:
    # Never over a finished import: a late failure of a second run must not undo the first.
    SsiListImport.objects.filter(pk=list_import.pk).exclude(status__in=FINISHED).update(
        status=SsiListImport.Status.REJECTED, rejection_reason=reason, finished_at=timezone.now()
    )
    _discard_file(list_import)
    list_import.refresh_from_db()
    logger.info("ssi list import %s rejected", list_import.pk)
    return list_import


def _discard_file(list_import: SsiListImport) -> None:
    """The file holds CPR numbers in the clear: once processed, only its checksum is kept."""
    if list_import.file:
        list_import.file.delete(save=False)
        SsiListImport.objects.filter(pk=list_import.pk).update(file="")


def _scope(list_import: SsiListImport) -> _Scope:
    codes = dict(Municipality.objects.values_list("code", "pk"))
    own = list_import.municipality
    return _Scope(codes, own.pk if own else None, own.code if own else None)


def _stage(list_import: SsiListImport, ssi_file, staging: Staging) -> int:
    """Validate, hash and encrypt every row into the staging tables; return the rows read."""
    scope = _scope(list_import)
    format_row = _RowFormatter(cpr.vault(), staging.copies)
    read = 0
    for item in ssi_file.rows():
        read += 1
        if isinstance(item, RowError):
            staging.add_error((item.line, item.masked_cpr, item.reason))
        else:
            municipality_id, problem = _municipality_of(item, scope)
            problem = problem or _field_problem(item)
            if problem:
                staging.add_error((item.line, cpr.mask_number(item.cpr), problem))
            else:
                staging.add_row(format_row(item, municipality_id))
        if read % PROGRESS_EVERY == 0:
            staging.flush()
            SsiListImport.objects.filter(pk=list_import.pk).update(rows_processed=read)
    staging.flush()
    return read


# The longest value each citizen column holds (outreach.models.Citizen).
_LIMITS = {"name": 200, "street": 200, "postcode": 4, "city": 100, "phone": 30}


def _field_problem(row: Row) -> str:
    """Why a row's value cannot be stored as it is, or "": one bad value loses one row only."""
    for field, limit in _LIMITS.items():
        value = getattr(row, field)
        label = Citizen._meta.get_field(field).verbose_name
        if "\x00" in value:
            return _("The %(field)s contains a NUL character.") % {"field": label}
        if len(value) > limit:
            return _("The %(field)s is longer than %(limit)s characters.") % {
                "field": label,
                "limit": limit,
            }
    if row.postcode and not (row.postcode.isdigit() and len(row.postcode) == 4):
        return _("The postcode must be four digits.")
    return ""


def _municipality_of(row: Row, scope: _Scope) -> tuple[int | None, str]:
    code = row.municipality_code
    if scope.own_municipality_id is not None:
        if code is None or code == scope.own_code:
            return scope.own_municipality_id, ""
        return None, _("The row is for another municipality (code %(code)s).") % {"code": code}
    municipality_id = scope.municipality_ids.get(code or "")
    if municipality_id is None:
        return None, _("Unknown municipality code %(code)s.") % {"code": code}
    return municipality_id, ""


class _RowFormatter:
    """One good row as a tuple for the staging table. This runs a million times for a national
    file, so the birth date (which depends only on a CPR number's first seven digits) is computed
    once per prefix."""

    def __init__(self, vault: cpr.CprVault, copies: bool):
        self.hash = vault.lookup_hash
        self.encrypt = vault.encrypt
        # COPY takes bytea as hex text; SQLite takes the bytes.
        self.ciphertext = (lambda token: "\\x" + token.hex()) if copies else bytes
        self.births: dict[str, str] = {}

    def __call__(self, row: Row, municipality_id: int) -> tuple:
        number = row.cpr
        born = self.births.get(number[:7])
        if born is None:
            born = self.births[number[:7]] = cpr.birth_date(number).isoformat()
        return (
            row.line, self.hash(number), self.ciphertext(self.encrypt(number)), born,
            "M" if int(number[9]) % 2 else "F", row.name, municipality_id, row.street,
            row.postcode, row.city, row.phone, row.target_group, row.invited_on.isoformat(),
        )  # fmt: skip


# The set-based part ------------------------------------------------------------------------------

CITIZEN = Citizen._meta.db_table
TASK = ContactTask._meta.db_table
ERROR = SsiImportError._meta.db_table
COVERAGE = SsiListCoverage._meta.db_table
# Columns a new list may change on a known citizen. The ciphertext is not compared (each
# encryption differs): the same CPR has the same hash, and the hash is the key. The phone number is
# not among them: once known, caseworkers keep it (with its history), and a list must not undo that.
UPDATABLE = ("name", "municipality_id", "street", "postcode", "city", "target_group",
             "invited_on")  # fmt: skip
# The worklist priority of citizen ``c`` (see GROUP_PRIORITY), in SQL.
_PRIORITY_SQL = (
    "CASE c.target_group "
    + " ".join(f"WHEN {group} THEN {rank}" for group, rank in GROUP_PRIORITY.items())
    + f" ELSE {OTHER_GROUPS} END"
)


def _distinct(left: str, right: str) -> str:
    operator = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
    return f"{left} {operator} {right}"


def _analyze(cursor, table: str) -> None:
    """Give the planner the size of a fresh temporary table (autovacuum never sees them): without
    it, a million-row anti-join can be planned as a loop over a loop."""
    if connection.vendor == "postgresql":
        cursor.execute(f"ANALYZE {table}")


def _masked_birth_date() -> str:
    """SQL for ``DDMMYY-XXXX`` from the staged birth date (the CPR mask, without the CPR)."""
    if connection.vendor == "postgresql":
        return "to_char(birth_date, 'DDMMYY') || '-XXXX'"
    return "strftime('%%d%%m', birth_date) || substr(strftime('%%Y', birth_date), 3, 2) || '-XXXX'"


def _apply(list_import: SsiListImport, rows_read: int) -> dict:
    now = timezone.now()
    week = list_import.week_start
    with connection.cursor() as cursor:

        def count(sql: str, params=()) -> int:
            cursor.execute(sql, params)
            return cursor.fetchone()[0]

        # The first row of each CPR is the citizen's; later ones are reported as duplicates.
        cursor.execute(
            "CREATE TEMP TABLE ssi_listed AS SELECT * FROM (SELECT s.*, ROW_NUMBER() OVER "
            "(PARTITION BY cpr_hash ORDER BY line) AS occurrence FROM ssi_staging s) ranked"
        )
        cursor.execute(
            "INSERT INTO ssi_staging_errors (line, masked_cpr, reason) "  # nosec B608
            f"SELECT line, {_masked_birth_date()}, %s FROM ssi_listed WHERE occurrence > 1",
            [_("The CPR number appears earlier in the file; this row was skipped.")],
        )
        cursor.execute("DELETE FROM ssi_listed WHERE occurrence > 1")
        cursor.execute("CREATE UNIQUE INDEX ssi_listed_hash ON ssi_listed (cpr_hash)")
        _analyze(cursor, "ssi_listed")

        # The municipalities with accepted rows in this list, and those for which it is at least
        # as new as every list processed before: only a current list moves, reopens, updates
        # known citizens or closes; an older one only adds citizens never seen.
        covered = _covered_municipalities(cursor)
        current = [m for m, newest in covered.items() if newest is None or week >= newest]
        cursor.execute("CREATE TEMP TABLE ssi_current (municipality_id bigint PRIMARY KEY)")
        if current:
            cursor.executemany("INSERT INTO ssi_current VALUES (%s)", [(m,) for m in current])
        is_current = "IN (SELECT municipality_id FROM ssi_current)"

        citizens_new = count(
            f"SELECT COUNT(*) FROM ssi_listed l WHERE NOT EXISTS "  # nosec B608
            f"(SELECT 1 FROM {CITIZEN} c WHERE c.cpr_hash = l.cpr_hash)"
        )
        changed = " OR ".join(_distinct(f"{CITIZEN}.{c}", f"excluded.{c}") for c in UPDATABLE)
        cursor.execute(
            f"INSERT INTO {CITIZEN} (cpr_hash, cpr_encrypted, birth_date, sex, name, "  # nosec B608
            f"municipality_id, street, postcode, city, phone, target_group, invited_on, "
            f"created_at, updated_at) "
            f"SELECT cpr_hash, cpr_encrypted, birth_date, sex, name, municipality_id, street, "
            f"postcode, city, phone, target_group, invited_on, %s, %s FROM ssi_listed WHERE true "
            f"ON CONFLICT (cpr_hash) DO UPDATE SET "
            + ", ".join(f"{c} = excluded.{c}" for c in UPDATABLE)
            + f", updated_at = excluded.updated_at "
            f"WHERE ({changed}) AND excluded.municipality_id {is_current}",
            [now, now],
        )
        citizens_updated = max(cursor.rowcount - citizens_new, 0)

        cursor.execute(
            f"CREATE TEMP TABLE ssi_listed_citizen AS SELECT c.id AS citizen_id, "  # nosec B608
            f"l.municipality_id FROM ssi_listed l JOIN {CITIZEN} c ON c.cpr_hash = l.cpr_hash"
        )
        cursor.execute(
            "CREATE UNIQUE INDEX ssi_listed_citizen_id ON ssi_listed_citizen (citizen_id)"
        )
        _analyze(cursor, "ssi_listed_citizen")

        # Listed in another municipality: the old municipality's untriaged task closes as moved.
        cursor.execute(
            f"UPDATE {TASK} SET status = 'closed', close_reason = 'moved', closed_at = %s "  # nosec B608
            f"WHERE status = 'open' AND triaged = %s AND EXISTS (SELECT 1 "
            f"FROM ssi_listed_citizen lc WHERE lc.citizen_id = {TASK}.citizen_id "
            f"AND lc.municipality_id <> {TASK}.municipality_id "
            f"AND lc.municipality_id {is_current})",
            [now, False],
        )
        tasks_moved = cursor.rowcount

        tasks_still_open = count(
            f"SELECT COUNT(*) FROM {TASK} t JOIN ssi_listed_citizen lc "  # nosec B608
            f"ON lc.citizen_id = t.citizen_id WHERE t.status = 'open'"
        )
        cursor.execute(
            f"UPDATE {TASK} SET last_listed_week = %s, times_listed = times_listed + 1 "  # nosec B608
            f"WHERE status = 'open' AND last_listed_week < %s AND citizen_id IN "
            f"(SELECT citizen_id FROM ssi_listed_citizen)",
            [week, week],
        )

        # Back on the list after closing as booked: the same task opens again, in the same place.
        cursor.execute(
            f"UPDATE {TASK} SET status = 'open', close_reason = '', closed_at = NULL, "  # nosec B608
            f"last_listed_week = %s, times_listed = times_listed + 1 "
            f"WHERE close_reason = 'booked' AND id IN (SELECT MAX(t.id) FROM {TASK} t "
            f"WHERE t.citizen_id IN (SELECT citizen_id FROM ssi_listed_citizen) "
            f"GROUP BY t.citizen_id) "
            f"AND EXISTS (SELECT 1 FROM ssi_listed_citizen lc WHERE lc.citizen_id = "
            f"{TASK}.citizen_id AND lc.municipality_id = {TASK}.municipality_id "
            f"AND lc.municipality_id {is_current}) "
            f"AND NOT EXISTS (SELECT 1 FROM {TASK} o WHERE o.citizen_id = {TASK}.citizen_id "
            f"AND o.status = 'open')",
            [week],
        )
        tasks_reopened = cursor.rowcount

        # A task a caseworker closed (declined, not relevant, ...) stays closed: the citizen is
        # still unbooked, so SSI lists them every week, but the decision has been made.
        cursor.execute(
            f"INSERT INTO {TASK} (citizen_id, municipality_id, status, close_reason, triaged, "  # nosec B608
            f"first_listed_week, last_listed_week, times_listed, opened_at, priority, "
            f"birth_date, invited_on, due_on) "
            f"SELECT lc.citizen_id, lc.municipality_id, 'open', '', %s, %s, %s, 1, %s, "
            f"{_PRIORITY_SQL}, c.birth_date, c.invited_on, %s "
            f"FROM ssi_listed_citizen lc JOIN {CITIZEN} c ON c.id = lc.citizen_id "
            f"WHERE NOT EXISTS (SELECT 1 FROM {TASK} t "
            f"WHERE t.citizen_id = lc.citizen_id AND t.status = 'open') "
            f"AND NOT EXISTS (SELECT 1 FROM {TASK} t WHERE t.citizen_id = lc.citizen_id "
            f"AND t.municipality_id = lc.municipality_id AND t.triaged = %s) "
            f"AND (lc.municipality_id {is_current} OR NOT EXISTS (SELECT 1 FROM {TASK} t "
            f"WHERE t.citizen_id = lc.citizen_id))",
            [False, week, week, now, week + timedelta(days=settings.CONTACT_DUE_DAYS), True],
        )
        tasks_opened = cursor.rowcount

        # The worklist's copies of the citizen's group, birth date and invitation follow the list.
        cursor.execute(
            f"UPDATE {TASK} SET priority = (SELECT {_PRIORITY_SQL} FROM {CITIZEN} c "  # nosec B608
            f"WHERE c.id = {TASK}.citizen_id), invited_on = (SELECT c.invited_on FROM "
            f"{CITIZEN} c WHERE c.id = {TASK}.citizen_id) WHERE status = 'open' "
            f"AND citizen_id IN (SELECT citizen_id FROM ssi_listed_citizen) AND EXISTS "
            f"(SELECT 1 FROM {CITIZEN} c WHERE c.id = {TASK}.citizen_id AND "
            f"(c.invited_on <> {TASK}.invited_on OR {_PRIORITY_SQL} <> {TASK}.priority))"
        )

        # Missing from a list at least as new as any processed for its municipality: the citizen
        # booked on their own. An older list closes nothing.
        tasks_auto_closed = 0
        if current:
            placeholders = ", ".join(["%s"] * len(current))
            cursor.execute(
                f"UPDATE {TASK} SET status = 'closed', close_reason = 'booked', closed_at = %s "  # nosec B608
                f"WHERE status = 'open' AND triaged = %s AND municipality_id IN ({placeholders}) "
                f"AND NOT EXISTS (SELECT 1 FROM ssi_listed_citizen lc "
                f"WHERE lc.citizen_id = {TASK}.citizen_id)",
                [now, False, *current],
            )
            tasks_auto_closed = cursor.rowcount
        SsiListCoverage.objects.bulk_create(
            SsiListCoverage(list_import=list_import, municipality_id=m, week_start=week)
            for m in covered
        )

        cursor.execute(
            f"INSERT INTO {ERROR} (list_import_id, line, masked_cpr, reason) "  # nosec B608
            f"SELECT %s, line, masked_cpr, reason FROM ssi_staging_errors",
            [list_import.pk],
        )
        rows_rejected = count("SELECT COUNT(*) FROM ssi_staging_errors")
    return {
        "rows_read": rows_read,
        "rows_accepted": rows_read - rows_rejected,
        "rows_rejected": rows_rejected,
        "citizens_new": citizens_new,
        "citizens_updated": citizens_updated,
        "tasks_opened": tasks_opened,
        "tasks_still_open": tasks_still_open,
        "tasks_auto_closed": tasks_auto_closed,
        "tasks_reopened": tasks_reopened,
        "tasks_moved": tasks_moved,
    }


def _covered_municipalities(cursor) -> dict[int, object]:
    """The municipalities with at least one accepted row in this list, each with the newest week
    already processed for it. A list whose rows were all rejected covers nothing, so a
    misdirected or broken file never closes a municipality's tasks."""
    cursor.execute("SELECT DISTINCT municipality_id FROM ssi_listed")
    covered = [row[0] for row in cursor.fetchall()]
    newest: dict[int, object] = dict.fromkeys(covered)
    for municipality_id, week in (
        SsiListCoverage.objects.filter(
            municipality_id__in=covered, list_import__status=SsiListImport.Status.DONE
        )
        .values_list("municipality_id", "week_start")
        .order_by("week_start")
    ):
        newest[municipality_id] = week
    return newest
