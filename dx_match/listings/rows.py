"""Pure helpers over exchange-format rows: JSON-safe storage, fingerprints, text safety, diffs."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from datetime import date
from decimal import Decimal
from typing import Any

#: Longest text a listing field may hold (a description is Markdown of a few pages at most).
MAX_TEXT = 20_000
#: Columns of at most 500 characters.
URL_FIELDS = frozenset({"source_url", "website", "url"})
MAX_URL = 500


def to_json(value: Any) -> Any:
    """A canonical row as JSON values the validators accept again (dates ISO, numbers numbers)."""
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_json(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        # Columns hold 2 (money, hours) or 4 (rates) decimals: well inside a float's precision.
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def fingerprint(row: dict[str, Any] | None, new: str) -> str:
    """A stable digest of a live row (or `new` when there is none), for optimistic locking."""
    if row is None:
        return new
    text = json.dumps(to_json(row), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _text_problem(value: str, limit: int) -> str | None:
    if len(value) > limit:
        return f"is too long: {len(value)} characters, at most {limit}"
    for char in value:
        if 0xD800 <= ord(char) <= 0xDFFF:
            return "contains an invalid character (a lone surrogate)"
        if unicodedata.category(char) == "Cc" and char not in "\n\r\t":
            return f"contains a control character (U+{ord(char):04X})"
    return None


#: Translated text fields: a map of language to text is reported as the field itself.
TEXT_FIELDS = frozenset({"name", "summary", "description", "title", "agency"})


#: How deep and how large a row may be: YAML aliases can make a small file a huge tree.
MAX_DEPTH = 8
MAX_NODES = 20_000


def unsafe_text(value: Any) -> list[tuple[str, str]]:
    """Problems with strings anywhere in a raw row: control characters, surrogates, length.

    The format's rules accept any string; the database does not (PostgreSQL refuses NUL),
    so these are caught before validation and named by field (`plans[2].name`).
    """
    problems: list[tuple[str, str]] = []
    budget = [MAX_NODES]
    if not _walk(value, "", 0, budget, problems):
        return [("-", f"the row is too large or too deeply nested (at most {MAX_DEPTH} levels)")]
    return problems


def _walk(value: Any, path: str, depth: int, budget: list[int], out: list[tuple[str, str]]) -> bool:
    """Collect text problems into `out`; False when the row is too deep or too large."""
    budget[0] -= 1
    if budget[0] < 0 or depth > MAX_DEPTH:
        return False
    if isinstance(value, dict):
        for key, item in value.items():
            if path.rsplit(".", 1)[-1] in TEXT_FIELDS:
                child = path
            else:
                child = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and (problem := _text_problem(key, 80)):
                out.append((child, problem))
            if not _walk(item, child, depth + 1, budget, out):
                return False
    elif isinstance(value, list):
        for index, item in enumerate(value, start=1):
            if not _walk(item, f"{path}[{index}]", depth + 1, budget, out):
                return False
    elif isinstance(value, str):
        field = path.rsplit("[", 1)[0] if path.endswith("]") else path
        limit = MAX_URL if field.rsplit(".", 1)[-1] in URL_FIELDS else MAX_TEXT
        if problem := _text_problem(value, limit):
            out.append((field, problem))
    return True


def diff(live: dict[str, Any] | None, proposed: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """Fields that differ: (field, live value, proposed value), in the proposed row's order."""
    live = to_json(live or {})
    proposed = to_json(proposed)
    names = list(proposed) + [k for k in live if k not in proposed]
    return [(n, live.get(n), proposed.get(n)) for n in names if live.get(n) != proposed.get(n)]
