"""Issuers' e-seal keys: the public half in `IssuerKey`, the private half in a file.

The private key of key ``<key id>`` is ``ONESEAL_VAR/keys/<key id>.key`` (the folder mode 0700, the
file 0600, created exclusively), so a database dump, a backup of the database, the admin and the
logs never hold it. ``ONESEAL_LICENCE_KEY_DIR`` overrides the folder (tests use a temporary one).
Which algorithm new keys use is ``ONESEAL_SIGNING_ALGORITHM`` (default Ed25519; ``sm2-sm3`` for the
national algorithms where the SM2 library is installed).
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from oneseal.kernel import signer
from oneseal.kernel.errors import DomainError

from .models import IssuerKey


def key_dir() -> Path:
    configured = getattr(settings, "ONESEAL_LICENCE_KEY_DIR", None)
    base = Path(configured) if configured else Path(getattr(settings, "ONESEAL_VAR", settings.VAR_DIR)) / "keys"
    base.mkdir(mode=0o700, parents=True, exist_ok=True)
    return base


def configured_algorithm() -> str:
    """ONESEAL_SIGNING_ALGORITHM, checked against what this installation can sign with."""
    return signer.configured_algorithm()


def _private_path(key_id: str) -> Path:
    return key_dir() / f"{key_id}.key"


def _write_private(key_id: str, private: bytes) -> None:
    path = _private_path(key_id)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(private)


def load_private(key: IssuerKey) -> bytes:
    try:
        return _private_path(key.key_id).read_bytes()
    except FileNotFoundError:
        raise DomainError("issuer_key_missing",
                          _("The private key of the issuer's seal %(key)s is not on this server."),
                          field="key_id", key=key.key_id) from None


def create_key(department, algorithm: str | None = None) -> IssuerKey:
    """A new active key for the department (the previous active one of that algorithm is retired);
    runs inside the caller's transaction."""
    algorithm = algorithm or configured_algorithm()
    pair = signer.generate_key(algorithm)
    kid = signer.key_id(algorithm, pair.public)
    _write_private(kid, pair.private)
    now = timezone.now()
    IssuerKey.objects.filter(department=department, algorithm=algorithm, active=True).update(
        active=False, retired_at=now)
    return IssuerKey.objects.create(department=department, algorithm=algorithm, public_key=pair.public,
                                    key_id=kid, created_at=now, active=True)


def active_key(department) -> IssuerKey:
    """The department's active key of the configured algorithm, created on first use."""
    algorithm = configured_algorithm()
    key = IssuerKey.objects.filter(department=department, algorithm=algorithm, active=True).first()
    if key is not None:
        return key
    # The first issuance of a department: lock its row so two concurrent issuers create one key, not two.
    type(department).objects.select_for_update().filter(pk=department.pk).first()
    key = IssuerKey.objects.filter(department=department, algorithm=algorithm, active=True).first()
    return key or create_key(department, algorithm)


def public_key_of(key_id: str) -> IssuerKey | None:
    """Any key ever used (retired keys still verify what they signed)."""
    return IssuerKey.objects.filter(key_id=key_id).first()
