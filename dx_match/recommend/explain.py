"""Reason codes into sentences in the viewer's language (zh-TW, ja, en), money as on the site."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from babel import Locale
from flask_babel import force_locale, gettext

from dx_match.i18n import BABEL_LOCALES, localized
from dx_match.recommend.eligibility import Check
from dx_match.recommend.results import Reason
from dx_match.templating import money, region_name

Labels = Mapping[tuple[str, str], Any]


def _(message: str, **params: Any) -> str:
    """gettext under the name Babel extracts, typed."""
    return str(gettext(message, **params))


class Explainer:
    """Words reasons for one language, with the catalog's taxonomy labels."""

    def __init__(self, lang: str, labels: Labels) -> None:
        self.lang = lang if lang in BABEL_LOCALES else "en"
        self.labels = labels
        self.locale = Locale.parse(BABEL_LOCALES[self.lang])
        self._speaking = False

    @contextmanager
    def speaking(self) -> Iterator[None]:
        """This language for every text worded inside (switching locale per text cost more
        than the wording: about 60 switches per recommendation)."""
        if self._speaking:
            yield
            return
        with force_locale(BABEL_LOCALES[self.lang]):
            self._speaking = True
            try:
                yield
            finally:
                self._speaking = False

    def texts(self, reasons: Iterable[Reason]) -> list[str]:
        """Every reason as a sentence."""
        with self.speaking():
            return [self._text(reason) for reason in reasons]

    def check(self, check: Check) -> str:
        """One eligibility condition as a sentence."""
        with self.speaking():
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
        primary = tag.split("-", maxsplit=1)[0]
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
        return _("covers your first goal: %(name)s", name=name)
    if n == 2:
        return _("covers your second goal: %(name)s", name=name)
    if n == 3:
        return _("covers your third goal: %(name)s", name=name)
    return _("covers your goal no. %(n)s: %(name)s", n=n, name=name)


def _price(e: Explainer, p: Mapping[str, Any]) -> str:
    if "subsidy" in p:
        amount, subsidy = _money(p, "net"), localized(p["subsidy"], e.lang)
        if "budget" not in p:
            return _("%(net)s a month after %(subsidy)s", net=amount, subsidy=subsidy)
        if p["within"]:
            return _(
                "%(net)s a month after %(subsidy)s, within your budget", net=amount, subsidy=subsidy
            )
        return _(
            "%(net)s a month after %(subsidy)s, above your budget of %(budget)s",
            net=amount,
            subsidy=subsidy,
            budget=_money(p, "budget"),
        )
    amount = _money(p, "monthly")
    if "budget" not in p:
        return _("%(cost)s a month", cost=amount)
    if p["within"]:
        return _("%(cost)s a month, within your budget", cost=amount)
    return _(
        "%(cost)s a month, above your budget of %(budget)s", cost=amount, budget=_money(p, "budget")
    )


def _regions(e: Explainer, p: Mapping[str, Any]) -> str:
    return e.join(e.label("regions", r) for r in p["regions"])


def _fill(field: str) -> str:
    names = {
        "region": _("your region"),
        "capital": _("your capital"),
        "annual_revenue": _("your annual revenue"),
    }
    return names.get(field, field)


def _sme_country(e: Explainer, p: Mapping[str, Any]) -> str:
    return e.label("regions", p["definition"])


def _blocked(e: Explainer, p: Mapping[str, Any]) -> str:
    check: Check = p["check"]
    return _(
        "no subsidy from %(subsidy)s: %(why)s",
        subsidy=localized(p["subsidy"], e.lang),
        why=e._text(Reason(check.code, check.params)),
    )


def _percent(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}%"


_HANDLERS: dict[str, Callable[[Explainer, Mapping[str, Any]], str]] = {
    "goal": _goal,
    "goal_area": lambda e, p: _(
        "for %(name)s, your least digital area", name=e.label("functions", p["function"])
    ),
    "goal_also": lambda e, p: _(
        "also covers: %(names)s", names=e.join(e.label("functions", f) for f in p["functions"])
    ),
    "price_quote": lambda e, p: _("price on request"),
    "price_free": lambda e, p: _("has a free plan"),
    "price": _price,
    "price_after_subsidy": _price,
    "language": lambda e, p: _("%(language)s interface", language=e.language(p["tag"])),
    "industry": lambda e, p: _(
        "made for %(industry)s", industry=e.label("industries", p["industry"])
    ),
    "works_with": lambda e, p: _("works with your %(tools)s", tools=e.join(p["tags"])),
    "trial": lambda e, p: _("%(days)s-day free trial", days=p["days"]),
    "course_available": lambda e, p: _("courses teach your staff to use it"),
    "outcome_hours": lambda e, p: _(
        "adopters in %(industry)s report a median of %(hours)s hours saved a month",
        industry=e.label("industries", p["industry"]),
        hours=f"{p['hours']:g}",
    ),
    "subsidy_blocked": _blocked,
    "region_met": lambda e, p: _("for companies in %(regions)s", regions=_regions(e, p)),
    "region_failed": lambda e, p: _("only for companies in %(regions)s", regions=_regions(e, p)),
    "region_unknown": lambda e, p: _(
        "only for companies in %(regions)s: fill in %(field)s",
        regions=_regions(e, p),
        field=_fill("region"),
    ),
    "industry_any": lambda e, p: _("open to every industry"),
    "industry_met": lambda e, p: _(
        "open to your industry (%(industries)s)",
        industries=e.join(e.label("industries", c) for c in p["industries"]),
    ),
    "industry_failed": lambda e, p: _(
        "only for %(industries)s",
        industries=e.join(e.label("industries", c) for c in p["industries"]),
    ),
    "sme_met": lambda e, p: _(
        "you meet the SME definition of %(country)s", country=_sme_country(e, p)
    ),
    "sme_failed": lambda e, p: _(
        "only for SMEs under the definition of %(country)s", country=_sme_country(e, p)
    ),
    "sme_unknown": lambda e, p: _(
        "only for SMEs under the definition of %(country)s: fill in %(field)s",
        country=_sme_country(e, p),
        field=_fill(p.get("field", "capital")),
    ),
    "employees_met": lambda e, p: _("for companies with up to %(max)s employees", max=p["max"]),
    "employees_failed": lambda e, p: _(
        "only for companies with up to %(max)s employees (you have %(employees)s)",
        max=p["max"],
        employees=p["employees"],
    ),
    "capital_met": lambda e, p: _("for capital up to %(max)s", max=_money(p, "max")),
    "capital_failed": lambda e, p: _("only for capital up to %(max)s", max=_money(p, "max")),
    "capital_unknown": lambda e, p: _(
        "only for capital up to %(max)s: fill in %(field)s",
        max=_money(p, "max"),
        field=_fill("capital"),
    ),
    "window_open": lambda e, p: _("open until %(date)s", date=p["closes"].isoformat()),
    "window_always": lambda e, p: _("open all year"),
    "window_upcoming": lambda e, p: _(
        "the programme opens on %(date)s", date=p["opens"].isoformat()
    ),
    "window_closed": lambda e, p: _(
        "the programme closed on %(date)s", date=p["closes"].isoformat()
    ),
    "pays": lambda e, p: _(
        "estimated %(amount)s for the recommended tools and courses", amount=_money(p, "amount")
    ),
    "pays_nothing": lambda e, p: _(
        "pays %(rate)s of eligible costs up to %(max)s; no recommended item uses it",
        rate=_percent(p["rate"]),
        max=_money(p, "max"),
    ),
    "teaches_tool": lambda e, p: _("teaches %(tool)s", tool=localized(p["tool"], e.lang)),
    "course_goal": lambda e, p: _(
        "builds skills for your goal: %(name)s", name=e.label("functions", p["function"])
    ),
    "course_skills": lambda e, p: _(
        "skills: %(skills)s", skills=e.join(e.label("skills", s) for s in p["skills"])
    ),
    "leadership": lambda e, p: _("trains someone to lead your digital transformation"),
    "security": lambda e, p: _("addresses your security worries"),
    "beginner_friendly": lambda e, p: _("suited to staff new to digital tools"),
    "course_language": lambda e, p: _("taught in %(language)s", language=e.language(p["tag"])),
    "next_session": lambda e, p: _("next session on %(date)s", date=p["date"].isoformat()),
    "course_free": lambda e, p: _("free of charge"),
    "course_fee": lambda e, p: _("fee %(fee)s", fee=_money(p, "fee")),
    "course_fee_subsidised": lambda e, p: _(
        "%(net)s after %(subsidy)s (fee %(fee)s)",
        net=_money(p, "net"),
        subsidy=localized(p["subsidy"], e.lang),
        fee=_money(p, "fee"),
    ),
    "catalog_empty": lambda e, p: _("the catalog is empty"),
    "nothing_fits": lambda e, p: _(
        "no tool fits: none offers a language you read, is sold in your region, suits your "
        "industry and size and serves your goals"
    ),
    "no_subsidy": lambda e, p: _("no programme you are eligible for today"),
}
