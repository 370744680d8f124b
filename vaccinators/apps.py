from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VaccinatorsConfig(AppConfig):
    name = "vaccinators"
    verbose_name = _("Vaccinators")
