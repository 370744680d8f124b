"""The roles people hold in an organisation, and what each role may do there.

A role is held *in* one organisation. Each (organisation, role) pair is a Django group whose
django-guardian object permissions on that organisation are the role's permissions below; a user's
membership is their place in that group. Permission codenames are declared in the ``Meta`` of the
organisation models (``outreach.models.organisations``).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    MUNICIPALITY = "municipality", _("Municipality")
    REGION = "region", _("Region")
    VACCINATOR = "vaccinator", _("Vaccinator organisation")
    NATIONAL = "national", _("National authority")


class Role(models.TextChoices):
    CASEWORKER = "caseworker", _("Caseworker")
    LEAD = "lead", _("Municipal lead")
    COORDINATOR = "coordinator", _("Regional coordinator")
    VACCINATOR = "vaccinator", _("Vaccinator")
    ADMINISTRATOR = "administrator", _("National administrator")
    AUDITOR = "auditor", _("Auditor")
    INTEGRATION = "integration", _("SSI integration")


K = OrganisationKind

# Which kinds of organisation each role can be held in.
ROLE_KINDS: dict[str, tuple[str, ...]] = {
    Role.CASEWORKER: (K.MUNICIPALITY,),
    Role.LEAD: (K.MUNICIPALITY,),
    Role.COORDINATOR: (K.REGION,),
    Role.VACCINATOR: (K.VACCINATOR,),
    Role.ADMINISTRATOR: (K.NATIONAL,),
    Role.AUDITOR: (K.MUNICIPALITY, K.REGION, K.NATIONAL),
    Role.INTEGRATION: (K.NATIONAL,),
}

# The object permissions (codenames on the organisation's model) each role has on its organisation.
ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Role.CASEWORKER: ("work_cases",),
    Role.LEAD: ("work_cases", "lead_team", "view_municipal_dashboard"),
    Role.COORDINATOR: ("coordinate_region", "view_regional_dashboard"),
    Role.VACCINATOR: ("vaccinate",),
    Role.ADMINISTRATOR: ("administer_reference_data", "submit_ssi_lists"),
    Role.AUDITOR: ("read_access_log",),
    Role.INTEGRATION: ("submit_ssi_lists",),
}

# The roles that see citizen data and so must log in with two factors (ADR 0014). Administrators
# handle SSI lists with CPR numbers; the SSI integration reads vaccination records, and would need
# a second factor too if it ever logged in to the web pages (its API calls carry a token instead).
TWO_FACTOR_ROLES: frozenset[str] = frozenset(
    {
        Role.CASEWORKER,
        Role.LEAD,
        Role.COORDINATOR,
        Role.VACCINATOR,
        Role.AUDITOR,
        Role.ADMINISTRATOR,
        Role.INTEGRATION,
    }
)
