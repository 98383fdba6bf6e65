"""Pure row helpers: JSON-safe storage that validates again, fingerprints, text safety, diffs."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from dx_match.catalog.validation import check_plan
from dx_match.listings.rows import diff, fingerprint, to_json, unsafe_text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("590.00"), 590),
        (Decimal("0.50"), 0.5),
        (date(2026, 12, 5), "2026-12-05"),
        ({"plans": [{"price": Decimal("9.99")}]}, {"plans": [{"price": 9.99}]}),
        ("會計", "會計"),
    ],
)
def test_to_json(value: Any, expected: Any) -> None:
    assert to_json(value) == expected


def test_a_stored_row_validates_to_the_same_canonical_row() -> None:
    canonical, problems = check_plan(
        {"model": "per_user_month", "price": 1234.56, "currency": "TWD"}
    )
    assert not problems
    again, problems = check_plan(to_json(canonical))
    assert not problems and again == canonical


def test_fingerprints_follow_content_not_key_order() -> None:
    assert fingerprint(None, "new") == "new"
    a = fingerprint({"slug": "x", "name": "A"}, "new")
    assert a == fingerprint({"name": "A", "slug": "x"}, "new")
    assert a != fingerprint({"slug": "x", "name": "B"}, "new")
    assert len(a) == 64


@pytest.mark.parametrize(
    ("row", "problems"),
    [
        ({"name": "fine 會計 😀"}, []),
        ({"name": {"en": "ok", "ja": "bad\x00"}}, [("name", "contains a control character (U+0000)")]),
        ({"plans": [{"name": "ok"}, {"name": "x\x07"}]}, [("plans[2].name", "contains a control character (U+0007)")]),
        ({"functions": ["a", "\ud800"]}, [("functions", "contains an invalid character (a lone surrogate)")]),
        ({"description": "line\nbreaks\tand tabs"}, []),
        ({"source_url": "https://x.example/" + "a" * 500}, [("source_url", "is too long: 518 characters, at most 500")]),
        ({"summary": "y" * 20_001}, [("summary", "is too long: 20001 characters, at most 20000")]),
    ],
)  # fmt: skip
def test_unsafe_text_names_the_field(row: dict[str, Any], problems: list[tuple[str, str]]) -> None:
    assert unsafe_text(row) == problems


def test_diff_lists_changed_added_and_removed_fields() -> None:
    live = {"slug": "x", "name": "A", "trial_days": 30}
    proposed = {"slug": "x", "name": "B", "summary": "new"}
    assert diff(live, proposed) == [
        ("name", "A", "B"),
        ("summary", None, "new"),
        ("trial_days", 30, None),
    ]
    assert diff(None, {"slug": "x"}) == [("slug", None, "x")]
