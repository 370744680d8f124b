"""``manage.py grant_role USERNAME ROLE ORG_KIND ORG_CODE`` gives people their roles."""

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from outreach import access
from outreach.models import Municipality, RoleGroup
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_it_grants_a_role_that_opens_the_organisation():
    anna = UserFactory(username="anna")
    call_command("grant_role", "anna", "caseworker", "municipality", "751")
    aarhus = Municipality.objects.get(code="751")
    assert access.may(anna, "work_cases", aarhus)
    assert list(access.municipalities_visible_to(anna)) == [aarhus]


def test_it_holds_membership_as_guardian_permissions_of_a_role_group():
    UserFactory(username="anna")
    call_command("grant_role", "anna", "lead", "municipality", "101")
    role_group = RoleGroup.objects.get(role="lead", municipality__code="101")
    assert role_group.group.name == "municipality:101:lead"
    codenames = set(
        role_group.group.municipalitygroupobjectpermission_set.values_list(
            "permission__codename", flat=True
        )
    )
    assert codenames == {"work_cases", "lead_team", "view_municipal_dashboard"}


def test_it_changes_nothing_when_granted_twice():
    UserFactory(username="anna")
    call_command("grant_role", "anna", "coordinator", "region", "1084")
    call_command("grant_role", "anna", "coordinator", "region", "1084")
    assert RoleGroup.objects.filter(role="coordinator").count() == 1


def test_it_refuses_a_role_in_the_wrong_kind_of_organisation():
    UserFactory(username="anna")
    with translation.override("en"), pytest.raises(CommandError, match="cannot be held"):
        call_command("grant_role", "anna", "caseworker", "region", "1084")
    with translation.override("da"), pytest.raises(CommandError, match="kan ikke varetages"):
        call_command("grant_role", "anna", "caseworker", "region", "1084")


def test_it_refuses_an_unknown_user_or_organisation():
    with pytest.raises(CommandError, match="No user named 'ghost'"):
        call_command("grant_role", "ghost", "caseworker", "municipality", "101")
    UserFactory(username="anna")
    with pytest.raises(CommandError, match="No municipality with code '999'"):
        call_command("grant_role", "anna", "caseworker", "municipality", "999")


def test_it_creates_the_user_on_request_and_revokes(django_user_model):
    call_command("grant_role", "bo", "auditor", "national", "SST", "--create")
    bo = django_user_model.objects.get(username="bo")
    assert not bo.has_usable_password()
    assert bo.groups.count() == 1
    call_command("grant_role", "bo", "auditor", "national", "SST", "--revoke")
    assert bo.groups.count() == 0
    with pytest.raises(CommandError, match="is not auditor"):
        call_command("grant_role", "bo", "auditor", "national", "SST", "--revoke")
