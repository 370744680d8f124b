"""Reading SSI's weekly lists: what a caseworker in København uploads, and what SSI's national
drop delivers, in every shape those files come in (DESIGN.md §7).

The citizens on these lists are invented: their CPR numbers are synthetic (see
``municipalities.ssi.synthetic.synthetic_cpr``).
"""

import csv
import datetime
import random
import re
import zipfile

import pytest
from django.utils import translation
from openpyxl import Workbook
from stdnum.dk import cpr as stdnum_cpr

from municipalities.ssi import reader
from municipalities.ssi.reader import (
    FileRejected,
    Row,
    RowError,
    _birth_verdict,
    check_cpr,
    open_ssi_file,
)
from municipalities.ssi.synthetic import synthetic_cpr, write_national_file
from outreach.cpr import InvalidCpr, mask_number, validate

_rng = random.Random(2021)
# Karen (91, target group 3) was born on the 1st, so her number starts with a zero.
KAREN = synthetic_cpr(_rng, datetime.date(1930, 3, 1))
POUL = synthetic_cpr(_rng, datetime.date(1938, 11, 17))
INGER = synthetic_cpr(_rng, datetime.date(1944, 6, 30))


def dashed(number: str) -> str:
    return f"{number[:6]}-{number[6:]}"


DANISH = "cpr-nummer;navn;målgruppe;invitationsdato;kommunekode\n"
LIST = (
    DANISH
    + f"{dashed(KAREN)};Karen Jensen;3;2021-02-22;0101\n"
    + f"{POUL};Poul Hansen;7;23-02-2021;101\n"
)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def write(tmp_path):
    def write(content: str | bytes, name: str = "list.csv", encoding: str = "utf-8"):
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
        return path

    return write


def read(path, **options) -> list[Row | RowError]:
    return list(open_ssi_file(path, **options).rows())


def rejection(path, **options) -> str:
    with pytest.raises(FileRejected) as caught:
        open_ssi_file(path, **options)
    return str(caught.value)


def only_error(items) -> RowError:
    errors = [item for item in items if isinstance(item, RowError)]
    assert len(errors) == 1, items
    return errors[0]


# Formats --------------------------------------------------------------------------------------


def test_it_reads_a_semicolon_list_with_danish_headers(write):
    ssi_file = open_ssi_file(write(LIST))

    assert ssi_file.columns == ["cpr", "name", "target_group", "invited_on", "municipality_code"]
    assert ssi_file.extra_columns == []
    assert list(ssi_file.rows()) == [
        Row(2, KAREN, "Karen Jensen", 3, datetime.date(2021, 2, 22), "101", "", "", "", ""),
        Row(3, POUL, "Poul Hansen", 7, datetime.date(2021, 2, 23), "101", "", "", "", ""),
    ]


def test_it_reads_a_comma_list_with_english_headers_in_another_order(write):
    path = write(
        "invited_on,target_group,phone,city,postcode,street,name,cpr\n"
        f'01.03.2021,9,20304050,Aarhus C,8000,"Vestergade 1, 2. th.",Inger Madsen,{INGER}\n'
    )

    (row,) = read(path)

    assert row == Row(
        2,
        INGER,
        "Inger Madsen",
        9,
        datetime.date(2021, 3, 1),
        None,
        "Vestergade 1, 2. th.",
        "8000",
        "Aarhus C",
        "20304050",
    )


def test_it_reads_a_tab_separated_list(write):
    path = write(f"cpr\tname\ttarget_group\tinvited_on\n{KAREN}\tKaren Jensen\t3\t2021-02-22\n")

    (row,) = read(path)

    assert (row.cpr, row.name, row.target_group) == (KAREN, "Karen Jensen", 3)


@pytest.mark.parametrize(
    "header",
    [
        " CPR Nr ;NAVN;Maalgruppe;Invitation-Date",
        "Cpr_Nummer;Name;MÅLGRUPPE;inviteret",
        "PERSONNUMMER;navn;target group;INVITED-ON",
        "cprnummer ; Navn ; målgruppe ; invitationsdato ",
    ],
)
def test_it_accepts_headers_in_any_case_with_spaces_underscores_or_hyphens(write, header):
    (row,) = read(write(f"{header}\n{KAREN};Karen Jensen;3;2021-02-22\n"))

    assert (row.cpr, row.name, row.target_group) == (KAREN, "Karen Jensen", 3)


def test_it_reads_every_optional_column_by_its_danish_name(write):
    path = write(
        "Telefon;By;Postnr;Adresse;Kommune nr;Invitationsdato;Målgruppe;Efternavn;Fornavn;CPR\n"
        f"86123456;Århus C;8000;Søndergade 4;751;2021-02-22;8;Sørensen;Jørgen;{POUL}\n"
    )

    (row,) = read(path)

    assert row == Row(
        2,
        POUL,
        "Jørgen Sørensen",
        8,
        datetime.date(2021, 2, 22),
        "751",
        "Søndergade 4",
        "8000",
        "Århus C",
        "86123456",
    )


def test_it_strips_a_byte_order_mark(write):
    (first, second) = read(write(b"\xef\xbb\xbf" + LIST.encode()))

    assert (first.line, first.cpr, second.line) == (2, KAREN, 3)


def test_it_reads_a_windows_1252_list(write):
    path = write(DANISH + f"{KAREN};Søren Ærø Åberg;3;2021-02-22;101\n", encoding="cp1252")

    ssi_file = open_ssi_file(path)

    assert ssi_file.columns[2] == "target_group"  # "målgruppe", read as Windows-1252
    assert [row.name for row in ssi_file.rows()] == ["Søren Ærø Åberg"]


def test_it_reads_a_list_whose_lines_mix_utf8_and_windows_1252(write):
    path = write(
        DANISH.encode()
        + f"{KAREN};Bodil Ærøskøbing;3;2021-02-22;101\n".encode()
        + f"{POUL};Børge Ørsted;7;2021-02-22;101\n".encode("cp1252")
        + f"{INGER};Åse Kjær;9;2021-02-22;101\n".encode()
    )

    assert [row.name for row in read(path)] == ["Bodil Ærøskøbing", "Børge Ørsted", "Åse Kjær"]


def test_it_reports_a_line_that_is_neither_utf8_nor_windows_1252(write):
    # 0x81 is not a character in Windows-1252 and cannot stand alone in UTF-8.
    path = write(
        DANISH.encode()
        + f"{KAREN};Karen Jensen;3;2021-02-22;101\n".encode()
        + f"{POUL};Poul \x81Hansen;7;2021-02-22;101\n".encode("latin-1")
        + f"{INGER};Inger Madsen;9;2021-02-22;101\n".encode()
    )

    items = read(path)

    assert [item.line for item in items if isinstance(item, Row)] == [2, 4]
    error = only_error(items)
    assert error.line == 3
    assert error.masked_cpr == f"{POUL[:6]}-XXXX"
    assert "characters that cannot be read" in error.reason


def test_it_reads_windows_line_ends(write):
    items = read(write(LIST.replace("\n", "\r\n")))

    assert [(row.line, row.cpr, row.municipality_code) for row in items] == [
        (2, KAREN, "101"),
        (3, POUL, "101"),
    ]


def test_it_keeps_line_numbers_across_quoted_delimiters_and_newlines(write):
    path = write(
        "cpr;name;target_group;invited_on;address\r\n"
        f'{KAREN};"Jensen; Karen";3;2021-02-22;"Plejecenter Solhøj\r\nStue 4"\r\n'
        f'{POUL};"Poul ""Bager"" Hansen";7;2021-02-22;"Kirkevej 2\n1. sal\nlejlighed 3"\n'
        f"{INGER};Inger Madsen;9;2021-02-22;Skovvej 5\n"
    )

    items = read(path)

    assert [(row.line, row.name, row.street) for row in items] == [
        (2, "Jensen; Karen", "Plejecenter Solhøj\r\nStue 4"),
        (4, 'Poul "Bager" Hansen', "Kirkevej 2\n1. sal\nlejlighed 3"),
        (7, "Inger Madsen", "Skovvej 5"),
    ]


def test_it_keeps_the_rows_after_a_quote_left_open(write):
    path = write(
        "cpr;name;target_group;invited_on\n"
        f'{KAREN};"Karen Jensen;3;2021-02-22\n'
        f"{POUL};Poul Hansen;7;2021-02-22\n"
        f"{INGER};Inger Madsen;9;2021-02-22\n"
    )

    items = read(path)

    assert [(row.line, row.cpr) for row in items if isinstance(row, Row)] == [(3, POUL), (4, INGER)]
    assert only_error(items).line == 2


def test_it_keeps_every_row_after_a_quote_that_runs_past_the_csv_field_limit(write):
    good = [f"{dashed(POUL)};Poul Hansen {n};7;2021-02-22;Kirkevej {n}\n" for n in range(3_000)]
    path = write(
        "cpr;name;target_group;invited_on;address\n"
        + f'{KAREN};"Karen Jensen;3;2021-02-22;Skovvej 1\n'
        + "".join(good)
    )
    assert path.stat().st_size > csv.field_size_limit()

    items = read(path)

    assert only_error(items).line == 2
    assert [row.line for row in items[1:]] == list(range(3, 3_003))
    assert items[-1].name == "Poul Hansen 2999"


def tricky_list() -> tuple[bytes, list[tuple[int, str]]]:
    """A list with every hard case, and the (line, name or "error") each record should give."""
    content = [b"\xef\xbb\xbfcpr;name;target_group;invited_on;address\r\n"]
    expected = []
    line = 2
    for n in range(400):
        kind = n % 8
        if kind == 0:
            content.append(
                f'{KAREN};"Jensen; Karen {n}";3;2021-02-22;"Solhøj\nStue {n}"\r\n'.encode()
            )
            expected.append((line, f"Jensen; Karen {n}"))
            line += 2
        elif kind == 1:
            content.append(f"{POUL};Børge {n};7;22.02.2021;Ørstedvej\n".encode("cp1252"))
            expected.append((line, f"Børge {n}"))
            line += 1
        elif kind == 2:
            content.append(f"{POUL};Poul \x81{n};7;2021-02-22;Vej\n".encode("latin-1"))
            expected.append((line, "error"))
            line += 1
        elif kind == 3:
            content.append(b"\n;;;;\r\n")
            line += 2
        elif kind == 4:
            content.append(f"{INGER};Inger {n};9;2021-02-22\n".encode())
            expected.append((line, "error"))  # incomplete
            line += 1
        elif kind == 5:
            content.append(f'{INGER};"Inger {n}\n";9;2021-02-22;"a\n\nb"\n'.encode())
            expected.append((line, f"Inger {n}"))
            line += 4
        else:
            content.append(f"{INGER};Åse {n};9;2021-02-22;Åvej {n}\n".encode())
            expected.append((line, f"Åse {n}"))
            line += 1
    return b"".join(content), expected


@pytest.mark.parametrize("block_bytes", [1 << 20, 4096, 97, 1])
def test_it_numbers_lines_the_same_however_the_file_is_read_in_blocks(
    write, monkeypatch, block_bytes
):
    content, expected = tricky_list()
    monkeypatch.setattr(reader, "_CHUNK_BYTES", block_bytes)

    items = read(write(content))

    assert [
        (item.line, "error" if isinstance(item, RowError) else item.name) for item in items
    ] == (expected)


def test_it_skips_blank_lines_silently(write):
    path = write("\n" + DANISH + "\n" + f"{KAREN};Karen Jensen;3;2021-02-22;101\n" + ";;;;\n\n")

    assert [(row.line, row.cpr) for row in read(path)] == [(4, KAREN)]


def test_it_reports_a_truncated_last_row_as_incomplete(write):
    items = read(write(LIST + f"{INGER};Inger Mad"))

    error = only_error(items)
    assert error.line == 4
    assert error.masked_cpr == f"{INGER[:6]}-XXXX"
    assert error.reason == "The row is incomplete: it has 2 of the 5 columns."


def test_it_ignores_extra_columns_and_names_them(write):
    path = write(
        "CPR;Navn;Målgruppe;Invitationsdato;Plejehjem;Bemærkning\n"
        f"{KAREN};Karen Jensen;3;2021-02-22;Solhøj;ringer selv\n"
    )

    ssi_file = open_ssi_file(path)

    assert ssi_file.extra_columns == ["Plejehjem", "Bemærkning"]
    assert [row.name for row in ssi_file.rows()] == ["Karen Jensen"]


def test_it_reads_the_rows_only_once(write):
    ssi_file = open_ssi_file(write(LIST))
    assert len(list(ssi_file.rows())) == 2

    with pytest.raises(RuntimeError):
        list(ssi_file.rows())


# Fields ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "date"),
    [
        ("2021-03-05", datetime.date(2021, 3, 5)),
        ("05-03-2021", datetime.date(2021, 3, 5)),
        ("05.03.2021", datetime.date(2021, 3, 5)),
        (" 29.02.2024 ", datetime.date(2024, 2, 29)),
    ],
)
def test_it_reads_the_three_date_formats(write, written, date):
    (row,) = read(write(f"cpr;name;target_group;invited_on\n{KAREN};Karen;3;{written}\n"))

    assert row.invited_on == date


@pytest.mark.parametrize(
    ("written", "reason"),
    [
        ("31.02.2021", 'The invitation date "31.02.2021" does not exist.'),
        ("2021-02-29", 'The invitation date "2021-02-29" does not exist.'),
        ("13-13-2021", 'The invitation date "13-13-2021" does not exist.'),
        (
            "5/3/2021",
            'The invitation date "5/3/2021" is not a date written as YYYY-MM-DD, DD-MM-YYYY or '
            "DD.MM.YYYY.",
        ),
        ("", "The invitation date is missing."),
    ],
)
def test_it_reports_a_date_that_is_not_one_naming_it(write, written, reason):
    path = write(f"cpr;name;target_group;invited_on\n{KAREN};Karen;3;{written}\n")

    assert only_error(read(path)) == RowError(2, f"{KAREN[:6]}-XXXX", reason)


def test_it_reads_the_cpr_with_or_without_the_hyphen_keeping_leading_zeros(write):
    path = write(
        "cpr;name;target_group;invited_on\n"
        f"{dashed(KAREN)};Karen;3;2021-02-22\n"
        f"{KAREN};Karen;3;2021-02-22\n"
        f" {KAREN[:6]} {KAREN[6:]} ;Karen;3;2021-02-22\n"
    )

    assert [row.cpr for row in read(path)] == [KAREN, KAREN, KAREN]
    assert KAREN.startswith("0")


@pytest.mark.parametrize(
    ("written", "reason"),
    [
        ("320130-1234", "The CPR number does not contain a valid birth date."),
        ("290201-0123", "The CPR number does not contain a valid birth date."),  # 1901
        ("010130-4123", "The CPR number's birth date is in the future."),  # 2030
        ("010130-123", "The CPR number must be 10 digits."),
        ("0101301234X", "The CPR number must be 10 digits."),
        ("0101AB-1234", "The CPR number must be 10 digits."),
        ("", "The CPR number is missing."),
    ],
)
def test_it_reports_an_invalid_cpr_with_the_validators_reason(write, written, reason):
    path = write(f"cpr;name;target_group;invited_on\n{written};Karen;3;2021-02-22\n")

    error = only_error(read(path))

    assert error.reason == reason
    assert error.masked_cpr == mask_number(written)


@pytest.mark.parametrize("group", ["0", "13", "tre", "2.5", "-3"])
def test_it_reports_a_target_group_outside_1_to_12(write, group):
    path = write(f"cpr;name;target_group;invited_on\n{KAREN};Karen;{group};2021-02-22\n")

    assert only_error(read(path)).reason == (
        f'The target group "{group}" is not a whole number from 1 to 12.'
    )


def test_it_reads_target_groups_1_to_12_with_spaces(write):
    lines = "".join(f"{KAREN};Karen; {group} ;2021-02-22\n" for group in range(1, 13))

    items = read(write("cpr;name;target_group;invited_on\n" + lines))

    assert [row.target_group for row in items] == list(range(1, 13))


def test_it_reports_a_missing_name(write):
    path = write(
        "cpr;fornavn;efternavn;målgruppe;invitationsdato\n"
        f"{KAREN};Karen;;3;2021-02-22\n"
        f"{POUL};;Hansen;7;2021-02-22\n"
        f"{INGER};  ;  ;9;2021-02-22\n"
    )

    items = read(path)

    assert [row.name for row in items if isinstance(row, Row)] == ["Karen", "Hansen"]
    assert only_error(items) == RowError(4, f"{INGER[:6]}-XXXX", "The name is missing.")


def test_it_gives_every_reason_of_a_row_at_once(write):
    path = write(f"cpr;name;target_group;invited_on\n{KAREN};;13;2021-02-30\n")

    assert only_error(read(path)).reason == (
        'The name is missing. The target group "13" is not a whole number from 1 to 12. '
        'The invitation date "2021-02-30" does not exist.'
    )


@pytest.mark.parametrize(
    ("written", "code"), [("0101", "101"), ("101", "101"), ("751", "751"), (" 1 ", "001")]
)
def test_it_normalises_the_municipality_code(write, written, code):
    path = write(
        f"cpr;name;target_group;invited_on;kommunekode\n{KAREN};K;3;2021-02-22;{written}\n"
    )

    assert read(path, require_municipality_code=True)[0].municipality_code == code


@pytest.mark.parametrize(
    ("written", "reason"),
    [
        ("12345", 'The municipality code "12345" is not a number of 1 to 4 digits.'),
        ("K101", 'The municipality code "K101" is not a number of 1 to 4 digits.'),
        ("", "The municipality code is missing."),
    ],
)
def test_it_reports_a_municipality_code_that_is_not_one(write, written, reason):
    path = write(
        f"cpr;name;target_group;invited_on;kommunekode\n{KAREN};K;3;2021-02-22;{written}\n"
    )

    assert only_error(read(path, require_municipality_code=True)).reason == reason


def test_it_leaves_the_code_to_the_import_when_a_municipalitys_own_list_has_none(write):
    path = write(
        "cpr;name;target_group;invited_on;kommunekode\n"
        f"{KAREN};Karen;3;2021-02-22;\n"
        f"{POUL};Poul;7;2021-02-22;9999\n"
    )

    assert [row.municipality_code for row in read(path)] == [None, "9999"]
    assert (
        read(write(f"cpr;name;target_group;invited_on\n{KAREN};K;3;2021-02-22\n"))[
            0
        ].municipality_code
        is None
    )


# Whole files rejected -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "missing"),
    [
        ("navn;målgruppe;invitationsdato", "cpr (cpr-nummer)"),
        ("cpr;målgruppe;invitationsdato", "name (navn) or first_name (fornavn) and last_name"),
        ("cpr;fornavn;målgruppe;invitationsdato", "last_name (efternavn)"),
        ("cpr;navn;invitationsdato", "target_group (målgruppe)"),
        ("cpr;navn;målgruppe", "invited_on (invitationsdato)"),
    ],
)
def test_it_rejects_a_list_missing_a_required_column_naming_it(write, header, missing):
    message = rejection(write(f"{header}\n{KAREN};x;3;2021-02-22\n"))

    assert message.startswith(f"The file has no column for {missing}")
    assert "Expected columns: cpr (cpr-nummer), name (navn) or " in message
    assert "target_group (målgruppe), invited_on (invitationsdato)" in message


def test_it_names_every_missing_column(write):
    message = rejection(write("cpr;navn\n"))

    assert message.startswith(
        "The file has no columns for target_group (målgruppe), invited_on (invitationsdato)."
    )


def test_it_requires_the_municipality_code_in_a_national_list(write):
    path = write(f"cpr;navn;målgruppe;invitationsdato\n{KAREN};Karen;3;2021-02-22\n")

    assert read(path)  # a municipality's own list needs no code
    message = rejection(path, require_municipality_code=True)
    assert message.startswith("The file has no column for municipality_code (kommunekode).")


def test_it_rejects_two_columns_that_mean_the_same(write):
    message = rejection(write("cpr;personnummer;navn;målgruppe;invitationsdato\n"))

    assert (
        message == 'The columns "cpr" and "personnummer" both mean cpr (cpr-nummer); keep only one.'
    )


def test_it_rejects_a_header_with_none_of_the_expected_columns(write):
    message = rejection(write("Borger;Gruppe;Dato\nKaren;3;2021-02-22\n"))

    assert message.startswith(
        'The first row is not the header of an SSI list: none of its columns ("Borger", "Gruppe", '
        '"Dato") is an expected column. Expected columns: cpr (cpr-nummer),'
    )


def test_it_masks_the_cpr_of_a_list_sent_without_its_header(write):
    message = rejection(write(f"{dashed(KAREN)};Karen Jensen;3;2021-02-22\n"))

    assert f'("{KAREN[:6]}-XXXX", "Karen Jensen", "3", "2021-02-22")' in message
    assert KAREN[6:] not in message


@pytest.mark.parametrize("content", [b"", b"\n\r\n  \n", b"\xef\xbb\xbf"])
def test_it_rejects_an_empty_file(write, content):
    assert rejection(write(content)) == "The file is empty."


def test_it_accepts_a_list_with_only_a_header_as_a_week_with_nobody(write):
    ssi_file = open_ssi_file(write(DANISH))

    assert ssi_file.columns == ["cpr", "name", "target_group", "invited_on", "municipality_code"]
    assert list(ssi_file.rows()) == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"cpr;navn\x00;m\x00lgruppe\n",
            "The file is not a CSV or XLSX file: it contains binary data. "
            "Send the list as CSV or XLSX.",
        ),
        (
            random.Random(7).randbytes(20_000),
            "The file is not a CSV or XLSX file: it contains binary data. "
            "Send the list as CSV or XLSX.",
        ),
        (
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\n",
            "The file is a PDF document. Send the list as CSV or XLSX.",
        ),
        (
            "cpr;navn\n".encode("utf-16"),
            "The file is saved as UTF-16 text. Save it as CSV in UTF-8 or as XLSX and try again.",
        ),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500),
            "The file is an old-format (.xls) or password-protected Excel file. Save it as XLSX "
            "without a password, or as CSV, and try again.",
        ),
    ],
)
def test_it_rejects_a_binary_file_that_is_not_a_list(write, content, message):
    assert rejection(write(content)) == message


def test_it_rejects_a_file_over_the_size_cap_before_reading_it(write, settings):
    settings.SSI_MAX_FILE_BYTES = 1024 * 1024
    path = write(b"\x00" * (1024 * 1024 + 1))  # binary too, but the size is checked first

    assert rejection(path) == "The file is 1.1 MB; the largest file accepted is 1 MB."

    settings.SSI_MAX_FILE_BYTES = 512 * 1024
    assert rejection(write(b"cpr;navn\n" * 300_000)) == (  # 2,700,000 bytes
        "The file is 2.6 MB; the largest file accepted is 0.5 MB."
    )


def test_it_accepts_a_file_exactly_at_the_size_cap(write, settings):
    path = write(LIST)
    settings.SSI_MAX_FILE_BYTES = path.stat().st_size

    assert len(read(path)) == 2


# XLSX -----------------------------------------------------------------------------------------


def workbook(path, rows, *, title_rows=0):
    book = Workbook()
    sheet = book.active
    for _ in range(title_rows):
        sheet.append([])
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_it_reads_an_xlsx_with_numeric_cpr_and_date_cells(tmp_path):
    path = workbook(
        tmp_path / "uge9.xlsx",
        [
            ["CPR-nummer", "Navn", "Målgruppe", "Invitationsdato", "Kommunekode", "Postnr"],
            [int(KAREN), "Karen Jensen", 3, datetime.datetime(2021, 2, 22), 101, 2100],
            [dashed(POUL), "Poul Hansen", 7.0, datetime.date(2021, 2, 23), "0101", "2100"],
            [float(INGER), "Inger Madsen", "9", "24.02.2021", 101.0, None],
        ],
        title_rows=2,
    )

    ssi_file = open_ssi_file(path, require_municipality_code=True)

    assert ssi_file.columns[:2] == ["cpr", "name"]
    assert list(ssi_file.rows()) == [
        Row(4, KAREN, "Karen Jensen", 3, datetime.date(2021, 2, 22), "101", "", "2100", "", ""),
        Row(5, POUL, "Poul Hansen", 7, datetime.date(2021, 2, 23), "101", "", "2100", "", ""),
        Row(6, INGER, "Inger Madsen", 9, datetime.date(2021, 2, 24), "101", "", "", "", ""),
    ]
    assert KAREN.startswith("0") and len(str(int(KAREN))) == 9


def test_it_reads_an_xlsx_whatever_its_file_name(tmp_path):
    path = workbook(tmp_path / "upload-7f3a", [["cpr", "navn", "målgruppe", "invitationsdato"]])

    assert read(path) == []


def test_it_reports_bad_xlsx_rows_with_their_sheet_row_numbers(tmp_path):
    path = workbook(
        tmp_path / "list.xlsx",
        [
            ["cpr", "navn", "målgruppe", "invitationsdato"],
            [int(KAREN), "Karen Jensen", 2.5, datetime.datetime(2021, 2, 22)],
            [],
            [12345, "Poul Hansen", 7, 44250],
            [int(INGER), "Inger Madsen", 9, datetime.datetime(2021, 2, 22)],
        ],
    )

    items = read(path)

    assert items[0] == RowError(
        2, f"{KAREN[:6]}-XXXX", 'The target group "2.5" is not a whole number from 1 to 12.'
    )
    assert items[1] == RowError(
        4,
        "XXXXXX-XXXX",
        'The CPR number must be 10 digits. The invitation date "44250" is not a date written '
        "as YYYY-MM-DD, DD-MM-YYYY or DD.MM.YYYY.",
    )
    assert items[2].line == 5 and items[2].cpr == INGER


def test_it_rejects_a_truncated_xlsx(tmp_path):
    path = workbook(tmp_path / "list.xlsx", [["cpr", "navn", "målgruppe", "invitationsdato"]] * 50)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])

    assert rejection(path) == (
        "The XLSX file is damaged or incomplete. Save it again from Excel and resend it."
    )


def test_it_rejects_a_corrupt_xlsx(tmp_path):
    path = workbook(
        tmp_path / "list.xlsx",
        [["cpr", "navn", "målgruppe", "invitationsdato"]]
        + [[int(KAREN), "Karen Jensen", 3, "2021-02-22"]] * 200,
    )
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    content = bytearray(path.read_bytes())
    middle = info.header_offset + 30 + len(info.filename) + info.compress_size // 2
    content[middle] ^= 0xFF
    path.write_bytes(bytes(content))

    assert rejection(path).startswith("The XLSX file is damaged or incomplete.")


def test_it_rejects_an_xlsx_whose_sheet_breaks_off_before_reading_any_row(tmp_path):
    path = workbook(
        tmp_path / "list.xlsx",
        [["cpr", "navn", "målgruppe", "invitationsdato"]]
        + [[int(KAREN), "Karen Jensen", 3, "2021-02-22"]] * 200,
    )
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(broken, "w") as target:
        for member in source.infolist():
            content = source.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                content = content[: len(content) // 2]  # intact archive, unfinished sheet
            target.writestr(member, content)

    assert rejection(broken).startswith("The XLSX file is damaged or incomplete.")


def test_it_rejects_a_zip_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "list.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("list.csv", LIST)

    assert rejection(path).startswith("The XLSX file is damaged or incomplete.")


def test_it_rejects_an_xlsx_without_rows(tmp_path):
    assert rejection(workbook(tmp_path / "list.xlsx", [])) == "The file is empty."


# CPR numbers stay private ---------------------------------------------------------------------

FULL_CPR = re.compile(r"\d{6}\D{0,3}\d{4}")


def test_it_never_shows_a_full_cpr_in_a_row_error(write):
    future = (datetime.date.today() + datetime.timedelta(days=400)).strftime("%d%m%y") + "4321"
    bad_rows = [
        f"{dashed(KAREN)};Karen;13;2021-02-22;101",  # bad group
        f"{KAREN};Karen;3;31.02.2021;101",  # bad date
        f"{KAREN};;3;2021-02-22;101",  # no name
        f"{KAREN};Karen;3;2021-02-22;K101",  # bad code
        f"{KAREN};Karen;{POUL};{INGER};{dashed(KAREN)}",  # numbers in the wrong columns
        f"{KAREN};Karen;{dashed(POUL)};{KAREN[:6]} {KAREN[6:]};12345",
        f"{KAREN}9;Karen;3;2021-02-22;101",  # eleven digits
        f"{KAREN[:6]}-{KAREN[6:]}-1;Karen;3;2021-02-22;101",
        f"32{KAREN[2:]};Karen;3;2021-02-22;101",  # impossible birth date
        f"{future};Karen;3;2021-02-22;101",  # born in the future
        f"{KAREN};Karen",  # incomplete
    ]
    path = write(
        DANISH.encode()
        + "".join(row + "\n" for row in bad_rows).encode()
        + f"{POUL};Poul \x81Hansen;7;2021-02-22;101\n".encode("latin-1")
    )

    errors = read(path, require_municipality_code=True)

    assert len(errors) == len(bad_rows) + 1
    assert all(isinstance(error, RowError) for error in errors)
    for error in errors:
        assert not FULL_CPR.search(error.masked_cpr), error
        assert not FULL_CPR.search(error.reason), error
        assert re.fullmatch(r"(\d{6}|XXXXXX)-XXXX", error.masked_cpr), error


def test_it_never_shows_a_full_cpr_in_the_errors_of_a_badly_spoilt_national_list(tmp_path):
    path = tmp_path / "national.csv"
    counts = write_national_file(path, rows=2_000, seed=8, bad_fraction=0.6)

    errors = [
        item
        for item in open_ssi_file(path, require_municipality_code=True).rows()
        if isinstance(item, RowError)
    ]

    assert len(errors) == counts["bad"] > 600
    for error in errors:
        assert not FULL_CPR.search(error.masked_cpr + " " + error.reason), error


def test_it_masks_cpr_like_values_it_quotes(write):
    path = write(f"cpr;name;target_group;invited_on\n{KAREN};Karen;{dashed(POUL)};{INGER}\n")

    reason = only_error(read(path)).reason

    assert f'"{POUL[:6]}-XXXX"' in reason and f'"{INGER[:6]}XXXX"' in reason
    assert POUL[6:] not in reason and INGER[6:] not in reason


# The fast CPR check is outreach.cpr.validate ---------------------------------------------------


def validator_answer(raw: str) -> tuple[str | None, str]:
    try:
        return validate(raw), ""
    except InvalidCpr as error:
        return None, str(error)


def cpr_edge_cases() -> list[str]:
    today = datetime.date.today()
    cases = []
    for day, month in [("29", "02"), ("28", "02"), ("30", "02"), ("31", "04"), ("00", "01")]:
        for year in ["00", "04", "36", "37", "57", "58", "96", "99"]:
            for century in "0123456789":
                cases.append(f"{day}{month}{year}{century}123")
    for delta in (-1, 0, 1, 366):
        day = today + datetime.timedelta(days=delta)
        for century in "0123456789":
            cases.append(day.strftime("%d%m%y") + century + "000")
    cases += [
        "",
        " ",
        "-",
        "010150123",
        "01015012345",
        "0101501234 ",
        " 010150-1234",
        "010150 1234",
        "01-01-50-1234",
        "0101501-234",
        "010150-123X",
        "O101501234",
        "010150\u20131234",  # an en dash, which stdnum reads as a hyphen
        "".join(chr(0xFF10 + int(digit)) for digit in "0101501234"),  # full-width digits
        "".join(chr(0x0660 + int(digit)) for digit in "0101501234"),  # Arabic-Indic digits
        "0101501234\n",
        "²101501234",
    ]
    return cases


def test_it_checks_a_cpr_exactly_as_outreach_cpr_validate_does():
    rng = random.Random(11)
    cases = cpr_edge_cases()
    for _ in range(20_000):
        number = (
            f"{rng.randrange(0, 34):02d}{rng.randrange(0, 14):02d}{rng.randrange(100):02d}"
            f"{rng.randrange(10)}{rng.randrange(1000):03d}"
        )
        cases.append(number if rng.random() < 0.5 else f"{number[:6]}-{number[6:]}")
    verdicts: dict[str, str] = {}

    for raw in cases:
        expected = validator_answer(raw)
        if not raw.strip():
            # The one difference, on purpose: an empty cell is "missing", not "not 10 digits".
            expected = (None, "The CPR number is missing.")
        assert check_cpr(raw, verdicts) == expected, raw
        assert check_cpr(raw, {}) == expected, raw


def test_it_reads_the_birth_date_as_stdnum_does_for_every_century_digit():
    today = datetime.date.today()
    for year in range(100):
        for century in "0123456789":
            for day, month in [("29", "02"), ("01", "01"), ("31", "12")]:
                number = f"{day}{month}{year:02d}{century}000"
                try:
                    born = stdnum_cpr.get_birth_date(number)
                    expected = "future" if born > today else ""
                except Exception:
                    expected = "invalid"
                verdict = _birth_verdict(number, today)
                got = "future" if "future" in verdict else "invalid" if verdict else ""
                assert got == expected, number


def test_it_reads_a_synthetic_list_in_the_reader_and_the_validator_alike(write):
    rng = random.Random(5)
    numbers = [
        synthetic_cpr(
            rng, datetime.date(1900, 1, 1) + datetime.timedelta(days=rng.randrange(20_000))
        )
        for _ in range(500)
    ]
    path = write(
        "cpr;name;target_group;invited_on\n"
        + "".join(f"{dashed(n)};Borger {i};3;2021-02-22\n" for i, n in enumerate(numbers))
    )

    assert [row.cpr for row in read(path)] == [validate(n) for n in numbers]
