"""Domain errors: a stable machine-readable code plus a translatable message, rendered in both
Chinese and English so every refusal names what is wrong in either language."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from django.utils import translation
from django.utils.functional import Promise


def bilingual(message: str | Promise, **params: Any) -> dict[str, str]:
    """Render a lazy translatable message in zh-hans and en."""
    out = {}
    for lang in ("zh-hans", "en"):
        with translation.override(lang):
            text = str(message)
            out[lang] = text % params if params else text
    return out


@dataclass
class FieldIssue:
    """One problem with one input field (or one cell of an imported sheet)."""

    field: str
    code: str
    message: str | Promise
    params: dict[str, Any] = dataclass_field(default_factory=dict)
    row: int | None = None
    column: str | None = None

    def as_dict(self) -> dict[str, Any]:
        text = bilingual(self.message, **self.params)
        out: dict[str, Any] = {
            "field": self.field,
            "code": self.code,
            "message": text["zh-hans"],
            "message_en": text["en"],
        }
        if self.row is not None:
            out["row"] = self.row
        if self.column is not None:
            out["column"] = self.column
        return out

    def __str__(self) -> str:
        text = bilingual(self.message, **self.params)
        where = f"row {self.row}, column {self.column}: " if self.row is not None else ""
        return f"{where}{self.field}: {text['zh-hans']} / {text['en']}"


class DomainError(Exception):
    """A refused command. `code` is stable; `message` is translatable."""

    status = 400

    def __init__(self, code: str, message: str | Promise, /, *, field: str | None = None, **params: Any):
        self.code = code
        self.message = message
        self.field = field
        self.params = params
        super().__init__(str(self))

    def as_dict(self) -> dict[str, Any]:
        text = bilingual(self.message, **self.params)
        out: dict[str, Any] = {"code": self.code, "message": text["zh-hans"], "message_en": text["en"]}
        if self.field:
            out["field"] = self.field
        return out

    def __str__(self) -> str:
        text = bilingual(self.message, **self.params)
        prefix = f"{self.field}: " if self.field else ""
        return f"{prefix}{text['zh-hans']} / {text['en']}"

    def text(self) -> str:
        """The refusal in the active language (for a page)."""
        message = str(self.message)
        return message % self.params if self.params else message

    def by_field(self, general: str = "") -> dict[str, list[str]]:
        """Field → messages in the active language (for a page's form); `general` holds what names no
        field."""
        out: dict[str, list[str]] = {}
        issues = getattr(self, "issues", None)
        if issues:
            for issue in issues:
                message = str(issue.message)
                out.setdefault(issue.field, []).append(message % issue.params if issue.params else message)
        else:
            out.setdefault(self.field or general, []).append(self.text())
        return out


class ValidationFailed(DomainError):
    """Several field issues at once (e.g. every bad row of an import)."""

    status = 422

    def __init__(self, issues: list[FieldIssue], message: str | Promise | None = None, **params: Any):
        from django.utils.translation import gettext_lazy as _

        self.issues = issues
        super().__init__("validation_failed", message or _("The input has errors."), **params)

    def as_dict(self) -> dict[str, Any]:
        out = super().as_dict()
        out["errors"] = [issue.as_dict() for issue in self.issues]
        return out

    def __str__(self) -> str:
        return "\n".join(str(issue) for issue in self.issues)


class PermissionDeniedError(DomainError):
    status = 403
