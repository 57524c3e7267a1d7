"""The credit app's subscribers to other apps' domain events (registered by `CreditConfig.ready()`)."""

from __future__ import annotations


def connect() -> None:
    """Importing this module registers the subscribers; called from the AppConfig's ready()."""
