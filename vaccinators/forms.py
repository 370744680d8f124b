"""The vaccinator's forms: the safety checklist, an outcome, a correction, a vial finished and an
acute adverse reaction. They check input; the services decide."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from outreach.models import AdverseReaction, Outcome
from vaccinators.models import SafetyChecklist

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def _checklist_label(name: str) -> str:
    return capfirst(SafetyChecklist._meta.get_field(name).verbose_name)


class ChecklistForm(forms.Form):
    """Every item must be ticked; the service says which is missing."""

    anaphylaxis_kit = forms.BooleanField(required=False, label=_checklist_label("anaphylaxis_kit"))
    adrenaline = forms.BooleanField(required=False, label=_checklist_label("adrenaline"))
    oxygen_or_emergency_plan = forms.BooleanField(
        required=False, label=_checklist_label("oxygen_or_emergency_plan")
    )
    it_access = forms.BooleanField(required=False, label=_checklist_label("it_access"))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "checklist-%s")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-checkbox"


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    batch = forms.IntegerField(label=_("Batch"), required=False, min_value=1)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class CorrectionForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the outcome wrong?"), max_length=500, widget=forms.Textarea
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].widget.attrs.update({"class": "form-input", "rows": 2})


class VialOpenForm(forms.Form):
    batch = forms.IntegerField(label=_("Batch"), required=False, min_value=1)


class VialFinishForm(forms.Form):
    doses_left = forms.IntegerField(
        label=_("Doses left in the vial"),
        min_value=0,
        max_value=99,
        help_text=_("They are recorded as wasted."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["doses_left"].widget.attrs.update(
            {"class": "form-input input-width-xs", "inputmode": "numeric"}
        )


class AdverseReactionForm(forms.Form):
    onset_at = forms.DateTimeField(
        label=_("Onset"),
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
    )
    symptoms = forms.CharField(label=_("Symptoms"), max_length=2000, widget=forms.Textarea)
    severity = forms.ChoiceField(label=_("Severity"), choices=AdverseReaction.Severity.choices)
    adrenaline_given = forms.BooleanField(label=_("Adrenaline given"), required=False)
    emergency_called = forms.BooleanField(
        label=_("Emergency services called (112)"), required=False
    )
    reported_onward = forms.BooleanField(
        label=_("Reported to the Danish Medicines Agency"), required=False
    )

    CHECKBOXES = ("adrenaline_given", "emergency_called", "reported_onward")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("onset_at", timezone.localtime().replace(second=0))
        self.fields["onset_at"].widget.attrs["class"] = "form-input"
        self.fields["symptoms"].widget.attrs.update({"class": "form-input", "rows": 3})
        self.fields["severity"].widget.attrs["class"] = "form-select"
        for name in self.CHECKBOXES:
            self.fields[name].widget.attrs["class"] = "form-checkbox"

    def checkboxes(self):
        return [self[name] for name in self.CHECKBOXES]
