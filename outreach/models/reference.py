from django.db import models
from django.utils.translation import gettext_lazy as _


class Postcode(models.Model):
    """A Danish address postcode with one representative point (WGS84).

    The point is the area centroid of the postcode (district level in central Copenhagen); the
    offline geocoder places an address at its postcode's point. See ``outreach/data/SOURCES.md``.
    """

    code = models.CharField(_("postcode"), max_length=4, unique=True)
    name = models.CharField(_("city"), max_length=100)
    latitude = models.DecimalField(max_digits=7, decimal_places=5)
    longitude = models.DecimalField(max_digits=8, decimal_places=5)
    municipality = models.ForeignKey(
        "outreach.Municipality",
        on_delete=models.PROTECT,
        related_name="postcodes",
        help_text=_("The municipality covering most of the postcode's area."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("postcode")
        verbose_name_plural = _("postcodes")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class TargetGroup(models.Model):
    """One of the twelve target groups of the Danish COVID-19 vaccination programme (2021).

    SSI's weekly lists of invited-but-unbooked citizens cover the outreach groups 2, 3, 5, 7, 8, 9.
    """

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    name = models.CharField(_("name"), max_length=200, help_text=_("The Danish name."))
    definition = models.TextField(_("definition"))
    in_outreach_scheme = models.BooleanField(
        _("in the outreach scheme"),
        default=False,
        help_text=_("SSI lists this group's unbooked citizens to the municipalities every week."),
    )

    class Meta:
        ordering = ["number"]
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(number__gte=1, number__lte=12), name="target_group_1_to_12"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"
