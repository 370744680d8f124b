from django.contrib.auth.models import Group
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from outreach.roles import OrganisationKind, Role

# The foreign key on RoleGroup that holds each kind of organisation.
ORGANISATION_FIELDS = {
    OrganisationKind.MUNICIPALITY: "municipality",
    OrganisationKind.REGION: "region",
    OrganisationKind.VACCINATOR: "vaccinator_organisation",
    OrganisationKind.NATIONAL: "national_body",
}


def _exactly_one_organisation() -> Q:
    condition = Q(pk__in=[])
    for field in ORGANISATION_FIELDS.values():
        others = {
            f"{other}__isnull": True for other in ORGANISATION_FIELDS.values() if other != field
        }
        condition |= Q(**{f"{field}__isnull": False}, **others)
    return condition


class RoleGroup(models.Model):
    """A role in one organisation, as a Django group: "caseworker in København".

    Its members are the users who hold that role there. The group's django-guardian object
    permissions on the organisation are what the role may do (``outreach.roles.ROLE_PERMISSIONS``).
    Created only through ``outreach.services.role_group_get_or_create``.
    """

    group = models.OneToOneField(Group, on_delete=models.CASCADE, related_name="role_group")
    role = models.CharField(_("role"), max_length=20, choices=Role)
    municipality = models.ForeignKey(
        "outreach.Municipality",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="role_groups",
    )
    region = models.ForeignKey(
        "outreach.Region",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="role_groups",
    )
    vaccinator_organisation = models.ForeignKey(
        "outreach.VaccinatorOrganisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="role_groups",
    )
    national_body = models.ForeignKey(
        "outreach.NationalBody",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="role_groups",
    )

    class Meta:
        verbose_name = _("role group")
        verbose_name_plural = _("role groups")
        constraints = [
            models.CheckConstraint(
                condition=_exactly_one_organisation(), name="role_group_one_organisation"
            ),
            *(
                models.UniqueConstraint(
                    fields=["role", field],
                    condition=Q(**{f"{field}__isnull": False}),
                    name=f"role_group_unique_{field}",
                )
                for field in ORGANISATION_FIELDS.values()
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}, {self.organisation}"

    @property
    def organisation(self) -> models.Model:
        for field in ORGANISATION_FIELDS.values():
            organisation = getattr(self, field)
            if organisation is not None:
                return organisation
        raise ValueError("A role group belongs to exactly one organisation.")

    @property
    def kind(self) -> str:
        return self.organisation.kind
