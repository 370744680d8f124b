"""Every URL pattern sends anonymous users to the login page, except the few public ones.

Each pattern must be listed below with example arguments; a new pattern that is not listed fails
``test_it_covers_every_url_pattern``, so nothing is added without deciding who may reach it.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

pytestmark = pytest.mark.django_db

PUBLIC = {"login", "healthz", "set-language", "help:help-page", "help:help-thanks"}
PUBLIC_KWARGS = {"help:help-page": {"code": "101"}, "help:help-thanks": {"code": "101"}}

PROTECTED = {
    "start": {},
    "logout": {},
    # The second factor's pages need the password first: anonymous users are sent to log in.
    "login-verify": {},
    "login-enrol": {},
    "login-recovery-codes": {},
    "account-security": {},
    "account-recovery-codes-renew": {},
    "outreach:membership-switch": {},
    "outreach:reference-data": {},
    "outreach:vaccine-rules": {},
    "outreach:vaccine-rule-create": {},
    "outreach:vaccine-rule-end": {"pk": 1},
    "outreach:organisation-members": {"kind": "municipality", "code": "101"},
    "audit:home": {},
    "audit:citizen-search": {},
    "audit:citizen-events": {"pk": 1},
    "audit:citizen-report-csv": {"pk": 1},
    "audit:citizen-report-pdf": {"pk": 1},
    "audit:user-list": {},
    "audit:user-events": {"pk": 1},
    "audit:anomalies": {},
    "municipalities:municipality-worklist": {"code": "101"},
    "municipalities:worklist-cpr-search": {"code": "101"},
    "municipalities:case-detail": {"code": "101", "pk": 1},
    "municipalities:case-claim": {"code": "101", "pk": 1},
    "municipalities:case-release": {"code": "101", "pk": 1},
    "municipalities:case-assign": {"code": "101", "pk": 1},
    "municipalities:case-call-later": {"code": "101", "pk": 1},
    "municipalities:case-attempt": {"code": "101", "pk": 1},
    "municipalities:case-visitation": {"code": "101", "pk": 1},
    "municipalities:case-reopen": {"code": "101", "pk": 1},
    "municipalities:case-contact-details": {"code": "101", "pk": 1},
    "municipalities:case-cpr-reveal": {"code": "101", "pk": 1},
    "municipalities:municipality-dashboard": {"code": "101"},
    "municipalities:import-list": {"code": "101"},
    "municipalities:national-import-list": {},
    "municipalities:national-import-detail": {"pk": 1},
    "municipalities:national-import-status": {"pk": 1},
    "municipalities:national-import-errors": {"pk": 1},
    "municipalities:import-detail": {"code": "101", "pk": 1},
    "municipalities:import-status": {"code": "101", "pk": 1},
    "municipalities:import-errors": {"code": "101", "pk": 1},
    "municipalities:transport-list": {"code": "101"},
    "municipalities:transport-update": {"code": "101", "pk": 1},
    "municipalities:transport-export": {"code": "101"},
    "municipalities:help-request-list": {"code": "101"},
    "municipalities:help-request-handle": {"code": "101", "pk": 1},
    "municipalities:contact-info-edit": {"code": "101"},
    "regions:region-detail": {"code": "1084"},
    "regions:referral-list": {"code": "1084"},
    "regions:referral-accept": {"code": "1084", "pk": 1},
    "regions:referral-return": {"code": "1084", "pk": 1},
    "regions:site-list": {"code": "1084"},
    "regions:session-list": {"code": "1084"},
    "regions:session-detail": {"code": "1084", "pk": 1},
    "regions:session-book": {"code": "1084", "pk": 1},
    "regions:session-booking-cancel": {"code": "1084", "pk": 1, "booking_pk": 1},
    "regions:session-confirm": {"code": "1084", "pk": 1},
    "regions:session-cancel": {"code": "1084", "pk": 1},
    "regions:region-dashboard": {"code": "1084"},
    "regions:region-dashboard-export": {"code": "1084"},
    "regions:stock-list": {"code": "1084"},
    "regions:stock-receive": {"code": "1084"},
    "regions:stock-receive-consumable": {"code": "1084"},
    "regions:stock-export": {"code": "1084"},
    "regions:session-allocate": {"code": "1084", "pk": 1},
    "regions:session-return": {"code": "1084", "pk": 1},
    "regions:session-use": {"code": "1084", "pk": 1},
    "regions:route-day-list": {"code": "1084"},
    "regions:route-day-create": {"code": "1084"},
    "regions:route-day-detail": {"code": "1084", "pk": 1},
    "regions:route-day-cancel": {"code": "1084", "pk": 1},
    "regions:route-day-allocate": {"code": "1084", "pk": 1},
    "regions:route-day-return": {"code": "1084", "pk": 1},
    "regions:route-day-use": {"code": "1084", "pk": 1},
    "regions:staff-list": {"code": "1084"},
    "regions:staff-create": {"code": "1084"},
    "regions:staff-assign": {"code": "1084"},
    "regions:staff-unassign": {"code": "1084", "pk": 1},
    "regions:pool": {"code": "1084"},
    "planning:run-list": {"code": "1084"},
    "planning:run-create": {"code": "1084"},
    "planning:run-detail": {"code": "1084", "pk": 1},
    "planning:run-publish": {"code": "1084", "pk": 1},
    "planning:run-discard": {"code": "1084", "pk": 1},
    "planning:stop-move": {"code": "1084", "pk": 1, "stop_pk": 1},
    "planning:stop-reorder": {"code": "1084", "pk": 1, "stop_pk": 1},
    "vaccinators:routelist-list": {"code": "990101"},
    "vaccinators:routelist-detail": {"code": "990101", "pk": 1},
    "vaccinators:routelist-pdf": {"code": "990101", "pk": 1},
    "vaccinators:routelist-checklist": {"code": "990101", "pk": 1},
    "vaccinators:routelist-finish": {"code": "990101", "pk": 1},
    "vaccinators:stop-outcome": {"code": "990101", "pk": 1, "stop_pk": 1},
    "vaccinators:stop-correct": {"code": "990101", "pk": 1, "stop_pk": 1},
    "vaccinators:stop-reaction": {"code": "990101", "pk": 1, "stop_pk": 1},
    "vaccinators:vial-open": {"code": "990101", "pk": 1, "vial": 1},
    "vaccinators:vial-finish": {"code": "990101", "pk": 1, "vial": 1},
    "vaccinators:session-list": {"code": "990101"},
    "vaccinators:session-detail": {"code": "990101", "pk": 1},
    "vaccinators:session-checklist": {"code": "990101", "pk": 1},
    "vaccinators:session-finish": {"code": "990101", "pk": 1},
    "vaccinators:booking-outcome": {"code": "990101", "pk": 1, "booking_pk": 1},
    "vaccinators:booking-correct": {"code": "990101", "pk": 1, "booking_pk": 1},
    "vaccinators:booking-reaction": {"code": "990101", "pk": 1, "booking_pk": 1},
}


# API endpoints answer an anonymous caller with 401 instead of sending them to a login page.
API = {
    "municipalities-api:ssi-list-create": {},
    "municipalities-api:ssi-list-detail": {"pk": 1},
    "outreach-api:immunization-list": {},
    "outreach-api:immunization-detail": {"pk": 1},
    "municipalities-api:task-list": {"code": "101"},
    "municipalities-api:task-detail": {"code": "101", "pk": 1},
    "municipalities-api:citizen-detail": {"code": "101", "pk": 1},
    "municipalities-api:citizen-cpr-search": {"code": "101"},
    "vaccinators-api:routelist-list": {"code": "990101"},
    "vaccinators-api:routelist-detail": {"code": "990101", "pk": 1},
    "vaccinators-api:routelist-checklist": {"code": "990101", "pk": 1},
    "vaccinators-api:stop-outcome": {"code": "990101", "pk": 1, "stop_pk": 1},
    "vaccinators-api:session-list": {"code": "990101"},
    "vaccinators-api:session-detail": {"code": "990101", "pk": 1},
    "vaccinators-api:session-checklist": {"code": "990101", "pk": 1},
    "vaccinators-api:booking-outcome": {"code": "990101", "pk": 1, "booking_pk": 1},
    "regions-api:stock-detail": {"code": "1084"},
    "regions-api:stock-movement-list": {"code": "1084"},
    "api-schema": {},
    "api-docs": {},
}

POST_ONLY = {
    "logout",
    "account-recovery-codes-renew",
    "outreach:membership-switch",
    "outreach:vaccine-rule-create",
    "outreach:vaccine-rule-end",
    "audit:citizen-search",
    "municipalities:worklist-cpr-search",
    "municipalities:case-claim",
    "municipalities:case-release",
    "municipalities:case-assign",
    "municipalities:case-call-later",
    "municipalities:case-attempt",
    "municipalities:case-reopen",
    "municipalities:case-contact-details",
    "municipalities:case-cpr-reveal",
    "municipalities:transport-update",
    "municipalities:help-request-handle",
    "regions:referral-accept",
    "regions:referral-return",
    "regions:session-book",
    "regions:session-booking-cancel",
    "regions:session-confirm",
    "regions:session-cancel",
    "regions:stock-receive",
    "regions:stock-receive-consumable",
    "regions:session-allocate",
    "regions:session-return",
    "regions:session-use",
    "regions:route-day-create",
    "regions:route-day-cancel",
    "regions:route-day-allocate",
    "regions:route-day-return",
    "regions:route-day-use",
    "regions:staff-create",
    "regions:staff-assign",
    "regions:staff-unassign",
    "planning:run-create",
    "planning:run-publish",
    "planning:run-discard",
    "planning:stop-move",
    "planning:stop-reorder",
    "vaccinators:routelist-checklist",
    "vaccinators:routelist-finish",
    "vaccinators:stop-outcome",
    "vaccinators:stop-correct",
    "vaccinators:stop-reaction",
    "vaccinators:vial-open",
    "vaccinators:vial-finish",
    "vaccinators:session-checklist",
    "vaccinators:session-finish",
    "vaccinators:booking-outcome",
    "vaccinators:booking-correct",
    "vaccinators:booking-reaction",
}
GET_ONLY = {
    "outreach:vaccine-rules",
    "audit:home",
    "audit:citizen-events",
    "audit:citizen-report-csv",
    "audit:citizen-report-pdf",
    "audit:user-list",
    "audit:user-events",
    "audit:anomalies",
    "municipalities:transport-list",
    "municipalities:transport-export",
    "municipalities:help-request-list",
    "municipalities:municipality-dashboard",
    "regions:region-dashboard",
    "regions:region-dashboard-export",
    "municipalities:import-status",
    "municipalities:import-errors",
    "municipalities:national-import-status",
    "municipalities:national-import-errors",
    "regions:referral-list",
    "regions:session-detail",
    "vaccinators:routelist-list",
    "vaccinators:routelist-detail",
    "vaccinators:routelist-pdf",
    "vaccinators:session-list",
    "vaccinators:session-detail",
    "regions:stock-list",
    "regions:stock-export",
    "regions:route-day-list",
    "regions:route-day-detail",
    "regions:staff-list",
    "regions:pool",
    "planning:run-list",
    "planning:run-detail",
}


def pattern_names(resolver=None, namespace=None):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue  # the Django admin has its own login; see test below
            inner = entry.namespace or namespace
            yield from pattern_names(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}:{entry.name}" if namespace else entry.name


def test_it_covers_every_url_pattern():
    names = set(pattern_names())
    assert names - PUBLIC - set(PROTECTED) - set(API) == set()
    assert set(PROTECTED) - names == set()
    assert set(API) - names == set()


@pytest.mark.parametrize("name", sorted(PROTECTED))
@pytest.mark.parametrize("method", ["get", "post"])
def test_it_sends_anonymous_users_to_login(client, name, method):
    url = reverse(name, kwargs=PROTECTED[name])
    response = getattr(client, method)(url)
    if (method == "get" and name in POST_ONLY) or (method == "post" and name in GET_ONLY):
        assert response.status_code == 405  # the wrong method: nothing to show anyone
        return
    assert response.status_code == 302
    if name == "logout":
        assert response["Location"] == reverse("login")
    else:
        assert response["Location"].startswith(reverse("login") + "?next=")


def test_it_sends_anonymous_users_from_the_admin_to_its_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_it_lets_anonymous_users_reach_the_public_pages(client, name):
    response = client.get(reverse(name, kwargs=PUBLIC_KWARGS.get(name, {})))
    assert response.status_code in (200, 302), name
    if name != "set-language":
        assert response.status_code == 200


@pytest.mark.parametrize("name", sorted(API))
def test_it_answers_anonymous_api_callers_with_401(client, name):
    for method in (client.get, client.post):
        assert method(reverse(name, kwargs=API[name])).status_code == 401, name
