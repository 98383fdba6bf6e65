"""Pure query building: user text -> clauses with synonyms; filters; typo suggestions.

Nothing the user types is syntax: quotes, brackets, `AND`, `*` are plain
characters, so malformed input cannot break a backend. Every backend receives
the same `TextQuery` and must agree on what matches.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from dx_match.search.tokenize import Analyzer, Token

MAX_QUERY_CHARS = 200
MAX_CLAUSES = 12  # bounds the work of one query whatever is typed
MAX_OPTIONAL = 24
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HAN = re.compile(r"[\u3400-\u9fff]")
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")


@dataclass(frozen=True)
class Clause:
    """One thing asked for: any alternative matches; an alternative's terms must all appear."""

    alternatives: tuple[tuple[str, ...], ...]

    @property
    def terms(self) -> set[str]:
        """Every term of every alternative."""
        return {term for alternative in self.alternatives for term in alternative}


@dataclass(frozen=True)
class TextQuery:
    """What the backends evaluate: all clauses (mode `all`) or any of them (mode `any`)."""

    clauses: tuple[Clause, ...]
    optional: tuple[str, ...] = ()
    mode: str = "all"
    language: str | None = None

    @property
    def empty(self) -> bool:
        """True when the text gave nothing to search for."""
        return not self.clauses

    @property
    def terms(self) -> set[str]:
        """All terms, for highlighting."""
        return set().union(*(clause.terms for clause in self.clauses), self.optional)

    def relaxed(self) -> TextQuery:
        """The same query where any clause is enough (used when all of them find nothing)."""
        return TextQuery(self.clauses, self.optional, "any", self.language)

    def matches(self, terms: set[str]) -> bool:
        """Reference semantics over a document's term set (used by tests and the contract)."""

        def hit(clause: Clause) -> bool:
            return any(all(term in terms for term in alt) for alt in clause.alternatives)

        results = [hit(clause) for clause in self.clauses]
        return all(results) if self.mode == "all" else any(results)


class Synonyms:
    """Groups of equivalent terms, analyzed once into token tuples."""

    def __init__(self, analyzer: Analyzer, groups: Iterable[Iterable[str]]) -> None:
        self.groups: list[tuple[tuple[str, ...], ...]] = []
        self._starts: dict[str, list[tuple[int, tuple[str, ...]]]] = {}
        for group in groups:
            alternatives = tuple(
                dict.fromkeys(filter(None, (required(analyzer, t) for t in group)))
            )
            index = len(self.groups)
            self.groups.append(alternatives)
            for alternative in alternatives:
                self._starts.setdefault(alternative[0], []).append((index, alternative))
        for candidates in self._starts.values():
            candidates.sort(key=lambda c: -len(c[1]))  # longest match first

    def clause_at(self, tokens: list[str], i: int) -> tuple[Clause, int]:
        """The clause starting at token i (a synonym group when one matches) and its length."""
        for group, alternative in self._starts.get(tokens[i], []):
            if tuple(tokens[i : i + len(alternative)]) == alternative:
                return Clause(self.groups[group]), len(alternative)
        return Clause(((tokens[i],),)), 1


def required(analyzer: Analyzer, text: str) -> tuple[str, ...]:
    """The required query tokens of a text, in order."""
    return tuple(t.text for t in analyzer.tokens(text, for_query=True) if t.required)


def clean(text: str) -> str:
    """The query as we use it: control characters removed, length capped, spaces folded."""
    return " ".join(_CONTROL.sub(" ", text or "").split())[:MAX_QUERY_CHARS]


def detect_language(text: str) -> str | None:
    """ja with kana; zh-TW with Han only; en with Latin only; None when mixed or unclear."""
    if _KANA.search(text):
        return "ja"
    if _HAN.search(text):
        return None if LATIN_WORD.search(text) else "zh-TW"
    return "en" if LATIN_WORD.search(text) else None


def build(text: str, analyzer: Analyzer, synonyms: Synonyms) -> TextQuery:
    """Turn user text into a TextQuery."""
    tokens: list[Token] = analyzer.tokens(clean(text), for_query=True)
    needed = [t.text for t in tokens if t.required]
    clauses: list[Clause] = []
    i = 0
    while i < len(needed):
        clause, length = synonyms.clause_at(needed, i)
        if clause not in clauses:
            clauses.append(clause)
        i += length
    optional = tuple(dict.fromkeys(t.text for t in tokens if not t.required))[:MAX_OPTIONAL]
    return TextQuery(tuple(clauses[:MAX_CLAUSES]), optional, "all", detect_language(text))


# -- typo tolerance -------------------------------------------------------------------

_ALPHABET = 26  # letters a-z counted one by one; anything else in one extra column


def _letter_counts(word: str) -> list[int]:
    """How often each of a-z (and, last, any other character) occurs in a lower-cased word."""
    counts = [0] * (_ALPHABET + 1)
    for char in word:
        code = ord(char) - 97
        counts[code if 0 <= code < _ALPHABET else _ALPHABET] += 1
    return counts


def edit_distance(a: str, b: str, limit: int = 2) -> int:
    """Optimal string alignment distance (a transposition counts 1), stopping past `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


@dataclass
class Vocabulary:
    """Surface words people may mistype, with how many tools use them."""

    counts: Mapping[str, int] = field(default_factory=dict)
    _words: list[str] = field(init=False, repr=False, default_factory=list)
    _letters: npt.NDArray[np.int16] | None = field(init=False, repr=False, default=None)

    def correct(self, word: str) -> str | None:
        """The most used known word within 1 edit (2 for long words), or None."""
        lower = word.lower()
        if len(lower) < 4 or lower in self.counts:
            return None
        limit = 1 if len(lower) <= 6 else 2
        best: tuple[int, int, str] | None = None
        for candidate in self._candidates(lower, limit):
            count = self.counts[candidate]
            distance = edit_distance(lower, candidate, limit)
            if distance <= limit and (best is None or (distance, -count) < (best[0], best[1])):
                best = (distance, -count, candidate)
        return best[2] if best else None

    def _candidates(self, word: str, limit: int) -> list[str]:
        """Known words that can be within `limit` edits of `word`, found in numpy.

        Every edit changes the letter counts by at most one each way (a transposition not at
        all), so a word whose counts differ by more than `limit` cannot be that close: the
        exact distance is then computed for a handful of words, not the whole vocabulary.
        """
        if self._letters is None:
            self._words = list(self.counts)
            self._letters = np.array(
                [_letter_counts(w) for w in self._words], dtype=np.int16
            ).reshape(len(self._words), _ALPHABET + 1)
        wanted = np.array(_letter_counts(word), dtype=np.int16)
        difference = self._letters - wanted
        more = np.maximum(difference, 0).sum(axis=1)
        fewer = np.maximum(-difference, 0).sum(axis=1)
        close = np.flatnonzero(np.maximum(more, fewer) <= limit)
        return [self._words[i] for i in close]

    def suggest(self, text: str) -> str | None:
        """The query with its mistyped Latin words corrected, or None when nothing changed."""
        changed = False

        def fix(match: re.Match[str]) -> str:
            nonlocal changed
            correction = self.correct(match.group())
            if correction is None:
                return match.group()
            changed = True
            return correction

        corrected = LATIN_WORD.sub(fix, clean(text))
        return corrected if changed else None
