"""Bulk upload: the importer's FILE:ROW:FIELD report, all or nothing, own slugs only."""

from __future__ import annotations

import io
import json

import pytest
import sqlalchemy as sa

from dx_match.extensions import db
from dx_match.listings.bulk import safe_name
from dx_match.listings.models import ListingRevision
from tests.conftest import AuthActions
from tests.listings.conftest import TOOL, VENDOR

TOOLS_YAML = """\
tools:
  - slug: bulk-one
    vendor: someone-else
    status: published
    name: {en: Bulk One, zh-TW: 批次一}
    functions: [sales.pos]
    plans: [{model: per_user_month, price: 300, currency: TWD}]
  - slug: bulk-two
    name: Bulk Two
    functions: [finance.accounting]
    plans: [{model: quote}]
"""

CSV_TOOLS = """\
slug,name_en,name_ja,functions,regions,plan_name,plan_model,plan_price,plan_currency
csv-one,CSV One,シーエスブイ,sales.crm sales.marketing,TW JP,Basic,per_user_month,10,USD
csv-one,,,,,Pro,per_user_month,25,USD
csv-two,CSV Two,,ops.project,,,free,,
"""


def _upload(client, name: str, content: str | bytes):  # type: ignore[no-untyped-def]
    data = content.encode() if isinstance(content, str) else content
    return client.post(
        "/dashboard/upload",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def _revisions() -> dict[str, ListingRevision]:
    return {r.slug: r for r in db.session.scalars(sa.select(ListingRevision))}


@pytest.fixture
def vendor(client, vendor_user):  # type: ignore[no-untyped-def]
    assert AuthActions(client).login(vendor_user).status_code == 302
    return client


def test_yaml_rows_become_pending_revisions_of_the_uploader(vendor) -> None:
    assert _upload(vendor, "tools.yaml", TOOLS_YAML).status_code == 302
    revisions = _revisions()
    assert sorted(revisions) == ["bulk-one", "bulk-two"]
    assert {r.state for r in revisions.values()} == {"pending"}
    # The vendor field is forced to the uploader's, and nobody publishes by upload.
    assert revisions["bulk-one"].row["vendor"] == VENDOR
    assert "status" not in revisions["bulk-one"].row


def test_csv_rows_with_plan_rows(vendor) -> None:
    assert _upload(vendor, "tools.csv", CSV_TOOLS).status_code == 302
    revisions = _revisions()
    assert revisions["csv-one"].row["name"] == {"en": "CSV One", "ja": "シーエスブイ"}
    assert revisions["csv-one"].row["functions"] == ["sales.crm", "sales.marketing"]
    assert [p["name"] for p in revisions["csv-one"].row["plans"]] == ["Basic", "Pro"]
    assert revisions["csv-two"].row["plans"] == [{"model": "free"}]


def test_json_upload_of_the_vendors_own_tool_updates_it_under_review(vendor) -> None:
    data = json.dumps(
        {"tools": [{"slug": TOOL, "name": "Renamed", "functions": ["sales.pos"],
                    "plans": [{"model": "quote"}]}]}
    )  # fmt: skip
    assert _upload(vendor, "tools.json", data).status_code == 302
    assert _revisions()[TOOL].base != "new"


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("tools.yaml", "tools:\n  - slug: Bad Slug\n    name: x\n", "tools.yaml:1:slug:"),
        (
            "tools.yaml",
            "tools:\n  - slug: ok-slug\n    name: x\n",
            "tools.yaml:1:functions: is required",
        ),
        (
            "tools.yaml",
            TOOLS_YAML.replace("price: 300", "price: -5"),
            "tools.yaml:1:plans[1].price: -5 is negative",
        ),
        (
            "tools.yaml",
            TOOLS_YAML.replace("price: 300", "price: .nan"),
            "tools.yaml:1:plans[1].price",
        ),
        (
            "tools.yaml",
            TOOLS_YAML.replace("price: 300", "price: 1e30"),
            "tools.yaml:1:plans[1].price",
        ),
        (
            "tools.yaml",
            TOOLS_YAML.replace("Bulk Two", '"Bulk\\0Two"'),
            "tools.yaml:2:name: contains a control",
        ),
        (
            "tools.yaml",
            TOOLS_YAML.replace("bulk-two", TOOL.replace("matsukaze", "bulk") + "\n    x: 1"),
            None,
        ),
        (
            "tools.yaml",
            TOOLS_YAML.replace("bulk-two", "bulk-one"),
            "tools.yaml:2:slug: duplicate slug",
        ),
        (
            "tools.yaml",
            "courses: []\n",
            "tools.yaml:0:-: the file must hold only the top-level key tools",
        ),
        ("tools.yaml", "tools: [\n", "tools.yaml:0:-: invalid YAML"),
        ("tools.json", "{", "tools.json:0:-: invalid JSON"),
        ("tools.csv", b"\xff\xfe", "tools.csv:0:-: not UTF-8"),
        (
            "tools.csv",
            "slug,functions\nzz-tool,sales.nope\n",
            "tools.csv:1:functions: unknown function",
        ),
        ("../../etc/passwd", "x", "passwd:0:-: Upload a .yaml"),
        ("tools.yaml", "", "tools.yaml:0:-: The file holds no rows."),
        ("tools.json", '{"tools": ' + "[" * 100_000 + "]" * 100_000 + "}", "tools.json:0:-:"),
        ("tools.yaml", "tools: " + "[" * 5_000 + "]" * 5_000, "tools.yaml:0:-:"),
        (  # a billion laughs: aliases make a tiny file a huge tree
            "tools.yaml",
            "tools:\n  - slug: laughs\n    a: &a [x, x, x, x, x, x, x, x, x, x]\n"
            + "".join(
                f"    {c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
                for p, c in zip("abcdefgh", "bcdefghi", strict=True)
            ),
            "tools.yaml:0:-: its aliases expand",
        ),
    ],
)
def test_a_bad_file_is_reported_and_nothing_is_saved(vendor, name, content, expected) -> None:
    response = _upload(vendor, name, content)
    text = response.get_data(as_text=True)
    if expected is None:  # an unknown field is an extension the format welcomes
        assert response.status_code == 302
        return
    assert response.status_code == 422
    assert expected in text.replace("&#39;", "'"), text
    assert _revisions() == {}


def test_another_vendors_slug_is_refused(vendor) -> None:
    other = TOOLS_YAML.replace("bulk-one", "acme-pos-x").replace("bulk-two", "tidewave-pos")
    taken = db.session.scalar(
        sa.text(
            "select t.slug from tools t join vendors v on v.id = t.vendor_id where v.slug != :v"
        ),
        {"v": VENDOR},
    )
    response = _upload(vendor, "tools.yaml", other.replace("acme-pos-x", taken))
    assert response.status_code == 422
    assert "tools.yaml:1:slug: This slug is taken" in response.get_data(as_text=True)
    assert _revisions() == {}


@pytest.mark.parametrize(
    ("given", "shown"),
    [("../../etc/passwd.yaml", "passwd.yaml"), ("C:\\x\\t ools.csv", "t_ools.csv"), ("", "upload")],
)
def test_file_names_in_reports_are_tamed(given: str, shown: str) -> None:
    assert safe_name(given) == shown
