"""What each person may see: their own organisation's pages; another organisation's are a 404
(its existence does not leak); an own page their role does not allow is a 403."""

import pytest
from django.urls import reverse
from guardian.shortcuts import assign_perm, get_group_perms, remove_perm

from outreach import access, services
from outreach.models import Municipality, NationalBody, RoleGroup
from outreach.roles import Role
from tests.factories import persona

pytestmark = pytest.mark.django_db


def worklist(code):
    return reverse("municipalities:municipality-worklist", kwargs={"code": code})


def dashboard(code):
    return reverse("municipalities:municipality-dashboard", kwargs={"code": code})


def members(kind, code):
    return reverse("outreach:organisation-members", kwargs={"kind": kind, "code": code})


def test_it_shows_the_koebenhavn_caseworker_her_worklist(client, kbh_caseworker):
    client.force_login(kbh_caseworker)
    response = client.get(worklist("101"))
    assert response.status_code == 200
    assert "København" in response.content.decode()


def test_it_hides_every_aarhus_page_from_the_koebenhavn_caseworker(
    client, kbh_caseworker, aarhus_caseworker, viby_practice, midtjylland
):
    client.force_login(kbh_caseworker)
    for url in (
        worklist("751"),
        dashboard("751"),
        members("municipality", "751"),
        reverse("regions:region-detail", kwargs={"code": midtjylland.code}),
        reverse("vaccinators:routelist-list", kwargs={"code": viby_practice.code}),
    ):
        assert client.get(url).status_code == 404, url


def test_it_answers_404_for_a_municipality_that_does_not_exist(client, kbh_caseworker):
    client.force_login(kbh_caseworker)
    assert client.get(worklist("999")).status_code == 404


def test_it_forbids_the_dashboard_to_a_caseworker_of_the_same_municipality(client, kbh_caseworker):
    client.force_login(kbh_caseworker)
    assert client.get(dashboard("101")).status_code == 403


def test_it_shows_the_lead_the_dashboard_with_her_team(client, kbh_lead, kbh_caseworker):
    client.force_login(kbh_lead)
    response = client.get(dashboard("101"))
    assert response.status_code == 200
    assert "Signe Holm" in response.content.decode()
    assert "Lone Berg" in response.content.decode()


def test_it_shows_the_coordinator_her_region_and_not_the_other(
    client, hovedstaden_coordinator, noerrebro_practice, viby_practice
):
    client.force_login(hovedstaden_coordinator)
    own = client.get(reverse("regions:region-detail", kwargs={"code": "1084"}))
    assert own.status_code == 200
    page = own.content.decode()
    assert "Frederiksberg" in page
    assert "Lægerne på Nørrebrogade" in page
    assert "Aarhus" not in page
    assert "Lægerne i Viby" not in page
    assert client.get(reverse("regions:region-detail", kwargs={"code": "1082"})).status_code == 404


def test_it_lets_the_coordinator_see_but_not_work_a_municipality_of_her_region(
    client, hovedstaden_coordinator
):
    client.force_login(hovedstaden_coordinator)
    assert client.get(worklist("101")).status_code == 403
    assert client.get(worklist("751")).status_code == 404


def test_it_shows_a_gp_only_her_own_practice(client, noerrebro_gp, viby_practice):
    client.force_login(noerrebro_gp)
    own = reverse("vaccinators:routelist-list", kwargs={"code": "990101"})
    assert client.get(own).status_code == 200
    other = reverse("vaccinators:routelist-list", kwargs={"code": viby_practice.code})
    assert client.get(other).status_code == 404
    assert client.get(worklist("101")).status_code == 404


def test_it_shows_reference_data_only_to_the_national_administrator(
    client, administrator, kbh_lead
):
    url = reverse("outreach:reference-data")
    client.force_login(administrator)
    response = client.get(url)
    assert response.status_code == 200
    assert "Region Nordjylland" in response.content.decode()
    client.force_login(kbh_lead)
    assert client.get(url).status_code == 404


def test_it_shows_the_auditor_who_has_access(client, kbh_auditor, kbh_caseworker, aarhus):
    client.force_login(kbh_auditor)
    response = client.get(members("municipality", "101"))
    assert response.status_code == 200
    assert "Signe Holm" in response.content.decode()
    assert client.get(members("municipality", "751")).status_code == 404
    assert client.get(members("galaxy", "101")).status_code == 404


def test_it_forbids_the_member_list_to_a_caseworker(client, kbh_caseworker):
    client.force_login(kbh_caseworker)
    assert client.get(members("municipality", "101")).status_code == 403


def test_it_denies_everything_to_a_superuser_without_a_role(client, django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@example.dk", "x" * 20)
    client.force_login(root)
    assert client.get(worklist("101")).status_code == 404
    assert client.get(reverse("outreach:reference-data")).status_code == 404


def test_it_scopes_municipalities_by_membership(
    kbh_caseworker, hovedstaden_coordinator, administrator
):
    assert list(
        access.municipalities_visible_to(kbh_caseworker).values_list("code", flat=True)
    ) == ["101"]
    region_codes = set(
        access.municipalities_visible_to(hovedstaden_coordinator).values_list(
            "region__code", flat=True
        )
    )
    assert region_codes == {"1084"}
    assert access.municipalities_visible_to(administrator).count() == 98


def test_it_opens_a_municipality_to_a_user_with_a_direct_grant(client, aarhus_caseworker):
    """A time-limited cross-municipality grant is a per-object permission on the user."""
    assign_perm("work_cases", aarhus_caseworker, Municipality.objects.get(code="147"))
    client.force_login(aarhus_caseworker)
    assert client.get(worklist("147")).status_code == 200
    assert client.get(worklist("101")).status_code == 404


def test_it_takes_effect_at_once_when_a_role_is_revoked(client, kbh_caseworker):
    client.force_login(kbh_caseworker)
    assert client.get(worklist("101")).status_code == 200
    role_group = RoleGroup.objects.get(role=Role.CASEWORKER, municipality__code="101")
    services.membership_revoke(user=kbh_caseworker, role_group=role_group)
    response = client.get(worklist("101"))
    assert response.status_code == 404


def test_it_loads_grants_in_one_query(kbh_caseworker, django_assert_num_queries):
    access.forget(kbh_caseworker)
    with django_assert_num_queries(1):
        granted = access.grants(kbh_caseworker)
        access.grants(kbh_caseworker)
    assert granted.on(Municipality.objects.get(code="101")) == frozenset({"work_cases"})


def test_it_takes_access_away_with_a_deleted_role_group(client, kbh_caseworker, kbh_lead):
    role_group = RoleGroup.objects.get(role=Role.CASEWORKER, municipality__code="101")
    services.role_group_delete(role_group=role_group)
    client.force_login(kbh_caseworker)
    assert client.get(worklist("101")).status_code == 404
    # Granting the role again starts an empty group: the old members do not come back.
    services.membership_grant(
        user=kbh_lead, role=Role.CASEWORKER, organisation=Municipality.objects.get(code="101")
    )
    assert client.get(worklist("101")).status_code == 404


def test_it_ignores_a_bare_group_left_with_guardian_permissions(client, kbh_caseworker):
    """Only role groups grant access; a group whose role group row is gone grants nothing."""
    role_group = RoleGroup.objects.get(role=Role.CASEWORKER, municipality__code="101")
    role_group.delete()  # the Django group and its object permissions stay behind
    client.force_login(kbh_caseworker)
    assert client.get(worklist("101")).status_code == 404


def test_it_forbids_reference_data_to_a_national_auditor(client, sst):
    auditor = persona("bente", Role.AUDITOR, sst)
    client.force_login(auditor)
    assert client.get(reverse("outreach:reference-data")).status_code == 403


def test_it_shows_reference_data_to_an_administrator_who_is_also_an_auditor(client, administrator):
    ssi = NationalBody.objects.get(code="SSI")
    services.membership_grant(user=administrator, role=Role.AUDITOR, organisation=ssi)
    client.force_login(administrator)
    assert client.get(reverse("outreach:reference-data")).status_code == 200


def test_it_shows_the_coordinator_who_works_at_a_practice_of_her_region(
    client, hovedstaden_coordinator, noerrebro_gp, viby_practice
):
    client.force_login(hovedstaden_coordinator)
    response = client.get(members("vaccinator", "990101"))
    assert response.status_code == 200
    assert "Lise Bach" in response.content.decode()
    assert client.get(members("vaccinator", viby_practice.code)).status_code == 404


def test_it_keeps_role_group_permissions_in_step_with_the_role(kbh_lead, koebenhavn):
    role_group = RoleGroup.objects.get(role=Role.LEAD, municipality=koebenhavn)
    remove_perm("lead_team", role_group.group, koebenhavn)
    services.role_group_get_or_create(organisation=koebenhavn, role=Role.LEAD)
    assert set(get_group_perms(role_group.group, koebenhavn)) == {
        "work_cases",
        "lead_team",
        "view_municipal_dashboard",
    }
