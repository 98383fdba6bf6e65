"""Reading and writing catalog files (YAML or JSON), strictly and reproducibly."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml


class CatalogLoader(yaml.SafeLoader):
    """YAML 1.2 booleans only: `NO` (Norway) and `on` stay strings, as partners mean them."""


CatalogLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _timestamp_or_text(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    """An impossible date such as 2026-13-01 stays text, so validation can name its field."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)  # type: ignore[arg-type]
    except ValueError:
        return loader.construct_scalar(node)  # type: ignore[arg-type]


CatalogLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)
CatalogLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


class LoadError(Exception):
    """A file that is not valid YAML or JSON; the message says where."""


def load(path: Path) -> Any:
    """Parse one catalog file by its extension."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise LoadError(f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    if path.suffix == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise LoadError(
                f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
            ) from exc
    try:
        data = yaml.load(text, Loader=CatalogLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise LoadError(f"invalid YAML{where}: {problem}") from exc
    except RecursionError as exc:  # the parser recurses once per nesting level
        raise LoadError("nested too deeply to be a catalog") from exc
    _refuse_alias_bombs(data)
    return data


#: YAML aliases share one object, so a few lines can stand for a tree of billions of values
#: that validation would walk; a file may repeat its own parts this many times over, at most.
MAX_EXPANSION = 50
EXPANSION_ALLOWANCE = 100_000


def _refuse_alias_bombs(data: Any) -> None:
    """LoadError when the tree the file stands for is far larger than what it holds."""
    sizes: dict[int, int] = {}  # container id -> containers below it, aliases counted each time

    def expanded(value: Any) -> int:
        if not isinstance(value, dict | list):
            return 0
        key = id(value)
        if key not in sizes:
            children = value.values() if isinstance(value, dict) else value
            sizes[key] = 1 + sum(expanded(child) for child in children)
        return sizes[key]

    try:
        total = expanded(data)
    except RecursionError as exc:
        raise LoadError("nested too deeply to be a catalog") from exc
    if total > MAX_EXPANSION * len(sizes) + EXPANSION_ALLOWANCE:
        raise LoadError(
            f"its aliases expand {len(sizes)} lists and maps into {total}: not a catalog"
        )


class CatalogDumper(yaml.SafeDumper):
    """Block style, Unicode kept readable, keys in the order the format lists them."""


def _represent_decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.Node:
    number = plain_number(value)
    if isinstance(number, int):
        return dumper.represent_int(number)
    return dumper.represent_float(number)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


CatalogDumper.add_representer(Decimal, _represent_decimal)
CatalogDumper.add_representer(str, _represent_str)


def plain_number(value: Decimal) -> int | float:
    """An integral Decimal as int, otherwise the shortest float that reads back the same."""
    normal = value.normalize()
    if normal == normal.to_integral_value():
        return int(normal)
    return float(normal)


def dump(data: dict[str, Any], path: Path) -> None:
    """Write one catalog file, YAML or JSON by its extension."""
    if path.suffix == ".json":
        path.write_text(
            json.dumps(data, ensure_ascii=False, indent=2, default=_json_default) + "\n"
        )
        return
    text = yaml.dump(data, Dumper=CatalogDumper, allow_unicode=True, sort_keys=False, width=100)
    path.write_text(text, encoding="utf-8")


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return plain_number(value)
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__}")
