"""Matched terms highlighted in result text, by re-analyzing it with character spans."""

from __future__ import annotations

import re
from collections.abc import Iterable

from markupsafe import Markup, escape

from dx_match.search.tokenize import Analyzer

_KANA_RUN = re.compile(r"[\u3041-\u309f]+|[\u30a0-\u30ffー]+")


def highlight(text: str, terms: Iterable[str], analyzer: Analyzer) -> Markup:
    """`text` with every span whose token is among `terms` wrapped in <mark>."""
    wanted = set(terms)
    # Kana bigrams exist for matching inside compounds; marking one (クラ of クラス) misleads,
    # so only whole kana runs are marked.
    runs = {(m.start(), m.end()) for m in _KANA_RUN.finditer(text)}
    spans = sorted(
        (t.start, t.end)
        for t in analyzer.tokens(text)
        if t.text in wanted and (not _KANA_RUN.fullmatch(t.text) or (t.start, t.end) in runs)
    )
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out: list[str] = []
    position = 0
    for start, end in merged:
        out.append(str(escape(text[position:start])))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        position = end
    out.append(str(escape(text[position:])))
    return Markup("".join(out))
