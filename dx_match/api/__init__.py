"""The public JSON API: `/api/v1` over the pages' services, its OpenAPI 3.1 document and docs.

`init_app` wires flask-smorest (the document at /api/openapi.json is generated
from the views' marshmallow schemas), the `/api/v1` blueprint and `/api/docs`.
"""

from __future__ import annotations

from flask import Flask

from dx_match.api.spec import OPENAPI_VERSION, DxApi

EXTENSION_KEY = "dx_api"


def init_app(app: Flask) -> DxApi:
    """Register the API, its document and its docs page on the app."""
    from dx_match.api import advisor, auth, docs, me, recommend, views
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
    # CSRFProtect's blanket check is replaced by the blueprint's own (views.protect_cookie_writes).
    csrf.exempt(views.bp)

    # api/recommend.py added POST /api/v1/recommend to views.bp on import: a blueprint takes no
    # new routes once registered.
    assert recommend.recommend and me.me  # likewise /api/v1/me/... (api/me.py)
    assert advisor.my_clients  # and the advisor's /api/v1/me/clients, /me/sets (api/advisor.py)
    api.spec.components.security_scheme(auth.SCHEME, auth.SECURITY_SCHEME)
    api.register_blueprint(views.bp)
    app.register_blueprint(docs.bp)
    app.extensions[EXTENSION_KEY] = api
    return api
