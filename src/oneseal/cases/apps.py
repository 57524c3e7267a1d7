from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "oneseal.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        # Stored deadlines are recomputed when the working-time calendar changes.
        from oneseal.kernel.workcal import register_deadline_recomputer

        from .clock import recompute_deadlines

        register_deadline_recomputer(recompute_deadlines)

        from . import receivers

        receivers.connect()

        from oneseal.kernel import periodic

        from .tasks import deem_overdue_acceptances_task

        periodic.register(deem_overdue_acceptances_task)
