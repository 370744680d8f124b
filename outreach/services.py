"""Writes to the kernel's organisations and memberships. Each service is one transaction."""

from __future__ import annotations

import logging

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, get_group_perms, remove_perm

from outreach import access
from outreach.models import AccessEvent, RoleGroup, User
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
