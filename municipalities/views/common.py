"""What every page of a municipality's pages needs: the municipality and whether the navigation
offers the lead's dashboard."""

from outreach import access


def page_context(request, municipality) -> dict:
    return {
        "municipality": municipality,
        "may_lead": access.may(request.user, "view_municipal_dashboard", municipality),
    }
