"""Files for people to open in a spreadsheet: every cell made safe against formula injection."""

import csv
import io

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """A cell a spreadsheet will show as text: a leading formula character is escaped with '."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def csv_text(header: list[str], rows) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    # A BOM so that Excel opens the Danish letters as UTF-8.
    return "\ufeff" + buffer.getvalue()
