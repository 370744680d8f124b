"""The regional coordinator's dashboard: per municipality of the region, how far the citizens have
come and what waits for the region; the pop-up sessions and how full they are; the vaccine used
and wasted; and the same as CSV files, counts only.

The world is made the way the work leaves it: caseworkers in København and Frederiksberg refer
citizens, Kasper (the coordinator) accepts, books, returns and records the doses, through the real
services.
"""

import csv
import io
from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from municipalities.models import ContactTask, Referral
from municipalities.services import cases
from outreach.models import AccessEvent, Region
from outreach.roles import Role
from regions.models import PopupSession, StockMovement
from regions.selectors import dashboard as dashboard_selectors
from regions.selectors.stock import vaccine_totals
from regions.services import sessions, stock
from tests.factories import fake_cpr, persona
from tests.municipalities.casework import citizen_tasks
from tests.regions import world

pytestmark = pytest.mark.django_db

# The page: the session, the user, their memberships and grants; the region's municipalities,
# four funnel queries (tasks, attempts, decisions, referrals), the sessions, two stock queries;
# the access event. The same for 2 referrals and sessions as for 20.
# One more since ADR 0014: the device that verified the second factor.
PAGE_QUERIES = 14


def dashboard_url(code: str = "1084") -> str:
    return reverse("regions:region-dashboard", kwargs={"code": code})


def export_url(code: str = "1084", part: str | None = None) -> str:
    url = reverse("regions:region-dashboard-export", kwargs={"code": code})
    return f"{url}?part={part}" if part else url


def days_ago(days: int) -> datetime:
    """Noon, ``days`` days before today, so that the day count does not depend on the hour."""
    day = timezone.localdate() - timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(12)))


def waiting_since(referral: Referral, days: int) -> None:
    """The referral came into its status ``days`` days ago."""
    Referral.objects.filter(pk=referral.pk).update(status_changed_at=days_ago(days))


def reach(name: str, caseworker, *, reached: bool = True) -> None:
    task = ContactTask.objects.get(citizen__name=name, status=ContactTask.Status.OPEN)
    cases.attempt_record(
        task=task,
        user=caseworker,
        channel="phone",
        reached=reached,
        answered_by="citizen" if reached else "",
    )


def rows_of(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


@pytest.fixture
def frb_caseworker(frederiksberg):
    return persona("frede", Role.CASEWORKER, frederiksberg, first_name="Frede", last_name="Skov")


@pytest.fixture
def hovedstaden_auditor(hovedstaden):
    return persona("aase", Role.AUDITOR, hovedstaden, first_name="Aase", last_name="Krag")


@pytest.fixture
def capital(
    tmp_path,
    hovedstaden,
    hovedstaden_coordinator,
    kbh_caseworker,
    frb_caseworker,
    aarhus_caseworker,
):
    """A fortnight's work in Hovedstaden:

    København (Borger 0-8): six pop-up referrals: Borger 0 requested ten days ago, Borger 1
    accepted four days ago, Borger 2 and 3 booked into next week's session at Nørrebrohallen,
    Borger 4 booked into a session held last week and done, Borger 5 returned; Borger 6 referred
    for home vaccination, accepted three days ago; Borger 7 reached but not assessed, Borger 8 not
    reached. Borger 0, 1 and 7 were reached on the phone.
    Frederiksberg (Borger 20-22): two pop-up referrals requested two and six days ago, one home
    referral requested today.
    Aarhus, in Midtjylland, has a referral that must not count here.

    Sessions: Nørrebrohallen next week (capacity 20, 2 booked), "=cmd" in a fortnight (capacity
    10, nobody), last week's session (capacity 4, 1 done), one cancelled.
    Stock: 10 vials of Comirnaty received, 2 allocated to Nørrebrohallen, 8 doses given there and
    1 wasted.
    """
    kasper = hovedstaden_coordinator
    popup = world.referrals(tmp_path, kbh_caseworker, "101", 6)
    (home,) = world.referrals(tmp_path, kbh_caseworker, "101", 1, pathway="home", start=6)
    (tmp_path / "101-listed").mkdir()
    citizen_tasks(tmp_path / "101-listed", "101", 2, start=7)
    reach("Borger 0", kbh_caseworker)
    reach("Borger 1", kbh_caseworker)
    reach("Borger 7", kbh_caseworker)
    reach("Borger 8", kbh_caseworker, reached=False)

    accepted = [cases.referral_accept(referral=referral) for referral in popup[1:5]]
    hall = world.session(hovedstaden, capacity=20)
    odd = world.session(
        hovedstaden,
        capacity=10,
        day=world.next_week(14),
        at=world.site(hovedstaden, name="=cmd"),
    )
    held = world.session(hovedstaden, capacity=4, day=world.next_week(1))
    cancelled = world.session(hovedstaden, capacity=8, day=world.next_week(3))
    sessions.session_cancel(session=cancelled, user=kasper)
    sessions.session_book(session=hall, referral=accepted[1], user=kasper)
    sessions.session_book(session=hall, referral=accepted[2], user=kasper)
    sessions.session_book(session=held, referral=accepted[3], user=kasper)
    cases.referral_complete(referral=accepted[3])
    PopupSession.objects.filter(pk=held.pk).update(date=timezone.localdate() - timedelta(days=7))
    cases.referral_return(referral=popup[5], comment="Ingen session i området før maj.")
    waiting_since(popup[0], 10)
    waiting_since(accepted[0], 4)
    waiting_since(cases.referral_accept(referral=home), 3)

    frb = world.referrals(tmp_path, frb_caseworker, "147", 2, start=20)
    world.referrals(tmp_path, frb_caseworker, "147", 1, pathway="home", start=22)
    waiting_since(frb[0], 2)
    waiting_since(frb[1], 6)
    world.referrals(tmp_path, aarhus_caseworker, "751", 1, start=30)

    batch = world.stocked(hovedstaden, kasper, vials=10)
    stock.stock_allocate(place=hall, user=kasper, vials=2)
    stock.stock_use(
        place=hall,
        user=kasper,
        batch=batch,
        administered=8,
        wasted=1,
        waste_reason=StockMovement.WasteReason.DROPPED,
    )
    return {"hall": hall, "odd": odd, "held": held, "cancelled": cancelled}


def test_it_counts_the_funnel_per_municipality(hovedstaden, capital):
    funnel = dashboard_selectors.funnel(hovedstaden)
    assert len(funnel.rows) == 29  # every municipality of Hovedstaden, zeros included
    by_code = {row.municipality.code: row for row in funnel.rows}

    kbh = by_code["101"]
    assert (kbh.listed, kbh.reached, kbh.assessed) == (9, 3, 7)
    assert (kbh.referred, kbh.referred_popup, kbh.referred_home) == (6, 5, 1)
    assert (kbh.scheduled, kbh.done, kbh.returned) == (3, 1, 1)

    frb = by_code["147"]
    assert (frb.listed, frb.reached, frb.assessed) == (3, 0, 3)
    assert (frb.referred, frb.referred_popup, frb.referred_home) == (3, 2, 1)
    assert (frb.scheduled, frb.done, frb.returned) == (0, 0, 0)

    gentofte = by_code["157"]
    assert (gentofte.listed, gentofte.referred, gentofte.waiting_count) == (0, 0, 0)

    total = funnel.total
    assert (total.listed, total.reached, total.assessed, total.referred) == (12, 3, 10, 9)
    assert (total.scheduled, total.done, total.returned) == (3, 1, 1)


def test_it_counts_the_referrals_waiting_and_the_longest_wait(hovedstaden, capital):
    by_code = {row.municipality.code: row for row in dashboard_selectors.funnel(hovedstaden).rows}
    popup, home = Referral.Pathway.POPUP, Referral.Pathway.HOME
    requested, accepted = Referral.Status.REQUESTED, Referral.Status.ACCEPTED
    W = dashboard_selectors.Wait

    kbh = by_code["101"]
    assert kbh.wait(popup, requested) == W(count=1, longest_days=10)
    assert kbh.wait(popup, accepted) == W(count=1, longest_days=4)
    assert kbh.wait(home, requested) == W(count=0, longest_days=None)
    assert kbh.wait(home, accepted) == W(count=1, longest_days=3)

    frb = by_code["147"]
    assert frb.wait(popup, requested) == W(count=2, longest_days=6)
    assert frb.wait(home, requested) == W(count=1, longest_days=0)
    assert frb.waiting_count == 3

    total = dashboard_selectors.funnel(hovedstaden).total
    assert total.waits == [W(3, 10), W(1, 4), W(1, 0), W(1, 3)]


def test_it_fills_the_sessions(hovedstaden, capital):
    upcoming, past = dashboard_selectors.sessions(hovedstaden)

    assert [row.session for row in upcoming] == [
        capital["cancelled"],
        capital["hall"],
        capital["odd"],
    ]
    hall = upcoming[1]
    assert (hall.booked, hall.fill_rate) == (2, 10)
    assert (hall.vials.vials, hall.vials.wasted) == (1, 4)  # Comirnaty: 6 doses a vial
    # The cancelled session counts for nothing: 2 booked of 20 + 10 places.
    totals = dashboard_selectors.session_totals(upcoming)
    assert (totals.capacity, totals.booked, totals.fill_rate) == (30, 2, 7)

    # The citizen vaccinated last week still fills their place.
    ((held),) = past
    assert held.session == capital["held"]
    assert (held.booked, held.fill_rate) == (1, 25)


def test_it_rounds_a_half_per_cent_up():
    assert dashboard_selectors.fill_rate(3, 24) == 13
    assert dashboard_selectors.fill_rate(0, 24) == 0


def test_it_accounts_for_every_dose_and_the_waste_rate(hovedstaden, capital):
    (comirnaty,) = dashboard_selectors.stock(hovedstaden)
    assert comirnaty.product == "Comirnaty (BioNTech/Pfizer)"
    assert (comirnaty.received, comirnaty.on_hand, comirnaty.allocated) == (60, 48, 3)
    assert (comirnaty.administered, comirnaty.wasted) == (8, 1)
    assert comirnaty.received == (
        comirnaty.on_hand + comirnaty.allocated + comirnaty.administered + comirnaty.wasted
    )
    assert (comirnaty.on_hand_vials, comirnaty.allocated_vials) == (8, 0.5)
    assert comirnaty.waste_rate == 11.1  # 1 of the 9 doses used


def test_it_counts_allocated_doses_once_and_returns_back_in_the_store(
    hovedstaden, hovedstaden_coordinator
):
    kasper = hovedstaden_coordinator
    batch = world.stocked(hovedstaden, kasper, vials=5)
    session = world.session(hovedstaden)
    stock.stock_allocate(place=session, user=kasper, vials=3)
    stock.stock_return(place=session, user=kasper, batch=batch, vials=1)

    totals = vaccine_totals(hovedstaden)["Comirnaty (BioNTech/Pfizer)"]
    assert (totals["on_hand"], totals["allocated"]) == (18, 12)
    assert (totals["administered"], totals["wasted"]) == (0, 0)


def test_it_shows_the_dashboard_to_the_coordinator(
    client, in_english, hovedstaden_coordinator, capital
):
    client.force_login(hovedstaden_coordinator)
    response = client.get(dashboard_url())

    assert response.status_code == 200
    page = response.content.decode()
    assert "København" in page and "Frederiksberg" in page and "Gentofte" in page
    assert "Aarhus" not in page
    assert "=cmd" in page  # in HTML a site name is just text
    assert "11.1 %" in page
    assert "Borger" not in page
    assert 'id="chart-funnel-title"' in page and 'id="chart-waiting-title"' in page
    assert dashboard_url() in page  # the navigation's Dashboard item
    assert export_url(part="sessions").replace("&", "&amp;") in page

    event = AccessEvent.objects.get()
    assert (event.action, event.purpose) == (AccessEvent.Action.LIST, "Regional dashboard")
    assert (event.organisation_kind, event.organisation_code) == ("region", "1084")
    assert (event.role, event.citizen) == ("coordinator", None)


def test_it_offers_the_dashboard_in_the_regions_navigation(client, hovedstaden_coordinator):
    detail = reverse("regions:region-detail", kwargs={"code": "1084"})
    client.force_login(hovedstaden_coordinator)
    assert dashboard_url() in client.get(detail).content.decode()


def test_it_exports_the_municipalities_as_csv(client, in_english, hovedstaden_coordinator, capital):
    client.force_login(hovedstaden_coordinator)
    response = client.get(export_url())

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="dashboard-1084-municipalities-{today}.csv"'
    )
    header, *rows = rows_of(response)
    assert header[:11] == [
        "Municipality code", "Municipality", "Listed", "Reached", "Assessed", "Referred",
        "Referred to a pop-up", "Referred for home vaccination", "Scheduled", "Done", "Returned",
    ]  # fmt: skip
    assert header[11:13] == [
        "Pop-up: requested, not accepted",
        "Pop-up: requested, longest wait (days)",
    ]
    assert len(rows) == 29 + 1
    by_code = {row[0]: row for row in rows}
    assert by_code["101"][1:] == [
        "København", "9", "3", "7", "6", "5", "1", "3", "1", "1",
        "1", "10", "1", "4", "0", "", "1", "3",
    ]  # fmt: skip
    assert by_code["147"][2:] == [
        "3", "0", "3", "3", "2", "1", "0", "0", "0", "2", "6", "0", "", "1", "0", "0", "",
    ]  # fmt: skip
    assert rows[-1][:6] == ["", "All municipalities", "12", "3", "10", "9"]

    event = AccessEvent.objects.get()
    assert (event.action, event.purpose) == (AccessEvent.Action.EXPORT, "Regional dashboard")
    assert (event.organisation_code, event.citizen) == ("1084", None)
    assert event.detail == "municipalities: 30 rows"


def test_it_exports_the_sessions_with_a_formula_made_harmless(
    client, in_english, hovedstaden_coordinator, capital
):
    client.force_login(hovedstaden_coordinator)
    response = client.get(export_url(part="sessions"))

    assert response["Content-Disposition"].startswith(
        'attachment; filename="dashboard-1084-sessions-'
    )
    header, *rows = rows_of(response)
    assert header[:3] == ["Site", "Address", "Date"]
    sites = [row[0] for row in rows]
    assert sites == ["Nørrebrohallen", "Nørrebrohallen", "Nørrebrohallen", "'=cmd"]
    held, cancelled, hall, _odd = rows
    assert held[6:] == ["4", "1", "25", "1", "5", "Planned"]
    assert cancelled[6:] == ["8", "0", "0", "0", "0", "Cancelled"]
    assert hall[6:] == ["20", "2", "10", "1", "4", "Planned"]


def test_it_exports_the_stock(client, in_english, hovedstaden_coordinator, capital):
    client.force_login(hovedstaden_coordinator)
    response = client.get(export_url(part="stock"))

    header, *rows = rows_of(response)
    assert header[0] == "Product"
    assert rows == [
        ["Comirnaty (BioNTech/Pfizer)", "6", "60", "48", "8.0", "3", "0.5", "8", "1", "11.1"]
    ]


def test_it_names_no_citizen_in_any_file(client, hovedstaden_coordinator, capital):
    client.force_login(hovedstaden_coordinator)
    for part in ("municipalities", "sessions", "stock"):
        text = client.get(export_url(part=part)).content.decode()
        assert "Borger" not in text
        for n in (0, 4, 20):
            cpr = fake_cpr(n)
            assert cpr not in text and cpr.replace("-", "") not in text
            assert cpr[:6] not in text


def test_it_refuses_an_unknown_part(client, hovedstaden_coordinator, hovedstaden):
    client.force_login(hovedstaden_coordinator)
    assert client.get(export_url(part="citizens")).status_code == 404
    assert not AccessEvent.objects.exists()


@pytest.mark.parametrize("url", [dashboard_url, export_url])
def test_it_hides_the_region_from_another_regions_coordinator(
    client, midtjylland_coordinator, hovedstaden, url
):
    client.force_login(midtjylland_coordinator)
    assert client.get(url()).status_code == 404
    assert client.get(url("1082")).status_code == 200


@pytest.mark.parametrize("url", [dashboard_url, export_url])
def test_it_hides_the_region_from_a_caseworker(client, kbh_caseworker, hovedstaden, url):
    client.force_login(kbh_caseworker)
    assert client.get(url()).status_code == 404


@pytest.mark.parametrize("url", [dashboard_url, export_url])
def test_it_refuses_the_regions_auditor(client, hovedstaden_auditor, url):
    client.force_login(hovedstaden_auditor)
    assert client.get(url()).status_code == 403
    assert not AccessEvent.objects.exists()


@pytest.mark.parametrize("count", [2, 20])
def test_it_keeps_its_queries_fixed_however_many_referrals_and_sessions(
    client,
    tmp_path,
    hovedstaden,
    hovedstaden_coordinator,
    kbh_caseworker,
    frb_caseworker,
    count,
    django_assert_num_queries,
):
    kasper = hovedstaden_coordinator
    referrals = world.referrals(tmp_path, kbh_caseworker, "101", count, accepted=True)
    world.referrals(tmp_path, frb_caseworker, "147", count, start=100, pathway="home")
    world.stocked(hovedstaden, kasper, vials=count)
    for n, referral in enumerate(referrals):
        session = world.session(
            hovedstaden, day=world.next_week(n + 1), at=world.site(hovedstaden, name=f"Hal {n}")
        )
        sessions.session_book(session=session, referral=referral, user=kasper)
        stock.stock_allocate(place=session, user=kasper, vials=1)
    client.force_login(kasper)

    with django_assert_num_queries(PAGE_QUERIES):
        response = client.get(dashboard_url())
    assert response.status_code == 200
    assert Region.objects.get(code="1084").popup_sessions.count() == count


def test_it_keeps_a_vaccinated_citizens_place_when_the_session_is_cancelled(
    tmp_path, hovedstaden, hovedstaden_coordinator, kbh_caseworker
):
    kasper = hovedstaden_coordinator
    came, waits = world.referrals(tmp_path, kbh_caseworker, "101", 2, accepted=True)
    session = world.session(hovedstaden)
    sessions.session_book(session=session, referral=came, user=kasper)
    sessions.session_book(session=session, referral=waits, user=kasper)
    cases.referral_complete(referral=came)

    sessions.session_cancel(session=session, user=kasper)

    came.refresh_from_db()
    waits.refresh_from_db()
    assert (came.status, waits.status) == (Referral.Status.DONE, Referral.Status.ACCEPTED)
    ((row,), _past) = dashboard_selectors.sessions(hovedstaden)
    assert (row.booked, row.counts) == (1, False)
