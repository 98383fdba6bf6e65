"""Taxonomy code rules: prefix matching and validity of codes."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from dx_match.extensions import db
from dx_match.taxonomy.codes import (
    fits_industry,
    fits_region,
    function_covers,
    group_of,
    is_currency,
    is_language,
    is_region,
    nearest,
)
from dx_match.taxonomy.models import Term
from dx_match.taxonomy.services import load_builtin, sync_builtin


@pytest.mark.parametrize(
    ("listed", "code", "expected"),
    [
        ([], "I56", True),
        (["I"], "I56", True),
        (["I56"], "I56", True),
        (["I56"], "I", False),
        (["I56"], "I55", False),
        (["G47", "I56"], "I5610", True),
        (["C"], "G47", False),
    ],
)
def test_fits_industry(listed: list[str], code: str, expected: bool) -> None:
    assert fits_industry(listed, code) is expected


@pytest.mark.parametrize(
    ("listed", "code", "expected"),
    [
        ([], "JP-13", True),
        (["JP"], "JP-13", True),
        (["JP-13"], "JP-13", True),
        (["JP-13"], "JP-14", False),
        (["JP-1"], "JP-13", False),
        (["TW"], "JP", False),
        (["JP-13"], "JP", True),  # a tool sold in Tokyo is sold somewhere in Japan
    ],
)
def test_fits_region(listed: list[str], code: str, expected: bool) -> None:
    assert fits_region(listed, code) is expected


def test_function_groups() -> None:
    assert function_covers("sales", "sales.pos")
    assert function_covers("sales.pos", "sales.pos")
    assert not function_covers("sales", "salesforce.x")
    assert group_of("hr.payroll") == "hr"


@pytest.mark.parametrize(
    ("tag", "ok"),
    [
        ("zh-TW", True),
        ("ja", True),
        ("en", True),
        ("ko", True),
        ("vi", True),
        ("xx", False),
        ("klingon", False),
        ("", False),
    ],
)
def test_is_language(tag: str, ok: bool) -> None:
    assert is_language(tag) is ok


@pytest.mark.parametrize(
    ("code", "ok"),
    [
        ("TW", True),
        ("TW-TPE", True),
        ("JP-13", True),
        ("NO", True),
        ("XX", False),
        ("JP-99", False),
    ],
)
def test_is_region(code: str, ok: bool) -> None:
    assert is_region(code) is ok


def test_is_currency() -> None:
    assert is_currency("TWD") and is_currency("JPY") and is_currency("NOK")
    assert not is_currency("XYZ") and not is_currency("usd")


def test_nearest_suggests_a_close_code() -> None:
    assert nearest("sales.pso", ["sales.pos", "hr.payroll"]) == "sales.pos"
    assert nearest("zzz", ["sales.pos"]) is None


def test_builtin_taxonomy_is_complete_and_trilingual() -> None:
    taxonomy = load_builtin()
    industries = {row["code"] for row in taxonomy["industries"]}
    assert len([c for c in industries if len(c) == 1]) == 21
    assert len([c for c in industries if len(c) == 3]) == 88
    functions = {row["code"] for row in taxonomy["functions"]}
    assert {"sales", "finance", "supply", "hr", "ops"} <= functions and len(functions) == 31
    assert len(taxonomy["skills"]) == 12 and len(taxonomy["challenges"]) == 6
    for kind, rows in taxonomy.items():
        for row in rows:
            assert {"en", "zh-TW", "ja"} <= set(row["name"]), (kind, row["code"])


def test_sync_builtin_is_idempotent() -> None:
    assert sync_builtin() == 0
    term = db.session.execute(
        sa.select(Term).filter_by(kind="functions", code="sales.pos")
    ).scalar_one()
    term.name = {"en": "changed"}
    db.session.commit()
    assert sync_builtin() == 1
    assert term.name["en"] == "Point of sale"
