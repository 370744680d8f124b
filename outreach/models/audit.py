from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessEventQuerySet(models.QuerySet):
    """Refuses the bulk writes that would bypass the model's own refusal. Only the retention purge
    (``outreach.retention``) removes events, below the ORM and with the database's consent."""

    def update(self, **kwargs):
        raise ValueError("Access events are append-only.")

    def delete(self):
        raise ValueError("Access events are append-only: only the retention purge removes them.")


class AccessEvent(models.Model):
    """One look-up of citizen data: who, in which role and organisation, what, why, when.

    Written in the same transaction as the read it records, so a response that showed data always
    left its event. Append-only: the application never changes an event; only the retention purge
    removes old ones. The CPR number is never stored here, only the citizen's internal id.
    """

    class Action(models.TextChoices):
        VIEW = "view", _("Viewed the case")
        SEARCH = "search", _("Searched")
        LIST = "list", _("Listed")
        EXPORT = "export", _("Exported")
        REVEAL_CPR = "reveal_cpr", _("Showed the full CPR number")
        PRINT = "print", _("Printed")

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="access_events"
    )
    organisation_kind = models.CharField(_("organisation kind"), max_length=20, blank=True)
    organisation_code = models.CharField(_("organisation"), max_length=20, blank=True)
    role = models.CharField(_("role"), max_length=40, blank=True)
    citizen = models.ForeignKey(
        "outreach.Citizen",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="access_events",
        help_text=_("Empty for a search or list that is not about one citizen."),
    )
    action = models.CharField(_("action"), max_length=20, choices=Action)
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    allowed = models.BooleanField(_("allowed"), default=True)
    detail = models.CharField(
        _("detail"),
        max_length=200,
        blank=True,
        help_text=_("What was searched for (never a CPR number) or how many rows were listed."),
    )

    objects = AccessEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("access event")
        verbose_name_plural = _("access events")
        indexes = [models.Index(fields=["citizen", "-at"]), models.Index(fields=["user", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.action} {self.citizen_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Access events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Access events are append-only: only the retention purge removes them.")
