"""The inbox folder SSI's files are dropped into (the SFTP drop), scanned by celery beat.

Each settled file is imported, then moved to ``processed/`` or ``rejected/`` beside it. A file
named like ``101_...`` (a municipality code first) is that municipality's list; any other file is
a national list. A week written in the name (``2021-W10``) is the list's week; otherwise the
current week. A scan killed half-way is simply run again: the same file is the same import.
"""

from __future__ import annotations

import logging
import re
import shutil
import time
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from municipalities import services
from municipalities.models import SsiListImport
from municipalities.ssi.weeks import parse_week
from outreach.models import Municipality

logger = logging.getLogger(__name__)

SETTLE_SECONDS = 30  # a file still being written over SFTP is left for the next scan
_MUNICIPALITY_PREFIX = re.compile(r"^0?(\d{3})[_-]")
_WEEK = re.compile(r"(\d{4}-W\d{2})")


def scan(inbox: Path | None = None, *, settle_seconds: int = SETTLE_SECONDS) -> list[int]:
    """Import every settled file in the inbox; return the ids of the imports they became."""
    inbox = Path(inbox or settings.SSI_INBOX_DIR)
    if not inbox.is_dir():
        return []
    done: list[int] = []
    now = time.time()
    for path in sorted(p for p in inbox.iterdir() if p.is_file() and not p.name.startswith(".")):
        if now - path.stat().st_mtime < settle_seconds:
            continue
        try:
            list_import = _import(path)
        except Exception:
            # One broken file must not stop the scan for every file after it.
            logger.exception("inbox file could not be imported")
            list_import = _give_up(path)
        folder = "rejected" if list_import.status == SsiListImport.Status.REJECTED else "processed"
        (inbox / folder).mkdir(exist_ok=True)
        shutil.move(str(path), str(_free_name(inbox / folder / path.name)))
        logger.info("inbox file imported as %s (%s)", list_import.pk, list_import.status)
        done.append(list_import.pk)
    return done


def _import(path: Path) -> SsiListImport:
    match = _MUNICIPALITY_PREFIX.match(path.name)
    municipality = Municipality.objects.filter(code=match[1]).first() if match else None
    week_match = _WEEK.search(path.name)
    try:
        week = parse_week(week_match[1]) if week_match else None
    except ValueError:
        week = None
    list_import, _created = services.ssi_list_import_receive(
        path=path,
        original_name=path.name,
        source=SsiListImport.Source.INBOX,
        municipality=municipality,
        week=week,
    )
    # Also an import that a killed scan left unfinished: processing is idempotent.
    return services.ssi_list_import_process(list_import_id=list_import.pk)


def _give_up(path: Path) -> SsiListImport:
    list_import = SsiListImport.objects.get(checksum=services.checksum(path))
    return services.ssi_list_import_give_up(
        list_import_id=list_import.pk,
        reason=_("The import failed because of an error in the system. It has been logged."),
    )


def _free_name(target: Path) -> Path:
    """The target path, or one with a counter when a file of that name was moved there before."""
    candidate, n = target, 1
    while candidate.exists():
        candidate = target.with_name(f"{target.stem}.{n}{target.suffix}")
        n += 1
    return candidate
