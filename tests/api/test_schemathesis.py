"""Schemathesis against /api/openapi.json, anonymous and with a token of each role.

No 5xx and nothing off-schema, whoever calls. A bounded number of examples per
operation keeps this to a minute or two; hypothesis' example database is off so
runs do not depend on (or write) local state. The writes land in the test's
rolled-back transaction.
"""

from __future__ import annotations

from typing import Any

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

from dx_match.accounts import api_tokens
from dx_match.accounts.models import ROLES

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


OPERATIONS = 29  # every operation under /api/v1 (test_openapi.py checks they are all documented)
#: Examples per operation: the anonymous run covers the public reads most; each role's run
#: is shorter on them and longer on its own /me operations.
EXAMPLES = {"anonymous": 30, "public": 8, "me": 25}
#: Token holders: vendors and trainers own a demo vendor, so their listings exist.
OWNED_VENDOR = {"vendor": "matsukaze-soft", "trainer": "academy-stepup"}


def _headers(role: str, make_user: Any) -> dict[str, str]:
    """No header for anonymous; else a token with every scope the role may grant."""
    if role == "anonymous":
        return {}
    from tests.listings.conftest import vendor_row

    owned = OWNED_VENDOR.get(role)
    user = make_user(role, vendor=vendor_row(owned) if owned else None)
    secret = api_tokens.create(user, "fuzz", list(api_tokens.allowed_scopes(role)), 30).secret
    return {"Authorization": f"Bearer {secret}"}


@pytest.mark.fuzz
@pytest.mark.parametrize("role", ["anonymous", *ROLES])
def test_api_conforms_to_its_document(app: Flask, make_user: Any, role: str) -> None:
    # One test driving hypothesis per operation: schemathesis' pytest plugin (from_fixture)
    # does not run under pytest 9, and its module-level loader would need the app at import.
    headers = _headers(role, make_user)
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == OPERATIONS
    for operation in operations:
        own = operation.path.startswith("/api/v1/me")
        examples = EXAMPLES["anonymous" if role == "anonymous" else "me" if own else "public"]

        @given(case=operation.as_strategy())
        @settings(max_examples=examples, database=None, deadline=None, derandomize=True)
        def conforms(case: schemathesis.Case) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        conforms()
