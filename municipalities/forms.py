from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from municipalities.ssi.weeks import parse_week


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
        if upload.size > settings.SSI_MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB.")
                % {"mb": settings.SSI_MAX_FILE_BYTES // (1024 * 1024)}
            )
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."))
        return upload

    def clean_week(self):
        value = self.cleaned_data["week"].strip()
        if not value:
            return None
        try:
            return parse_week(value)
        except ValueError:
            raise forms.ValidationError(_("Write the week as 2021-W10.")) from None
