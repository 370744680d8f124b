"""The one place that answers "may this user see or do this?". Default deny.

Every view, API view, export, admin page and task asks here. What a user may do comes from
django-guardian object permissions on organisations: those of the role groups the user is a member
of, plus the sparse per-object grants made to the user directly. They are loaded in one query per
request (``grants``) and every answer below is derived from them.

Two answers, never confused:
- an object the user may not *see* (another organisation's) is a 404, so its existence does not
  leak;
- an object the user may see but not act on is a 403. Rights are the union of all the user's
  memberships; the active membership only chooses the start page and the header.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db.models import CharField, Model, Q, QuerySet, Value
from django.http import Http404

from outreach.models import (
    AccessEvent,
    Citizen,
    Municipality,
    MunicipalityGroupObjectPermission,
    MunicipalityUserObjectPermission,
    NationalBody,
    NationalBodyGroupObjectPermission,
    NationalBodyUserObjectPermission,
    Region,
    RegionGroupObjectPermission,
    RegionUserObjectPermission,
    RoleGroup,
    User,
    VaccinationRecord,
    VaccinatorOrganisation,
    VaccinatorOrganisationGroupObjectPermission,
    VaccinatorOrganisationUserObjectPermission,
)
from outreach.roles import OrganisationKind

K = OrganisationKind

_PERMISSION_TABLES = {
    K.MUNICIPALITY: (MunicipalityGroupObjectPermission, MunicipalityUserObjectPermission),
    K.REGION: (RegionGroupObjectPermission, RegionUserObjectPermission),
    K.VACCINATOR: (
        VaccinatorOrganisationGroupObjectPermission,
        VaccinatorOrganisationUserObjectPermission,
    ),
    K.NATIONAL: (NationalBodyGroupObjectPermission, NationalBodyUserObjectPermission),
}


@dataclass(frozen=True)
class Grants:
    """A user's object permissions on organisations: {(kind, organisation id): {codename, ...}}."""

    by_organisation: dict[tuple[str, int], frozenset[str]] = field(default_factory=dict)

    def on(self, organisation: Model | None) -> frozenset[str]:
        if organisation is None:
            return frozenset()
        return self.by_organisation.get((organisation.kind, organisation.pk), frozenset())

    def ids(self, kind: str) -> set[int]:
        return {pk for (k, pk) in self.by_organisation if k == kind}

    @property
    def national(self) -> bool:
        return bool(self.ids(K.NATIONAL))


def grants(user) -> Grants:
    """The user's permissions, from one UNION query, cached on the user for the request."""
    if not user.is_authenticated or not user.is_active:
        return Grants()
    cached = getattr(user, "_outreach_grants", None)
    if cached is not None:
        return cached
    parts = []
    for kind, (group_table, user_table) in _PERMISSION_TABLES.items():
        # Only groups that are a role group count: a bare Django group grants nothing here.
        group_owner = Q(group__user=user, group__role_group__isnull=False)
        for table, owner in ((group_table, group_owner), (user_table, Q(user=user))):
            parts.append(
                table.objects.filter(owner)
                .annotate(kind=Value(kind, output_field=CharField()))
                .values_list("kind", "content_object_id", "permission__codename")
            )
    collected: dict[tuple[str, int], set[str]] = defaultdict(set)
    for kind, pk, codename in parts[0].union(*parts[1:], all=True):
        collected[(kind, pk)].add(codename)
    user._outreach_grants = Grants({key: frozenset(value) for key, value in collected.items()})
    return user._outreach_grants


def memberships(user) -> list[RoleGroup]:
    """The roles the user holds, with their organisations, in a stable order."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_outreach_memberships", None)
    if cached is None:
        cached = list(
            RoleGroup.objects.filter(group__user=user)
            .select_related(
                "municipality__region",
                "region",
                "vaccinator_organisation__region",
                "national_body",
            )
            .order_by("pk")
        )
        user._outreach_memberships = cached
    return cached


def forget(user) -> None:
    """Drop what this request cached about the user's access (after a grant or revoke)."""
    for attribute in ("_outreach_grants", "_outreach_memberships"):
        if hasattr(user, attribute):
            delattr(user, attribute)


# Scoped querysets ------------------------------------------------------------------------------


def municipalities_visible_to(user) -> QuerySet[Municipality]:
    """A municipality is seen by its own members, its region's and the national authorities'."""
    g = grants(user)
    if g.national:
        return Municipality.objects.all()
    return Municipality.objects.filter(
        Q(pk__in=g.ids(K.MUNICIPALITY)) | Q(region__in=g.ids(K.REGION))
    )


def regions_visible_to(user) -> QuerySet[Region]:
    g = grants(user)
    if g.national:
        return Region.objects.all()
    return Region.objects.filter(pk__in=g.ids(K.REGION))


def vaccinator_organisations_visible_to(user) -> QuerySet[VaccinatorOrganisation]:
    """A vaccinator organisation is seen by its members, its region's and the national ones'."""
    g = grants(user)
    qs = VaccinatorOrganisation.objects.select_related("region", "postcode")
    if g.national:
        return qs
    return qs.filter(Q(pk__in=g.ids(K.VACCINATOR)) | Q(region__in=g.ids(K.REGION)))


def national_bodies_visible_to(user) -> QuerySet[NationalBody]:
    return NationalBody.objects.filter(pk__in=grants(user).ids(K.NATIONAL))


_VISIBLE = {
    K.MUNICIPALITY: municipalities_visible_to,
    K.REGION: regions_visible_to,
    K.VACCINATOR: vaccinator_organisations_visible_to,
    K.NATIONAL: national_bodies_visible_to,
}


# Object getters: 404 when not visible, 403 when visible without the right ------------------------


def require(user, permission: str, organisation: Model) -> None:
    """Raise 403 unless the user holds ``permission`` on ``organisation``."""
    if permission not in grants(user).on(organisation):
        raise PermissionDenied


def may(user, permission: str, organisation: Model) -> bool:
    return permission in grants(user).on(organisation)


def may_view_members(user, organisation: Model) -> bool:
    """Who holds which role: a lead for the municipality, a coordinator for the region and its
    vaccinators, a vaccinator for their own practice, the administrator for national bodies, and
    an auditor (``read_access_log``) for their own organisation."""
    if may(user, "read_access_log", organisation):
        return True
    if organisation.kind == K.MUNICIPALITY:
        return may(user, "lead_team", organisation)
    if organisation.kind == K.REGION:
        return may(user, "coordinate_region", organisation)
    if organisation.kind == K.VACCINATOR:
        return may(user, "vaccinate", organisation) or may(
            user, "coordinate_region", organisation.region
        )
    return may(user, "administer_reference_data", organisation)


def get_organisation_for_user(user, kind: str, code: str, permission: str | None = None) -> Model:
    visible = _VISIBLE.get(kind)
    # A code with a control character names nothing (and PostgreSQL refuses a NUL in a query).
    if visible is None or not code.isprintable():
        raise Http404
    # A member sees their own organisation, already loaded with the memberships: no query.
    organisation = (
        next(
            (
                m.organisation
                for m in memberships(user)
                if m.kind == kind and m.organisation.code == code
            ),
            None,
        )
        or visible(user).filter(code=code).first()
    )
    if organisation is None:
        raise Http404
    if permission is not None:
        require(user, permission, organisation)
    return organisation


def get_municipality_for_user(user, code: str, permission: str | None = None) -> Municipality:
    return get_organisation_for_user(user, K.MUNICIPALITY, code, permission)


def get_region_for_user(user, code: str, permission: str | None = None) -> Region:
    return get_organisation_for_user(user, K.REGION, code, permission)


def get_vaccinator_organisation_for_user(
    user, code: str, permission: str | None = None
) -> VaccinatorOrganisation:
    return get_organisation_for_user(user, K.VACCINATOR, code, permission)


def municipality_ids_with(user, permission: str) -> set[int]:
    """The municipalities on which the user holds ``permission`` (for scoping their objects)."""
    return {
        pk
        for (kind, pk), codenames in grants(user).by_organisation.items()
        if kind == K.MUNICIPALITY and permission in codenames
    }


def holds_national(user, permission: str) -> bool:
    """Whether the user holds ``permission`` on a national body (rights over every municipality)."""
    return any(
        permission in codenames
        for (kind, _pk), codenames in grants(user).by_organisation.items()
        if kind == K.NATIONAL
    )


def get_from(queryset: QuerySet, **lookup) -> Model:
    """An object from a queryset scoped by this module's rules: 404 when it is not in it."""
    found = queryset.filter(**lookup).first()
    if found is None:
        raise Http404
    return found


def get_owned(queryset: QuerySet, *, owner: Model, owner_field: str, **lookup) -> Model:
    """An object that belongs to an organisation the caller has already obtained through this
    module (and so checked): 404 when it does not exist or belongs to another organisation."""
    return get_from(queryset.filter(**{owner_field: owner}), **lookup)


# Route lists: shared per object --------------------------------------------------------------


def route_lists_visible_to(user) -> QuerySet:
    """Route lists a user may see: the region's coordinators see every list of their region, drafts
    included; a vaccinator sees a list only once it is published to them, through the
    django-guardian object permission ``view_routelist`` granted to their practice's vaccinator
    role group (or to them by name)."""
    route_list = apps.get_model("vaccinators", "RouteList")
    if not user.is_authenticated or not user.is_active:
        return route_list.objects.none()
    coordinated = [
        pk
        for (kind, pk), codenames in grants(user).by_organisation.items()
        if kind == K.REGION and "coordinate_region" in codenames
    ]
    published_to = Q(
        routelistgroupobjectpermission__group__user=user,
        routelistgroupobjectpermission__group__role_group__isnull=False,
        routelistgroupobjectpermission__permission__codename="view_routelist",
    ) | Q(
        routelistuserobjectpermission__user=user,
        routelistuserobjectpermission__permission__codename="view_routelist",
    )
    ids = route_list.objects.filter(
        Q(region__in=coordinated) | (published_to & Q(status__in=route_list.LIVE))
    ).values("pk")
    return route_list.objects.filter(pk__in=ids)


def get_route_list_for_user(user, pk: int):
    """A route list the user may see, else 404 (whether it exists or not)."""
    return get_from(
        route_lists_visible_to(user).select_related(
            "vaccinator_organisation", "region", "product", "route_day"
        ),
        pk=pk,
    )


# Vaccination records: the kernel's clinical record, read by every actor -------------------------

# The right on an organisation that lets its holders read vaccination records, per kind: the
# municipality's casework, the region's coordination, the vaccinator's own work, and nationally
# the SSI integration and the administrator (who both submit SSI's lists). Auditors read the
# access log, not the records.
VACCINATION_RECORD_RIGHTS: dict[str, frozenset[str]] = {
    K.MUNICIPALITY: frozenset({"work_cases"}),
    K.REGION: frozenset({"coordinate_region"}),
    K.VACCINATOR: frozenset({"vaccinate"}),
    K.NATIONAL: frozenset({"submit_ssi_lists"}),
}


_ORGANISATION_MODELS = {
    K.MUNICIPALITY: Municipality,
    K.REGION: Region,
    K.VACCINATOR: VaccinatorOrganisation,
    K.NATIONAL: NationalBody,
}


def _ids_with_record_right(user, kind: str) -> set[int]:
    rights = VACCINATION_RECORD_RIGHTS[kind]
    return {
        pk
        for (k, pk), codenames in grants(user).by_organisation.items()
        if k == kind and codenames & rights
    }


def vaccination_records_visible_to(user) -> QuerySet[VaccinationRecord]:
    """Vaccination records a user may read: a municipality's caseworkers and leads those of its
    citizens; a region's coordinators those of citizens referred to the region; a vaccinator
    organisation those it gave; the national integration and administrator all; nobody else.
    Invalidated records included (they are part of the history)."""
    if not user.is_authenticated or not user.is_active:
        return VaccinationRecord.objects.none()
    if _ids_with_record_right(user, K.NATIONAL):
        return VaccinationRecord.objects.all()
    municipalities = _ids_with_record_right(user, K.MUNICIPALITY)
    regions = _ids_with_record_right(user, K.REGION)
    vaccinators = _ids_with_record_right(user, K.VACCINATOR)
    if not (municipalities or regions or vaccinators):
        return VaccinationRecord.objects.none()
    # A citizen referred to a region twice (dose 1 and 2) would appear twice through the join:
    # filter on the ids instead.
    ids = VaccinationRecord.objects.filter(
        Q(citizen__municipality__in=municipalities)
        | Q(citizen__referrals__region__in=regions)
        | Q(vaccinator_organisation__in=vaccinators)
    ).values("pk")
    return VaccinationRecord.objects.filter(pk__in=ids)


def may_read_vaccination_records(user) -> bool:
    """Whether the user holds a right to read vaccination records anywhere."""
    return any(_ids_with_record_right(user, kind) for kind in VACCINATION_RECORD_RIGHTS)


def vaccination_record_reader(user) -> Model | None:
    """The organisation in whose name the user reads vaccination records (for the access log):
    the first of their memberships that carries the right."""
    for membership in memberships(user):
        organisation = membership.organisation
        if grants(user).on(organisation) & VACCINATION_RECORD_RIGHTS[organisation.kind]:
            return organisation
    # Only a per-object grant to the user (a time-limited cross-municipality grant, say).
    for (kind, pk), codenames in sorted(grants(user).by_organisation.items()):
        if codenames & VACCINATION_RECORD_RIGHTS[kind]:
            return _ORGANISATION_MODELS[kind].objects.get(pk=pk)
    return None


def get_vaccination_record_for_user(user, pk: int) -> VaccinationRecord:
    """A vaccination record the user may read, else 404 (whether it exists or not)."""
    return get_from(vaccination_records_visible_to(user), pk=pk)


# The access log: read by auditors --------------------------------------------------------------

AUDIT = "read_access_log"


def _ids_with(user, kind: str, permission: str) -> set[int]:
    return {
        pk
        for (k, pk), codenames in grants(user).by_organisation.items()
        if k == kind and permission in codenames
    }


def may_audit(user) -> bool:
    """Whether the user is an auditor anywhere."""
    return any(AUDIT in codenames for codenames in grants(user).by_organisation.values())


def _audited_scope(user) -> tuple[QuerySet, QuerySet, QuerySet] | None:
    """The organisations whose access log the user audits, below the national level: the
    municipalities (their own, or their region's), the regions, and the regions' vaccinators."""
    municipalities = _ids_with(user, K.MUNICIPALITY, AUDIT)
    regions = _ids_with(user, K.REGION, AUDIT)
    if not (municipalities or regions):
        return None
    return (
        Municipality.objects.filter(Q(pk__in=municipalities) | Q(region__in=regions)),
        Region.objects.filter(pk__in=regions),
        VaccinatorOrganisation.objects.filter(region__in=regions),
    )


def access_events_visible_to(user) -> QuerySet[AccessEvent]:
    """The access events an auditor may read (ADR 0013): a municipality's auditor those about the
    municipality's citizens and those made in the municipality's name; a region's auditor the same
    for every municipality of the region, plus those made in the name of the region and of its
    vaccinator organisations; a national auditor all. Nobody else any."""
    if not user.is_authenticated or not user.is_active:
        return AccessEvent.objects.none()
    if holds_national(user, AUDIT):
        return AccessEvent.objects.all()
    scope = _audited_scope(user)
    if scope is None:
        return AccessEvent.objects.none()
    municipalities, regions, vaccinators = scope
    return AccessEvent.objects.filter(
        Q(citizen__municipality__in=municipalities.values("pk"))
        | Q(organisation_kind=K.MUNICIPALITY, organisation_code__in=municipalities.values("code"))
        | Q(organisation_kind=K.REGION, organisation_code__in=regions.values("code"))
        | Q(organisation_kind=K.VACCINATOR, organisation_code__in=vaccinators.values("code"))
    )


def audited_users_visible_to(user) -> QuerySet[User]:
    """The people whose look-ups an auditor may review: the members of the organisations they
    audit, and anyone whose look-ups show in the events they may read."""
    if not user.is_authenticated or not user.is_active:
        return User.objects.none()
    events = access_events_visible_to(user)
    if holds_national(user, AUDIT):
        members = RoleGroup.objects.all()
    else:
        scope = _audited_scope(user)
        if scope is None:
            return User.objects.none()
        municipalities, regions, vaccinators = scope
        members = RoleGroup.objects.filter(
            Q(municipality__in=municipalities.values("pk"))
            | Q(region__in=regions.values("pk"))
            | Q(vaccinator_organisation__in=vaccinators.values("pk"))
        )
    return User.objects.filter(
        Q(pk__in=members.values("group__user")) | Q(pk__in=events.values("user"))
    )


def audited_citizens_visible_to(user) -> QuerySet[Citizen]:
    """The citizens whose access log an auditor may read: those of the municipalities they audit,
    and those in the events they may read."""
    if not user.is_authenticated or not user.is_active:
        return Citizen.objects.none()
    if holds_national(user, AUDIT):
        return Citizen.objects.all()
    scope = _audited_scope(user)
    if scope is None:
        return Citizen.objects.none()
    municipalities = scope[0]
    events = access_events_visible_to(user).filter(citizen__isnull=False)
    return Citizen.objects.filter(
        Q(municipality__in=municipalities.values("pk")) | Q(pk__in=events.values("citizen"))
    )


def get_audited_citizen_for_user(user, pk: int) -> Citizen:
    """A citizen whose access log the user may read, else 404."""
    return get_from(audited_citizens_visible_to(user).select_related("municipality"), pk=pk)


def get_audited_user_for_user(user, pk: int) -> User:
    """A person whose look-ups the user may review, else 404."""
    return get_from(audited_users_visible_to(user), pk=pk)


def may_report_on(user, citizen: Citizen) -> bool:
    """Whether the user audits the whole of the citizen's log (national, or the citizen's own
    municipality or region), and so may make the citizen's access report: a report from an
    auditor who sees only part of it would leave look-ups out."""
    if holds_national(user, AUDIT):
        return True
    scope = _audited_scope(user)
    return scope is not None and scope[0].filter(pk=citizen.municipality_id).exists()


def access_log_reader(user, active: RoleGroup | None = None) -> Model | None:
    """The organisation in whose name the user reads the access log (for the access log itself):
    the active membership's when it is an auditor's, else the first auditor membership."""
    candidates = memberships(user)
    if active is not None:
        candidates = [active, *candidates]
    for membership in candidates:
        if AUDIT in grants(user).on(membership.organisation):
            return membership.organisation
    return None
