from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    name = "oneseal.credit"
    label = "credit"
    verbose_name = _("Credit")

    def ready(self) -> None:
        # The joint-punishment check runs inside every submission and decision of a case; the records
        # arrive from the regulators' findings and the licence holdings from the licences' events.
        from oneseal.cases.checks import register_subject_check

        from . import checks, receivers

        register_subject_check(checks.case_flags)
        receivers.connect()

        from oneseal.kernel import periodic

        from .tasks import flag_overdue_verifications_task

        periodic.register(flag_overdue_verifications_task)  # overdue verifications, each scheduler round
