"""Every public page renders in every UI language, and the list pages really filter."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from dx_match.catalog.costs import monthly_cost
from dx_match.catalog.models import Course, Subsidy, Tool
from dx_match.extensions import db
from dx_match.taxonomy.codes import fits_industry

LANGS = ("zh-TW", "ja", "en")
TOOL = "jadeledger-books"
VENDOR = "jadeledger"
COURSE = "stepup-smartphone-for-shopfloor"
OPEN, UPCOMING, CLOSED = "jp-it-intro", "jp-jizokuka", "jp-monozukuri"
RATES = {"USD": Decimal(1), "TWD": Decimal(32), "JPY": Decimal(150)}

PAGES = [
    "/",
    "/tools",
    "/tools?function=sales&industry=I56&max_price=3000&users=3&trial=1&sort=price",
    f"/tools/{TOOL}",
    f"/tools/{TOOL}?users=12&cur=JPY",
    f"/compare?t={TOOL}&t=inaho-kaikei-cloud",
    "/compare",
    f"/vendors/{VENDOR}",
    "/subsidies",
    "/subsidies?country=JP",
    f"/subsidies/{OPEN}",
    f"/subsidies/{UPCOMING}",
    f"/subsidies/{CLOSED}",
    "/courses",
    "/courses?format=online",
    f"/courses/{COURSE}",
]


@pytest.fixture(autouse=True)
def _windows() -> None:
    """Fix one subsidy open, one upcoming and one closed, whatever today is."""
    today = date.today()
    windows = {
        OPEN: (today - timedelta(days=10), today + timedelta(days=10)),
        UPCOMING: (today + timedelta(days=10), today + timedelta(days=40)),
        CLOSED: (today - timedelta(days=40), today - timedelta(days=10)),
    }
    for slug, (opens, closes) in windows.items():
        subsidy = db.session.scalars(sa.select(Subsidy).filter_by(slug=slug)).one()
        subsidy.opens, subsidy.closes = opens, closes
    db.session.flush()


def get(client: FlaskClient, url: str, lang: str = "en", **args: Any) -> str:
    """The HTML of a page; fails unless it answers 200."""
    response = client.get(url, query_string={"lang": lang, **args})
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def title(html: str) -> str:
    """The page's <title> text."""
    match = re.search(r"<title>(.*?)</title>", html, re.S)
    assert match, "no <title>"
    return " ".join(match.group(1).split())


def listed_slugs(html: str) -> list[str]:
    """The tools on a tool list page, in order (each card has a compare checkbox)."""
    return re.findall(r'name="t" value="([a-z0-9-]+)"', html)


def total(html: str) -> int:
    """The '<n> tools' count of a tool list page."""
    match = re.search(r'id="results-count"[^>]*>\s*(\d+)', html)
    assert match, "no result count"
    return int(match.group(1))


def published() -> list[Tool]:
    """Every published tool."""
    return list(db.session.scalars(sa.select(Tool).filter_by(status="published")))


def tool(slug: str) -> Tool:
    """A tool by slug."""
    return db.session.scalars(sa.select(Tool).filter_by(slug=slug)).one()


# -- every page, every language ----------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("url", PAGES)
def test_page_renders_with_a_title(client: FlaskClient, url: str, lang: str) -> None:
    response = client.get(url + ("&" if "?" in url else "?") + f"lang={lang}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'<html lang="{lang}">' in html
    assert title(html).endswith("· dx_match")
    assert 'href="#main"' in html and 'id="main"' in html
    assert "Traceback" not in html


class Controls(HTMLParser):
    """Collects form controls, the ids labels point at, and every id on a page."""

    def __init__(self) -> None:
        super().__init__()
        self.controls: list[dict[str, str | None]] = []
        self.labelled: set[str] = set()
        self.ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.append(str(found["id"]))
        if tag == "label" and found.get("for"):
            self.labelled.add(str(found["for"]))
        if tag in {"input", "select", "textarea"} and found.get("type") != "hidden":
            self.controls.append(found)


@pytest.mark.parametrize("url", PAGES)
def test_every_form_control_has_a_label_and_ids_are_unique(client: FlaskClient, url: str) -> None:
    parser = Controls()
    parser.feed(client.get(url).get_data(as_text=True))
    for control in parser.controls:
        assert control.get("id") in parser.labelled, control
    assert len(parser.ids) == len(set(parser.ids))


def test_assets_are_served_locally(client: FlaskClient) -> None:
    html = get(client, "/")
    for asset in re.findall(r'(?:href|src)="(/static/[^"]+)"', html):
        with client.get(asset) as response:
            assert response.status_code == 200, asset
            if asset.endswith((".css", ".js")):  # nothing fetched from elsewhere
                assert b"http://" not in response.data and b"https://" not in response.data


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    "url", ["/nowhere", "/tools/no-such-tool", "/vendors/nobody", "/subsidies/none", "/courses/x"]
)
def test_unknown_address_is_the_404_page(client: FlaskClient, url: str, lang: str) -> None:
    response = client.get(url, query_string={"lang": lang}, headers={"Accept": "text/html"})
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert f'<html lang="{lang}">' in html
    assert title(html).endswith("dx_match")


def test_language_and_currency_switchers_keep_the_address(client: FlaskClient) -> None:
    response = client.get("/tools?function=sales.pos")
    links = set(iter_all(response.get_data(as_text=True)))
    for lang in LANGS:
        assert f"/tools?function=sales.pos&amp;lang={lang}" in links
    assert "/tools?function=sales.pos&amp;cur=TWD" in links


# -- tool list ------------------------------------------------------------------


def test_function_filter_shows_exactly_the_tools_with_that_function(client: FlaskClient) -> None:
    html = get(client, "/tools", function="sales.pos")
    expected = {t.slug for t in published() if "sales.pos" in t.functions}
    assert expected
    assert set(listed_slugs(html)) == expected
    assert total(html) == len(expected)


def test_function_group_covers_its_functions_and_values_or(client: FlaskClient) -> None:
    html = get(client, "/tools", function=["finance", "hr.payroll"])
    expected = [
        t
        for t in published()
        if any(f.startswith("finance.") or f == "hr.payroll" for f in t.functions)
    ]
    assert total(html) == len(expected)


def test_industry_filter_follows_the_prefix_rule(client: FlaskClient) -> None:
    html = get(client, "/tools", industry="I56")
    expected = [t for t in published() if fits_industry(t.industries, "I56")]
    assert any(not t.industries for t in expected)  # tools for every industry count
    assert any("I" in t.industries or "I56" in t.industries for t in expected)
    assert total(html) == len(expected) < len(published())


def test_facets_and_together(client: FlaskClient) -> None:
    html = get(client, "/tools", function="sales.pos", industry="I56", trial="1", language="ja")
    expected = {
        t.slug
        for t in published()
        if "sales.pos" in t.functions
        and fits_industry(t.industries, "I56")
        and t.trial_days > 0
        and "ja" in t.languages
    }
    assert set(listed_slugs(html)) == expected


def test_text_search_matches_any_language_and_the_vendor(client: FlaskClient) -> None:
    assert TOOL in listed_slugs(get(client, "/tools", q="jadeledger BOOKS"))
    assert TOOL in listed_slugs(get(client, "/tools", q="翠帳雲端記帳"))
    assert TOOL in listed_slugs(get(client, "/tools", q="ジェイドレジャー・クラウド"))  # vendor


def test_price_filter_converts_the_viewers_currency(client: FlaskClient) -> None:
    # JadeLedger Books' cheapest plan is NT$390 a month, which is 12.1875 USD at 1 USD = 32 TWD.
    assert TOOL in listed_slugs(get(client, "/tools", q="JadeLedger", max_price="390", cur="TWD"))
    assert TOOL not in listed_slugs(
        get(client, "/tools", q="JadeLedger", max_price="389", cur="TWD")
    )
    assert TOOL in listed_slugs(get(client, "/tools", q="JadeLedger", max_price="12.19", cur="USD"))
    assert TOOL not in listed_slugs(
        get(client, "/tools", q="JadeLedger", max_price="12.18", cur="USD")
    )


def test_price_filter_is_the_same_in_any_currency_and_skips_quote_only(
    client: FlaskClient,
) -> None:
    usd = get(client, "/tools", max_price="40", users="3", cur="USD")
    twd = get(client, "/tools", max_price="1280", users="3", cur="TWD")
    expected = [
        t
        for t in published()
        if (c := monthly_cost(t.plans, 3, "USD", RATES)) is not None and c <= 40
    ]
    assert total(usd) == total(twd) == len(expected)
    priced = [t for t in published() if monthly_cost(t.plans, 1, "USD", RATES) is not None]
    assert len(priced) < len(published())  # the demo has quote-only tools
    assert total(get(client, "/tools", max_price="1000000000")) == len(priced)


def test_sort_by_price_puts_quote_only_last(client: FlaskClient) -> None:
    html = get(client, "/tools", function="ops", sort="price", cur="USD")
    slugs = listed_slugs(html)
    costs = [monthly_cost(tool(s).plans, 1, "USD", RATES) for s in slugs]
    known = [c for c in costs if c is not None]
    assert known == sorted(known)
    assert costs[: len(known)] == known


def test_cards_show_the_monthly_price_in_the_viewers_currency(client: FlaskClient) -> None:
    html = get(client, "/tools", q="JadeLedger Books", cur="TWD")
    assert "from NT$390" in html
    quote_only = next(t for t in published() if monthly_cost(t.plans, 1, "USD", RATES) is None)
    html = get(
        client,
        "/tools",
        q=quote_only.name["en"] if isinstance(quote_only.name, dict) else quote_only.name,
    )
    assert "Price on request" in html


def test_bad_filter_values_are_dropped_with_a_notice(client: FlaskClient) -> None:
    html = get(
        client,
        "/tools",
        function="sales.nope",
        industry="Z99",
        max_price="-5",
        users="abc",
        page="0",
        sort="best",
        trial="maybe",
        cur="XYZ",
    )
    assert 'class="notice"' in html
    for value in ("sales.nope", "Z99", "-5", "abc", "best", "maybe", "XYZ"):
        assert f"“{value}”" in html
    assert total(html) == len(published())  # every bad filter was ignored
    notice = get(client, "/tools", max_price="ten")
    assert "not a number" in notice
    assert "from 1 to" in get(client, "/tools", page="0")


def test_pagination(client: FlaskClient) -> None:
    count = len(published())
    pages = -(-count // 24)
    assert pages >= 3
    first = listed_slugs(get(client, "/tools"))
    second = listed_slugs(get(client, "/tools", page="2"))
    last = listed_slugs(get(client, "/tools", page=str(pages)))
    assert len(first) == len(second) == 24
    assert not set(first) & set(second)
    assert len(last) == count - 24 * (pages - 1)
    beyond = get(client, "/tools", page="999")
    assert listed_slugs(beyond) == last
    assert "There is no page 999" in beyond
    assert 'rel="next"' in get(client, "/tools") and 'rel="prev"' in get(client, "/tools", page="2")


def test_empty_state(client: FlaskClient) -> None:
    html = get(client, "/tools", q="zzqxv wvvyk")
    assert total(html) == 0
    assert "No tools match" in html
    assert 'href="/tools"' in html


def test_unpublished_tool_is_hidden_everywhere(client: FlaskClient) -> None:
    tool(TOOL).status = "pending"
    db.session.flush()
    assert client.get(f"/tools/{TOOL}").status_code == 404
    assert TOOL not in listed_slugs(get(client, "/tools", q="JadeLedger"))
    assert f'href="/tools/{TOOL}"' not in get(client, "/compare", t=[TOOL, "inaho-kaikei-cloud"])
    assert f'href="/tools/{TOOL}"' not in get(client, f"/vendors/{VENDOR}")


def test_tool_list_query_count_does_not_grow_with_the_page(client: FlaskClient) -> None:
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        get(client, "/tools")
        first = len(statements)
        statements.clear()
        get(client, "/tools", page="2", function="sales")
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    assert first <= 15
    assert len(statements) <= first + 1


# -- tool detail and compare -----------------------------------------------------


def test_tool_detail_shows_costs_subsidy_estimate_and_freshness(client: FlaskClient) -> None:
    html = get(client, f"/tools/{TOOL}", users="1", cur="TWD")
    assert "Monthly cost for 1 user" in html
    assert "4,680" in html  # first year: 12 x NT$390; tw-cloud-market pays it all
    assert 'href="/subsidies/tw-cloud-market"' in html
    assert 'href="/vendors/jadeledger"' in html
    tool(TOOL).verified_at = None
    db.session.flush()
    assert "Not verified yet" in get(client, f"/tools/{TOOL}")
    tool(TOOL).verified_at = date(2026, 3, 4)
    db.session.flush()
    assert "Verified on" in get(client, f"/tools/{TOOL}")
    assert "Mar 4, 2026" in get(client, f"/tools/{TOOL}", lang="en")


def test_cost_calculator_uses_users_and_min_users(client: FlaskClient) -> None:
    # Firm Desk: NT$890 per user a month, at least three users.
    html = get(client, "/tools/jadeledger-firm-desk", users="2", cur="TWD")
    assert "2,670" in html
    html = get(client, "/tools/jadeledger-firm-desk", users="5", cur="TWD")
    assert "4,450" in html and "53,400" in html


def test_tool_description_markdown_is_sanitized(client: FlaskClient) -> None:
    tool(TOOL).description = {"en": "**Fast** <script>alert(1)</script> [x](javascript:alert(1))"}
    db.session.flush()
    html = get(client, f"/tools/{TOOL}")
    assert "<strong>Fast</strong>" in html
    assert "<script>alert" not in html
    assert 'href="javascript:' not in html


def test_compare_keeps_four_and_says_so(client: FlaskClient) -> None:
    slugs = [t.slug for t in published()[:5]]
    html = get(client, "/compare", t=slugs)
    shown = re.findall(r'<th scope="col"><a href="/tools/([a-z0-9-]+)"', html)
    assert shown == slugs[:4]
    assert 'class="notice"' in html
    assert slugs[4] in html.split('class="notice"')[1].split("</div>")[0]


def test_compare_drops_unknown_slugs_with_a_notice(client: FlaskClient) -> None:
    html = get(client, "/compare", t=[TOOL, "ghost-tool"], users="4")
    assert "“ghost-tool”" in html
    assert re.findall(r'<th scope="col"><a href="/tools/([a-z0-9-]+)"', html) == [TOOL]
    assert "Monthly price for 4 users" in html


# -- vendors, subsidies, courses -------------------------------------------------


def test_vendor_page_lists_its_published_tools(client: FlaskClient) -> None:
    html = get(client, f"/vendors/{VENDOR}")
    for t in published():
        if t.vendor.slug == VENDOR:
            assert f'href="/tools/{t.slug}"' in html


def test_startup_badge(client: FlaskClient) -> None:
    course = db.session.scalars(sa.select(Course).order_by(Course.slug)).first()
    assert course is not None
    course.provider.startup = True
    db.session.flush()
    assert "Startup" in get(client, f"/vendors/{course.provider.slug}")


def sections(html: str) -> dict[str, str]:
    """The open / upcoming / closed sections of the subsidy list."""
    parts = re.split(r'id="state-(open|upcoming|closed)"', html)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_subsidies_are_grouped_by_window(client: FlaskClient) -> None:
    found = sections(get(client, "/subsidies"))
    assert f'/subsidies/{OPEN}"' in found["open"]
    assert f'/subsidies/{UPCOMING}"' in found["upcoming"]
    assert f'/subsidies/{CLOSED}"' in found["closed"]


def test_subsidy_country_filter(client: FlaskClient) -> None:
    html = get(client, "/subsidies", country="TW")
    assert 'href="/subsidies/tw-cloud-market"' in html
    assert f'href="/subsidies/{OPEN}"' not in html
    bad = get(client, "/subsidies", country="FR")
    assert "“FR”" in bad and f'href="/subsidies/{OPEN}"' in bad


@pytest.mark.parametrize(
    ("slug", "word"), [(OPEN, "Open now"), (UPCOMING, "Upcoming"), (CLOSED, "Closed")]
)
def test_subsidy_detail_explains_eligibility(client: FlaskClient, slug: str, word: str) -> None:
    html = get(client, f"/subsidies/{slug}")
    assert word in html
    assert "Japan’s SME Basic Act" in html
    assert 'rel="noopener' in html


def test_registered_tools_only_subsidy_lists_its_tools(client: FlaskClient) -> None:
    html = get(client, "/subsidies/tw-cloud-market")
    assert "Taiwan’s SME criteria" in html
    assert "100%" in html
    assert f'href="/tools/{TOOL}"' in html


def test_course_filters_narrow_and_report_bad_values(client: FlaskClient) -> None:
    html = get(client, "/courses", format="online")
    online = {
        c.slug
        for c in db.session.scalars(sa.select(Course))
        if c.format == "online" and c.status == "published"
    }
    shown = set(re.findall(r'href="/courses/([a-z0-9-]+)"', html))
    assert shown == online or (len(shown) == 24 and shown < online)
    bad = get(client, "/courses", skill="skill.magic", format="vr")
    assert "“skill.magic”" in bad and "“vr”" in bad


def test_course_detail_shows_sessions_price_and_subsidies(client: FlaskClient) -> None:
    html = get(client, f"/courses/{COURSE}", cur="TWD")
    course = db.session.scalars(sa.select(Course).filter_by(slug=COURSE)).one()
    assert "Sessions" in html
    for session in course.sessions:
        assert session.starts.isoformat() in html
    for subsidy in course.subsidies:
        assert f'href="/subsidies/{subsidy.slug}"' in html
    assert f'href="/vendors/{course.provider.slug}"' in html


def iter_all(html: str) -> Iterator[str]:
    """Every href on a page."""
    yield from re.findall(r'href="([^"]+)"', html)


def test_no_page_links_outside_the_site_except_catalog_urls(client: FlaskClient) -> None:
    html = get(client, "/")
    assert all(not href.startswith(("http:", "https:", "//")) for href in iter_all(html))
    assert "cdn" not in html.lower()


def test_related_courses_prefer_the_tools_languages(client: FlaskClient) -> None:
    """A Japanese-only tool suggests Japanese courses before Chinese ones."""
    from dx_match.catalog.queries import related_courses, tool_by_slug

    tool = tool_by_slug("yatai-pos")
    assert tool is not None and "zh-TW" not in tool.languages
    courses = related_courses(tool)
    assert courses
    languages = [c.language in tool.languages for c in courses]
    assert languages == sorted(languages, reverse=True)
    assert languages[0]
