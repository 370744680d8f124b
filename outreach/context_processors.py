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
