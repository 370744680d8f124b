"""Receiving and processing SSI lists."""

from __future__ import annotations

import hashlib
import tempfile
from datetime import date
from pathlib import Path

from django.core.files import File
from django.db import IntegrityError, transaction

from municipalities.models import SsiListImport
from municipalities.ssi import pipeline
from municipalities.ssi.weeks import current_week, week_label
from outreach import jobs
from outreach.models import Municipality, User


def checksum(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def ssi_list_import_receive(
    *,
    path: Path,
    original_name: str,
    source: str,
    municipality: Municipality | None,
    week: date | None = None,
    uploaded_by: User | None = None,
) -> tuple[SsiListImport, bool]:
    """Register a received list file; ``(import, False)`` when the same file came before.

    The file is copied into storage until the import has processed it. Processing is separate
    (``ssi_list_import_process``), so the caller decides whether it runs now or as a job.
    """
    digest = checksum(path)
    existing = SsiListImport.objects.filter(checksum=digest).first()
    if existing is not None:
        return existing, False
    week = week or current_week()
    list_import = SsiListImport(
        original_name=original_name[:255],
        checksum=digest,
        size=path.stat().st_size,
        week=week_label(week),
        week_start=week,
        municipality=municipality,
        source=source,
        uploaded_by=uploaded_by,
    )
    try:
        with transaction.atomic(), open(path, "rb") as f:
            list_import.file.save(f"{digest}.dat", File(f), save=False)
            list_import.save()
    except IntegrityError:
        # The same file arrived twice at once: the other arrival is the import.
        list_import.file.delete(save=False)
        return SsiListImport.objects.get(checksum=digest), False
    return list_import, True


def ssi_list_import_receive_upload(
    *, upload, source: str, municipality: Municipality | None, week: date | None, uploaded_by: User
) -> tuple[SsiListImport, bool]:
    """``ssi_list_import_receive`` for a file uploaded over HTTP (page or API)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "upload"
        with open(path, "wb") as f:
            for chunk in upload.chunks():
                f.write(chunk)
        return ssi_list_import_receive(
            path=path,
            original_name=upload.name or "upload",
            source=source,
            municipality=municipality,
            week=week,
            uploaded_by=uploaded_by,
        )


def ssi_list_import_enqueue(list_import: SsiListImport) -> None:
    """Process the import as a background job once the current transaction has committed.

    Also for an import received before but never finished (its job was lost): processing is
    idempotent, so a second job for it does no harm."""
    from municipalities import tasks  # tasks import this module: import it only when used

    jobs.enqueue(tasks.process_ssi_list, list_import.pk)


def ssi_list_import_process(*, list_import_id: int) -> SsiListImport:
    """Run the import to the end (idempotent: a finished import is returned unchanged)."""
    return pipeline.run(SsiListImport.objects.get(pk=list_import_id))


def ssi_list_import_give_up(*, list_import_id: int, reason) -> SsiListImport:
    """Mark an import that could not be processed as rejected, with the reason."""
    return pipeline.reject(SsiListImport.objects.get(pk=list_import_id), reason)
