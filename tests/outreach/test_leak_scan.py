"""The CPR leak scan (tests/leakscan.py) finds a full CPR in every kind of output it watches, and
lets the deliberate reveal through. Each test plants its numbers in a scanner of its own, so they
do not count against the run."""

import logging

import pytest
from django.core import mail
from django.http import HttpResponse
from django.urls import path, reverse
from fpdf import FPDF

from tests import leakscan
from tests.factories import fake_cpr
from tests.municipalities.casework import citizen_tasks

pytestmark = pytest.mark.django_db

NUMBER = fake_cpr(3)  # "DDMMYY-SSSS"


def echo_page(request):
    return HttpResponse(f"<p>Citizen {NUMBER.replace('-', '')}</p>")


def echo_pdf(request):
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    pdf.cell(0, 5, f"CPR {NUMBER}")
    return HttpResponse(bytes(pdf.output()), content_type="application/pdf")


urlpatterns = [path("echo/", echo_page), path("echo.pdf", echo_pdf)]


@pytest.fixture
def scan():
    with leakscan.scanning_apart() as apart:
        apart.note(NUMBER)
        yield apart


@pytest.mark.urls("tests.outreach.test_leak_scan")
def test_it_finds_a_cpr_in_a_page(client, scan):
    client.get("/echo/")
    assert [(leak.kind, leak.masked) for leak in scan.leaks] == [("known", NUMBER[:6] + "-XXXX")]
    assert "GET /echo/" in scan.leaks[0].where
    assert scan.leaks[0].test.endswith("test_it_finds_a_cpr_in_a_page")


@pytest.mark.urls("tests.outreach.test_leak_scan")
def test_it_finds_a_cpr_in_a_compressed_pdf(client, scan):
    body = client.get("/echo.pdf").content
    assert NUMBER.encode() not in body  # compressed: not findable in the raw bytes
    assert len(scan.leaks) == 1


def test_it_finds_a_cpr_in_a_log_record_of_a_logger_that_does_not_propagate(scan):
    logger = logging.getLogger("tests.leakscan.quiet")
    logger.propagate = False
    try:
        logger.warning("citizen %s not found", NUMBER)
    finally:
        logger.propagate = True
    assert [leak.where for leak in scan.leaks] == ["log tests.leakscan.quiet WARNING"]


def test_it_finds_a_cpr_in_an_exception_logged_with_its_traceback(scan):
    try:
        raise ValueError(f"bad row {NUMBER}")
    except ValueError:
        logging.getLogger("tests.leakscan").exception("import failed")
    assert len(scan.leaks) == 1


def test_it_finds_a_cpr_in_a_task_payload_sent_or_run_in_process(scan, tasks_in_process):
    from outreach.celery import app
    from outreach.tasks import ping

    with pytest.raises(TypeError):
        ping.apply_async(args=[NUMBER])  # in process: ping takes no arguments
    app.conf.task_always_eager = False
    original = app.conf.broker_url
    app.conf.broker_url = "memory://"
    try:
        app.send_task("outreach.ping", args=[NUMBER.replace("-", "")])
    finally:
        app.conf.broker_url = original
    assert [leak.where for leak in scan.leaks] == ["task outreach.ping", "task outreach.ping"]


def test_it_finds_a_cpr_in_an_email(scan):
    mail.send_mail("Case", f"About {NUMBER}", "noreply@example.org", ["lead@example.org"])
    assert len(scan.leaks) == 1


def test_it_finds_a_hyphenated_cpr_the_run_never_used(scan):
    scan.scan("born 24-12-1950, number 241250-1234", "a page")
    assert [leak.kind for leak in scan.leaks] == ["hyphenated"]


def test_it_lets_masks_longer_digit_runs_and_impossible_dates_through(scan):
    digits = NUMBER.replace("-", "")
    scan.scan(f"{NUMBER[:6]}-XXXX 9{digits}9 id {digits}00 991399-1234", "a page")
    assert scan.leaks == []


def test_it_lets_the_deliberate_reveal_through_but_not_the_case_page(
    client, tmp_path, koebenhavn, kbh_caseworker, scan
):
    task = citizen_tasks(tmp_path, "101", 1)[0]  # fake_cpr(0), noted as the import encrypts it
    kwargs = {"code": "101", "pk": task.pk}
    client.force_login(kbh_caseworker)
    revealed = client.post(reverse("municipalities:case-cpr-reveal", kwargs=kwargs))
    assert fake_cpr(0) in revealed.content.decode()
    client.get(reverse("municipalities:case-detail", kwargs=kwargs))
    assert scan.leaks == []
    assert scan.outputs >= 2
