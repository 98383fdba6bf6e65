"""An advisor takes a new client from invitation to an adopted tool in a real browser, and the
SME claims the client, opens the set and answers on its side."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import SCREENSHOTS

pytestmark = pytest.mark.browser

ADVISOR = "advisor@demo.dx-match.example"
SME = "sme@demo.dx-match.example"
PASSWORD = "demo-password"


def _log_in(page: Page, server: str, email: str) -> None:
    page.goto(f"{server}/account/login?lang=en")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("form button[type='submit']").last.click()


def _set_up_totp(page: Page) -> None:
    """Advisors turn on the second factor before anything else (the demo account has none)."""
    expect(page).to_have_url(re.compile(r"/account/totp"))
    secret = page.locator("code.secret").inner_text().strip()
    page.locator("#code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on").click()


def _latest_mail(tmp_path_factory: pytest.TempPathFactory, template: str) -> str:
    """The newest outbox message of a template, read from the live server's SQLite file."""
    candidates = Path(tmp_path_factory.getbasetemp()).glob("live*/dx_match.db")
    database = max(candidates, key=lambda path: path.stat().st_mtime)
    with sqlite3.connect(database) as connection:
        row = connection.execute(
            "SELECT text_body FROM outbox_messages WHERE template = ? ORDER BY id DESC LIMIT 1",
            (template,),
        ).fetchone()
    assert row is not None, f"no {template} mail"
    return str(row[0])


def _fill_cafe_survey(page: Page) -> None:
    next_button = page.locator("button[name='next']")
    page.select_option("#country", "TW")
    page.select_option("#region", "TW-TPE")
    page.select_option("#industry", "I56")
    page.fill("#employees", "12")
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


def test_advisor_takes_a_client_from_invitation_to_an_adopted_tool(
    page: Page, browser: Browser, live_server: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    _log_in(page, live_server, ADVISOR)
    _set_up_totp(page)

    # A new client, invited by e-mail at once; then the survey for it.
    page.goto(f"{live_server}/advisor/clients?lang=en")
    page.locator("#name").fill("Demo Bakery Co.")
    page.locator("#contact_email").fill(SME)
    page.get_by_role("button", name="Add and invite by e-mail").click()
    expect(page).to_have_url(re.compile(r"/advisor/clients/\d+$"))
    client_page = page.url
    page.get_by_role("button", name="Fill in the survey").click()
    _fill_cafe_survey(page)

    # A set from the proposal: a note, a cover message, reordered, one item added by search.
    page.goto(client_page)
    expect(page.locator("main")).to_contain_text("version 1")
    page.get_by_role("button", name="New recommendation set").click()
    expect(page).to_have_url(re.compile(r"/advisor/sets/\d+$"))
    set_page = page.url
    page.locator("#title").fill("First steps for the bakery")
    page.locator("#cover_message").fill("Here is what I suggest, in this order.")
    items = page.locator("ol.set-items > li")
    first_name = items.first.locator("h3").inner_text()
    items.first.locator("textarea").fill("Start with this one.")
    items.first.get_by_role("button", name="Move down").click()
    expect(items.nth(1).locator("h3")).to_have_text(first_name)
    expect(items.nth(1).locator("textarea")).to_have_value("Start with this one.")
    count = items.count()
    page.locator("#q").fill("invoice")
    page.get_by_role("button", name="Search", exact=True).click()
    page.locator(".search-results button[name='add']").first.click()
    expect(items).to_have_count(count + 1)
    page.screenshot(path=str(SCREENSHOTS / "advisor_editor.png"), full_page=True)
    page.get_by_role("link", name="Preview").click()
    expect(page.locator("main")).to_contain_text("First steps for the bakery")
    expect(page.locator("main")).to_contain_text("Start with this one.")
    page.goto(set_page)
    page.get_by_role("button", name="Send to the client").click()
    expect(page.locator("main")).to_contain_text("Not opened yet")

    # The SME claims the client from the invitation, opens the set and answers two items.
    sme_context = browser.new_context(viewport={"width": 1280, "height": 900})
    sme = sme_context.new_page()
    _log_in(sme, live_server, SME)
    mail = _latest_mail(tmp_path_factory, "advisory_invite")
    link = re.search(r"https?://\S+/clients/claim/\S+", mail)
    assert link is not None
    sme.goto(live_server + link.group(0)[link.group(0).index("/clients/claim/") :])
    sme.get_by_role("button", name="Accept the invitation").click()
    expect(sme).to_have_url(re.compile(r"/sets"))
    sme.get_by_role("link", name="First steps for the bakery").click()
    answers = sme.locator("ol.set-items > li")
    answers.nth(0).get_by_role("button", name="Interested").click()
    expect(answers.nth(0).locator("[data-testid='my-response']")).to_contain_text("Interested")
    answers.nth(1).get_by_role("button", name="Not relevant").click()
    expect(answers.nth(1).locator(".field-errors")).to_be_visible()  # a reason first
    answers.nth(1).locator("input[name='reason']").fill("We already have one")
    answers.nth(1).get_by_role("button", name="Not relevant").click()
    expect(answers.nth(1).locator("[data-testid='my-response']")).to_contain_text("Not relevant")
    sme.screenshot(path=str(SCREENSHOTS / "advisor_sme_set.png"), full_page=True)
    sme_context.close()

    # The advisor sees the set viewed and the answers, and records the adoption.
    page.goto(set_page)
    expect(page.locator("[data-testid='viewed']")).to_be_visible()
    followed = page.locator("ol.set-items > li")
    expect(followed.nth(0).locator("[data-testid='response']")).to_have_text("Interested")
    expect(followed.nth(1)).to_contain_text("We already have one")
    followed.nth(0).locator("select[name='stage']").select_option("adopted")
    followed.nth(0).get_by_role("button", name="Record").click()
    expect(page.locator("ol.set-items > li").nth(0).locator("[data-testid='stage']")).to_have_text(
        "Adopted"
    )
