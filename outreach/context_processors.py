from django.utils.http import url_has_allowed_host_and_scheme

from outreach import access


def membership(request):
    """The header's user, active role and organisation, and the other roles to switch to."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "active_membership": getattr(request, "membership", None),
        "memberships": access.memberships(user),
    }


def language_next(request):
    """Where the language switch leads back to: the page itself, or, for a page rendered in answer
    to a form post (a refused form at a POST-only address), the page the form was on."""
    if request.method == "GET":
        return {"language_next": request.get_full_path()}
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return {"language_next": referer}
    return {"language_next": "/"}
