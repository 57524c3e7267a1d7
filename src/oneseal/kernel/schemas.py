"""API schemas shared by every router: the shape of a refusal."""

from ninja import Schema


class FieldErrorOut(Schema):
    field: str
    code: str
    message: str
    message_en: str
    row: int | None = None
    column: str | None = None


class ErrorOut(Schema):
    """Every refusal: a stable code, a message in Chinese and English, and the fields at fault."""

    code: str
    message: str
    message_en: str
    field: str | None = None
    errors: list[FieldErrorOut] = []


ERRORS = {404: ErrorOut, 422: ErrorOut}
