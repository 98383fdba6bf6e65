"""Configuration from the environment."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dx_match.config import from_environment, parse_rates
from dx_match.errors import ConfigError


def test_defaults_use_the_instance_folder(tmp_path: pytest.TempPathFactory) -> None:
    config = from_environment({"DX_INSTANCE_PATH": str(tmp_path)})
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/dx_match.db"
    assert config["DX_RATES"] == {"USD": 1, "TWD": 32, "JPY": 150}
    assert config["DX_SEARCH_BACKEND"] == "whoosh"


def test_environment_overrides() -> None:
    config = from_environment(
        {
            "DX_DATABASE_URL": "postgresql+psycopg://u@h/db",
            "DX_RATES": "USD=1, TWD=30.5,EUR=0.9",
            "DX_BASE_CURRENCY": "eur",
            "DX_SEARCH_BACKEND": "postgres",
            "DX_SECRET_KEY": "s3cret",
        }
    )
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"
    assert config["DX_RATES"]["TWD"] == Decimal("30.5")
    assert config["DX_BASE_CURRENCY"] == "EUR"
    assert config["SECRET_KEY"] == "s3cret"


def test_production_refuses_to_start_without_a_secret_key() -> None:
    with pytest.raises(ConfigError, match="DX_SECRET_KEY must be set in production"):
        from_environment({"DX_ENV": "production"})
    config = from_environment({"DX_ENV": "production", "DX_SECRET_KEY": "x" * 40})
    assert config["SESSION_COOKIE_SECURE"] is True


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"DX_ENV": "staging"}, "DX_ENV must be"),
        ({"DX_RATES": "USD=1,TWD=abc"}, "'TWD=abc' is not CUR=positive-number"),
        ({"DX_RATES": "USD=1,TWD=-3"}, "'TWD=-3'"),
        ({"DX_RATES": "USD"}, "'USD'"),
        ({"DX_BASE_CURRENCY": "EUR"}, "DX_BASE_CURRENCY EUR has no rate"),
        ({"DX_SEARCH_BACKEND": "solr"}, "DX_SEARCH_BACKEND must be"),
    ],
)
def test_bad_configuration_is_refused_with_the_key_named(
    environ: dict[str, str], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        from_environment(environ)


def test_parse_rates_skips_empty_parts() -> None:
    assert parse_rates("USD=1,,JPY=150,") == {"USD": 1, "JPY": 150}
