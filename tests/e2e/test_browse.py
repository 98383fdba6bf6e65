"""A visitor browses the demo catalog in a real browser, in each UI language."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", ["zh-TW", "ja", "en"])
def test_visitor_finds_a_pos_tool_prices_it_and_compares(
    page: Page, live_server: str, lang: str
) -> None:
    page.goto(f"{live_server}/?lang={lang}")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page).to_have_title(re.compile(r"dx_match$"))

    # Entry point by function: point of sale.
    page.locator("a[href*='function=sales.pos']").first.click()
    expect(page).to_have_url(re.compile(r"/tools\?.*function=sales\.pos"))
    cards = page.locator("article.tool-card")
    expect(cards.first).to_be_visible()
    count = cards.count()
    assert count >= 5

    # Narrow by a monthly budget in the viewer's currency: the list can only shrink.
    filters = page.locator("form.filters")
    if not filters.is_visible():  # folded on narrow screens
        page.locator("details:has(form.filters) > summary").click()
    page.locator("#filter-max-price").fill("1000")
    filters.locator("button[type='submit']").click()
    expect(page).to_have_url(re.compile(r"max_price=1000"))
    assert page.locator("article.tool-card").count() <= count

    # Open the first tool and price it for 8 users.
    page.locator("article.tool-card .card-title a").first.click()
    expect(page).to_have_url(re.compile(r"/tools/[a-z0-9-]+"))
    page.locator("#calc-users").fill("8")
    page.locator("form.calculator button[type='submit']").click()
    expect(page.locator(".cost-summary")).to_contain_text("8")


def test_compare_two_tools_side_by_side(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/tools?lang=en&function=finance.accounting")
    boxes = page.locator("form.compare-form input[name='t']")
    names = [page.locator("article.tool-card .card-title a").nth(i).inner_text() for i in (0, 1)]
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.locator("form.compare-form .compare-bar button[type='submit']").click()
    expect(page).to_have_url(re.compile(r"/compare\?"))
    table = page.locator("table").first
    expect(table).to_be_visible()
    for name in names:
        expect(table).to_contain_text(name)


def test_unknown_tool_shows_the_404_page(page: Page, live_server: str) -> None:
    response = page.goto(f"{live_server}/tools/no-such-tool?lang=ja")
    assert response is not None and response.status == 404
    expect(page).to_have_title(re.compile(r"dx_match$"))


@pytest.mark.parametrize(
    ("lang", "text"), [("zh-TW", "餐廳點餐系統"), ("ja", "勤怠管理 クラウド"), ("en", "inventroy")]
)
def test_visitor_searches_from_the_home_page(
    page: Page, live_server: str, lang: str, text: str
) -> None:
    page.goto(f"{live_server}/?lang={lang}")
    page.locator("form[role='search'] input[name='q']").fill(text)
    page.locator("form[role='search'] button[type='submit']").click()
    expect(page).to_have_url(re.compile(r"/tools\?.*q="))
    expect(page.locator("article.tool-card").first).to_be_visible()
    if lang == "en":  # a typo: results for the corrected word, with a link to it
        expect(page.locator("a[href*='q=inventory']").first).to_be_visible()
    else:
        expect(page.locator("article.tool-card mark").first).to_be_visible()
