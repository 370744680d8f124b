"""Reads across the kernel's relations, with their joins applied."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Model, QuerySet

from outreach.models import Region, RoleGroup, TargetGroup, User, VaccineProduct, VaccineRule
from outreach.models.memberships import ORGANISATION_FIELDS
from outreach.roles import Role
from outreach.vaccine_rules import Verdict, rule_book


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


# Vaccine rules ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupVerdicts:
    """One target group's row of a product's matrix: the verdict on each pathway."""

    target_group: TargetGroup
    verdicts: list[tuple[str, Verdict]]


@dataclass(frozen=True)
class ProductMatrix:
    product: VaccineProduct
    rows: list[GroupVerdicts]


def vaccine_rule_matrices(day: date) -> list[ProductMatrix]:
    """For each product, whether the rules in force on ``day`` allow it on each pathway for each
    target group of the outreach scheme, with the deciding rule (three queries in all)."""
    book = rule_book(day)
    groups = list(TargetGroup.objects.filter(in_outreach_scheme=True))
    return [
        ProductMatrix(
            product=product,
            rows=[
                GroupVerdicts(
                    target_group=group,
                    verdicts=[
                        (pathway, book.verdict(product, pathway, group.number))
                        for pathway in VaccineRule.Pathway.values
                    ],
                )
                for group in groups
            ],
        )
        for product in VaccineProduct.objects.all()
    ]


def vaccine_rules_listed() -> QuerySet[VaccineRule]:
    """Every rule, ended ones too (rules are history), with who added it."""
    return VaccineRule.objects.select_related("product", "target_group", "created_by")
