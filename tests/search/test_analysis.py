"""The analyzer and query building as data: CJK segmentation, kana, stems, synonyms, typos."""

from __future__ import annotations

import random

import pytest

from dx_match.search.query import (
    MAX_QUERY_CHARS,
    Clause,
    Synonyms,
    TextQuery,
    Vocabulary,
    build,
    clean,
    detect_language,
    edit_distance,
)
from dx_match.search.tokenize import Analyzer, unify_han


def required(analyzer: Analyzer, text: str) -> list[str]:
    """The required query tokens of a text."""
    return [t.text for t in analyzer.tokens(text, for_query=True) if t.required]


@pytest.mark.parametrize(
    ("a", "b"),
    [("會", "会"), ("計", "计"), ("發", "发"), ("発", "发"), ("庫", "库"), ("勤", "勤")],
)
def test_han_variants_are_unified(a: str, b: str) -> None:
    assert unify_han(a) == unify_han(b)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("餐廳點餐系統", ["餐厅", "点餐系统"]),  # no spaces, Traditional Chinese, a domain word
        ("會計", ["会计"]),
        ("会計", ["会计"]),  # Japanese form, same token
        ("在庫管理", ["在库管理"]),
        ("クラウド", ["クラ", "ラウ", "ウド"]),  # kana bigrams are what must match
        ("かんたん", ["かん", "んた", "たん"]),
        ("Inventory Management", ["inventori", "manag"]),
        ("ＰＯＳ", ["pos"]),  # full-width Latin folded
        ("the tool for a POS", ["pos"]),  # stop words dropped
    ],
)
def test_query_tokens(analyzer: Analyzer, text: str, expected: list[str]) -> None:
    assert required(analyzer, text) == expected


def test_documents_get_sub_words_single_characters_and_whole_katakana(analyzer: Analyzer) -> None:
    terms = analyzer.terms("勤怠管理をクラウドサービスで")
    assert {"勤怠管理", "管理", "勤", "怠"} <= set(terms)
    assert {"クラウドサービス", "クラ", "ラウ", "ウド"} <= set(terms)
    assert "を" not in terms  # lone particles are dropped


def test_spans_point_into_the_original_text(analyzer: Analyzer) -> None:
    text = "雲端 POS レジ"
    for token in analyzer.tokens(text):
        assert text[token.start : token.end]


def test_synonyms_join_languages(analyzer: Analyzer, synonyms: Synonyms) -> None:
    for text in ("記帳", "会計", "accounting"):
        query = build(text, analyzer, synonyms)
        assert len(query.clauses) == 1
        assert {("会计",), ("account",), ("记帐",)} <= set(query.clauses[0].alternatives), text
    pos = build("レジ", analyzer, synonyms)
    assert ("pos",) in pos.clauses[0].alternatives
    attendance = build("出勤", analyzer, synonyms)
    assert ("attend",) in attendance.clauses[0].alternatives


def test_multi_word_synonym_is_one_clause(analyzer: Analyzer, synonyms: Synonyms) -> None:
    query = build("cash register cloud", analyzer, synonyms)
    assert len(query.clauses) == 2  # "cash register" is one thing asked for, "cloud" another


@pytest.mark.parametrize("text", ["((((", '"', "AND OR", "*", "title:foo)", "\x00\x01", "   "])
def test_malformed_input_is_plain_text(analyzer: Analyzer, synonyms: Synonyms, text: str) -> None:
    query = build(text, analyzer, synonyms)
    assert all(isinstance(c, Clause) for c in query.clauses)
    if text == "title:foo)":
        assert [c.alternatives for c in query.clauses] == [(("titl",),), (("foo",),)]


def test_long_queries_are_capped() -> None:
    assert len(clean("x" * 10_000)) == MAX_QUERY_CHARS
    assert clean("a\tb\n c") == "a b c"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("勤怠管理 クラウド", "ja"),
        ("餐廳點餐", "zh-TW"),
        ("inventory", "en"),
        ("POS 收銀", None),
        ("123", None),
    ],
)
def test_detect_language(text: str, language: str | None) -> None:
    assert detect_language(text) == language


def test_reference_semantics() -> None:
    query = TextQuery((Clause((("a", "b"), ("c",))), Clause((("d",),))))
    assert query.matches({"a", "b", "d"})
    assert query.matches({"c", "d"})
    assert not query.matches({"a", "d"})
    assert not query.matches({"c"})
    assert query.relaxed().matches({"c"})
    assert not query.relaxed().matches({"x"})


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [("inventroy", "inventory", 1), ("managment", "management", 1), ("invoce", "invoice", 1),
     ("payrol", "payroll", 1), ("kitten", "sitting", 3), ("same", "same", 0)],
)  # fmt: skip
def test_edit_distance(a: str, b: str, distance: int) -> None:
    assert edit_distance(a, b) == min(distance, 3)


def test_vocabulary_suggests_the_most_used_close_word() -> None:
    vocabulary = Vocabulary({"inventory": 9, "invention": 1, "management": 5, "pos": 3})
    assert vocabulary.suggest("inventroy managment") == "inventory management"
    assert vocabulary.suggest("inventory") is None  # nothing to correct
    assert vocabulary.suggest("pso") is None  # too short to guess
    assert vocabulary.suggest("zzzzzzzz") is None


def test_highlight_marks_whole_words_and_escapes(analyzer: Analyzer) -> None:
    from dx_match.search.highlight import highlight

    terms = {"クラ", "ラウ", "ウド", "クラウド", "管理", "pos"}
    marked = str(highlight("クラス予約と管理。クラウドで <b>POS</b>", terms, analyzer))
    assert (
        marked
        == "クラス予約と<mark>管理</mark>。<mark>クラウド</mark>で &lt;b&gt;<mark>POS</mark>&lt;/b&gt;"
    )


def test_query_work_is_bounded(analyzer: Analyzer, synonyms: Synonyms) -> None:
    from dx_match.search.query import MAX_CLAUSES

    words = " ".join(f"word{i}" for i in range(60))
    assert len(build(words, analyzer, synonyms).clauses) == MAX_CLAUSES


def test_correction_candidates_lose_no_close_word() -> None:
    rng = random.Random(5)
    words = {
        "".join(rng.choices("aeinrst", k=rng.randint(4, 9))): rng.randint(1, 50) for _ in range(400)
    }
    vocabulary = Vocabulary(words)

    def brute_force(word: str) -> str | None:  # every known word, in order; the first best wins
        limit = 1 if len(word) <= 6 else 2
        best: tuple[int, int, str] | None = None
        for known, n in words.items():
            distance = edit_distance(word, known, limit)
            if distance <= limit and (best is None or (distance, -n) < best[:2]):
                best = (distance, -n, known)
        return best[2] if best else None

    typos = ["".join(rng.choices("aeinrst", k=rng.randint(4, 9))) for _ in range(300)]
    corrected = 0
    for typo in (t for t in typos if t not in words):
        assert vocabulary.correct(typo) == brute_force(typo), typo
        corrected += vocabulary.correct(typo) is not None
    assert corrected > 30  # the random typos really were close to known words
