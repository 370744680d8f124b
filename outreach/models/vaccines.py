from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class VaccineProduct(models.Model):
    """A COVID-19 vaccine as the outreach scheme handles it: how many doses a vial gives, how long
    an opened vial keeps, whether it may travel once opened, the dose interval and what each vial
    and dose uses up. Facts, not code: the national administrator edits them.
    """

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    is_mrna = models.BooleanField(
        _("mRNA vaccine"),
        default=False,
        help_text=_("A pop-up session with an mRNA vaccine needs enough citizens to avoid waste."),
    )
    doses_per_vial = models.PositiveSmallIntegerField(_("doses per vial"))
    hours_after_opening = models.PositiveSmallIntegerField(
        _("hours usable after opening"), help_text=_("After dilution or the first puncture.")
    )
    storage_after_opening = models.CharField(
        _("storage after opening"), max_length=200, help_text=_("For example 2-30 °C.")
    )
    transportable_after_opening = models.BooleanField(
        _("may be transported after opening"),
        help_text=_("Only such products are used for home vaccination."),
    )
    needs_dilution = models.BooleanField(_("needs dilution"), default=False)
    diluent_ml_per_vial = models.DecimalField(
        _("diluent per vial (ml)"), max_digits=4, decimal_places=1, default=0
    )
    low_dead_volume_syringes = models.BooleanField(
        _("needs low-dead-volume syringes"),
        default=False,
        help_text=_("Without them the last dose of a vial cannot be drawn."),
    )
    interval_min_days = models.PositiveSmallIntegerField(_("shortest dose interval (days)"))
    interval_recommended_days = models.PositiveSmallIntegerField(
        _("recommended dose interval (days)")
    )
    interval_max_days = models.PositiveSmallIntegerField(_("longest dose interval (days)"))
    observation_minutes = models.PositiveSmallIntegerField(_("observation (minutes)"), default=15)
    observation_minutes_after_allergy = models.PositiveSmallIntegerField(
        _("observation after an earlier severe allergic reaction (minutes)"), default=30
    )
    source = models.TextField(_("source"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("vaccine product")
        verbose_name_plural = _("vaccine products")
        constraints = [
            models.CheckConstraint(
                condition=Q(doses_per_vial__gte=1), name="vaccine_at_least_one_dose_per_vial"
            ),
            models.CheckConstraint(
                condition=Q(interval_min_days__lte=models.F("interval_recommended_days"))
                & Q(interval_recommended_days__lte=models.F("interval_max_days")),
                name="vaccine_interval_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class VaccineRule(models.Model):
    """A dated, sourced rule: on which pathway, and for which target group, a product may be used.

    A rule with no target group covers every group. On a given day the rules in force are those
    whose dates cover it; of the rules in force that match, any ban wins, else any permission
    allows, and no matching rule means not allowed (``outreach.vaccine_rules``, ADR 0007).
    """

    class Pathway(models.TextChoices):
        HOME = "home", _("Home vaccination")
        POPUP = "popup", _("Pop-up session")
        SITE = "site", _("Vaccination site")

    product = models.ForeignKey(VaccineProduct, on_delete=models.PROTECT, related_name="rules")
    pathway = models.CharField(_("pathway"), max_length=8, choices=Pathway)
    target_group = models.ForeignKey(
        "outreach.TargetGroup",
        to_field="number",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="vaccine_rules",
        help_text=_("Empty: every target group."),
    )
    allowed = models.BooleanField(_("allowed"))
    valid_from = models.DateField(_("in force from"))
    valid_to = models.DateField(
        _("in force until"), null=True, blank=True, help_text=_("The last day; empty: open-ended.")
    )
    source = models.TextField(_("source"), help_text=_("The guideline or decision behind it."))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty for the rules the system was installed with."),
    )

    class Meta:
        ordering = ["product__name", "pathway", "valid_from", "pk"]
        verbose_name = _("vaccine rule")
        verbose_name_plural = _("vaccine rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="vaccine_rule_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        verdict = _("allowed") if self.allowed else _("not allowed")
        return f"{self.product} {self.get_pathway_display()}: {verdict}"

    def in_force_on(self, day) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)
