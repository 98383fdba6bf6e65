"""`dx-match serve`: the production WSGI server (gunicorn) with several workers, and its indexer."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
from gunicorn.app.base import BaseApplication

from dx_match.errors import ConfigError

#: Seconds a worker may spend on one request before gunicorn replaces it (a hung request
#: must not hold a worker forever); graceful stops and reloads wait this long for requests.
REQUEST_TIMEOUT = 30
GRACEFUL_TIMEOUT = 30
#: Keep-alive behind a load balancer: a little longer than nothing, shorter than a worker.
KEEPALIVE = 5
#: Workers are replaced after this many requests (plus jitter, so not all at once): memory
#: from caches that only grow (sidecars of old index generations) is given back. A new worker
#: is cold (its search sidecar and recommender arrays take seconds to build at 10k tools), so
#: replacements must be rare and spread out: with 5,000 + 0-500 the five workers of a load test
#: were all replaced within 11 s and stalled the site for as long (p99 14 s under stress).
MAX_REQUESTS = 20_000
MAX_REQUESTS_JITTER = 10_000
#: Backends whose index is files on this machine: exactly one process may write them.
FILE_INDEXES = ("whoosh", "tantivy")


@dataclass(frozen=True)
class ServeOptions:
    """What `dx-match serve` was asked for."""

    bind: str = "127.0.0.1:8000"
    workers: int = 2
    threads: int = 1
    indexer: bool = True
    access_log: str = "-"
    pid_file: str | None = None


def default_workers() -> int:
    """gunicorn's rule of thumb (2 per core + 1), capped: each worker holds the search sidecar."""
    return min(2 * (os.cpu_count() or 1) + 1, 8)


def gunicorn_settings(options: ServeOptions) -> dict[str, Any]:
    """The gunicorn settings for these options (pure: tests read them)."""
    settings: dict[str, Any] = {
        "bind": [options.bind],
        "workers": options.workers,
        "worker_class": "gthread" if options.threads > 1 else "sync",
        "threads": options.threads,
        "timeout": REQUEST_TIMEOUT,
        "graceful_timeout": GRACEFUL_TIMEOUT,
        "keepalive": KEEPALIVE,
        "max_requests": MAX_REQUESTS,
        "max_requests_jitter": MAX_REQUESTS_JITTER,
        "accesslog": options.access_log or None,
        "errorlog": "-",
        "loglevel": "info",
        # Never preload: the app opens database connections while it is built, and a pool
        # inherited through fork() would be shared by every worker.
        "preload_app": False,
        "proc_name": "dx-match",
        # gunicorn 24+'s control socket lives at one path under $HOME, shared by every server
        # of that user (two sites on one machine would fight over it); reload is kill -HUP.
        "control_socket_disable": True,
    }
    if options.pid_file:
        settings["pidfile"] = options.pid_file
    return settings


def check_environment(environ: dict[str, str], *, dev: bool) -> str:
    """The DX_ENV to serve; refuse development settings unless asked to (`--dev`)."""
    env = environ.get("DX_ENV", "development")
    if env == "development" and not dev:
        raise ConfigError(
            "DX_ENV is development (a public secret key, insecure cookies): set DX_ENV=production "
            "and DX_SECRET_KEY, or pass --dev to serve the development settings anyway"
        )
    if env == "production" and not environ.get("DX_SECRET_KEY"):
        raise ConfigError("DX_SECRET_KEY must be set in production (a long random string)")
    return env


class DxGunicorn(BaseApplication):  # type: ignore[misc]  # gunicorn ships no type hints
    """gunicorn configured in code: each worker builds its own app with `create_app()`."""

    def __init__(self, settings: dict[str, Any], indexer: list[str] | None) -> None:
        self.settings = settings
        self.indexer_command = indexer
        self.indexer: subprocess.Popen[bytes] | None = None
        super().__init__()

    def load_config(self) -> None:
        """Hand our settings to gunicorn's config object."""
        for key, value in self.settings.items():
            self.cfg.set(key, value)
        self.cfg.set("on_starting", self._start_indexer)
        self.cfg.set("on_exit", self._stop_indexer)

    def load(self) -> Any:
        """Build the app inside the worker (after the fork)."""
        from dx_match import create_app

        return create_app()

    def _start_indexer(self, _arbiter: Any) -> None:
        # One indexer per server, started by the master (which never runs app code), so the
        # Whoosh or tantivy index has exactly one writer however many workers serve.
        if self.indexer_command:
            self.indexer = subprocess.Popen(self.indexer_command)

    def _stop_indexer(self, _arbiter: Any) -> None:
        if self.indexer is not None and self.indexer.poll() is None:
            self.indexer.send_signal(signal.SIGTERM)
            try:
                self.indexer.wait(timeout=GRACEFUL_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.indexer.kill()


def indexer_command() -> list[str]:
    """`dx-match search worker` in this Python environment."""
    script = Path(sys.executable).with_name("dx-match")
    if script.exists():
        return [str(script), "search", "worker"]
    return [sys.executable, "-m", "dx_match.cli", "search", "worker"]


@click.command("serve")
@click.option("--bind", default="127.0.0.1:8000", show_default=True, help="HOST:PORT to listen on.")
@click.option(
    "--workers",
    type=click.IntRange(min=1, max=64),
    default=None,
    help="Worker processes (default: 2 per core + 1, at most 8).",
)
@click.option(
    "--threads",
    type=click.IntRange(min=1, max=64),
    default=1,
    show_default=True,
    help="Threads per worker (more than 1 uses gunicorn's gthread workers).",
)
@click.option(
    "--indexer/--no-indexer",
    default=True,
    show_default=True,
    help="Run one `dx-match search worker` beside the web workers (--no-indexer when it runs "
    "as its own service).",
)
@click.option("--access-log", default="-", show_default=True, help="File, or - for stdout.")
@click.option("--pid", "pid_file", default=None, help="Write the master's pid here (HUP reloads).")
@click.option("--dev", is_flag=True, help="Allow DX_ENV=development (never in production).")
def serve_command(
    *,
    bind: str,
    workers: int | None,
    threads: int,
    indexer: bool,
    access_log: str,
    pid_file: str | None,
    dev: bool,
) -> None:
    """Serve the site with gunicorn: several workers, timeouts, graceful reload (kill -HUP)."""
    try:
        check_environment(dict(os.environ), dev=dev)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from exc
    options = ServeOptions(
        bind=bind,
        workers=workers or default_workers(),
        threads=threads,
        indexer=indexer,
        access_log=access_log,
        pid_file=pid_file,
    )
    backend = os.environ.get("DX_SEARCH_BACKEND", "whoosh")
    if not indexer and backend in FILE_INDEXES:
        click.echo(
            f"note: --no-indexer: run exactly one `dx-match search worker` on this machine, "
            f"or search stays behind edits ({backend} indexes are files with one writer)",
            err=True,
        )
    DxGunicorn(gunicorn_settings(options), indexer_command() if indexer else None).run()
