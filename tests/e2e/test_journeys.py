"""Each role's journey through the live demo site, once in each UI language (issue #7).

The language is picked with the header's links; every step then finds its controls by the
labels and button texts the user reads in that language (looked up in the compiled catalogs),
checks that no translated UI string shows in English, and keeps a full-page screenshot
`journey-ROLE-LANG-STEP.png` under test-artifacts/screenshots.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.journey import LANGUAGES, Journey, admin_log_in, poll

pytestmark = pytest.mark.browser
#: Saving a form on a busy two-core CI machine can take longer than Playwright's 5 s default.
PATIENCE_MS = 20_000


@pytest.fixture(autouse=True)
def _patient_expectations() -> Iterator[None]:
    expect.set_options(timeout=PATIENCE_MS)
    yield
    expect.set_options(timeout=5_000)


@dataclass(frozen=True)
class SmeCase:
    query: str
    function: str  # the facet ticked after searching
    country: str
    region: str
    industry: str
    currency: str
    budget: str
    capital: str
    notes: str


SME_CASES = {
    "zh-TW": SmeCase(
        "餐廳點餐系統", "sales.pos", "TW", "TW-TPE", "I56", "TWD", "3000", "5000000", "想用平板點餐"
    ),
    "ja": SmeCase(
        "勤怠管理 クラウド",
        "hr.attendance",
        "JP",
        "JP-13",
        "F43",
        "JPY",
        "30000",
        "20000000",
        "勤怠管理を紙からやめたい",
    ),
    "en": SmeCase(
        "inventory management",
        "supply.inventory",
        "JP",
        "JP-27",
        "G47",
        "USD",
        "300",
        "30000000",
        "Stop counting stock on paper",
    ),
}


@pytest.fixture(scope="session")
def admin_state(browser: Browser, live_server: str) -> dict[str, Any]:
    """The demo admin, logged in once with TOTP: codes are single use, so sessions are shared."""
    context = browser.new_context()
    admin_log_in(context.new_page(), live_server)
    state: dict[str, Any] = context.storage_state()  # type: ignore[assignment]
    context.close()
    return state


@pytest.fixture
def admin_page(browser: Browser, admin_state: dict[str, Any]) -> Iterator[Page]:
    context = browser.new_context(storage_state=admin_state)  # type: ignore[arg-type]
    yield context.new_page()
    context.close()


def _journey(page: Page, live_server: str, live_instance: Path, lang: str, role: str) -> Journey:
    journey = Journey(page, live_server, live_instance, lang, role)
    journey.pick_language()
    return journey


@pytest.mark.parametrize("lang", LANGUAGES)
def test_sme_searches_compares_fills_the_survey_and_asks_a_vendor(
    page: Page, live_server: str, live_instance: Path, lang: str
) -> None:
    case = SME_CASES[lang]
    j = _journey(page, live_server, live_instance, lang, "sme")
    email = j.register("A company looking for tools (SME)", "林小姐", "Journey Foods")
    j.log_in(email)

    # Search from the home page, in the language's own words.
    j.goto("/")
    page.get_by_role("search").get_by_role("searchbox").fill(case.query)
    page.get_by_role("search").get_by_role("button").click()
    expect(page.get_by_role("heading", level=1, name=j.t("Digital tools"))).to_be_visible()
    cards = page.locator("article.tool-card")
    expect(cards.first).to_be_visible()
    j.shot("1-search")

    # Narrow by a business function facet.
    facet = page.locator(f"form.filters input[name='function'][value='{case.function}']")
    facet.locator("xpath=ancestor::details[1]").evaluate("details => details.open = true")
    facet.check()
    page.get_by_role("button", name=j.t("Show tools")).click()
    expect(page).to_have_url(re.compile(rf"function={re.escape(case.function)}"))
    expect(cards.first).to_be_visible()
    j.shot("2-filter")

    # Open a tool.
    first_name = cards.first.locator(".card-title a").inner_text()
    cards.first.locator(".card-title a").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(first_name)
    expect(page.get_by_role("link", name=j.t("Ask the vendor for a quote or demo"))).to_be_visible()
    j.shot("3-tool")

    # Compare two tools: back on the list, tick two of them.
    page.go_back()
    names = [cards.nth(i).locator(".card-title a").inner_text() for i in (0, 1)]
    for i in (0, 1):
        cards.nth(i).get_by_label(re.compile(re.escape(j.t("Compare")))).check()
    page.get_by_role("button", name=j.t("Compare selected")).click()
    expect(page.get_by_role("heading", level=1, name=j.t("Compare tools"))).to_be_visible()
    caption = page.locator("table.compare-table caption")
    expect(caption).to_have_text(j.nt("%(num)s tool side by side", "%(num)s tools side by side", 2))
    for name in names:
        expect(page.locator("table.compare-table")).to_contain_text(name)
    j.shot("4-compare")

    # The survey, all five steps.
    page.get_by_role("navigation", name=j.t("Main")).get_by_role(
        "link", name=j.t("DX survey")
    ).click()
    page.get_by_role("button", name=j.t("Start the survey")).click()
    step_count = page.locator(".survey-count")
    next_button = page.get_by_role("button", name=j.t("Next"))
    expect(step_count).to_have_text(j.t("Step %(number)s of %(total)s", number=1, total=5))
    page.select_option("#country", case.country)
    page.select_option("#region", case.region)
    page.select_option("#industry", case.industry)
    page.get_by_label(j.t("Number of employees")).fill("12")
    j.shot("5-survey-1")
    next_button.click()

    expect(step_count).to_have_text(j.t("Step %(number)s of %(total)s", number=2, total=5))
    page.select_option("#goal_1", case.function)
    page.check("input[name='challenges'][value='challenge.staff_skills']")
    j.shot("5-survey-2")
    next_button.click()

    expect(step_count).to_have_text(j.t("Step %(number)s of %(total)s", number=3, total=5))
    for group, level in {"sales": 1, "finance": 2, "supply": 1, "hr": 0, "ops": 1}.items():
        page.check(f"#maturity_{group}-{level}")
    j.shot("5-survey-3")
    next_button.click()

    expect(step_count).to_have_text(j.t("Step %(number)s of %(total)s", number=4, total=5))
    page.select_option("#currency", case.currency)
    page.fill("#budget_monthly", case.budget)
    page.fill("#capital", case.capital)
    j.shot("5-survey-4")
    next_button.click()

    expect(step_count).to_have_text(j.t("Step %(number)s of %(total)s", number=5, total=5))
    page.check(f"input[name='languages'][value='{lang}']")
    page.fill("#notes", case.notes)
    j.shot("5-survey-5")
    page.get_by_role("button", name=j.t("See my recommendations")).click()

    # Recommendations with reasons, in the language.
    expect(page).to_have_url(re.compile(r"/profiles/\d+$"))
    tools = page.locator("section[aria-labelledby='tools']")
    expect(tools.get_by_role("heading", name=j.t("Recommended tools"))).to_be_visible()
    picks = tools.locator("li.card")
    expect(picks.first.locator(".reasons li").first).to_be_visible()
    j.shot("6-recommendations")

    # Ask the vendor of the first recommended tool for a quote.
    picked = picks.first.locator("h3 a").inner_text()
    picks.first.locator("h3 a").click()
    page.get_by_role("link", name=j.t("Ask the vendor for a quote or demo")).click()
    expect(page.get_by_role("heading", level=1, name=j.t("Ask the vendor"))).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(picked)
    page.get_by_role("main").get_by_role("radio").first.check()
    page.get_by_label(j.t("Your message")).fill(case.notes)
    page.get_by_label(j.t("Share my contact details with the vendor so it can contact me")).check()
    j.shot("7-inquiry")
    page.get_by_role("button", name=j.t("Send"), exact=True).click()
    expect(page.get_by_role("heading", level=1, name=j.t("Your inquiry is sent"))).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(picked)
    j.shot("8-sent")


TOOL_NAMES = {"zh-TW": "旅程庫存通", "ja": "ジャーニー在庫ナビ", "en": "Journey Stockroom"}
COURSE_TITLES = {
    "zh-TW": "旅程數位轉型入門課",
    "ja": "ジャーニーDX入門講座",
    "en": "Journey DX Foundations",
}


def _approve(admin: Page, j: Journey, slug: str) -> None:
    """The admin approves the listing at /admin/moderation, in the journey's language."""
    admin.goto(f"{j.base_url}/admin/moderation?lang={j.lang}")
    expect(admin.get_by_role("heading", level=1, name=j.t("Moderation"))).to_be_visible()
    admin.get_by_role("link", name=slug, exact=True).click()
    admin_journey = Journey(admin, j.base_url, j.instance, j.lang, "admin")
    admin_journey.shot(f"review-{j.role}")
    admin.get_by_role("button", name=j.t("Approve and publish")).click()
    expect(admin.get_by_role("heading", level=1, name=j.t("Moderation"))).to_be_visible()
    expect(admin.get_by_role("link", name=slug, exact=True)).to_have_count(0)
    admin_journey.shot(f"approved-{j.role}")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_vendor_registers_lists_a_tool_admin_approves_it_is_found(
    page: Page, admin_page: Page, live_server: str, live_instance: Path, lang: str
) -> None:
    j = _journey(page, live_server, live_instance, lang, "vendor")
    email = j.register("A software vendor", "Journey Vendor", f"Journey Soft {lang}")
    j.log_in(email)

    page.get_by_role("link", name=j.t("Dashboard")).click()
    page.get_by_role("link", name=j.t("New tool")).click()
    expect(page.get_by_role("heading", level=1, name=j.t("New tool"))).to_be_visible()
    slug = f"journey-stockroom-{lang.lower()}-{uuid.uuid4().hex[:6]}"
    name = TOOL_NAMES[lang]
    page.get_by_label(j.t("Slug")).fill(slug)
    for other, text in (("en", f"Stockroom {lang}"), ("zh_TW", "庫存通"), ("ja", "在庫ナビ")):
        page.locator(f"#name_{other}").fill(text)
    page.locator(f"#name_{lang.replace('-', '_')}").fill(name)  # the name this user reads
    page.locator("input[name='functions'][value='supply.inventory']").check()
    page.locator("#plans-0-model").select_option("per_user_month")
    page.locator("#plans-0-price").fill("9")
    page.locator("#plans-0-currency").fill("USD")
    j.shot("1-tool-form")
    page.get_by_role("button", name=j.t("Submit for review")).click()

    expect(page).to_have_url(re.compile(r"/dashboard/revisions/\d+"))
    expect(page.get_by_role("main")).to_contain_text(
        j.t("Submitted for review. The live listing changes once an admin approves.")
    )
    j.shot("2-submitted")

    _approve(admin_page, j, slug)

    # The indexer inside the demo server picks the approved tool up: search until it shows.
    def found() -> bool:
        j.goto(f"/tools?q={name}")
        return page.locator(f"a[href='/tools/{slug}']").count() > 0

    poll(found, timeout=30, message=f"{slug} never appeared in search")
    expect(page.locator(f"article.tool-card a[href='/tools/{slug}']")).to_have_text(name)
    j.shot("3-found")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_trainer_lists_a_course_admin_approves_it_is_on_courses(
    page: Page, admin_page: Page, live_server: str, live_instance: Path, lang: str
) -> None:
    j = _journey(page, live_server, live_instance, lang, "trainer")
    email = j.register("A training provider", "Journey Trainer", f"Journey Academy {lang}")
    j.log_in(email)

    page.get_by_role("link", name=j.t("Dashboard")).click()
    page.get_by_role("link", name=j.t("New course")).click()
    expect(page.get_by_role("heading", level=1, name=j.t("New course"))).to_be_visible()
    slug = f"journey-dx-course-{lang.lower()}-{uuid.uuid4().hex[:6]}"
    title = COURSE_TITLES[lang]
    page.get_by_label(j.t("Slug")).fill(slug)
    for suffix, value in (("en", "Journey DX"), ("zh_TW", "旅程數位"), ("ja", "ジャーニー")):
        page.locator(f"#title_{suffix}").fill(value)
    page.locator(f"#title_{lang.replace('-', '_')}").fill(title)
    page.locator("input[name='skills'][value='skill.iot']").check()
    page.get_by_label(j.t("Format"), exact=True).select_option(label=j.t("Online"))
    page.get_by_role("textbox", name=j.t("Language"), exact=True).fill(lang)
    page.get_by_label(j.t("Hours"), exact=True).fill("6")
    j.shot("1-course-form")
    page.get_by_role("button", name=j.t("Submit for review")).click()
    expect(page).to_have_url(re.compile(r"/dashboard/revisions/\d+"))
    j.shot("2-submitted")

    _approve(admin_page, j, slug)

    # On /courses, narrowed the way a visitor would: the course's skill and format.
    page.get_by_role("navigation", name=j.t("Main")).get_by_role(
        "link", name=j.t("Courses")
    ).click()
    page.locator("input[name='skill'][value='skill.iot']").check()
    page.get_by_role("checkbox", name=j.t("Online"), exact=True).check()
    page.get_by_role("button", name=j.t("Show courses")).click()
    expect(page).to_have_url(re.compile(r"/courses\?.*skill=skill\.iot"))
    expect(page.locator(f"a[href='/courses/{slug}']").first).to_have_text(title)
    j.shot("3-listed")
