from django import forms
from django.utils.translation import gettext_lazy as _

from municipalities.models import ContactAttempt, ContactTask, Visitation
from municipalities.selectors import dashboard as dashboard_selectors
from municipalities.selectors.worklist import WorklistFilter
from municipalities.ssi.weeks import parse_week, week_label
from municipalities.validators import check_list_file, list_week
from outreach.forms import CprField
from outreach.models import Citizen


class SsiListUploadForm(forms.Form):
    file = forms.FileField(
        label=_("SSI list file"),
        help_text=_("CSV (semicolon, comma or tab separated) or XLSX, as received from SSI."),
    )
    week = forms.CharField(
        label=_("List week"),
        required=False,
        help_text=_("The week the list is for, e.g. 2021-W10. Leave empty for this week."),
        widget=forms.TextInput(attrs={"type": "week"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["class"] = "form-file-input"
        self.fields["week"].widget.attrs["class"] = "form-input input-width-s"

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_list_file(upload)
        return upload

    def clean_week(self):
        return list_week(self.cleaned_data["week"])


class WorklistFilterForm(forms.Form):
    """The worklist's filters, read from the query string (no personal data: the name search is
    a few letters, the CPR search is a separate POST form)."""

    STAGES = [
        ("todo", _("To do")),
        *[(value, label) for value, label in ContactTask.Stage.choices if value != "closed"],
        ("open", _("All open")),
        ("closed", _("Closed")),
    ]
    stage = forms.ChoiceField(label=_("Status"), choices=STAGES, required=False)
    target_group = forms.TypedChoiceField(
        label=_("Target group"), coerce=int, empty_value=None, required=False
    )
    age_band = forms.ChoiceField(
        label=_("Age"),
        required=False,
        choices=[
            ("", _("All ages")),
            ("under-65", _("Under 65")),
            ("65-74", _("65-74")),
            ("75-84", _("75-84")),
            ("85-plus", _("85 and over")),
        ],
    )
    assignee = forms.ChoiceField(label=_("Assigned to"), required=False)
    call_later = forms.ChoiceField(
        label=_("Call later"),
        required=False,
        choices=[
            ("", _("Hide those not due yet")),
            ("due", _("Only call-backs now due")),
            ("waiting", _("Only call-backs not due yet")),
        ],
    )
    overdue = forms.BooleanField(label=_("Only overdue"), required=False)
    name = forms.CharField(label=_("Name"), max_length=100, required=False, strip=True)

    def __init__(self, *args, colleagues=(), target_groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [
            ("", _("Anyone")),
            ("me", _("Me")),
            ("none", _("Nobody")),
            *[(str(user.pk), user.get_full_name() or user.username) for user in colleagues],
        ]
        self.fields["target_group"].choices = [("", _("All groups"))] + [
            (group, _("Group %(number)s") % {"number": group}) for group in target_groups
        ]
        for name, field in self.fields.items():
            css = "form-checkbox" if name == "overdue" else "form-select"
            if name == "name":
                css = "form-input"
            field.widget.attrs.setdefault("class", css)

    def filter(self) -> WorklistFilter:
        data = self.cleaned_data if self.is_valid() else {}
        return WorklistFilter(
            stage=data.get("stage") or "todo",
            target_group=data.get("target_group"),
            age_band=data.get("age_band") or "",
            overdue=bool(data.get("overdue")),
            assignee=data.get("assignee") or "",
            call_later=data.get("call_later") or "",
            name=data.get("name") or "",
        )


class CprSearchForm(forms.Form):
    cpr = CprField(label=_("CPR number"), help_text=_("10 digits, with or without a hyphen."))


class CallLaterForm(forms.Form):
    at = forms.DateTimeField(
        label=_("Call again at"),
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local", "class": "form-input input-width-m"},
            format="%Y-%m-%dT%H:%M",
        ),
    )


class AssignForm(forms.Form):
    assignee = forms.ChoiceField(label=_("Assign to"), required=False)

    def __init__(self, *args, colleagues=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.colleagues = {str(user.pk): user for user in colleagues}
        self.fields["assignee"].choices = [("", _("Nobody (the shared list)"))] + [
            (pk, user.get_full_name() or user.username) for pk, user in self.colleagues.items()
        ]
        self.fields["assignee"].widget.attrs["class"] = "form-select"

    def clean_assignee(self):
        return self.colleagues.get(self.cleaned_data["assignee"])


class AttemptForm(forms.ModelForm):
    class Meta:
        model = ContactAttempt
        fields = ["channel", "reached", "answered_by", "note", "made_at"]
        widgets = {
            "channel": forms.Select(attrs={"class": "form-select"}),
            "answered_by": forms.Select(attrs={"class": "form-select"}),
            "note": forms.Textarea(attrs={"class": "form-input", "rows": 3}),
            "made_at": forms.DateTimeInput(
                attrs={"type": "datetime-local", "class": "form-input input-width-m"},
                format="%Y-%m-%dT%H:%M",
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reached"] = forms.TypedChoiceField(
            label=_("Did you reach anyone?"),
            choices=[("0", _("No")), ("1", _("Yes"))],
            coerce=lambda value: value == "1",
            widget=forms.RadioSelect,
        )
        self.fields["made_at"].required = False
        self.fields["made_at"].help_text = _("Leave empty for now.")

    def clean(self):
        data = super().clean()
        if data.get("reached") and not data.get("answered_by"):
            self.add_error("answered_by", _("Say who answered."))
        return data


class ContactDetailsForm(forms.ModelForm):
    class Meta:
        model = Citizen
        fields = ["phone", "guardian_name", "guardian_phone", "guardian_relation"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-input"
        self.fields["phone"].widget.attrs["autocomplete"] = "off"


class VisitationForm(forms.ModelForm):
    class Meta:
        model = Visitation
        fields = [
            "wants_vaccination",
            "mobility",
            "decision",
            "justification",
            "booking_site",
            "booking_at",
            "not_relevant_reason",
            "guardian_informed_at",
            "guardian_informed_how",
            "guardian_informed_by",
            "severe_allergy",
            "access_notes",
            "note",
        ]
        widgets = {
            "booking_at": forms.DateTimeInput(
                attrs={"type": "datetime-local", "class": "form-input input-width-m"},
                format="%Y-%m-%dT%H:%M",
            ),
            "guardian_informed_at": forms.DateTimeInput(
                attrs={"type": "datetime-local", "class": "form-input input-width-m"},
                format="%Y-%m-%dT%H:%M",
            ),
            "justification": forms.Textarea(attrs={"class": "form-input", "rows": 3}),
            "access_notes": forms.Textarea(attrs={"class": "form-input", "rows": 3}),
            "note": forms.Textarea(attrs={"class": "form-input", "rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["wants_vaccination"] = forms.TypedChoiceField(
            label=_("Does the citizen want to be vaccinated?"),
            choices=[("", _("Not asked yet")), ("1", _("Yes")), ("0", _("No"))],
            coerce=lambda value: value == "1",
            empty_value=None,
            required=False,
        )
        self.fields["mobility"].choices = [("", _("Not assessed")), *Visitation.Mobility.choices]
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-checkbox")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-input")


class DashboardFilterForm(forms.Form):
    """The dashboard's filters, from the query string: a range of listing weeks and a group."""

    week_from = forms.ChoiceField(label=_("From week"), required=False)
    week_to = forms.ChoiceField(label=_("To week"), required=False)
    target_group = forms.TypedChoiceField(
        label=_("Target group"), coerce=int, empty_value=None, required=False
    )

    def __init__(self, *args, weeks=(), target_groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(week_label(week), week_label(week)) for week in sorted(weeks)]
        self.fields["week_from"].choices = [("", _("Earliest")), *choices]
        self.fields["week_to"].choices = [("", _("Latest")), *choices]
        self.fields["target_group"].choices = [
            ("", _("All groups")),
            *[(group.number, f"{group.number}: {group.name}") for group in target_groups],
        ]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"

    def clean(self):
        data = super().clean()
        first, last = data.get("week_from"), data.get("week_to")
        if first and last and first > last:
            self.add_error("week_to", _("Choose a week on or after the first week."))
        return data

    def filter(self, weeks) -> dashboard_selectors.DashboardFilter:
        """What to show: the chosen weeks, or the last weeks that have data when none is chosen."""
        data = self.cleaned_data if self.is_valid() else {}
        if not (data.get("week_from") or data.get("week_to")):
            first, last = dashboard_selectors.default_week_range(weeks)
        else:
            first = parse_week(data["week_from"]) if data.get("week_from") else None
            last = parse_week(data["week_to"]) if data.get("week_to") else None
        return dashboard_selectors.DashboardFilter(
            week_from=first, week_to=last, target_group=data.get("target_group")
        )
