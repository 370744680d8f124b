"""Writes to the kernel's organisations and memberships. Each service is one transaction."""

from __future__ import annotations

import logging
from datetime import date

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, get_group_perms, remove_perm

from outreach import access, vaccine_rules
from outreach.models import (
    AccessEvent,
    RoleGroup,
    TargetGroup,
    User,
    VaccineProduct,
    VaccineRule,
)
from outreach.models.memberships import ORGANISATION_FIELDS
from outreach.roles import ROLE_KINDS, ROLE_PERMISSIONS, Role

logger = logging.getLogger(__name__)


@transaction.atomic
def role_group_get_or_create(*, organisation: Model, role: str) -> RoleGroup:
    """The group of ``role`` in ``organisation``, with the role's permissions on it."""
    if organisation.kind not in ROLE_KINDS[role]:
        raise ValidationError(
            _("The role %(role)s cannot be held in a %(kind)s.")
            % {"role": Role(role).label, "kind": organisation._meta.verbose_name}
        )
    field = ORGANISATION_FIELDS[organisation.kind]
    role_group = RoleGroup.objects.filter(role=role, **{field: organisation}).first()
    if role_group is not None:
        # Keep the group's permissions equal to the role's, also after ROLE_PERMISSIONS changed.
        held = set(get_group_perms(role_group.group, organisation))
        for codename in set(ROLE_PERMISSIONS[role]) - held:
            assign_perm(codename, role_group.group, organisation)
        for codename in held - set(ROLE_PERMISSIONS[role]):
            remove_perm(codename, role_group.group, organisation)
        return role_group
    name = f"{organisation.kind}:{organisation.code}:{role}"
    # A group left behind by a deleted organisation or role group must not hand its old members
    # the new organisation: start from an empty group.
    Group.objects.filter(name=name, role_group__isnull=True).delete()
    group = Group.objects.create(name=name)
    role_group = RoleGroup.objects.create(group=group, role=role, **{field: organisation})
    for codename in ROLE_PERMISSIONS[role]:
        assign_perm(codename, group, organisation)
    return role_group


@transaction.atomic
def membership_grant(*, user: User, role: str, organisation: Model) -> RoleGroup:
    """Give ``user`` the ``role`` in ``organisation``. Granting a held role changes nothing."""
    role_group = role_group_get_or_create(organisation=organisation, role=role)
    if role_group.group.user_set.filter(pk=user.pk).exists():
        return role_group
    role_group.group.user_set.add(user)
    access.forget(user)
    logger.info(
        "membership granted: user=%s role=%s organisation=%s:%s",
        user.pk,
        role,
        organisation.kind,
        organisation.code,
    )
    return role_group


@transaction.atomic
def role_group_delete(*, role_group: RoleGroup) -> None:
    """Remove a role from an organisation: its group, members and permissions go with it."""
    group = role_group.group
    role_group.delete()
    group.delete()
    logger.info("role group deleted: %s", group.name)


@transaction.atomic
def membership_revoke(*, user: User, role_group: RoleGroup) -> None:
    role_group.group.user_set.remove(user)
    access.forget(user)
    logger.info("membership revoked: user=%s role_group=%s", user.pk, role_group.pk)


def access_event_record(
    *,
    user: User,
    organisation: Model,
    action: str,
    citizen=None,
    purpose: str = "",
    detail: str = "",
    allowed: bool = True,
):
    """Log one look-up of citizen data, in the caller's transaction (the read it records).

    The role is the one the user holds in ``organisation`` (the organisation whose right allowed
    the look-up), taken from the memberships the request has already loaded.
    """
    roles = [m.role for m in access.memberships(user) if m.organisation == organisation]
    return AccessEvent.objects.create(
        user=user,
        organisation_kind=organisation.kind,
        organisation_code=organisation.code,
        role=",".join(sorted(roles)),
        citizen=citizen,
        action=action,
        purpose=purpose[:200],
        detail=detail[:200],
        allowed=allowed,
    )


def access_events_record_each(
    *,
    user: User,
    organisation: Model,
    action: str,
    citizen_ids,
    purpose: str = "",
    detail: str = "",
) -> int:
    """Log one look-up per citizen, in one insert, in the caller's transaction: for an export,
    where each citizen's own access report must show that their data left (DESIGN.md §5).
    Returns the number of events written."""
    roles = ",".join(
        sorted(m.role for m in access.memberships(user) if m.organisation == organisation)
    )
    events = [
        AccessEvent(
            user=user,
            organisation_kind=organisation.kind,
            organisation_code=organisation.code,
            role=roles,
            citizen_id=citizen_id,
            action=action,
            purpose=purpose[:200],
            detail=detail[:200],
        )
        for citizen_id in dict.fromkeys(citizen_ids)
    ]
    AccessEvent.objects.bulk_create(events)
    return len(events)


# Vaccine rules ---------------------------------------------------------------------------------


@transaction.atomic
def vaccine_rule_create(
    *,
    user: User,
    product: VaccineProduct,
    pathway: str,
    target_group: TargetGroup | None,
    allowed: bool,
    valid_from: date,
    valid_to: date | None,
    source: str,
) -> tuple[VaccineRule, dict[str, int]]:
    """Add a dated rule and re-check everything planned against the rules now in force. Returns
    the rule and the number of planned items in conflict, per planning app."""
    if valid_to is not None and valid_to < valid_from:
        raise ValidationError({"valid_to": _("The last day cannot be before the first.")})
    if not source.strip():
        raise ValidationError({"source": _("Name the guideline or decision behind the rule.")})
    rule = VaccineRule.objects.create(
        product=product,
        pathway=pathway,
        target_group=target_group,
        allowed=allowed,
        valid_from=valid_from,
        valid_to=valid_to,
        source=source.strip(),
        created_by=user,
    )
    logger.info("vaccine rule added: rule=%s user=%s", rule.pk, user.pk)
    return rule, vaccine_rules.recheck_planned(timezone.localdate())


@transaction.atomic
def vaccine_rule_end(
    *, rule: VaccineRule, user: User, valid_to: date
) -> tuple[VaccineRule, dict[str, int]]:
    """End a rule on ``valid_to`` (its last day): a rule is history and is never deleted."""
    rule = VaccineRule.objects.select_for_update().get(pk=rule.pk)
    if valid_to < rule.valid_from:
        raise ValidationError(
            {
                "valid_to": _("A rule cannot end before it starts (%(day)s).")
                % {"day": rule.valid_from.isoformat()}
            }
        )
    if rule.valid_to is not None and rule.valid_to <= valid_to:
        raise ValidationError(
            {
                "valid_to": _("The rule already ends on %(day)s.")
                % {"day": rule.valid_to.isoformat()}
            }
        )
    rule.valid_to = valid_to
    rule.save(update_fields=["valid_to"])
    logger.info("vaccine rule ended: rule=%s user=%s", rule.pk, user.pk)
    return rule, vaccine_rules.recheck_planned(timezone.localdate())
