"""Reads across the kernel's relations, with their joins applied."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Model, QuerySet

from outreach.models import Region, RoleGroup, User
from outreach.models.memberships import ORGANISATION_FIELDS
from outreach.roles import Role


@dataclass(frozen=True)
class Member:
    user: User
    roles: list[str]


def members_of(organisation: Model) -> list[Member]:
    """Who holds which roles in the organisation, by name."""
    field = ORGANISATION_FIELDS[organisation.kind]
    by_user: dict[int, Member] = {}
    role_groups = (
        RoleGroup.objects.filter(**{field: organisation})
        .prefetch_related("group__user_set")
        .order_by("role")
    )
    for role_group in role_groups:
        for user in role_group.group.user_set.all():
            member = by_user.setdefault(user.pk, Member(user=user, roles=[]))
            member.roles.append(Role(role_group.role).label)
    return sorted(by_user.values(), key=lambda m: m.user.get_full_name() or m.user.username)


def regions_with_counts() -> QuerySet[Region]:
    return Region.objects.annotate(
        municipality_count=Count("municipalities", distinct=True),
        vaccinator_count=Count("vaccinator_organisations", distinct=True),
    ).order_by("code")
