from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from outreach import access, selectors


@login_required
def worklist(request, code: str):
    municipality = access.get_municipality_for_user(request.user, code, "work_cases")
    return render(
        request,
        "municipalities/worklist.html",
        {
            "municipality": municipality,
            "may_lead": access.may(request.user, "view_municipal_dashboard", municipality),
        },
    )


@login_required
def dashboard(request, code: str):
    municipality = access.get_municipality_for_user(request.user, code, "view_municipal_dashboard")
    return render(
        request,
        "municipalities/dashboard.html",
        {"municipality": municipality, "members": selectors.members_of(municipality)},
    )
