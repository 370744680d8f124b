"""The public help page of each municipality: no login. How citizens and relatives get help with
booking and transport, and a form that asks the municipality to call.

Spam is kept out by the form (honeypot, signed timestamp; see ``municipalities.help_forms``) and
by a rate limit per client here. A refused bot is told its request was received: it learns
nothing to adapt to, and nothing is stored.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from municipalities import ratelimit
from municipalities.help_forms import TOKEN_FIELD, TRAP_FIELD, HelpRequestForm, form_token
from municipalities.selectors import help as help_selectors
from municipalities.services import help as help_services
from outreach import access
from outreach.models import Municipality

logger = logging.getLogger(__name__)

RATE_SCOPE = "help-request"


def _municipality(code: str) -> Municipality:
    # Every municipality has a public page; an unknown code is a 404.
    return access.get_from(Municipality.objects.all(), code=code)


def _page(request, template: str, municipality, status: int = 200, **context):
    return render(
        request,
        template,
        {
            "municipality": municipality,
            "contact": help_selectors.contact_info_of(municipality),
            **context,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def help_page(request, code: str):
    municipality = _municipality(code)
    limit = settings.HELP_REQUESTS_PER_HOUR
    if request.method == "POST" and ratelimit.used(request, RATE_SCOPE) >= limit:
        return _too_many(request, municipality)
    form = HelpRequestForm(request.POST or None, code=municipality.code)
    if request.method == "POST":
        if form.is_trap_filled():
            ratelimit.hit(request, RATE_SCOPE)
            logger.info("help request refused: honeypot filled, municipality=%s", code)
            return redirect("help:help-thanks", code=municipality.code)
        if form.is_valid():
            # Counted here, atomically, so two requests at once cannot both take the last slot.
            if ratelimit.hit(request, RATE_SCOPE) > limit:
                return _too_many(request, municipality)
            help_services.help_request_submit(municipality=municipality, **form.submission())
            return redirect("help:help-thanks", code=municipality.code)
    return _page(
        request,
        "municipalities/help_page.html",
        municipality,
        status=422 if form.is_bound else 200,
        form=form,
        token=form_token(municipality.code),
        token_field=TOKEN_FIELD,
        trap_field=TRAP_FIELD,
    )


def _too_many(request, municipality):
    logger.info("help request refused: rate limit, municipality=%s", municipality.code)
    return _page(request, "municipalities/help_rate_limited.html", municipality, status=429)


@require_GET
def help_thanks(request, code: str):
    return _page(request, "municipalities/help_thanks.html", _municipality(code))
