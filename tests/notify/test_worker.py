"""`dx-match mail deliver --loop`: a worker that polls the outbox until told to stop, and on
SIGTERM finishes the message it is sending (a real SMTP server on loopback)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from flask import Flask

from dx_match import REPO_ROOT
from dx_match.extensions import db
from dx_match.notify.cli import run_worker
from dx_match.notify.models import OutboxMessage
from tests.notify.conftest import Inbox, free_port
from tests.notify.test_delivery import queue_one


class StopOnFirst(Inbox):
    """Accepts messages and asks the worker to stop while the first one is being sent."""

    def __init__(self, stopping: threading.Event) -> None:
        super().__init__()
        self.stopping = stopping

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.stopping.set()
        return await super().handle_DATA(server, session, envelope)


def test_a_stop_during_a_send_finishes_that_message_and_takes_no_other(  # type: ignore[no-untyped-def]
    app: Flask, smtp_config
) -> None:
    with app.test_request_context():
        first, second = queue_one("first@example.com"), queue_one("second@example.com")
    first_id, second_id = first.id, second.id
    stopping = threading.Event()
    inbox = StopOnFirst(stopping)
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_config["DX_SMTP_PORT"])
    controller.start()
    try:
        run_worker(smtp_config, stopping, interval=3600)  # returns at once when stopped
    finally:
        controller.stop()
    assert [m["To"] for m in inbox.messages] == ["first@example.com"]
    sent, waiting = (
        db.session.get(OutboxMessage, first_id),
        db.session.get(OutboxMessage, second_id),
    )
    assert sent is not None and sent.status == "sent" and sent.attempts == 1
    assert waiting is not None and waiting.status == "pending" and waiting.attempts == 0


def test_once_and_loop_exclude_each_other(runner) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(args=["mail", "deliver", "--once", "--loop"])
    assert result.exit_code == 2 and "exclude each other" in result.output


def _queue_raw(database: Path, to: str) -> None:
    """A pending message, written as another process (the web app) would."""
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    with sqlite3.connect(database) as conn:
        conn.execute(
            "INSERT INTO outbox_messages (to_address, subject, text_body, template, locale,"
            " status, attempts, next_attempt_at, created_at)"
            " VALUES (?, 'Hello', 'Body', 'test', 'en', 'pending', 0, ?, ?)",
            (to, now, now),
        )


def _statuses(database: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(database) as conn:
        return list(conn.execute("SELECT to_address, status FROM outbox_messages ORDER BY id"))


def _wait_for(condition: Any, what: str, limit: float = 60.0) -> None:
    """Poll until `condition()` holds (a generous limit for a busy machine; not a timing test)."""
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.05)


def test_loop_worker_delivers_as_mail_arrives_and_stops_on_sigterm(tmp_path: Path) -> None:
    """The real command in its own process, on a database of its own (not the test's)."""
    database = tmp_path / "worker.db"
    port = free_port()
    env = {
        **os.environ,
        "DX_ENV": "testing",
        "DX_INSTANCE_PATH": str(tmp_path / "instance"),
        "DX_DATABASE_URL": f"sqlite:///{database}",
        "DX_SMTP_HOST": "127.0.0.1",
        "DX_SMTP_PORT": str(port),
    }
    # `-c` from the repository root: this checkout's package, whatever is installed.
    command = [sys.executable, "-c", "from dx_match.cli import main; main()"]
    subprocess.run([*command, "init"], env=env, cwd=REPO_ROOT, check=True, capture_output=True)
    _queue_raw(database, "before@example.com")
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    worker = subprocess.Popen(
        [*command, "mail", "deliver", "--loop", "--interval", "0.2"],
        env=env,
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for(lambda: len(inbox.messages) == 1, "the queued message")
        _queue_raw(database, "later@example.com")  # arrives while the worker polls
        _wait_for(lambda: len(inbox.messages) == 2, "the message queued later")
        _wait_for(lambda: _statuses(database)[-1][1] == "sent", "the second message marked")
        worker.send_signal(signal.SIGTERM)
        out, err = worker.communicate(timeout=60)
    finally:
        if worker.poll() is None:
            worker.kill()
        controller.stop()
    assert worker.returncode == 0, err
    assert "SIGTERM: stopping after the current message" in err
    assert out.count("1 sent, 0 to retry, 0 given up") == 2
    assert [m["To"] for m in inbox.messages] == ["before@example.com", "later@example.com"]
    assert _statuses(database) == [("before@example.com", "sent"), ("later@example.com", "sent")]
