"""A citizen, or their daughter, asks the municipality for help from its public page; the request
reaches the caseworkers, joined to the citizen's case when the CPR number matches."""

import logging
import time
from datetime import date
from pathlib import Path

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from municipalities import services
from municipalities.help_forms import form_token
from municipalities.models import ContactInfo, ContactTask, HelpRequest
from municipalities.ssi.weeks import parse_week
from outreach.models import AccessEvent, Municipality
from tests.factories import fake_cpr

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _independent(client, settings):
    """Each test starts with a fresh rate limit, and reads the pages in English (the language of
    the source strings it looks for)."""
    cache.clear()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    yield
    cache.clear()


def import_list(tmp_path: Path, code: str, rows: list[str]) -> None:
    path = tmp_path / f"{code}.csv"
    path.write_text("cpr;navn;målgruppe;invitationsdato\n" + "\n".join(rows), encoding="utf-8")
    list_import, _ = services.ssi_list_import_receive(
        path=path, original_name=path.name, source="command",
        municipality=Municipality.objects.get(code=code), week=parse_week("2021-W10"),
    )  # fmt: skip
    services.ssi_list_import_process(list_import_id=list_import.pk)


def page_url(code: str = "101") -> str:
    return reverse("help:help-page", kwargs={"code": code})


def filled_in(code: str = "101", **values) -> dict:
    """The form as Karen's daughter sends it, a minute after opening the page."""
    return {
        "name": "Karen Jensen",
        "phone": "+45 20 12 34 56",
        "street": "Nørrebrogade 1, 2. tv.",
        "postcode": "2200",
        "relation": "relative",
        "requester_name": "Mette Jensen",
        "cpr_number": "",
        "message": "Min mor kan ikke selv komme til vaccinationsstedet.",
        "website": "",
        "started": form_token(code, at=time.time() - 60),
        **values,
    }


@pytest.fixture
def karen_listed(tmp_path, koebenhavn):
    import_list(tmp_path, "101", [f"{fake_cpr(1)};Karen Jensen;3;01.03.2021"])
    return ContactTask.objects.get(citizen__name="Karen Jensen")


# The public page -----------------------------------------------------------------------------


def test_it_shows_the_help_page_without_login(client, koebenhavn):
    ContactInfo.objects.create(
        municipality=koebenhavn,
        phone="33 66 33 66",
        hours="Mandag-fredag 9-15",
        email="vaccination@kk.example",
        text="Vi hjælper med booking og transport.",
    )
    page = client.get(page_url())
    text = page.content.decode()
    assert page.status_code == 200
    assert "Vi hjælper med booking og transport." in text
    assert 'href="tel:+4533663366"' in text
    assert "Mandag-fredag 9-15" in text
    assert "vaccination@kk.example" in text
    assert 'name="cpr_number"' in text
    assert 'name="started"' in text


def test_it_hides_the_honeypot_from_people(client, koebenhavn):
    text = client.get(page_url()).content.decode()
    trap = text[text.index('aria-hidden="true">', text.index("sr-only")) :]
    trap = trap[: trap.index("</div>")]
    assert 'name="website"' in trap
    assert 'tabindex="-1"' in trap
    assert 'autocomplete="off"' in trap


def test_it_answers_404_for_an_unknown_municipality(client, reference_data):
    assert client.get(page_url("999")).status_code == 404
    assert client.post(page_url("999"), filled_in("999")).status_code == 404
    assert client.get(reverse("help:help-thanks", kwargs={"code": "999"})).status_code == 404


def test_it_receives_a_request_from_a_relative(client, koebenhavn):
    response = client.post(page_url(), filled_in())
    assert response.status_code == 302
    assert response["Location"] == reverse("help:help-thanks", kwargs={"code": "101"})
    help_request = HelpRequest.objects.get()
    assert help_request.municipality == koebenhavn
    assert (help_request.name, help_request.phone) == ("Karen Jensen", "20 12 34 56")
    assert (help_request.street, help_request.postcode) == ("Nørrebrogade 1, 2. tv.", "2200")
    assert (help_request.relation, help_request.requester_name) == ("relative", "Mette Jensen")
    assert (help_request.status, help_request.citizen, help_request.task) == ("new", None, None)
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200
    assert "we have received your request" in thanks.content.decode()


def test_it_joins_a_request_with_a_matching_cpr_to_the_citizens_open_case(client, karen_listed):
    response = client.post(page_url(), filled_in(cpr_number=fake_cpr(1)))
    assert response.status_code == 302
    help_request = HelpRequest.objects.get()
    assert help_request.citizen == karen_listed.citizen
    assert help_request.task == karen_listed
    assert ContactTask.objects.count() == 1


def test_it_opens_a_case_for_a_known_citizen_without_an_open_one(client, karen_listed):
    ContactTask.objects.filter(pk=karen_listed.pk).update(
        status="closed", close_reason="booked", closed_at=timezone.now(), stage="closed"
    )
    client.post(page_url(), filled_in(cpr_number=fake_cpr(1).replace("-", "")))
    help_request = HelpRequest.objects.get()
    task = help_request.task
    assert task is not None and task.pk != karen_listed.pk
    assert (task.status, task.stage, task.municipality.code) == ("open", "new", "101")
    assert task.citizen == karen_listed.citizen
    assert task.priority == karen_listed.priority
    assert (task.birth_date, task.invited_on) == (karen_listed.birth_date, date(2021, 3, 1))
    today = timezone.localdate()
    assert task.due_on == today
    assert task.first_listed_week.weekday() == 0
    assert task.first_listed_week == task.last_listed_week
    assert task.times_listed == 0


def test_it_keeps_a_request_with_an_unknown_cpr_for_a_caseworker(client, karen_listed):
    client.post(page_url(), filled_in(cpr_number=fake_cpr(2)))
    help_request = HelpRequest.objects.get()
    assert (help_request.citizen, help_request.task, help_request.status) == (None, None, "new")


def test_it_does_not_match_a_citizen_of_another_municipality(client, tmp_path, koebenhavn):
    import_list(tmp_path, "751", [f"{fake_cpr(3)};Aarhus Borger;3;01.03.2021"])
    client.post(page_url(), filled_in(cpr_number=fake_cpr(3)))
    help_request = HelpRequest.objects.get()
    assert (help_request.citizen, help_request.task) == (None, None)
    assert ContactTask.objects.count() == 1


def test_it_never_stores_or_logs_the_cpr_number(client, karen_listed, caplog):
    number = fake_cpr(1)
    with caplog.at_level(logging.DEBUG):
        client.post(page_url(), filled_in(cpr_number=number))
    values = HelpRequest.objects.values().get()
    for value in values.values():
        for shown in (number, number.replace("-", "")):
            assert shown not in str(value)
    assert number.replace("-", "") not in caplog.text
    assert number not in caplog.text


def test_it_explains_a_cpr_number_that_is_not_one(client, koebenhavn):
    page = client.post(page_url(), filled_in(cpr_number="12345"))
    assert page.status_code == 422
    text = page.content.decode()
    assert "The CPR number must be 10 digits." in text
    assert "There is a problem" in text
    assert not HelpRequest.objects.exists()


def test_it_checks_the_phone_number_and_the_askers_name(client, koebenhavn):
    page = client.post(page_url(), filled_in(phone="1234", requester_name="", postcode="22"))
    assert page.status_code == 422
    text = page.content.decode()
    assert "Write a Danish phone number with 8 digits" in text
    assert "Write your own name" in text
    assert "A postcode is 4 digits" in text
    assert not HelpRequest.objects.exists()


def test_it_needs_no_asker_name_from_the_citizen_herself(client, koebenhavn):
    response = client.post(page_url(), filled_in(relation="self", requester_name="Mette"))
    assert response.status_code == 302
    assert HelpRequest.objects.get().requester_name == ""


# Spam --------------------------------------------------------------------------------------------


def test_it_pretends_to_accept_a_filled_in_honeypot_and_stores_nothing(client, koebenhavn):
    response = client.post(page_url(), filled_in(website="https://spam.example"))
    assert response.status_code == 302
    assert response["Location"] == reverse("help:help-thanks", kwargs={"code": "101"})
    assert not HelpRequest.objects.exists()


def test_it_refuses_a_form_sent_too_fast_and_keeps_what_was_typed(client, koebenhavn):
    page = client.post(page_url(), filled_in(started=form_token("101")))
    assert page.status_code == 422
    text = page.content.decode()
    assert "We could not receive the form." in text
    assert 'value="Mette Jensen"' in text
    assert "Min mor kan ikke selv komme til vaccinationsstedet." in text
    assert not HelpRequest.objects.exists()


@pytest.mark.parametrize(
    ("started", "message"),
    [
        (lambda: form_token("101", at=time.time() - 3 * 60 * 60), "open for more than two hours"),
        (lambda: form_token("147", at=time.time() - 60), "We could not receive the form."),
        (lambda: "1616000000", "We could not receive the form."),
        (lambda: "", "We could not receive the form."),
    ],
    ids=["too old", "another municipality's", "forged", "missing"],
)
def test_it_refuses_a_form_whose_time_is_not_believable(client, koebenhavn, started, message):
    page = client.post(page_url(), filled_in(started=started()))
    assert page.status_code == 422
    assert message in page.content.decode()
    assert not HelpRequest.objects.exists()


def test_it_limits_requests_per_connection_and_gives_the_phone_number(client, koebenhavn, settings):
    settings.HELP_REQUESTS_PER_HOUR = 2
    ContactInfo.objects.create(municipality=koebenhavn, phone="33 66 33 66")
    assert client.post(page_url(), filled_in()).status_code == 302
    assert client.post(page_url(), filled_in(website="spam")).status_code == 302  # counts too
    refused = client.post(page_url(), filled_in(), HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert refused.status_code == 429
    assert "33 66 33 66" in refused.content.decode()
    assert HelpRequest.objects.count() == 1
    # Another connection has its own budget.
    assert client.post(page_url(), filled_in(), REMOTE_ADDR="198.51.100.7").status_code == 302
    assert HelpRequest.objects.count() == 2
    # Reading the page is never limited.
    assert client.get(page_url()).status_code == 200


def test_it_does_not_count_a_form_with_mistakes(client, koebenhavn, settings):
    settings.HELP_REQUESTS_PER_HOUR = 1
    assert client.post(page_url(), filled_in(phone="12")).status_code == 422
    assert client.post(page_url(), filled_in(phone="12")).status_code == 422
    assert client.post(page_url(), filled_in()).status_code == 302


# The caseworkers' queue ----------------------------------------------------------------------


def queue_url(code: str = "101") -> str:
    return reverse("municipalities:help-request-list", kwargs={"code": code})


def handle_url(help_request, code: str = "101") -> str:
    return reverse(
        "municipalities:help-request-handle", kwargs={"code": code, "pk": help_request.pk}
    )


def submitted(client, code: str = "101", **values) -> HelpRequest:
    assert client.post(page_url(code), filled_in(code, **values)).status_code == 302
    client.logout()
    return HelpRequest.objects.latest("pk")


def test_it_lists_new_requests_newest_first_with_the_matched_case(
    client, karen_listed, kbh_caseworker, aarhus
):
    submitted(client, name="Første Borger")
    submitted(client, name="Karen Jensen", cpr_number=fake_cpr(1))
    submitted(client, code="751", name="Aarhus Borger")
    client.force_login(kbh_caseworker)
    page = client.get(queue_url())
    text = page.content.decode()
    assert page.status_code == 200
    assert text.index("Karen Jensen") < text.index("Første Borger")
    assert "Aarhus Borger" not in text
    assert "20 12 34 56" in text and "Mette Jensen" in text
    case_url = reverse("municipalities:case-detail", kwargs={"code": "101", "pk": karen_listed.pk})
    assert case_url in text
    event = AccessEvent.objects.get()
    assert (event.user, event.action, event.detail) == (kbh_caseworker, "list", "2")


def test_it_marks_a_request_handled_with_what_was_done(client, koebenhavn, kbh_caseworker):
    help_request = submitted(client)
    client.force_login(kbh_caseworker)
    prefix = f"request-{help_request.pk}-"
    refused = client.post(handle_url(help_request), {prefix + "note": " "})
    assert refused.status_code == 422
    response = client.post(handle_url(help_request), {prefix + "note": "Ringet op, tid booket."})
    assert response.status_code == 302
    help_request.refresh_from_db()
    assert (help_request.status, help_request.handled_by) == ("handled", kbh_caseworker)
    assert help_request.handled_note == "Ringet op, tid booket."
    assert help_request.handled_at is not None
    assert "Karen Jensen" not in client.get(queue_url()).content.decode()
    handled = client.get(queue_url(), {"status": "handled"}).content.decode()
    assert "Ringet op, tid booket." in handled


def test_it_shows_nothing_to_a_caseworker_in_aarhus(client, koebenhavn, aarhus_caseworker):
    help_request = submitted(client)
    client.force_login(aarhus_caseworker)
    assert client.get(queue_url()).status_code == 404
    note = {f"request-{help_request.pk}-note": "x"}
    assert client.post(handle_url(help_request), note).status_code == 404
    editor = reverse("municipalities:contact-info-edit", kwargs={"code": "101"})
    assert client.get(editor).status_code == 404
    assert not AccessEvent.objects.exists()


def test_it_will_not_handle_another_municipalitys_request(
    client, koebenhavn, aarhus, kbh_caseworker
):
    theirs = submitted(client, code="751")
    client.force_login(kbh_caseworker)
    response = client.post(handle_url(theirs), {f"request-{theirs.pk}-note": "x"})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "new"


@pytest.mark.parametrize("requests", [3, 30])
def test_it_keeps_the_queues_queries_flat(
    client, koebenhavn, kbh_caseworker, django_assert_max_num_queries, requests
):
    for n in range(requests):
        HelpRequest.objects.create(
            municipality=koebenhavn, name=f"Borger {n}", phone="20 12 34 56", relation="self"
        )
    client.force_login(kbh_caseworker)
    # One more since ADR 0014: the device that verified the second factor.
    with django_assert_max_num_queries(10):
        assert client.get(queue_url()).status_code == 200


# The lead's editor ---------------------------------------------------------------------------


def test_it_lets_the_lead_write_the_help_page(client, kbh_lead):
    client.force_login(kbh_lead)
    url = reverse("municipalities:contact-info-edit", kwargs={"code": "101"})
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "phone": "+45 33663366",
            "hours": "Hverdage 9-15",
            "email": "hjaelp@kk.example",
            "text": "Ring til os, så hjælper vi.",
        },
    )
    assert response.status_code == 302
    info = ContactInfo.objects.get(municipality__code="101")
    assert (info.phone, info.updated_by) == ("33 66 33 66", kbh_lead)
    client.logout()
    public = client.get(page_url()).content.decode()
    assert "Ring til os, så hjælper vi." in public
    assert "Hverdage 9-15" in public


def test_it_refuses_a_bad_phone_number_on_the_help_page(client, kbh_lead):
    client.force_login(kbh_lead)
    url = reverse("municipalities:contact-info-edit", kwargs={"code": "101"})
    response = client.post(url, {"phone": "ring til os", "hours": "", "email": "", "text": ""})
    assert response.status_code == 422
    assert not ContactInfo.objects.exists()


def test_it_keeps_the_help_page_editor_from_caseworkers(client, kbh_caseworker):
    client.force_login(kbh_caseworker)
    url = reverse("municipalities:contact-info-edit", kwargs={"code": "101"})
    assert client.get(url).status_code == 403
    assert client.post(url, {"phone": "", "hours": "", "email": "", "text": "x"}).status_code == 403
    assert not ContactInfo.objects.exists()
