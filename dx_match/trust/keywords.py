"""PURE: find promise and subsidy wording in listing texts, word-boundary and CJK aware."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from dx_match import yamlio

KEYWORD_FILE = Path(__file__).resolve().parents[2] / "catalog" / "trust_keywords.yaml"
GROUPS = ("strong", "weak", "subsidy", "benign")


def normalize(text: str) -> str:
    """NFKC (full-width ０円 is 0円, half-width ｷｬｯｼｭﾊﾞｯｸ is キャッシュバック), case folded."""
    return unicodedata.normalize("NFKC", text).casefold()


def _pattern(phrase: str) -> str:
    # Latin letters and digits need a boundary at that edge (so "free" is not "freedom" and
    # "0円" is not the end of "10円"); CJK text has no spaces, so its edges match anywhere.
    body = re.escape(phrase)
    head = r"(?<![a-z0-9])" if phrase[:1].isascii() and phrase[:1].isalnum() else ""
    tail = r"(?![a-z0-9])" if phrase[-1:].isascii() and phrase[-1:].isalnum() else ""
    return head + body + tail


@dataclass(frozen=True)
class Matcher:
    """One compiled alternation per group of phrases."""

    patterns: Mapping[str, re.Pattern[str]]

    @classmethod
    def from_phrases(cls, groups: Mapping[str, Iterable[str]]) -> Matcher:
        """Compile each group (longest phrases first, so "free trial" wins over "free")."""
        compiled = {}
        for group in GROUPS:
            phrases = sorted({normalize(p) for p in groups.get(group, ())}, key=len, reverse=True)
            alternation = "|".join(_pattern(p) for p in phrases) or r"(?!)"
            compiled[group] = re.compile(alternation)
        return cls(compiled)

    def find(self, text: str) -> dict[str, list[str]]:
        """The phrases of each group in `text` (benign phrases are removed before the others)."""
        folded = normalize(text)
        found = {"benign": sorted(set(self.patterns["benign"].findall(folded)))}
        rest = self.patterns["benign"].sub(" ", folded)
        found["subsidy"] = sorted(set(self.patterns["subsidy"].findall(rest)))
        found["strong"] = sorted(set(self.patterns["strong"].findall(rest)))
        # "free" inside "effectively free" is not a second, weaker promise.
        rest = self.patterns["strong"].sub(" ", rest)
        found["weak"] = sorted(set(self.patterns["weak"].findall(rest)))
        return found


def load_phrases(path: Path = KEYWORD_FILE) -> dict[str, list[str]]:
    """The keyword file's groups, every language's phrases together."""
    data = yamlio.load(path)
    return {
        group: [str(p) for phrases in (data.get(group) or {}).values() for p in phrases]
        for group in GROUPS
    }
