"""Forms of the transport list: its filter and the details of one ride."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from municipalities.models import TransportBooking
from municipalities.selectors.transport import STATUS_ALL


class TransportFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            (TransportBooking.Status.TO_ARRANGE, _("Rides to arrange")),
            (TransportBooking.Status.BOOKED, _("Booked rides")),
            (TransportBooking.Status.CANCELLED, _("Cancelled rides")),
            (STATUS_ALL, _("All rides")),
        ],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    date = forms.DateField(
        label=_("Pickup date"),
        help_text=_("Leave empty to see every day."),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-input input-width-s"}),
    )

    def filters(self) -> dict:
        """The selector's arguments: the default list (rides to arrange) when nothing is valid."""
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "status": data.get("status") or TransportBooking.Status.TO_ARRANGE,
            "day": data.get("date"),
        }


class TransportBookingForm(forms.Form):
    class Action:
        SAVE = "save"
        BOOK = "book"
        CANCEL = "cancel"

    destination = forms.CharField(
        label=_("Destination"),
        help_text=_("The vaccination site or pop-up session's address."),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-input"}),
    )
    pickup_at = forms.DateTimeField(
        label=_("Pickup time"),
        required=False,
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local", "class": "form-input input-width-m"},
            format="%Y-%m-%dT%H:%M",
        ),
    )
    note = forms.CharField(
        label=_("Note for the driver"),
        help_text=_("For example: walker, needs help down the stairs. No CPR number."),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"class": "form-input", "rows": 2}),
    )
    action = forms.ChoiceField(
        choices=[(a, a) for a in (Action.SAVE, Action.BOOK, Action.CANCEL)],
        required=False,
    )

    def chosen_action(self) -> str:
        """Which button was pressed; Enter in a field sends the form as "save"."""
        return self.cleaned_data.get("action") or self.Action.SAVE
