"""Real queries against the demo catalog, in zh-TW, ja and en, through the service and the page."""

from __future__ import annotations

import re
import threading

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from dx_match.catalog.models import Tool, ToolFunction, ToolLanguage, Vendor
from dx_match.extensions import db
from dx_match.search.docvalues import Filters
from dx_match.search.service import SearchRequest, SearchResponse, SearchService, search_service


def run(text: str, **filters: object) -> SearchResponse:
    """Search the shared demo index."""
    return search_service().search(SearchRequest(q=text, filters=Filters(**filters), per_page=10))  # type: ignore[arg-type]


def tools(response: SearchResponse) -> list[Tool]:
    """The tools of a response, in rank order."""
    found = {t.id: t for t in db.session.scalars(sa.select(Tool).where(Tool.id.in_(response.ids)))}
    return [found[i] for i in response.ids]


def test_chinese_without_spaces_finds_restaurant_ordering_tools() -> None:
    found = tools(run("餐廳點餐系統"))
    assert found, "nothing found"
    top = found[:5]
    assert any("sales.pos" in t.functions and "I56" in t.industries for t in top)
    assert "zh-TW" in found[0].languages  # a Chinese query ranks tools with a Chinese UI first


def test_japanese_attendance_in_the_cloud() -> None:
    found = tools(run("勤怠管理 クラウド"))
    assert len(found) >= 3
    assert all("hr.attendance" in t.functions for t in found[:3])
    assert all("ja" in t.languages for t in found[:3])


def test_english_typo_is_corrected() -> None:
    response = run("inventroy managment")
    assert response.suggestion == "inventory management"
    found = tools(response)
    assert found and all("supply.inventory" in t.functions for t in found[:3])


def test_synonyms_cross_languages() -> None:
    # 記帳 (zh-TW bookkeeping) finds accounting tools written in Japanese (会計) too.
    found = tools(run("記帳"))
    assert {"finance.accounting"} <= {f for t in found for f in t.functions}
    japanese_only = tools(run("記帳", languages=("ja",)))
    assert japanese_only and all("ja" in t.languages for t in japanese_only)
    assert {t.slug for t in tools(run("レジ"))[:5]} & {t.slug for t in tools(run("POS"))[:5]}


def test_taxonomy_labels_are_searchable_in_every_language(search_sandbox: SearchService) -> None:
    """在庫管理 finds a tool tagged supply.inventory whose own text is English only."""
    vendor = db.session.scalars(sa.select(Vendor)).first()
    assert vendor is not None
    tool = Tool(
        slug="plain-english-stock", vendor=vendor, name="Shelf Counter", summary="Counts boxes."
    )
    tool.function_links = [ToolFunction(code="supply.inventory")]
    db.session.add(tool)
    db.session.commit()
    search_sandbox.drain()
    slugs = {
        t.slug for t in tools(search_sandbox.search(SearchRequest(q="在庫管理", per_page=100)))
    }
    assert "plain-english-stock" in slugs
    slugs = {
        t.slug for t in tools(search_sandbox.search(SearchRequest(q="庫存管理", per_page=100)))
    }
    assert "plain-english-stock" in slugs


def test_filters_narrow_a_text_search() -> None:
    everything = run("POS")
    in_japan = run("POS", regions=("JP",), trial=True)
    assert 0 < in_japan.total < everything.total
    for tool in tools(in_japan):
        assert tool.trial_days > 0
        assert not tool.regions or any(r.startswith("JP") for r in tool.regions)


def test_facet_counts_follow_the_query() -> None:
    response = run("POS")
    assert response.facets["functions"]["sales.pos"] <= response.total
    assert response.facets["functions"]["sales.pos"] > 0
    assert sum(response.facets["deployment"].values()) == response.total


def test_page_highlights_and_counts(client: FlaskClient) -> None:
    html = client.get("/tools", query_string={"q": "POS", "lang": "en"}).get_data(as_text=True)
    assert "<mark>POS</mark>" in html
    assert re.search(r'class="facet-count">\(\d+\)</span>', html)


def test_search_page_alias_and_did_you_mean_link(client: FlaskClient) -> None:
    html = client.get("/search", query_string={"q": "inventroy managment", "lang": "en"}).get_data(
        as_text=True
    )
    assert "inventory management" in html
    assert "q=inventory+management" in html


def test_malformed_queries_give_a_normal_page(client: FlaskClient) -> None:
    for text in ["((((", '"', "AND OR", "*:*", "a" * 500, "<script>alert(1)</script>"]:
        response = client.get("/tools", query_string={"q": text, "lang": "en"})
        assert response.status_code == 200, text
        assert "<script>alert(1)</script>" not in response.get_data(as_text=True)


def test_sort_by_price_and_pagination_are_stable() -> None:
    first = search_service().search(SearchRequest(q="", sort="price", page=1, per_page=10))
    second = search_service().search(SearchRequest(q="", sort="price", page=2, per_page=10))
    assert not set(first.ids) & set(second.ids)
    assert (
        first.total
        == second.total
        == db.session.scalar(
            sa.select(sa.func.count()).select_from(Tool).where(Tool.status == "published")
        )
    )


def test_search_works_outside_the_main_thread(app: Flask) -> None:
    """Threaded servers search from worker threads (no signal-based time limits)."""
    errors: list[BaseException] = []
    found: list[int] = []

    def work() -> None:
        try:
            with app.app_context():
                found.extend(search_service().search(SearchRequest(q="POS")).ids)
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(timeout=60)
    assert not errors and found


def test_filter_panel_follows_the_index(client: FlaskClient, search_sandbox: SearchService) -> None:
    """The panel's options are read once per index generation, so they agree with the results."""
    thai = 'name="language" value="th"'
    assert thai not in client.get("/tools?lang=en").get_data(as_text=True)
    vendor = db.session.scalars(sa.select(Vendor)).first()
    assert vendor is not None
    tool = Tool(slug="thai-pos", vendor=vendor, name="Siam POS", summary="A Thai UI.")
    tool.language_links = [ToolLanguage(code="th")]
    db.session.add(tool)
    db.session.commit()
    search_sandbox.drain()
    html = client.get("/tools?lang=en").get_data(as_text=True)
    assert thai in html
    assert re.search(
        r'value="th">\s*<label for="f-language-th">Thai <span class="facet-count">\(1\)', html
    )
