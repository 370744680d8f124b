"""Logging in: the password, then the second factor (verify, or enrol the first time), recovery
codes, and the security page where a person replaces their app or their codes (ADR 0014)."""

from base64 import b32encode

import segno
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from outreach import twofactor
from outreach.forms import CodeForm

# The default login view (settings.LOGIN_VIEW): username and password; the middleware then asks
# for the second factor.
password_login = auth_views.LoginView.as_view(redirect_authenticated_user=True)

NEXT_KEY = "two_factor_next"
NEW_CODES_KEY = "two_factor_new_codes"


def _with_query(name: str, request) -> str:
    """The URL named ``name``, keeping this request's query (its ``next``)."""
    query = request.GET.urlencode()
    return f"{reverse(name)}?{query}" if query else reverse(name)


def _next(request) -> str:
    """Where to go once verified: a local ``next`` from the form or the query, else the start."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("start")


@never_cache
@login_required
def verify(request):
    user = request.user
    if twofactor.is_verified(request) or not twofactor.required_for(user):
        return redirect(_next(request))
    if not twofactor.has_authenticator(user):
        return redirect(_with_query("login-enrol", request))
    form = CodeForm(
        request.POST or None,
        help_text=_(
            "The 6 digits your authenticator app shows now, or one of your recovery codes."
        ),
    )
    if request.method == "POST" and form.is_valid():
        result = twofactor.code_verify(user=user, code=form.cleaned_data["code"])
        if result.device is not None:
            twofactor.session_verify(request, result.device)
            if result.device.name == twofactor.RECOVERY_NAME:
                messages.warning(
                    request,
                    _(
                        "You used a recovery code. %(left)d are left: make new ones on your "
                        "security page if you are running out, and set up your app again if it "
                        "is lost."
                    )
                    % {"left": twofactor.recovery_codes_left(user)},
                )
            return redirect(_next(request))
        if result.throttled:
            form.add_error("code", _("Too many wrong codes. Wait a few seconds and try again."))
        else:
            form.add_error("code", _("The code is wrong or has already been used."))
    return render(
        request,
        "registration/verify.html",
        {"form": form, "next": _next(request), "demo_code": twofactor.demo_code(user)},
        status=422 if form.errors else 200,
    )


@never_cache
@login_required
def enrol(request):
    """Set up the authenticator app: the first time, or to replace it once verified."""
    user = request.user
    if twofactor.has_authenticator(user) and not twofactor.is_verified(request):
        # Only a verified session may replace the second factor; the password alone may not.
        return redirect(_with_query("login-verify", request))
    device = twofactor.authenticator_pending(user=user)
    form = CodeForm(
        request.POST or None,
        help_text=_("The 6 digits the app shows after you have added the account."),
    )
    if request.method == "POST" and form.is_valid():
        confirmed, codes = twofactor.authenticator_confirm(
            user=user, code=form.cleaned_data["code"]
        )
        if confirmed is not None:
            twofactor.session_verify(request, confirmed)
            request.session[NEW_CODES_KEY] = codes
            request.session[NEXT_KEY] = _next(request)
            return redirect("login-recovery-codes")
        form.add_error("code", _("The code is wrong. Check the time on your phone and try again."))
    secret = b32encode(device.bin_key).decode()
    return render(
        request,
        "registration/enrol.html",
        {
            "form": form,
            "next": _next(request),
            "qr_code": segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=4),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "replacing": twofactor.has_authenticator(user),
        },
        status=422 if form.errors else 200,
    )


@never_cache
@login_required
def recovery_codes(request):
    """The new recovery codes, shown once: a reload finds them gone."""
    codes = request.session.pop(NEW_CODES_KEY, None)
    next_url = request.session.pop(NEXT_KEY, None) or reverse("account-security")
    if not codes:
        messages.info(request, _("Recovery codes are shown only once. You can make new ones here."))
        return redirect("account-security")
    return render(request, "registration/recovery_codes.html", {"codes": codes, "next": next_url})


@never_cache
@login_required
def security(request):
    return render(
        request,
        "registration/security.html",
        {
            "authenticator": twofactor.authenticator(request.user),
            "codes_left": twofactor.recovery_codes_left(request.user),
        },
    )


@require_POST
@login_required
def recovery_codes_renew(request):
    request.session[NEW_CODES_KEY] = twofactor.recovery_codes_renew(user=request.user)
    request.session[NEXT_KEY] = reverse("account-security")
    return redirect("login-recovery-codes")
