"""The UI translations: complete for every message in the sources, compiled, and used.

The messages are extracted afresh from the templates and the Python code, the way
`pybabel extract -F babel.cfg -k _l -k lazy_gettext --ignore-dirs '.*'` does. Babel skips
directories whose names start with `_` unless told otherwise, and the shared template pieces
live in `templates/_macros` and `templates/_partials`: so only dot-directories are skipped here.
"""

from __future__ import annotations

import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask.testing import FlaskClient

from dx_match import REPO_ROOT

TRANSLATIONS = REPO_ROOT / "dx_match" / "translations"
#: UI language tag -> Babel locale identifier (the catalog's directory).
LOCALES = {"zh-TW": "zh_Hant_TW", "ja": "ja"}
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
#: The main navigation in each language: Tools, Subsidies, Courses.
NAV = {
    "zh-TW": ("工具", "補助方案", "課程"),
    "ja": ("ツール", "補助金・助成金", "講座"),
    "en": ("Tools", "Subsidies", "Courses"),
}
PAGES = ("/", "/tools", "/subsidies", "/courses")
PLACEHOLDER = re.compile(r"%\((\w+)\)s")

MessageKey = tuple[str, str | None]  # (msgid, msgctxt); the singular msgid for plurals


@cache
def source_messages() -> dict[MessageKey, list[str]]:
    """Every translatable message in the sources, with the files it occurs in."""
    with (REPO_ROOT / "babel.cfg").open() as fileobj:
        method_map, options_map = parse_mapping_cfg(fileobj, "babel.cfg")  # type: ignore[no-untyped-call]
    found: dict[MessageKey, list[str]] = {}
    for filename, _lineno, message, _comments, context in extract_from_dir(
        REPO_ROOT,
        method_map,
        options_map,
        keywords=KEYWORDS,
        directory_filter=lambda path: not Path(path).name.startswith("."),
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found.setdefault((msgid, context), []).append(filename)
    return found


@cache
def po_catalog(locale: str) -> Catalog:
    with (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").open("rb") as fileobj:
        return read_po(fileobj, locale=locale)


def _strings(value: str | tuple[str, ...] | list[str] | None) -> tuple[str, ...]:
    """A message's id or string as a tuple (plural forms come as tuples, or as lists from .mo)."""
    return (value or "",) if value is None or isinstance(value, str) else tuple(value)


def translated(catalog: Catalog) -> dict[tuple[tuple[str, ...], str | None], tuple[str, ...]]:
    """The translations a compiled catalog holds: non-empty, not fuzzy, without the header."""
    return {
        (_strings(message.id), message.context): _strings(message.string)
        for message in catalog
        if message.id and message.string and not message.fuzzy
    }


def test_extraction_reaches_the_shared_template_pieces() -> None:
    files = {name for names in source_messages().values() for name in names}
    for folder in ("templates/_macros/", "templates/_partials/", "templates/catalog/"):
        assert any(name.startswith(folder) for name in files), f"no messages from {folder}"
    assert ("Skip to main content", None) in source_messages()


@pytest.mark.parametrize("locale", LOCALES.values())
def test_every_message_is_translated(locale: str) -> None:
    catalog = po_catalog(locale)
    assert not catalog.fuzzy, f"{locale}: the header is marked fuzzy"
    assert catalog.num_plurals == 1, f"{locale}: Plural-Forms should have nplurals=1"
    missing = []
    for (msgid, context), files in sorted(source_messages().items()):
        message = catalog.get(msgid, context)
        if message is None or message.fuzzy or not all(_strings(message.string)):
            missing.append(f"{msgid!r} ({files[0]})")
    assert not missing, (
        f"{len(missing)} message(s) without a {locale} translation; run pybabel extract "
        "(with --ignore-dirs '.*') and update, then translate:\n" + "\n".join(missing)
    )


@pytest.mark.parametrize("locale", LOCALES.values())
def test_translations_keep_their_placeholders(locale: str) -> None:
    wrong = []
    for message in po_catalog(locale):
        if not message.id or not message.string:
            continue
        ids = _strings(message.id)
        expected = {name for msgid in ids for name in PLACEHOLDER.findall(msgid)}
        for string in _strings(message.string):
            if set(PLACEHOLDER.findall(string)) != expected:
                wrong.append(f"{ids[0]!r} -> {string!r}")
    assert not wrong, "placeholders differ from the English:\n" + "\n".join(wrong)


@pytest.mark.parametrize("locale", LOCALES.values())
def test_compiled_catalog_is_up_to_date(locale: str) -> None:
    mo_path = TRANSLATIONS / locale / "LC_MESSAGES" / "messages.mo"
    assert mo_path.exists(), f"{mo_path} is missing: run pybabel compile -d dx_match/translations"
    with mo_path.open("rb") as fileobj:
        compiled = read_mo(fileobj)
    po, mo = translated(po_catalog(locale)), translated(compiled)
    stale = sorted(key[0][0] for key in po.keys() | mo.keys() if po.get(key) != mo.get(key))
    assert not stale, (
        f"{mo_path.name} of {locale} differs from the .po; run "
        "pybabel compile -d dx_match/translations:\n" + "\n".join(stale)
    )
    assert compiled.plural_forms == po_catalog(locale).plural_forms


class _Text(HTMLParser):
    """The text nodes and the labelling attributes of a page, stripped."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self.skip += 1
        for name, value in attrs:
            if name in {"aria-label", "placeholder", "title"} and value:
                self.texts.append(value.strip())

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"}:
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if not self.skip and data.strip():
            self.texts.append(data.strip())


def page(client: FlaskClient, url: str, **headers: str) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("lang", LOCALES)
def test_pages_are_translated(client: FlaskClient, lang: str, path: str) -> None:
    html = page(client, f"{path}?lang={lang}")
    assert f'<html lang="{lang}">' in html
    for label in NAV[lang]:
        assert f">{label}<" in html, f"{path}: no {label!r} in the navigation"
    for english in NAV["en"]:
        assert f">{english}<" not in html, f"{path}: English {english!r} on the {lang} page"
    # No text on the page is a UI message left in English.
    catalog = po_catalog(LOCALES[lang])
    parser = _Text()
    parser.feed(html)
    untranslated = sorted(
        text
        for text in set(parser.texts)
        if (text, None) in source_messages()
        and (message := catalog.get(text)) is not None
        and message.string != text
    )
    assert not untranslated, f"{path}?lang={lang} shows English UI text: {untranslated}"


@pytest.mark.parametrize(
    ("accept", "lang"),
    [
        ("ja,en;q=0.5", "ja"),
        ("zh-Hant-TW", "zh-TW"),
        ("zh-TW,zh;q=0.9,en;q=0.8", "zh-TW"),
        ("zh-Hant", "zh-TW"),
        ("fr", "en"),
    ],
)
def test_accept_language_picks_the_ui_language(client: FlaskClient, accept: str, lang: str) -> None:
    html = page(client, "/tools", **{"Accept-Language": accept})
    assert f'<html lang="{lang}">' in html
    for label in NAV[lang]:
        assert f">{label}<" in html, f"Accept-Language {accept}: no {label!r}"
    if lang != "en":
        assert ">Tools<" not in html
