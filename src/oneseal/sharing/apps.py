from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SharingConfig(AppConfig):
    name = "oneseal.sharing"
    label = "sharing"
    verbose_name = _("Approval–regulator sharing")

    def ready(self) -> None:
        # Pushes are made from the cases' and licences' domain events, never by a call from those apps.
        from oneseal.kernel.workcal import register_deadline_recomputer

        from . import receivers
        from .services import recompute_push_deadlines

        receivers.register()
        register_deadline_recomputer(recompute_push_deadlines)

        from oneseal.kernel import periodic

        from .tasks import sweep_pushes_task

        periodic.register(sweep_pushes_task)  # reminders and escalations, each scheduler round
