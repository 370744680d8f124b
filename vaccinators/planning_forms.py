"""The coordinator's planning forms: a run (the day, the vaccine, the vaccinators working and their
hours) and moving a stop during the review."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from django import forms
from django.utils.translation import gettext_lazy as _

from outreach.models import VaccinatorOrganisation, VaccineProduct
from regions.models import RouteDay

DEFAULT_FROM = time(8, 0)
DEFAULT_UNTIL = time(15, 0)


def _time_input():
    return forms.TimeInput(
        attrs={"type": "time", "class": "form-input input-width-xs"}, format="%H:%M"
    )


@dataclass
class VaccinatorRow:
    """One vaccinator's part of the form: included or not, and the hours."""

    organisation: VaccinatorOrganisation
    route_day: RouteDay | None
    include: forms.BoundField
    starts_at: forms.BoundField
    ends_at: forms.BoundField


class PlanningRunForm(forms.Form):
    """A planning run. Each of the region's vaccinators has a checkbox and hours; those with a
    route day on the chosen day start ticked, with that day's hours."""

    date = forms.DateField(
        label=_("Day"),
        widget=forms.DateInput(attrs={"type": "date", "class": "form-input input-width-s"}),
    )
    product = forms.ModelChoiceField(
        label=_("Vaccine"),
        queryset=VaccineProduct.objects.order_by("name"),
        help_text=_("Only a vaccine the rules allow for home vaccination on the day can be used."),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, region, day: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisations = list(
            VaccinatorOrganisation.objects.filter(region=region)
            .select_related("postcode")
            .order_by("name")
        )
        self.route_days = {
            route_day.vaccinator_organisation_id: route_day
            for route_day in RouteDay.objects.filter(
                region=region, date=day, cancelled_at__isnull=True
            ).select_related("product")
        }
        self.fields["date"].initial = day
        for organisation in self.organisations:
            route_day = self.route_days.get(organisation.pk)
            if route_day is not None and not self.is_bound:
                self.fields["product"].initial = route_day.product_id
            prefix = f"v{organisation.pk}"
            self.fields[f"{prefix}_include"] = forms.BooleanField(
                label=_("Plan %(name)s") % {"name": organisation.name},
                required=False,
                initial=route_day is not None,
                widget=forms.CheckboxInput(attrs={"class": "form-checkbox"}),
            )
            self.fields[f"{prefix}_starts_at"] = forms.TimeField(
                label=_("From"),
                required=False,
                initial=route_day.starts_at if route_day else DEFAULT_FROM,
                widget=_time_input(),
            )
            self.fields[f"{prefix}_ends_at"] = forms.TimeField(
                label=_("Until"),
                required=False,
                initial=route_day.ends_at if route_day else DEFAULT_UNTIL,
                widget=_time_input(),
            )

    def rows(self) -> list[VaccinatorRow]:
        return [
            VaccinatorRow(
                organisation=organisation,
                route_day=self.route_days.get(organisation.pk),
                include=self[f"v{organisation.pk}_include"],
                starts_at=self[f"v{organisation.pk}_starts_at"],
                ends_at=self[f"v{organisation.pk}_ends_at"],
            )
            for organisation in self.organisations
        ]

    def clean(self):
        data = super().clean()
        chosen = 0
        for organisation in self.organisations:
            prefix = f"v{organisation.pk}"
            if not data.get(f"{prefix}_include"):
                continue
            chosen += 1
            starts_at, ends_at = data.get(f"{prefix}_starts_at"), data.get(f"{prefix}_ends_at")
            if starts_at is None:
                self.add_error(f"{prefix}_starts_at", _("Enter when the day starts."))
            if ends_at is None:
                self.add_error(f"{prefix}_ends_at", _("Enter when the day ends."))
            if starts_at and ends_at and ends_at <= starts_at:
                self.add_error(f"{prefix}_ends_at", _("The day must end after it starts."))
        if not chosen:
            raise forms.ValidationError(_("Choose at least one vaccinator."))
        return data

    def vaccinators(self) -> list[tuple[VaccinatorOrganisation, time, time]]:
        data = self.cleaned_data
        return [
            (
                organisation,
                data[f"v{organisation.pk}_starts_at"],
                data[f"v{organisation.pk}_ends_at"],
            )
            for organisation in self.organisations
            if data.get(f"v{organisation.pk}_include")
        ]
