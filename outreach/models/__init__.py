from outreach.models.audit import AccessEvent
from outreach.models.citizens import Citizen
from outreach.models.jobs import OutboxJob, WorkerHeartbeat
from outreach.models.memberships import RoleGroup
from outreach.models.organisations import (
    Municipality,
    MunicipalityGroupObjectPermission,
    MunicipalityUserObjectPermission,
    NationalBody,
    NationalBodyGroupObjectPermission,
    NationalBodyUserObjectPermission,
    Region,
    RegionGroupObjectPermission,
    RegionUserObjectPermission,
    VaccinatorOrganisation,
    VaccinatorOrganisationGroupObjectPermission,
    VaccinatorOrganisationUserObjectPermission,
)
from outreach.models.reference import Postcode, TargetGroup
from outreach.models.users import User
from outreach.models.vaccinations import AdverseReaction, Outcome, VaccinationRecord
from outreach.models.vaccines import VaccineProduct, VaccineRule

__all__ = [
    "AccessEvent",
    "AdverseReaction",
    "Citizen",
    "Municipality",
    "MunicipalityGroupObjectPermission",
    "MunicipalityUserObjectPermission",
    "NationalBody",
    "NationalBodyGroupObjectPermission",
    "NationalBodyUserObjectPermission",
    "OutboxJob",
    "Outcome",
    "Postcode",
    "Region",
    "RegionGroupObjectPermission",
    "RegionUserObjectPermission",
    "RoleGroup",
    "TargetGroup",
    "User",
    "VaccinationRecord",
    "VaccinatorOrganisation",
    "VaccinatorOrganisationGroupObjectPermission",
    "VaccinatorOrganisationUserObjectPermission",
    "VaccineProduct",
    "VaccineRule",
    "WorkerHeartbeat",
]
