"""In a real browser: a visitor's inquiry lights the vendor's bell; opening the notification
goes to the thread and the bell goes out."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.browser


def _log_in_vendor(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/account/login?lang=en")
    page.locator("#email").fill("vendor@demo.dx-match.example")
    page.locator("#password").fill("demo-password")
    page.locator("form button[type='submit']").last.click()
    expect(page).not_to_have_url(re.compile(r"/account/login"))


def test_inquiry_lights_the_bell_and_opening_it_reads_it(
    page: Page, browser: Browser, live_server: str
) -> None:
    _log_in_vendor(page, live_server)
    page.goto(f"{live_server}/dashboard")
    edit = page.locator("a[href^='/dashboard/tool/'][href$='/edit']").first.get_attribute("href")
    assert edit is not None
    slug = edit.split("/")[3]
    bell = page.locator("header a.bell")
    page.goto(f"{live_server}/notifications")
    before = bell.locator(".badge-bell")
    start = int(before.inner_text().split()[0]) if before.count() else 0

    visitor = browser.new_context().new_page()
    visitor.goto(f"{live_server}/inbox/ask/tool/{slug}?lang=en")
    visitor.locator("input[name='kind']").first.check()
    visitor.locator("#message").fill("Do you offer a discount for schools?")
    visitor.locator("#name").fill("Browser Visitor")
    visitor.locator("#email").fill("visitor@example.com")
    visitor.locator("main form button[type='submit']").last.click()
    expect(visitor.locator("main")).not_to_contain_text("Write a message.")
    visitor.context.close()

    page.goto(f"{live_server}/?lang=en")
    expect(bell.locator(".badge-bell")).to_contain_text(str(start + 1))
    bell.click()
    expect(page).to_have_url(re.compile(r"/notifications"))
    newest = page.locator(".notification").first
    expect(newest).to_have_class(re.compile("notification-unread"))
    expect(newest).to_contain_text("New inquiry about")
    newest.locator("button.notification-link").click()
    expect(page).to_have_url(re.compile(r"/inbox/\d+$"))
    expect(page.locator("main")).to_contain_text("Do you offer a discount for schools?")
    if start == 0:
        expect(bell.locator(".badge-bell")).to_have_count(0)
    else:
        expect(bell.locator(".badge-bell")).to_contain_text(str(start))
