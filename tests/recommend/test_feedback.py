"""Feedback rows, training a versioned model, and the fallback before any feedback."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from dx_match.errors import ValidationFailed
from dx_match.recommend.model import NotEnoughFeedback, diversify, fit_feedback, top_rows
from dx_match.recommend.service import RecommendService, recommend_service
from dx_match.recommend.services import record_feedback
from tests.recommend.conftest import CAFE_TAIPEI, KAOHSIUNG_SHOP

TODAY = date(2026, 11, 26)


@pytest.fixture
def models_in(app: Flask, tmp_path: Path) -> Iterator[RecommendService]:
    """The service writing model versions to a folder of this test only."""
    service = recommend_service(app)
    original = service.model_dir
    service.model_dir = tmp_path / "recommender"
    yield service
    service.model_dir = original


def test_record_feedback_validates(models_in: RecommendService) -> None:
    profile = models_in.parse(CAFE_TAIPEI)
    row = record_feedback(
        actor_kind="sme", actor_id="7", item_kind="tool", item_slug="kitchen-relay",
        signal="accept", profile=profile,
    )  # fmt: skip
    assert row.id and row.profile["industry"] == "I56"
    with pytest.raises(ValidationFailed) as caught:
        record_feedback(
            actor_kind="robot", actor_id=None, item_kind="tool", item_slug="x",
            signal="like", profile=profile,
        )  # fmt: skip
    assert [p.split(":")[0] for p in caught.value.problems] == ["actor_kind", "signal"]


def test_train_without_feedback_keeps_the_fallback(
    runner: FlaskCliRunner, models_in: RecommendService
) -> None:
    result = runner.invoke(args=["recommend", "train"])
    assert result.exit_code == 0, result.output
    assert "no model trained: no feedback yet" in result.output
    assert models_in.model() is None


def test_train_writes_a_version_that_changes_the_ranking(
    runner: FlaskCliRunner, models_in: RecommendService
) -> None:
    def scores() -> dict[str, float]:
        tools = models_in.recommend(models_in.parse(KAOHSIUNG_SHOP), today=TODAY).result.tools
        return {t.tool.slug: t.score for t in tools}

    before = scores()
    for profile in (CAFE_TAIPEI, KAOHSIUNG_SHOP):
        parsed = models_in.parse(profile)
        for slug in ("pockettill", "meihua-pay-terminal", "alley-shop"):  # free tools taken
            record_feedback(
                actor_kind="advisor",
                actor_id="a1",
                item_kind="tool",
                item_slug=slug,
                signal="pick",
                profile=parsed,
            )
        for slug in ("tidepoint-pos", "channelsync-hub", "kitchen-relay"):  # paid ones dismissed
            record_feedback(
                actor_kind="sme",
                actor_id="s1",
                item_kind="tool",
                item_slug=slug,
                signal="dismiss",
                profile=parsed,
            )
    result = runner.invoke(args=["recommend", "train"])
    assert result.exit_code == 0, result.output
    assert "feedback rows used: 12" in result.output
    assert "model version 1 written" in result.output
    assert (models_in.model_dir / "current").read_text() == "model-1.joblib"
    model = models_in.model()
    assert model is not None and model.samples == 12 and model.signals == {"pick": 6, "dismiss": 6}
    after = scores()
    assert set(after) == set(before)  # the hard filters do not move
    # Free tools were picked and paid ones dismissed: the gap between them narrows.
    assert (
        after["tidepoint-pos"] - after["alley-shop"]
        < before["tidepoint-pos"] - before["alley-shop"]
    )
    second = runner.invoke(args=["recommend", "train"])
    assert "model version 2 written" in second.output


def test_fit_needs_both_kinds_of_signal() -> None:
    with pytest.raises(NotEnoughFeedback):
        fit_feedback(np.zeros((0, 10)), [], version=1)
    with pytest.raises(NotEnoughFeedback):
        fit_feedback(np.ones((3, 10)), ["accept"] * 3, version=1)


def test_fit_is_deterministic() -> None:
    rng = np.random.default_rng(0)
    features = rng.random((40, 10))
    signals = ["adopt" if f[0] > 0.5 else "dismiss" for f in features]
    first = fit_feedback(features, signals, version=1)
    assert first == fit_feedback(features, signals, version=1)
    assert first.coef[0] > 0  # learned that the first feature predicts adoption


def test_top_rows_and_diversity() -> None:
    scores = np.array([0.1, 0.9, 0.5, 0.9, 0.7])
    assert top_rows(scores, 3).tolist() == [1, 3, 4]
    assert top_rows(scores, 10).tolist() == [1, 3, 4, 2, 0]
    # Items 1 and 3 serve goal 0, item 4 goal 1: cover goal 1 before repeating goal 0.
    assert diversify([1, 3, 4], {1: (0,), 3: (0,), 4: (1,)}, 2) == [1, 4, 3]
