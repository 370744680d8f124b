from django.contrib import admin

from outreach import twofactor


class TwoFactorAdminSite(admin.AdminSite):
    """The operations admin: staff only, and only once their second factor is verified.

    The middleware already sends an unverified staff member to the verification page; this is the
    admin's own check, so the rule holds even for a request the middleware would let through.
    """

    def has_permission(self, request):
        return super().has_permission(request) and twofactor.is_verified(request)
