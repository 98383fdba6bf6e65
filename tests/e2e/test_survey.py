"""A visitor fills the DX survey in Japanese in a real browser and sees recommendations."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_visitor_fills_the_survey_in_japanese_and_sees_recommendations(
    page: Page, live_server: str
) -> None:
    page.goto(f"{live_server}/?lang=ja")
    page.locator("a[href='/survey/']").first.click()
    page.locator("form[action='/survey/start'] button[type='submit']").click()
    expect(page).to_have_url(re.compile(r"/survey/step/1$"))
    next_button = page.locator("button[name='next']")

    page.select_option("#country", "JP")
    page.select_option("#region", "JP-13")
    page.select_option("#industry", "F43")
    page.fill("#employees", "-5")  # refused, then corrected: the other answers stay
    next_button.click()
    expect(page.locator("#employees-error")).to_be_visible()
    expect(page.locator("#industry")).to_have_value("F43")
    page.fill("#employees", "35")
    next_button.click()

    expect(page).to_have_url(re.compile(r"/survey/step/2$"))
    page.select_option("#goal_1", "hr.attendance")
    page.check("input[name='challenges'][value='challenge.staff_skills']")
    next_button.click()

    for group, level in {"sales": 1, "finance": 2, "supply": 1, "hr": 0, "ops": 1}.items():
        page.check(f"#maturity_{group}-{level}")
    next_button.click()

    expect(page).to_have_url(re.compile(r"/survey/step/4$"))
    expect(page.locator("#currency")).to_have_value("JPY")  # proposed for Japan
    page.fill("#capital", "20000000")
    page.fill("#budget_monthly", "30000")
    next_button.click()

    page.check("input[name='languages'][value='ja']")
    page.fill("#notes", "勤怠管理を紙からやめたい")
    next_button.click()

    expect(page).to_have_url(re.compile(r"/profiles/\d+$"))
    expect(page.locator("svg.radar-chart .radar-profile")).to_be_attached()
    tools = page.locator("#tools ~ ol .card, section[aria-labelledby='tools'] li.card")
    expect(tools.first).to_be_visible()
    expect(tools.first.locator(".reasons li").first).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "ja")
