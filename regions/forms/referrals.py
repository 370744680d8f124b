"""Forms of the referral inbox: its filter and the return of a referral with a comment."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from municipalities.models import Referral

STATUS_WAITING = "waiting"


class ReferralFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            (Referral.Status.REQUESTED, _("New referrals")),
            (Referral.Status.ACCEPTED, _("Accepted, waiting for a time")),
            (Referral.Status.SCHEDULED, _("Scheduled")),
            (Referral.Status.RETURNED, _("Returned")),
            (Referral.Status.DONE, _("Done")),
        ],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    pathway = forms.ChoiceField(
        label=_("Pathway"),
        required=False,
        choices=[("", _("Both")), *Referral.Pathway.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    municipality = forms.ChoiceField(
        label=_("Municipality"),
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    waiting_days = forms.IntegerField(
        label=_("Waiting at least (days)"),
        required=False,
        min_value=0,
        max_value=365,
        widget=forms.NumberInput(attrs={"class": "form-input input-width-xs"}),
    )

    def __init__(self, *args, municipalities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].choices = [
            ("", _("All")),
            *((m.code, m.name) for m in municipalities),
        ]

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "status": data.get("status") or Referral.Status.REQUESTED,
            "pathway": data.get("pathway") or "",
            "municipality_code": data.get("municipality") or "",
            "waiting_days": data.get("waiting_days"),
        }


class ReferralReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("Why is the referral returned?"),
        help_text=_("The municipality's caseworker sees this comment on the case."),
        max_length=1000,
        widget=forms.Textarea(attrs={"class": "form-input", "rows": 3}),
    )
