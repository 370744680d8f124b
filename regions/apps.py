from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "regions"
    verbose_name = _("Regions")

    def ready(self):
        from outreach.vaccine_rules import register_conflict_check
        from regions.conflicts import recheck_region_plans

        register_conflict_check("regions", recheck_region_plans)
