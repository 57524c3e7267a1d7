"""Logging filter that keeps secrets out of logs."""

import logging
import re

_AUTH_HEADER = re.compile(r"(?i)(authorization\s*[=:]\s*)(?:bearer\s+|basic\s+|token\s+)?[^\s&\"',;]+")
_SECRET_PATTERNS = [
    re.compile(r"(?i)(password|passwd|secret|token|api[_-]?key|authorization|sessionid|csrftoken)"
               r"(\s*[=:]\s*|\"\s*:\s*\")([^\s&\"',;]+)"),
    re.compile(r"(?i)(postgres(?:ql)?://[^:/@\s]+:)([^@\s]+)(@)"),
]


def redact(text: str) -> str:
    """Replace the value part of anything that looks like a credential with ***."""
    text = _AUTH_HEADER.sub(lambda m: f"{m.group(1)}***", text)
    text = _SECRET_PATTERNS[0].sub(lambda m: f"{m.group(1)}{m.group(2)}***", text)
    return _SECRET_PATTERNS[1].sub(lambda m: f"{m.group(1)}***{m.group(3)}", text)


class RedactSecretsFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
