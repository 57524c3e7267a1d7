"""Site-wide request handling."""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


class SiteLanguageMiddleware:
    """Chinese unless the visitor chose English with the language switch.

    A government site of the city speaks Chinese by default whatever the browser's Accept-Language
    says; the switch (Django's set_language view) stores the choice in the language cookie.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        translation.deactivate()
        return response


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _without_nul(data):
    from django.http import QueryDict

    clean = QueryDict(mutable=True)
    for key, values in data.lists():
        clean.setlist(key.replace("\x00", ""), [v.replace("\x00", "") for v in values])
    clean._mutable = False
    return clean


class StripNulFromQueryMiddleware:
    """Drop NUL characters from query-string parameters and from submitted form fields.

    PostgreSQL cannot store or compare text containing NUL, and a NUL is never meaningful in a search
    box, a reason or a name, so `?q=a%00b` searches for "ab" and a form field "a\\0b" is read as "ab"
    instead of failing deep inside a query. Uploaded files are not touched. Form bodies are cleaned for
    the pages, not for the API, which refuses a NUL in a JSON body itself (422, field "input").
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raw = request.META.get("QUERY_STRING", "")
        if "%00" in raw or "\x00" in raw:
            request.GET = _without_nul(request.GET)
        # Pages only: the API reads its own bodies (a NUL in JSON is a 422 there), and a multipart body
        # parsed here could no longer be read raw by an endpoint that takes JSON.
        if (request.method in ("POST", "PUT", "PATCH") and request.content_type in FORM_TYPES
                and not request.path_info.startswith("/api/")):
            form = request.POST  # parsed once here; Django keeps it (and the files) for the view
            if any("\x00" in key or any("\x00" in v for v in values) for key, values in form.lists()):
                request.POST = _without_nul(form)
        return self.get_response(request)
