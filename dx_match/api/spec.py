"""The flask-smorest Api, adapted: errors stay with dx_match/errors.py and are problem+json."""

from __future__ import annotations

import http
from typing import Any

import marshmallow as ma
from flask_smorest import Api
from flask_smorest.utils import prepare_response

PROBLEM_JSON = "application/problem+json"
OPENAPI_VERSION = "3.1.0"


class ParameterErrorSchema(ma.Schema):
    """One parameter that could not be used."""

    parameter = ma.fields.String(required=True, metadata={"description": "The parameter's name."})
    # `in` is a Python keyword; data_key keeps the JSON name.
    location = ma.fields.String(
        data_key="in", metadata={"description": "Where it was given (query or path)."}
    )
    problem = ma.fields.String(
        metadata={
            "description": "unknown, not_number, out_of_range, too_many, too_long or invalid."
        }
    )
    value = ma.fields.String(metadata={"description": "The value given (cut at 40 characters)."})
    suggestion = ma.fields.String(
        allow_none=True, metadata={"description": "The nearest valid value, when there is one."}
    )
    limit = ma.fields.Integer(allow_none=True, metadata={"description": "The limit broken."})
    detail = ma.fields.String(metadata={"description": "What is wrong, in English."})


class ProblemSchema(ma.Schema):
    """An RFC 9457 problem document, as every error under /api is answered."""

    type = ma.fields.String(required=True, metadata={"example": "about:blank"})
    title = ma.fields.String(required=True)
    status = ma.fields.Integer(required=True)
    detail = ma.fields.String()
    instance = ma.fields.String()
    errors = ma.fields.List(
        ma.fields.Nested(ParameterErrorSchema),
        metadata={"description": "One entry per parameter that could not be used (422)."},
    )


class DxApi(Api):  # type: ignore[misc]  # flask-smorest ships no type hints
    """flask-smorest's Api without its own error handler, documenting errors as problem+json."""

    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self) -> None:
        """Nothing: dx_match/errors.py maps every error once, for pages and API alike."""

    def _register_responses(self) -> None:
        """The error responses every operation may give, as problem+json (not application/json)."""
        for status in http.HTTPStatus:
            if status < 400:
                continue
            response: dict[str, Any] = {"description": status.phrase, "schema": ProblemSchema}
            prepare_response(response, self.spec, PROBLEM_JSON)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "An error, as an RFC 9457 problem", "schema": ProblemSchema}
        prepare_response(response, self.spec, PROBLEM_JSON)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, response, lazy=True)
