"""Signed invitation links: a client's id and its nonce, valid once (claiming clears the nonce)."""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

#: An invitation is valid for 30 days.
INVITE_MAX_AGE = 30 * 24 * 3600


class InvitationInvalid(Exception):
    """A forged, expired or spent invitation link."""


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="dx-match-advisory-invite")


def invitation_token(client_id: int, nonce: str) -> str:
    """The token of an invitation link."""
    return _serializer().dumps({"client": client_id, "nonce": nonce})


def read_invitation(token: str) -> tuple[int, str]:
    """(client id, nonce) of a genuine, unexpired token."""
    try:
        payload = _serializer().loads(token, max_age=INVITE_MAX_AGE)
    except BadSignature as exc:  # SignatureExpired is a BadSignature
        raise InvitationInvalid from exc
    if not isinstance(payload, dict):
        raise InvitationInvalid
    client, nonce = payload.get("client"), payload.get("nonce")
    if not isinstance(client, int) or not isinstance(nonce, str):
        raise InvitationInvalid
    return client, nonce
