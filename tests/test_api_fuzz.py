"""Property-based fuzzing of the public API from its own OpenAPI document (schemathesis).

Every generated request, valid or not, must get a documented answer: never a server error, and
always a response that conforms to the schema. A schema-valid request may still be refused with a
documented 422 (an unknown hall code, a date outside the calendar's range), so the
"positive data must be accepted" check is left out.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import openapi

from oneseal.wsgi import application
from tests.factories import ServiceItemFactory

schema = openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def catalog(db):
    """Test data, and the WSGI app kept from closing the test's connection after each request
    (Django's own test client does the same; schemathesis calls the raw WSGI application)."""
    ServiceItemFactory.create_batch(3)
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@pytest.mark.django_db
def test_api_never_fails_and_matches_its_schema(case, catalog):
    case.call_and_validate(excluded_checks=[schemathesis.checks.positive_data_acceptance])
