"""Read one SSI weekly list file into a stream of validated rows and per-row errors.

Statens Serum Institut's lists come as CSV (``;``, ``,`` or tab; UTF-8 with or without a BOM, or
Windows-1252) or as XLSX, with Danish or English headers in any order (DESIGN.md §7). The reader
never touches the database: ``open_ssi_file`` checks the file as a whole and reads its header,
raising ``FileRejected`` for a file nobody can use; ``SsiFile.rows()`` then streams ``Row`` and
``RowError`` items, so a bad row never costs the good ones and memory stays flat in file size.

Speed matters (national files have a million rows): the CSV path decodes the file in blocks of
lines, lets the C ``csv`` module split them, and validates each field with a cached fast path.
A CPR number's verdict depends only on its first seven digits (the birth date and the century
digit), so ``outreach.cpr.validate`` runs once per distinct prefix and its answer is reused.
Nothing here logs or repeats a full CPR number: every value quoted in a message goes through
``_shown``, which masks anything that could be one.
"""

from __future__ import annotations

import csv
import datetime
import io
import math
import re
import unicodedata
import zipfile
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from operator import itemgetter
from pathlib import Path
from xml.parsers import expat

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from outreach.cpr import InvalidCpr, mask_number, validate

# Header names a list may use for each column, matched after ``_normalised``. The first alias
# after the canonical name is the Danish one shown in messages.
ALIASES: dict[str, tuple[str, ...]] = {
    "cpr": ("cpr", "cpr-nummer", "cprnummer", "cpr nr", "personnummer"),
    "name": ("name", "navn"),
    "first_name": ("first_name", "fornavn"),
    "last_name": ("last_name", "efternavn"),
    "target_group": ("target_group", "målgruppe", "maalgruppe"),
    "invited_on": ("invited_on", "invitationsdato", "inviteret", "invitation date"),
    "municipality_code": ("municipality_code", "kommunekode", "kommunenr", "kommune nr"),
    "street": ("street", "adresse", "address"),
    "postcode": ("postcode", "postnummer", "postal code", "postnr"),
    "city": ("city", "by", "bynavn"),
    "phone": ("phone", "telefon", "tlf", "telefonnummer"),
}
_OPTIONAL = ("street", "postcode", "city", "phone")
# The order in which the validation loop takes the fields of a record.
_PICKED = ("cpr", "name", "first_name", "last_name", "target_group", "invited_on")
_PICKED += ("municipality_code", *_OPTIONAL)
_HEADER_SEPARATORS = re.compile(r"[\s_.\-]+")


def _normalised(header: str) -> str:
    """``" CPR-nr. "`` and ``"cpr_nr"`` alike: case, spaces, underscores, hyphens and dots."""
    name = unicodedata.normalize("NFC", header).replace("\ufeff", "").strip().casefold()
    return _HEADER_SEPARATORS.sub("_", name).strip("_")


_CANONICAL = {_normalised(alias): name for name, aliases in ALIASES.items() for alias in aliases}

_CHUNK_BYTES = 1 << 20
_SNIFF_BYTES = 8192
_LONGEST_LINE = 16 << 20  # a "line" longer than this is cut: the file is not a list anyway
# str.splitlines() also breaks at these; the csv module and bytes.splitlines() do not.
_OTHER_LINE_BREAKS = ("\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")
_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})|(\d{1,2})([.\-])(\d{1,2})\5(\d{4})")
_CONTROL_BYTES = tuple(bytes([byte]) for byte in range(32) if byte not in (9, 10, 11, 12, 13, 26))
_CACHE_LIMIT = 400_000  # above the 372,000 day-month-year-century prefixes


class FileRejected(Exception):
    """The whole file is unusable; str(error) is a clear, translated message for a person."""


@dataclass(frozen=True, slots=True)
class Row:
    line: int
    cpr: str
    name: str
    target_group: int
    invited_on: datetime.date
    municipality_code: str | None
    street: str
    postcode: str
    city: str
    phone: str


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    masked_cpr: str
    reason: str


@dataclass
class SsiFile:
    """An opened list: its header understood, its rows not yet read."""

    columns: list[str]
    extra_columns: list[str]
    _records: Iterator[tuple[int, list, str | None]] = field(repr=False)
    _index: dict[str, int] = field(repr=False)
    _width: int = field(repr=False)
    _require_municipality_code: bool = field(repr=False)
    _close: object = field(repr=False, default=None)
    _used: bool = field(repr=False, default=False)

    def rows(self) -> Iterator[Row | RowError]:
        """Every non-blank record as a ``Row`` or a ``RowError``, in file order. Callable once."""
        if self._used:
            raise RuntimeError("SsiFile.rows() can only be read once.")
        self._used = True
        try:
            yield from _validated(
                self._records, self._index, self._width, self._require_municipality_code
            )
        finally:
            self.close()

    def close(self) -> None:
        if self._close is not None:
            self._close()
            self._close = None


def open_ssi_file(path: str | Path, *, require_municipality_code: bool = False) -> SsiFile:
    """Raises FileRejected (before any row is read) for an unusable file."""
    path = Path(path)
    size = path.stat().st_size
    cap = settings.SSI_MAX_FILE_BYTES
    if size > cap:
        raise FileRejected(
            _("The file is %(size)s MB; the largest file accepted is %(cap)s MB.")
            % {"size": _megabytes(size, up=True), "cap": _megabytes(cap)}
        )
    if size == 0:
        raise FileRejected(_("The file is empty."))
    with path.open("rb") as probe:
        head = probe.read(_SNIFF_BYTES)
    if head.startswith(b"PK\x03\x04"):
        return _open_xlsx(path, require_municipality_code)
    _reject_binary(head)
    return _open_csv(path, require_municipality_code)


def _megabytes(size: int, *, up: bool = False) -> str:
    """Megabytes to one decimal ("1.5", "200"); rounded up for a file, so that it never seems to
    be within the cap it is over."""
    tenths = size * 10 / (1024 * 1024)
    return f"{(math.ceil(tenths) if up else round(tenths)) / 10:.1f}".removesuffix(".0")


def _reject_binary(head: bytes) -> None:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileRejected(
            _("The file is saved as UTF-16 text. Save it as CSV in UTF-8 or as XLSX and try again.")
        )
    if head.startswith(b"%PDF"):
        raise FileRejected(_("The file is a PDF document. Send the list as CSV or XLSX."))
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileRejected(
            _(
                "The file is an old-format (.xls) or password-protected Excel file. Save it as "
                "XLSX without a password, or as CSV, and try again."
            )
        )
    # Text has tabs, line ends and perhaps a form feed or an old end-of-file mark (Ctrl-Z).
    controls = sum(head.count(byte) for byte in _CONTROL_BYTES)
    if b"\x00" in head or controls > len(head) // 50:
        raise FileRejected(
            _(
                "The file is not a CSV or XLSX file: it contains binary data. "
                "Send the list as CSV or XLSX."
            )
        )


# Header --------------------------------------------------------------------------------------


def _column_label(name: str) -> str:
    return f"{name} ({ALIASES[name][1]})"


def _expected_columns(require_municipality_code: bool) -> str:
    required = [
        _column_label("cpr"),
        _("%(name)s or %(first_name)s and %(last_name)s")
        % {
            "name": _column_label("name"),
            "first_name": _column_label("first_name"),
            "last_name": _column_label("last_name"),
        },
        _column_label("target_group"),
        _column_label("invited_on"),
    ]
    if require_municipality_code:
        required.append(_column_label("municipality_code"))
    optional = ", ".join(_column_label(name) for name in _OPTIONAL)
    return _("%(required)s; optional: %(optional)s") % {
        "required": ", ".join(required),
        "optional": optional,
    }


def _understand_header(
    header: list, require_municipality_code: bool
) -> tuple[dict[str, int], list[str], list[str], int]:
    """The column index per canonical name, the canonical names, the ignored headers, the width."""
    index: dict[str, int] = {}
    columns: list[str] = []
    extra: list[str] = []
    width = 0
    for position, cell in enumerate(header):
        title = "" if cell is None else str(cell).replace("\ufeff", "").strip()
        if not title:
            continue
        width = position + 1
        canonical = _CANONICAL.get(_normalised(title))
        if canonical is None:
            extra.append(_shown(title))
        elif canonical in index:
            raise FileRejected(
                _('The columns "%(first)s" and "%(second)s" both mean %(column)s; keep only one.')
                % {
                    "first": _shown(str(header[index[canonical]]).strip()),
                    "second": _shown(title),
                    "column": _column_label(canonical),
                }
            )
        else:
            index[canonical] = position
            columns.append(canonical)
    expected = _expected_columns(require_municipality_code)
    if not index:
        found = ", ".join(f'"{_shown(str(c).strip())}"' for c in header if c not in (None, ""))
        raise FileRejected(
            _(
                "The first row is not the header of an SSI list: none of its columns (%(found)s) "
                "is an expected column. Expected columns: %(expected)s."
            )
            % {"found": found, "expected": expected}
        )
    missing = [_column_label(name) for name in ("cpr",) if name not in index]
    if "name" not in index:
        has_first, has_last = "first_name" in index, "last_name" in index
        if has_first and not has_last:
            missing.append(_column_label("last_name"))
        elif has_last and not has_first:
            missing.append(_column_label("first_name"))
        elif not has_first:
            missing.append(
                _("%(name)s or %(first_name)s and %(last_name)s")
                % {
                    "name": _column_label("name"),
                    "first_name": _column_label("first_name"),
                    "last_name": _column_label("last_name"),
                }
            )
    required = ["target_group", "invited_on"]
    if require_municipality_code:
        required.append("municipality_code")
    missing += [_column_label(name) for name in required if name not in index]
    if missing:
        raise FileRejected(
            ngettext(
                "The file has no column for %(missing)s. Expected columns: %(expected)s.",
                "The file has no columns for %(missing)s. Expected columns: %(expected)s.",
                len(missing),
            )
            % {"missing": ", ".join(missing), "expected": expected}
        )
    return index, columns, extra, width


# CSV -----------------------------------------------------------------------------------------


class _Lines:
    """The physical lines of a CSV file, decoded line by line, in blocks.

    A block that is valid UTF-8 is decoded at once (every line in it then is); otherwise each line
    is UTF-8 or else Windows-1252, and a line that is neither is remembered in ``unreadable`` (its
    text, with replacement characters, still goes to the csv parser so the records stay aligned).
    The latest blocks are kept so that a record can be re-split into its lines: enough of them to
    hold the longest record the csv module reads (its field size limit) twice over.
    """

    def __init__(self, stream):
        self._stream = stream
        self.unreadable: deque[int] = deque()
        self.recent: deque[tuple[int, list[str], int]] = deque()
        self._kept_bytes = 0

    def __iter__(self) -> Iterator[str]:
        return chain.from_iterable(self._blocks())

    def _blocks(self) -> Iterator[list[str]]:
        seen = 0
        pending = b""
        while True:
            block = self._stream.read(_CHUNK_BYTES)
            if block:
                data = pending + block
                cut = data.rfind(b"\n") + 1
                if cut == 0 and len(data) < _LONGEST_LINE:
                    pending = data
                    continue
                cut = cut or len(data)
                data, pending = data[:cut], data[cut:]
            elif pending:
                data, pending = pending, b""
            else:
                return
            lines = self._decoded(data, seen)
            if seen == 0 and lines:
                lines[0] = lines[0].removeprefix("\ufeff").removeprefix("ï»¿")
            self._keep(seen + 1, lines, len(data))
            seen += len(lines)
            yield lines

    def _decoded(self, data: bytes, seen: int) -> list[str]:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return self._decoded_per_line(data, seen)
        if any(mark in text for mark in _OTHER_LINE_BREAKS):
            return list(io.StringIO(text, newline=""))
        return text.splitlines(keepends=True)

    def _decoded_per_line(self, data: bytes, seen: int) -> list[str]:
        lines = []
        for number, raw in enumerate(data.splitlines(keepends=True), seen + 1):
            try:
                lines.append(raw.decode("utf-8"))
            except UnicodeDecodeError:
                try:
                    lines.append(raw.decode("cp1252"))
                except UnicodeDecodeError:
                    lines.append(raw.decode("cp1252", errors="replace"))
                    self.unreadable.append(number)
        return lines

    def _keep(self, first: int, lines: list[str], size: int) -> None:
        self.recent.append((first, lines, size))
        self._kept_bytes += size
        limit = 2 * csv.field_size_limit() + 2 * _CHUNK_BYTES
        while self._kept_bytes - self.recent[0][2] > limit:
            self._kept_bytes -= self.recent.popleft()[2]

    def between(self, first: int, last: int) -> list[str]:
        """Physical lines ``first``..``last`` (1-based), from the blocks still kept."""
        lines = []
        for start, block, _size in self.recent:
            lo, hi = max(first, start), min(last, start + len(block) - 1)
            lines += block[lo - start : hi - start + 1]
        return lines


def _delimiter(line: str) -> str:
    counts = {delimiter: line.count(delimiter) for delimiter in (";", "\t", ",")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ";"


def _open_csv(path: Path, require_municipality_code: bool) -> SsiFile:
    stream = path.open("rb")
    try:
        lines = _Lines(stream)
        physical = iter(lines)
        skipped = []
        for line in physical:
            skipped.append(line)
            if line.strip():
                break
        else:
            raise FileRejected(_("The file is empty."))
        dialect = {"delimiter": _delimiter(skipped[-1]), "skipinitialspace": True}
        reader = csv.reader(chain(skipped, physical), **dialect)
        header = []
        for header in reader:
            if any(cell.strip() for cell in header):
                break
        index, columns, extra, width = _understand_header(header, require_municipality_code)
    except BaseException:
        stream.close()
        raise
    return SsiFile(
        columns=columns,
        extra_columns=extra,
        _records=_csv_records(reader, lines, dialect, len(header)),
        _index=index,
        _width=width,
        _require_municipality_code=require_municipality_code,
        _close=stream.close,
    )


def _csv_records(
    reader, lines: _Lines, dialect: dict, header_width: int
) -> Iterator[tuple[int, list, str | None]]:
    """(first physical line, fields, problem) per record; ``problem`` for unreadable text."""
    unreadable = lines.unreadable
    start = reader.line_num + 1
    while True:
        try:
            for fields in reader:
                end = reader.line_num
                if end != start and len(fields) != header_width:
                    yield from _line_by_line(lines, start, end, dialect)
                else:
                    yield start, fields, _problem(unreadable, start, end) if unreadable else None
                start = end + 1
            return
        except csv.Error:
            end = reader.line_num
            if end == start:
                yield start, [], _("The row could not be read as CSV.")
            else:
                yield from _line_by_line(lines, start, end, dialect)
            start = end + 1


def _line_by_line(
    lines: _Lines, start: int, end: int, dialect: dict
) -> Iterator[tuple[int, list, str | None]]:
    """A record over several lines that does not fit the header, read again line by line.

    A quote left open swallows the lines after it; read one by one, the good rows among them are
    kept and only the broken one is reported.
    """
    for number, line in enumerate(lines.between(start, end), start):
        yield number, _split_line(line, dialect), _problem(lines.unreadable, number, number)


def _split_line(line: str, dialect: dict) -> list[str]:
    try:
        return next(csv.reader([line], **dialect), [])
    except csv.Error:
        return line.rstrip("\r\n").split(dialect["delimiter"])


def _problem(unreadable: deque[int], first: int, last: int) -> str | None:
    found = False
    while unreadable and unreadable[0] <= last:
        found = found or unreadable[0] >= first
        unreadable.popleft()
    if found:
        return _(
            "The row contains characters that cannot be read (neither UTF-8 nor Windows-1252)."
        )
    return None


# XLSX ----------------------------------------------------------------------------------------


def _open_xlsx(path: Path, require_municipality_code: bool) -> SsiFile:
    from openpyxl import load_workbook

    damaged = _("The XLSX file is damaged or incomplete. Save it again from Excel and resend it.")
    try:
        _check_archive(path)
    except Exception:
        raise FileRejected(damaged) from None
    stream = path.open("rb")
    try:
        try:
            # A file object, not the path: openpyxl would refuse a name without ".xlsx".
            workbook = load_workbook(stream, read_only=True, data_only=True)
            sheet = workbook.worksheets[0]
            sheet.reset_dimensions()  # some writers record a wrong size; read what is there
            cells = enumerate(sheet.iter_rows(min_row=1, values_only=True), 1)
            header = []
            for _number, header in cells:
                if any(cell not in (None, "") for cell in header):
                    break
            else:
                raise FileRejected(_("The file is empty."))
        except FileRejected:
            raise
        except Exception:
            raise FileRejected(damaged) from None
        index, columns, extra, width = _understand_header(list(header), require_municipality_code)
    except BaseException:
        stream.close()
        raise
    return SsiFile(
        columns=columns,
        extra_columns=extra,
        _records=_xlsx_records(cells, index, width, damaged),
        _index=index,
        _width=width,
        _require_municipality_code=require_municipality_code,
        _close=stream.close,
    )


def _check_archive(path: Path) -> None:
    """Read every part of the workbook once, checking its checksum and, for XML, that it parses.

    A truncated or corrupt workbook is then rejected before any row rather than halfway through
    the import; expat reads a sheet many times faster than openpyxl does.
    """
    with zipfile.ZipFile(path) as archive:
        for member in archive.infolist():
            with archive.open(member) as part:
                if member.filename.endswith((".xml", ".rels")):
                    expat.ParserCreate().ParseFile(part)
                else:
                    while part.read(_CHUNK_BYTES):
                        pass


def _xlsx_records(
    cells: Iterator[tuple[int, tuple]], index: dict[str, int], width: int, damaged: str
) -> Iterator[tuple[int, list, None]]:
    """(sheet row number, fields, None) per row; numbers and dates made what a CSV would hold."""
    cpr_at = index["cpr"]
    date_at = index["invited_on"]
    try:
        for number, values in cells:
            # A sheet stores no empty cells at the end of a row: a short row is not incomplete.
            values = (*values, *(None,) * (width - len(values)))
            fields = [_cell_text(value) for value in values]
            fields[cpr_at] = _cpr_cell(values[cpr_at])
            if isinstance(values[date_at], datetime.date):
                value = values[date_at]
                fields[date_at] = value.date() if isinstance(value, datetime.datetime) else value
            yield number, fields, None
    except Exception as error:  # checked when opened: only if the file changed since
        raise FileRejected(damaged) from error


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    return str(value)


def _cpr_cell(value) -> str:
    """A CPR typed into Excel as a number lost its leading zero: 101501234 is 0101501234.

    Only nine- and ten-digit numbers are CPR numbers that way; a shorter one stays as it is (and
    is reported as not ten digits).
    """
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 10**8 <= value < 10**10:
        return f"{value:010d}"
    return _cell_text(value)


# Validation ----------------------------------------------------------------------------------


def _shown(value) -> str:
    """A value safe to repeat in a message: a CPR number in it is masked, and it is kept short.

    Any value with ten or more digits keeps only its first six ("010150-XXXX", "010150XXXX"),
    however the digits are separated.
    """
    text = str(value).strip()
    if sum(character.isdigit() for character in text) >= 10:
        digits = 0
        masked = []
        for character in text:
            if character.isdigit():
                digits += 1
                character = character if digits <= 6 else "X"
            masked.append(character)
        text = "".join(masked)
    return text if len(text) <= 40 else text[:37] + "..."


def _birth_verdict(number: str, today: datetime.date) -> str:
    """ "" if ten ASCII digits hold a birth date that is not in the future, else the reason.

    The same rules as ``stdnum.dk.cpr`` (which ``outreach.cpr.validate`` uses), without its
    per-character Unicode clean-up, which costs more than the rest of a row: the seventh digit
    and the two-digit year give the century.
    """
    year = int(number[4:6])
    century = number[6]
    if century in "5678" and year >= 58:
        year += 1800
    elif century in "0123" or (century in "49" and year >= 37):
        year += 1900
    else:
        year += 2000
    try:
        born = datetime.date(year, int(number[2:4]), int(number[0:2]))
    except ValueError:
        return _("The CPR number does not contain a valid birth date.")
    if born > today:
        return _("The CPR number's birth date is in the future.")
    return ""


def check_cpr(raw: str, verdicts: dict[str, str]) -> tuple[str | None, str]:
    """(the ten digits, "") or (None, reason): exactly ``outreach.cpr.validate``'s answer, fast.

    For ten ASCII digits (after removing the hyphen of ``DDMMYY-SSSS``) the verdict depends only on
    the first seven digits (the birth date and the century digit), so it is computed once per
    prefix and cached in ``verdicts``; any other spelling goes to validate itself.
    """
    if len(raw) == 10:
        number = raw
    elif len(raw) == 11 and raw[6] == "-":
        number = raw[:6] + raw[7:]
    else:
        number = ""
    if number.isdigit() and number.isascii():
        prefix = number[:7]
        verdict = verdicts.get(prefix)
        if verdict is None:
            if len(verdicts) >= _CACHE_LIMIT:
                verdicts.clear()
            verdict = verdicts[prefix] = _birth_verdict(number, datetime.date.today())
        return (None, verdict) if verdict else (number, "")
    if not raw.strip():
        return None, _("The CPR number is missing.")
    try:
        return validate(raw), ""
    except InvalidCpr as error:
        return None, str(error)


def _date(value) -> datetime.date | str:
    """The invitation date, or the reason it is not one."""
    if isinstance(value, datetime.date):
        return value
    text = value.strip()
    if not text:
        return _("The invitation date is missing.")
    match = _DATE.fullmatch(text)
    if match is None:
        return _(
            'The invitation date "%(value)s" is not a date written as YYYY-MM-DD, DD-MM-YYYY '
            "or DD.MM.YYYY."
        ) % {"value": _shown(text)}
    if match.group(1):
        year, month, day = match.group(1, 2, 3)
    else:
        day, month, year = match.group(4, 6, 7)
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError:
        return _('The invitation date "%(value)s" does not exist.') % {"value": _shown(text)}


def _target_group(value: str) -> tuple[int, str]:
    """The group and "" (" 3 " is 3), or 0 and the reason it is not one."""
    text = value.strip()
    if text.isdigit() and text.isascii() and 1 <= int(text) <= 12:
        return int(text), ""
    if not text:
        return 0, _("The target group is missing.")
    return 0, _('The target group "%(value)s" is not a whole number from 1 to 12.') % {
        "value": _shown(text)
    }


def _municipality_code(value: str, required: bool) -> tuple[str | None, str]:
    """The code as the reference data writes it ("0101" is "101"; None when empty), and a reason.

    Whether the municipality exists is the import's question, not the reader's.
    """
    text = value.strip()
    if not text:
        return None, _("The municipality code is missing.") if required else ""
    if len(text) <= 4 and text.isdigit() and text.isascii():
        return str(int(text)).zfill(3), ""
    return None, _('The municipality code "%(value)s" is not a number of 1 to 4 digits.') % {
        "value": _shown(text)
    }


def _blank(fields: list) -> bool:
    return not any(str(cell).strip().strip("\x1a") for cell in fields)


class _Checks:
    """The per-field checks of one file, each remembering its answers (few distinct values)."""

    def __init__(self, require_municipality_code: bool):
        self.require_municipality_code = require_municipality_code
        self.verdicts: dict[str, str] = {}
        self.groups: dict[str, tuple[int, str]] = {
            str(number): (number, "") for number in range(1, 13)
        }
        self.dates: dict = {}
        self.codes: dict[str, tuple[str | None, str]] = {}

    def target_group(self, value: str) -> tuple[int, str]:
        return _remembered(self.groups, value, _target_group)

    def invited_on(self, value) -> datetime.date | str:
        return _remembered(self.dates, value, _date)

    def municipality_code(self, value: str) -> tuple[str | None, str]:
        return _remembered(self.codes, value, self._municipality_code)

    def _municipality_code(self, value: str) -> tuple[str | None, str]:
        return _municipality_code(value, self.require_municipality_code)

    def reasons(self, cpr, name, group, invited, code, has_code) -> str:
        """Everything wrong with a row, in one message; "" if nothing is."""
        reasons = [
            check_cpr(cpr, self.verdicts)[1],
            "" if name else _("The name is missing."),
            self.target_group(group)[1],
        ]
        invited_on = self.invited_on(invited)
        reasons.append(invited_on if isinstance(invited_on, str) else "")
        if has_code:
            reasons.append(self.municipality_code(code)[1])
        return " ".join(reason for reason in reasons if reason)


def _remembered(cache: dict, value, compute):
    answer = cache.get(value)
    if answer is None:
        if len(cache) >= _CACHE_LIMIT:
            cache.clear()
        answer = cache[value] = compute(value)
    return answer


def _validated(
    records: Iterable[tuple[int, list, str | None]],
    index: dict[str, int],
    width: int,
    require_municipality_code: bool,
) -> Iterator[Row | RowError]:
    """Rows and row errors from raw records; the hot loop of a million-row import.

    The loop takes the common case with cached answers and no function calls; a row that fails
    any check is re-examined by ``_Checks.reasons``, which gathers every reason.
    """
    # Absent columns read the "" appended to every record (index -1).
    pick = itemgetter(*(index.get(name, -1) for name in _PICKED))
    cpr_at = index["cpr"]
    has_code = "municipality_code" in index
    checks = _Checks(require_municipality_code)
    verdicts, groups, dates, codes = checks.verdicts, checks.groups, checks.dates, checks.codes
    incomplete = _("The row is incomplete: it has %(found)s of the %(expected)s columns.")
    new_row = object.__new__
    date = datetime.date
    for line, fields, problem in records:
        if problem or len(fields) < width:
            if problem or not _blank(fields):
                raw = fields[cpr_at] if cpr_at < len(fields) else ""
                reason = problem or incomplete % {"found": len(fields), "expected": width}
                yield RowError(line, mask_number(raw), reason)
            continue
        fields.append("")
        cpr, name, first, last, group, invited, code, street, postcode, city, phone = pick(fields)

        # check_cpr(), inlined for the common spellings.
        number = cpr if len(cpr) == 10 else cpr[:6] + cpr[7:] if len(cpr) == 11 else ""
        if number.isdigit() and number.isascii() and (len(cpr) == 10 or cpr[6] == "-"):
            why = verdicts.get(number[:7])
            if why is None:
                number, why = check_cpr(cpr, verdicts)
            elif why:
                number = None
        else:
            number, why = check_cpr(cpr, verdicts)
        name = name.strip() or f"{first.strip()} {last.strip()}".strip()
        target_group, why = groups.get(group) or checks.target_group(group)
        invited_on = dates.get(invited) or checks.invited_on(invited)
        municipality_code, code_problem = None, ""
        if has_code:
            municipality_code, code_problem = codes.get(code) or checks.municipality_code(code)
        if (
            number is None
            or not name
            or not target_group
            or invited_on.__class__ is not date
            or code_problem
        ):
            if number is None and _blank(fields):
                continue
            reason = checks.reasons(cpr, name, group, invited, code, has_code)
            yield RowError(line, mask_number(cpr), reason)
            continue
        # The frozen dataclass's __init__ sets each slot through object.__setattr__, which costs
        # a microsecond per row; setting the slots directly gives an identical Row in half that.
        row = new_row(Row)
        _set_line(row, line)
        _set_cpr(row, number)
        _set_name(row, name)
        _set_target_group(row, target_group)
        _set_invited_on(row, invited_on)
        _set_municipality_code(row, municipality_code)
        _set_street(row, street.strip())
        _set_postcode(row, postcode.strip())
        _set_city(row, city.strip())
        _set_phone(row, phone.strip())
        yield row


_set_line = Row.line.__set__
_set_cpr = Row.cpr.__set__
_set_name = Row.name.__set__
_set_target_group = Row.target_group.__set__
_set_invited_on = Row.invited_on.__set__
_set_municipality_code = Row.municipality_code.__set__
_set_street = Row.street.__set__
_set_postcode = Row.postcode.__set__
_set_city = Row.city.__set__
_set_phone = Row.phone.__set__
