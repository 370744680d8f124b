"""``manage.py load_demo``: a demo world every demo user can log in to, loaded again and again."""

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from municipalities.models import (
    ContactAttempt,
    ContactDetailsChange,
    ContactInfo,
    ContactTask,
    HelpRequest,
    Referral,
    SsiListImport,
    TransportBooking,
    Visitation,
)
from outreach.demo import DEMO_PASSWORD, MUNICIPALITIES
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
        # No phone: the verification page shows the demo account's code, in demo mode only.
        verify = client.get("/", follow=True)
        assert verify.redirect_chain[-1][0] == "/login/verify/?next=%2F", user.username
        code = verify.context["demo_code"]
        assert code and code in verify.content.decode(), user.username
        response = client.post(verify.redirect_chain[-1][0], {"code": code}, follow=True)
        assert response.status_code == 200, user.username
        assert len(response.redirect_chain) == 2, user.username  # to / and on to their page
        assert not response.redirect_chain[-1][0].startswith("/login/"), user.username
        client.logout()


def test_it_refuses_outside_demo_mode(settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="only in demo mode"):
        call_command("load_demo")


CASEWORK_MODELS = (
    ContactAttempt, Visitation, Referral, TransportBooking, ContactDetailsChange, ContactInfo,
    HelpRequest,
)  # fmt: skip
TASK_COLUMNS = (
    "pk", "status", "stage", "attempts", "referral_status", "triaged", "assigned_to",
    "claimed_by", "claim_expires_at", "call_later_at", "closed_at",
)  # fmt: skip


def casework_snapshot() -> tuple:
    """Everything the demo's casework writes, to compare one load with the next."""
    return (
        list(ContactTask.objects.order_by("pk").values_list(*TASK_COLUMNS)),
        [model.objects.count() for model in CASEWORK_MODELS],
        list(ContactInfo.objects.values_list("pk", "updated_at")),
    )


def test_it_works_a_share_of_each_municipalitys_tasks_into_every_state():
    call_command("load_demo")
    now, today = timezone.now(), timezone.localdate()
    for code, slug in MUNICIPALITIES.items():
        tasks = ContactTask.objects.filter(municipality__code=code)
        assert set(tasks.values_list("stage", flat=True)) == set(ContactTask.Stage.values), code
        caseworker = User.objects.get(username=f"{slug}.caseworker")
        assert tasks.filter(claimed_by=caseworker, claim_expires_at__gt=now).exists()
        assert tasks.filter(assigned_to=caseworker, status="open").exists()
        assert tasks.filter(call_later_at__lte=now).exists()
        assert tasks.filter(call_later_at__gt=now).exists()
        assert tasks.filter(status="open", stage__in=ContactTask.TO_DO, due_on__lt=today).exists()
        # Not reached on several days.
        assert any(
            len({timezone.localdate(a.made_at) for a in task.contact_attempts.all()}) >= 2
            for task in tasks.filter(stage="contacting").prefetch_related("contact_attempts")
        )
        decisions = Visitation.objects.filter(task__municipality__code=code)
        assert set(decisions.values_list("decision", flat=True)) == set(Visitation.Decision.values)
        assert (
            decisions.filter(
                decision="home", mobility="bedridden", guardian_informed_at__isnull=False
            )
            .exclude(citizen__guardian_name="")
            .exists()
        )
        referrals = Referral.objects.filter(municipality__code=code)
        assert set(referrals.values_list("status", flat=True)) == {
            "requested", "accepted", "scheduled", "done", "returned",
        }  # fmt: skip
        assert referrals.get(status="returned").comment
        rides = TransportBooking.objects.filter(municipality__code=code)
        assert rides.filter(pathway="site", status="booked").exists()
        assert rides.filter(pathway="popup", task__referral_status="requested").exists()
        assert ContactInfo.objects.get(municipality__code=code).text
        help_requests = HelpRequest.objects.filter(municipality__code=code)
        assert help_requests.filter(task__isnull=False).count() == 1
        assert help_requests.filter(citizen__isnull=True).count() == 1


def test_it_leaves_the_casework_alone_on_a_second_load():
    call_command("load_demo")
    first = casework_snapshot()
    call_command("load_demo")
    assert casework_snapshot() == first
