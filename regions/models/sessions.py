from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outreach.models import Outcome


class PopupSite(models.Model):
    """A temporary local vaccination place the region agrees with a municipality: a sports hall,
    a culture house, a health house or a larger GP practice."""

    class Kind(models.TextChoices):
        SPORTS_HALL = "sports_hall", _("Sports hall")
        CULTURE_HOUSE = "culture_house", _("Culture house")
        HEALTH_HOUSE = "health_house", _("Health house")
        GP_PRACTICE = "gp_practice", _("GP practice")

    region = models.ForeignKey(
        "outreach.Region", on_delete=models.PROTECT, related_name="popup_sites"
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind)
    street = models.CharField(_("street address"), max_length=200)
    postcode = models.ForeignKey(
        "outreach.Postcode", on_delete=models.PROTECT, related_name="popup_sites"
    )
    available_from = models.DateField(_("available from"))
    available_to = models.DateField(
        _("available until"), null=True, blank=True, help_text=_("The last day; empty: open-ended.")
    )
    access_note = models.TextField(
        _("access"), blank=True, help_text=_("Entrance, parking, lift: what a driver should know.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("pop-up site")
        verbose_name_plural = _("pop-up sites")
        constraints = [
            models.CheckConstraint(
                condition=Q(available_to__isnull=True) | Q(available_to__gte=F("available_from")),
                name="popup_site_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def address(self) -> str:
        return f"{self.street}, {self.postcode.code} {self.postcode.name}"

    def available_on(self, day) -> bool:
        return self.available_from <= day and (
            self.available_to is None or day <= self.available_to
        )


class PopupSession(models.Model):
    """A few hours on one day at a pop-up site with one vaccine product, a capacity and time slots.

    Citizens with an accepted pop-up referral are booked into its slots. A session is confirmed
    when the waste its bookings leave is acceptable; the vaccinator organisation running it sees
    its list.
    """

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        CONFIRMED = "confirmed", _("Confirmed")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    OPEN = (Status.PLANNED, Status.CONFIRMED)

    region = models.ForeignKey(
        "outreach.Region", on_delete=models.PROTECT, related_name="popup_sessions"
    )
    site = models.ForeignKey(PopupSite, on_delete=models.PROTECT, related_name="sessions")
    date = models.DateField(_("date"))
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(_("until"))
    product = models.ForeignKey(
        "outreach.VaccineProduct", on_delete=models.PROTECT, related_name="popup_sessions"
    )
    capacity = models.PositiveSmallIntegerField(_("capacity"), help_text=_("Citizens at most."))
    slot_minutes = models.PositiveSmallIntegerField(
        _("minutes per time slot"), default=15, help_text=_("Citizens are booked into slots.")
    )
    vaccinator_organisation = models.ForeignKey(
        "outreach.VaccinatorOrganisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="popup_sessions",
        verbose_name=_("vaccinator"),
        help_text=_("The practice or vaccinator running the session; it sees the list."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PLANNED)
    rule_conflict = models.TextField(
        _("conflict with the rules"),
        blank=True,
        help_text=_("Set when a changed vaccine rule no longer allows what is planned."),
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "starts_at", "pk"]
        verbose_name = _("pop-up session")
        verbose_name_plural = _("pop-up sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="popup_session_hours_ordered"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="popup_session_capacity"),
            models.CheckConstraint(condition=Q(slot_minutes__gte=5), name="popup_session_slot"),
        ]
        indexes = [models.Index(fields=["region", "date"])]

    def __str__(self) -> str:
        return f"{self.site} {self.date:%Y-%m-%d} {self.starts_at:%H:%M}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class SessionBooking(models.Model):
    """A citizen's time slot at a pop-up session, made from the municipality's accepted referral.

    Cancelling keeps the row (the history of the referral); a referral has at most one booking in
    force.
    """

    class Status(models.TextChoices):
        BOOKED = "booked", _("Booked")
        CANCELLED = "cancelled", _("Cancelled")

    session = models.ForeignKey(PopupSession, on_delete=models.PROTECT, related_name="bookings")
    referral = models.ForeignKey(
        "municipalities.Referral", on_delete=models.PROTECT, related_name="session_bookings"
    )
    citizen = models.ForeignKey(
        "outreach.Citizen", on_delete=models.PROTECT, related_name="session_bookings"
    )
    slot_at = models.DateTimeField(_("time slot"))
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.BOOKED)
    rule_conflict = models.TextField(_("conflict with the rules"), blank=True)
    booked_at = models.DateTimeField(_("booked"), default=timezone.now)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome, blank=True)
    outcome_at = models.DateTimeField(_("outcome recorded"), null=True, blank=True)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    outcome_note = models.TextField(_("note"), blank=True)
    vaccination = models.ForeignKey(
        "outreach.VaccinationRecord",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["slot_at", "pk"]
        verbose_name = _("session booking")
        verbose_name_plural = _("session bookings")
        constraints = [
            models.UniqueConstraint(
                fields=["referral"],
                condition=Q(status="booked"),
                name="one_booking_per_referral",
            )
        ]
        indexes = [models.Index(fields=["session", "status"])]

    def __str__(self) -> str:
        return f"{self.session} {self.slot_at:%H:%M}"


class RouteDay(models.Model):
    """A vaccinator organisation's day of home visits for the region: the frame the planner fills
    with a route, and what stock and staff are allocated to."""

    region = models.ForeignKey(
        "outreach.Region", on_delete=models.PROTECT, related_name="route_days"
    )
    vaccinator_organisation = models.ForeignKey(
        "outreach.VaccinatorOrganisation",
        on_delete=models.PROTECT,
        related_name="route_days",
        verbose_name=_("vaccinator"),
    )
    date = models.DateField(_("date"))
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(_("until"))
    product = models.ForeignKey(
        "outreach.VaccineProduct", on_delete=models.PROTECT, related_name="route_days"
    )
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    rule_conflict = models.TextField(_("conflict with the rules"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "starts_at", "pk"]
        verbose_name = _("route day")
        verbose_name_plural = _("route days")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="route_day_hours_ordered"
            ),
            models.UniqueConstraint(
                fields=["vaccinator_organisation", "date"],
                condition=Q(cancelled_at__isnull=True),
                name="one_route_day_per_vaccinator_and_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.vaccinator_organisation} {self.date:%Y-%m-%d}"
