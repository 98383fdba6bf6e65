"""Signed links that let a visitor (no account) read and answer its own inquiry's thread."""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

#: How long a visitor's thread link works: long enough for a sales cycle.
MAX_AGE = 180 * 24 * 3600


class LinkInvalid(Exception):
    """A forged, mangled or expired thread link."""


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="dx-match-inquiry")


def make_visitor_token(inquiry_id: int, email: str) -> str:
    """A token naming the inquiry and the address it was sent from."""
    return _serializer().dumps({"i": inquiry_id, "e": email})


def read_visitor_token(token: str) -> tuple[int, str]:
    """The (inquiry id, e-mail) a genuine, unexpired token names."""
    try:
        payload = _serializer().loads(token, max_age=MAX_AGE)
    except BadSignature as exc:  # SignatureExpired is a BadSignature too
        raise LinkInvalid from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("i"), int):
        raise LinkInvalid
    return payload["i"], str(payload.get("e", ""))
