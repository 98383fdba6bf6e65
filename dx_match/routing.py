"""URL converters: numbers in paths within what the database's integer columns hold."""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter, Map

#: The largest value of PostgreSQL's `integer` (SQLite's integers are wider): ids and numbers
#: in URLs beyond it name no row.
MAX_INT4 = 2**31 - 1


class BoundedIntConverter(IntegerConverter):
    """`<int:…>` that matches 0 to MAX_INT4 only: a larger number is a 404 like any unknown id,
    instead of a query PostgreSQL refuses (numeric value out of range: a 500). The OpenAPI
    document gives the bound as the parameter's maximum (flask-smorest reads `max`)."""

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_INT4)
        super().__init__(url_map, *args, **kwargs)


def init_app(app: Flask) -> None:
    """Replace the default `int` converter before any route is added."""
    app.url_map.converters["int"] = BoundedIntConverter
