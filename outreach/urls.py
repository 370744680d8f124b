from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.module_loading import import_string
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from outreach import login_views, rule_views, views

app_patterns = (
    [
        path("membership/switch/", views.membership_switch, name="membership-switch"),
        path("reference-data/", views.reference_data, name="reference-data"),
        path("rules/", rule_views.vaccine_rules, name="vaccine-rules"),
        path("rules/new/", rule_views.vaccine_rule_create, name="vaccine-rule-create"),
        path("rules/<int:pk>/end/", rule_views.vaccine_rule_end, name="vaccine-rule-end"),
        path(
            "organisations/<str:kind>/<str:code>/members/",
            views.organisation_members,
            name="organisation-members",
        ),
    ],
    "outreach",
)

urlpatterns = [
    path("", views.start, name="start"),
    # The login view is a setting, so an identity broker's login can take its place (ADR 0014).
    path("login/", import_string(settings.LOGIN_VIEW), name="login"),
    path("login/verify/", login_views.verify, name="login-verify"),
    path("login/enrol/", login_views.enrol, name="login-enrol"),
    path("login/recovery-codes/", login_views.recovery_codes, name="login-recovery-codes"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/security/", login_views.security, name="account-security"),
    path(
        "account/security/recovery-codes/",
        login_views.recovery_codes_renew,
        name="account-recovery-codes-renew",
    ),
    path("language/", set_language, name="set-language"),
    path("healthz", views.healthz, name="healthz"),
    path("", include(app_patterns)),
    path("audit/", include("outreach.audit.urls")),
    path("municipalities/", include("municipalities.urls")),
    path("help/", include("municipalities.public_urls")),
    # The coordinator's planning runs: regional pages served by the vaccinators' app, which has
    # the planner and the route lists (imports flow vaccinators -> regions).
    path("regions/<str:code>/planning/", include("vaccinators.planning_urls")),
    path("regions/", include("regions.urls")),
    path("vaccinators/", include("vaccinators.urls")),
    path("api/v1/", include("municipalities.api_urls")),
    path("api/v1/", include("outreach.api_urls")),
    path("api/v1/", include("regions.api_urls")),
    path("api/v1/", include("vaccinators.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script (CSP).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]

# An address under /api/ that nothing answers gets JSON, like every other API error.
handler404 = "outreach.rest.not_found"
handler500 = "outreach.views.server_error"
