"""What a recommendation returns: picks with reason codes (explain.py words them)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from dx_match.recommend.eligibility import SubsidyFacts, Verdict
from dx_match.recommend.features import CourseFacts, ToolFacts


@dataclass(frozen=True)
class Reason:
    """Why an item is (or is not) recommended: a code and its parameters."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ToolPick:
    """A recommended tool with its costs, the programmes that may pay it, and reasons."""

    tool: ToolFacts
    score: float
    monthly_cost: Decimal | None
    net_monthly_cost: Decimal | None
    subsidies: tuple[str, ...]
    reasons: tuple[Reason, ...]
    goals: tuple[int, ...]


@dataclass(frozen=True)
class SubsidyPick:
    """An eligible programme, what it is estimated to pay, and why."""

    subsidy: SubsidyFacts
    estimated_amount: Decimal
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class CoursePick:
    """A recommended course and why."""

    course: CourseFacts
    score: float
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class Bundle:
    """A tool, the course that teaches it, the programmes that pay them, and the net cost."""

    tool: str
    course: str | None
    subsidies: tuple[str, ...]
    cost: Decimal | None  # first year of the tool plus the course fee
    paid: Decimal
    net: Decimal | None


@dataclass(frozen=True)
class Result:
    """Everything one recommendation produced."""

    tools: list[ToolPick]
    subsidies: list[SubsidyPick]
    courses: list[CoursePick]
    bundles: list[Bundle]
    verdicts: list[Verdict]
    notices: list[Reason]
