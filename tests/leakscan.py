"""The CPR leak scan: through the whole test run, every output the product makes is searched for
full CPR numbers, and the run fails if one is found outside the deliberate reveal.

What is scanned (outputs only; what a test sends in is not):
- every HTTP response Django makes, for the test client and the live server alike: the body
  (streamed ones too; a PDF's compressed streams are inflated first) and the headers;
- every e-mail sent through the test (locmem) backend;
- every log record any logger handles, propagating or not: the formatted message and the
  exception text. Records below a logger's level are never made, so never scanned;
- every Celery task payload: what is published to a broker (headers and body, from the
  ``before_task_publish`` signal) and what runs in process (``Task.apply``'s arguments).

What counts as a full CPR: ten digits ``DDMMYYSSSS``, alone or written ``DDMMYY-SSSS`` or
``DDMMYY SSSS``, not part of a longer run of digits, that is
- one the run actually used: every number the product encrypted or hashed (``CprVault.encrypt``
  and ``lookup_hash`` are wrapped to note it) — such a find fails the run; or
- any other ``DDMMYY-SSSS`` that python-stdnum accepts as a CPR number (a valid birth date) —
  written with the hyphen it is a CPR in every way that matters, and fails the run too.
Ten bare digits with a valid date that the run never used are listed as "possible" but do not
fail it: ids, timestamps and phone numbers make such runs by chance.

The deliberate reveal, the case page's "show CPR" (``municipalities:case-cpr-reveal``), is the
one output allowed to carry the number. Work done in subprocesses (real Celery workers, a server
under test) is not seen here; their tasks' payloads are, as they are published from this process.
"""

from __future__ import annotations

import contextlib
import logging
import re
import zlib
from dataclasses import dataclass, field

import pytest
from stdnum.dk import cpr as stdnum_cpr

REVEAL_VIEWS = frozenset({"municipalities:case-cpr-reveal"})

_CANDIDATE = re.compile(r"(?<![0-9])([0-9]{6})([- ]?)([0-9]{4})(?![0-9])")
_PDF_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.DOTALL)


@dataclass
class Leak:
    where: str
    test: str
    masked: str
    kind: str  # "known" (a number the run used), "hyphenated" or "possible"


@dataclass
class Scanner:
    known: set[str] = field(default_factory=set)
    outputs: int = 0
    leaks: list[Leak] = field(default_factory=list)
    possible: list[Leak] = field(default_factory=list)

    def note(self, number) -> None:
        digits = re.sub(r"[^0-9]", "", str(number))
        if len(digits) == 10:
            self.known.add(digits)

    def findings(self, text: str) -> list[tuple[str, str]]:
        """(the number masked, the kind) for each full CPR in ``text``."""
        found = []
        for match in _CANDIDATE.finditer(text):
            digits = match.group(1) + match.group(3)
            if digits in self.known:
                found.append((digits, "known"))
            elif stdnum_cpr.is_valid(digits):
                found.append((digits, "hyphenated" if match.group(2) == "-" else "possible"))
        return [(digits[:6] + "-XXXX", kind) for digits, kind in found]

    def scan(self, text: str, where: str) -> int:
        self.outputs += 1
        failing = 0
        for masked, kind in self.findings(text):
            leak = Leak(where=where, test=current_test, masked=masked, kind=kind)
            if kind == "possible":
                self.possible.append(leak)
            else:
                self.leaks.append(leak)
                failing += 1
        return failing


scanner = Scanner()
current_test = "(outside a test)"


@contextlib.contextmanager
def scanning_apart():
    """A fresh scanner for the hooks while the block runs (the scan's own tests plant numbers
    on purpose, which must not count against the run)."""
    global scanner
    outer, scanner = scanner, Scanner()
    try:
        yield scanner
    finally:
        scanner = outer


# What the scan reads --------------------------------------------------------------------------


def pdf_text(body: bytes) -> str:
    """A PDF's bytes with its compressed streams inflated (fpdf2 compresses page content)."""
    parts = [body]
    for stream in _PDF_STREAM.findall(body):
        with contextlib.suppress(zlib.error):  # not every stream is deflated
            parts.append(zlib.decompress(stream))
    return b"\n".join(parts).decode("latin-1")


def body_text(body: bytes) -> str:
    if body.startswith(b"%PDF"):
        return pdf_text(body)
    return body.decode("utf-8", errors="replace")


def scan_response(request, response) -> None:
    match = getattr(request, "resolver_match", None)
    view = match.view_name if match else ""
    if view in REVEAL_VIEWS:
        scanner.outputs += 1
        return
    if getattr(response, "streaming", False):
        chunks = [bytes(chunk) for chunk in response.streaming_content]
        response.streaming_content = chunks
        body = b"".join(chunks)
    else:
        body = bytes(response.content)
    headers = "\n".join(f"{name}: {value}" for name, value in response.items())
    where = f"response {request.method} {request.path} ({view or 'unresolved'})"
    scanner.scan(headers + "\n" + body_text(body), where)


def scan_log_record(record: logging.LogRecord) -> None:
    try:
        text = record.getMessage()
    except Exception:
        text = f"{record.msg} {record.args!r}"
    if record.exc_info:
        text += "\n" + logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        text += "\n" + record.exc_text
    scanner.scan(text, f"log {record.name} {record.levelname}")


def scan_email(message) -> None:
    scanner.scan(message.message().as_string(), f"e-mail to {len(message.recipients())}")


def scan_task_payload(name: str, payload) -> None:
    scanner.scan(repr(payload), f"task {name}")


# Where it listens ------------------------------------------------------------------------------


def install(monkeypatch: pytest.MonkeyPatch) -> None:
    from celery.app.task import Task
    from celery.signals import before_task_publish
    from django.core.handlers.base import BaseHandler
    from django.core.mail.backends.locmem import EmailBackend

    from outreach.cpr import CprVault

    encrypt, lookup_hash = CprVault.encrypt, CprVault.lookup_hash

    def noting_encrypt(self, number):
        scanner.note(number)
        return encrypt(self, number)

    def noting_lookup_hash(self, number):
        scanner.note(number)
        return lookup_hash(self, number)

    monkeypatch.setattr(CprVault, "encrypt", noting_encrypt)
    monkeypatch.setattr(CprVault, "lookup_hash", noting_lookup_hash)

    get_response = BaseHandler.get_response

    def scanned_get_response(self, request):
        response = get_response(self, request)
        scan_response(request, response)
        return response

    monkeypatch.setattr(BaseHandler, "get_response", scanned_get_response)

    handle = logging.Logger.handle

    def scanned_handle(self, record):
        scan_log_record(record)
        return handle(self, record)

    monkeypatch.setattr(logging.Logger, "handle", scanned_handle)

    send_messages = EmailBackend.send_messages

    def scanned_send_messages(self, messages):
        for message in messages:
            scan_email(message)
        return send_messages(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", scanned_send_messages)

    apply = Task.apply

    def scanned_apply(self, args=None, kwargs=None, *rest, **options):
        scan_task_payload(self.name, (args, kwargs))
        return apply(self, args, kwargs, *rest, **options)

    monkeypatch.setattr(Task, "apply", scanned_apply)

    def on_publish(sender=None, body=None, headers=None, **kwargs):
        scan_task_payload(str(sender), (headers, body))

    before_task_publish.connect(on_publish, weak=False, dispatch_uid="tests.leakscan")


# The pytest side -------------------------------------------------------------------------------

_patches = pytest.MonkeyPatch()


def pytest_sessionstart(session):
    install(_patches)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    global current_test
    current_test = item.nodeid
    try:
        return (yield)
    finally:
        current_test = "(between tests)"


def pytest_sessionfinish(session, exitstatus):
    if scanner.leaks and session.exitstatus == 0:
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter):
    write = terminalreporter.write_line
    write(f"CPR leak scan: {scanner.outputs} outputs scanned, {len(scanner.leaks)} full CPRs found")
    for leak in scanner.leaks:
        write(f"  CPR LEAK ({leak.kind}) {leak.masked} in {leak.where} during {leak.test}")
    if scanner.possible:
        write(f"  {len(scanner.possible)} possible (ten digits with a valid date, never used):")
        for leak in scanner.possible[:20]:
            write(f"    {leak.masked} in {leak.where} during {leak.test}")
