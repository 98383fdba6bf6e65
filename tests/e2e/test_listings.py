"""A vendor lists a tool in a real browser: the plans editor adds rows, errors sit on their
fields with the input kept, and the saved revision waits for review."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_vendor_creates_a_tool_with_two_plans(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/account/login?lang=en")
    page.locator("#email").fill("vendor@demo.dx-match.example")
    page.locator("#password").fill("demo-password")
    page.locator("form button[type='submit']").last.click()
    page.goto(f"{live_server}/dashboard")
    page.get_by_role("link", name="New tool").click()
    expect(page).to_have_url(re.compile(r"/dashboard/tool/new"))

    page.locator("#slug").fill("browser-books")
    page.locator("#name_en").fill("Browser Books")
    page.locator("#name_ja").fill("ブラウザ会計")
    page.locator("input[name='functions'][value='finance.accounting']").check()
    rows = page.locator("[data-rows='plans'] [data-row]")
    before = rows.count()
    page.get_by_role("button", name="Add a plan").click()
    expect(rows).to_have_count(before + 1)
    last = before  # the new row's index in the names
    page.locator("#plans-0-model").select_option("flat_month")
    page.locator("#plans-0-price").fill("-5")  # a mistake first
    page.locator("#plans-0-currency").fill("TWD")
    page.locator(f"#plans-{last}-model").select_option("quote")
    page.get_by_role("button", name="Submit for review").click()

    # Refused on the price field; everything typed is still there, the added row too.
    expect(page.locator("#plans-0-price-error")).to_be_visible()
    expect(page.locator("#name_ja")).to_have_value("ブラウザ会計")
    expect(page.locator(f"#plans-{last}-model")).to_have_value("quote")
    page.locator("#plans-0-price").fill("490")
    page.get_by_role("button", name="Submit for review").click()

    expect(page).to_have_url(re.compile(r"/dashboard/revisions/\d+"))
    expect(page.locator("main")).to_contain_text("Waiting for review")
    expect(page.locator("main")).to_contain_text("quote")
