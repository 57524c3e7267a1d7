"""Citizen IDs and unified social credit codes: valid numbers pass normalised, each kind of mistake
is refused with its own code."""

import pytest
from django import forms
from stdnum.cn import ric, uscc

from oneseal.kernel.errors import DomainError
from oneseal.kernel.identity import (
    IdentityErrorCode,
    citizen_id_validator,
    credit_code_validator,
    is_valid_citizen_id,
    is_valid_credit_code,
    validate_citizen_id,
    validate_credit_code,
)


def citizen_id(body17: str) -> str:
    """A citizen ID with its correct check character."""
    return body17 + ric.calc_check_digit(body17 + "0")


def credit_code(body17: str) -> str:
    return body17 + uscc.calc_check_digit(body17)


VALID_IDS = [
    citizen_id("42068319900307123"),  # 枣阳市, born 1990-03-07
    citizen_id("11010120000229004"),  # 东城区, born on a leap day
    "360426199101010071",  # stdnum's own example
]
# A body whose check character is X exists; find one so the X path is exercised.
X_ID = next(citizen_id(f"420683199501010{n:02d}") for n in range(100)
            if citizen_id(f"420683199501010{n:02d}").endswith("X"))


@pytest.mark.parametrize("number", [*VALID_IDS, X_ID])
def test_valid_citizen_ids_pass(number):
    assert validate_citizen_id(number) == number
    assert is_valid_citizen_id(number)


def test_citizen_id_is_normalised():
    spaced = f"{X_ID[:6]} {X_ID[6:14]} {X_ID[14:17]}{X_ID[17].lower()}"
    assert validate_citizen_id(spaced) == X_ID


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("42068319900307123", IdentityErrorCode.CITIZEN_ID_LENGTH),
        ("4206831990030712345", IdentityErrorCode.CITIZEN_ID_LENGTH),
        ("420683900307123", IdentityErrorCode.CITIZEN_ID_LENGTH),  # old 15-digit format
        ("42068319900307123A", IdentityErrorCode.CITIZEN_ID_CHARACTERS),
        ("4206831990O307123X", IdentityErrorCode.CITIZEN_ID_CHARACTERS),
        ("４２０６８３19900307123X", IdentityErrorCode.CITIZEN_ID_CHARACTERS),  # full-width digits
        (citizen_id("42068319901307123"), IdentityErrorCode.CITIZEN_ID_BIRTH_DATE),  # month 13
        (citizen_id("42068319910229123"), IdentityErrorCode.CITIZEN_ID_BIRTH_DATE),  # no 29 Feb 1991
        (citizen_id("42068330000101123"), IdentityErrorCode.CITIZEN_ID_BIRTH_DATE),  # in the future
        (citizen_id("00000019900307123"), IdentityErrorCode.CITIZEN_ID_REGION),
        (citizen_id("42068319800307123"), IdentityErrorCode.CITIZEN_ID_REGION),  # 枣阳市 dates from 1989
        (VALID_IDS[0][:-1] + str((int(VALID_IDS[0][-1]) + 1) % 10) if VALID_IDS[0][-1] != "X" else "",
         IdentityErrorCode.CITIZEN_ID_CHECKSUM),
        (VALID_IDS[0][:15] + "9" + VALID_IDS[0][16:], IdentityErrorCode.CITIZEN_ID_CHECKSUM),  # one typo
    ],
)
def test_invalid_citizen_ids_say_what_is_wrong(number, code):
    with pytest.raises(DomainError) as caught:
        validate_citizen_id(number)
    assert caught.value.code == code
    assert caught.value.field == "citizen_id"
    assert not is_valid_citizen_id(number)


def test_citizen_id_error_messages_differ_and_are_bilingual():
    cases = ["1234", "12345678901234567Y", citizen_id("42068319901307123"),
             citizen_id("00000019900307123"), VALID_IDS[2][:-1] + "2"]
    messages = set()
    for number in cases:
        with pytest.raises(DomainError) as caught:
            validate_citizen_id(number)
        body = caught.value.as_dict()
        assert body["message"] and body["message_en"]
        messages.add(body["message_en"])
    assert len(messages) == len(cases)


VALID_CODES = [
    "91110000600037341L",  # stdnum's example
    credit_code("91420683MA4F00001"),  # a Zaoyang company with letters in its organisation code
    credit_code("11100000000013127"),  # a central authority (region 100000)
]


@pytest.mark.parametrize("number", VALID_CODES)
def test_valid_credit_codes_pass(number):
    assert validate_credit_code(number) == number
    assert is_valid_credit_code(number)


def test_credit_code_is_normalised():
    assert validate_credit_code(" 9111-0000-6000-3734 1l ") == "91110000600037341L"


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("9111000060003734", IdentityErrorCode.CREDIT_CODE_LENGTH),
        ("91110000600037341L0", IdentityErrorCode.CREDIT_CODE_LENGTH),
        ("91110000600O37341L", IdentityErrorCode.CREDIT_CODE_CHARACTERS),  # letter O
        ("9111000060003734IL", IdentityErrorCode.CREDIT_CODE_CHARACTERS),  # letter I
        ("911A0000600037341L", IdentityErrorCode.CREDIT_CODE_CHARACTERS),  # region must be digits
        ("91110000600037341!", IdentityErrorCode.CREDIT_CODE_CHARACTERS),
        (credit_code("91990000600037341"), IdentityErrorCode.CREDIT_CODE_REGION),
        ("91110000600037341M", IdentityErrorCode.CREDIT_CODE_CHECKSUM),
        ("91110000600037431L", IdentityErrorCode.CREDIT_CODE_CHECKSUM),  # two digits swapped
    ],
)
def test_invalid_credit_codes_say_what_is_wrong(number, code):
    with pytest.raises(DomainError) as caught:
        validate_credit_code(number)
    assert caught.value.code == code
    assert caught.value.field == "credit_code"
    assert not is_valid_credit_code(number)


def test_field_name_can_be_chosen():
    with pytest.raises(DomainError) as caught:
        validate_credit_code("123", field="applicant_code")
    assert caught.value.as_dict()["field"] == "applicant_code"


class ApplicantForm(forms.Form):
    citizen_id = forms.CharField(validators=[citizen_id_validator])
    credit_code = forms.CharField(validators=[credit_code_validator])


def test_django_validators_report_the_specific_error():
    form = ApplicantForm(data={"citizen_id": VALID_IDS[0], "credit_code": "91110000600037341M"})
    assert not form.is_valid()
    assert "citizen_id" not in form.errors
    assert form.errors.as_data()["credit_code"][0].code == IdentityErrorCode.CREDIT_CODE_CHECKSUM
    form = ApplicantForm(data={"citizen_id": "1234", "credit_code": VALID_CODES[0]})
    assert not form.is_valid()
    assert "18" in form.errors["citizen_id"][0] and "4" in form.errors["citizen_id"][0]
