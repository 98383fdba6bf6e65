"""Pure: courses matched to the skills the recommended tools and the goals need.

A course qualifies when the company can attend it (a language it reads; online anywhere,
in person in its region, hybrid in its country; a session still to come when sessions are
listed) and it teaches something wanted: a recommended tool, a goal's function, a skill
those need, or DX leadership when no one leads DX (challenge.leader_talent).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal

from dx_match.catalog.pricing import convert, subsidy_amount
from dx_match.recommend.eligibility import MET, SubsidyFacts, covers_course
from dx_match.recommend.features import (
    CatalogFeatures,
    CourseFacts,
    ToolFacts,
    readable_languages,
    reads,
    skills_for,
)
from dx_match.recommend.profile import Profile
from dx_match.recommend.results import CoursePick, Reason, ToolPick
from dx_match.taxonomy.codes import function_covers, region_covers

MAX_RELEVANCE = 3.0


def fee(course: CourseFacts, currency: str, rates: Mapping[str, Decimal]) -> Decimal | None:
    """The course fee in `currency` (0 when free; None when it cannot be converted)."""
    price = course.price or Decimal(0)
    if price == 0:
        return Decimal(0)
    try:
        return convert(price, course.currency or currency, currency, rates)
    except ValueError:
        return None


def reachable(course: CourseFacts, profile: Profile) -> bool:
    """The company can attend: online anywhere, in person nearby, hybrid in its country."""
    if course.format == "online" or course.region is None:
        return True
    if course.format == "hybrid":
        return course.region.split("-")[0] == profile.country
    if profile.region is None:
        return course.region.split("-")[0] == profile.country
    return region_covers(course.region, profile.region)


def next_session(course: CourseFacts, today: date) -> date | None:
    """The first session starting today or later."""
    return min((s for s in course.sessions if s >= today), default=None)


def teaching(tool: ToolFacts, courses: Sequence[CoursePick]) -> CourseFacts | None:
    """The best recommended course that teaches the tool, else one for its main function."""
    for pick in courses:
        if tool.slug in pick.course.tools:
            return pick.course
    main = tool.functions[0] if tool.functions else ""
    for pick in courses:
        if any(function_covers(f, main) for f in pick.course.functions):
            return pick.course
    return None


def rank(
    profile: Profile,
    catalog: CatalogFeatures,
    *,
    goals: Sequence[str],
    tools: Sequence[ToolPick],
    eligible: Sequence[SubsidyFacts],
    today: date,
    limit: int,
) -> list[CoursePick]:
    """The courses worth taking alongside the recommended tools, best first."""
    languages = readable_languages(profile)
    tool_rank = {pick.tool.slug: i for i, pick in enumerate(tools)}
    tool_names = {pick.tool.slug: pick.tool.name for pick in tools}
    # Skills for the goals and what the top tools are mainly for (not every side function:
    # a POS that also lists e-commerce does not make an online-shop course relevant).
    needed = skills_for(
        [*goals, *(pick.tool.functions[0] for pick in tools[:5] if pick.tool.functions)]
    )
    novice = _novice(profile)
    challenges = set(profile.challenges)
    picks: list[CoursePick] = []
    for course in catalog.courses:
        if languages and course.language and not any(reads(r, course.language) for r in languages):
            continue
        upcoming = next_session(course, today)
        if (course.sessions and upcoming is None) or not reachable(course, profile):
            continue
        relevance = 0.0
        reasons: list[Reason] = []
        taught = sorted((s for s in course.tools if s in tool_rank), key=tool_rank.__getitem__)
        if taught:
            relevance += 1.0 / (1 + 0.2 * tool_rank[taught[0]])
            reasons.append(Reason("teaches_tool", {"tool": tool_names[taught[0]]}))
        goal_relevance, first_goal = _goal_match(course, goals)
        if first_goal is not None:
            relevance += goal_relevance
            reasons.append(Reason("course_goal", {"function": first_goal}))
        skills = [s for s in course.skills if s in needed]
        if skills:
            relevance += 0.4
            reasons.append(Reason("course_skills", {"skills": skills}))
        if novice and "skill.digital_basics" in course.skills:
            # Staff new to digital tools start with the basics, whatever the goals are.
            relevance += 0.6 if "challenge.staff_skills" in challenges else 0.3
        if "challenge.leader_talent" in challenges and "skill.dx_leadership" in course.skills:
            relevance += 0.9
            reasons.append(Reason("leadership"))
        if "challenge.security" in challenges and "skill.security" in course.skills:
            relevance += 0.5
            reasons.append(Reason("security"))
        if relevance == 0:
            continue
        if "challenge.staff_skills" in challenges and (
            course.level == "beginner" or "skill.digital_basics" in course.skills
        ):
            relevance += 0.3
            reasons.append(Reason("beginner_friendly"))
        reasons.extend(_practical(course, profile, catalog, eligible, upcoming))
        if "challenge.cost" in challenges and any(
            r.code in {"course_free", "course_fee_subsidised"} for r in reasons
        ):
            relevance += 0.3
        picks.append(
            CoursePick(course, round(min(relevance / MAX_RELEVANCE, 1.0), 4), tuple(reasons))
        )
    picks.sort(key=lambda p: (-p.score, p.course.slug))
    return picks[:limit]


def _goal_match(course: CourseFacts, goals: Sequence[str]) -> tuple[float, str | None]:
    """How well the course prepares for the goals, and the first goal it serves.

    Each goal it serves counts, weighted by the goal's priority (as engine.goal_weight), and
    most when the goal is what the course is mainly about (its first function).
    """
    relevance, first = 0.0, None
    for i, goal in enumerate(goals):
        positions = [
            j
            for j, f in enumerate(course.functions)
            if function_covers(goal, f) or function_covers(f, goal)
        ]
        if positions:
            relevance += 0.7 / (1.0 + 0.5 * i) * (1.0 if positions[0] == 0 else 0.6)
            first = first or goal
    return relevance, first


def _novice(profile: Profile) -> bool:
    """Staff who would gain from digital basics: they say so, or the company is mostly on paper."""
    if "challenge.staff_skills" in profile.challenges:
        return True
    levels = list(profile.maturity.values())
    return bool(levels) and sum(levels) / len(levels) <= 1


def _practical(
    course: CourseFacts,
    profile: Profile,
    catalog: CatalogFeatures,
    eligible: Sequence[SubsidyFacts],
    upcoming: date | None,
) -> list[Reason]:
    """Language, format, next session and fee (after the best programme that pays it)."""
    reasons = []
    if course.language:
        reasons.append(Reason("course_language", {"tag": course.language}))
    if upcoming is not None:
        reasons.append(Reason("next_session", {"date": upcoming}))
    amount = fee(course, profile.currency, catalog.rates)
    if amount == 0:
        reasons.append(Reason("course_free"))
    elif amount is not None:
        best: tuple[Decimal, SubsidyFacts] | None = None
        for subsidy in eligible:
            if covers_course(subsidy, course.subsidies).status == MET:
                paid = subsidy_amount(amount, profile.currency, subsidy.terms, catalog.rates)
                if paid > 0 and (best is None or paid > best[0]):
                    best = (paid, subsidy)
        params = {"fee": amount, "currency": profile.currency}
        if best is not None:
            reasons.append(
                Reason(
                    "course_fee_subsidised",
                    {**params, "net": amount - best[0], "subsidy": best[1].name},
                )
            )
        else:
            reasons.append(Reason("course_fee", params))
    return reasons
