"""The form that plans a route day: a vaccinator's day of home visits."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from outreach.models import VaccinatorOrganisation, VaccineProduct


class RouteDayForm(forms.Form):
    vaccinator_organisation = forms.ModelChoiceField(
        label=gettext_lazy("Vaccinator"),
        queryset=VaccinatorOrganisation.objects.none(),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    date = forms.DateField(
        label=gettext_lazy("Date"),
        widget=forms.DateInput(attrs={"type": "date", "class": "form-input input-width-s"}),
    )
    starts_at = forms.TimeField(
        label=gettext_lazy("From"),
        widget=forms.TimeInput(
            attrs={"type": "time", "class": "form-input input-width-xs"}, format="%H:%M"
        ),
    )
    ends_at = forms.TimeField(
        label=gettext_lazy("Until"),
        widget=forms.TimeInput(
            attrs={"type": "time", "class": "form-input input-width-xs"}, format="%H:%M"
        ),
    )
    product = forms.ModelChoiceField(
        label=gettext_lazy("Vaccine"),
        queryset=VaccineProduct.objects.order_by("name"),
        help_text=gettext_lazy(
            "Only a vaccine the rules allow for home vaccination on the day can be planned."
        ),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, region, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vaccinator_organisation"].queryset = VaccinatorOrganisation.objects.filter(
            region=region
        ).order_by("name")
