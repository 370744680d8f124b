from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class StaffMember(models.Model):
    """A person the region can put on a pop-up session or a route day: a vaccinator (a GP, a
    nurse) or dilution staff, from a vaccinator organisation or the region's own."""

    class Role(models.TextChoices):
        VACCINATOR = "vaccinator", _("Vaccinator")
        DILUTION = "dilution", _("Dilution staff")

    region = models.ForeignKey("outreach.Region", on_delete=models.PROTECT, related_name="staff")
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=12, choices=Role)
    organisation = models.ForeignKey(
        "outreach.VaccinatorOrganisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        verbose_name=_("organisation"),
        help_text=_("Empty: the region's own staff."),
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")

    def __str__(self) -> str:
        return self.name


class StaffAssignment(models.Model):
    """A staff member working a pop-up session or a route day, from and until a time. Booking a
    person twice at overlapping times is allowed but flagged on every screen that shows it."""

    staff = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="assignments")
    session = models.ForeignKey(
        "regions.PopupSession",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff_assignments",
    )
    route_day = models.ForeignKey(
        "regions.RouteDay",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff_assignments",
    )
    role = models.CharField(_("role"), max_length=12, choices=StaffMember.Role)
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    assigned_at = models.DateTimeField(auto_now_add=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("staff assignment")
        verbose_name_plural = _("staff assignments")
        constraints = [
            models.CheckConstraint(
                condition=Q(session__isnull=False, route_day__isnull=True)
                | Q(session__isnull=True, route_day__isnull=False),
                name="staff_assignment_one_place",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="staff_assignment_times_ordered"
            ),
            models.UniqueConstraint(
                fields=["staff", "session"],
                condition=Q(session__isnull=False),
                name="staff_once_per_session",
            ),
            models.UniqueConstraint(
                fields=["staff", "route_day"],
                condition=Q(route_day__isnull=False),
                name="staff_once_per_route_day",
            ),
        ]
        indexes = [models.Index(fields=["staff", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.staff} {self.starts_at:%Y-%m-%d %H:%M}"
