"""The detectors a scan runs: each loads its own facts and judges them in pure code.

Another package adds a detector with `register(Detector(...))` from its `init_app` (e.g. the
reviews package's "many reported reviews"); nothing here needs to know about it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from flask import current_app

from dx_match.trust import detectors
from dx_match.trust.facts import Scope, tool_facts, vendor_facts
from dx_match.trust.keywords import Matcher, load_phrases


@dataclass(frozen=True)
class Detector:
    """A named detector: `load(scope)` reads facts, `detect(facts)` returns findings (pure).

    `caution`: its findings are clear enough to warn SMEs on the tool page while open.
    """

    name: str
    load: Callable[[Scope], Any]
    detect: Callable[[Any], list[detectors.Finding]]
    caution: bool = False


DETECTORS: dict[str, Detector] = {}


def register(detector: Detector) -> None:
    """Add (or replace) a detector by name."""
    DETECTORS[detector.name] = detector


@cache
def matcher() -> Matcher:
    """The keyword file, compiled once per process."""
    return Matcher.from_phrases(load_phrases())


def _outliers(tools: list[detectors.ToolFacts]) -> list[detectors.Finding]:
    return detectors.price_outliers(tools, current_app.config["DX_BASE_CURRENCY"])


def _free_offers(tools: list[detectors.ToolFacts]) -> list[detectors.Finding]:
    return detectors.free_offers(tools, matcher())


register(Detector("price_outlier", tool_facts, _outliers))
register(Detector("free_offer", tool_facts, _free_offers, caution=True))
register(Detector("price_rise", tool_facts, detectors.price_rises_before_windows))
register(Detector("rejected_listings", vendor_facts, detectors.rejected_listings))
