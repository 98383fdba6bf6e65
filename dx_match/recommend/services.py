"""Writes of the recommender: feedback rows."""

from __future__ import annotations

from dx_match.errors import ValidationFailed
from dx_match.extensions import db
from dx_match.recommend.models import ACTOR_KINDS, ITEM_KINDS, SIGNALS, Feedback
from dx_match.recommend.profile import Profile


def record_feedback(
    *,
    actor_kind: str,
    actor_id: str | None,
    item_kind: str,
    item_slug: str,
    signal: str,
    profile: Profile,
) -> Feedback:
    """Store one reaction to a recommended item (SME accept/dismiss, advisor pick, adoption)."""
    problems = []
    for name, value, options in (
        ("actor_kind", actor_kind, ACTOR_KINDS),
        ("item_kind", item_kind, ITEM_KINDS),
        ("signal", signal, SIGNALS),
    ):
        if value not in options:
            problems.append(f"{name}: {value!r} is not one of {', '.join(options)}")
    if not item_slug:
        problems.append("item_slug: is required")
    if problems:
        raise ValidationFailed(problems)
    row = Feedback(
        actor_kind=actor_kind,
        actor_id=actor_id,
        item_kind=item_kind,
        item_slug=item_slug,
        signal=signal,
        profile=profile.to_dict(),
    )
    db.session.add(row)
    db.session.commit()
    return row
