"""Domain exceptions, mapped once to HTML or JSON responses in `register_handlers`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


class DxError(Exception):
    """Base class of every error dx_match raises on purpose."""

    status = 400


class ConfigError(DxError):
    """The configuration cannot be used; the message names the key."""

    status = 500


class NotFound(DxError):
    """A slug or id that does not exist."""

    status = 404


class Forbidden(DxError):
    """The user is known but may not do this (other users' private objects are NotFound)."""

    status = 403


class Conflict(DxError):
    """The change collides with the current state (a stale edit, a taken e-mail address)."""

    status = 409


class ValidationFailed(DxError):
    """Input that breaks the rules; `problems` holds one message per field."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def register_handlers(app: Flask) -> None:
    """Map domain errors and HTTP errors to an HTML page or problem+json by the Accept header."""
    from flask import jsonify, render_template, request
    from werkzeug.exceptions import HTTPException

    from dx_match.extensions import db

    def wants_json() -> bool:
        best = request.accept_mimetypes.best_match(["text/html", "application/json"])
        return request.path.startswith("/api/") or best == "application/json"

    def respond(status: int, title: str, detail: str) -> Any:
        if wants_json():
            body = jsonify(type="about:blank", title=title, status=status, detail=detail)
            body.status_code = status
            body.mimetype = "application/problem+json"
            return body
        return render_template("error.html", status=status, title=title, detail=detail), status

    @app.errorhandler(DxError)
    def on_domain_error(exc: DxError) -> Any:
        return respond(exc.status, type(exc).__name__, str(exc))

    @app.errorhandler(HTTPException)
    def on_http_error(exc: HTTPException) -> Any:
        return respond(exc.code or 500, exc.name, exc.description or "")

    @app.errorhandler(Exception)
    def on_unexpected(exc: Exception) -> Any:
        db.session.rollback()  # never leave a half-done transaction behind a 500
        app.logger.exception("unhandled error", exc_info=exc)
        return respond(500, "Internal Server Error", "Something went wrong on our side.")
