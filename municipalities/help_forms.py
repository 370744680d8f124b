"""Forms of the public help page, the caseworkers' help-request queue and the lead's page editor.

The public form keeps spam out without a third-party captcha (which would send visitors' data to
a third party and shut out people who cannot solve one):
- a honeypot field people never see and bots fill in (``is_trap_filled``);
- a signed timestamp (``form_token``): a form sent within seconds of being shown, or hours later,
  or with a forged time, was not filled in by a person just now;
- a rate limit per client, in the view (``municipalities.ratelimit``).
"""

from __future__ import annotations

import re
import time

from django import forms
from django.core import signing
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from municipalities.models import HelpRequest
from outreach import cpr

TOKEN_FIELD = "started"  # noqa: S105 (a form field's name)  # nosec B105
TRAP_FIELD = "website"
MIN_SECONDS = 3
MAX_SECONDS = 2 * 60 * 60

_PHONE = re.compile(r"^(?:\+45|0045)?(\d{8})$")


def danish_phone(value: str) -> str:
    """Eight digits, with or without +45 and spaces, as ``12 34 56 78``."""
    compact = re.sub(r"[\s\-.()]", "", value or "")
    found = _PHONE.match(compact)
    if not found:
        raise forms.ValidationError(
            _("Write a Danish phone number with 8 digits, for example 12 34 56 78.")
        )
    digits = found.group(1)
    return " ".join(digits[i : i + 2] for i in range(0, 8, 2))


def _token_salt(code: str) -> str:
    return f"municipalities.help-request-form:{code}"


def form_token(code: str, *, at: float | None = None) -> str:
    """The signed time the form was shown (``at``, seconds since the epoch; now by default)."""
    return signing.dumps(time.time() if at is None else at, salt=_token_salt(code))


def form_token_problem(token: str, code: str) -> str | None:
    """Why a form with ``token`` is not accepted, or None when it was filled in by a person."""
    try:
        shown = float(signing.loads(token or "", salt=_token_salt(code)))
    except (signing.BadSignature, TypeError, ValueError):
        shown = None
    age = time.time() - shown if shown is not None else None
    if age is not None and age > MAX_SECONDS:
        return _(
            "The form was open for more than two hours. Check what you have written and press "
            "“Send request” again."
        )
    if age is None or age < MIN_SECONDS:
        return _(
            "We could not receive the form. Check what you have written and press "
            "“Send request” again."
        )
    return None


class _Radios(forms.RadioSelect):
    """Radio buttons whose error-summary link moves focus to the first option."""

    def id_for_label(self, id_, index="0"):
        return super().id_for_label(id_, index)


def _input(width: str = "", **attrs) -> dict:
    return {"class": f"form-input {width}".strip(), **attrs}


class HelpRequestForm(forms.Form):
    name = forms.CharField(
        label=_lazy("Name of the person who needs help"),
        help_text=_lazy("The person who is to be vaccinated."),
        max_length=200,
        error_messages={"required": _lazy("Write the name of the person who needs help.")},
        widget=forms.TextInput(attrs=_input(autocomplete="off")),
    )
    phone = forms.CharField(
        label=_lazy("Phone number we can call"),
        help_text=_lazy("8 digits, for example 12 34 56 78."),
        max_length=30,
        error_messages={"required": _lazy("Write a phone number we can call.")},
        widget=forms.TextInput(attrs=_input("input-width-s", type="tel", autocomplete="tel")),
    )
    street = forms.CharField(
        label=_lazy("Address (optional)"),
        help_text=_lazy("Street and house number of the person who needs help."),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs=_input(autocomplete="off")),
    )
    postcode = forms.CharField(
        label=_lazy("Postcode (optional)"),
        help_text=_lazy("4 digits, for example 2200."),
        required=False,
        widget=forms.TextInput(attrs=_input("input-width-xs", inputmode="numeric")),
    )
    relation = forms.ChoiceField(
        label=_lazy("Who is filling in this form?"),
        choices=HelpRequest.Relation.choices,
        error_messages={"required": _lazy("Choose who is filling in the form.")},
        widget=_Radios(attrs={"class": "form-radio"}),
    )
    requester_name = forms.CharField(
        label=_lazy("Your name"),
        help_text=_lazy("Only if you are asking on behalf of someone else."),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs=_input(autocomplete="name")),
    )
    cpr_number = forms.CharField(
        label=_lazy("CPR number of the person who needs help (optional)"),
        help_text=_lazy(
            "10 digits, for example DDMMYY-XXXX. It helps us find the person faster. "
            "You may leave it empty."
        ),
        max_length=20,
        required=False,
        widget=forms.TextInput(
            attrs=_input("input-width-s", inputmode="numeric", autocomplete="off")
        ),
    )
    message = forms.CharField(
        label=_lazy("What do you need help with? (optional)"),
        help_text=_lazy("For example help to book a time, or transport to the vaccination."),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"class": "form-input", "rows": 5}),
    )
    # The honeypot: hidden from people (and screen readers) in the template; bots fill it in.
    website = forms.CharField(
        label=_lazy("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args, code: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.code = code

    def is_trap_filled(self) -> bool:
        return bool(self.is_bound and self.data.get(TRAP_FIELD, "").strip())

    def clean_phone(self):
        return danish_phone(self.cleaned_data["phone"])

    def clean_postcode(self):
        postcode = self.cleaned_data["postcode"].strip()
        if postcode and not re.fullmatch(r"\d{4}", postcode):
            raise forms.ValidationError(_("A postcode is 4 digits, for example 2200."))
        return postcode

    def clean_cpr_number(self):
        value = self.cleaned_data["cpr_number"].strip()
        if not value:
            return None
        try:
            return cpr.validate(value)
        except cpr.InvalidCpr as error:
            raise forms.ValidationError(
                _("%(reason)s Check it, or leave the field empty.") % {"reason": error}
            ) from None

    def clean(self):
        cleaned = super().clean()
        relation = cleaned.get("relation")
        asking_for_someone = relation and relation != HelpRequest.Relation.SELF
        if asking_for_someone and not cleaned.get("requester_name", "").strip():
            self.add_error(
                "requester_name", _("Write your own name, so we know who we are talking to.")
            )
        problem = form_token_problem(self.data.get(TOKEN_FIELD, ""), self.code)
        if problem:
            raise forms.ValidationError(problem, code="token")
        return cleaned

    def submission(self) -> dict:
        """The service's arguments (``help_request_submit``)."""
        data = self.cleaned_data
        return {
            "name": data["name"],
            "phone": data["phone"],
            "street": data["street"],
            "postcode": data["postcode"],
            "relation": data["relation"],
            "requester_name": data["requester_name"],
            "message": data["message"],
            "cpr_number": data["cpr_number"],
        }


class HelpRequestHandleForm(forms.Form):
    note = forms.CharField(
        label=_lazy("What was done"),
        help_text=_lazy("For example: called back, booked a time, arranged transport."),
        max_length=2000,
        widget=forms.Textarea(attrs={"class": "form-input", "rows": 3}),
    )


class HelpRequestFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_lazy("Show"),
        required=False,
        choices=[
            (HelpRequest.Status.NEW, _lazy("New requests")),
            (HelpRequest.Status.HANDLED, _lazy("Handled requests")),
            ("all", _lazy("All requests")),
        ],
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def status_or_default(self) -> str:
        if self.is_valid() and self.cleaned_data["status"]:
            return self.cleaned_data["status"]
        return HelpRequest.Status.NEW


class ContactInfoForm(forms.Form):
    phone = forms.CharField(
        label=_lazy("Phone"),
        help_text=_lazy("The outreach team's number, 8 digits."),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs=_input("input-width-s", type="tel")),
    )
    hours = forms.CharField(
        label=_lazy("Opening hours"),
        help_text=_lazy("For example: Monday to Friday 9-15."),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs=_input()),
    )
    email = forms.EmailField(
        label=_lazy("E-mail"),
        required=False,
        widget=forms.EmailInput(attrs=_input()),
    )
    text = forms.CharField(
        label=_lazy("Help text"),
        help_text=_lazy(
            "How citizens and relatives get help with booking and transport. Plain text; "
            "an empty line starts a new paragraph."
        ),
        required=False,
        widget=forms.Textarea(attrs={"class": "form-input", "rows": 10}),
    )

    def clean_phone(self):
        phone = self.cleaned_data["phone"]
        return danish_phone(phone) if phone.strip() else ""
