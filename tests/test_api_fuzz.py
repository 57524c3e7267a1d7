"""Property-based fuzzing of the public API from its own OpenAPI document (schemathesis).

Every generated request, valid or not, must get a documented answer: never a server error, and
always a response that conforms to the schema. A schema-valid request may still be refused with a
documented 422 (an unknown hall code, a date outside the calendar's range), so the
"positive data must be accepted" check is left out.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import openapi

from oneseal.wsgi import application
from tests.factories import ServiceItemFactory

schema = openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def catalog(db):
    ServiceItemFactory.create_batch(3)


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@pytest.mark.django_db
def test_api_never_fails_and_matches_its_schema(case, catalog):
    case.call_and_validate(excluded_checks=[schemathesis.checks.positive_data_acceptance])
