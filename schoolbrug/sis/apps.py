from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SisConfig(AppConfig):
    name = "schoolbrug.sis"
    label = "sis"
    verbose_name = _("School records")
