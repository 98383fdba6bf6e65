"""An organisation's industry section and size band, from its own DX profile."""

from __future__ import annotations

from dx_match.reviews.aggregates import size_band
from dx_match.survey import queries as survey_queries


def facts(organisation_id: int) -> tuple[str, str]:
    """(ISIC section, size band) of the organisation's profile; ('', '') without one."""
    profile = survey_queries.organisation_profile(organisation_id)
    if profile is None:
        return "", ""
    employees = profile.current.data.get("employees")
    return profile.industry_section, size_band(employees if isinstance(employees, int) else None)
