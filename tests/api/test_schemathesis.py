"""Schemathesis against /api/openapi.json as an anonymous client: no 5xx, nothing off-schema.

A bounded number of examples per operation keeps this to seconds; hypothesis'
example database is off so runs do not depend on (or write) local state.
"""

from __future__ import annotations

import pytest
import schemathesis
from flask import Flask
from hypothesis import given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


OPERATIONS = 12  # every operation under /api/v1 (test_openapi.py checks they are all documented)


@pytest.mark.fuzz
def test_api_conforms_to_its_document(app: Flask) -> None:
    # One test driving hypothesis per operation: schemathesis' pytest plugin (from_fixture)
    # does not run under pytest 9, and its module-level loader would need the app at import.
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == OPERATIONS
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=30, database=None, deadline=None, derandomize=True)
        def conforms(case: schemathesis.Case) -> None:
            case.call_and_validate(checks=CHECKS)

        conforms()
