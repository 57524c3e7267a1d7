from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SharingConfig(AppConfig):
    name = "oneseal.sharing"
    label = "sharing"
    verbose_name = _("Approval–regulator sharing")

    def ready(self) -> None:
        # Pushes are made from the cases' and licences' domain events, never by a call from those apps.
        from . import receivers

        receivers.register()
