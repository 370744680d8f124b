"""Vial arithmetic: how many vials a number of doses opens, and what the last vial wastes.

An opened vial must be used within hours, so every dose left in the last vial of a session or a
route is wasted unless more citizens are booked to fill it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


@dataclass(frozen=True)
class VialArithmetic:
    booked: int
    doses_per_vial: int

    @property
    def vials(self) -> int:
        return -(-self.booked // self.doses_per_vial)

    @property
    def doses(self) -> int:
        return self.vials * self.doses_per_vial

    @property
    def wasted(self) -> int:
        """Doses left in the last opened vial: as many more citizens would use it up."""
        return self.doses - self.booked

    def __str__(self) -> str:
        if self.booked == 0:
            return _("Nobody booked: no vial opened.")
        vials = ngettext(
            "%(booked)d booked = %(vials)d vial", "%(booked)d booked = %(vials)d vials", self.vials
        ) % {
            "booked": self.booked,
            "vials": self.vials,
        }
        if self.wasted == 0:
            return _("%(vials)s, no dose wasted.") % {"vials": vials}
        wasted = ngettext(
            "%(wasted)d dose would be wasted",
            "%(wasted)d doses would be wasted",
            self.wasted,
        ) % {"wasted": self.wasted}
        return f"{vials}, {wasted}."

    @property
    def fill_hint(self) -> str:
        if self.wasted == 0:
            return ""
        return ngettext(
            "%(n)d more citizen would fill the last vial.",
            "%(n)d more citizens would fill the last vial.",
            self.wasted,
        ) % {"n": self.wasted}


def vials_and_doses(doses: int, doses_per_vial: int) -> str:
    """Doses of a vaccine as a person counts them: whole vials with their doses, and the doses
    left in an opened vial, e.g. "12 vials (72 doses)" or "1 vial (6 doses) and 3 doses from an
    opened vial"."""
    if doses == 0:
        return _("no vials")
    vials, rest = divmod(doses, doses_per_vial)
    whole = ngettext(
        "%(vials)d vial (%(doses)d doses)", "%(vials)d vials (%(doses)d doses)", vials
    ) % {"vials": vials, "doses": vials * doses_per_vial}
    if not rest:
        return whole
    opened = ngettext(
        "%(rest)d dose from an opened vial", "%(rest)d doses from an opened vial", rest
    ) % {"rest": rest}
    if not vials:
        return opened
    return _("%(whole)s and %(opened)s") % {"whole": whole, "opened": opened}
