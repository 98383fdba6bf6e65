"""`POST /api/v1/recommend`: the spec's profile in, `dx-match recommend --format json` out."""

from __future__ import annotations

from typing import Any

from flask import request

from dx_match.api import params
from dx_match.api.recommend_schemas import ProfileSchema, RecommendationSchema, RecommendQuery
from dx_match.api.views import READ_ONLY_POSTS, bp
from dx_match.errors import InvalidParameters
from dx_match.recommend.profile import ProfileInvalid
from dx_match.recommend.service import recommend_service


@bp.route("/recommend", methods=["POST"])
@bp.arguments(ProfileSchema, location="json")
@bp.arguments(RecommendQuery, location="query")
@bp.response(200, RecommendationSchema)
def recommend(_profile: dict[str, Any], args: dict[str, Any]) -> dict[str, Any]:
    """Tools, eligible subsidies and courses for an SME profile, with reasons in `lang`.

    The body is checked twice: types by the schema, then codes and ranges by the
    recommender's own rules; either way a 422 names each field. A profile that nothing
    fits gets empty lists, never an error.
    """
    lang, notices = params.api_language()
    params.refuse(notices)
    service = recommend_service()
    try:  # the raw body, not the schema's load: the recommender reads the spec's shape itself
        profile = service.parse(request.get_json())
    except ProfileInvalid as exc:
        problems = [
            {"parameter": name, "in": "body", "problem": "invalid", "detail": message}
            for name, message in exc.problems
        ]
        raise InvalidParameters(problems) from exc
    return service.recommend(profile, today=params.day(args.get("today")), lang=lang).to_json()


# It reads the body and answers; it changes nothing and uses no session, so no CSRF token.
READ_ONLY_POSTS.add("api.recommend")
