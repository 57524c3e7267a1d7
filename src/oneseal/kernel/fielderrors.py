"""Turn pydantic/ninja validation errors into bilingual FieldIssues that name the field."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from .errors import FieldIssue

_MESSAGES = {
    "missing": _("This field is required."),
    "int_parsing": _("Enter a whole number."),
    "int_type": _("Enter a whole number."),
    "float_parsing": _("Enter a number."),
    "datetime_parsing": _("Enter a valid ISO 8601 date and time."),
    "datetime_from_date_parsing": _("Enter a valid ISO 8601 date and time."),
    "datetime_type": _("Enter a valid ISO 8601 date and time."),
    "date_from_datetime_parsing": _("Enter a valid ISO 8601 date."),
    "date_parsing": _("Enter a valid ISO 8601 date."),
    "enum": _("Choose one of: %(expected)s."),
    "literal_error": _("Choose one of: %(expected)s."),
    "greater_than_equal": _("Must be at least %(ge)s."),
    "greater_than": _("Must be greater than %(gt)s."),
    "less_than_equal": _("Must be at most %(le)s."),
    "string_too_long": _("At most %(max_length)s characters."),
    "bool_parsing": _("Enter true or false."),
}


def issue_from_pydantic(err: dict[str, Any]) -> FieldIssue:
    loc = [str(p) for p in err.get("loc", ()) if p not in ("query", "body", "path", "form", "header")]
    field = ".".join(loc) or "input"
    kind = err.get("type", "")
    ctx = {k: str(v) for k, v in (err.get("ctx") or {}).items()}
    message = _MESSAGES.get(kind)
    if message is None:
        return FieldIssue(field=field, code=kind or "invalid", message=_("Invalid value: %(detail)s"),
                          params={"detail": err.get("msg", "")})
    return FieldIssue(field=field, code=kind, message=message, params=ctx)
