"""Forms of the kernel's pages: the vaccine rules page's day, a new rule and a rule's end; the
CPR field every CPR search uses; the code of a second factor."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outreach import cpr
from outreach.models import TargetGroup, VaccineProduct, VaccineRule

DATE_HELP = _("For example 2021-03-12.")


def _date_input(width: str = "input-width-s") -> forms.DateInput:
    return forms.DateInput(
        attrs={"type": "date", "class": f"form-input {width}"}, format="%Y-%m-%d"
    )


class RulesDayForm(forms.Form):
    on = forms.DateField(
        label=_("Show the rules in force on"),
        help_text=DATE_HELP,
        required=False,
        widget=_date_input(),
        error_messages={"invalid": _("Enter the day as a date, for example 2021-03-12.")},
    )

    def day(self) -> date:
        """The chosen day; today when none is chosen or it cannot be read."""
        if self.is_bound and self.is_valid() and self.cleaned_data["on"]:
            return self.cleaned_data["on"]
        return timezone.localdate()


class VaccineRuleForm(forms.Form):
    """A new dated rule. The field names are the arguments of ``vaccine_rule_create``."""

    product = forms.ModelChoiceField(
        label=_("Vaccine"),
        queryset=VaccineProduct.objects.all(),
        empty_label=_("Choose a vaccine"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    pathway = forms.ChoiceField(
        label=_("Pathway"),
        choices=[("", _("Choose a pathway")), *VaccineRule.Pathway.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    target_group = forms.ModelChoiceField(
        label=_("Target group"),
        queryset=TargetGroup.objects.all(),
        to_field_name="number",
        required=False,
        empty_label=_("All target groups"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    allowed = forms.TypedChoiceField(
        label=_("Allowed or not"),
        help_text=_("A ban in force wins over every permission for the same vaccine and pathway."),
        choices=[("", _("Choose")), ("yes", _("Allowed")), ("no", _("Not allowed"))],
        coerce=lambda value: value == "yes",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    valid_from = forms.DateField(
        label=_("In force from"), help_text=DATE_HELP, widget=_date_input()
    )
    valid_to = forms.DateField(
        label=_("Last day in force"),
        help_text=_("Leave empty when the rule has no end yet."),
        required=False,
        widget=_date_input(),
    )
    source = forms.CharField(
        label=_("Source"),
        help_text=_("The guideline or decision behind the rule, with its date."),
        max_length=2000,
        widget=forms.Textarea(attrs={"class": "form-input", "rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"valid_from": timezone.localdate()})
        super().__init__(*args, **kwargs)


class VaccineRuleEndForm(forms.Form):
    valid_to = forms.DateField(
        label=_("Last day in force"),
        help_text=_("The rule no longer applies from the day after."),
        widget=_date_input(),
    )


class CprField(forms.CharField):
    """A CPR number typed by a person: validated, returned as ten digits, never echoed back."""

    widget = forms.TextInput(
        attrs={"class": "form-input input-width-s", "autocomplete": "off", "inputmode": "numeric"}
    )

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return value
        try:
            return cpr.validate(value)
        except cpr.InvalidCpr as error:
            raise forms.ValidationError(str(error)) from None


class CodeForm(forms.Form):
    """A code from the authenticator app, or (where offered) a recovery code."""

    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        error_messages={"required": _("Enter the code.")},
        widget=forms.TextInput(
            attrs={
                "class": "form-input input-width-s",
                "autocomplete": "one-time-code",
                "autocapitalize": "none",
                "spellcheck": "false",
            }
        ),
    )

    def __init__(self, *args, help_text: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = help_text
