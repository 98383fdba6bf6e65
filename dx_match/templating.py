"""Jinja helpers shared by every page: catalog text, money, Markdown, taxonomy labels."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

import nh3
import sqlalchemy as sa
from flask import Flask, current_app, g, request, url_for
from flask_babel import format_currency, format_decimal
from markdown_it import MarkdownIt
from markupsafe import Markup

from dx_match import i18n
from dx_match.catalog.pricing import convert
from dx_match.config import UI_LANGUAGES
from dx_match.extensions import db
from dx_match.taxonomy.models import Term

WHOLE_UNIT_CURRENCIES = {"TWD", "JPY", "KRW"}
TERM_LABELS_KEY = "dx_match.term_labels"
# A line break between two CJK characters is not a space in Chinese or Japanese.
_CJK_LINE_BREAK = re.compile(
    r"(?<=[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef])\n(?=[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef])"
)
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def render_markdown(text: str | None) -> Markup:
    """Markdown to HTML, sanitized: vendors write descriptions, visitors read them."""
    if not text:
        return Markup("")
    html = _markdown.render(_CJK_LINE_BREAK.sub("", text))
    # Links and images only over http(s): no mailto:, ftp:, data: or anything scriptable.
    return Markup(
        nh3.clean(html, link_rel="nofollow noopener noreferrer", url_schemes={"http", "https"})
    )


def money(amount: Decimal | float | int | None, currency: str) -> str:
    """An amount in the viewer's locale; TWD, JPY and KRW in whole units as people price them."""
    if amount is None:
        return ""
    if currency in WHOLE_UNIT_CURRENCIES:
        value = Decimal(str(amount)).quantize(Decimal(1))
        if currency == "TWD":  # zh-TW's own symbol is a bare "$", easily read as US dollars
            return "NT$" + str(format_decimal(value, format="#,##0"))
        return str(format_currency(value, currency, format="¤#,##0", currency_digits=False))
    return str(format_currency(Decimal(str(amount)), currency))


def about_usd(amount: int) -> str:
    """A US$ price-band edge in the viewer's currency, rounded to two significant figures
    (the bands are US$-equivalent; a JPY or TWD reader should not have to convert)."""
    currency = i18n.viewer_currency()
    rates = current_app.config["DX_RATES"]
    if "USD" not in rates:
        return money(amount, "USD")
    value = convert(Decimal(amount), "USD", currency, rates)
    if value >= 10:
        step = Decimal(10) ** (len(str(int(value))) - 2)
        value = (value / step).quantize(Decimal(1)) * step
    if currency in WHOLE_UNIT_CURRENCIES:
        return money(value, currency)
    return str(format_currency(value, currency, format="¤#,##0", currency_digits=False))


def term_labels() -> dict[tuple[str, str], dict[str, str]]:
    """All taxonomy labels by (kind, code): read once per catalog token (every taxonomy change
    replaces it), looked up once per request (decoding ~250 JSON labels cost ~5 ms a page)."""
    if "term_labels" not in g:
        from dx_match.pagecache.token import catalog_state  # it imports the catalog models

        token = catalog_state(db.session)[0]
        cached = current_app.extensions.get(TERM_LABELS_KEY)
        if token is not None and cached is not None and cached[0] == token:
            g.term_labels = cached[1]
        else:
            rows = db.session.execute(sa.select(Term.kind, Term.code, Term.name))
            g.term_labels = {(kind, code): name for kind, code, name in rows}
            if token is not None:
                current_app.extensions[TERM_LABELS_KEY] = (token, g.term_labels)
    labels: dict[tuple[str, str], dict[str, str]] = g.term_labels
    return labels


def term_label(kind: str, code: str) -> str:
    """The label of a taxonomy code in the viewer's language, or the code itself."""
    name = term_labels().get((kind, code))
    if name is None and kind == "regions":
        return region_name(code)
    return i18n.localized(name) if name else code


def region_name(code: str) -> str:
    """The English ISO name of a region code that has no label of ours."""
    import pycountry

    region = pycountry.countries.get(alpha_2=code) or pycountry.subdivisions.get(code=code)  # type: ignore[no-untyped-call]
    return str(region.name) if region else code


def url_with(**changes: Any) -> str:
    """The current URL with some query arguments changed (None removes one)."""
    args = request.args.to_dict(flat=False)
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value if isinstance(value, list) else [value]
    values: dict[str, Any] = {**(request.view_args or {}), **args}
    return url_for(request.endpoint or "catalog.home", **values)


def readable_json(value: Any) -> str:
    """A value as JSON people read: Chinese and Japanese as themselves, not \\u escapes.

    Jinja's `tojson` escapes every non-ASCII character (it is meant for <script>); this is for
    text on the page and is HTML-escaped like any other text.
    """
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def init_app(app: Flask) -> None:
    """Register the helpers with Jinja."""
    app.jinja_env.filters["loc"] = i18n.localized
    app.jinja_env.filters["loc_html"] = i18n.localized_html
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["readable_json"] = readable_json
    app.jinja_env.globals.update(
        money=money,
        about_usd=about_usd,
        term_label=term_label,
        url_with=url_with,
        ui_language=i18n.ui_language,
        viewer_currency=i18n.viewer_currency,
        UI_LANGUAGES=UI_LANGUAGES,
    )

    @app.after_request
    def remember_choices(response: Any) -> Any:
        """Keep an explicit language or currency choice in a cookie for the next visit."""
        lang = request.args.get("lang")
        if lang in UI_LANGUAGES:
            response.set_cookie(i18n.LANG_COOKIE, lang, max_age=365 * 86400, samesite="Lax")
        cur = (request.args.get("cur") or "").upper()
        if cur in app.config["DX_RATES"]:
            response.set_cookie(i18n.CURRENCY_COOKIE, cur, max_age=365 * 86400, samesite="Lax")
        response.headers.setdefault("Content-Language", lang or i18n.ui_language())
        return response
