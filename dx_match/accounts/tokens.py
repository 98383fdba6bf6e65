"""Signed, expiring tokens for e-mail links, each bound to the state it may change once.

A reset token carries a fingerprint of the password hash: resetting changes the hash, so the
token is spent. A confirmation token names the address it confirms; an e-mail change token
names the old and the new address: once the address changes, both are spent.
"""

from __future__ import annotations

import hashlib
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

PURPOSES = ("confirm", "reset", "change_email")


class TokenInvalid(Exception):
    """A token that is forged, for another purpose, or spent."""


class TokenExpired(TokenInvalid):
    """A genuine token past its age limit."""


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    assert purpose in PURPOSES
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"dx-match-{purpose}")


def fingerprint(value: str) -> str:
    """A short digest of a secret value (the password hash), safe to put in a link."""
    return hashlib.sha256(value.encode()).hexdigest()[:20]


def make_token(purpose: str, payload: dict[str, Any]) -> str:
    """Sign `payload` for `purpose`."""
    return _serializer(purpose).dumps(payload)


def read_token(purpose: str, token: str, max_age: int) -> dict[str, Any]:
    """The payload of a genuine token not older than `max_age` seconds."""
    try:
        payload = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise TokenExpired(purpose) from exc
    except BadSignature as exc:
        raise TokenInvalid(purpose) from exc
    if not isinstance(payload, dict):
        raise TokenInvalid(purpose)
    return payload
