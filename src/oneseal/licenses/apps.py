from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LicensesConfig(AppConfig):
    name = "oneseal.licenses"
    label = "licenses"
    verbose_name = _("Electronic licences")

    def ready(self) -> None:
        from . import receivers

        receivers.connect()

        from oneseal.cases.forms import register_material_offers

        from .offers import licence_offers

        register_material_offers(licence_offers)

        from oneseal.kernel import periodic

        from .tasks import expire_licences_task

        periodic.register(expire_licences_task)  # the scheduler queues the sweep each round
