"""Bearer-token authentication for `/api/v1/me/...`: the Authorization header and nothing else.

The session cookie is never read here, so a forged cross-site request has no credential to
ride on (which is why views.protect_cookie_writes lets token requests skip the CSRF check)
and no response of a token request sets a cookie. RFC 6750: a missing, unknown, expired or
revoked token is a 401 with `WWW-Authenticate: Bearer`; a token without the scope, a 403.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import current_app, g, request
from flask_limiter.util import get_remote_address

from dx_match.accounts import api_tokens
from dx_match.accounts.models import ApiToken, User
from dx_match.api.spec import PROBLEM_JSON, ProblemSchema
from dx_match.errors import DxError
from dx_match.extensions import limiter

F = TypeVar("F", bound=Callable[..., Any])

#: The OpenAPI security scheme's name.
SCHEME = "bearerAuth"
SECURITY_SCHEME = {
    "type": "http",
    "scheme": "bearer",
    "description": "A personal API token from /account/tokens: "
    "`Authorization: Bearer dxm_...`. Each operation names the scope it needs.",
}
REALM = "dx_match"


class Unauthenticated(DxError):
    """No usable token: missing, malformed, unknown, expired or revoked."""

    status = 401

    def __init__(self, message: str, error: str | None = "invalid_token") -> None:
        super().__init__(message)
        challenge = f'Bearer realm="{REALM}"'
        if error:
            challenge += f', error="{error}", error_description="{message}"'
        self.headers = {"WWW-Authenticate": challenge}


class InsufficientScope(DxError):
    """A genuine token that lacks the scope an operation needs."""

    status = 403

    def __init__(self, scope: str) -> None:
        super().__init__(f"this token lacks the scope {scope}")
        self.headers = {
            "WWW-Authenticate": f'Bearer realm="{REALM}", error="insufficient_scope", '
            f'scope="{scope}"'
        }


def presented_secret() -> str | None:
    """The bearer token of this request, if its Authorization header has one."""
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    credentials = credentials.strip()
    return credentials if scheme.lower() == "bearer" and credentials else None


def authenticate(scope: str) -> User:
    """The account of this request's token, which must carry `scope` (and its role allow it)."""
    secret = presented_secret()
    if secret is None:
        raise Unauthenticated("send a personal API token: Authorization: Bearer <token>", None)
    try:
        token = api_tokens.authenticate(secret)
    except api_tokens.TokenRejected as exc:
        raise Unauthenticated(str(exc)) from exc
    if scope not in token.scopes or scope not in api_tokens.allowed_scopes(token.user.role):
        raise InsufficientScope(scope)
    api_tokens.touch(token)
    g.api_token = token
    return token.user


def current_token() -> ApiToken:
    """The token `authenticate` accepted for this request."""
    token: ApiToken = g.api_token
    return token


def _rate_key() -> str:
    """One counter per token (by its public prefix), else per client address."""
    secret = presented_secret()
    prefix = api_tokens.prefix_of(secret) if secret else None
    return f"token:{prefix}" if prefix else get_remote_address()


def _limit() -> str:
    limits: dict[str, str] = current_app.config["DX_RATE_LIMITS"]
    return limits["api_token"]


def _exempt() -> bool:
    return not current_app.config["DX_RATE_LIMITS_ENABLED"]


CHALLENGE_HEADER = {
    "WWW-Authenticate": {
        "description": "RFC 6750 challenge: Bearer, with error and scope when known.",
        "schema": {"type": "string"},
    }
}


def problem(
    status: int, description: str, headers: dict[str, Any] | None = None
) -> Callable[[F], F]:
    """Document an error response of an operation as problem+json."""
    from dx_match.api.views import bp

    return cast(
        Callable[[F], F],
        bp.alt_response(
            status,
            schema=ProblemSchema,
            description=description,
            content_type=PROBLEM_JSON,
            headers=headers,
        ),
    )


def token_required(scope: str) -> Callable[[F], F]:
    """View decorator: a bearer token with `scope` (put it between `bp.route` and the rest).

    It runs before the body is parsed, so an unauthenticated request learns nothing about
    the body's rules. The document names the security scheme, the scope and the 401/403.
    """
    from dx_match.api.views import TOKEN_ONLY, bp

    def decorate(view: F) -> F:
        TOKEN_ONLY.add(f"{bp.name}.{view.__name__}")  # no cookie is used, so no CSRF token

        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            authenticate(scope)
            return view(*args, **kwargs)

        documented = bp.doc(security=[{SCHEME: [scope]}])(wrapped)
        documented = problem(401, "No valid token", CHALLENGE_HEADER)(documented)
        documented = problem(403, f"The token lacks {scope}", CHALLENGE_HEADER)(documented)
        documented = problem(429, "Too many requests with this token")(documented)
        limited = limiter.shared_limit(
            _limit, scope="api_token", key_func=_rate_key, exempt_when=_exempt
        )(documented)
        return cast(F, limited)

    return decorate
