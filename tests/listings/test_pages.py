"""Every listing page renders in each UI language with a title and translated labels."""

from __future__ import annotations

import pytest

from dx_match.listings import services
from tests.conftest import AuthActions


@pytest.mark.parametrize("lang", ["en", "zh-TW", "ja"])
def test_listing_pages_render_in_every_language(app, vendor_user, admin_user, lang: str) -> None:
    revision = services.save(vendor_user, "tool", {"slug": "page-tool", "name": "P",
                             "functions": ["sales.pos"], "plans": [{"model": "quote"}]},
                             base="new", submit=True)  # fmt: skip
    vendor, admin = app.test_client(), app.test_client()
    assert AuthActions(vendor).login(vendor_user).status_code == 302
    assert AuthActions(admin).login(admin_user).status_code == 302
    pages = {
        vendor: ["/dashboard", "/dashboard/tool/new", "/dashboard/tool/page-tool/edit",
                 f"/dashboard/revisions/{revision.id}", "/dashboard/upload"],
        admin: ["/admin/moderation", f"/admin/moderation/{revision.id}", "/admin/audit",
                "/admin/taxonomy", "/admin/subsidies", "/admin/subsidies/new"],
    }  # fmt: skip
    legend = {"en": "Product name", "zh-TW": "產品名稱", "ja": "製品名"}[lang]
    for client, paths in pages.items():
        for path in paths:
            response = client.get(path, query_string={"lang": lang})
            page = response.get_data(as_text=True)
            assert response.status_code == 200, path
            assert "<title>" in page and "<title> ·" not in page, path
            if path.startswith("/dashboard/tool/"):
                assert f"<legend>{legend}</legend>" in page, path


@pytest.mark.parametrize(
    ("lang", "labels"), [("en", ("Beginner", "Price on request")), ("ja", ("初級", "要問い合わせ"))]
)
def test_fixed_choices_read_in_the_page_language(
    app, vendor_user, trainer_user, lang: str, labels: tuple[str, str]
) -> None:
    """The format's words (levels, formats, plan models) are labelled; the values stay codes."""
    level, plan_model = labels
    vendor, trainer = app.test_client(), app.test_client()
    assert AuthActions(vendor).login(vendor_user).status_code == 302
    assert AuthActions(trainer).login(trainer_user).status_code == 302
    tool_page = vendor.get("/dashboard/tool/new", query_string={"lang": lang}).get_data(True)
    course_page = trainer.get("/dashboard/course/new", query_string={"lang": lang}).get_data(True)
    assert f'<option value="quote">{plan_model}</option>' in tool_page
    assert f'<option value="beginner">{level}</option>' in course_page
    assert ">beginner<" not in course_page and ">quote<" not in tool_page


def test_review_shows_chinese_and_japanese_as_written(app, vendor_user, admin_user) -> None:
    """The revision table reads 在庫ナビ, not \\u5728\\u5eab..., and stays HTML-escaped."""
    name = {"en": "Stock <Navi>", "ja": "在庫ナビ", "zh-TW": "庫存通"}
    revision = services.save(vendor_user, "tool", {"slug": "cjk-tool", "name": name,
                             "functions": ["sales.pos"], "plans": [{"model": "quote"}]},
                             base="new", submit=True)  # fmt: skip
    admin = app.test_client()
    assert AuthActions(admin).login(admin_user).status_code == 302
    page = admin.get(f"/admin/moderation/{revision.id}").get_data(as_text=True)
    assert "在庫ナビ" in page and "庫存通" in page
    assert "\\u5728" not in page
    assert "Stock &lt;Navi&gt;" in page and "<Navi>" not in page
