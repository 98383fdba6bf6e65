"""The price-band filter speaks the viewer's currency: the bands are US$-equivalent, but a
reader paying in yen or NT$ sees their edges in yen or NT$."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient


@pytest.mark.parametrize(
    ("query", "shown", "not_shown"),
    [
        (
            "lang=ja&cur=JPY",
            ["月額約￥4,500以下", "月額約￥4,500〜￥15,000", "月額約￥45,000超"],
            "US$",
        ),
        ("lang=zh-TW&cur=TWD", ["每月約 NT$960 以下", "每月約 NT$3,200–NT$9,600"], "US$"),
        ("lang=en&cur=USD", ["Under about $30 a month", "About $100–$300 a month"], "30.00"),
    ],
)
def test_price_band_labels_are_in_the_viewers_currency(
    client: FlaskClient, query: str, shown: list[str], not_shown: str
) -> None:
    page = client.get(f"/tools?{query}").get_data(as_text=True)
    panel = page[: page.index("</aside>")] if "</aside>" in page else page
    for label in shown:
        assert label in panel
    assert not_shown not in panel
