"""What the role journeys share: the UI's own texts in each language, screenshots with a check
for leftover English, accounts registered through the browser and confirmed from the outbox."""

from __future__ import annotations

import re
import sqlite3
import time
import uuid
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pyotp
from babel.messages.pofile import read_po
from babel.support import Translations
from playwright.sync_api import Page, expect

from tests.e2e.conftest import SCREENSHOTS

LANGUAGES = ("zh-TW", "ja", "en")
LANGUAGE_NAMES = {"zh-TW": "繁體中文", "ja": "日本語", "en": "English"}
BABEL_LOCALES = {"zh-TW": "zh_Hant_TW", "ja": "ja", "en": "en"}
TRANSLATIONS = Path(__file__).resolve().parents[2] / "dx_match" / "translations"
PASSWORD = "journey-password-42"
ADMIN_EMAIL = "admin@demo.dx-match.example"
DEMO_PASSWORD = "demo-password"


@cache
def _catalog(lang: str) -> Translations:
    return Translations.load(str(TRANSLATIONS), [BABEL_LOCALES[lang]])


@cache
def translated_msgids(lang: str) -> frozenset[str]:
    """English UI strings that have a different text in `lang` (so must not show on its pages).

    Strings with placeholders and one-word strings shorter than four letters are left out: a
    page line equal to one of the rest is English the user should not see.
    """
    if lang == "en":
        return frozenset()
    path = TRANSLATIONS / BABEL_LOCALES[lang] / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle)
    found = set()
    for message in catalog:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        texts = message.string if isinstance(message.string, tuple) else (message.string,)
        for msgid, text in zip(ids, texts, strict=False):
            if not msgid or not text or text == msgid or "%" in msgid or "{" in msgid:
                continue
            if " " not in msgid and len(msgid) < 4:
                continue
            found.add(msgid.strip())
    return frozenset(found)


#: The page's text as read, without <code>: format field names and codes are not prose.
#: (Hidden through CSSOM, which the site's content security policy allows, then shown again.)
VISIBLE_PROSE = """() => {
  const codes = [...document.querySelectorAll("code, pre, kbd, samp")];
  const kept = codes.map((el) => el.style.display);
  codes.forEach((el) => { el.style.display = "none"; });
  const text = document.body.innerText;
  codes.forEach((el, i) => { el.style.display = kept[i]; });
  return text;
}"""


def unique_email(role: str) -> str:
    return f"journey-{role}-{uuid.uuid4().hex[:10]}@example.com"


class Journey:
    """One role's walk through the site in one language, with a screenshot per step."""

    def __init__(self, page: Page, base_url: str, instance: Path, lang: str, role: str) -> None:
        self.page = page
        self.base_url = base_url
        self.instance = instance
        self.lang = lang
        self.role = role

    def t(self, msgid: str, **values: object) -> str:
        """The UI's text for `msgid` in this journey's language (what the user reads)."""
        text = _catalog(self.lang).gettext(msgid)
        if self.lang != "en":
            assert text != msgid, f"{msgid!r} has no {self.lang} translation"
        return text % values if values else text

    def nt(self, singular: str, plural: str, num: int) -> str:
        """The UI's plural text for `num`, like templates' ngettext."""
        text = _catalog(self.lang).ngettext(singular, plural, num)
        if self.lang != "en":
            assert text not in (singular, plural), f"{singular!r} has no {self.lang} translation"
        return text % {"num": num}

    def goto(self, path: str) -> None:
        self.page.goto(self.base_url + path)

    def pick_language(self) -> None:
        """Choose the language with the header's language links, as a visitor would."""
        self.goto("/")
        self.page.get_by_role("navigation", name=re.compile("Language|語言|言語")).get_by_role(
            "link", name=LANGUAGE_NAMES[self.lang]
        ).click()
        expect(self.page.locator("html")).to_have_attribute("lang", self.lang)

    def shot(self, step: str) -> None:
        """Check the page speaks the journey's language, then keep a full-page screenshot."""
        expect(self.page.locator("html")).to_have_attribute("lang", self.lang)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        # Leave no field focused: after a full-page capture, chromium swallows the next click
        # when a number input still has the focus.
        self.page.evaluate("() => document.activeElement && document.activeElement.blur()")
        name = f"journey-{self.role}-{self.lang}-{step}.png"
        self.page.screenshot(path=str(SCREENSHOTS / name), full_page=True)
        leftovers = self.leftover_english()
        assert not leftovers, f"untranslated English on the {self.lang} page {step}: {leftovers}"

    def leftover_english(self) -> list[str]:
        """Lines of the page that are exactly an English UI string with a translation."""
        known = translated_msgids(self.lang)
        if not known:
            return []
        text: str = self.page.evaluate(VISIBLE_PROSE)
        lines = {line.strip() for line in text.splitlines()}
        return sorted(lines & known)

    # --- accounts -------------------------------------------------------------------------

    def register(self, role_label: str, name: str, organisation: str) -> str:
        """Register through the form and confirm with the outbox's link; returns the e-mail."""
        email = unique_email(self.role)
        self.page.get_by_role("link", name=self.t("Register")).click()
        expect(self.page.get_by_role("heading", name=self.t("Create an account"))).to_be_visible()
        self.page.get_by_label(self.t(role_label)).check()
        self.page.get_by_label(self.t("Your name")).fill(name)
        self.page.get_by_label(self.t("Company or organisation")).fill(organisation)
        self.page.get_by_label(self.t("E-mail address")).fill(email)
        self.page.get_by_label(self.t("Password"), exact=True).fill(PASSWORD)
        self.page.get_by_role("button", name=self.t("Create account")).click()
        expect(self.page.get_by_role("heading", name=self.t("Check your e-mail"))).to_be_visible()
        self.shot("0-registered")
        self.goto(self.confirm_path(email))
        self.page.get_by_role("main").get_by_role("button").click()
        expect(self.page.locator(".flash, [role='status'], [role='alert']").first).to_contain_text(
            self.t("Your e-mail address is confirmed. You can log in now.")
        )
        return email

    def confirm_path(self, email: str) -> str:
        message = outbox_text(self.instance, email, "confirm_email")
        match = re.search(r"https?://[^/\s]+(/account/confirm/\S+)", message)
        assert match, f"no confirmation link in {message!r}"
        return match.group(1)

    def log_in(self, email: str, password: str = PASSWORD) -> None:
        if not self.page.url.split("?")[0].endswith("/account/login"):
            self.goto("/account/login")
        self.page.get_by_label(self.t("E-mail address")).fill(email)
        self.page.get_by_label(self.t("Password"), exact=True).fill(password)
        self.page.get_by_role("main").get_by_role("button", name=self.t("Log in")).click()
        expect(self.page.get_by_role("button", name=self.t("Log out"))).to_be_visible()


def outbox_text(instance: Path, email: str, template: str) -> str:
    """The newest mail of `template` to `email` in the live server's outbox."""
    with sqlite3.connect(instance / "dx_match.db") as connection:
        row = connection.execute(
            "SELECT text_body FROM outbox_messages WHERE to_address = ? AND template = ?"
            " ORDER BY id DESC LIMIT 1",
            (email, template),
        ).fetchone()
    assert row, f"no {template} mail to {email} in the outbox"
    return str(row[0])


def admin_log_in(page: Page, base_url: str) -> str:
    """Log the demo admin in, setting up TOTP (the key read off the page); returns the key."""
    page.goto(f"{base_url}/account/login?lang=en")
    page.get_by_label("E-mail address").fill(ADMIN_EMAIL)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Set up two-step verification")).to_be_visible()
    secret = page.locator("code.secret").inner_text().strip()
    page.get_by_label(re.compile("code", re.I)).fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on").click()
    expect(page.get_by_text("Two-step verification is on.")).to_be_visible()
    return secret


def poll(check: Callable[[], bool], timeout: float = 30, message: str = "") -> None:
    """Call `check` until it is true (a polite pause between tries); fail after `timeout` s."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(message or "gave up waiting")
        time.sleep(0.5)
