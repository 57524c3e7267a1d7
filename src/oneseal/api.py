"""The HTTP API root (/api/v1/). Each app contributes a ninja router; errors are bilingual."""

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError

from oneseal.kernel.errors import DomainError, FieldIssue, bilingual
from oneseal.kernel.fielderrors import issue_from_pydantic

api = NinjaAPI(
    title="OneSeal API",
    version="1",
    description="OneSeal — administrative approval and government service platform (一枚印章管审批).",
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError):
    return api.create_response(request, exc.as_dict(), status=exc.status)


_HTTP_MESSAGES = {
    400: _("The request body could not be read: send valid JSON (or form data) as documented."),
    401: _("Sign in or send a valid API token."),
    403: _("You may not do this."),
    405: _("This method is not allowed here."),
    429: _("Too many requests; try again later."),
}


@api.exception_handler(ValueError)
def _value_error(request: HttpRequest, exc: ValueError):
    """PostgreSQL refuses text with NUL characters; such input is the caller's error, not ours."""
    if "NUL" not in str(exc):
        raise exc
    text = bilingual(_("The input contains a NUL character, which is not allowed."))
    body = {"code": "nul_character", "message": text["zh-hans"], "message_en": text["en"], "field": "input"}
    return api.create_response(request, body, status=422)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError):
    """ninja's own refusals (an unreadable body, …) in the same bilingual shape as every other error."""
    message = _HTTP_MESSAGES.get(exc.status_code, _("The request was refused."))
    text = bilingual(message)
    body = {"code": f"http_{exc.status_code}", "message": text["zh-hans"], "message_en": text["en"],
            "field": "body" if exc.status_code == 400 else None}
    return api.create_response(request, body, status=exc.status_code)


@api.exception_handler(NinjaValidationError)
def _validation_error(request: HttpRequest, exc: NinjaValidationError):
    issues: list[FieldIssue] = [issue_from_pydantic(err) for err in exc.errors]
    fields = ", ".join(dict.fromkeys(i.field for i in issues))
    text = bilingual(_("Invalid input: %(fields)s"), fields=fields)
    body = {
        "code": "validation_failed",
        "message": text["zh-hans"],
        "message_en": text["en"],
        "errors": [i.as_dict() for i in issues],
    }
    return api.create_response(request, body, status=422)


def _register_routers() -> None:
    from oneseal.bundles.api import router as bundles_router
    from oneseal.cases.api import router as cases_router
    from oneseal.cases.track_api import router as track_router
    from oneseal.catalog.api import router as catalog_router
    from oneseal.catalog.calendar_api import router as calendar_router
    from oneseal.credit.api import router as credit_router
    from oneseal.licenses.api import router as licenses_router
    from oneseal.payments.api import router as payments_router
    from oneseal.sharing.api import router as sharing_router

    api.add_router("/", catalog_router)
    api.add_router("/calendar", calendar_router)
    api.add_router("/payments", payments_router)
    api.add_router("/cases", cases_router)
    api.add_router("/track", track_router)
    api.add_router("/licences", licenses_router)
    api.add_router("/sharing", sharing_router)
    api.add_router("/bundles", bundles_router)
    api.add_router("/credit", credit_router)


_register_routers()
