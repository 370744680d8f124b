"""Vaccinations given and the acute reactions to them: the kernel's record, which every actor reads
(a municipality sees its citizens' outcomes here, not in the vaccinator's route lists)."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    """What came of a planned vaccination: at a home visit or a pop-up session alike."""

    VACCINATED = "vaccinated", _("Vaccinated")
    NOT_HOME = "not_home", _("Not home / did not come")
    DECLINED = "declined", _("Declined")
    CONTRAINDICATED = "contraindicated", _("Contraindicated")
    POSTPONED = "postponed", _("Postponed")


class VaccinationRecordQuerySet(models.QuerySet):
    def valid(self):
        return self.filter(invalidated_at__isnull=True)

    def delete(self):
        raise TypeError("Vaccination records are never deleted: invalidate them with a reason.")


class VaccinationRecord(models.Model):
    """One dose given to one citizen. Never deleted: a wrong record is invalidated with a reason,
    and a corrected one takes its place."""

    class Setting(models.TextChoices):
        HOME = "home", _("Home visit")
        POPUP = "popup", _("Pop-up session")

    citizen = models.ForeignKey(
        "outreach.Citizen", on_delete=models.PROTECT, related_name="vaccinations"
    )
    dose = models.PositiveSmallIntegerField(_("dose"))
    product = models.ForeignKey(
        "outreach.VaccineProduct", on_delete=models.PROTECT, related_name="vaccinations"
    )
    batch = models.CharField(_("batch number"), max_length=40)
    given_at = models.DateTimeField(_("given at"))
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("given by"),
    )
    vaccinator_organisation = models.ForeignKey(
        "outreach.VaccinatorOrganisation",
        on_delete=models.PROTECT,
        related_name="vaccinations",
        verbose_name=_("vaccinator"),
    )
    setting = models.CharField(_("where"), max_length=8, choices=Setting)
    observation_minutes = models.PositiveSmallIntegerField(_("observation (minutes)"))
    observation_done = models.BooleanField(_("observation done"), default=False)
    recorded_at = models.DateTimeField(auto_now_add=True)
    invalidated_at = models.DateTimeField(_("invalidated"), null=True, blank=True)
    invalidated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    invalidation_reason = models.TextField(_("reason for invalidation"), blank=True)

    objects = VaccinationRecordQuerySet.as_manager()

    class Meta:
        ordering = ["citizen", "dose", "given_at", "pk"]
        verbose_name = _("vaccination record")
        verbose_name_plural = _("vaccination records")
        constraints = [
            models.UniqueConstraint(
                fields=["citizen", "dose"],
                condition=Q(invalidated_at__isnull=True),
                name="one_valid_record_per_dose",
            ),
            models.CheckConstraint(
                condition=Q(dose__gte=1) & Q(dose__lte=2), name="dose_is_one_or_two"
            ),
        ]
        indexes = [models.Index(fields=["given_at"])]

    def __str__(self) -> str:
        return f"{self.product} dose {self.dose} {self.given_at:%Y-%m-%d}"

    def delete(self, *args, **kwargs):
        raise TypeError("Vaccination records are never deleted: invalidate them with a reason.")

    @property
    def is_valid(self) -> bool:
        return self.invalidated_at is None

    def dose_two_window(self) -> tuple[date, date, date] | None:
        """(earliest, due, latest) for the next dose, by the product's intervals; None after
        dose 2."""
        if self.dose >= 2:
            return None
        given = timezone.localdate(self.given_at)  # the Danish day, not UTC's
        product = self.product
        return (
            given + timedelta(days=product.interval_min_days),
            given + timedelta(days=product.interval_recommended_days),
            given + timedelta(days=product.interval_max_days),
        )


class AdverseReaction(models.Model):
    """An acute adverse reaction seen by the vaccinator, and what was done about it."""

    class Severity(models.TextChoices):
        MILD = "mild", _("Mild")
        MODERATE = "moderate", _("Moderate")
        SEVERE = "severe", _("Severe")
        ANAPHYLAXIS = "anaphylaxis", _("Anaphylaxis")

    record = models.ForeignKey(
        VaccinationRecord, on_delete=models.PROTECT, related_name="adverse_reactions"
    )
    onset_at = models.DateTimeField(_("onset"))
    symptoms = models.TextField(_("symptoms"))
    severity = models.CharField(_("severity"), max_length=12, choices=Severity)
    adrenaline_given = models.BooleanField(_("adrenaline given"), default=False)
    emergency_called = models.BooleanField(_("emergency services called (112)"), default=False)
    reported_onward = models.BooleanField(
        _("reported to the Danish Medicines Agency"), default=False
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["onset_at", "pk"]
        verbose_name = _("adverse reaction")
        verbose_name_plural = _("adverse reactions")

    def __str__(self) -> str:
        return f"{self.get_severity_display()} {self.onset_at:%Y-%m-%d %H:%M}"

    @property
    def is_anaphylaxis(self) -> bool:
        return self.severity == self.Severity.ANAPHYLAXIS
