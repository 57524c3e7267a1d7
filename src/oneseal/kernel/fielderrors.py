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


def text_issue(field: str, value: Any, limit: int, *, required: bool = True) -> FieldIssue | None:
    """The problem with a free-text input, if any: missing (when required; a non-string counts as missing)
    or longer than `limit` characters once stripped."""
    text = value.strip() if isinstance(value, str) else ""
    if required and not text:
        return FieldIssue(field=field, code="required", message=_("This field is required."))
    if len(text) > limit:
        return FieldIssue(field=field, code="too_long", message=_("At most %(limit)s characters."),
                          params={"limit": limit})
    return None


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


_SCHEMA_TYPES = {
    "string": _("Must be text."), "number": _("Must be a number."), "integer": _("Must be a whole number."),
    "boolean": _("Must be yes or no."), "array": _("Must be a list."), "object": _("Must be a group of fields."),
    "null": _("Must be empty."),
}
_SCHEMA_MESSAGES = {
    "required": _("This field is required."),
    "minLength": _("At least %(limit)s characters."),
    "maxLength": _("At most %(limit)s characters."),
    "minimum": _("Must be at least %(limit)s."),
    "maximum": _("Must be at most %(limit)s."),
    "exclusiveMinimum": _("Must be greater than %(limit)s."),
    "exclusiveMaximum": _("Must be less than %(limit)s."),
    "enum": _("Choose one of: %(limit)s."),
    "const": _("Must be %(limit)s."),
    "pattern": _("Not in the expected format."),
    "format": _("Not a valid %(limit)s."),
    "minItems": _("Choose at least %(limit)s."),
    "maxItems": _("Choose at most %(limit)s."),
    "additionalProperties": _("Unknown field."),
}


def issue_from_jsonschema(err: Any, prefix: str = "form") -> FieldIssue:
    """A jsonschema ValidationError as a bilingual FieldIssue naming the field (``form.area``); a
    missing required property names the property itself, not the object that lacks it."""
    path = [str(p) for p in err.absolute_path]
    limit = err.validator_value
    if err.validator == "required" and isinstance(err.instance, dict):
        missing = next((p for p in limit if p not in err.instance and repr(p) in err.message), None)
        if missing is not None:
            path.append(str(missing))
    if err.validator == "additionalProperties" and isinstance(err.instance, dict):
        allowed = set((err.schema or {}).get("properties", {}))
        extra = next((p for p in err.instance if p not in allowed), None)
        if extra is not None:
            path.append(str(extra))
    field = ".".join([prefix, *path]) if path else prefix
    if err.validator == "type":
        kinds = limit if isinstance(limit, list) else [limit]
        message = _SCHEMA_TYPES.get(str(kinds[0]))
        if message is not None:
            return FieldIssue(field=field, code="schema_type", message=message)
    message = _SCHEMA_MESSAGES.get(err.validator)
    if message is None:  # a rarer keyword: jsonschema's own (English) sentence, still naming the field
        return FieldIssue(field=field, code=f"schema_{err.validator}", message=_("%(problem)s"),
                          params={"problem": err.message})
    if isinstance(limit, list):
        limit = ", ".join(str(v) for v in limit)
    return FieldIssue(field=field, code=f"schema_{err.validator}", message=message, params={"limit": limit})


def check_json_form(schema: dict, data: Any, *, prefix: str = "form") -> None:
    """Validate an application form against its JSON Schema (draft 2020-12); every problem becomes a
    bilingual FieldIssue naming its field, all of them in one ValidationFailed."""
    if not schema:
        return
    import jsonschema

    from .errors import ValidationFailed

    validator = jsonschema.Draft202012Validator(schema)
    issues = [issue_from_jsonschema(err, prefix)
              for err in sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])]
    if issues:
        raise ValidationFailed(issues, _("The application form has errors."))
