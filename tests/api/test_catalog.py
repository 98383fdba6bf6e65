"""Vendors, subsidies, courses and the taxonomy: the pages' queries as JSON."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from dx_match.catalog import queries
from dx_match.catalog.filters import CourseFilters
from dx_match.catalog.models import Course, Vendor
from dx_match.config import UI_LANGUAGES
from dx_match.extensions import db
from dx_match.taxonomy.models import TERM_KINDS, Term
from tests.api.conftest import get_json, problem_parameters


def test_vendors_page_through_every_vendor(client: FlaskClient) -> None:
    slugs = sorted(db.session.scalars(sa.select(Vendor.slug)))
    first = get_json(client, "/api/v1/vendors", per_page="10")
    assert first["total"] == len(slugs) and first["pages"] == -(-len(slugs) // 10)
    seen = []
    for number in range(1, first["pages"] + 1):
        seen += [
            v["slug"]
            for v in get_json(client, "/api/v1/vendors", per_page="10", page=number)["items"]
        ]
    assert seen == slugs


def test_vendor_has_its_published_tools_and_courses(client: FlaskClient) -> None:
    body = get_json(client, "/api/v1/vendors/jadeledger", lang="zh-TW")
    vendor = queries.vendor_by_slug("jadeledger")
    assert vendor is not None
    assert [t["slug"] for t in body["tools"]] == [t.slug for t in queries.vendor_tools(vendor)]
    assert body["tools"] and body["kind"] in {"software", "training", "both"}
    assert body["localized"]["name"] and body["lang"] == "zh-TW"


@pytest.mark.parametrize(
    ("today", "open_slug", "state"),
    [
        ("2026-06-01", "jp-it-intro", "open"),
        ("2026-01-15", "jp-it-intro", "upcoming"),
        ("2027-06-01", "jp-it-intro", "closed"),
    ],
)
def test_subsidy_state_on_today(
    client: FlaskClient, today: str, open_slug: str, state: str
) -> None:
    body = get_json(client, f"/api/v1/subsidies/{open_slug}", today=today)
    assert body["state"] == state and body["today"] == today


def test_subsidies_open_first_then_upcoming_then_closed(client: FlaskClient) -> None:
    body = get_json(client, "/api/v1/subsidies", today="2026-06-01", per_page="100")
    states = [s["state"] for s in body["items"]]
    order = {"open": 0, "upcoming": 1, "closed": 2}
    assert states == sorted(states, key=order.__getitem__)
    assert {"open", "upcoming", "closed"} <= set(states)
    japan = get_json(client, "/api/v1/subsidies", country="JP", per_page="100")["items"]
    assert japan and all(any(r.startswith("JP") for r in s["regions"]) for s in japan)


def test_subsidy_detail_lists_registered_tools(client: FlaskClient) -> None:
    body = get_json(client, "/api/v1/subsidies/tw-cloud-market")
    subsidy = queries.subsidy_by_slug("tw-cloud-market")
    assert subsidy is not None
    assert [t["slug"] for t in body["tools"]] == [t.slug for t in queries.registered_tools(subsidy)]
    assert "jadeledger-books" in {t["slug"] for t in body["tools"]}


@pytest.mark.parametrize(
    "args",
    [{}, {"format": "online"}, {"skill": "skill.nocode"}, {"language": "ja", "region": "JP"}],
)
def test_courses_filter_as_the_page(client: FlaskClient, args: dict[str, str]) -> None:
    body = get_json(client, "/api/v1/courses", per_page="100", **args)
    filters = CourseFilters(
        skills=tuple(args.get("skill", "").split()) if "skill" in args else (),
        formats=(args["format"],) if "format" in args else (),
        languages=(args["language"],) if "language" in args else (),
        region=args.get("region"),
    )
    expected = [c.slug for c in queries.list_courses(filters, "en")]
    assert [c["slug"] for c in body["items"]] == expected and body["total"] == len(expected)
    html = client.get("/courses", query_string={**args, "lang": "en"}).get_data(as_text=True)
    assert body["total"] == 0 or all(f'href="/courses/{slug}"' in html for slug in expected[:24])


def test_course_detail(client: FlaskClient) -> None:
    slug = db.session.scalars(sa.select(Course.slug).filter_by(status="published")).first()
    body = get_json(client, f"/api/v1/courses/{slug}", lang="ja")
    assert body["slug"] == slug and body["provider"]["slug"] and body["localized"]["title"]


@pytest.mark.parametrize(
    ("path", "args", "named"),
    [
        ("/api/v1/courses", {"format": "telepathy"}, ["format"]),
        ("/api/v1/courses", {"skill": "skill.juggling"}, ["skill"]),
        ("/api/v1/subsidies", {"country": "FR"}, ["country"]),
        ("/api/v1/subsidies", {"today": "tomorrow"}, ["today"]),
        ("/api/v1/vendors", {"page": "0"}, ["page"]),
        ("/api/v1/taxonomy", {"lang": "xx"}, ["lang"]),
    ],
)
def test_bad_list_parameters_are_422(
    client: FlaskClient, path: str, args: dict[str, str], named: list[str]
) -> None:
    assert problem_parameters(client, path, **args) == named


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/vendors/nope",
        "/api/v1/subsidies/nope",
        "/api/v1/courses/nope",
        "/api/v1/taxonomy/colours",
    ],
)
def test_unknown_items_are_404_problems(client: FlaskClient, path: str) -> None:
    assert get_json(client, path, 404)["status"] == 404


def test_taxonomy_has_every_kind_with_three_labels(client: FlaskClient) -> None:
    body = get_json(client, "/api/v1/taxonomy", lang="ja")
    assert set(body["kinds"]) == set(TERM_KINDS)
    for kind in TERM_KINDS:
        count = db.session.scalar(sa.select(sa.func.count()).select_from(Term).filter_by(kind=kind))
        assert len(body["kinds"][kind]) == count
    pos = next(t for t in body["kinds"]["functions"] if t["code"] == "sales.pos")
    assert set(UI_LANGUAGES) <= set(pos["name"]) and pos["label"] == "POSレジ"
    one = get_json(client, "/api/v1/taxonomy/functions", lang="zh-TW")
    assert one["kind"] == "functions" and [t["code"] for t in one["terms"]] == [
        t["code"] for t in body["kinds"]["functions"]
    ]
    assert next(t for t in one["terms"] if t["code"] == "sales.pos")["label"] == "POS 收銀"
