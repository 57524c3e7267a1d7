from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LicensesConfig(AppConfig):
    name = "oneseal.licenses"
    label = "licenses"
    verbose_name = _("Electronic licences")
