"""The route list on paper, as a PDF made in pure Python (fpdf2), so that running the product needs
no system packages. The core Helvetica font covers Danish letters (latin-1); CPR numbers are
masked, as on the screen."""

from __future__ import annotations

from datetime import datetime

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from fpdf import FPDF

from vaccinators.models import RouteList, RouteStop

# Typography the core fonts cannot encode, in the forms they can.
_PLAIN = str.maketrans(
    {
        "\u2013": "-",  # en dash
        "\u2014": "-",  # em dash
        "\u201c": '"',
        "\u201d": '"',
        "\u2018": "'",
        "\u2019": "'",
        "\u2026": "...",
    }
)


def _text(value) -> str:
    return str(value).translate(_PLAIN).encode("latin-1", "replace").decode("latin-1")


def _time(moment: datetime) -> str:
    return formats.time_format(timezone.localtime(moment), "H:i")


class _RouteListPdf(FPDF):
    footer_text = ""

    def footer(self):
        self.set_y(-12)
        self.set_font("Helvetica", size=8)
        self.cell(0, 5, _text(self.footer_text), align="L")
        self.cell(0, 5, f"{self.page_no()}/{{nb}}", align="R")


def route_list_pdf(route_list: RouteList, stops: list[RouteStop]) -> bytes:
    """One block per stop in order: arrival, vial, name, masked CPR, address, phone, guardian,
    access notes, flags, and boxes to tick for the outcome."""
    product = route_list.product
    pdf = _RouteListPdf(format="A4")
    pdf.footer_text = _("Confidential: personal data. Destroy the list after the route.")
    pdf.set_title(_text(_("Route list %(day)s") % {"day": route_list.date.isoformat()}))
    pdf.set_creator("Outreach vaccination")
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    width = pdf.epw

    def line(text: str, *, size: int = 10, style: str = "", height: float = 5) -> None:
        pdf.set_font("Helvetica", style=style, size=size)
        pdf.multi_cell(width, height, _text(text), new_x="LMARGIN", new_y="NEXT")

    line(
        _("Route list, %(day)s") % {"day": formats.date_format(route_list.date)},
        size=16,
        style="B",
        height=8,
    )
    line(route_list.vaccinator_organisation.name, size=11, style="B")
    line(
        _("%(product)s: %(vials)d vials of %(doses)d doses. Leaves %(start)s, back %(end)s.")
        % {
            "product": product.name,
            "vials": route_list.vials,
            "doses": product.doses_per_vial,
            "start": _time(route_list.starts_at),
            "end": _time(route_list.ends_at),
        }
    )
    line(
        _(
            "%(stops)d stops. Observe %(minutes)d minutes after each dose, %(allergy)d after an "
            "earlier severe allergic reaction."
        )
        % {
            "stops": len(stops),
            "minutes": product.observation_minutes,
            "allergy": product.observation_minutes_after_allergy,
        }
    )
    pdf.ln(3)

    for stop in stops:
        citizen = stop.citizen
        pdf.set_draw_color(120)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + width, pdf.get_y())
        pdf.ln(2)
        line(
            _("%(n)d. %(time)s  vial %(vial)d  %(name)s (%(cpr)s)")
            % {
                "n": stop.position,
                "time": _time(stop.planned_arrival),
                "vial": stop.vial_number,
                "name": citizen.name,
                "cpr": citizen.masked_cpr,
            },
            size=11,
            style="B",
            height=6,
        )
        address = ", ".join(
            part for part in (citizen.street, f"{citizen.postcode} {citizen.city}".strip()) if part
        )
        line(address or _("Address not known"))
        if citizen.phone:
            line(_("Phone: %(phone)s") % {"phone": citizen.phone})
        if citizen.has_guardian:
            guardian = citizen.guardian_name
            if citizen.guardian_relation:
                guardian += f" ({citizen.guardian_relation})"
            if citizen.guardian_phone:
                guardian += f", {citizen.guardian_phone}"
            line(_("Legal guardian or relative: %(guardian)s") % {"guardian": guardian})
        visitation = stop.referral.visitation
        if visitation.access_notes:
            line(_("Access: %(notes)s") % {"notes": visitation.access_notes})
        flags = []
        if visitation.severe_allergy:
            flags.append(
                _("Earlier severe allergic reaction: observe %(minutes)d minutes.")
                % {"minutes": product.observation_minutes_after_allergy}
            )
        if stop.dose == 2:
            flags.append(
                _("Dose 2, with %(product)s.")
                % {"product": (stop.referral.product or product).name}
            )
        for flag in flags:
            line(flag, style="B")
        if stop.outcome:
            line(_("Outcome: %(outcome)s") % {"outcome": stop.get_outcome_display()}, style="I")
        else:
            line(
                "[  ] "
                + "   [  ] ".join(
                    [
                        _("Vaccinated"),
                        _("Not home"),
                        _("Declined"),
                        _("Contraindicated"),
                        _("Postponed"),
                    ]
                )
            )
            line(_("Time: ________   Batch: ______________"))
        pdf.ln(2)
    return bytes(pdf.output())
