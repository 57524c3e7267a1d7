from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles_after_migrate(sender, **kwargs):
    from .services import sync_roles

    sync_roles()


class AccountsConfig(AppConfig):
    name = "oneseal.accounts"
    label = "accounts"
    verbose_name = _("Accounts and roles")

    def ready(self) -> None:
        # Role groups and their permissions follow roles.py after every migrate.
        post_migrate.connect(_sync_roles_after_migrate, sender=self)
