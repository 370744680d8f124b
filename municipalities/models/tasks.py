from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Target groups 2 and 3 first, then 7, 5, 8, 9 (the order the outreach scheme reaches them); any
# other group after them.
GROUP_PRIORITY = {2: 0, 3: 1, 7: 2, 5: 3, 8: 4, 9: 5}
OTHER_GROUPS = len(GROUP_PRIORITY)


def group_priority(target_group: int) -> int:
    return GROUP_PRIORITY.get(target_group, OTHER_GROUPS)


class ContactTask(models.Model):
    """The municipality's task of contacting one citizen from SSI's list.

    At most one task per citizen is open at a time (a database constraint). A task opens when a
    citizen is first listed, is marked still unbooked on each later list, and closes as "booked on
    their own" when a newer list of its municipality no longer has the citizen (reopening if they
    come back), or as "moved" when another municipality lists them, until a caseworker has triaged
    it: a triaged task is the caseworker's to close, and a task a caseworker closed (declined, not
    relevant, ...) is not opened again by a later list.

    The citizen's priority, birth date and invitation date are copied onto the task so that the
    worklist is one index scan in priority order (keyset pagination over 100,000 tasks); ``stage``
    and the ``last_*``/``referral_status`` columns are kept by the services for the same reason.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    class Stage(models.TextChoices):
        NEW = "new", _("Not contacted yet")
        CONTACTING = "contacting", _("Not reached yet")
        REACHED = "reached", _("Reached, not assessed")
        RETURNED = "returned", _("Referral returned by the region")
        REFERRED = "referred", _("Referred to the region")
        TRANSPORT = "transport", _("Transport to a vaccination site")
        CLOSED = "closed", _("Closed")

    # Stages where the municipality has the next move: the default worklist.
    TO_DO = (Stage.NEW, Stage.CONTACTING, Stage.REACHED, Stage.RETURNED)

    class CloseReason(models.TextChoices):
        NONE = "", _("Not closed")
        BOOKED = "booked", _("Booked on their own")
        MOVED = "moved", _("Moved to another municipality")
        HELPED_TO_BOOK = "helped", _("Booked at a vaccination site with help")
        DECLINED = "declined", _("Declined vaccination")
        UNREACHABLE = "unreachable", _("Unreachable")
        NOT_RELEVANT = "not_relevant", _("Not relevant")

    citizen = models.ForeignKey(
        "outreach.Citizen", on_delete=models.PROTECT, related_name="contact_tasks"
    )
    municipality = models.ForeignKey(
        "outreach.Municipality", on_delete=models.PROTECT, related_name="contact_tasks"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.OPEN)
    close_reason = models.CharField(
        _("closed because"), max_length=12, choices=CloseReason, blank=True, default=""
    )
    triaged = models.BooleanField(
        _("triaged"),
        default=False,
        help_text=_("A caseworker has decided the citizen's pathway; lists no longer close it."),
    )
    stage = models.CharField(
        _("stage"), max_length=10, choices=Stage, default=Stage.NEW, db_default=Stage.NEW
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), help_text=_("From the target group: 0 is reached first.")
    )
    birth_date = models.DateField(_("birth date"))
    invited_on = models.DateField(_("invited on"))
    due_on = models.DateField(
        _("due"), help_text=_("The citizen should have been contacted by this day.")
    )
    first_listed_week = models.DateField(_("first listed (week)"))
    last_listed_week = models.DateField(_("last listed (week)"))
    times_listed = models.PositiveIntegerField(_("times listed"), default=1)
    opened_at = models.DateTimeField(_("opened"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_contact_tasks",
        verbose_name=_("assigned to"),
    )
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="claimed_contact_tasks",
        verbose_name=_("claimed by"),
    )
    claim_expires_at = models.DateTimeField(_("claim expires"), null=True, blank=True)
    call_later_at = models.DateTimeField(
        _("call later"), null=True, blank=True, help_text=_("Hidden from the worklist until then.")
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0, db_default=0)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_attempt_reached = models.BooleanField(_("reached at last attempt"), null=True, blank=True)
    referral_status = models.CharField(_("referral"), max_length=10, blank=True, db_default="")
    return_comment = models.TextField(
        _("the region's comment"), blank=True, db_default="", help_text=_("Why it came back.")
    )

    class Meta:
        verbose_name = _("contact task")
        verbose_name_plural = _("contact tasks")
        constraints = [
            models.UniqueConstraint(
                fields=["citizen"], condition=Q(status="open"), name="one_open_task_per_citizen"
            ),
            models.CheckConstraint(
                condition=Q(status="open", close_reason="", closed_at__isnull=True)
                | Q(status="closed", closed_at__isnull=False),
                name="contact_task_closed_consistently",
            ),
            models.CheckConstraint(
                condition=Q(claimed_by__isnull=True, claim_expires_at__isnull=True)
                | Q(claimed_by__isnull=False, claim_expires_at__isnull=False),
                name="contact_task_claim_has_lease",
            ),
        ]
        indexes = [
            models.Index(fields=["municipality", "status"]),
            # The worklist: one municipality's tasks in priority order (keyset pagination).
            models.Index(
                fields=["municipality", "priority", "birth_date", "invited_on", "id"],
                name="contact_task_worklist",
                condition=Q(status="open"),
            ),
            # The dashboard's most overdue tasks: the earliest due first, without sorting them all.
            models.Index(
                fields=["municipality", "due_on", "priority", "birth_date", "id"],
                name="contact_task_overdue",
                condition=Q(status="open"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.citizen} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    def claim_holder(self, now=None):
        """Who holds the claim now (None when unclaimed or the lease ran out)."""
        now = now or timezone.now()
        if self.claimed_by_id and self.claim_expires_at and self.claim_expires_at > now:
            return self.claimed_by
        return None

    def claim_active(self, now=None) -> bool:
        now = now or timezone.now()
        return bool(self.claimed_by_id and self.claim_expires_at and self.claim_expires_at > now)

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.is_open and self.stage in self.TO_DO and self.due_on < today


class ContactAttempt(models.Model):
    """One try at reaching a citizen: how, whether anyone answered, and what was said."""

    class Channel(models.TextChoices):
        PHONE = "phone", _("Phone")
        LETTER = "letter", _("Letter")
        DIGITAL_POST = "digital_post", _("Digital Post")
        HOME_VISIT = "home_visit", _("Home visit")
        RELATIVE = "relative", _("Via a relative")
        GUARDIAN = "guardian", _("Via the legal guardian")
        HOME_CARE = "home_care", _("Via home-care staff")

    class Answerer(models.TextChoices):
        NOBODY = "", _("Nobody")
        CITIZEN = "citizen", _("The citizen")
        RELATIVE = "relative", _("A relative")
        GUARDIAN = "guardian", _("The legal guardian")
        HOME_CARE = "home_care", _("Home-care staff")
        OTHER = "other", _("Someone else")

    task = models.ForeignKey(ContactTask, on_delete=models.PROTECT, related_name="contact_attempts")
    citizen = models.ForeignKey(
        "outreach.Citizen", on_delete=models.PROTECT, related_name="contact_attempts"
    )
    channel = models.CharField(_("channel"), max_length=12, choices=Channel)
    reached = models.BooleanField(_("reached"))
    answered_by = models.CharField(
        _("who answered"), max_length=10, choices=Answerer, blank=True, default=""
    )
    note = models.TextField(_("note"), blank=True)
    made_at = models.DateTimeField(_("when"), default=timezone.now)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-made_at", "-pk"]
        verbose_name = _("contact attempt")
        verbose_name_plural = _("contact attempts")
        constraints = [
            models.CheckConstraint(
                condition=Q(reached=False, answered_by="") | Q(reached=True) & ~Q(answered_by=""),
                name="contact_attempt_answerer_when_reached",
            )
        ]
        # The dashboard's workload: the attempts of the last days.
        indexes = [models.Index(fields=["made_at"], name="contact_attempt_made_at")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.made_at:%Y-%m-%d}"
