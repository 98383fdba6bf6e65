"""Password hashing (werkzeug's scrypt) and the length rule: 8 or more, no composition rules."""

from __future__ import annotations

from functools import cache

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

MIN_LENGTH = 8
#: Long passphrases are welcome; this only stops megabyte "passwords" from costing CPU.
MAX_LENGTH = 1000


def hash_password(password: str) -> str:
    """A salted scrypt hash with the configured parameters."""
    return generate_password_hash(password, method=current_app.config["DX_PASSWORD_HASH"])


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether `password` matches; without a hash, spend the same time and answer no."""
    if password_hash is None:
        # An unknown e-mail costs as much as a wrong password, so timing does not tell them apart.
        check_password_hash(_dummy_hash(current_app.config["DX_PASSWORD_HASH"]), password)
        return False
    return check_password_hash(password_hash, password)


@cache
def _dummy_hash(method: str) -> str:
    return generate_password_hash("not-a-password", method=method)
