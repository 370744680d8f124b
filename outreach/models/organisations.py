"""The organisations that share the outreach work: regions, municipalities, vaccinators, nation.

People act only as members of an organisation (see ``outreach.roles``). All four kinds live in the
kernel because membership, access scoping and regional staffing all need them, and imports flow
one way (docs/adr/0001). Each kind declares in ``Meta.permissions`` the object permissions its role
groups hold on it, stored in guardian's direct-foreign-key tables below.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from outreach.roles import OrganisationKind

READ_ACCESS_LOG = ("read_access_log", "Read the organisation's access log")


class Region(models.Model):
    """One of Denmark's five regions: allocates vaccine and staff to the outreach functions."""

    kind = OrganisationKind.REGION

    code = models.CharField(_("region code"), max_length=4, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        permissions = [
            ("coordinate_region", "Coordinate the region's outreach vaccination"),
            ("view_regional_dashboard", "View the regional dashboard"),
            READ_ACCESS_LOG,
        ]

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    """One of Denmark's 98 municipalities: contacts and assesses the citizens on SSI's lists."""

    kind = OrganisationKind.MUNICIPALITY

    code = models.CharField(
        _("municipality code"), max_length=3, unique=True, help_text=_("Three digits, e.g. 101.")
    )
    name = models.CharField(_("name"), max_length=100, unique=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="municipalities")

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        permissions = [
            ("work_cases", "Work the municipality's citizen cases"),
            ("lead_team", "Lead the municipality's outreach team"),
            ("view_municipal_dashboard", "View the municipal dashboard"),
            READ_ACCESS_LOG,
        ]

    def __str__(self) -> str:
        return self.name


class VaccinatorOrganisation(models.Model):
    """A GP practice or other vaccinator the region has an agreement with.

    Its address is where its home-visit routes start and end.
    """

    kind = OrganisationKind.VACCINATOR

    class Type(models.TextChoices):
        GP_PRACTICE = "gp_practice", _("GP practice")
        OTHER = "other", _("Other contracted vaccinator")

    code = models.CharField(
        _("code"),
        max_length=20,
        unique=True,
        help_text=_("The provider number (ydernummer) of a GP practice, or another unique code."),
    )
    name = models.CharField(_("name"), max_length=200)
    type = models.CharField(_("type"), max_length=20, choices=Type, default=Type.GP_PRACTICE)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="vaccinator_organisations"
    )
    street = models.CharField(_("street address"), max_length=200)
    postcode = models.ForeignKey(
        "outreach.Postcode", on_delete=models.PROTECT, related_name="vaccinator_organisations"
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("vaccinator organisation")
        verbose_name_plural = _("vaccinator organisations")
        permissions = [("vaccinate", "Carry out vaccinations for the organisation")]

    def __str__(self) -> str:
        return self.name


class NationalBody(models.Model):
    """A national authority: the Danish Health Authority (rules) or SSI (the weekly lists)."""

    kind = OrganisationKind.NATIONAL

    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=200, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("national authority")
        verbose_name_plural = _("national authorities")
        permissions = [
            ("administer_reference_data", "Administer vaccine rules and reference data"),
            ("submit_ssi_lists", "Submit SSI's weekly lists for any municipality"),
            READ_ACCESS_LOG,
        ]

    def __str__(self) -> str:
        return self.name


ORGANISATION_MODELS = {
    model.kind: model for model in (Municipality, Region, VaccinatorOrganisation, NationalBody)
}


# django-guardian's direct-foreign-key permission tables: a few rows per organisation, joined by
# a real foreign key instead of the generic (content type, text id) pair.
class RegionUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Region, on_delete=models.CASCADE)


class RegionGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Region, on_delete=models.CASCADE)


class MunicipalityUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Municipality, on_delete=models.CASCADE)


class MunicipalityGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Municipality, on_delete=models.CASCADE)


class VaccinatorOrganisationUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(VaccinatorOrganisation, on_delete=models.CASCADE)


class VaccinatorOrganisationGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(VaccinatorOrganisation, on_delete=models.CASCADE)


class NationalBodyUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(NationalBody, on_delete=models.CASCADE)


class NationalBodyGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(NationalBody, on_delete=models.CASCADE)
