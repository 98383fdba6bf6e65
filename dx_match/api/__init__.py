"""The public JSON API: `/api/v1` over the pages' services, its OpenAPI 3.1 document and docs.

`init_app` wires flask-smorest (the document at /api/openapi.json is generated
from the views' marshmallow schemas), the `/api/v1` blueprint and `/api/docs`.
"""

from __future__ import annotations

from flask import Flask, Response, request

from dx_match.api.spec import OPENAPI_VERSION, DxApi

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
EXTENSION_KEY = "dx_api"


def init_app(app: Flask) -> DxApi:
    """Register the API, its document and its docs page on the app."""
    from dx_match.api import docs, views
    from dx_match.extensions import csrf

    # flask-smorest's own settings (not DX_* deployment settings): where the document lives.
    app.config.setdefault("API_TITLE", "dx_match API")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", OPENAPI_VERSION)
    app.config.setdefault("OPENAPI_URL_PREFIX", "/api")
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault(
        "API_SPEC_OPTIONS",
        {
            "info": {
                "description": "Read the dx_match catalog: tools with the filters, facets and "
                "pages of the /tools page, vendors, subsidies, courses, the taxonomy, and "
                "search as `dx-match search`. Errors are RFC 9457 problem+json; a parameter "
                "value that cannot be used is a 422 naming it. Texts are given as stored "
                "(a string or a map of language to string) and, under `localized`, in `lang`.",
                "license": {"name": "Apache-2.0", "identifier": "Apache-2.0"},
            }
        },
    )
    api = DxApi(app)
    # Reads need no CSRF token. A future write through a browser session (cookies) must
    # still carry one; a write authenticated by an Authorization token carries no ambient
    # credential a forged cross-site request could use, so only those skip the check, and the
    # token code must then authenticate from that header alone, never from the session.
    csrf.exempt(views.bp)

    views.bp.before_request(_protect_cookie_writes)
    views.bp.after_request(_content_language)
    api.register_blueprint(views.bp)
    app.register_blueprint(docs.bp)
    app.extensions[EXTENSION_KEY] = api
    return api


def _protect_cookie_writes() -> None:
    """CSRF check for API writes that do not carry an Authorization token (see init_app)."""
    from dx_match.extensions import csrf

    if request.method not in SAFE_METHODS and "Authorization" not in request.headers:
        csrf.protect()


def _content_language(response: Response) -> Response:
    """Content-Language: the language of the `localized` texts (not the pages' cookie)."""
    from dx_match.api.params import api_language

    response.headers["Content-Language"] = api_language()[0]
    return response
