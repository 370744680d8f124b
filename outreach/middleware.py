from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from outreach import access, sessions, twofactor

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


class SessionTimeoutMiddleware:
    """Logs out a session idle for SESSION_IDLE_MINUTES or older than SESSION_ABSOLUTE_HOURS;
    the request goes on as anonymous (so the login page follows, with a message saying why)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            ended = sessions.session_check(request)
            if ended == sessions.IDLE:
                messages.info(
                    request,
                    _("You were logged out after %(minutes)d minutes without activity.")
                    % {"minutes": settings.SESSION_IDLE_MINUTES},
                )
            elif ended == sessions.ABSOLUTE:
                messages.info(
                    request,
                    _("You were logged out because you logged in %(hours)d hours ago.")
                    % {"hours": settings.SESSION_ABSOLUTE_HOURS},
                )
            if ended and request.htmx:
                return HttpResponseClientRedirect(reverse("login"))
        return self.get_response(request)


class TwoFactorMiddleware:
    """Until a person who needs two factors has verified the second one, every page but those
    needed to get there is refused: pages redirect to the verification (or enrolment) page, API
    calls on the session get 403. Calls with an API token carry no session and pass untouched.
    """

    # URL names reachable with the password alone, and namespaces that are public.
    OPEN = frozenset({"login", "logout", "login-verify", "login-enrol", "set-language", "healthz"})
    OPEN_NAMESPACES = frozenset({"help"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match.url_name in self.OPEN and not match.namespace:
            return None
        if match.namespace in self.OPEN_NAMESPACES:
            return None
        user = request.user
        if not twofactor.required_for(user) or twofactor.is_verified(request):
            return None
        if request.path.startswith("/api/") and match.view_name != "api-docs":
            return JsonResponse(
                {"detail": _("Verify your second factor (the code from your app) first.")},
                status=403,
            )
        step = "login-verify" if twofactor.has_authenticator(user) else "login-enrol"
        url = reverse(step)
        if request.method == "GET" and not request.htmx:
            url += "?" + urlencode({"next": request.get_full_path()})
        if request.htmx:
            return HttpResponseClientRedirect(url)
        return redirect(url)


class ContentSecurityPolicyMiddleware:
    """Sends settings.CONTENT_SECURITY_POLICY on every response that has none of its own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = "; ".join(f"{k} {v}" for k, v in settings.CONTENT_SECURITY_POLICY.items())
        response.headers.setdefault("Content-Security-Policy", policy)
        return response
