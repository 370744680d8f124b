"""The home-visit pool's filter: which day, and which vaccine."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outreach.models import VaccineProduct


class PoolFilterForm(forms.Form):
    day = forms.DateField(
        label=_("Day"),
        required=False,
        help_text=_("The rules in force that day decide which vaccine each citizen may have."),
        widget=forms.DateInput(attrs={"type": "date", "class": "form-input input-width-s"}),
    )
    product = forms.ModelChoiceField(
        label=_("Vaccine"),
        required=False,
        empty_label=_("Any vaccine"),
        queryset=VaccineProduct.objects.order_by("name"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "day": data.get("day") or timezone.localdate(),
            "product": data.get("product"),
        }
