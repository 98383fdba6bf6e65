"""The outcome signal in the recommender: a small boost, only from groups of 5+ companies."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from dx_match.recommend.engine import OUTCOME_BOOST, recommend
from dx_match.recommend.explain import Explainer
from dx_match.recommend.service import OUTCOME_HOURS_KEY, recommend_service
from tests.recommend.conftest import CAFE_TAIPEI

TODAY = date(2026, 11, 26)


def test_median_hours_in_the_smes_industry_lift_a_tool_a_little(app: Any) -> None:
    assert app.extensions[OUTCOME_HOURS_KEY]() == {}  # no outcome reports: no signal
    service = recommend_service()
    catalog, _codes = service.catalog()
    profile = service.parse(CAFE_TAIPEI)
    before = recommend(profile, catalog, today=TODAY)
    target = before.tools[1]
    lifted = replace(catalog, outcome_hours={(target.tool.id, "I"): 40.0})
    after = recommend(profile, lifted, today=TODAY)
    pick = next(p for p in after.tools if p.tool.id == target.tool.id)
    assert pick.score > target.score
    assert pick.score <= round(target.score * (1 + OUTCOME_BOOST), 4) + 1e-4
    reason = next(r for r in pick.reasons if r.code == "outcome_hours")
    assert reason.params == {"hours": 40.0, "industry": "I"}
    assert "40 hours saved a month" in Explainer("en", catalog.labels).texts([reason])[0]
    # Another industry's figures say nothing about this restaurant.
    other = recommend(
        profile, replace(catalog, outcome_hours={(target.tool.id, "G"): 40.0}), today=TODAY
    )
    assert [(p.tool.id, p.score) for p in other.tools] == [
        (p.tool.id, p.score) for p in before.tools
    ]
