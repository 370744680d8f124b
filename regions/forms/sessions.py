"""Forms of pop-up sites and sessions."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outreach.models import Postcode, VaccinatorOrganisation, VaccineProduct
from regions.models import PopupSite

_DATE = {"type": "date", "class": "form-input input-width-s"}
_TIME = {"type": "time", "class": "form-input input-width-xs"}


class PopupSiteForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=200, widget=forms.TextInput(attrs={"class": "form-input"})
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=PopupSite.Kind.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    street = forms.CharField(
        label=_("Street address"),
        max_length=200,
        widget=forms.TextInput(attrs={"class": "form-input"}),
    )
    postcode = forms.CharField(
        label=_("Postcode"),
        max_length=4,
        widget=forms.TextInput(
            attrs={"class": "form-input input-width-xs", "inputmode": "numeric"}
        ),
    )
    available_from = forms.DateField(label=_("Available from"), widget=forms.DateInput(attrs=_DATE))
    available_to = forms.DateField(
        label=_("Available until"),
        required=False,
        help_text=_("The last day; leave empty if open-ended."),
        widget=forms.DateInput(attrs=_DATE),
    )
    access_note = forms.CharField(
        label=_("Access"),
        required=False,
        max_length=1000,
        help_text=_("Entrance, parking, lift: what a driver should know."),
        widget=forms.Textarea(attrs={"class": "form-input", "rows": 2}),
    )

    def clean_postcode(self):
        code = self.cleaned_data["postcode"].strip()
        postcode = Postcode.objects.filter(code=code).first()
        if postcode is None:
            raise forms.ValidationError(_("%(code)s is not a Danish postcode.") % {"code": code})
        return postcode


class PopupSessionForm(forms.Form):
    site = forms.ModelChoiceField(
        label=_("Site"),
        queryset=PopupSite.objects.none(),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs=_DATE))
    starts_at = forms.TimeField(
        label=_("From"), widget=forms.TimeInput(attrs=_TIME, format="%H:%M")
    )
    ends_at = forms.TimeField(label=_("Until"), widget=forms.TimeInput(attrs=_TIME, format="%H:%M"))
    product = forms.ModelChoiceField(
        label=_("Vaccine"),
        queryset=VaccineProduct.objects.all(),
        help_text=_("Only a product the rules in force allow at a pop-up on that day."),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    capacity = forms.IntegerField(
        label=_("Capacity"),
        min_value=1,
        max_value=1000,
        help_text=_("Citizens at most."),
        widget=forms.NumberInput(attrs={"class": "form-input input-width-xs"}),
    )
    slot_minutes = forms.IntegerField(
        label=_("Minutes per time slot"),
        min_value=5,
        max_value=120,
        initial=15,
        widget=forms.NumberInput(attrs={"class": "form-input input-width-xs"}),
    )
    vaccinator_organisation = forms.ModelChoiceField(
        label=_("Vaccinator"),
        required=False,
        queryset=VaccinatorOrganisation.objects.none(),
        help_text=_("The practice or vaccinator running the session; it sees the list."),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, region, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["site"].queryset = (
            PopupSite.objects.filter(region=region)
            .exclude(available_to__lt=today)
            .select_related("postcode")
        )
        self.fields["vaccinator_organisation"].queryset = VaccinatorOrganisation.objects.filter(
            region=region
        )


class SessionBookingForm(forms.Form):
    referral = forms.IntegerField(widget=forms.HiddenInput)
    slot_at = forms.ChoiceField(
        label=_("Time slot"),
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, slots=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot_at"].choices = [
            ("", _("First free slot")),
            *(
                (
                    timezone.localtime(slot.at).isoformat(),
                    _("%(time)s (%(free)d free)")
                    % {"time": f"{timezone.localtime(slot.at):%H:%M}", "free": slot.free},
                )
                for slot in slots
                if slot.free
            ),
        ]
