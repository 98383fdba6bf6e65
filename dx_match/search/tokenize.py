"""The one analyzer of dx_match: the same tokens for indexing and for queries.

Text is cut into script runs. Latin runs become lower-cased English stems. Han
runs are unified across variants (Japanese shinjitai and Traditional Chinese
are mapped to Simplified, so 会計, 會計 and 会计 are one token) and segmented
with jieba in search mode over a domain dictionary; documents also get single
characters so one-character queries find them. Kana runs have no spaces and
jieba does not know them: katakana runs are kept whole (a loanword such as
クラウド) plus bigrams, hiragana runs become bigrams, so クラウド finds
クラウドサービス and かんたん finds かんたんに.

Query tokens are marked `required` (they must all match, through synonyms) or
optional (they only add score): the precise segmentation and kana bigrams are
required, search-mode sub-words and whole kana runs are optional.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

import opencc
import rjieba
import snowballstemmer

# English function words, and words every listing could say ("tool", "software") that would
# only blur the match when a query says "a POS tool".
ENGLISH_STOPWORDS = frozenset(
    """a an and are as at be by for from has have in is it its of on or our the to with your
    you we this that can will tool tools app apps software system systems solution solutions
    """.split()
)
_RUN = re.compile(
    r"(?P<latin>[0-9A-Za-z\u00c0-\u024f]+(?:['’][A-Za-z]+)?)"
    r"|(?P<han>[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆]+)"
    r"|(?P<katakana>[\u30a0-\u30ffー]+)"
    r"|(?P<hiragana>[\u3041-\u309f]+)"
)


@dataclass(frozen=True)
class Token:
    """One analyzed token; `start`/`end` index the original text (for highlighting)."""

    text: str
    start: int
    end: int
    required: bool = True


class _HanTable(dict[int, str]):
    """A str.translate table mapping each Han character to its unified form, filled on first use.

    OpenCC is asked once per distinct character (a few thousand in a catalog), never per
    character of every text: converting per character was a third of all analysis time.
    """

    def __missing__(self, code: int) -> str:
        char = chr(code)
        converted = _T2S.convert(_JP2T.convert(char))
        self[code] = value = converted if len(converted) == 1 else char
        return value


class _FoldTable(dict[int, str]):
    """A str.translate table applying NFKC per character, keeping one character per character."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        folded = unicodedata.normalize("NFKC", char)
        self[code] = value = folded if len(folded) == 1 else char
        return value


_JP2T = opencc.OpenCC("jp2t")
_T2S = opencc.OpenCC("t2s")
_STEMMER = snowballstemmer.stemmer("english")
_HAN_TABLE = _HanTable()
_FOLD_TABLE = _FoldTable()


def unify_han(text: str) -> str:
    """Han characters mapped to Simplified via Traditional (so ja, zh-TW and zh-CN agree)."""
    return text.translate(_HAN_TABLE)


def normalize(text: str) -> str:
    """NFKC per character (full-width Latin and half-width kana), keeping one char per char."""
    if text.isascii() or unicodedata.is_normalized("NFKC", text):
        return text  # the common case: nothing to fold, and no per-character work
    return text.translate(_FOLD_TABLE)


@lru_cache(maxsize=1 << 17)  # the Snowball stemmer is pure Python; a catalog has few words
def stem(word: str) -> str:
    """The English stem of a lower-cased word."""
    return str(_STEMMER.stemWord(word))


class Analyzer:
    """Tokenizes text; `words` extends jieba's dictionary (taxonomy labels, product names)."""

    def __init__(self, words: Iterable[str] = ()) -> None:
        # rjieba (jieba-rs) is jieba's algorithm and dictionary in Rust: 27x faster, and
        # segmentation differences do not matter as documents and queries share them.
        self._jieba = rjieba.Jieba()
        # A run's document terms depend only on the run (and the dictionary): names, labels
        # and stock phrases repeat across a catalog, so most runs are analyzed once.
        self._run_terms = lru_cache(maxsize=1 << 16)(self._analyze_run)
        for word in words:
            self.add_word(word)

    def add_word(self, word: str) -> None:
        """Teach the segmenter a word (its Han parts, unified)."""
        for match in _RUN.finditer(normalize(word)):
            if match.lastgroup == "han" and len(match.group()) > 1:
                self._jieba.add_word(unify_han(match.group()), 20000, None)
                self._run_terms.cache_clear()

    def tokens(self, text: str, *, for_query: bool = False) -> list[Token]:
        """All tokens of `text`; queries get `required` flags, documents every variant."""
        return list(self._tokens(normalize(text), for_query))

    def terms(self, text: str) -> list[str]:
        """The indexed terms of a document text."""
        terms: list[str] = []
        for match in _RUN.finditer(normalize(text)):
            terms.extend(self._run_terms(match.lastgroup, match.group()))
        return terms

    def _analyze_run(self, kind: str | None, run: str) -> tuple[str, ...]:
        """The document terms of one script run (cached per analyzer)."""
        return tuple(token.text for token in self._run(kind, run, 0, False))

    def _tokens(self, text: str, for_query: bool) -> Iterator[Token]:
        for match in _RUN.finditer(text):
            yield from self._run(match.lastgroup, match.group(), match.start(), for_query)

    def _run(self, kind: str | None, run: str, start: int, for_query: bool) -> Iterator[Token]:
        """The tokens of one script run found at `start`."""
        if kind == "latin":
            yield from self._latin(run.lower(), start)
        elif kind == "han":
            yield from self._han(run, start, for_query)
        elif kind == "katakana":
            yield from _kana(run, start, keep_whole=True, for_query=for_query)
        else:
            yield from _kana(run, start, keep_whole=False, for_query=for_query)

    def _latin(self, run: str, start: int) -> Iterator[Token]:
        word = run.replace("’", "'").split("'")[0]
        if word in ENGLISH_STOPWORDS or (len(word) == 1 and not word.isdigit()):
            return
        yield Token(stem(word), start, start + len(run))

    def _han(self, run: str, start: int, for_query: bool) -> Iterator[Token]:
        unified = unify_han(run)
        if for_query:
            position = 0
            precise = []
            for word in self._jieba.cut(unified, hmm=False):
                precise.append((word, position))
                position += len(word)
            seen = set()
            for word, offset in precise:
                seen.add((word, offset))
                yield Token(word, start + offset, start + offset + len(word), required=True)
            for word, begin, end in self._jieba.tokenize(unified, mode="search", hmm=False):
                if (word, begin) not in seen:
                    yield Token(word, start + begin, start + end, required=False)
            return
        for word, begin, end in self._jieba.tokenize(unified, mode="search", hmm=False):
            yield Token(word, start + begin, start + end)
        if len(unified) > 1:  # single characters, so one-character queries find documents
            for offset, char in enumerate(unified):
                yield Token(char, start + offset, start + offset + 1)


def _kana(run: str, start: int, *, keep_whole: bool, for_query: bool) -> Iterator[Token]:
    """Kana runs: bigrams (required), plus the whole katakana word (optional in queries)."""
    parts = [p for p in re.split(r"[・]", run) if p] if keep_whole else [run]
    offset = 0
    for part in parts:
        begin = run.index(part, offset)
        offset = begin + len(part)
        if len(part) == 1:
            continue  # lone kana are particles (を, に, の) or noise
        if keep_whole and (len(part) > 2 or not for_query):
            yield Token(part, start + begin, start + offset, required=not for_query)
        for i in range(len(part) - 1):
            yield Token(part[i : i + 2], start + begin + i, start + begin + i + 2)
