"""`dx-match recommend`: recommendations for a profile file, and training the feedback model."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

import click
from flask.cli import with_appcontext

from dx_match import yamlio


def _read_profile(path: Path) -> Any:
    """A profile file, JSON or YAML; exit 1 with a message when it cannot be read."""
    try:
        if path.suffix.lower() == ".json":
            return json.loads(path.read_text(encoding="utf-8"))
        return yamlio.load(path)
    except Exception as exc:  # any read or parse error is the file's: say so
        click.echo(f"profile: cannot read {path}: {exc}")
        sys.exit(1)


@click.group("recommend", invoke_without_command=True)
@click.option(
    "--profile", "profile_path", type=click.Path(path_type=Path), help="SME profile (JSON or YAML)."
)
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Judge subsidy windows on this day (default: today).",
)
@click.option(
    "--format", "output", type=click.Choice(["json", "text"]), default="text", show_default=True
)
@click.option("--lang", type=click.Choice(["en", "zh-TW", "ja"]), default="en", show_default=True)
@click.pass_context
@with_appcontext
def recommend_group(
    ctx: click.Context, profile_path: Path | None, today: Any, output: str, lang: str
) -> None:
    """Recommend tools, eligible subsidies and courses for an SME profile."""
    if ctx.invoked_subcommand is not None:
        return
    if profile_path is None:
        click.echo("profile: --profile FILE is required")
        sys.exit(2)
    from dx_match.recommend.profile import ProfileInvalid
    from dx_match.recommend.service import recommend_service

    service = recommend_service()
    try:
        profile = service.parse(_read_profile(profile_path))
    except ProfileInvalid as exc:
        for field, message in exc.problems:
            click.echo(f"{field}: {message}")
        sys.exit(1)
    day = today.date() if today is not None else date.today()
    result = service.recommend(profile, today=day, lang=lang)
    for notice in result.notices:
        click.echo(f"note: {notice}", err=True)
    if output == "json":
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
        return
    data = result.to_json()
    for title, key in (("Tools", "tools"), ("Subsidies", "subsidies"), ("Courses", "courses")):
        click.echo(f"{title}:")
        if not data[key]:
            click.echo("  (none)")
        for item in data[key]:
            figure = item.get("score", item.get("estimated_amount"))
            click.echo(f"  {item['slug']}  {figure}")
            for reason in item["reasons"]:
                click.echo(f"    - {reason}")


@recommend_group.command("train")
@with_appcontext
def train_command() -> None:
    """Fit the feedback model and make it current (without feedback, keep the fallback)."""
    from dx_match.recommend.training import train

    report = train()
    for line in report.lines():
        click.echo(line)


@recommend_group.command("evaluate")
@click.argument("judgments", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format", "output", type=click.Choice(["json", "text"]), default="text", show_default=True
)
@with_appcontext
def evaluate_command(judgments: Path, output: str) -> None:
    """Score the recommender against graded judgments (tool NDCG@10, subsidy P/R, course NDCG@5)."""
    from dx_match.recommend.evaluate import JudgmentsError, evaluate, load_cases
    from dx_match.recommend.service import recommend_json, recommend_service

    service = recommend_service()
    try:
        cases = load_cases(judgments, service.catalog()[1])
    except JudgmentsError as exc:
        for problem in exc.problems:
            click.echo(problem)
        sys.exit(1)
    report = evaluate(cases, lambda profile, today: recommend_json(profile, today=today))
    if output == "json":
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        return
    click.echo(report.format_text())
