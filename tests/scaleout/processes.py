"""Real `dx-match` processes on loopback for the scale-out and fault tests: start, wait, talk, stop.

Helpers, not tests: a tiny HTTP client with its own cookie jar (http.client, so a cookie marked
Secure in production is still sent over loopback, and one client's cookies can be handed to a
process on another port), and servers started with `dx-match serve` on free ports.
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

DX_MATCH = str(Path(sys.executable).with_name("dx-match"))
START_TIMEOUT = 40.0
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def dx(env: Mapping[str, str], *args: str, stdin: str | None = None) -> str:
    """Run one `dx-match` command to completion; fail with its output if it fails."""
    done = subprocess.run(
        [DX_MATCH, *args],
        env=dict(env),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, f"dx-match {' '.join(args)}: {done.stdout}\n{done.stderr}"
    return done.stdout


@dataclass
class Reply:
    """One HTTP answer, read in full."""

    status: int
    headers: dict[str, str]
    body: str


@dataclass
class Browser:
    """A keep-alive HTTP client with a cookie jar, pointed at one port (change `port` freely)."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)
    timeout: float = 15.0

    def request(self, method: str, path: str, form: Mapping[str, str] | None = None) -> Reply:
        """Send one request with the jar's cookies; keep the cookies it sets."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        headers = {"Accept": "text/html"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    jar: SimpleCookie = SimpleCookie()
                    jar.load(value)
                    for key, morsel in jar.items():
                        if morsel.value and morsel["max-age"] != "0":
                            self.cookies[key] = morsel.value
                        else:
                            self.cookies.pop(key, None)
            return Reply(response.status, dict(response.getheaders()), text)
        finally:
            conn.close()

    def get(self, path: str) -> Reply:
        """GET."""
        return self.request("GET", path)

    def post_form(self, page: str, action: str, fields: Mapping[str, str]) -> Reply:
        """Fetch `page` for its CSRF token, then POST `fields` to `action`."""
        token = CSRF.search(self.get(page).body)
        assert token is not None, f"no CSRF token on {page}"
        return self.request("POST", action, {**fields, "csrf_token": token.group(1)})


def wait_until_up(port: int, process: subprocess.Popen[bytes] | None = None) -> None:
    """Poll /healthz until it answers 200 (or the process dies, or time runs out)."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise AssertionError(f"the server on port {port} exited with {process.returncode}")
        try:
            if Browser(port, timeout=2).get("/healthz").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"nothing answered on port {port} within {START_TIMEOUT} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM (gunicorn's graceful stop), then SIGKILL if it hangs."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@contextmanager
def serving(
    env: Mapping[str, str],
    *extra: str,
    log: Path | None = None,
    prefix: tuple[str, ...] = (),
) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    """`dx-match serve` with one worker on a free port, up and answering; stopped afterwards.

    `prefix` goes before the command (e.g. setpriv, to run it without some privileges).
    """
    port = free_port()
    output = log.open("ab") if log is not None else subprocess.DEVNULL
    process = subprocess.Popen(
        [*prefix, DX_MATCH, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1", *extra],
        env=dict(env),
        stdout=output,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # a stray Ctrl+C in the test run is not its business
    )
    try:
        wait_until_up(port, process)
        yield port, process
    finally:
        stop(process)
        if log is not None and not isinstance(output, int):
            output.close()


# Run in a process of its own: a test process's db.session is bound to the suite's rolled-back
# transaction (tests/conftest.py), which may be on another database.
EDIT = """
import sys
import sqlalchemy as sa
from dx_match import create_app
from dx_match.catalog.models import Tool
from dx_match.extensions import db

slug, word = sys.argv[1:3]
with create_app().app_context():
    tool = db.session.scalars(sa.select(Tool).where(Tool.slug == slug)).one()
    tool.summary = {"en": f"Now with {word} reports", "zh-TW": f"{word} 報表", "ja": word}
    db.session.commit()
"""


def edit_summary(env: Mapping[str, str], slug: str, word: str) -> None:
    """Change a tool's searchable text through the ORM (writing its outbox row), as `env` would."""
    done = subprocess.run(
        [sys.executable, "-c", EDIT, slug, word],
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def base_env(**overrides: str) -> dict[str, str]:
    """This process's environment without any DX_* settings, plus `overrides`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DX_", "FLASK_"))}
    env.update(overrides)
    return env


def production_env(instance: Path, **overrides: str) -> dict[str, str]:
    """Production settings (a random secret key) on this instance folder."""
    return base_env(
        DX_ENV="production",
        DX_SECRET_KEY=secrets.token_urlsafe(32),
        DX_INSTANCE_PATH=str(instance),
        **overrides,
    )
