"""Checks of an SSI list submission shared by the upload page and the API (Django's
ValidationError, which both forms and DRF serializers report as a field error)."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from municipalities.ssi.weeks import parse_week


def check_list_file(upload) -> None:
    if upload.size > settings.SSI_MAX_FILE_BYTES:
        raise ValidationError(
            _("The file is larger than %(mb)s MB.")
            % {"mb": settings.SSI_MAX_FILE_BYTES // (1024 * 1024)}
        )
    if upload.size == 0:
        raise ValidationError(_("The file is empty."))


def list_week(value: str) -> date | None:
    """The Monday of a written ISO week, or None for an empty value (this week)."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        return parse_week(value)
    except ValueError:
        raise ValidationError(_("Write the week as 2021-W10.")) from None
