"""The auditor's forms: a citizen by CPR number (a POST) and a period of days (a query string)."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outreach.forms import DATE_HELP, CprField, _date_input

# The anomaly report's period when none is chosen: the last 7 days, today included.
DEFAULT_REPORT_DAYS = 7


class CitizenSearchForm(forms.Form):
    cpr = CprField(label=_("CPR number"), help_text=_("10 digits, with or without a hyphen."))


class PeriodForm(forms.Form):
    """From and to (local days, both included); either may be left empty."""

    first = forms.DateField(
        label=_("From"),
        required=False,
        help_text=DATE_HELP,
        widget=_date_input(),
        error_messages={"invalid": _("Enter the day as a date, for example 2021-03-12.")},
    )
    last = forms.DateField(
        label=_("To"),
        required=False,
        help_text=DATE_HELP,
        widget=_date_input(),
        error_messages={"invalid": _("Enter the day as a date, for example 2021-03-12.")},
    )

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("first"), cleaned.get("last")
        if first and last and last < first:
            self.add_error("last", _("The last day cannot be before the first."))
        return cleaned


def report_period(form: PeriodForm) -> tuple[datetime.date, datetime.date]:
    """The anomaly report's period from a valid form: the last 7 days unless chosen."""
    today = timezone.localdate()
    last = form.cleaned_data.get("last") or today
    first = form.cleaned_data.get("first") or last - datetime.timedelta(
        days=DEFAULT_REPORT_DAYS - 1
    )
    return first, last
