import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oneseal.settings")
application = get_wsgi_application()


def settle() -> None:
    """Import every view, API and schema now, then move everything loaded so far out of the garbage
    collector's reach: a full collection then walks what requests create, not the ~300,000 long-lived
    objects of Django and the app, and stops a worker for tens of ms instead of ~120 ms (measured on
    /api/v1/track; benchmarks/README.md, track.py). Runs once in each worker, at import."""
    get_resolver().url_patterns  # noqa: B018 (reading it loads the URLconf)
    gc.freeze()


settle()
