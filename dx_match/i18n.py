"""Language and currency of the viewer, and catalog text in the chosen language."""

from __future__ import annotations

from flask import Request, current_app, has_request_context, request
from markupsafe import Markup

from dx_match.config import CURRENCY_BY_LANGUAGE, UI_LANGUAGES

LANG_COOKIE = "dx_lang"
CURRENCY_COOKIE = "dx_cur"
# Babel's locale identifiers for our BCP 47 UI tags.
BABEL_LOCALES = {"zh-TW": "zh_Hant_TW", "ja": "ja", "en": "en"}
# Languages a reader of each UI language can also read, best first, when a text lacks theirs.
FALLBACKS = {
    "zh-TW": ("zh-TW", "zh-Hant", "zh-HK", "zh", "en", "ja"),
    "ja": ("ja", "en", "zh-TW"),
    "en": ("en", "zh-TW", "ja"),
}


def ui_language(req: Request | None = None) -> str:
    """The UI language: `?lang=`, then the cookie, then the browser's Accept-Language."""
    req = req or request
    for candidate in (req.args.get("lang"), req.cookies.get(LANG_COOKIE)):
        if candidate in UI_LANGUAGES:
            return candidate
    for lang, _quality in req.accept_languages:
        primary = lang.replace("_", "-").split("-")[0].lower()
        if primary == "zh":
            return "zh-TW"  # our one Chinese UI: zh-TW, zh-Hant(-TW), zh-HK, zh-MO, zh
        if primary in {"ja", "en"}:
            return primary
    return "en"


def babel_locale() -> str:
    """Flask-Babel's locale selector (English outside a request: CLI messages)."""
    if not has_request_context():
        return BABEL_LOCALES["en"]
    return BABEL_LOCALES[ui_language()]


def viewer_currency() -> str:
    """The currency prices are shown in: `?cur=`, then the cookie, then by UI language."""
    rates = current_app.config["DX_RATES"]
    for candidate in (request.args.get("cur"), request.cookies.get(CURRENCY_COOKIE)):
        if candidate and candidate.upper() in rates:
            return candidate.upper()
    return CURRENCY_BY_LANGUAGE[ui_language()]


def pick(value: str | dict[str, str] | None, lang: str) -> tuple[str, str | None]:
    """The text for `lang` and the language it is really in (None when unknown)."""
    if value is None:
        return "", None
    if isinstance(value, str):
        return value, None
    for candidate in FALLBACKS.get(lang, (lang,)):
        if candidate in value:
            return value[candidate], candidate
    first = next(iter(value))
    return value[first], first


def localized(value: str | dict[str, str] | None, lang: str | None = None) -> str:
    """Catalog text in the viewer's language, with the fallback order above."""
    return pick(value, lang or ui_language())[0]


def localized_html(value: str | dict[str, str] | None, lang: str | None = None) -> Markup:
    """Like `localized`, wrapped in a span with its `lang` when that differs from the page's."""
    lang = lang or ui_language()
    text, actual = pick(value, lang)
    if actual is not None and actual != lang:
        return Markup('<span lang="{}">{}</span>').format(actual, text)
    return Markup("{}").format(text)
