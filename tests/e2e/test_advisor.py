"""An advisor takes a new client from invitation to an adopted tool in a real browser, once in
each UI language; the SME claims the client, opens the set and answers on its side.

Controls are found by the texts the user reads in the language (tests/e2e/journey.py looks them
up in the compiled catalogs); every step checks for leftover English and keeps a screenshot
`journey-advisor-LANG-STEP.png` under test-artifacts/screenshots.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyotp
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.journey import DEMO_PASSWORD, LANGUAGES, Journey, outbox_text

pytestmark = pytest.mark.browser

ADVISOR = "advisor@demo.dx-match.example"
#: Saving a form on a busy two-core CI machine can take longer than Playwright's 5 s default.
PATIENCE_MS = 20_000
CLIENT_NAMES = {"zh-TW": "旅程烘焙坊", "ja": "ジャーニーベーカリー", "en": "Journey Bakery Co."}
SET_TITLES = {
    "zh-TW": "烘焙坊的第一步",
    "ja": "ベーカリーの第一歩",
    "en": "First steps for the bakery",
}
NOTES = {"zh-TW": "先從這一項開始。", "ja": "まずはこちらから。", "en": "Start with this one."}
REASONS = {"zh-TW": "我們已經有一套了", "ja": "すでに使っています", "en": "We already have one"}


@pytest.fixture(autouse=True)
def _patient_expectations() -> Iterator[None]:
    expect.set_options(timeout=PATIENCE_MS)
    yield
    expect.set_options(timeout=5_000)


@pytest.fixture(scope="session")
def advisor_state(browser: Browser, live_server: str) -> dict[str, Any]:
    """The demo advisor, logged in once with TOTP: codes are single use, so sessions are shared."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{live_server}/account/login?lang=en")
    page.get_by_label("E-mail address").fill(ADVISOR)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/account/totp"))  # advisors need a second factor
    secret = page.locator("code.secret").inner_text().strip()
    page.get_by_label(re.compile("code", re.I)).fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on").click()
    expect(page.get_by_text("Two-step verification is on.")).to_be_visible()
    state: dict[str, Any] = context.storage_state()  # type: ignore[assignment]
    context.close()
    return state


@pytest.fixture
def advisor_page(browser: Browser, advisor_state: dict[str, Any]) -> Iterator[Page]:
    context = browser.new_context(
        storage_state=advisor_state,  # type: ignore[arg-type]
        viewport={"width": 1280, "height": 900},
    )
    yield context.new_page()
    context.close()


def _fill_cafe_survey(page: Page, j: Journey) -> None:
    next_button = page.locator("button[name='next']")
    page.select_option("#country", "TW")
    page.select_option("#region", "TW-TPE")
    page.select_option("#industry", "I56")
    page.get_by_label(j.t("Number of employees")).fill("12")
    j.shot("3-survey")
    next_button.click()
    page.select_option("#goal_1", "sales.pos")
    page.select_option("#goal_2", "finance.invoicing")
    next_button.click()
    for group, level in {"sales": 1, "finance": 2, "supply": 0, "hr": 1, "ops": 1}.items():
        page.check(f"#maturity_{group}-{level}")
    next_button.click()
    page.fill("#budget_monthly", "3000")
    page.fill("#users", "6")
    next_button.click()
    page.check("input[name='languages'][value='zh-TW']")
    next_button.click()
    expect(page).to_have_url(re.compile(r"/profiles/\d+$"))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_advisor_takes_a_client_from_invitation_to_an_adopted_tool(
    page: Page, advisor_page: Page, live_server: str, live_instance: Path, lang: str
) -> None:
    # The company registers first (its address is where the invitation goes).
    s = Journey(page, live_server, live_instance, lang, "advisor")
    s.pick_language()
    sme_email = s.register("A company looking for tools (SME)", "林小姐", CLIENT_NAMES[lang])
    s.log_in(sme_email)

    # A new client, invited by e-mail at once, in the journey's language; then the survey.
    page = advisor_page
    j = Journey(page, live_server, live_instance, lang, "advisor")
    j.pick_language()
    j.goto("/advisor/clients")
    page.get_by_label(j.t("Company name")).fill(CLIENT_NAMES[lang])
    page.get_by_label(j.t("Contact e-mail")).fill(sme_email)
    page.get_by_label(j.t("Language of the mail")).select_option(lang)
    j.shot("1-clients")
    page.get_by_role("button", name=j.t("Add and invite by e-mail")).click()
    expect(page).to_have_url(re.compile(r"/advisor/clients/\d+$"))
    expect(page.locator(".flash, [role='status']").first).to_contain_text(
        j.t("The client is added and the invitation is on its way.")
    )
    client_page = page.url
    j.shot("2-client")
    page.get_by_role("button", name=j.t("Fill in the survey")).click()
    _fill_cafe_survey(page, j)

    # A set from the proposal: a note, a cover message, reordered, one item added by search.
    page.goto(client_page)
    page.get_by_role("button", name=j.t("New recommendation set")).click()
    expect(page).to_have_url(re.compile(r"/advisor/sets/\d+$"))
    set_page = page.url
    page.get_by_label(j.t("Title")).fill(SET_TITLES[lang])
    page.get_by_label(j.t("Cover message")).fill(NOTES[lang])
    items = page.locator("ol.set-items > li")
    first_name = items.first.locator("h3").inner_text()
    items.first.locator("textarea").fill(NOTES[lang])
    items.first.get_by_role("button", name=j.t("Move down")).click()
    expect(items.nth(1).locator("h3")).to_have_text(first_name)
    expect(items.nth(1).locator("textarea")).to_have_value(NOTES[lang])
    count = items.count()
    page.get_by_label(j.t("Search tools, courses and subsidies")).fill("invoice")
    page.get_by_role("button", name=j.t("Search"), exact=True).click()
    page.locator(".search-results button[name='add']").first.click()
    expect(items).to_have_count(count + 1)
    j.shot("4-editor")
    page.get_by_role("link", name=j.t("Preview")).click()
    expect(page.locator("main")).to_contain_text(SET_TITLES[lang])
    expect(page.locator("main")).to_contain_text(NOTES[lang])
    j.shot("5-preview")
    page.goto(set_page)
    page.get_by_role("button", name=j.t("Send to the client")).click()
    expect(page.locator("main")).to_contain_text(j.t("Not opened yet"))
    j.shot("6-sent")

    # The company claims the client from the invitation, opens the set and answers two items.
    mail = outbox_text(live_instance, sme_email, "advisory_invite")
    link = re.search(r"https?://[^/\s]+(/clients/claim/\S+)", mail)
    assert link is not None, mail
    s.goto(link.group(1))
    s.shot("7-claim")
    s.page.get_by_role("button", name=s.t("Accept the invitation")).click()
    expect(s.page).to_have_url(re.compile(r"/sets"))
    s.page.get_by_role("link", name=SET_TITLES[lang]).click()
    answers = s.page.locator("ol.set-items > li")
    answers.nth(0).get_by_role("button", name=s.t("Interested")).click()
    expect(answers.nth(0).locator("[data-testid='my-response']")).to_contain_text(s.t("Interested"))
    answers.nth(1).get_by_role("button", name=s.t("Not relevant")).click()
    expect(answers.nth(1).locator(".field-errors")).to_be_visible()  # a reason first
    answers.nth(1).locator("input[name='reason']").fill(REASONS[lang])
    answers.nth(1).get_by_role("button", name=s.t("Not relevant")).click()
    expect(answers.nth(1).locator("[data-testid='my-response']")).to_contain_text(
        s.t("Not relevant")
    )
    s.shot("8-sme-answers")

    # The advisor sees the set viewed and the answers, and records the adoption.
    page.goto(set_page)
    expect(page.locator("[data-testid='viewed']")).to_be_visible()
    followed = page.locator("ol.set-items > li")
    expect(followed.nth(0).locator("[data-testid='response']")).to_have_text(j.t("Interested"))
    expect(followed.nth(1)).to_contain_text(REASONS[lang])
    followed.nth(0).locator("select[name='stage']").select_option("adopted")
    followed.nth(0).get_by_role("button", name=j.t("Record")).click()
    expect(page.locator("ol.set-items > li").nth(0).locator("[data-testid='stage']")).to_have_text(
        j.t("Adopted")
    )
    j.shot("9-adopted")
