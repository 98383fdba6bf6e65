"""`POST /api/v1/recommend`: the spec's profile in, `dx-match recommend --format json` out."""

from __future__ import annotations

from typing import Any

from flask import request

from dx_match.api import params
from dx_match.api.recommend_schemas import ProfileSchema, RecommendationSchema, RecommendQuery
from dx_match.api.views import bp
from dx_match.db import READ_ONLY_POSTS
from dx_match.errors import InvalidParameters
from dx_match.pagecache.cache import remember
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
    body = request.get_json()  # the raw body: the recommender reads the spec's shape itself
    today = params.day(args.get("today"))

    def answer_of() -> dict[str, Any]:
        try:
            profile = service.parse(body)
        except ProfileInvalid as exc:
            problems = [
                {"parameter": name, "in": "body", "problem": "invalid", "detail": message}
                for name, message in exc.problems
            ]
            raise InvalidParameters(problems) from exc
        return service.recommend(profile, today=today, lang=lang).to_json()

    # The same body on the same day, catalog and language gets the same answer (its checks
    # included: the taxonomy they read is part of the catalog state): SMEs and advisors re-run
    # a survey unchanged, and partners poll. A refused body is never kept.
    answer: dict[str, Any] = remember("recommend", [body, today.isoformat(), lang], answer_of)
    return answer


# It reads the body and answers; it changes nothing and uses no session: no CSRF token, and on
# SQLite no write lock (a recommendation takes tens of milliseconds of CPU; writers would queue).
READ_ONLY_POSTS.add("api.recommend")
