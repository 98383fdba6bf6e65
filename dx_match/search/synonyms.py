"""The synonyms and domain words file (catalog/synonyms.yaml)."""

from __future__ import annotations

from pathlib import Path

from dx_match import yamlio

SYNONYMS_FILE = Path(__file__).resolve().parents[2] / "catalog" / "synonyms.yaml"


def load_synonyms(path: Path = SYNONYMS_FILE) -> tuple[list[str], list[list[str]]]:
    """(domain words, synonym groups), every term as a string."""
    data = yamlio.load(path) or {}
    groups = [[str(term) for term in group] for group in data.get("groups") or []]
    words = [str(word) for word in data.get("words") or []]
    return words + [term for group in groups for term in group], groups
