from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.contrib.auth.signals import user_logged_in
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "outreach"
    verbose_name = _("Outreach vaccination")

    def ready(self):
        from outreach import sessions

        user_logged_in.connect(sessions.session_stamp_login, dispatch_uid="outreach-session-login")


class OutreachAdminConfig(admin_apps.AdminConfig):
    """The Django admin, on a site that also requires a verified second factor."""

    default = False
    default_site = "outreach.admin_site.TwoFactorAdminSite"
