"""`dx-match serve`: the gunicorn settings it chooses and the environments it refuses."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import request

from dx_match import create_app
from dx_match.cli import main
from dx_match.config import from_environment
from dx_match.errors import ConfigError
from dx_match.serve import (
    REQUEST_TIMEOUT,
    ServeOptions,
    check_environment,
    default_workers,
    gunicorn_settings,
)


@pytest.mark.parametrize(
    ("threads", "worker_class"),
    [(1, "sync"), (2, "gthread"), (8, "gthread")],
)
def test_threads_choose_the_worker_class(threads: int, worker_class: str) -> None:
    settings = gunicorn_settings(ServeOptions(threads=threads))
    assert settings["worker_class"] == worker_class
    assert settings["threads"] == threads


def test_settings_bound_requests_recycle_workers_and_never_preload() -> None:
    settings = gunicorn_settings(
        ServeOptions(bind="0.0.0.0:9000", workers=3, access_log="", pid_file="/run/dx.pid")
    )
    assert settings["bind"] == ["0.0.0.0:9000"]
    assert settings["workers"] == 3
    assert settings["timeout"] == REQUEST_TIMEOUT
    assert settings["graceful_timeout"] > 0
    assert settings["max_requests"] > settings["max_requests_jitter"] > 0
    assert settings["preload_app"] is False  # a pool inherited through fork() would be shared
    assert settings["accesslog"] is None  # "" turns the access log off
    assert settings["pidfile"] == "/run/dx.pid"


def test_default_workers_follow_the_cores_but_are_capped() -> None:
    assert 3 <= default_workers() <= 8


@pytest.mark.parametrize(
    ("environ", "dev", "problem"),
    [
        ({}, False, "DX_ENV is development"),
        ({"DX_ENV": "development"}, False, "--dev"),
        ({"DX_ENV": "production"}, False, "DX_SECRET_KEY must be set"),
        ({"DX_ENV": "production"}, True, "DX_SECRET_KEY must be set"),
    ],
)
def test_unsafe_environments_are_refused(environ: dict[str, str], dev: bool, problem: str) -> None:
    with pytest.raises(ConfigError, match=problem):
        check_environment(environ, dev=dev)


@pytest.mark.parametrize(
    ("environ", "dev", "env"),
    [
        ({"DX_ENV": "development"}, True, "development"),
        ({"DX_ENV": "production", "DX_SECRET_KEY": "k" * 40}, False, "production"),
        ({"DX_ENV": "testing"}, False, "testing"),
    ],
)
def test_safe_environments_are_served(environ: dict[str, str], dev: bool, env: str) -> None:
    assert check_environment(environ, dev=dev) == env


def test_the_command_refuses_development_with_the_reason(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DX_ENV", "development")
    result = CliRunner().invoke(main, ["serve", "--workers", "2"])
    assert result.exit_code == 2
    assert "DX_ENV is development" in result.output
    assert "--dev" in result.output


@pytest.mark.parametrize(
    ("value", "enabled"),
    [("1", True), ("0", False)],
)
def test_rate_limits_can_be_turned_off_for_load_tests(value: str, enabled: bool) -> None:
    config = from_environment({"DX_RATE_LIMITS_ENABLED": value})
    assert config["DX_RATE_LIMITS_ENABLED"] is enabled


def test_a_bad_rate_limit_switch_is_refused_by_name() -> None:
    with pytest.raises(ConfigError, match="DX_RATE_LIMITS_ENABLED"):
        from_environment({"DX_RATE_LIMITS_ENABLED": "yes"})


@pytest.mark.parametrize(
    ("hops", "addr", "scheme"),
    [
        ("0", "127.0.0.1", "http"),  # no proxy trusted: the headers are anyone's to forge
        ("1", "10.0.0.2", "http"),  # the load balancer's own entry (the last one)
        ("2", "198.51.100.7", "https"),  # a CDN and the load balancer: the client's address
    ],
)
def test_proxy_hops_trust_that_many_forwarding_proxies(
    hops: str, addr: str, scheme: str, tmp_path: Path
) -> None:
    app = create_app(
        {"DX_ENV": "testing", "DX_INSTANCE_PATH": str(tmp_path), "DX_PROXY_HOPS": hops}
    )
    seen: dict[str, str | None] = {}

    @app.get("/_probe")
    def probe() -> str:
        seen["addr"], seen["scheme"] = request.remote_addr, request.scheme
        return "ok"

    headers = {"X-Forwarded-For": "198.51.100.7, 10.0.0.2", "X-Forwarded-Proto": "https, http"}
    assert app.test_client().get("/_probe", headers=headers).status_code == 200
    assert seen == {"addr": addr, "scheme": scheme}


@pytest.mark.parametrize("value", ["-1", "six", "9"])
def test_bad_proxy_hops_are_refused_by_name(value: str) -> None:
    with pytest.raises(ConfigError, match="DX_PROXY_HOPS"):
        from_environment({"DX_PROXY_HOPS": value})
