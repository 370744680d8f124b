"""The permission matrix: every URL pattern, HTML and API, asked by every role for its own
organisation, another organisation in the same region, and one in another region (and, for a URL
that names an object, its own organisation's code with the other organisation's object). Each
answer is what DESIGN.md section 4 says: the roles in ``allow`` get in on their own organisation,
the sharing the design names is listed with its reason, and everyone else is refused, with 404
where the organisation or object is not theirs to see and 403 where it is but the right is not.

No response, allowed or refused, shows a citizen or a staff member the user may not see, and the
lists, searches and exports show exactly what the user may see. A session signed in with the
password alone gets past no URL but the way in (the second factor), and a person's own pages (the
authenticator, the recovery codes) show nobody else's. A URL pattern not in ``MATRIX`` fails
``test_it_covers_every_url_pattern``: adding a URL means adding its row here.
"""

from __future__ import annotations

import importlib
import json
import re
import time
from base64 import b32encode
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Q
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from outreach.models import Municipality, RoleGroup
from outreach.roles import Role
from tests.factories import fake_cpr
from tests.outreach import matrix_world as w
from tests.outreach.matrix_world import (
    NATIONAL_AUDITOR,
    OTHER_REGION,
    OWN,
    REGIONAL_AUDITOR,
    REPORT,
    SAME_REGION,
    SWAPPED,
)
from tests.outreach.test_urls import pattern_names

pytestmark = pytest.mark.django_db

CW, LEAD, COORD, VACC = Role.CASEWORKER, Role.LEAD, Role.COORDINATOR, Role.VACCINATOR
ADMIN, AUDITOR, SSI = Role.ADMINISTRATOR, Role.AUDITOR, Role.INTEGRATION
ROLES = (CW, LEAD, COORD, VACC, ADMIN, AUDITOR, SSI)
NATIONAL_ROLES = frozenset({ADMIN, SSI})
# Every URL is asked by one user of each role, and by the auditors of a region and of the nation
# besides the municipality's (AUDITOR): the auditor role is held at every level (ADR 0013).
AUDITORS = (AUDITOR, REGIONAL_AUDITOR, NATIONAL_AUDITOR)
ASKERS = (*ROLES, REGIONAL_AUDITOR, NATIONAL_AUDITOR)
GET, POST = "GET", "POST"

# What "got in" means: a page shows; an action passes the permission layer whatever it then
# makes of the (deliberately empty) form: done, refused by the service, or invalid input.
PASSED = {GET: {200}, POST: {200, 201, 202, 302, 400, 409, 422}}


@dataclass(frozen=True)
class Entry:
    """Who may reach one URL pattern, for one kind of organisation in its arguments.

    ``scope``: the kind of organisation the URL's ``code`` names ("municipality", "region",
    "vaccinator", "national"), "none" for a URL without one, or "user" for a person's own pages
    (their second factor), which name no organisation or object: each user reaches their own.
    ``target``: the object the URL names (a key of the world's objects), if any. ``allow``: the
    roles that get in on their own organisation. ``shared``: (role, variant) pairs the design
    also lets in, each with its reason where the table says it. ``reaches``: roles that pass the
    organisation's check before the object's (default ``allow``): for them a swapped object is a
    404. ``refusal``: "visibility" (404 unless the organisation is visible to the user, then
    403), or a fixed 404 or 403.
    """

    scope: str
    target: str | None = None
    methods: tuple[str, ...] = (GET,)
    allow: frozenset = frozenset()
    shared: frozenset = frozenset()
    reaches: frozenset | None = None
    refusal: str | int = "visibility"
    refusal_by_role: dict = field(default_factory=dict)
    api: bool = False
    ok: dict | None = None
    kind: str | None = None  # the organisation kind in the URL (organisation-members)
    body: Callable | None = None
    code_in_url: bool = True

    def variants(self) -> tuple[str, ...]:
        if self.scope == "user" or (self.scope == "none" and self.target is None):
            return (OWN,)
        if self.scope == "national":
            return (OWN, OTHER_REGION) if self.kind else (OWN,)
        if self.scope == "region":
            own_other = (OWN, OTHER_REGION)
        elif self.scope == "none":
            own_other = (OWN, SAME_REGION, OTHER_REGION)
        else:
            own_other = w.VARIANTS
        return own_other + ((SWAPPED,) if self.target and self.scope != "none" else ())

    def allowed(self, role: str, variant: str) -> bool:
        return (variant == OWN and role in self.allow) or (role, variant) in self.shared


def everywhere(*roles, variants=(*w.VARIANTS, SWAPPED)) -> frozenset:
    return frozenset((role, variant) for role in roles for variant in variants)


def municipal(target=None, methods=(GET,), allow=frozenset({CW, LEAD}), **extra) -> Entry:
    return Entry("municipality", target, methods, frozenset(allow), **extra)


def regional(target=None, methods=(GET,), allow=frozenset({COORD}), **extra) -> Entry:
    return Entry("region", target, methods, frozenset(allow), **extra)


def practice(target=None, methods=(GET,), allow=frozenset({VACC}), **extra) -> Entry:
    return Entry("vaccinator", target, methods, frozenset(allow), **extra)


def national(target=None, methods=(GET,), allow=frozenset({ADMIN, SSI}), **extra) -> Entry:
    return Entry("national", target, methods, frozenset(allow), **extra)


def anyone(methods=(GET,), **extra) -> Entry:
    return Entry("none", None, methods, frozenset(ASKERS), **extra)


def own_account(methods=(GET,), **extra) -> Entry:
    """A page of the signed-in person's own second factor: every role reaches its own, and the
    URL names nobody else's (the QR code and recovery codes shown are checked below)."""
    return Entry("user", None, methods, frozenset(ASKERS), **extra)


def audit(target=None, methods=(GET,), **extra) -> Entry:
    """An audit page (ADR 0013): the auditors get in, in the scope of their organisation; every
    other role is refused before anything is looked up (403). A citizen or person outside the
    auditor's scope is a 404: the region's auditor reads its municipalities', the national one
    everyone's."""
    shared = frozenset()
    if target:
        shared = everywhere(NATIONAL_AUDITOR, variants=w.VARIANTS) | everywhere(
            REGIONAL_AUDITOR, variants=(OWN, SAME_REGION)
        )
    return Entry(
        "none",
        target,
        methods,
        frozenset(AUDITORS),
        shared=shared | extra.pop("shared", frozenset()),
        refusal=403,
        refusal_by_role=dict.fromkeys(AUDITORS, 404),
        **extra,
    )


def membership_body(world, role, variant):
    if variant == OWN:
        return {"membership": RoleGroup.objects.get(group__user=world.users[role]).pk}
    return {"membership": world.objects[variant]["membership"]}


def upload_body(world, role, variant):
    code = w.MUNICIPALITIES[variant]
    rows = f"cpr;navn;målgruppe;invitationsdato\n{fake_cpr(950)};Borger 950;3;01.03.2021\n"
    return {
        "file": SimpleUploadedFile("liste.csv", rows.encode(), content_type="text/csv"),
        "municipality": code,
    }


MUNICIPAL_ACTIONS = (
    "case-claim",
    "case-release",
    "case-call-later",
    "case-attempt",
    "case-reopen",
    "case-contact-details",
    "case-cpr-reveal",
)
SESSION_ACTIONS = ("session-book", "session-confirm", "session-cancel", "session-allocate")
SESSION_ACTIONS += ("session-return", "session-use")
ROUTE_DAY_ACTIONS = ("route-day-cancel", "route-day-allocate", "route-day-return", "route-day-use")

MATRIX: dict[str, Entry | list[Entry]] = {
    # Every signed-in user: their start page, leaving, their own roles, the public rules.
    "start": anyone(ok={GET: {302}}),
    "logout": anyone(methods=(POST,)),
    # Another user's membership is not there to switch to (404), whatever the role.
    "outreach:membership-switch": Entry(
        "none",
        "membership",
        (POST,),
        frozenset(ASKERS),
        refusal=404,
        body=membership_body,
    ),
    "outreach:vaccine-rules": anyone(),
    # The second factor: a verified session is sent on from the verification page, may replace
    # its app (a wrong code is refused, 422), finds its new codes already shown (the security
    # page follows), and may make new recovery codes.
    "login-verify": own_account(
        (GET, POST), ok={GET: {302}, POST: {302}}, body=lambda *_: {"code": "000000"}
    ),
    "login-enrol": own_account(
        (GET, POST), ok={GET: {200}, POST: {422}}, body=lambda *_: {"code": "000000"}
    ),
    "login-recovery-codes": own_account(ok={GET: {302}}),
    "account-security": own_account(),
    "account-recovery-codes-renew": own_account((POST,), ok={POST: {302}}),
    # The access log (ADR 0013), read in the name of the auditor's organisation.
    "audit:home": audit(),
    "audit:citizen-search": audit(methods=(POST,)),
    "audit:citizen-events": audit("audited-citizen"),
    "audit:citizen-report-csv": audit("audited-citizen"),
    "audit:citizen-report-pdf": audit("audited-citizen"),
    "audit:user-list": audit(),
    # Aarhus's caseworker looked up a Frederiksberg citizen: Hovedstaden's auditor reviews them.
    "audit:user-events": audit("audited-user", shared={(REGIONAL_AUDITOR, OTHER_REGION)}),
    "audit:anomalies": audit(),
    # Rules are public guidance every role reads: editing them is a 403, not a 404.
    "outreach:vaccine-rule-create": Entry("none", None, (POST,), frozenset({ADMIN}), refusal=403),
    "outreach:vaccine-rule-end": Entry(
        "none", "rule", (POST,), frozenset({ADMIN}), shared=everywhere(ADMIN), refusal=403
    ),
    "outreach:reference-data": national(allow={ADMIN}),
    # Who holds which role: the lead and the auditor of a municipality; a region's coordinator
    # for the region and its practices; a practice's vaccinators; the administrator nationally;
    # an auditor for their own organisation (the people whose look-ups they review).
    "outreach:organisation-members": [
        municipal(allow={LEAD, AUDITOR}, kind="municipality"),
        regional(allow={COORD, REGIONAL_AUDITOR}, kind="region"),
        # The coordinator staffs the region's practices: both of them (DESIGN.md section 4).
        practice(
            allow={VACC, COORD},
            shared=everywhere(COORD, variants=(SAME_REGION,)),
            kind="vaccinator",
        ),
        national(allow={ADMIN, NATIONAL_AUDITOR}, kind="national"),
    ],
    # The caseworker's worklist and cases.
    "municipalities:municipality-worklist": municipal(),
    "municipalities:worklist-cpr-search": municipal(methods=(POST,)),
    "municipalities:case-detail": municipal("case"),
    **{f"municipalities:{name}": municipal("case", (POST,)) for name in MUNICIPAL_ACTIONS},
    # Assigning is the lead's; a caseworker sees the case (403), not another's (404).
    "municipalities:case-assign": municipal(
        "case", (POST,), allow={LEAD}, reaches=frozenset({CW, LEAD})
    ),
    "municipalities:case-visitation": municipal("case", (GET, POST)),
    "municipalities:municipality-dashboard": municipal(allow={LEAD}),
    # SSI lists: the municipality's own, and the national ones of SSI and the administrator.
    "municipalities:import-list": municipal(methods=(GET, POST)),
    "municipalities:import-detail": municipal("import"),
    "municipalities:import-status": municipal("import"),
    "municipalities:import-errors": municipal("import"),
    "municipalities:national-import-list": national(methods=(GET, POST)),
    "municipalities:national-import-detail": national("national-import"),
    "municipalities:national-import-status": national("national-import"),
    "municipalities:national-import-errors": national("national-import"),
    # Transport, help requests, the public page's text.
    "municipalities:transport-list": municipal(),
    "municipalities:transport-export": municipal(),
    "municipalities:transport-update": municipal("transport", (POST,)),
    "municipalities:help-request-list": municipal(),
    "municipalities:help-request-handle": municipal("help-request", (POST,)),
    "municipalities:contact-info-edit": municipal(methods=(GET, POST), allow={LEAD}),
    # The region's pages are its coordinators'.
    "regions:region-detail": regional(),
    "regions:referral-list": regional(),
    "regions:referral-accept": regional("referral", (POST,)),
    "regions:referral-return": regional("referral", (POST,)),
    "regions:pool": regional(),
    "regions:site-list": regional(methods=(GET, POST)),
    "regions:session-list": regional(methods=(GET, POST)),
    "regions:session-detail": regional("session"),
    **{f"regions:{name}": regional("session", (POST,)) for name in SESSION_ACTIONS},
    "regions:session-booking-cancel": regional("booking", (POST,)),
    # The regional dashboard holds counts only, but they are the region's.
    "regions:region-dashboard": regional(),
    "regions:region-dashboard-export": regional(),
    "regions:stock-list": regional(),
    "regions:stock-receive": regional(methods=(POST,)),
    "regions:stock-receive-consumable": regional(methods=(POST,)),
    "regions:stock-export": regional(),
    "regions:route-day-list": regional(),
    "regions:route-day-create": regional(methods=(POST,)),
    "regions:route-day-detail": regional("route-day"),
    **{f"regions:{name}": regional("route-day", (POST,)) for name in ROUTE_DAY_ACTIONS},
    "regions:staff-list": regional(),
    "regions:staff-create": regional(methods=(POST,)),
    "regions:staff-assign": regional(methods=(POST,)),
    "regions:staff-unassign": regional("assignment", (POST,)),
    "planning:run-list": regional(),
    "planning:run-create": regional(methods=(POST,)),
    "planning:run-detail": regional("run"),
    "planning:run-publish": regional("run", (POST,)),
    "planning:run-discard": regional("run", (POST,)),
    "planning:stop-move": regional("run-stop", (POST,), body=lambda *_: {"to": "pool"}),
    "planning:stop-reorder": regional("run-stop", (POST,), body=lambda *_: {"direction": "up"}),
    # A practice's route lists and sessions are its vaccinators'.
    "vaccinators:routelist-list": practice(),
    "vaccinators:routelist-detail": practice("route-list"),
    "vaccinators:routelist-pdf": practice("route-list"),
    "vaccinators:routelist-checklist": practice("route-list", (POST,)),
    "vaccinators:routelist-finish": practice("route-list", (POST,)),
    "vaccinators:stop-outcome": practice("stop", (POST,)),
    "vaccinators:stop-correct": practice("vaccinated-stop", (POST,)),
    "vaccinators:stop-reaction": practice("vaccinated-stop", (POST,)),
    "vaccinators:vial-open": practice("vial", (POST,)),
    "vaccinators:vial-finish": practice("vial", (POST,)),
    "vaccinators:session-list": practice(),
    "vaccinators:session-detail": practice("session"),
    "vaccinators:session-checklist": practice("session", (POST,)),
    "vaccinators:session-finish": practice("session", (POST,)),
    "vaccinators:booking-outcome": practice("booking", (POST,)),
    "vaccinators:booking-correct": practice("booking", (POST,)),
    "vaccinators:booking-reaction": practice("booking", (POST,)),
    # The API (token authentication). SSI's integration and the administrator submit lists for
    # any municipality (they act nationally); a municipality's caseworkers for their own.
    "municipalities-api:ssi-list-create": municipal(
        methods=(POST,),
        shared=everywhere(ADMIN, SSI),
        api=True,
        body=upload_body,
        code_in_url=False,
    ),
    # Imports are found in the caller's scope only: outside it, 404 whatever the organisation.
    "municipalities-api:ssi-list-detail": municipal(
        "import", shared=everywhere(ADMIN, SSI), refusal=404, api=True, code_in_url=False
    ),
    # Vaccination records: read by the citizen's municipality, by the region the citizen is
    # referred to (the same-region record is of a Frederiksberg citizen referred to
    # Hovedstaden), by the practice that gave the dose, and nationally. An auditor reads the
    # access log, not records: 403 before any record is looked up.
    "outreach-api:immunization-list": Entry(
        "none", None, (GET,), frozenset(ROLES) - {AUDITOR}, refusal=403, api=True
    ),
    "outreach-api:immunization-detail": Entry(
        "none",
        "record",
        (GET,),
        frozenset({CW, LEAD, COORD, VACC, ADMIN, SSI}),
        shared=everywhere(ADMIN, SSI) | {(COORD, SAME_REGION)},
        refusal=404,
        refusal_by_role=dict.fromkeys(AUDITORS, 403),
        api=True,
    ),
    # The caseworker's tasks and citizens, a practice's route lists and sessions, a region's stock
    # over the API (ADR 0016): the pages' rights, the pages' getters.
    "municipalities-api:task-list": municipal(api=True),
    "municipalities-api:task-detail": municipal("case", api=True),
    "municipalities-api:citizen-detail": municipal("citizen", api=True),
    "municipalities-api:citizen-cpr-search": municipal(methods=(POST,), api=True),
    "vaccinators-api:routelist-list": practice(api=True),
    "vaccinators-api:routelist-detail": practice("route-list", api=True),
    "vaccinators-api:routelist-checklist": practice("route-list", (POST,), api=True),
    "vaccinators-api:stop-outcome": practice("stop", (POST,), api=True),
    "vaccinators-api:session-list": practice(api=True),
    "vaccinators-api:session-detail": practice("session", api=True),
    "vaccinators-api:session-checklist": practice("session", (POST,), api=True),
    "vaccinators-api:booking-outcome": practice("booking", (POST,), api=True),
    "regions-api:stock-detail": regional(api=True),
    "regions-api:stock-movement-list": regional(api=True),
    "api-schema": anyone(api=True),
    "api-docs": anyone(api=True),
}


def entries():
    for name, value in MATRIX.items():
        for entry in value if isinstance(value, list) else [value]:
            yield name, entry


# Running the cases ------------------------------------------------------------------------------


def target_org(entry: Entry, variant: str) -> w.Org:
    kind = entry.kind or entry.scope
    codes = {
        "municipality": w.MUNICIPALITIES,
        "region": w.REGIONS,
        "vaccinator": w.PRACTICES,
        "national": w.NATIONAL,
    }[kind]
    return w.ORGS[kind, codes[OWN if variant == SWAPPED else variant]]


def expected_refusal(entry: Entry, role: str, variant: str) -> int:
    if role in entry.refusal_by_role:
        return entry.refusal_by_role[role]
    reaches = entry.allow if entry.reaches is None else entry.reaches
    if variant == SWAPPED and role in reaches:
        return 404
    if entry.refusal != "visibility":
        return entry.refusal
    home = w.HOMES[role]
    if entry.scope == "national" and not entry.kind:
        # National pages: anyone in a national body sees them; the right decides.
        return 403 if home.kind == "national" else 404
    return 403 if w.visible(home, target_org(entry, variant)) else 404


def url_kwargs(world, entry: Entry, variant: str) -> dict:
    kwargs = {}
    if entry.kind:
        kwargs["kind"] = entry.kind
    if entry.code_in_url and (
        entry.scope in ("municipality", "region", "vaccinator") or entry.kind
    ):
        kwargs["code"] = target_org(entry, variant).code
    if entry.target and entry.target != "membership":
        source = {SWAPPED: OTHER_REGION if entry.scope == "region" else SAME_REGION}
        kwargs.update(world.objects[source.get(variant, variant)][entry.target])
    return kwargs


@dataclass
class Tally:
    cases: int = 0
    failures: list[str] = field(default_factory=list)

    def fail(self, text: str) -> None:
        self.failures.append(text)


def body_text(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def leaks(world, role: str, text: str, refused: bool) -> set[str]:
    """Names in ``text`` that ``role`` may not see (on a refusal: any name at all)."""
    citizens = set(w.CITIZEN.findall(text))
    staff = set(w.STAFF.findall(text))
    if refused:
        return citizens | staff | set(MASKED_CPR.findall(text))
    return (citizens - world.sees_citizens[role]) | (staff - world.sees_staff[role])


MASKED_CPR = re.compile(r"\b\d{6}-XXXX\b")
PASSWORD = "correct-horse-battery"  # every persona's (tests/factories.py)


class Clients:
    """One signed-in test client per role (the ``client`` fixture's class, so a client that
    signs in with two factors signs in the same way here), and token headers for the API.
    ``verified=False`` signs in with the password alone; such a client calls the API with its
    session (``send(..., api=False)``), as a browser would."""

    def __init__(self, client_class, world, *, verified=True):
        self.world = world
        self.html = {}
        for role, user in world.users.items():
            client = client_class()
            if verified:
                client.force_login(user)
            else:
                assert client.login(username=user.username, password=PASSWORD)
            self.html[role] = client
        self.api = client_class()

    def send(self, role, api: bool, method: str, url: str, data: dict):
        if api:
            headers = {"Authorization": f"Token {self.world.tokens[role]}"}
            client = self.api
        else:
            headers = {}
            client = self.html[role]
        saved = SimpleCookie(client.cookies.output(header="", sep="\n"))
        try:
            # Each case leaves the world as it found it, so every case meets the same world.
            with transaction.atomic():
                if method == GET:
                    response = client.get(url, headers=headers)
                else:
                    response = client.post(url, data, headers=headers)
                text = body_text(response)
                transaction.set_rollback(True)
        finally:
            client.cookies = saved  # a logout's cleared cookie included
        return response, text


def run_case(clients, tally, name, entry, role, variant, method):
    world = clients.world
    url = reverse(name, kwargs=url_kwargs(world, entry, variant))
    data = entry.body(world, role, variant) if entry.body else {}
    tally.cases += 1
    where = f"{method} {name} ({entry.kind or entry.scope}) as {role}, {variant}: {url}"
    try:
        response, text = clients.send(role, entry.api, method, url, data)
    except Exception as error:  # a crash is a finding, reported with the others
        tally.fail(f"{where}: raised {type(error).__name__}: {error}")
        return
    allowed = entry.allowed(role, variant)
    status = response.status_code
    if allowed:
        wanted = (entry.ok or PASSED)[method]
        if status not in wanted:
            tally.fail(f"{where}: {status}, expected one of {sorted(wanted)}")
    else:
        wanted = expected_refusal(entry, role, variant)
        if status != wanted:
            tally.fail(f"{where}: {status}, expected {wanted}")
    leaked = leaks(world, role, text, refused=not allowed)
    if leaked:
        tally.fail(f"{where}: LEAK of {sorted(leaked)}")


def cases():
    for name, entry in entries():
        for role in ASKERS:
            for variant in entry.variants():
                for method in entry.methods:
                    yield name, entry, role, variant, method


# The tests ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """One world for the module, rolled back at its end; every case rolls back its own writes."""
    with (
        django_db_blocker.unblock(),
        translation.override("en"),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
    ):
        if not Municipality.objects.exists():  # a transactional test flushed it
            for name in ("0002_reference_data", "0003_target_groups", "0008_vaccine_facts"):
                importlib.import_module(f"outreach.migrations.{name}").load(apps, None)
        yield w.build(tmp_path_factory.mktemp("matrix"))
        transaction.set_rollback(True)


@pytest.fixture
def clients(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)  # uploads the cases make are written here
    return Clients(type(client), world)


def test_it_covers_every_url_pattern():
    names = set(pattern_names())
    public = {"login", "healthz", "set-language", "help:help-page", "help:help-thanks"}
    missing = names - public - set(MATRIX)
    assert not missing, f"URL patterns missing from the permission matrix: {sorted(missing)}"
    assert set(MATRIX) - names == set(), "the matrix names URL patterns that do not exist"


def test_it_answers_every_role_as_the_matrix_says(clients, record_property, request):
    started = time.monotonic()
    tally = Tally()
    for case in cases():
        run_case(clients, tally, *case)
    seconds = time.monotonic() - started
    report(request, record_property, "matrix", tally, seconds)
    assert not tally.failures, f"{len(tally.failures)} of {tally.cases} cases failed:\n" + (
        "\n".join(tally.failures)
    )


def report(request, record_property, what, tally, seconds):
    leaks_found = sum("LEAK" in failure for failure in tally.failures)
    line = (
        f"permission {what}: {tally.cases} cases checked in {seconds:.1f} s, "
        f"{len(tally.failures)} failed, {leaks_found} leaks"
    )
    print(line)
    record_property(f"permission_{what}_cases", tally.cases)
    request.config.stash.setdefault(REPORT, []).append(line)


def test_it_lets_no_one_past_the_password_alone(
    client, world, settings, tmp_path, record_property, request
):
    """A session signed in with the password alone (every role needs two factors) reaches the
    way in only: the verification page and logging out. Every other page and form sends it to
    the verification page (the page it asked for kept as ``next``; the enrolment page, whose
    app may only be replaced by a verified session, without), and every API URL called with the
    session is refused (403), with no name and no CPR number in any answer."""
    settings.MEDIA_ROOT = str(tmp_path)
    unverified = Clients(type(client), world, verified=False)
    verify = reverse("login-verify")
    # The API's refusal, in the language the requests are answered in (Danish, the default).
    with translation.override(settings.LANGUAGE_CODE):
        ask_for_the_code = translation.gettext(
            "Verify your second factor (the code from your app) first."
        )
    way_in = {
        ("logout", POST): {302},
        ("login-verify", GET): {200},
        ("login-verify", POST): {422},  # the wrong code the row sends
    }
    started = time.monotonic()
    tally = Tally()
    for name, entry in entries():
        for role in ASKERS:
            for method in entry.methods:
                url = reverse(name, kwargs=url_kwargs(world, entry, OWN))
                data = entry.body(world, role, OWN) if entry.body else {}
                tally.cases += 1
                where = f"{method} {name} as {role} with the password alone"
                response, text = unverified.send(role, False, method, url, data)
                status = response.status_code
                if (name, method) in way_in:
                    if status not in way_in[name, method]:
                        tally.fail(f"{where}: {status}, expected {way_in[name, method]}")
                    continue
                if url.startswith("/api/") and name != "api-docs":
                    is_json = response.get("Content-Type", "").startswith("application/json")
                    detail = json.loads(text).get("detail") if is_json else None
                    if status != 403 or detail != ask_for_the_code:
                        tally.fail(f"{where}: {status}, expected 403 asking for the code")
                else:
                    location = response.get("Location", "")
                    asked_for = method == GET and name != "login-enrol"
                    wanted = verify + ("?next=" if asked_for else "")
                    if status != 302 or not location.startswith(wanted):
                        tally.fail(f"{where}: {status} to {location!r}, expected {wanted}")
                leaked = leaks(world, role, text, refused=True)
                if leaked:
                    tally.fail(f"{where}: LEAK of {sorted(leaked)}")
    # Someone who has not set up an app yet is sent to set it up, not to the pages.
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user=world.users[CW]).delete()
    tally.cases += 1
    worklist = reverse("municipalities:municipality-worklist", kwargs={"code": "101"})
    response, _text = unverified.send(CW, False, GET, worklist, {})
    if response.status_code != 302 or not response["Location"].startswith(reverse("login-enrol")):
        tally.fail(f"an unenrolled caseworker's worklist: {response.status_code}")
    report(request, record_property, "password only", tally, time.monotonic() - started)
    assert not tally.failures, f"{len(tally.failures)} of {tally.cases} cases failed:\n" + (
        "\n".join(tally.failures)
    )


RECOVERY_CODE = re.compile(r"\b[a-z0-9]{4}-[a-z0-9]{4}\b")


def test_it_shows_each_person_only_their_own_second_factor(clients, world):
    """The enrolment page shows the person's own new authenticator (its QR code and key), the
    recovery codes shown are the ones just made for that person, and neither page ever shows
    another person's: the pages take no argument naming anyone."""
    import segno
    from django.utils.html import escape
    from django_otp.plugins.otp_static.models import StaticToken
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from outreach import twofactor

    def secrets(device):
        """The key as the page groups it, and the QR code that carries it."""
        key = b32encode(device.bin_key).decode()
        qr = segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=4)
        return (" ".join(key[i : i + 4] for i in range(0, len(key), 4)), escape(qr))

    enrol, renew = reverse("login-enrol"), reverse("account-recovery-codes-renew")
    pages, codes_shown, codes_made = {}, {}, {}
    for role, user in world.users.items():
        page = clients.html[role].get(enrol)
        assert page.status_code == 200, role
        pages[role] = page.content.decode()
        renewed = clients.html[role].post(renew)
        assert renewed["Location"] == reverse("login-recovery-codes"), role
        shown = clients.html[role].get(renewed["Location"])
        assert shown.status_code == 200, role
        codes_shown[role] = set(RECOVERY_CODE.findall(shown.content.decode()))
        codes_made[role] = {
            twofactor.display_code(token)
            for token in StaticToken.objects.filter(device__user=user).values_list(
                "token", flat=True
            )
        }
        assert codes_made[role] and codes_made[role] <= codes_shown[role], role
        # Shown once: the page again sends the person on to the security page.
        assert clients.html[role].get(renewed["Location"]).status_code == 302, role
    for role, user in world.users.items():
        for secret in secrets(TOTPDevice.objects.get(user=user, confirmed=False)):
            assert secret in pages[role], role
        for other, someone in world.users.items():
            if other == role:
                continue
            for secret in secrets(TOTPDevice.objects.get(user=someone, confirmed=False)):
                assert secret not in pages[role], (role, other)
            assert not codes_made[other] & codes_shown[role], (role, other)


def test_it_lets_only_staff_into_the_admin(client, clients, world):
    """The Django admin is outside the matrix (its own login): no role gets in by holding it;
    a staff account does."""
    for role in ROLES:
        response = clients.html[role].get("/admin/")
        assert response.status_code == 302, role
        assert response["Location"].startswith("/admin/login/")
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="m-staff", is_staff=True, is_superuser=True))
    assert client.get("/admin/").status_code == 200


def test_it_would_notice_a_leak(world):
    """The leak check itself: a name of another municipality in a page is a leak, the user's own
    citizens are not, and a refusal may name nobody at all."""
    page = "<td>Borger 100</td><td>Borger 300</td><td>Personale 751</td>"
    assert leaks(world, CW, page, refused=False) == {"Borger 300", "Personale 751"}
    assert leaks(world, CW, "<td>Borger 100</td>", refused=False) == set()
    assert leaks(world, CW, "<td>Borger 100</td>", refused=True) == {"Borger 100"}
    assert leaks(world, COORD, "<td>Borger 301</td>", refused=False) == set()
    assert leaks(world, COORD, "<td>Borger 100</td>", refused=False) == {"Borger 100"}


def test_it_refuses_unsafe_methods_without_a_csrf_token(
    client, world, settings, tmp_path, record_property, request
):
    """Every form-posting URL, asked by a role that gets in, refuses a POST without the CSRF
    token, and nothing changes. The API refuses it too when called with a session; with a token
    (how SSI's integration calls) CSRF does not apply: there is no cookie a browser could send
    on someone's behalf."""
    from django_otp.plugins.otp_static.models import StaticToken

    from municipalities.models import ContactTask
    from outreach.models import AccessEvent
    from regions.models import PopupSession, StockMovement
    from vaccinators.models import RouteStop

    settings.MEDIA_ROOT = str(tmp_path)
    events = AccessEvent.objects.count()
    guarded = {}
    for role, user in world.users.items():
        guarded[role] = type(client)(enforce_csrf_checks=True)
        guarded[role].force_login(user)
    movements = StockMovement.objects.count()
    case = world.objects[OWN]["case"]["pk"]
    session = world.objects[OWN]["session"]["pk"]
    started = time.monotonic()
    tally = Tally()
    for name, entry in entries():
        if POST not in entry.methods:
            continue
        role = next(role for role in ROLES if entry.allowed(role, OWN))
        url = reverse(name, kwargs=url_kwargs(world, entry, OWN))
        data = entry.body(world, role, OWN) if entry.body else {}
        tally.cases += 1
        response = guarded[role].post(url, data)
        # The role gets in (the matrix shows it): a 403 here is the missing token's.
        if response.status_code != 403 or b"CSRF" not in response.content:
            tally.fail(f"POST {name} as {role} without a CSRF token: {response.status_code}")
    report(request, record_property, "csrf", tally, time.monotonic() - started)
    assert not tally.failures, "\n".join(tally.failures)
    assert StockMovement.objects.count() == movements
    assert ContactTask.objects.get(pk=case).claimed_by is None
    assert PopupSession.objects.get(pk=session).status == "planned"
    assert RouteStop.objects.get(pk=world.objects[OWN]["stop"]["stop_pk"]).outcome == ""
    assert not StaticToken.objects.exists()  # no recovery codes were made
    assert AccessEvent.objects.count() == events  # no search was made

    api = type(client)(enforce_csrf_checks=True)
    token = {"Authorization": f"Token {world.tokens[SSI]}"}
    upload = reverse("municipalities-api:ssi-list-create")
    accepted = api.post(upload, upload_body(world, SSI, OWN), headers=token)
    assert accepted.status_code == 202


# Lists, searches and exports: exactly what the user may see -------------------------------------


def names_in(text: str) -> set[str]:
    return set(w.CITIZEN.findall(text))


def linked(text: str, prefix: str) -> set[int]:
    """The ids of the objects a page links to under ``prefix`` (``/regions/1084/sessions/``)."""
    return {int(pk) for pk in re.findall(re.escape(prefix) + r"(\d+)/", text)}


def citizen_names(queryset) -> set[str]:
    return set(queryset.values_list("citizen__name", flat=True))


def test_it_lists_exactly_what_each_role_may_see(clients, world, record_property, request):
    from municipalities.models import (
        ContactTask,
        HelpRequest,
        Referral,
        SsiListImport,
        TransportBooking,
    )
    from outreach.models import VaccinationRecord
    from regions.models import PlanningRun, PopupSession, RouteDay, StaffMember, StockMovement
    from vaccinators.models import RouteList

    tally = Tally()
    started = time.monotonic()

    def read(role, name, api=False, query="", **kwargs):
        url = reverse(name, kwargs=kwargs) + query
        response, text = clients.send(role, api, GET, url, {})
        assert response.status_code == 200, (name, role, response.status_code)
        return text

    def check(what, role, shown, wanted):
        assert wanted, f"{what}: the world has nothing for {role} to see, so nothing is checked"
        tally.cases += 1
        if shown != wanted:
            tally.fail(
                f"{what} as {role}: shows {sorted(shown)}, should show {sorted(wanted)}; "
                f"extra {sorted(shown - wanted)}, missing {sorted(wanted - shown)}"
            )

    kbh = {"code": "101"}
    for role in (CW, LEAD):
        open_tasks = ContactTask.objects.filter(
            municipality__code="101", status="open", stage__in=ContactTask.TO_DO
        )
        worklist = read(role, "municipalities:municipality-worklist", **kbh)
        check("worklist", role, names_in(worklist), citizen_names(open_tasks))
        rides = TransportBooking.objects.filter(municipality__code="101", status="to_arrange")
        for name in ("municipalities:transport-list", "municipalities:transport-export"):
            check(name, role, names_in(read(role, name, **kbh)), citizen_names(rides))
        help_requests = HelpRequest.objects.filter(municipality__code="101", status="new")
        check(
            "help requests",
            role,
            names_in(read(role, "municipalities:help-request-list", **kbh)),
            set(help_requests.values_list("name", flat=True)),
        )
        imports = read(role, "municipalities:import-list", **kbh)
        check(
            "imports",
            role,
            linked(imports, "/municipalities/101/imports/"),
            set(
                SsiListImport.objects.filter(municipality__code="101").values_list("pk", flat=True)
            ),
        )

    hovedstaden = {"code": "1084"}
    in_region = {"region__code": "1084"}
    requested = Referral.objects.filter(status="requested", **in_region)
    check(
        "referral inbox",
        COORD,
        names_in(read(COORD, "regions:referral-list", **hovedstaden)),
        citizen_names(requested),
    )
    sessions = set(PopupSession.objects.filter(**in_region).values_list("pk", flat=True))
    listed = read(COORD, "regions:session-list", **hovedstaden)
    check("sessions", COORD, linked(listed, "/regions/1084/sessions/"), sessions)
    for name in ("regions:stock-list", "regions:stock-export"):
        lots = set(re.findall(r"LOT\d{4}", read(COORD, name, **hovedstaden)))
        check(name, COORD, lots, {"LOT1084"})
    route_days = RouteDay.objects.filter(date__gte=timezone.localdate(), **in_region)
    check(
        "route days",
        COORD,
        linked(read(COORD, "regions:route-day-list", **hovedstaden), "/regions/1084/route-days/"),
        set(route_days.values_list("pk", flat=True)),
    )
    check(
        "staff",
        COORD,
        set(w.STAFF.findall(read(COORD, "regions:staff-list", **hovedstaden))),
        set(StaffMember.objects.filter(**in_region).values_list("name", flat=True)),
    )
    check(
        "planning runs",
        COORD,
        linked(read(COORD, "planning:run-list", **hovedstaden), "/regions/1084/planning/"),
        set(PlanningRun.objects.filter(**in_region).values_list("pk", flat=True)),
    )
    waiting_at_home = Referral.objects.filter(status="accepted", pathway="home", **in_region)
    pool = read(COORD, "regions:pool", **hovedstaden)
    check(
        "home-visit pool",
        COORD,
        {int(pk) for pk in re.findall(r'id="pool-referral-(\d+)"', pool)},
        set(waiting_at_home.values_list("pk", flat=True)),
    )
    export = read(COORD, "regions:region-dashboard-export", **hovedstaden)
    check(
        "regional dashboard export",
        COORD,
        {town for town in ("København", "Frederiksberg", "Aarhus") if town in export},
        {"København", "Frederiksberg"},
    )

    noerrebro = {"code": "990101"}
    published = RouteList.objects.filter(
        vaccinator_organisation__code="990101", status__in=RouteList.LIVE
    )
    check(
        "route lists",
        VACC,
        linked(
            read(VACC, "vaccinators:routelist-list", **noerrebro),
            "/vaccinators/990101/route-lists/",
        ),
        set(published.values_list("pk", flat=True)),
    )
    run_by_practice = PopupSession.objects.filter(vaccinator_organisation__code="990101")
    check(
        "practice's sessions",
        VACC,
        linked(
            read(VACC, "vaccinators:session-list", **noerrebro), "/vaccinators/990101/sessions/"
        ),
        set(run_by_practice.values_list("pk", flat=True)),
    )

    records = {
        CW: VaccinationRecord.objects.filter(citizen__municipality__code="101"),
        LEAD: VaccinationRecord.objects.filter(citizen__municipality__code="101"),
        COORD: VaccinationRecord.objects.filter(citizen__referrals__region__code="1084"),
        VACC: VaccinationRecord.objects.filter(vaccinator_organisation__code="990101"),
        ADMIN: VaccinationRecord.objects.all(),
        SSI: VaccinationRecord.objects.all(),
    }
    for role, wanted in records.items():
        bundle = json.loads(read(role, "outreach-api:immunization-list", api=True))
        shown = {int(entry["resource"]["id"]) for entry in bundle.get("entry", [])}
        check("FHIR immunizations", role, shown, set(wanted.values_list("pk", flat=True)))

    # The API's lists (ADR 0016): what the pages above show, as JSON.
    def read_json(role, name, **kwargs):
        return json.loads(read(role, name, api=True, **kwargs))

    for role in (CW, LEAD):
        open_tasks = ContactTask.objects.filter(
            municipality__code="101", status="open", stage__in=ContactTask.TO_DO
        )
        tasks = read_json(role, "municipalities-api:task-list", **kbh)
        assert tasks["next"] is None, "the world's worklist fits one page"
        check(
            "API task list",
            role,
            {task["id"] for task in tasks["results"]},
            set(open_tasks.values_list("pk", flat=True)),
        )
        check(
            "API task list's citizens",
            role,
            names_in(json.dumps(tasks, ensure_ascii=False)),
            citizen_names(open_tasks),
        )
    check(
        "API route lists",
        VACC,
        {route["id"] for route in read_json(VACC, "vaccinators-api:routelist-list", **noerrebro)},
        set(published.values_list("pk", flat=True)),
    )
    coming = run_by_practice.filter(date__gte=timezone.localdate()).exclude(status="cancelled")
    check(
        "API practice's sessions",
        VACC,
        {session["id"] for session in read_json(VACC, "vaccinators-api:session-list", **noerrebro)},
        set(coming.values_list("pk", flat=True)),
    )
    check(
        "API stock",
        COORD,
        set(re.findall(r"LOT\d{4}", read(COORD, "regions-api:stock-detail", True, **hovedstaden))),
        {"LOT1084"},
    )
    movements, url = set(), reverse("regions-api:stock-movement-list", kwargs=hovedstaden)
    while url:
        response, text = clients.send(COORD, True, GET, url, {})
        assert response.status_code == 200, text
        page = json.loads(text)
        movements |= {movement["id"] for movement in page["results"]}
        url = page["next"]
    check(
        "API stock movements",
        COORD,
        movements,
        set(StockMovement.objects.filter(**in_region).values_list("pk", flat=True)),
    )

    audit_lists(clients, read, check)

    report(request, record_property, "lists", tally, time.monotonic() - started)

    assert not tally.failures, "\n".join(tally.failures)


def audited_events(world, auditor):
    """ADR 0013 written out for the world's three auditors: the events about the audited
    municipalities' citizens, and those made in the name of the audited organisations."""
    from outreach.models import AccessEvent

    if auditor == NATIONAL_AUDITOR:
        return AccessEvent.objects.all()
    if auditor == AUDITOR:
        municipalities, region, practices = ("101",), "-", ()
    else:
        municipalities, region, practices = ("101", "147"), "1084", ("990101", "990102")
    return AccessEvent.objects.filter(
        Q(citizen__municipality__code__in=municipalities)
        | Q(organisation_kind="municipality", organisation_code__in=municipalities)
        | Q(organisation_kind="region", organisation_code=region)
        | Q(organisation_kind="vaccinator", organisation_code__in=practices)
    )


def audit_lists(clients, read, check):
    """The audit pages' lists for the auditor of København, of Hovedstaden and the national
    one: the people to review, a citizen's look-ups (the page and the citizen's report), a
    person's look-ups and the look-ups outside the organisation's own work. København's auditor
    reads København's look-up of a Frederiksberg citizen, but makes no report of a log it sees
    only part of (403)."""
    from outreach.models import Citizen, RoleGroup, User

    world = clients.world
    looked_up = world.expected["audit"]
    members = {
        AUDITOR: RoleGroup.objects.filter(municipality__code="101"),
        REGIONAL_AUDITOR: RoleGroup.objects.filter(
            Q(municipality__region__code="1084")
            | Q(region__code="1084")
            | Q(vaccinator_organisation__region__code="1084")
        ),
        NATIONAL_AUDITOR: RoleGroup.objects.all(),
    }
    users = {name: pk for pk, name in User.objects.values_list("pk", "username")}
    # Whose look-ups each auditor reads, said plainly: København's auditor reads the
    # coordinator's look-up of Borger 101, not of Borger 301; Hovedstaden's reads Aarhus's
    # caseworker's look-up of Borger 306; nobody else's municipality is theirs.
    for auditor in AUDITORS:
        events = audited_events(world, auditor)
        people = set(members[auditor].values_list("group__user", flat=True))
        people |= set(events.values_list("user", flat=True))
        if auditor == AUDITOR:
            assert users["m-kasper"] in people and users["m-mads"] not in people
            assert not people & {users["m-frida"], users["m-freja"], users["m-rita"]}
        if auditor == REGIONAL_AUDITOR:
            assert {users["m-mads"], users["m-freja"]} <= people
            assert not people & {users["m-maja"], users["m-aage"], users["m-peter"]}
        check(
            "audited people",
            auditor,
            linked(read(auditor, "audit:user-list"), "/audit/users/"),
            people,
        )
        citizens = Citizen.objects.filter(name__in=list(looked_up))
        for citizen in citizens:
            about = events.filter(citizen=citizen)
            if not about.exists():
                continue
            page = read(auditor, "audit:citizen-events", pk=citizen.pk)
            check(
                f"look-ups of {citizen.name}",
                auditor,
                linked(page, "/audit/users/"),
                set(about.values_list("user", flat=True)),
            )
            may_report = auditor != AUDITOR or citizen.municipality.code == "101"
            if may_report:
                report = read(auditor, "audit:citizen-report-csv", pk=citizen.pk)
                rows = report.strip().splitlines()[1:]
                # Every look-up the auditor reads, and the report's own making (each case rolls
                # back its writes: the page's look-up just read is not there).
                check(
                    f"{citizen.name}'s access report rows",
                    auditor,
                    {len(rows)},
                    {about.count() + 1},
                )
                # Organisations and roles, never the people who looked (ADR 0013).
                assert not [username for username in users if username in report], citizen
            else:
                for name in ("audit:citizen-report-csv", "audit:citizen-report-pdf"):
                    url = reverse(name, kwargs={"pk": citizen.pk})
                    response, text = clients.send(auditor, False, GET, url, {})
                    assert response.status_code == 403, (name, citizen.name)
                    assert not names_in(text), (name, citizen.name)
        for username in ("m-signe", "m-kasper", "m-mads"):
            person = users[username]
            if person not in people:
                continue
            page = read(auditor, "audit:user-events", pk=person)
            check(
                f"{username}'s look-ups",
                auditor,
                linked(page, "/audit/citizens/"),
                set(
                    events.filter(user=person, citizen__isnull=False).values_list(
                        "citizen", flat=True
                    )
                ),
            )
        outside = linked(read(auditor, "audit:anomalies"), "/audit/citizens/")
        tally_outside = {looked_up["Borger 308"]} | (
            {looked_up["Borger 306"]} if auditor != AUDITOR else set()
        )
        check(
            "look-ups outside own work (the world's two)",
            auditor,
            outside & {looked_up["Borger 308"], looked_up["Borger 306"]},
            tally_outside,
        )


def test_it_finds_by_cpr_only_the_municipalitys_own_citizens(clients, world):
    """The CPR search (a POST) finds a København citizen for København's caseworker, and says
    "not found" for a Frederiksberg citizen's number, naming nobody."""
    from municipalities.models import ContactTask

    url = reverse("municipalities:worklist-cpr-search", kwargs={"code": "101"})
    own = ContactTask.objects.filter(citizen__name="Borger 100").latest("pk")
    for role in (CW, LEAD):
        found, _text = clients.send(role, False, POST, url, {"cpr": fake_cpr(100)})
        assert found.status_code == 302
        assert found["Location"] == reverse(
            "municipalities:case-detail", kwargs={"code": "101", "pk": own.pk}
        )
        elsewhere, _text = clients.send(role, False, POST, url, {"cpr": fake_cpr(300)})
        assert elsewhere.status_code == 302
        assert elsewhere["Location"] == reverse(
            "municipalities:municipality-worklist", kwargs={"code": "101"}
        )
        page = clients.html[role].get(elsewhere["Location"])
        assert "Borger 300" not in page.content.decode()

        # The API's search (ADR 0016): found, or an answer naming nobody.
        api = reverse("municipalities-api:citizen-cpr-search", kwargs={"code": "101"})
        response, text = clients.send(role, True, POST, api, {"cpr": fake_cpr(100)})
        assert response.status_code == 200
        assert json.loads(text)["task"]["id"] == own.pk
        response, text = clients.send(role, True, POST, api, {"cpr": fake_cpr(300)})
        assert response.status_code == 200
        assert json.loads(text)["found"] is False
        assert not names_in(text)


def test_it_finds_by_cpr_only_the_citizens_an_auditor_audits(clients, world):
    """The auditor's CPR search (a POST) finds a citizen of the audited municipalities, and
    answers "not in the log you audit" for one elsewhere, naming nobody."""
    from outreach.models import Citizen

    url = reverse("audit:citizen-search")
    finds = {
        AUDITOR: {100: True, 300: False, 500: False},
        REGIONAL_AUDITOR: {100: True, 300: True, 500: False},
        NATIONAL_AUDITOR: {100: True, 300: True, 500: True},
    }
    for auditor, numbers in finds.items():
        for number, found in numbers.items():
            response, _text = clients.send(auditor, False, POST, url, {"cpr": fake_cpr(number)})
            assert response.status_code == 302, (auditor, number)
            if found:
                citizen = Citizen.objects.get(name=w.name(number))
                wanted = reverse("audit:citizen-events", kwargs={"pk": citizen.pk})
            else:
                wanted = reverse("audit:home")
            assert response["Location"] == wanted, (auditor, number)
            if not found:
                page = clients.html[auditor].get(wanted)
                assert not names_in(page.content.decode()), (auditor, number)
