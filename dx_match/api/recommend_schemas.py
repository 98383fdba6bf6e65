"""Marshmallow schemas of `POST /api/v1/recommend`: the spec's SME profile in, its output back.

The profile schema checks types (and documents the shape for partners); the recommender's
own `parse_profile` then checks codes, ranges and the rest, so the rules live in one place.
"""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields

from dx_match.api.schemas import LangQuery

DEPLOYMENTS = ("cloud", "on_premise", "hybrid")
TRENDS = ("down", "flat", "up")


def _codes(description: str, *, required: bool = False) -> fields.List[str]:
    return fields.List(fields.String(), required=required, metadata={"description": description})


class RecommendQuery(LangQuery):
    """`today` fixes the day subsidy windows are judged on; `lang` words the reasons."""

    today = fields.Date(
        metadata={"description": "Day subsidy windows are judged on (default: today)."}
    )


class ProfileSchema(ma.Schema):
    """An SME profile exactly as in the catalog format's "SME profile" section."""

    id = fields.String(metadata={"description": "Optional label."})
    country = fields.String(required=True, metadata={"description": "ISO 3166-1 code (TW, JP)."})
    region = fields.String(metadata={"description": "ISO 3166 code inside `country` (TW-TPE)."})
    industry = fields.String(required=True, metadata={"description": "ISIC code (I56, G47)."})
    employees = fields.Integer(required=True, metadata={"minimum": 0})
    users = fields.Integer(metadata={"description": "People who would use the tools."})
    capital = fields.Float(allow_nan=False, metadata={"description": "In `currency`."})
    annual_revenue = fields.Float(allow_nan=False, metadata={"description": "In `currency`."})
    currency = fields.String(required=True, metadata={"description": "ISO 4217 code."})
    revenue_trend = fields.String(metadata={"enum": list(TRENDS)})
    it_staff = fields.Integer()
    goals = _codes(
        "Function or group codes to improve, most important first; may be empty.", required=True
    )
    challenges = _codes("Challenge codes (challenge.cost, ...).")
    maturity = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        metadata={"description": "Function group -> 0 (paper) .. 4 (integrated digital)."},
    )
    budget_monthly = fields.Float(allow_nan=False, metadata={"description": "In `currency`."})
    current_tools = _codes("Integration tags or tool slugs already in use.")
    deployment = fields.String(metadata={"enum": list(DEPLOYMENTS)})
    languages = _codes("BCP 47 tags of UI languages the company reads.")
    notes = fields.String(metadata={"description": "Free text, any language."})


class RecommendedToolSchema(ma.Schema):
    """A tool, best first; costs per month in the profile's currency (null: quote only)."""

    slug = fields.String(required=True)
    score = fields.Float(required=True)
    monthly_cost = fields.Float(required=True, allow_none=True)
    net_monthly_cost = fields.Float(required=True, allow_none=True)
    subsidies = fields.List(fields.String(), required=True)
    reasons = fields.List(fields.String(), required=True)


class RecommendedSubsidySchema(ma.Schema):
    """A programme the profile is eligible for today, best value first."""

    slug = fields.String(required=True)
    estimated_amount = fields.Float(required=True, allow_none=True)
    reasons = fields.List(fields.String(), required=True)


class RecommendedCourseSchema(ma.Schema):
    """A reskilling course, best first."""

    slug = fields.String(required=True)
    score = fields.Float(required=True)
    reasons = fields.List(fields.String(), required=True)


class RecommendationSchema(ma.Schema):
    """The spec's `dx-match recommend --format json` output."""

    tools = fields.List(fields.Nested(RecommendedToolSchema), required=True)
    subsidies = fields.List(fields.Nested(RecommendedSubsidySchema), required=True)
    courses = fields.List(fields.Nested(RecommendedCourseSchema), required=True)
