from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from outreach import access


@login_required
def routelist_list(request, code: str):
    """The vaccinator's own route lists: today's first, then the coming days."""
    organisation = access.get_vaccinator_organisation_for_user(request.user, code, "vaccinate")
    return render(
        request,
        "vaccinators/routelist_list.html",
        {"organisation": organisation},
    )
