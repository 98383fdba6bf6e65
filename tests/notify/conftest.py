"""The SMTP side of the notify tests: a real server on loopback (aiosmtpd) and its inbox."""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from flask import Flask


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Inbox:
    """aiosmtpd handler that keeps every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def smtp_config(app: Flask) -> dict[str, Any]:
    """The app's config pointed at a loopback port where nothing listens (yet)."""
    return {
        **app.config,
        "DX_SMTP_HOST": "127.0.0.1",
        "DX_SMTP_PORT": free_port(),
        "DX_SMTP_TIMEOUT": 5,
    }


@pytest.fixture
def smtp_server(smtp_config: dict[str, Any]) -> Iterator[Inbox]:
    """A real SMTP server on the configured port, in a thread."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_config["DX_SMTP_PORT"])
    controller.start()
    yield inbox
    controller.stop()
