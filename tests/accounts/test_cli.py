"""`dx-match user create` and the demo accounts."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask

from dx_match.accounts.demo import DEMO_PASSWORD, DEMO_USERS, ensure_demo_users
from dx_match.accounts.models import ROLES, User
from dx_match.accounts.passwords import verify_password
from dx_match.errors import ConfigError
from dx_match.extensions import db


def test_user_create_admin_from_stdin(runner) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(
        args=[
            "user",
            "create",
            "--role",
            "admin",
            "--email",
            "Root@Example.com",
            "--password-stdin",
        ],
        input="a long admin passphrase\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalars(sa.select(User).where(User.email == "root@example.com")).one()
    assert user.role == "admin" and user.email_confirmed_at is not None
    assert verify_password(user.password_hash, "a long admin passphrase")
    assert "two-step verification" in result.output


def test_user_create_prompts_twice(runner) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(
        args=["user", "create", "--role", "vendor", "--email", "v@example.com", "--vendor", "nope"],
        input="password one\npassword one\n",
    )
    assert result.exit_code != 0 and "no vendor" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "admin", "--email", "short@example.com"], "password: Use at least 8"),
        (["--role", "root", "--email", "r@example.com"], "Invalid value for '--role'"),
    ],
)
def test_user_create_refuses_bad_input(runner, args: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(args=["user", "create", *args, "--password-stdin"], input="short\n")
    assert result.exit_code != 0 and message in result.output


def test_demo_users_one_per_role_idempotent(app: Flask) -> None:
    listed = ensure_demo_users("development")
    assert sorted(role for _email, role in listed) == sorted(ROLES)
    count = db.session.scalar(sa.select(sa.func.count(User.id)))
    assert ensure_demo_users("development") == listed
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == count
    for email, role, *_ in DEMO_USERS:
        user = db.session.scalars(sa.select(User).where(User.email == email)).one()
        assert user.role == role and verify_password(user.password_hash, DEMO_PASSWORD)
        if role in {"vendor", "trainer"}:
            assert user.organisation is not None and user.organisation.vendor is not None


@pytest.mark.parametrize("env", ["production", "testing"])
def test_no_demo_users_outside_development(env: str) -> None:
    with pytest.raises(ConfigError):
        ensure_demo_users(env)
