"""The tool list's filter panel: what it offers and its labels, cached per language and generation.

Every option of the panel (function groups, industries, languages, regions, price bands,
deployments, sort orders) and its label in the viewer's language change only with the
catalog and the taxonomy, that is with the index generation. Reading them per request cost
five database queries (one of every taxonomy label, for the tool cards too) and about 250
translation and taxonomy-label lookups per page.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

from flask import get_template_attribute
from flask_babel import gettext

from dx_match.catalog import queries
from dx_match.catalog.filters import PRICE_BANDS, Vocabulary
from dx_match.catalog.models import DEPLOYMENTS
from dx_match.catalog.views import COMMON_INDUSTRIES, REGION_CHOICES, language_name
from dx_match.taxonomy.codes import FUNCTION_GROUPS
from dx_match.templating import term_label, term_labels

SORT_CODES = ("relevance", "name", "price", "newest", "rating")
CACHED_LANGUAGES = 8  # entries kept per generation (the UI has three languages)


@dataclass(frozen=True)
class FilterOptions:
    """What the panel offers, the same in every language."""

    vocabulary: Vocabulary
    function_groups: list[tuple[str, list[str]]]
    sections: list[str]
    languages: list[str]
    term_labels: dict[tuple[str, str], dict[str, str]]  # every taxonomy label, for the cards


@dataclass(frozen=True)
class FilterPanel:
    """The panel's options and their labels in one language."""

    options: FilterOptions
    labels: dict[str, dict[str, str]]


class PanelCache:
    """Filter panels per language for one index generation; a new one drops the old panels.

    The generation is given as the search service's sidecar of that generation (compared by
    identity): it is rebuilt whenever the generation number changes, also to a number seen
    before (a rolled-back test, a restored database), and belongs to one service.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._generation: object = None
        self._options: FilterOptions | None = None
        self._panels: dict[str, FilterPanel] = {}

    def options(self, generation: object) -> FilterOptions:
        """The options for this generation (read from the database once)."""
        with self._lock:
            if self._generation is generation and self._options is not None:
                return self._options
        options = _read_options()
        with self._lock:
            if self._generation is not generation:
                self._panels = {}
            self._generation, self._options = generation, options
        return options

    def panel(self, generation: object, lang: str) -> FilterPanel:
        """The panel in the request's language (labels looked up once per generation)."""
        options = self.options(generation)
        with self._lock:
            cached = self._panels.get(lang)
            if cached is not None and cached.options is options:
                return cached
        panel = FilterPanel(options, _labels(options))
        with self._lock:
            if len(self._panels) >= CACHED_LANGUAGES:
                self._panels = {}
            if self._options is options:
                self._panels[lang] = panel
        return panel


def _read_options() -> FilterOptions:
    function_terms: dict[str, list[str]] = defaultdict(list)
    for term in queries.terms("functions"):
        if term.parent:
            function_terms[term.parent].append(term.code)
    return FilterOptions(
        vocabulary=queries.vocabulary(),
        function_groups=[(group, function_terms[group]) for group in FUNCTION_GROUPS],
        sections=[t.code for t in queries.terms("industries") if len(t.code) == 1],
        languages=queries.tool_languages(),
        term_labels=term_labels(),
    )


def _labels(options: FilterOptions) -> dict[str, dict[str, str]]:
    """Every label the panel shows, in the request's language (the page's own macros)."""

    def macro(name: str) -> Callable[[str], str]:
        return cast(Callable[[str], str], get_template_attribute("_macros/labels.html", name))

    industry, price_band = macro("industry"), macro("price_band")
    deployment, sort_name = macro("deployment"), macro("sort_name")
    functions = {
        code: term_label("functions", code)
        for group, codes in options.function_groups
        for code in (group, *codes)
    }
    return {
        "functions": functions,
        "all_of": {
            group: gettext("All of %(group)s", group=functions[group])
            for group, _codes in options.function_groups
        },
        "industry": {code: industry(code) for code in COMMON_INDUSTRIES},
        "industries": {code: term_label("industries", code) for code in options.sections},
        "price": {band: price_band(band) for band in PRICE_BANDS},
        "deployment": {code: deployment(code) for code in DEPLOYMENTS},
        "languages": {tag: language_name(tag) for tag in options.languages},
        "regions": {code: term_label("regions", code) for code in REGION_CHOICES},
        "sort": {code: sort_name(code) for code in SORT_CODES},
    }
