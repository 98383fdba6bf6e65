"""The exchange format end to end: import, idempotency, round trip, and every kind of bad input."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask.testing import FlaskCliRunner

from dx_match.catalog.exchange import export_catalog, import_catalog
from dx_match.catalog.models import Course, Subsidy, Tool, Vendor
from dx_match.cli import DEMO_CATALOG
from dx_match.extensions import db
from dx_match.search.service import SearchService
from dx_match.taxonomy.models import Term

PARTNER = Path(__file__).parent.parent / "data" / "partner_catalog"

WriteCatalog = Callable[[dict[str, str]], Path]


def counts() -> dict[str, int]:
    """Rows per catalog table."""
    models = {
        "vendors": Vendor,
        "tools": Tool,
        "subsidies": Subsidy,
        "courses": Course,
        "terms": Term,
    }
    return {
        name: db.session.scalar(sa.select(sa.func.count()).select_from(m)) or 0
        for name, m in models.items()
    }


def test_demo_catalog_is_big_enough_and_imports_twice_without_change() -> None:
    report = import_catalog(DEMO_CATALOG)
    assert report.ok, report.problems[:5]
    assert not report.created and not report.updated
    assert report.unchanged["tools"] >= 150
    assert report.unchanged["vendors"] >= 40
    assert report.unchanged["subsidies"] >= 12
    assert report.unchanged["courses"] >= 40
    startups = db.session.scalars(
        sa.select(Vendor).where(Vendor.startup, Vendor.kind != "software")
    ).all()
    assert len(startups) >= 8


def test_demo_catalog_covers_every_function_and_plan_model() -> None:
    tools = db.session.scalars(sa.select(Tool)).all()
    functions = {code for tool in tools for code in tool.functions}
    leaf_functions = set(
        db.session.scalars(
            sa.select(Term.code).where(Term.kind == "functions", Term.parent.is_not(None))
        )
    )
    assert leaf_functions <= functions
    models = {plan.model for tool in tools for plan in tool.plans}
    assert models == {"free", "per_user_month", "flat_month", "per_year", "one_time", "quote"}
    currencies = {plan.currency for tool in tools for plan in tool.plans if plan.currency}
    assert {"TWD", "JPY", "USD"} <= currencies


def test_export_import_into_empty_database_export_is_identical(
    tmp_path: Path, empty_catalog: None
) -> None:
    assert import_catalog(PARTNER).ok
    first, second = tmp_path / "first", tmp_path / "second"
    export_catalog(first)
    # Empty the database again and import what was exported.
    for model in (Course, Tool, Subsidy, Vendor):
        db.session.execute(sa.delete(model))
    db.session.execute(sa.delete(Term).where(Term.builtin.is_(False)))
    report = import_catalog(first)
    assert report.ok, report.problems
    export_catalog(second)
    for path in sorted(first.iterdir()):
        assert path.read_text() == (second / path.name).read_text(), path.name
    assert {p.name for p in first.iterdir()} == {p.name for p in second.iterdir()}


def test_demo_round_trip_is_identical(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    export_catalog(first)
    for model in (Course, Tool, Subsidy, Vendor):
        for row in db.session.scalars(sa.select(model)):
            db.session.delete(row)
    db.session.flush()
    assert counts()["tools"] == 0
    assert import_catalog(first).ok
    export_catalog(second)
    for path in sorted(first.iterdir()):
        assert path.read_text() == (second / path.name).read_text(), path.name


def test_export_as_json_reads_back(tmp_path: Path) -> None:
    export_catalog(tmp_path, suffix=".json")
    report = import_catalog(tmp_path)
    assert report.ok and not report.created and not report.updated


def test_partner_catalog_imports_without_edits(empty_catalog: None) -> None:
    report = import_catalog(PARTNER)
    assert report.ok, [str(p) for p in report.problems]
    assert report.created == {
        "industries": 2,
        "functions": 1,
        "vendors": 2,
        "subsidies": 2,
        "tools": 2,
        "courses": 1,
    }
    tool = db.session.execute(sa.select(Tool).filter_by(slug="naniwa-regi")).scalar_one()
    assert tool.functions == ["sales.pos", "sales.loyalty"]
    assert tool.regions == ["JP-27", "JP-28"]
    assert [s.slug for s in tool.subsidies] == ["osaka-it"]
    assert str(tool.plans[1].price) == "1100.50"
    assert tool.plans[1].extra == {"billing_note": "年払いで10%引き"}  # extensions are kept
    vendor = db.session.execute(sa.select(Vendor).filter_by(slug="fjord-soft")).scalar_one()
    assert vendor.country == "NO"  # Norway, not YAML 1.1's false
    subsidy = db.session.execute(sa.select(Subsidy).filter_by(slug="on-the-job")).scalar_one()
    assert subsidy.regions == ["NO"] and subsidy.currency == "NOK"
    cafe = db.session.execute(
        sa.select(Term).filter_by(kind="industries", code="I5630")
    ).scalar_one()
    assert cafe.parent == "I56"  # found by prefix
    course = db.session.execute(sa.select(Course).filter_by(slug="regi-basics")).scalar_one()
    assert course.sessions[0].extra == {"venue": "難波"}
    assert [t.slug for t in course.tools] == ["naniwa-regi"]


def test_partner_catalog_imports_twice_without_change(empty_catalog: None) -> None:
    assert import_catalog(PARTNER).ok
    again = import_catalog(PARTNER)
    assert again.ok and not again.created and not again.updated  # incl. parents found by prefix


def test_importing_a_newer_version_updates_in_place(write_catalog: WriteCatalog) -> None:
    tool = db.session.scalars(sa.select(Tool).order_by(Tool.slug)).first()
    assert tool is not None
    version = tool.version
    directory = write_catalog(
        {
            "tools.yaml": f"""
tools:
  - slug: {tool.slug}
    vendor: {tool.vendor.slug}
    name: Renamed
    functions: [ops.project]
    plans: [{{model: flat_month, price: 10, currency: USD}}]
"""
        }
    )
    report = import_catalog(directory)
    assert report.ok and report.updated["tools"] == 1
    db.session.expire_all()
    tool = db.session.get(Tool, tool.id)
    assert tool is not None
    assert tool.name == "Renamed" and tool.functions == ["ops.project"]
    assert [(p.model, p.price) for p in tool.plans] == [("flat_month", 10)]
    assert tool.version == version + 1


GOOD_VENDOR = "vendors:\n  - {slug: ok-vendor, name: OK}\n"


def tool_yaml(**fields: str) -> str:
    """A one-tool catalog with some fields replaced (values are YAML text)."""
    row = {
        "slug": "ok-tool",
        "vendor": "ok-vendor",
        "name": "OK tool",
        "functions": "[sales.pos]",
        "plans": "[{model: per_user_month, price: 100, currency: TWD}]",
    } | fields
    body = "".join(f"    {key}: {value}\n" for key, value in row.items() if value != "<absent>")
    return "tools:\n  - " + body.lstrip()


BAD_INPUT = [
    # (files, expected line fragment)
    ({"tools.yaml": "tools:\n  - slug: [unclosed\n"}, "tools.yaml:0:-: invalid YAML at line "),
    (  # "billion laughs": nine lines standing for 10^9 lists
        {
            "tools.yaml": "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
            + "".join(
                f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n"
                for i in range(8)
            )
            + "tools: [*i]\n"
        },
        "tools.yaml:0:-: its aliases expand",
    ),
    ({"tools.yaml": "tools: " + "[" * 5000 + "]" * 5000}, "tools.yaml:0:-: nested too deeply"),
    ({"tools.json": '{"tools": [}'}, "tools.json:0:-: invalid JSON at line 1"),
    ({"tools.yaml": "- just a list"}, "tools.yaml:0:-: the file must be a map"),
    ({"tools.yaml": "gadgets: []"}, "tools.yaml:0:gadgets: unknown top-level key"),
    ({"tools.yaml": "tools: {slug: x}"}, "tools.yaml:0:tools: must be a list of rows"),
    (
        {"tools.yaml": tool_yaml(functions="[sales.posx]")},
        "tools.yaml:1:functions: unknown function code 'sales.posx'; did you mean sales.pos?",
    ),
    (
        {"tools.yaml": tool_yaml(industries="[I57]")},
        "tools.yaml:1:industries: unknown industry code 'I57'; did you mean I56?",
    ),
    (
        {"tools.yaml": tool_yaml(regions="[XX-99]")},
        "tools.yaml:1:regions: 'XX-99' is not an ISO 3166",
    ),
    ({"tools.yaml": tool_yaml(functions="<absent>")}, "tools.yaml:1:functions: is required"),
    (
        {"tools.yaml": tool_yaml(min_employees="'ten'")},
        "tools.yaml:1:min_employees: 'ten' is not a whole number",
    ),
    ({"tools.yaml": tool_yaml(trial_days="-1")}, "tools.yaml:1:trial_days: -1 is less than 0"),
    (
        {"tools.yaml": tool_yaml(min_employees="50", max_employees="10")},
        "tools.yaml:1:max_employees: 10 is below min_employees 50",
    ),
    (
        {"tools.yaml": tool_yaml(vendor="no-such-vendor")},
        "tools.yaml:1:vendor: no vendor with slug 'no-such-vendor'",
    ),
    (
        {"tools.yaml": tool_yaml(subsidies="[no-such-grant]")},
        "tools.yaml:1:subsidies: no subsidy with slug 'no-such-grant'",
    ),
    (
        {"tools.yaml": tool_yaml(plans="[{model: per_user_month, price: -5, currency: TWD}]")},
        "tools.yaml:1:plans[1].price: -5 is negative",
    ),
    (
        {"tools.yaml": tool_yaml(plans="[{model: per_user_month, price: .nan, currency: TWD}]")},
        "tools.yaml:1:plans[1].price: must be a finite number",
    ),
    (
        {"tools.yaml": tool_yaml(plans="[{model: per_user_month, price: '100', currency: TWD}]")},
        "tools.yaml:1:plans[1].price: '100' is not a number",
    ),
    (
        {"tools.yaml": tool_yaml(plans="[{model: flat_month}]")},
        "tools.yaml:1:plans[1].price: is required for the flat_month model",
    ),
    (
        {"tools.yaml": tool_yaml(plans="[{model: flat_month, price: 5}]")},
        "tools.yaml:1:plans[1].currency: is required when there is a price",
    ),
    (
        {"tools.yaml": tool_yaml(plans="[{model: flat_month, price: 5, currency: XYZ}]")},
        "tools.yaml:1:plans[1].currency: 'XYZ' is not an ISO 4217",
    ),
    (
        {"tools.yaml": tool_yaml(plans="[{model: rental, price: 5, currency: USD}]")},
        "tools.yaml:1:plans[1].model: 'rental' is not one of",
    ),
    ({"tools.yaml": tool_yaml(plans="[]")}, "tools.yaml:1:plans: at least one plan is required"),
    (
        {"tools.yaml": tool_yaml(languages="[zh-TW, klingon]")},
        "tools.yaml:1:languages: 'klingon' is not a known language tag",
    ),
    (
        {"tools.yaml": tool_yaml(name="{en: OK, xx: Bad}")},
        "tools.yaml:1:name: 'xx' is not a known language tag",
    ),
    ({"tools.yaml": tool_yaml(name="''")}, "tools.yaml:1:name: must not be empty"),
    (
        {"tools.yaml": tool_yaml(source_url="javascript:alert(1)")},
        "tools.yaml:1:source_url: 'javascript:alert(1)' is not an http",
    ),
    (
        {"tools.yaml": tool_yaml(deployment="mainframe")},
        "tools.yaml:1:deployment: 'mainframe' is not one of",
    ),
    ({"tools.yaml": tool_yaml(slug="Bad_Slug")}, "tools.yaml:1:slug: 'Bad_Slug' is not a slug"),
    (
        {"tools.yaml": tool_yaml(functions="[sales.pos, sales.pos]")},
        "tools.yaml:1:functions: sales.pos listed twice",
    ),
    (
        {"tools.yaml": tool_yaml() + tool_yaml().replace("tools:\n", "")},
        "tools.yaml:2:slug: duplicate slug 'ok-tool', first at",
    ),
    (
        {"vendors.yaml": "vendors:\n  - {slug: v1, name: V, website: 'ftp://v.example'}"},
        "vendors.yaml:1:website: 'ftp://v.example' is not an http",
    ),
    (
        {"vendors.yaml": "vendors:\n  - {slug: v1, name: V, kind: hardware}"},
        "vendors.yaml:1:kind: 'hardware' is not one of",
    ),
    (
        {"vendors.yaml": "vendors:\n  - {slug: v1, name: V, startup: yes}"},
        "vendors.yaml:1:startup: 'yes' is not true or false",
    ),
    (
        {
            "subsidies.yaml": "subsidies:\n  - {slug: s1, name: S, regions: [TW], expense_types: [software], rate: 1.5, max_amount: 10, currency: TWD}"
        },
        "subsidies.yaml:1:rate: 1.5 is outside (0, 1]",
    ),
    (
        {
            "subsidies.yaml": "subsidies:\n  - {slug: s1, name: S, regions: [TW], expense_types: [software], rate: 0, max_amount: 10, currency: TWD}"
        },
        "subsidies.yaml:1:rate: 0 is outside (0, 1]",
    ),
    (
        {
            "subsidies.yaml": "subsidies:\n  - {slug: s1, name: S, regions: [TW], expense_types: [software], rate: 0.5, max_amount: 10, currency: TWD, opens: 2026-05-01, closes: 2026-04-01}"
        },
        "subsidies.yaml:1:closes: 2026-04-01 is before opens 2026-05-01",
    ),
    (
        {
            "subsidies.yaml": "subsidies:\n  - {slug: s1, name: S, regions: [TW], expense_types: [gifts], rate: 0.5, max_amount: 10, currency: TWD}"
        },
        "subsidies.yaml:1:expense_types: 'gifts' is not one of",
    ),
    (
        {
            "subsidies.yaml": "subsidies:\n  - {slug: s1, name: S, expense_types: [software], rate: 0.5, max_amount: 10, currency: TWD}"
        },
        "subsidies.yaml:1:regions: is required",
    ),
    (
        {
            "subsidies.yaml": "subsidies:\n  - {slug: s1, name: S, regions: [TW], expense_types: [software], rate: 0.5, max_amount: 10, min_amount: 20, currency: TWD}"
        },
        "subsidies.yaml:1:min_amount: 20.00 is above max_amount 10.00",
    ),
    (
        {
            "subsidies.yaml": "subsidies:\n  - {slug: s1, name: S, regions: [TW], expense_types: [software], rate: 0.5, max_amount: 10, currency: TWD, opens: 2026-13-01}"
        },
        "subsidies.yaml:1:opens: '2026-13-01' is not a date",
    ),
    (
        {
            "courses.yaml": "courses:\n  - {slug: c1, provider: ok-vendor, title: T, skills: [skill.digital_basics]}",
            "vendors.yaml": GOOD_VENDOR,
        },
        "courses.yaml:1:provider: vendor 'ok-vendor' is not a training provider",
    ),
    (
        {
            "courses.yaml": "courses:\n  - {slug: c1, provider: ok-vendor, title: T, skills: [skill.cooking]}",
            "vendors.yaml": GOOD_VENDOR.replace("OK}", "OK, kind: training}"),
        },
        "courses.yaml:1:skills: unknown skill code 'skill.cooking'",
    ),
    (
        {
            "courses.yaml": "courses:\n  - {slug: c1, provider: ok-vendor, title: T, skills: [skill.ai], language: elvish}",
            "vendors.yaml": GOOD_VENDOR.replace("OK}", "OK, kind: training}"),
        },
        "courses.yaml:1:language: 'elvish' is not a known language tag",
    ),
    (
        {
            "courses.yaml": "courses:\n  - {slug: c1, provider: ok-vendor, title: T, skills: [skill.ai], sessions: [{capacity: 3}]}",
            "vendors.yaml": GOOD_VENDOR.replace("OK}", "OK, kind: training}"),
        },
        "courses.yaml:1:sessions[1].starts: is required",
    ),
    (
        {"taxonomy.yaml": "industries:\n  - {code: I5699, parent: Z99, name: X}"},
        "taxonomy.yaml:1:parent: parent 'Z99' is not a known industry code",
    ),
    (
        {"taxonomy.yaml": "regions:\n  - {code: TW, name: X}"},
        "taxonomy.yaml:1:code: TW is an ISO region already",
    ),
]


@pytest.mark.parametrize(("files", "expected"), BAD_INPUT, ids=[e for _f, e in BAD_INPUT])
def test_bad_input_is_reported_and_nothing_is_written(
    files: dict[str, str], expected: str, write_catalog: WriteCatalog
) -> None:
    before = counts()
    directory = write_catalog(
        files | ({"vendors.yaml": GOOD_VENDOR} if "vendors.yaml" not in files else {})
    )
    report = import_catalog(directory)
    lines = [str(p).removeprefix(f"{directory}/") for p in report.problems]
    assert any(line.startswith(expected) for line in lines), lines
    assert counts() == before


def test_one_bad_row_among_good_ones_writes_nothing(write_catalog: WriteCatalog) -> None:
    before = counts()
    good = tool_yaml()
    bad = tool_yaml(slug="bad-tool", functions="[nope]").replace("tools:\n", "")
    report = import_catalog(write_catalog({"vendors.yaml": GOOD_VENDOR, "tools.yaml": good + bad}))
    assert [p.row for p in report.problems] == [2]
    assert counts() == before


def test_cli_import_prints_problems_and_exits_non_zero(
    runner: FlaskCliRunner, write_catalog: WriteCatalog
) -> None:
    directory = write_catalog(
        {"vendors.yaml": GOOD_VENDOR, "tools.yaml": tool_yaml(industries="[I57]", trial_days="x")}
    )
    result = runner.invoke(args=["import", str(directory)])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert (
        f"{directory}/tools.yaml:1:industries: unknown industry code 'I57'; did you mean I56?"
        in lines
    )
    assert f"{directory}/tools.yaml:1:trial_days: 'x' is not a whole number" in lines
    assert "2 problem(s); nothing was imported" in result.stderr


def test_cli_import_and_export(
    runner: FlaskCliRunner, tmp_path: Path, search_sandbox: SearchService, empty_catalog: None
) -> None:
    result = runner.invoke(args=["import", str(PARTNER)])
    assert result.exit_code == 0, result.output
    assert "tools: 2 created, 0 updated, 0 unchanged" in result.stdout
    # The CLI brings the index up to date: the demo tools are gone, the partner's are found.
    assert search_sandbox.check().ok
    assert search_sandbox.backend.ids() == {t.id for t in db.session.scalars(sa.select(Tool))}
    again = runner.invoke(args=["import", str(PARTNER)])
    assert "tools: 0 created, 0 updated, 2 unchanged" in again.stdout
    exported = runner.invoke(args=["export", str(tmp_path / "out")])
    assert exported.exit_code == 0
    assert (
        (tmp_path / "out" / "tools.yaml").read_text().startswith("tools:\n- slug: fjord-ledger\n")
    )


def test_dry_run_validates_without_writing(runner: FlaskCliRunner, empty_catalog: None) -> None:
    result = runner.invoke(args=["import", "--dry-run", str(PARTNER)])
    assert result.exit_code == 0 and "nothing written" in result.stdout
    assert counts()["tools"] == 0


def test_single_file_with_several_keys(write_catalog: WriteCatalog, empty_catalog: None) -> None:
    directory = write_catalog({"bulk.yaml": GOOD_VENDOR + tool_yaml()})
    report = import_catalog(directory / "bulk.yaml")
    assert report.ok and report.created == {"vendors": 1, "tools": 1}


def test_unrelated_files_in_a_catalog_directory_are_noted_not_read(
    write_catalog: WriteCatalog,
) -> None:
    directory = write_catalog({"vendors.yaml": GOOD_VENDOR, "notes.yaml": "whatever: 1"})
    report = import_catalog(directory)
    assert report.ok
    assert any("notes.yaml: not a catalog file name" in note for note in report.notes)
