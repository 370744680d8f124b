"""What every page of a region's pages needs."""

from outreach import access


def page_context(request, region) -> dict:
    return {
        "region": region,
        "may_view_dashboard": access.may(request.user, "view_regional_dashboard", region),
    }
