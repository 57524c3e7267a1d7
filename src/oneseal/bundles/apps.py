from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BundlesConfig(AppConfig):
    name = "oneseal.bundles"
    label = "bundles"
    verbose_name = _("One-thing bundles")

    def ready(self) -> None:
        # The bundle follows its child cases through the outbox (cases.approved, cases.denied, …).
        from . import receivers  # noqa: F401
