"""Browser journeys: a real `dx-match demo` server and Debian's chromium driven by Playwright."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

REPOSITORY = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPOSITORY / "test-artifacts" / "screenshots"
START_SECONDS = 180
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # This machine's network is closed: without these, chromium keeps dialling out.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def live_instance(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The live server's instance folder (its SQLite database holds the mail outbox)."""
    return tmp_path_factory.mktemp("live")


@pytest.fixture(scope="session")
def live_server(live_instance: Path) -> Iterator[str]:
    """`dx-match demo` on a free port with its own SQLite instance folder."""
    port = _free_port()
    # Every browser comes from 127.0.0.1: the journeys register and log in more often than
    # one person's per-address limits allow. The limits have their own tests.
    env = {**os.environ, "DX_INSTANCE_PATH": str(live_instance), "DX_RATE_LIMITS_ENABLED": "0"}
    env.pop("DX_DATABASE_URL", None)
    # Serve this checkout's code, not whichever one the venv was installed from (worktrees).
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    # The checked-out code (run from the repository root), not whatever `dx-match` is installed.
    command = [sys.executable, "-c", "from dx_match.cli import main; main()"]
    command += ["demo", "--port", str(port)]
    # Prepare once, then serve the same instance again: a restart must not leave a lock behind.
    subprocess.run(
        [*command, "--no-serve"], env=env, cwd=REPOSITORY, check=True, capture_output=True
    )
    # The server's log goes to a file: a pipe nobody reads fills up after a few hundred
    # requests and then blocks the server mid-response.
    log_path = live_instance / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, env=env, cwd=REPOSITORY, stdout=log, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    # Starting re-checks the catalog and the index: slow on a busy shared machine.
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/", timeout=2):
                break
        except OSError:
            if process.poll() is not None:
                pytest.fail(f"dx-match demo exited early:\n{log_path.read_text()}")
            time.sleep(0.3)
    else:
        process.kill()
        pytest.fail(f"dx-match demo did not start within {START_SECONDS} s")
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Debian chromium (Playwright's own browser download cannot work here)."""
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh browser context per test; a screenshot of the last page is kept."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    new_page = context.new_page()
    yield new_page
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    new_page.screenshot(path=str(SCREENSHOTS / f"{request.node.name}.png"), full_page=True)
    context.close()
