from datetime import date

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outreach import cpr


class Citizen(models.Model):
    """A person SSI invited who has not booked, as the municipalities come to know them.

    The CPR number is never stored in the clear: ``cpr_encrypted`` holds it under authenticated
    encryption and ``cpr_hash`` (a keyed hash) finds the citizen again; birth date and sex are
    derived from it once and kept apart, so lists never need to decrypt. ``masked_cpr`` is what
    every page shows.
    """

    class Sex(models.TextChoices):
        FEMALE = "F", _("Female")
        MALE = "M", _("Male")

    cpr_hash = models.CharField(max_length=64, unique=True, editable=False)
    cpr_encrypted = models.BinaryField(editable=False)
    birth_date = models.DateField(_("birth date"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex)
    name = models.CharField(_("name"), max_length=200)
    municipality = models.ForeignKey(
        "outreach.Municipality", on_delete=models.PROTECT, related_name="citizens"
    )
    street = models.CharField(_("street address"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=4, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    target_group = models.ForeignKey(
        "outreach.TargetGroup",
        to_field="number",
        on_delete=models.PROTECT,
        related_name="citizens",
        db_column="target_group",
    )
    invited_on = models.DateField(_("invited on"))
    guardian_name = models.CharField(
        _("legal guardian"),
        max_length=200,
        blank=True,
        db_default="",
        help_text=_("A guardian appointed under the Guardianship Act."),
    )
    guardian_phone = models.CharField(
        _("guardian's phone"), max_length=30, blank=True, db_default=""
    )
    guardian_relation = models.CharField(
        _("guardian's relation to the citizen"), max_length=100, blank=True, db_default=""
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("citizen")
        verbose_name_plural = _("citizens")
        indexes = [models.Index(fields=["municipality", "name"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.masked_cpr})"

    @property
    def has_guardian(self) -> bool:
        return bool(self.guardian_name)

    @property
    def age(self) -> int:
        return age_on(self.birth_date, timezone.localdate())

    @property
    def masked_cpr(self) -> str:
        return cpr.mask(self.birth_date)


def age_on(birth_date: date, day: date) -> int:
    """Whole years between ``birth_date`` and ``day``."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))
