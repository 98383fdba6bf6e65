"""Reason codes into sentences in the viewer's language (zh-TW, ja, en), money as the site shows it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any

from babel import Locale
from flask_babel import force_locale, gettext

from dx_match.i18n import BABEL_LOCALES, localized
from dx_match.recommend.eligibility import Check
from dx_match.recommend.results import Reason
from dx_match.templating import money, region_name

Labels = Mapping[tuple[str, str], Any]
SME_COUNTRY = {"JP": "JP", "TW": "TW"}


class Explainer:
    """Words reasons for one language, with the catalog's taxonomy labels."""

    def __init__(self, lang: str, labels: Labels) -> None:
        self.lang = lang if lang in BABEL_LOCALES else "en"
        self.labels = labels
        self.locale = Locale.parse(BABEL_LOCALES[self.lang])

    def texts(self, reasons: Iterable[Reason]) -> list[str]:
        """Every reason as a sentence."""
        with force_locale(BABEL_LOCALES[self.lang]):
            return [self._text(reason) for reason in reasons]

    def check(self, check: Check) -> str:
        """One eligibility condition as a sentence."""
        with force_locale(BABEL_LOCALES[self.lang]):
            return self._text(Reason(check.code, check.params))

    # -- helpers --------------------------------------------------------------------

    def label(self, kind: str, code: str) -> str:
        """A taxonomy label in this language (regions fall back to ISO names)."""
        name = self.labels.get((kind, code))
        if name is None:
            return region_name(code) if kind == "regions" else code
        return localized(name, self.lang)

    def join(self, items: Iterable[str]) -> str:
        """A list as this language writes it."""
        return ("、" if self.lang in {"zh-TW", "ja"} else ", ").join(items)

    def language(self, tag: str) -> str:
        """A language's name in this language (中文, 日本語, English)."""
        primary = tag.split("-")[0]
        return str(self.locale.languages.get(primary, tag))

    def _text(self, reason: Reason) -> str:
        handler = _HANDLERS.get(reason.code)
        return handler(self, reason.params) if handler else reason.code


def _money(params: Mapping[str, Any], key: str) -> str:
    return money(params[key], params["currency"])


def _goal(e: Explainer, p: Mapping[str, Any]) -> str:
    name = e.label("functions", p["function"])
    n = p["n"]
    if n == 1:
        return gettext("covers your first goal: %(name)s", name=name)
    if n == 2:
        return gettext("covers your second goal: %(name)s", name=name)
    if n == 3:
        return gettext("covers your third goal: %(name)s", name=name)
    return gettext("covers your goal no. %(n)s: %(name)s", n=n, name=name)


def _price(e: Explainer, p: Mapping[str, Any]) -> str:
    if "subsidy" in p:
        amount, subsidy = _money(p, "net"), localized(p["subsidy"], e.lang)
        if "budget" not in p:
            return gettext("%(net)s a month after %(subsidy)s", net=amount, subsidy=subsidy)
        if p["within"]:
            return gettext(
                "%(net)s a month after %(subsidy)s, within your budget", net=amount, subsidy=subsidy
            )
        return gettext(
            "%(net)s a month after %(subsidy)s, above your budget of %(budget)s",
            net=amount, subsidy=subsidy, budget=_money(p, "budget"),
        )  # fmt: skip
    amount = _money(p, "monthly")
    if "budget" not in p:
        return gettext("%(cost)s a month", cost=amount)
    if p["within"]:
        return gettext("%(cost)s a month, within your budget", cost=amount)
    return gettext(
        "%(cost)s a month, above your budget of %(budget)s", cost=amount, budget=_money(p, "budget")
    )


def _regions(e: Explainer, p: Mapping[str, Any]) -> str:
    return e.join(e.label("regions", r) for r in p["regions"])


def _fill(field: str) -> str:
    names = {
        "region": gettext("your region"),
        "capital": gettext("your capital"),
        "annual_revenue": gettext("your annual revenue"),
    }
    return names.get(field, field)


def _sme_country(e: Explainer, p: Mapping[str, Any]) -> str:
    return e.label("regions", p["definition"])


def _blocked(e: Explainer, p: Mapping[str, Any]) -> str:
    check: Check = p["check"]
    return gettext(
        "no subsidy from %(subsidy)s: %(why)s",
        subsidy=localized(p["subsidy"], e.lang),
        why=e._text(Reason(check.code, check.params)),
    )


def _percent(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}%"


_HANDLERS: dict[str, Callable[[Explainer, Mapping[str, Any]], str]] = {
    "goal": _goal,
    "goal_area": lambda e, p: gettext(
        "for %(name)s, your least digital area", name=e.label("functions", p["function"])
    ),
    "goal_also": lambda e, p: gettext(
        "also covers: %(names)s", names=e.join(e.label("functions", f) for f in p["functions"])
    ),
    "price_quote": lambda e, p: gettext("price on request"),
    "price_free": lambda e, p: gettext("has a free plan"),
    "price": _price,
    "price_after_subsidy": _price,
    "language": lambda e, p: gettext("%(language)s interface", language=e.language(p["tag"])),
    "industry": lambda e, p: gettext(
        "made for %(industry)s", industry=e.label("industries", p["industry"])
    ),
    "works_with": lambda e, p: gettext("works with your %(tools)s", tools=e.join(p["tags"])),
    "trial": lambda e, p: gettext("%(days)s-day free trial", days=p["days"]),
    "course_available": lambda e, p: gettext("courses teach your staff to use it"),
    "subsidy_blocked": _blocked,
    "region_met": lambda e, p: gettext("for companies in %(regions)s", regions=_regions(e, p)),
    "region_failed": lambda e, p: gettext(
        "only for companies in %(regions)s", regions=_regions(e, p)
    ),
    "region_unknown": lambda e, p: gettext(
        "only for companies in %(regions)s: fill in %(field)s",
        regions=_regions(e, p), field=_fill("region"),
    ),  # fmt: skip
    "industry_any": lambda e, p: gettext("open to every industry"),
    "industry_met": lambda e, p: gettext(
        "open to your industry (%(industries)s)",
        industries=e.join(e.label("industries", c) for c in p["industries"]),
    ),
    "industry_failed": lambda e, p: gettext(
        "only for %(industries)s",
        industries=e.join(e.label("industries", c) for c in p["industries"]),
    ),
    "sme_met": lambda e, p: gettext(
        "you meet the SME definition of %(country)s", country=_sme_country(e, p)
    ),
    "sme_failed": lambda e, p: gettext(
        "only for SMEs under the definition of %(country)s", country=_sme_country(e, p)
    ),
    "sme_unknown": lambda e, p: gettext(
        "only for SMEs under the definition of %(country)s: fill in %(field)s",
        country=_sme_country(e, p), field=_fill(p.get("field", "capital")),
    ),  # fmt: skip
    "employees_met": lambda e, p: gettext(
        "for companies with up to %(max)s employees", max=p["max"]
    ),
    "employees_failed": lambda e, p: gettext(
        "only for companies with up to %(max)s employees (you have %(employees)s)",
        max=p["max"], employees=p["employees"],
    ),  # fmt: skip
    "capital_met": lambda e, p: gettext("for capital up to %(max)s", max=_money(p, "max")),
    "capital_failed": lambda e, p: gettext(
        "only for capital up to %(max)s", max=_money(p, "max")
    ),
    "capital_unknown": lambda e, p: gettext(
        "only for capital up to %(max)s: fill in %(field)s",
        max=_money(p, "max"), field=_fill("capital"),
    ),  # fmt: skip
    "window_open": lambda e, p: gettext("open until %(date)s", date=p["closes"].isoformat()),
    "window_always": lambda e, p: gettext("open all year"),
    "window_upcoming": lambda e, p: gettext(
        "the programme opens on %(date)s", date=p["opens"].isoformat()
    ),
    "window_closed": lambda e, p: gettext(
        "the programme closed on %(date)s", date=p["closes"].isoformat()
    ),
    "pays": lambda e, p: gettext(
        "estimated %(amount)s for the recommended tools and courses", amount=_money(p, "amount")
    ),
    "pays_nothing": lambda e, p: gettext(
        "pays %(rate)s of eligible costs up to %(max)s; no recommended item uses it",
        rate=_percent(p["rate"]), max=_money(p, "max"),
    ),  # fmt: skip
    "teaches_tool": lambda e, p: gettext("teaches %(tool)s", tool=localized(p["tool"], e.lang)),
    "course_goal": lambda e, p: gettext(
        "builds skills for your goal: %(name)s", name=e.label("functions", p["function"])
    ),
    "course_skills": lambda e, p: gettext(
        "skills: %(skills)s", skills=e.join(e.label("skills", s) for s in p["skills"])
    ),
    "leadership": lambda e, p: gettext("trains someone to lead your digital transformation"),
    "security": lambda e, p: gettext("addresses your security worries"),
    "beginner_friendly": lambda e, p: gettext("suited to staff new to digital tools"),
    "course_language": lambda e, p: gettext("taught in %(language)s", language=e.language(p["tag"])),
    "next_session": lambda e, p: gettext("next session on %(date)s", date=p["date"].isoformat()),
    "course_free": lambda e, p: gettext("free of charge"),
    "course_fee": lambda e, p: gettext("fee %(fee)s", fee=_money(p, "fee")),
    "course_fee_subsidised": lambda e, p: gettext(
        "%(net)s after %(subsidy)s (fee %(fee)s)",
        net=_money(p, "net"), subsidy=localized(p["subsidy"], e.lang), fee=_money(p, "fee"),
    ),  # fmt: skip
    "catalog_empty": lambda e, p: gettext("the catalog is empty"),
    "nothing_fits": lambda e, p: gettext(
        "no tool fits: none offers a language you read, is sold in your region, suits your "
        "industry and size and serves your goals"
    ),
    "no_subsidy": lambda e, p: gettext("no programme you are eligible for today"),
}
