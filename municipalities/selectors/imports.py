"""Reads of SSI list imports."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from municipalities.models import SsiListImport
from outreach import access

REPORT_COUNTS = (
    "rows_read", "rows_accepted", "rows_rejected", "citizens_new", "citizens_updated",
    "tasks_opened", "tasks_still_open", "tasks_auto_closed", "tasks_reopened", "tasks_moved",
)  # fmt: skip


def import_report(list_import: SsiListImport, *, errors: bool = True) -> dict:
    """The import's report as plain data (for JSON, the API and the command line)."""
    report = {
        "id": list_import.pk,
        "file": list_import.original_name,
        "week": list_import.week,
        "municipality": list_import.municipality.code if list_import.municipality else None,
        "status": list_import.status,
        "rejection_reason": list_import.rejection_reason,
        "extra_columns": list_import.extra_columns,
        "counts": {name: getattr(list_import, name) for name in REPORT_COUNTS},
    }
    if errors:
        report["errors"] = [
            {"line": e.line, "cpr": e.masked_cpr, "reason": e.reason}
            for e in list_import.errors.order_by("line")
        ]
    return report


def imports_of_municipality(municipality) -> QuerySet[SsiListImport]:
    """A municipality's own uploads and the national files that covered it, newest first."""
    return (
        SsiListImport.objects.filter(
            Q(municipality=municipality) | Q(coverage__municipality=municipality)
        )
        .distinct()
        .select_related("municipality")
        .order_by("-created_at")
    )


def imports_visible_to(user) -> QuerySet[SsiListImport]:
    """Imports a user may follow: their municipalities' own lists, or all for national roles."""
    imports = SsiListImport.objects.select_related("municipality")
    if access.holds_national(user, "submit_ssi_lists"):
        return imports
    return imports.filter(municipality__in=access.municipality_ids_with(user, "work_cases"))


def national_imports() -> QuerySet[SsiListImport]:
    return SsiListImport.objects.filter(municipality__isnull=True).order_by("-created_at")
