from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from municipalities.models.tasks import ContactTask


class Visitation(models.Model):
    """The municipality's assessment of how a citizen will be vaccinated, and its decision.

    A revision is a new row: the latest (``superseded_by`` empty) is in force and the earlier ones
    are the history. The rules it must satisfy live in ``municipalities.rules``.
    """

    class Mobility(models.TextChoices):
        ALONE = "alone", _("Can get to a vaccination site alone")
        WITH_RELATIVES = "relatives", _("Can get to a vaccination site with relatives")
        TRANSPORT_SITTING = "sitting", _("Needs municipal transport, sitting")
        TRANSPORT_WHEELCHAIR = "wheelchair", _("Needs municipal transport, wheelchair")
        BEDRIDDEN = "bedridden", _("Bedridden")
        LYING_TRANSPORT = "lying", _("Needs lying transport")

    class Decision(models.TextChoices):
        HELP_TO_BOOK = "help_to_book", _("Help to book at a regular vaccination site")
        SITE_TRANSPORT = "site_transport", _("Municipal transport to a vaccination site")
        POPUP = "popup", _("Local pop-up with transport")
        HOME = "home", _("Home vaccination")
        DECLINED = "declined", _("Declined")
        UNREACHABLE = "unreachable", _("Unreachable")
        NOT_RELEVANT = "not_relevant", _("Not relevant")

    class NotRelevantReason(models.TextChoices):
        NONE = "", _("—")
        DECEASED = "deceased", _("Deceased")
        MOVED = "moved", _("Moved")
        VACCINATED = "vaccinated", _("Already vaccinated")

    class GuardianInformedHow(models.TextChoices):
        NONE = "", _("—")
        PHONE = "phone", _("By phone")
        LETTER = "letter", _("By letter")
        DIGITAL_POST = "digital_post", _("By Digital Post")
        IN_PERSON = "in_person", _("In person")

    task = models.ForeignKey(ContactTask, on_delete=models.PROTECT, related_name="visitations")
    citizen = models.ForeignKey(
        "outreach.Citizen", on_delete=models.PROTECT, related_name="visitations"
    )
    wants_vaccination = models.BooleanField(_("wants vaccination"), null=True)
    mobility = models.CharField(_("mobility"), max_length=12, choices=Mobility, blank=True)
    decision = models.CharField(_("decision"), max_length=16, choices=Decision)
    justification = models.TextField(
        _("justification"),
        blank=True,
        help_text=_("Required for home vaccination of a citizen who is not bedridden."),
    )
    not_relevant_reason = models.CharField(
        _("why not relevant"), max_length=12, choices=NotRelevantReason, blank=True, default=""
    )
    booking_site = models.CharField(_("booked at"), max_length=200, blank=True)
    booking_at = models.DateTimeField(_("booked for"), null=True, blank=True)
    guardian_informed_at = models.DateTimeField(_("guardian informed at"), null=True, blank=True)
    guardian_informed_how = models.CharField(
        _("guardian informed how"),
        max_length=12,
        choices=GuardianInformedHow,
        blank=True,
        default="",
    )
    guardian_informed_by = models.CharField(_("guardian informed by"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    severe_allergy = models.BooleanField(
        _("earlier severe allergic reaction"),
        default=False,
        help_text=_("The vaccinator then observes the citizen for 30 minutes instead of 15."),
    )
    access_notes = models.TextField(
        _("access notes for the vaccinator"),
        blank=True,
        help_text=_(
            "Key box, door code, which door, a dog: what the vaccinator needs at the door."
        ),
    )
    decided_at = models.DateTimeField(_("decided"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    superseded_at = models.DateTimeField(
        _("superseded"),
        null=True,
        blank=True,
        help_text=_("When a revision replaced this decision, or the case was reopened."),
    )
    superseded_by = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supersedes",
        help_text=_("The revision that replaced this decision."),
    )

    class Meta:
        ordering = ["-decided_at", "-pk"]
        verbose_name = _("visitation")
        verbose_name_plural = _("visitations")
        constraints = [
            models.UniqueConstraint(
                fields=["task"],
                condition=Q(superseded_at__isnull=True),
                name="one_current_visitation_per_task",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} ({self.decided_at:%Y-%m-%d})"

    @property
    def guardian_informed(self) -> bool:
        return self.guardian_informed_at is not None


class Referral(models.Model):
    """A municipality asks its region to vaccinate a citizen at a pop-up session or at home.

    The region accepts, schedules and completes it, or returns it with a comment, which reopens the
    municipality's task.
    """

    class Pathway(models.TextChoices):
        POPUP = "popup", _("Pop-up session")
        HOME = "home", _("Home vaccination")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        ACCEPTED = "accepted", _("Accepted")
        SCHEDULED = "scheduled", _("Scheduled")
        DONE = "done", _("Done")
        RETURNED = "returned", _("Returned")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    ACTIVE = (Status.REQUESTED, Status.ACCEPTED, Status.SCHEDULED)

    task = models.ForeignKey(ContactTask, on_delete=models.PROTECT, related_name="referrals")
    citizen = models.ForeignKey(
        "outreach.Citizen", on_delete=models.PROTECT, related_name="referrals"
    )
    municipality = models.ForeignKey(
        "outreach.Municipality", on_delete=models.PROTECT, related_name="referrals"
    )
    region = models.ForeignKey(
        "outreach.Region", on_delete=models.PROTECT, related_name="referrals"
    )
    visitation = models.ForeignKey(Visitation, on_delete=models.PROTECT, related_name="referrals")
    pathway = models.CharField(_("pathway"), max_length=8, choices=Pathway)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.REQUESTED)
    comment = models.TextField(_("the region's comment"), blank=True)
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status_changed_at = models.DateTimeField(_("status changed"), default=timezone.now)
    scheduled_for = models.DateTimeField(_("scheduled for"), null=True, blank=True)
    dose = models.PositiveSmallIntegerField(_("dose"), default=1)
    product = models.ForeignKey(
        "outreach.VaccineProduct",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("product"),
        help_text=_("For dose 2: the product of dose 1, the only one it may be given with."),
    )
    not_before = models.DateField(_("not before"), null=True, blank=True)
    due_on = models.DateField(_("due"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        constraints = [
            models.UniqueConstraint(
                fields=["citizen"],
                condition=Q(status__in=["requested", "accepted", "scheduled"]),
                name="one_active_referral_per_citizen",
            )
        ]
        indexes = [models.Index(fields=["region", "status"])]

    def __str__(self) -> str:
        return f"{self.get_pathway_display()}: {self.get_status_display()}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE


class TransportBooking(models.Model):
    """A ride the municipality arranges for a citizen to a vaccination site or a pop-up session."""

    class Kind(models.TextChoices):
        SITTING = "sitting", _("Sitting")
        WHEELCHAIR = "wheelchair", _("Wheelchair")

    class Status(models.TextChoices):
        TO_ARRANGE = "to_arrange", _("To arrange")
        BOOKED = "booked", _("Booked")
        CANCELLED = "cancelled", _("Cancelled")

    class Pathway(models.TextChoices):
        SITE = "site", _("Vaccination site")
        POPUP = "popup", _("Pop-up session")

    task = models.ForeignKey(ContactTask, on_delete=models.PROTECT, related_name="transports")
    citizen = models.ForeignKey(
        "outreach.Citizen", on_delete=models.PROTECT, related_name="transports"
    )
    municipality = models.ForeignKey(
        "outreach.Municipality", on_delete=models.PROTECT, related_name="transports"
    )
    visitation = models.ForeignKey(Visitation, on_delete=models.PROTECT, related_name="transports")
    pathway = models.CharField(_("pathway"), max_length=6, choices=Pathway)
    kind = models.CharField(_("transport"), max_length=10, choices=Kind)
    pickup_street = models.CharField(_("pickup address"), max_length=200, blank=True)
    pickup_postcode = models.CharField(_("postcode"), max_length=4, blank=True)
    pickup_city = models.CharField(_("city"), max_length=100, blank=True)
    destination = models.CharField(_("destination"), max_length=200, blank=True)
    pickup_at = models.DateTimeField(_("pickup time"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.TO_ARRANGE)
    note = models.TextField(_("note for the driver"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    booked_at = models.DateTimeField(_("booked"), null=True, blank=True)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["pickup_at", "created_at", "pk"]
        verbose_name = _("transport booking")
        verbose_name_plural = _("transport bookings")
        indexes = [models.Index(fields=["municipality", "status"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pickup_at or ''}"


class ContactDetailsChange(models.Model):
    """The history of a citizen's phone number and guardian details as caseworkers edit them."""

    class Field(models.TextChoices):
        PHONE = "phone", _("Phone")
        GUARDIAN_NAME = "guardian_name", _("Legal guardian")
        GUARDIAN_PHONE = "guardian_phone", _("Guardian's phone")
        GUARDIAN_RELATION = "guardian_relation", _("Guardian's relation to the citizen")

    citizen = models.ForeignKey(
        "outreach.Citizen", on_delete=models.PROTECT, related_name="contact_details_changes"
    )
    field = models.CharField(_("field"), max_length=20, choices=Field)
    old_value = models.CharField(_("before"), max_length=200, blank=True)
    new_value = models.CharField(_("after"), max_length=200, blank=True)
    changed_at = models.DateTimeField(_("changed"), default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("contact details change")
        verbose_name_plural = _("contact details changes")

    def __str__(self) -> str:
        return f"{self.field}: {self.old_value} -> {self.new_value}"
