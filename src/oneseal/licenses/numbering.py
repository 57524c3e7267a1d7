"""Licence numbers (证照编号): issuer code, type code, year and serial, and a check character.

``SPJ-YYZZ-2026-000123-7``: the issuing department's code, the licence type's code, the year of
issue and a six-digit serial restarting each year per issuer and type, then one check character
computed with ISO/IEC 7064 MOD 37-36 (python-stdnum ``iso7064.mod_37_36``) over the number without
its hyphens (``SPJYYZZ2026000123``). The check character catches every single mistyped character
and nearly every swap of two adjacent ones, so a number read off paper is checked before it is
looked up.

Serials come from a `LicenceSequence` row, taken with `kernel.sequences.next_serial`'s upsert and locked
until the transaction ends, so two issuances never get the same number.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _
from stdnum.iso7064 import mod_37_36

from oneseal.kernel import sequences
from oneseal.kernel.errors import DomainError

from .models import LicenceSequence

NUMBER_PATTERN = re.compile(r"^([A-Z0-9]{1,20})-([A-Z0-9]{2,12})-(\d{4})-(\d{6,})-([0-9A-Z])$")
URL_PATTERN = r"^[A-Z0-9]{1,20}-[A-Z0-9]{2,12}-[0-9]{4}-[0-9]{6,}-[0-9A-Z]$"


def _compact(issuer_code: str, type_code: str, year: int, serial: int) -> str:
    return f"{issuer_code}{type_code}{year:04d}{serial:06d}"


def format_number(issuer_code: str, type_code: str, year: int, serial: int) -> str:
    """The licence number with its check character."""
    issuer_code, type_code = issuer_code.upper(), type_code.upper()
    check = mod_37_36.calc_check_digit(_compact(issuer_code, type_code, year, serial))
    return f"{issuer_code}-{type_code}-{year:04d}-{serial:06d}-{check}"


def is_valid_number(number: str) -> bool:
    """Well formed and its check character right."""
    match = NUMBER_PATTERN.match(number or "")
    if not match:
        return False
    issuer, kind, year, serial, check = match.groups()
    return mod_37_36.is_valid(f"{issuer}{kind}{year}{serial}{check}")


def check_number(number: str, *, field: str = "number") -> str:
    """Normalise (strip, upper case) and check a licence number; raise naming `field`."""
    value = (number or "").strip().upper()
    if not NUMBER_PATTERN.match(value):
        raise DomainError("licence_number_malformed",
                          _("A licence number looks like SPJ-YYZZ-2026-000123-7."), field=field)
    if not is_valid_number(value):
        raise DomainError("licence_number_check_failed",
                          _("The licence number's check character is wrong: it was mistyped."), field=field)
    return value


def next_licence_number(issuer_code: str, type_code: str, year: int) -> str:
    """Take the next serial for the issuer, type and year; must run inside the caller's transaction."""
    serial = sequences.next_serial(LicenceSequence, f"{issuer_code}:{type_code}:{year}")
    return format_number(issuer_code, type_code, year, serial)
