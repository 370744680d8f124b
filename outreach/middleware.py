from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers

from outreach import access

ACTIVE_MEMBERSHIP_KEY = "active_membership"


class LanguageMiddleware:
    """Danish unless the person chose otherwise (the language cookie set by ``set_language``).

    Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language header: the
    product speaks Danish first, whatever language the workstation's browser was installed in.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.languages:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response


class MembershipMiddleware:
    """Sets ``request.membership``: the role the user is acting in now (they may hold several).

    It is chosen in the header and kept in the session; it falls back to the first membership
    when the chosen one has been revoked.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.membership = active_membership(request)
        return self.get_response(request)


def active_membership(request):
    held = access.memberships(request.user)
    if not held:
        return None
    chosen = request.session.get(ACTIVE_MEMBERSHIP_KEY)
    for membership in held:
        if membership.pk == chosen:
            return membership
    return held[0]
