"""The pure detectors: each fires on a crafted listing and stays quiet on a normal one."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from dx_match.trust import detectors
from dx_match.trust.detectors import PriceStep, ToolFacts, VendorFacts, Window
from dx_match.trust.keywords import Matcher, load_phrases

MATCHER = Matcher.from_phrases(load_phrases())


def _crm(slug: str, price: str, industries: tuple[str, ...] = ()) -> ToolFacts:
    return ToolFacts(
        slug=slug,
        vendor="v",
        functions=("sales.crm",),
        industries=industries,
        monthly_per_user=Decimal(price),
    )


NORMAL_PRICES = ["9", "10", "11", "12", "10.5", "9.5", "11.5"]


def test_a_price_far_above_its_function_group_is_an_outlier() -> None:
    tools = [_crm(f"t{i}", p) for i, p in enumerate(NORMAL_PRICES)] + [_crm("gold", "95")]
    found = detectors.price_outliers(tools, "USD")
    assert [f.subject_key for f in found] == ["gold"]
    assert found[0].reasons[0].code == "price_high"
    assert found[0].reasons[0].params["count"] == 8
    assert 0 < found[0].score <= 1


def test_normal_prices_and_small_groups_are_quiet() -> None:
    assert (
        detectors.price_outliers([_crm(f"t{i}", p) for i, p in enumerate(NORMAL_PRICES)], "USD")
        == []
    )
    # Too few tools sharing the function to say what is normal.
    assert (
        detectors.price_outliers([_crm("a", "10"), _crm("b", "11"), _crm("c", "500")], "USD") == []
    )


def test_the_group_is_narrowed_to_the_industry_when_big_enough() -> None:
    # Restaurants' CRM tools cost 100; among them 100 is normal though the function median is 10.
    food = [_crm(f"f{i}", p, ("I56",)) for i, p in enumerate(["95", "100", "105", "98", "102"])]
    others = [_crm(f"o{i}", p, ("C",)) for i, p in enumerate(NORMAL_PRICES * 2)]
    found = {f.subject_key for f in detectors.price_outliers(food + others, "USD")}
    assert not found & {t.slug for t in food}


def test_the_outlier_evidence_is_the_tools_own_price_not_the_median() -> None:
    base = [_crm(f"t{i}", p) for i, p in enumerate(NORMAL_PRICES)] + [_crm("gold", "95")]
    more = [*base, _crm("extra", "10")]
    first = detectors.price_outliers(base, "USD")[0]
    again = next(f for f in detectors.price_outliers(more, "USD") if f.subject_key == "gold")
    assert first.evidence_digest == again.evidence_digest


def _texts(*texts: str) -> ToolFacts:
    return ToolFacts(slug="t", vendor="v", functions=("sales.crm",), texts=texts)


@pytest.mark.parametrize(
    ("text", "score"),
    [
        ("Effectively free with the IT subsidy: we pay you a cashback!", 0.9),
        ("IT導入補助金で実質無料！", 0.9),
        ("ＩＴ導入補助金を使えば０円で導入", 0.6),  # full-width, NFKC-normalised
        ("申請政府補助款後實質免費", 0.9),
        ("全額補助，免費導入", 0.9),
        ("Free with a government grant.", 0.6),
    ],
)
def test_free_or_cashback_promises_with_subsidy_wording_fire(text: str, score: float) -> None:
    found = detectors.free_offers([_texts(text)], MATCHER)
    assert len(found) == 1 and found[0].score == score
    assert found[0].reasons[0].code == "free_offer"


@pytest.mark.parametrize(
    "text",
    [
        "30-day free trial. Registered for the IT Introduction Subsidy.",
        "Free plan for up to 3 users; paid plans are eligible for the subsidy.",
        "補助金の対象です。無料トライアルあり。",
        "提供免費試用，可申請補助。",
        "Cashback on hardware purchases.",  # a promise without any subsidy wording
        "Registered for the subsidy; prices from 10円 per slip.",  # 10円 is not 0円
        "Freedom from paperwork, subsidy-ready reports.",  # "free" is not "freedom"
    ],
)
def test_normal_listings_stay_quiet(text: str) -> None:
    assert detectors.free_offers([_texts(text)], MATCHER) == []


def test_promise_and_subsidy_must_be_in_the_same_text() -> None:
    assert detectors.free_offers([_texts("Totally free!", "Subsidy registered.")], MATCHER) == []


def _registered(*steps: PriceStep, opens: date | None = date(2026, 4, 1)) -> ToolFacts:
    return ToolFacts(
        slug="t",
        vendor="v",
        functions=("sales.crm",),
        subsidies=(Window("it-subsidy", opens),),
        prices=steps,
    )


def _step(old: str | None, new: str, on: date, currency: str = "JPY") -> PriceStep:
    return PriceStep("Basic", Decimal(old) if old else None, Decimal(new), currency, currency, on)


def test_a_price_rise_shortly_before_the_window_opens_fires() -> None:
    tool = _registered(
        _step(None, "1000", date(2025, 1, 1)), _step("1000", "1500", date(2026, 3, 1))
    )
    found = detectors.price_rises_before_windows([tool])
    assert len(found) == 1
    reason = found[0].reasons[0]
    assert reason.code == "price_rise"
    assert reason.params["days"] == 31 and reason.params["subsidy"] == "it-subsidy"


@pytest.mark.parametrize(
    "tool",
    [
        _registered(_step("1000", "1500", date(2025, 6, 1))),  # long before the window
        _registered(_step("1000", "1500", date(2026, 4, 2))),  # after it opened
        _registered(_step("1000", "900", date(2026, 3, 1))),  # a cut
        _registered(_step("1000", "1050", date(2026, 3, 1))),  # 5 %: small
        _registered(_step(None, "1500", date(2026, 3, 1))),  # the first price
        _registered(_step("1000", "1500", date(2026, 3, 1)), opens=None),  # no window date
    ],
)
def test_other_price_histories_stay_quiet(tool: ToolFacts) -> None:
    assert detectors.price_rises_before_windows([tool]) == []


def test_a_currency_change_is_not_a_rise() -> None:
    step = PriceStep("Basic", Decimal(10), Decimal(1500), "JPY", "USD", date(2026, 3, 1))
    assert detectors.price_rises_before_windows([_registered(step)]) == []


def test_a_vendor_with_many_rejected_listings_fires() -> None:
    found = detectors.rejected_listings([VendorFacts("bad", rejected=5, reviewed=6)])
    assert [f.subject_key for f in found] == ["bad"]
    assert found[0].subject_kind == "vendor"


@pytest.mark.parametrize(
    "vendor",
    [
        VendorFacts("new", rejected=2, reviewed=2),  # too few to say anything
        VendorFacts("busy", rejected=4, reviewed=20),  # a small share of many
        VendorFacts("none", rejected=0, reviewed=0),
    ],
)
def test_ordinary_vendors_stay_quiet(vendor: VendorFacts) -> None:
    assert detectors.rejected_listings([vendor]) == []
