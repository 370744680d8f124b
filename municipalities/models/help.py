from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ContactInfo(models.Model):
    """What the municipality's public help page says: how to reach the outreach team."""

    municipality = models.OneToOneField(
        "outreach.Municipality", on_delete=models.CASCADE, related_name="contact_info"
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    text = models.TextField(
        _("help text"),
        blank=True,
        help_text=_("How citizens and relatives get help with booking and transport."),
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("contact information")
        verbose_name_plural = _("contact information")

    def __str__(self) -> str:
        return str(self.municipality)


class HelpRequest(models.Model):
    """A citizen or a relative asks for help through the public form.

    When the CPR number given matches a citizen the municipality knows, the request opens (or joins)
    that citizen's contact task; otherwise it waits on the worklist for a caseworker to handle. The
    CPR number itself is not kept, only whether it matched.
    """

    class Relation(models.TextChoices):
        SELF = "self", _("I am asking for myself")
        RELATIVE = "relative", _("Relative")
        GUARDIAN = "guardian", _("Legal guardian")
        HOME_CARE = "home_care", _("Home-care staff")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        HANDLED = "handled", _("Handled")

    municipality = models.ForeignKey(
        "outreach.Municipality", on_delete=models.PROTECT, related_name="help_requests"
    )
    name = models.CharField(_("name of the citizen"), max_length=200)
    phone = models.CharField(_("phone"), max_length=30)
    street = models.CharField(_("address"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=4, blank=True)
    relation = models.CharField(_("who is asking"), max_length=10, choices=Relation)
    requester_name = models.CharField(_("your name"), max_length=200, blank=True)
    message = models.TextField(_("message"), blank=True)
    citizen = models.ForeignKey(
        "outreach.Citizen",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="help_requests",
    )
    task = models.ForeignKey(
        "municipalities.ContactTask",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="help_requests",
    )
    status = models.CharField(_("status"), max_length=8, choices=Status, default=Status.NEW)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handled_note = models.TextField(_("what was done"), blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("help request")
        verbose_name_plural = _("help requests")
        indexes = [models.Index(fields=["municipality", "status", "-received_at"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.received_at:%Y-%m-%d})"
