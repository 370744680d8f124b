from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VaccinatorsConfig(AppConfig):
    name = "vaccinators"
    verbose_name = _("Vaccinators")

    def ready(self):
        from outreach.vaccine_rules import register_conflict_check
        from vaccinators.conflicts import recheck_route_lists

        register_conflict_check("vaccinators", recheck_route_lists)
