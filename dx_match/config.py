"""Every configuration key with its default; `DX_*` environment variables override them."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta
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

#: Rate limits (Flask-Limiter notation) per client address, by what is being limited.
RATE_LIMITS = {
    "login": "10 per minute; 100 per day",
    "register": "5 per minute; 50 per day",
    "password_reset": "5 per minute; 30 per day",
    "inquiry": "10 per minute; 100 per day",
    "search": "120 per minute",
    # Per personal API token (by its public prefix), not per address.
    "api_token": "300 per minute; 20000 per day",
}

#: How outgoing mail reaches the SMTP server: plain, STARTTLS upgrade, or TLS from the start.
SMTP_TLS_MODES = ("none", "starttls", "ssl")

#: werkzeug's scrypt (N=32768, r=8, p=1: about 70 ms and 32 MiB per check on the reference
#: machine). Tests use N=1024 so hundreds of log-ins stay fast; a hash records its own
#: parameters, so either kind of hash verifies under either setting.
PASSWORD_HASH = {"production": "scrypt", "development": "scrypt", "testing": "scrypt:1024:8:1"}


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


def _flag(env_vars: dict[str, str], name: str) -> bool:
    """A 1/0 switch that is on unless set to 0."""
    text = env_vars.get(name, "1")
    if text not in {"0", "1"}:
        raise ConfigError(f"{name} must be 1 or 0, not {text!r}")
    return text == "1"


def _whole(
    env_vars: dict[str, str], name: str, default: str, *, low: int, high: int, what: str
) -> int:
    """A whole number within [low, high]; the error names the variable and what it holds."""
    text = env_vars.get(name, default)
    if not text.isdigit() or not low <= int(text) <= high:
        raise ConfigError(f"{name} must be {what}, not {text!r}")
    return int(text)


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
    smtp_tls = env_vars.get("DX_SMTP_TLS", "none")
    if smtp_tls not in SMTP_TLS_MODES:
        raise ConfigError(f"DX_SMTP_TLS must be none, starttls or ssl, not {smtp_tls!r}")
    smtp_port_text = env_vars.get("DX_SMTP_PORT", "25")
    if not smtp_port_text.isdigit() or not 0 < int(smtp_port_text) < 65536:
        raise ConfigError(f"DX_SMTP_PORT must be a port number, not {smtp_port_text!r}")
    view_flush = _whole(
        env_vars, "DX_VIEW_FLUSH_SECONDS", "10", low=0, high=10**6, what="whole seconds"
    )
    redis_url = env_vars.get("DX_REDIS_URL", "")
    page_cache = _flag(env_vars, "DX_PAGE_CACHE")
    page_cache_mb = _whole(
        env_vars, "DX_PAGE_CACHE_MB", "32", low=1, high=10**6, what="whole megabytes"
    )
    proxy_hops = _whole(
        env_vars, "DX_PROXY_HOPS", "0", low=0, high=5, what="a number of proxies 0-5"
    )
    limits_enabled = _flag(env_vars, "DX_RATE_LIMITS_ENABLED")
    retention_days = _whole(
        env_vars,
        "DX_NOTIFICATION_RETENTION_DAYS",
        "90",
        low=1,
        high=10**6,
        what="whole days (1 or more)",
    )
    production = env == "production"
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
        "SESSION_COOKIE_SECURE": production,
        # Flask-Login's remember-me cookie: its defaults are 365 days, not Secure, no SameSite.
        "REMEMBER_COOKIE_DURATION": timedelta(days=14),
        "REMEMBER_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_REFRESH_EACH_REQUEST": False,
        # Forms are small; nothing here takes uploads bigger than this (413 beyond it).
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        "DX_PASSWORD_HASH": PASSWORD_HASH[env],
        # Reset links expire after an hour, e-mail confirmation links after three days.
        "DX_RESET_TOKEN_MAX_AGE": 3600,
        "DX_CONFIRM_TOKEN_MAX_AGE": 3 * 86400,
        # Redis, when set, holds the rate-limit counters so limits hold across workers.
        "DX_REDIS_URL": redis_url,
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        # Anonymous tool list and tool pages, kept per catalog state (dx_match/pagecache/):
        # in Redis when DX_REDIS_URL is set, else up to DX_PAGE_CACHE_MB in instance/pagecache/.
        "DX_PAGE_CACHE": page_cache,
        "DX_PAGE_CACHE_MB": page_cache_mb,
        "RATELIMIT_HEADERS_ENABLED": True,
        "DX_RATE_LIMITS": dict(RATE_LIMITS),
        # Listing page views are counted in memory and written at most this often (seconds).
        "DX_VIEW_FLUSH_SECONDS": view_flush,
        # Reverse proxies (load balancers) in front of the app whose X-Forwarded-For/-Proto
        # are trusted: rate limits then count the client, not the proxy. 0 trusts no header.
        "DX_PROXY_HOPS": proxy_hops,
        # 0 turns every rate limit off: for load tests from one address (bench/load.py), never
        # for a site on the internet (log-in guessing would be unlimited).
        "DX_RATE_LIMITS_ENABLED": limits_enabled,
        # Outgoing mail: the outbox is drained by `dx-match mail deliver` to this server.
        "DX_SMTP_HOST": env_vars.get("DX_SMTP_HOST", "localhost"),
        "DX_SMTP_PORT": int(smtp_port_text),
        "DX_SMTP_USER": env_vars.get("DX_SMTP_USER", ""),
        "DX_SMTP_PASSWORD": env_vars.get("DX_SMTP_PASSWORD", ""),
        "DX_SMTP_TLS": smtp_tls,
        "DX_SMTP_TIMEOUT": 10,
        "DX_MAIL_FROM": env_vars.get("DX_MAIL_FROM", "dx_match <no-reply@localhost>"),
        # A failed delivery is retried after 1, 2, 4 ... minutes, at most an hour apart;
        # after this many attempts the message is marked failed (kept, never deleted).
        "DX_MAIL_MAX_ATTEMPTS": 12,
        # `dx-match notify prune` deletes notifications read more than this many days ago.
        "DX_NOTIFICATION_RETENTION_DAYS": retention_days,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "TESTING": env == "testing",
    }
