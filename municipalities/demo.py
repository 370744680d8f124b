"""The municipalities' part of the demo world: one week's SSI list per demo municipality,
imported through the same pipeline as every real list (so the worklists have citizens)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from municipalities import services
from municipalities.models import SsiListImport
from municipalities.ssi import synthetic
from municipalities.ssi.weeks import parse_week
from outreach.models import Municipality

DEMO_WEEK = "2021-W09"
ROWS_PER_MUNICIPALITY = 40


def load(municipality_codes: list[str]) -> list[str]:
    """Import the demo week's list of each municipality (once: the same file is the same import)."""
    notes = []
    with tempfile.TemporaryDirectory() as folder:
        for code in municipality_codes:
            municipality = Municipality.objects.get(code=code)
            path = Path(folder) / f"{code}_ssi-{DEMO_WEEK}.csv"
            synthetic.write_national_file(
                path,
                rows=ROWS_PER_MUNICIPALITY,
                seed=int(code),
                bad_fraction=0.05,
                municipality_codes=[code],
            )
            list_import, created = services.ssi_list_import_receive(
                path=path,
                original_name=path.name,
                source=SsiListImport.Source.COMMAND,
                municipality=municipality,
                week=parse_week(DEMO_WEEK),
            )
            if created or not list_import.is_finished:
                list_import = services.ssi_list_import_process(list_import_id=list_import.pk)
            notes.append(
                f"SSI list {DEMO_WEEK} for {municipality}: {list_import.rows_accepted} citizens, "
                f"{list_import.rows_rejected} rows rejected"
            )
    return notes
