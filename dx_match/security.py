"""The app-wide security baseline: headers with a nonce CSP, rate limits, safe redirects."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, request

from dx_match.extensions import limiter

F = TypeVar("F", bound=Callable[..., Any])

NONCE_BYTES = 16
#: Whole blueprints under a rate limit, by limit kind.
LIMITED_BLUEPRINTS = {"search": "search"}
# Flask-Limiter keeps limits on the (process-wide) extension: declare each only once.
_declared: set[str] = set()


def csp_nonce() -> str:
    """This response's CSP nonce (one per request), for the rare script that must be inline."""
    # Kept on the request, not `g`: an app context can outlive one request (CLI, tests).
    nonce: str | None = request.environ.get("dx_match.csp_nonce")
    if nonce is None:
        nonce = secrets.token_urlsafe(NONCE_BYTES)
        request.environ["dx_match.csp_nonce"] = nonce
    return nonce


def content_security_policy(nonce: str) -> str:
    """Only our own files; inline script only with this response's nonce; no inline styles."""
    return "; ".join(
        (
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )


def safe_next(target: str | None) -> str | None:
    """`target` if it is a path on this site, else None (no open redirects).

    Refuses absolute URLs, scheme-relative `//host`, backslash tricks browsers read as `//`,
    and control characters.
    """
    if not target or any(ord(ch) < 32 or ch == "\\" for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def rate_limit(kind: str) -> Callable[[F], F]:
    """Decorator: the configured limit for `kind` (see config.RATE_LIMITS).

    Views of one kind share one counter (the log-in form and its TOTP step, for instance).
    """

    def limit_value() -> str:
        limits: dict[str, str] = current_app.config["DX_RATE_LIMITS"]
        return limits[kind]

    def exempt() -> bool:
        # Per app, not Flask-Limiter's RATELIMIT_ENABLED: that one is global to the extension.
        return not current_app.config["DX_RATE_LIMITS_ENABLED"]

    # Only POSTs count for forms: showing a form is free; every search counts.
    methods = None if kind == "search" else ["POST"]
    return limiter.shared_limit(  # type: ignore[return-value]
        limit_value, scope=kind, methods=methods, exempt_when=exempt
    )


def init_app(app: Flask) -> None:
    """Bind the limiter and add the security headers to every response."""
    limiter.init_app(app)
    for blueprint_name, kind in LIMITED_BLUEPRINTS.items():
        blueprint = app.blueprints.get(blueprint_name)
        if blueprint is not None and blueprint_name not in _declared:
            limiter_for_blueprint = rate_limit(kind)
            limiter_for_blueprint(blueprint)  # type: ignore[type-var]
            _declared.add(blueprint_name)
    app.jinja_env.globals["csp_nonce"] = csp_nonce

    @app.after_request
    def security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", content_security_policy(csp_nonce()))
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if app.config["DX_ENV"] == "production":
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if request.endpoint and request.endpoint.startswith("accounts."):
            headers.setdefault("Cache-Control", "no-store")  # forms with secrets, per-user pages
        return response
