from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    name = "oneseal.credit"
    label = "credit"
    verbose_name = _("Credit")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        post_migrate.connect(_seed_standard_kinds, sender=self)

        # The joint-punishment check runs inside every submission and decision of a case; the records
        # arrive from the regulators' findings and the licence holdings from the licences' events.
        from oneseal.cases.checks import register_subject_check

        from . import checks, receivers

        register_subject_check(checks.case_flags)
        receivers.connect()

        from oneseal.kernel import periodic

        from .tasks import flag_overdue_verifications_task

        periodic.register(flag_overdue_verifications_task)  # overdue verifications, each scheduler round


def _seed_standard_kinds(sender, **kwargs) -> None:
    """After migrate, and after a test database is flushed, the standard measures and kinds exist."""
    from . import models, seed

    seed.seed(models.Measure, models.RecordKind)
