"""Route lists (driving lists): a vaccinator's day of home visits, stop by stop, vial by vial."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from outreach.models import Outcome


class RouteList(models.Model):
    """One vaccinator's route for one day, as planned from the region's home-visit pool.

    A planning run makes drafts; the coordinator reviews and publishes one per route day, which
    grants the vaccinator organisation's vaccinators ``view_routelist`` on it (django-guardian) and
    allocates its vials and consumables from the region's store.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DISCARDED = "discarded", _("Discarded")

    LIVE = (Status.PUBLISHED, Status.IN_PROGRESS, Status.DONE)

    planning_run = models.ForeignKey(
        "regions.PlanningRun",
        on_delete=models.PROTECT,
        related_name="route_lists",
        null=True,
        blank=True,
    )
    route_day = models.ForeignKey(
        "regions.RouteDay", on_delete=models.PROTECT, related_name="route_lists"
    )
    region = models.ForeignKey(
        "outreach.Region", on_delete=models.PROTECT, related_name="route_lists"
    )
    vaccinator_organisation = models.ForeignKey(
        "outreach.VaccinatorOrganisation",
        on_delete=models.PROTECT,
        related_name="route_lists",
        verbose_name=_("vaccinator"),
    )
    date = models.DateField(_("date"))
    product = models.ForeignKey(
        "outreach.VaccineProduct", on_delete=models.PROTECT, related_name="+"
    )
    vials = models.PositiveSmallIntegerField(_("vials"), default=0)
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.DRAFT)
    starts_at = models.DateTimeField(_("leaves the practice"))
    ends_at = models.DateTimeField(_("back at the practice"))
    drive_seconds = models.PositiveIntegerField(_("drive time (s)"), default=0)
    distance_m = models.PositiveIntegerField(_("distance (m)"), default=0)
    expected_waste = models.PositiveSmallIntegerField(_("doses expected wasted"), default=0)
    violations = models.TextField(_("problems"), blank=True)
    rule_conflict = models.TextField(_("conflict with the rules"), blank=True)
    start_latitude = models.FloatField(
        null=True, blank=True, help_text=_("Where the planner placed the practice (WGS84).")
    )
    start_longitude = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["date", "vaccinator_organisation__name", "pk"]
        verbose_name = _("route list")
        verbose_name_plural = _("route lists")
        constraints = [
            models.UniqueConstraint(
                fields=["route_day"],
                condition=Q(status__in=["published", "in_progress", "done"]),
                name="one_live_route_list_per_route_day",
            )
        ]
        indexes = [models.Index(fields=["vaccinator_organisation", "date"])]

    def __str__(self) -> str:
        return f"{self.vaccinator_organisation} {self.date}"

    @property
    def is_live(self) -> bool:
        return self.status in self.LIVE


class RouteListUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(RouteList, on_delete=models.CASCADE)


class RouteListGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(RouteList, on_delete=models.CASCADE)


class RouteStop(models.Model):
    """A citizen's place on a route: when the vaccinator should arrive, which vial the dose comes
    from, and what came of the visit."""

    route_list = models.ForeignKey(RouteList, on_delete=models.CASCADE, related_name="stops")
    position = models.PositiveSmallIntegerField(_("order"))
    referral = models.ForeignKey(
        "municipalities.Referral", on_delete=models.PROTECT, related_name="route_stops"
    )
    citizen = models.ForeignKey(
        "outreach.Citizen", on_delete=models.PROTECT, related_name="route_stops"
    )
    dose = models.PositiveSmallIntegerField(_("dose"), default=1)
    planned_arrival = models.DateTimeField(_("planned arrival"))
    service_minutes = models.PositiveSmallIntegerField(_("time at the stop (minutes)"))
    observation_minutes = models.PositiveSmallIntegerField(_("observation (minutes)"))
    drive_seconds = models.PositiveIntegerField(_("drive from the previous stop (s)"), default=0)
    vial_number = models.PositiveSmallIntegerField(_("vial"))
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
    rule_conflict = models.TextField(_("conflict with the rules"), blank=True)
    latitude = models.FloatField(
        null=True,
        blank=True,
        help_text=_(
            "Where the planner placed the citizen's address (WGS84): drive times are recomputed "
            "and the map drawn from it."
        ),
    )
    longitude = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["route_list", "position", "pk"]
        verbose_name = _("route stop")
        verbose_name_plural = _("route stops")
        indexes = [models.Index(fields=["referral"])]

    def __str__(self) -> str:
        return f"{self.route_list} #{self.position}"


class SafetyChecklist(models.Model):
    """Confirmed by the vaccinator before the first outcome of a route or a pop-up session."""

    route_list = models.OneToOneField(
        RouteList,
        on_delete=models.CASCADE,
        related_name="checklist",
        null=True,
        blank=True,
    )
    popup_session = models.OneToOneField(
        "regions.PopupSession",
        on_delete=models.CASCADE,
        related_name="checklist",
        null=True,
        blank=True,
    )
    anaphylaxis_kit = models.BooleanField(_("anaphylaxis kit packed and complete"))
    adrenaline = models.BooleanField(_("adrenaline in date, dose for adults"))
    oxygen_or_emergency_plan = models.BooleanField(
        _("oxygen, or a plan to call emergency services (112)")
    )
    it_access = models.BooleanField(_("IT access to register vaccinations"))
    confirmed_at = models.DateTimeField(_("confirmed"))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("safety checklist")
        verbose_name_plural = _("safety checklists")
        constraints = [
            models.CheckConstraint(
                condition=Q(route_list__isnull=False, popup_session__isnull=True)
                | Q(route_list__isnull=True, popup_session__isnull=False),
                name="checklist_for_a_route_or_a_session",
            )
        ]

    def __str__(self) -> str:
        return f"{self.confirmed_at:%Y-%m-%d %H:%M}"


class VialEvent(models.Model):
    """A vial opened (diluted) or finished on a route: the clock of its after-opening window, and
    the doses left in it when finished (wasted)."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("Vial opened")
        FINISHED = "finished", _("Vial finished")

    route_list = models.ForeignKey(RouteList, on_delete=models.CASCADE, related_name="vial_events")
    vial_number = models.PositiveSmallIntegerField(_("vial"))
    kind = models.CharField(max_length=8, choices=Kind)
    batch = models.CharField(_("batch number"), max_length=40, blank=True)
    doses_left = models.PositiveSmallIntegerField(_("doses left"), default=0)
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["route_list", "vial_number", "kind"], name="one_event_per_vial_and_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.vial_number}"
