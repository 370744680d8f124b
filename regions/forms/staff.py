"""Forms of staffing: a person the region can call on, and putting a person on a pop-up session or
a route day."""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from outreach.models import VaccinatorOrganisation
from regions.models import PopupSession, RouteDay, StaffMember

TIME = forms.TimeInput(attrs={"type": "time", "class": "form-input input-width-xs"}, format="%H:%M")


def place_key(place: PopupSession | RouteDay) -> str:
    kind = "session" if isinstance(place, PopupSession) else "route_day"
    return f"{kind}:{place.pk}"


def place_label(place: PopupSession | RouteDay) -> str:
    """A session or route day as a coordinator recognises it in a list."""
    when = "{day} {start}\u2013{end}".format(
        day=date_format(place.date, "SHORT_DATE_FORMAT"),
        start=place.starts_at.strftime("%H:%M"),
        end=place.ends_at.strftime("%H:%M"),
    )
    if isinstance(place, PopupSession):
        return _("Pop-up session at %(site)s, %(when)s") % {"site": place.site.name, "when": when}
    return _("Home visits by %(vaccinator)s, %(when)s") % {
        "vaccinator": place.vaccinator_organisation.name,
        "when": when,
    }


class StaffMemberForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=200,
        widget=forms.TextInput(attrs={"class": "form-input", "autocomplete": "off"}),
    )
    role = forms.ChoiceField(
        label=gettext_lazy("Role"),
        choices=StaffMember.Role.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Organisation"),
        queryset=VaccinatorOrganisation.objects.none(),
        required=False,
        empty_label=gettext_lazy("The region's own staff"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    phone = forms.CharField(
        label=gettext_lazy("Phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(
            attrs={"class": "form-input input-width-s", "type": "tel", "autocomplete": "off"}
        ),
    )

    def __init__(self, *args, region, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = VaccinatorOrganisation.objects.filter(
            region=region
        ).order_by("name")


class StaffAssignForm(forms.Form):
    """Put a person on a session or route day of the region, by default for its whole hours.
    With ``fixed`` the place is given (the form on a session's or route day's own page)."""

    staff = forms.ModelChoiceField(
        label=gettext_lazy("Person"),
        queryset=StaffMember.objects.none(),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    place = forms.ChoiceField(
        label=gettext_lazy("Session or route day"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    role = forms.ChoiceField(
        label=gettext_lazy("Role"),
        required=False,
        choices=[("", gettext_lazy("The person's own role")), *StaffMember.Role.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    starts_at = forms.TimeField(
        label=gettext_lazy("From"),
        required=False,
        help_text=gettext_lazy("Empty: when the session or day starts."),
        widget=TIME,
    )
    ends_at = forms.TimeField(
        label=gettext_lazy("Until"),
        required=False,
        help_text=gettext_lazy("Empty: when it ends."),
        widget=TIME,
    )

    def __init__(
        self,
        *args,
        staff,
        sessions: list[PopupSession],
        route_days: list[RouteDay],
        fixed: PopupSession | RouteDay | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = staff
        field = self.fields["place"]
        if fixed is not None:
            self._places = {place_key(fixed): fixed}
            field.widget = forms.HiddenInput()
            field.initial = place_key(fixed)
            field.choices = [(place_key(fixed), place_label(fixed))]
            return
        self._places = {place_key(place): place for place in (*sessions, *route_days)}
        field.choices = [
            ("", _("Choose a session or route day")),
            (_("Pop-up sessions"), [(place_key(s), place_label(s)) for s in sessions]),
            (_("Route days"), [(place_key(d), place_label(d)) for d in route_days]),
        ]

    def clean_place(self) -> PopupSession | RouteDay:
        return self._places[self.cleaned_data["place"]]

    def times(self) -> tuple[datetime | None, datetime | None]:
        """The chosen hours as moments on the place's day (None: the place's own hours)."""
        place = self.cleaned_data["place"]
        zone = timezone.get_current_timezone()
        return tuple(
            datetime.combine(place.date, self.cleaned_data[name], tzinfo=zone)
            if self.cleaned_data.get(name)
            else None
            for name in ("starts_at", "ends_at")
        )
