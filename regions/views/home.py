from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from outreach import access
from regions.views.common import page_context


@login_required
def region_detail(request, code: str):
    region = access.get_region_for_user(request.user, code, "coordinate_region")
    return render(
        request,
        "regions/region_detail.html",
        {
            **page_context(request, region),
            "municipalities": access.municipalities_visible_to(request.user).filter(region=region),
            "vaccinator_organisations": access.vaccinator_organisations_visible_to(
                request.user
            ).filter(region=region),
        },
    )
