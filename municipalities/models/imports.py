from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SsiListImport(models.Model):
    """One weekly list from Statens Serum Institut, for one municipality or national.

    The same file (by checksum) is one import however often it arrives. The uploaded file is kept
    only until it has been processed, then deleted: it holds CPR numbers in the clear.
    """

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        PROCESSING = "processing", _("Processing")
        DONE = "done", _("Done")
        REJECTED = "rejected", _("Rejected")

    class Source(models.TextChoices):
        UPLOAD = "upload", _("Upload")
        API = "api", _("API")
        INBOX = "inbox", _("Inbox folder")
        COMMAND = "command", _("Command line")

    file = models.FileField(upload_to="ssi-lists/", blank=True)
    original_name = models.CharField(_("file name"), max_length=255)
    checksum = models.CharField(max_length=64, unique=True, help_text=_("SHA-256 of the file."))
    size = models.PositiveBigIntegerField(_("size in bytes"))
    week = models.CharField(_("list week"), max_length=8, help_text=_("ISO week, e.g. 2021-W10."))
    week_start = models.DateField(_("Monday of the list week"))
    municipality = models.ForeignKey(
        "outreach.Municipality",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ssi_list_imports",
        help_text=_("Empty for a national file covering many municipalities."),
    )
    source = models.CharField(_("source"), max_length=10, choices=Source)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.RECEIVED)
    rejection_reason = models.TextField(_("why the file was rejected"), blank=True)
    extra_columns = models.JSONField(_("ignored columns"), default=list, blank=True)
    rows_processed = models.PositiveIntegerField(default=0, help_text=_("Progress while running."))

    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    rows_accepted = models.PositiveIntegerField(_("rows accepted"), default=0)
    rows_rejected = models.PositiveIntegerField(_("rows rejected"), default=0)
    citizens_new = models.PositiveIntegerField(_("new citizens"), default=0)
    citizens_updated = models.PositiveIntegerField(_("updated citizens"), default=0)
    tasks_opened = models.PositiveIntegerField(_("tasks opened"), default=0)
    tasks_still_open = models.PositiveIntegerField(_("tasks still open"), default=0)
    tasks_auto_closed = models.PositiveIntegerField(_("tasks closed as booked"), default=0)
    tasks_reopened = models.PositiveIntegerField(_("tasks reopened"), default=0)
    tasks_moved = models.PositiveIntegerField(_("tasks closed as moved"), default=0)

    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("SSI list import")
        verbose_name_plural = _("SSI list imports")
        indexes = [models.Index(fields=["municipality", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.week})"

    @property
    def is_national(self) -> bool:
        return self.municipality_id is None

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.REJECTED)


class SsiListCoverage(models.Model):
    """Which municipalities a processed list covered, and for which week.

    A list closes tasks of citizens missing from it only when it is at least as new as every
    list already processed for that municipality.
    """

    list_import = models.ForeignKey(
        SsiListImport, on_delete=models.CASCADE, related_name="coverage"
    )
    municipality = models.ForeignKey(
        "outreach.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    week_start = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["list_import", "municipality"], name="ssi_coverage_once_per_import"
            )
        ]
        indexes = [models.Index(fields=["municipality", "-week_start"])]

    def __str__(self) -> str:
        return f"{self.municipality_id} {self.week_start}"


class SsiImportError(models.Model):
    """A rejected row of an import: its line, the masked CPR and why. Never the full CPR."""

    list_import = models.ForeignKey(SsiListImport, on_delete=models.CASCADE, related_name="errors")
    line = models.PositiveIntegerField(_("line"))
    masked_cpr = models.CharField(_("CPR (masked)"), max_length=11)
    reason = models.CharField(_("reason"), max_length=300)

    class Meta:
        ordering = ["list_import", "line"]
        verbose_name = _("import error")
        verbose_name_plural = _("import errors")

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"
