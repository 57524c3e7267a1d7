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


class StripNulFromQueryMiddleware:
    """Drop NUL characters from query-string parameters before they reach a query.

    PostgreSQL cannot compare text containing NUL, and a NUL is never meaningful in a search box or a
    filter, so `?q=a%00b` searches for "ab" instead of failing deep inside a query. Request bodies are
    not rewritten: a NUL in a JSON body is refused by the API (422, field "input").
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raw = request.META.get("QUERY_STRING", "")
        if "%00" in raw or "\x00" in raw:
            from django.http import QueryDict

            clean = QueryDict(mutable=True)
            for key, values in request.GET.lists():
                clean.setlist(key.replace("\x00", ""), [v.replace("\x00", "") for v in values])
            clean._mutable = False
            request.GET = clean
        return self.get_response(request)
