"""A planning run: the coordinator asks the planner to fill a day's route days from the home-visit
pool. The run is a background job; the draft route lists it makes belong to the vaccinators' app."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanningRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Planning")
        DONE = "done", _("Ready for review")
        FAILED = "failed", _("Failed")
        PUBLISHED = "published", _("Published")

    region = models.ForeignKey(
        "outreach.Region", on_delete=models.PROTECT, related_name="planning_runs"
    )
    date = models.DateField(_("date"))
    product = models.ForeignKey(
        "outreach.VaccineProduct",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("product"),
    )
    route_days = models.ManyToManyField(
        "regions.RouteDay", related_name="planning_runs", verbose_name=_("vaccinators")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    progress_note = models.CharField(max_length=200, blank=True)
    candidates = models.PositiveIntegerField(_("candidates in the pool"), default=0)
    planned = models.PositiveIntegerField(_("stops planned"), default=0)
    left_over = models.PositiveIntegerField(_("left in the pool"), default=0)
    solve_ms = models.PositiveIntegerField(_("solve time (ms)"), default=0)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("planning run")
        verbose_name_plural = _("planning runs")
        indexes = [models.Index(fields=["region", "date"])]

    def __str__(self) -> str:
        return f"{self.region} {self.date}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED, self.Status.PUBLISHED)
