"""Domain exceptions, mapped once to HTML or JSON responses in `register_handlers`."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


#: Seconds a client is told to wait (Retry-After) when the database is unreachable.
DATABASE_RETRY_AFTER = 5


class DxError(Exception):
    """Base class of every error dx_match raises on purpose."""

    status = 400
    #: Response headers the error needs (a 401's WWW-Authenticate).
    headers: dict[str, str] | None = None


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


class InvalidParameters(DxError):
    """Query or path parameters that cannot be used; `errors` names each one (RFC 9457 member)."""

    status = 422

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        names = ", ".join(dict.fromkeys(str(error["parameter"]) for error in errors))
        super().__init__(f"invalid parameter(s): {names}")
        self.errors = errors


class ValidationFailed(DxError):
    """Input that breaks the rules; `problems` holds one message per field."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def register_handlers(app: Flask) -> None:
    """Map domain errors and HTTP errors to an HTML page or problem+json by the Accept header."""
    from flask import g, jsonify, render_template, request
    from sqlalchemy import exc as sa_exc
    from werkzeug.exceptions import HTTPException

    from dx_match.extensions import db, login_manager

    def wants_json() -> bool:
        best = request.accept_mimetypes.best_match(["text/html", "application/json"])
        return request.path.startswith("/api/") or best == "application/json"

    def respond(
        status: int,
        title: str,
        detail: str,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Any:
        if wants_json():
            problem: dict[str, Any] = {
                "type": "about:blank",
                "title": title,
                "status": status,
                "detail": detail,
                "instance": request.path,
            }
            if errors:
                problem["errors"] = errors  # RFC 9457 extension member: one entry per parameter
            body = jsonify(problem)
            body.status_code = status
            body.mimetype = "application/problem+json"
            body.headers.update(headers or {})
            return body
        page = render_template("error.html", status=status, title=title, detail=detail)
        return page, status, headers or {}

    @app.errorhandler(DxError)
    def on_domain_error(exc: DxError) -> Any:
        errors = exc.errors if isinstance(exc, InvalidParameters) else None
        return respond(exc.status, type(exc).__name__, str(exc), errors, exc.headers)

    @app.errorhandler(HTTPException)
    def on_http_error(exc: HTTPException) -> Any:
        # Keep the headers the exception carries (405's Allow), not its HTML content type.
        headers = {k: v for k, v in exc.get_headers() if k.lower() != "content-type"}
        return respond(
            exc.code or 500, exc.name, exc.description or "", _argument_errors(exc), headers
        )

    @app.errorhandler(sa_exc.OperationalError)
    @app.errorhandler(sa_exc.InterfaceError)
    def on_database_unavailable(exc: sa_exc.DBAPIError) -> Any:
        # The database went away (restart, failover, network): a clean 503 the client may retry;
        # the pool drops the broken connection and pool_pre_ping checks the next ones.
        with contextlib.suppress(sa_exc.DBAPIError):
            db.session.rollback()
        app.logger.error("database unavailable: %s", _first_line(exc.orig))
        # The page header would look the visitor up in the database that just failed.
        g._login_user = login_manager.anonymous_user()
        return respond(
            503,
            "Service Unavailable",
            "The database is not reachable at the moment; please try again shortly.",
            headers={"Retry-After": str(DATABASE_RETRY_AFTER)},
        )

    @app.teardown_appcontext
    def end_session(_exc: BaseException | None) -> None:
        # Runs before Flask-SQLAlchemy's own teardown (registered earlier, run later). A
        # connection the database ended after the response was made (a restart) fails its
        # final rollback: that must not turn a finished answer into gunicorn's bare 500.
        try:
            db.session.remove()
        except sa_exc.DBAPIError as error:
            app.logger.warning("database connection lost at the end of a request: %s", error)
            db.session.registry.clear()

    @app.errorhandler(Exception)
    def on_unexpected(exc: Exception) -> Any:
        db.session.rollback()  # never leave a half-done transaction behind a 500
        app.logger.exception("unhandled error", exc_info=exc)
        return respond(500, "Internal Server Error", "Something went wrong on our side.")


def _first_line(error: object) -> str:
    """The first line of a driver's message (PostgreSQL adds context lines)."""
    return (str(error).splitlines() or [""])[0]


def _argument_errors(exc: Exception) -> list[dict[str, Any]] | None:
    """Webargs' validation messages (`exc.data["messages"]`) as one problem entry per parameter."""
    data = getattr(exc, "data", None)
    messages = data.get("messages") if isinstance(data, dict) else None
    if not isinstance(messages, dict):
        return None
    errors: list[dict[str, Any]] = []
    for location, fields in messages.items():
        for name, problems in fields.items() if isinstance(fields, dict) else ():
            errors.extend(
                {"parameter": name, "in": location, "problem": "invalid", "detail": str(text)}
                for text in _flatten(problems)
            )
    return errors or None


def _flatten(messages: Any) -> list[str]:
    """Marshmallow nests messages by list index; the parameter name is what matters here."""
    if isinstance(messages, dict):
        return [text for value in messages.values() for text in _flatten(value)]
    if isinstance(messages, list):
        return [text for value in messages for text in _flatten(value)]
    return [str(messages)]
