"""TOTP second factor (RFC 6238, pyotp): secrets, the otpauth URI as QR SVG, replay-safe checks."""

from __future__ import annotations

import time

import pyotp
import segno

ISSUER = "dx_match"
#: Accept the previous and the next 30-second step too (clock drift, slow typing).
WINDOW = 1


def new_secret() -> str:
    """A fresh random base32 secret."""
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str) -> str:
    """The otpauth:// URI an authenticator app reads."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The URI as an inline SVG QR code (no script, no external resource)."""
    return str(segno.make(uri, error="m").svg_inline(scale=5, title="otpauth QR"))


def accepted_step(
    secret: str, code: str, last_step: int | None, now: float | None = None
) -> int | None:
    """The time step `code` belongs to, if valid and newer than `last_step`; else None."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now if now is not None else time.time())
    for step in range(current - WINDOW, current + WINDOW + 1):
        if (last_step is None or step > last_step) and pyotp.utils.strings_equal(
            totp.generate_otp(step), code
        ):
            return step
    return None
