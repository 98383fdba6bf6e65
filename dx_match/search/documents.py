"""Pure: one function turns a tool record into the search document every backend indexes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from dx_match.catalog.pricing import PlanPrice
from dx_match.search.tokenize import Analyzer

Localized = str | dict[str, str] | None

# Field boosts: a match in the name counts most, the long description least.
FIELD_BOOSTS: dict[str, float] = {
    "name": 5.0,
    "summary": 3.0,
    "taxonomy": 2.0,
    "vendor": 1.5,
    "description": 1.0,
}
TEXT_FIELDS = tuple(FIELD_BOOSTS)
# How people write a deployment model, so "クラウド 勤怠" finds cloud tools that never say so.
DEPLOYMENT_WORDS: dict[str, tuple[str, ...]] = {
    "cloud": ("cloud", "雲端", "クラウド"),
    "on_premise": ("on-premise", "地端", "オンプレミス"),
    "hybrid": ("hybrid", "混合雲", "ハイブリッド"),
}


@dataclass(frozen=True)
class ToolRecord:
    """What search needs of a published tool, detached from the database."""

    id: int
    slug: str
    name: Localized
    summary: Localized = None
    description: Localized = None
    vendor: Localized = None
    functions: tuple[str, ...] = ()
    industries: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    deployment: str | None = None
    trial_days: int = 0
    subsidies: tuple[str, ...] = ()
    integrations: tuple[str, ...] = ()
    plans: tuple[PlanPrice, ...] = ()
    created_at: datetime | None = None
    #: Average overall rating of visible verified reviews (None without any), and their count.
    rating: float | None = None
    rating_count: int = 0
    #: When the vendor last confirmed the listing (None: never).
    verified_at: date | None = None


@dataclass(frozen=True)
class SearchDocument:
    """Pre-tokenized text per field (space-joined terms) and the record it came from."""

    id: int
    fields: dict[str, str]
    record: ToolRecord = field(compare=False)


def texts(value: Localized) -> list[str]:
    """Every language's text of a translated value."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return list(value.values())


def build_document(
    record: ToolRecord, analyzer: Analyzer, labels: Mapping[tuple[str, str], Localized]
) -> SearchDocument:
    """The search document of a tool: its text in all languages plus its taxonomy labels."""
    taxonomy: list[str] = []
    for kind, codes in (("functions", record.functions), ("industries", record.industries)):
        for code in codes:
            taxonomy.extend(texts(labels.get((kind, code))))
            parent = code.split(".")[0] if kind == "functions" else code[:1]
            if parent != code:
                taxonomy.extend(texts(labels.get((kind, parent))))
    taxonomy.extend(record.integrations)
    taxonomy.extend(DEPLOYMENT_WORDS.get(record.deployment or "", ()))
    sources = {
        "name": texts(record.name),
        "summary": texts(record.summary),
        "taxonomy": taxonomy,
        "vendor": texts(record.vendor),
        "description": texts(record.description),
    }
    fields = {name: " ".join(analyzer.terms("\n".join(parts))) for name, parts in sources.items()}
    return SearchDocument(record.id, fields, record)
