import logging

import pytest

from oneseal.kernel.logging import RedactSecretsFilter, redact


@pytest.mark.parametrize(("line", "secret"), [
    ("login failed password=hunter2 for clerk", "hunter2"),
    ('{"token": "abc.def.ghi"}', "abc.def.ghi"),
    ("Authorization: Bearer-XYZ", "Bearer-XYZ"),
    ("connecting to postgres://oneseal:s3cret@127.0.0.1/oneseal", "s3cret"),
    ("sessionid=0123456789abcdef", "0123456789abcdef"),
])
def test_secrets_are_redacted(line, secret):
    assert secret not in redact(line)
    assert "***" in redact(line)


def test_ordinary_lines_are_untouched():
    assert redact("case 420683-20261125-0001 accepted") == "case 420683-20261125-0001 accepted"


def test_filter_rewrites_log_records(caplog):
    logger = logging.getLogger("oneseal.test")
    logger.addFilter(RedactSecretsFilter())
    with caplog.at_level(logging.INFO, logger="oneseal.test"):
        logger.info("user %s password=%s", "clerk", "hunter2")
    assert "hunter2" not in caplog.text and "clerk" in caplog.text
