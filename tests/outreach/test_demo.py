"""``manage.py load_demo``: a demo world every demo user can log in to, loaded again and again."""

import pytest
from django.core.management import CommandError, call_command

from municipalities.models import ContactTask, SsiListImport
from outreach.demo import DEMO_PASSWORD
from outreach.models import RoleGroup, User, VaccinatorOrganisation

pytestmark = pytest.mark.django_db


def test_it_loads_the_same_world_twice(capsys):
    call_command("load_demo")
    first = (
        User.objects.count(),
        RoleGroup.objects.count(),
        VaccinatorOrganisation.objects.count(),
    )
    call_command("load_demo")
    second = (
        User.objects.count(),
        RoleGroup.objects.count(),
        VaccinatorOrganisation.objects.count(),
    )
    assert first == second
    assert VaccinatorOrganisation.objects.filter(region__code="1084").count() == 2
    assert VaccinatorOrganisation.objects.filter(region__code="1082").count() == 2
    assert "koebenhavn.caseworker" in capsys.readouterr().out


def test_it_imports_a_week_of_ssi_lists_for_each_demo_municipality():
    call_command("load_demo")
    for code in ("101", "147", "751"):
        list_import = SsiListImport.objects.get(municipality__code=code)
        assert (list_import.status, list_import.week) == ("done", "2021-W09")
        assert ContactTask.objects.filter(municipality__code=code, status="open").count() > 30


def test_it_lets_every_demo_user_log_in_and_land_on_their_page(client):
    call_command("load_demo")
    for user in User.objects.exclude(username="admin"):
        assert client.login(username=user.username, password=DEMO_PASSWORD), user.username
        response = client.get("/", follow=True)
        assert response.status_code == 200, user.username
        assert len(response.redirect_chain) == 1, user.username
        client.logout()


def test_it_refuses_outside_demo_mode(settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="only in demo mode"):
        call_command("load_demo")
