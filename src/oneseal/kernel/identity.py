"""Identity numbers: citizen ID (公民身份号码, GB 11643) and unified social credit code
(统一社会信用代码, GB 32100).

python-stdnum (`stdnum.cn.ric`, `stdnum.cn.uscc`) holds the checksums and the region table; this
module runs the same checks one by one so that a refusal says *what* is wrong (length, characters,
birth date, region, checksum) instead of stdnum's bare "invalid". Every function returns the
normalised number (no spaces or hyphens, upper-case check character) or raises `DomainError`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import numdb
from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError as StdnumValidationError

from .errors import DomainError

CITIZEN_ID_LENGTH = 18
CREDIT_CODE_LENGTH = 18
# GB 32100-2015: the code's alphabet is the digits and the capital letters without I, O, Z, S, V.
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# Region code prefix of organisations registered by central authorities (国家级), absent from the
# table of administrative divisions.
CENTRAL_REGION_PREFIX = "10"
_EARLIEST_BIRTH_YEAR = 1800


class IdentityErrorCode(StrEnum):
    """Stable codes of identity-number refusals."""

    CITIZEN_ID_LENGTH = "citizen_id_length"
    CITIZEN_ID_CHARACTERS = "citizen_id_characters"
    CITIZEN_ID_BIRTH_DATE = "citizen_id_birth_date"
    CITIZEN_ID_REGION = "citizen_id_region"
    CITIZEN_ID_CHECKSUM = "citizen_id_checksum"
    CREDIT_CODE_LENGTH = "credit_code_length"
    CREDIT_CODE_CHARACTERS = "credit_code_characters"
    CREDIT_CODE_REGION = "credit_code_region"
    CREDIT_CODE_CHECKSUM = "credit_code_checksum"


def _compact(value: str) -> str:
    return "".join(str(value).split()).replace("-", "").upper()


def validate_citizen_id(value: str, *, field: str = "citizen_id", today: dt.date | None = None) -> str:
    """Return the normalised 18-character citizen ID or raise `DomainError` naming the problem.

    Checks, in order: length, characters (17 digits then a digit or X), birth date (a real date,
    not in the future), region (an administrative division that existed in the birth year),
    checksum (ISO 7064 MOD 11-2).
    """
    number = _compact(value)
    if len(number) != CITIZEN_ID_LENGTH:
        raise DomainError(
            IdentityErrorCode.CITIZEN_ID_LENGTH,
            _("A citizen ID has 18 characters; this one has %(length)s."),
            field=field, length=len(number),
        )
    if not number[:17].isascii() or not number[:17].isdigit() or number[17] not in "0123456789X":
        raise DomainError(
            IdentityErrorCode.CITIZEN_ID_CHARACTERS,
            _("A citizen ID is 17 digits followed by a digit or the letter X."),
            field=field,
        )
    try:
        birth = ric.get_birth_date(number)
    except StdnumValidationError:
        birth = None
    if birth is None or birth > (today or dt.date.today()) or birth.year < _EARLIEST_BIRTH_YEAR:
        raise DomainError(
            IdentityErrorCode.CITIZEN_ID_BIRTH_DATE,
            _("The birth date in this citizen ID (characters 7 to 14: %(digits)s) is not a valid date."),
            field=field, digits=number[6:14],
        )
    try:
        ric.get_birth_place(number)
    except StdnumValidationError:
        raise DomainError(
            IdentityErrorCode.CITIZEN_ID_REGION,
            _("The region code in this citizen ID (first 6 digits: %(region)s) is not a known region."),
            field=field, region=number[:6],
        ) from None
    if number[17] != ric.calc_check_digit(number):
        raise DomainError(
            IdentityErrorCode.CITIZEN_ID_CHECKSUM,
            _("The check character of this citizen ID does not match; a character may be mistyped."),
            field=field,
        )
    return number


def _is_known_province(region: str) -> bool:
    if region.startswith(CENTRAL_REGION_PREFIX):
        return True
    return any("province" in props for _part, props in numdb.get("cn/loc").info(region))


def validate_credit_code(value: str, *, field: str = "credit_code") -> str:
    """Return the normalised 18-character unified social credit code or raise `DomainError`.

    Checks, in order: length, characters (GB 32100 alphabet; characters 3 to 8 are digits), region
    (characters 3 to 8 name a province, or central registration), checksum (GB 32100 MOD 31).
    """
    number = _compact(value)
    if len(number) != CREDIT_CODE_LENGTH:
        raise DomainError(
            IdentityErrorCode.CREDIT_CODE_LENGTH,
            _("A unified social credit code has 18 characters; this one has %(length)s."),
            field=field, length=len(number),
        )
    if any(c not in CREDIT_CODE_ALPHABET for c in number) or not number[2:8].isdigit():
        raise DomainError(
            IdentityErrorCode.CREDIT_CODE_CHARACTERS,
            _("A unified social credit code uses digits and capital letters except I, O, Z, S and V; "
              "characters 3 to 8 are digits."),
            field=field,
        )
    if not _is_known_province(number[2:8]):
        raise DomainError(
            IdentityErrorCode.CREDIT_CODE_REGION,
            _("The region code in this credit code (characters 3 to 8: %(region)s) is not a known region."),
            field=field, region=number[2:8],
        )
    if number[17] != uscc.calc_check_digit(number):
        raise DomainError(
            IdentityErrorCode.CREDIT_CODE_CHECKSUM,
            _("The check character of this credit code does not match; a character may be mistyped."),
            field=field,
        )
    return number


def is_valid_citizen_id(value: str) -> bool:
    try:
        validate_citizen_id(value)
    except DomainError:
        return False
    return True


def is_valid_credit_code(value: str) -> bool:
    try:
        validate_credit_code(value)
    except DomainError:
        return False
    return True


def _django_validator(check: Callable[[str], str]) -> Callable[[str], None]:
    def validator(value: str) -> None:
        try:
            check(value)
        except DomainError as exc:
            raise ValidationError(exc.message, code=str(exc.code), params=exc.params) from exc

    validator.__name__ = check.__name__.replace("validate_", "") + "_validator"
    validator.__qualname__ = validator.__name__
    validator.__module__ = __name__
    return validator


# For model and form fields: `validators=[citizen_id_validator]`. Normalise in the form's clean_*()
# with validate_citizen_id() to store the compact upper-case form.
citizen_id_validator = _django_validator(validate_citizen_id)
credit_code_validator = _django_validator(validate_credit_code)
