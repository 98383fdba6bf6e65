"""Every configuration key with its default; `DX_*` environment variables override them."""

from __future__ import annotations

import os
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from dx_match.errors import ConfigError

#: Units of each currency per 1 USD (the spec's defaults: 1 USD = 32 TWD = 150 JPY).
DEFAULT_RATES = "USD=1,TWD=32,JPY=150"

#: The UI languages of the site, as BCP 47 tags, in the order the switcher shows them.
UI_LANGUAGES = ("zh-TW", "ja", "en")

#: The currency a viewer sees by default for each UI language.
CURRENCY_BY_LANGUAGE = {"zh-TW": "TWD", "ja": "JPY", "en": "USD"}


def parse_rates(text: str) -> dict[str, Decimal]:
    """Parse `USD=1,TWD=32` into a mapping; raise ConfigError naming the bad part."""
    rates: dict[str, Decimal] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        code, sep, value = part.partition("=")
        try:
            rate = Decimal(value)
        except InvalidOperation:
            rate = Decimal(0)
        if not sep or len(code.strip()) != 3 or not rate.is_finite() or rate <= 0:
            raise ConfigError(f"DX_RATES: {part!r} is not CUR=positive-number")
        rates[code.strip().upper()] = rate
    return rates


@dataclass(frozen=True)
class Settings:
    """The settings read from the environment, before they become Flask config keys."""

    env: str
    instance_path: Path
    database_url: str
    secret_key: str
    base_currency: str
    rates: dict[str, Decimal]
    search_backend: str


def from_environment(environ: dict[str, str] | None = None) -> dict[str, Any]:
    """Build the Flask config mapping from `DX_*` variables, refusing unsafe production setups."""
    env_vars = dict(os.environ if environ is None else environ)
    env = env_vars.get("DX_ENV", "development")
    if env not in {"development", "production", "testing"}:
        raise ConfigError(f"DX_ENV must be development, production or testing, not {env!r}")
    # The instance folder holds the SQLite database and the search index.
    instance_path = Path(env_vars.get("DX_INSTANCE_PATH", "instance")).resolve()
    database_url = env_vars.get("DX_DATABASE_URL") or f"sqlite:///{instance_path / 'dx_match.db'}"
    secret_key = env_vars.get("DX_SECRET_KEY", "")
    if not secret_key:
        if env == "production":
            raise ConfigError("DX_SECRET_KEY must be set in production (a long random string)")
        secret_key = "dev-only-insecure-key"  # never used in production: refused above
    rates = parse_rates(env_vars.get("DX_RATES", DEFAULT_RATES))
    base_currency = env_vars.get("DX_BASE_CURRENCY", "USD").upper()
    if base_currency not in rates:
        raise ConfigError(f"DX_BASE_CURRENCY {base_currency} has no rate in DX_RATES")
    search_backend = env_vars.get("DX_SEARCH_BACKEND", "whoosh")
    if search_backend not in {"whoosh", "tantivy", "postgres"}:
        raise ConfigError(
            f"DX_SEARCH_BACKEND must be whoosh, tantivy or postgres, not {search_backend!r}"
        )
    return {
        "DX_ENV": env,
        "DX_INSTANCE_PATH": str(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": secret_key,
        "DX_BASE_CURRENCY": base_currency,
        "DX_RATES": rates,
        "DX_SEARCH_BACKEND": search_backend,
        # Translations live in the package, compiled, so an installed wheel speaks all three.
        "BABEL_TRANSLATION_DIRECTORIES": str(Path(__file__).parent / "translations"),
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_DEFAULT_TIMEZONE": "UTC",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env == "production",
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "TESTING": env == "testing",
    }
