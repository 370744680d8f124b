"""A citizen's access report: every look-up of their data, for their request for insight (GDPR
art. 15), as CSV or PDF, in the language of the request.

It names the organisation and the role that looked, never the person (ADR 0013), and shows the
CPR number masked only.
"""

from __future__ import annotations

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from fpdf import FPDF

from outreach.audit.selectors import EventLine
from outreach.exports import csv_text
from outreach.models import Citizen

# Typography the core fonts cannot encode, in the forms they can.
_PLAIN = str.maketrans(
    {"\u2013": "-", "\u2014": "-", "\u201c": '"', "\u201d": '"', "\u2019": "'", "\u2026": "..."}
)


def _text(value) -> str:
    return str(value).translate(_PLAIN).encode("latin-1", "replace").decode("latin-1")


def _header() -> list[str]:
    return [_("Date and time"), _("Organisation"), _("Role"), _("Action"), _("Purpose")]


def _cells(line: EventLine) -> list[str]:
    event = line.event
    return [
        formats.date_format(timezone.localtime(event.at), "Y-m-d H:i"),
        line.organisation,
        line.roles,
        event.get_action_display(),
        event.purpose,
    ]


def citizen_report_filename(citizen: Citizen, extension: str) -> str:
    return f"access-report-{citizen.pk}-{timezone.localdate():%Y-%m-%d}.{extension}"


def citizen_report_csv(citizen: Citizen, lines: list[EventLine]) -> str:
    return csv_text(_header(), (_cells(line) for line in lines))


def citizen_report_pdf(citizen: Citizen, lines: list[EventLine], *, kept_months: int) -> bytes:
    """A table of the look-ups, newest first, under the citizen's name and masked CPR number."""
    pdf = FPDF(format="A4", orientation="landscape")
    pdf.set_title(_text(_("Access to your personal data")))
    pdf.set_creator("Outreach vaccination")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    width = pdf.epw

    def paragraph(text: str, *, size: int = 10, style: str = "", height: float = 5) -> None:
        pdf.set_font("Helvetica", style=style, size=size)
        pdf.multi_cell(width, height, _text(text), new_x="LMARGIN", new_y="NEXT")

    paragraph(_("Access to your personal data"), size=16, style="B", height=8)
    paragraph(f"{citizen.name} ({citizen.masked_cpr})", size=11, style="B")
    paragraph(
        _(
            "Every look-up of your data in the outreach vaccination system, newest first: when, "
            "by which organisation, in which role, what was done and why. Look-ups are kept for "
            "%(months)d months. Made on %(day)s."
        )
        % {"months": kept_months, "day": formats.date_format(timezone.localdate())}
    )
    pdf.ln(3)
    pdf.set_font("Helvetica", size=9)
    if not lines:
        paragraph(_("No look-ups of your data are recorded."))
        return bytes(pdf.output())
    with pdf.table(col_widths=(14, 28, 18, 18, 22), text_align="LEFT") as table:
        header = table.row()
        for title in _header():
            header.cell(_text(title))
        for line in lines:
            row = table.row()
            for cell in _cells(line):
                row.cell(_text(cell))
    return bytes(pdf.output())
