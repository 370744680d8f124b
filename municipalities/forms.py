from django import forms
from django.utils.translation import gettext_lazy as _

from municipalities.validators import check_list_file, list_week


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
