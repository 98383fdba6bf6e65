"""The doc-values sidecar against brute force: filters and facet counts, for random filters."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dx_match.catalog.pricing import PlanPrice, tool_monthly_cost
from dx_match.search import docvalues as docvalues_module
from dx_match.search.documents import ToolRecord
from dx_match.search.docvalues import PRICE_BANDS, DocValues, Filters, band_mask, fresh_since
from dx_match.taxonomy.codes import fits_industry, function_covers, region_covers
from dx_match.trust.freshness import is_stale

RATES = {"USD": Decimal(1), "TWD": Decimal(32), "JPY": Decimal(150)}
FUNCTIONS = ["sales.pos", "sales.crm", "finance.accounting", "hr.payroll", "supply.inventory"]
INDUSTRIES = ["I", "I56", "G47", "C", "C10", "M69"]
REGIONS = ["TW", "JP", "JP-13", "TW-TPE"]
LANGUAGES = ["zh-TW", "ja", "en"]
TODAY = date(2026, 6, 1)
FRESH = fresh_since(TODAY)
# Verified never, long ago, the first day that still counts, the day before it, recently.
VERIFIED = [None, date(2020, 1, 1), FRESH, FRESH - timedelta(days=1), TODAY]
plans = st.lists(
    st.one_of(
        st.builds(PlanPrice, st.just("free")),
        st.builds(PlanPrice, st.just("quote")),
        st.builds(
            PlanPrice,
            st.sampled_from(["per_user_month", "flat_month", "per_year", "one_time"]),
            st.integers(0, 50_000).map(Decimal),
            st.sampled_from(["TWD", "JPY", "USD"]),
            st.one_of(st.none(), st.integers(1, 10)),
        ),
    ),
    min_size=1,
    max_size=3,
)
records = st.lists(
    st.builds(
        ToolRecord,
        id=st.integers(1, 10**6),
        slug=st.just("t"),
        name=st.just("t"),
        functions=st.lists(st.sampled_from(FUNCTIONS), min_size=1, max_size=2, unique=True).map(
            tuple
        ),
        industries=st.lists(st.sampled_from(INDUSTRIES), max_size=2, unique=True).map(tuple),
        regions=st.lists(st.sampled_from(REGIONS), max_size=2, unique=True).map(tuple),
        languages=st.lists(st.sampled_from(LANGUAGES), max_size=2, unique=True).map(tuple),
        deployment=st.sampled_from([None, "cloud", "on_premise"]),
        trial_days=st.sampled_from([0, 14]),
        subsidies=st.lists(st.sampled_from(["jp-it-intro", "tw-cloud-market"]), max_size=1).map(
            tuple
        ),
        plans=plans.map(tuple),
        rating=st.one_of(st.none(), st.sampled_from([1.0, 3.5, 3.999, 4.0, 4.5, 5.0])),
        verified_at=st.sampled_from(VERIFIED),
    ),
    min_size=1,
    max_size=25,
    unique_by=lambda r: r.id,
)
filters = st.builds(
    Filters,
    industries=st.lists(st.sampled_from(["I56", "G47", "C10", "Q86"]), max_size=2, unique=True).map(
        tuple
    ),
    functions=st.lists(st.sampled_from([*FUNCTIONS, "sales", "hr"]), max_size=2, unique=True).map(
        tuple
    ),
    deployments=st.lists(
        st.sampled_from(["cloud", "on_premise", "hybrid"]), max_size=2, unique=True
    ).map(tuple),
    languages=st.lists(st.sampled_from(LANGUAGES), max_size=2, unique=True).map(tuple),
    regions=st.lists(st.sampled_from(["JP-13", "TW"]), max_size=1).map(tuple),
    subsidy_registered=st.booleans(),
    trial=st.booleans(),
    max_price=st.one_of(st.none(), st.integers(0, 5000).map(Decimal)),
    currency=st.sampled_from(["TWD", "JPY", "USD"]),
    users=st.integers(1, 12),
    min_rating=st.sampled_from([None, 4.0]),
    verified_since=st.sampled_from([None, FRESH]),
)


def brute_force(record: ToolRecord, f: Filters, skip: str = "") -> bool:
    """The filter rules written out plainly, per the spec; `skip` leaves one facet out."""
    checks = {
        "industries": not f.industries
        or any(fits_industry(record.industries, c) for c in f.industries),
        "functions": not f.functions
        or any(function_covers(c, fn) for c in f.functions for fn in record.functions),
        "deployment": not f.deployments or record.deployment in f.deployments,
        "languages": not f.languages or bool(set(f.languages) & set(record.languages)),
        "regions": not f.regions
        or not record.regions
        or any(region_covers(listed, r) for listed in record.regions for r in f.regions),
        "subsidy_registered": not f.subsidy_registered or bool(record.subsidies),
        "trial": not f.trial or record.trial_days > 0,
        "max_price": f.max_price is None or _cost_ok(record, f),
        "rating": f.min_rating is None or (record.rating or 0) >= f.min_rating,
        "fresh": f.verified_since is None or _fresh(record),  # only FRESH is drawn
    }
    return all(ok for name, ok in checks.items() if name != skip)


def _fresh(record: ToolRecord) -> bool:
    # "Verified in the last 12 months" is exactly "not stale" (the badge's rule) on TODAY.
    return not is_stale(record.verified_at, TODAY)


def _cost_ok(record: ToolRecord, f: Filters) -> bool:
    cost = tool_monthly_cost(record.plans, f.users, f.currency, RATES)
    return cost is not None and f.max_price is not None and cost <= f.max_price


@settings(max_examples=150, deadline=None)
@given(
    everything=records,
    chosen=filters,
    every=st.integers(1, 3),
    sparse_from=st.sampled_from([1, docvalues_module.SPARSE_FROM, 10**9]),
)
def test_filters_and_facet_counts_equal_brute_force(
    everything: list[ToolRecord], chosen: Filters, every: int, sparse_from: int
) -> None:
    """Counted over candidate rows (every `every`-th, as a text query's hits), as bit columns
    or over the candidates themselves (`sparse_from`: 1 always, 10**9 only when none)."""
    docvalues = DocValues(everything, RATES)
    base = np.arange(len(everything)) % every == 0
    rows = [r for i, r in enumerate(everything) if i % every == 0]  # the candidates
    masks = docvalues.masks(chosen)
    final = base.copy()
    for mask in masks.values():
        final &= mask
    assert {int(i) for i in docvalues.ids[final]} == {r.id for r in rows if brute_force(r, chosen)}
    saved, docvalues_module.SPARSE_FROM = docvalues_module.SPARSE_FROM, sparse_from
    try:
        counts = docvalues.counts(base, masks, chosen.users, FRESH)
    finally:
        docvalues_module.SPARSE_FROM = saved
    for code in [*FUNCTIONS, "sales", "hr"]:
        expected = sum(
            1
            for r in rows
            if brute_force(r, chosen, skip="functions")
            and any(function_covers(code, fn) for fn in r.functions)
        )
        assert counts["functions"].get(code, 0) == expected, code
    for code in ["I56", "G47", "C"]:
        expected = sum(
            1
            for r in rows
            if brute_force(r, chosen, skip="industries") and fits_industry(r.industries, code)
        )
        assert counts["industries"][code] == expected, code
    for tag in LANGUAGES:
        expected = sum(
            1 for r in rows if brute_force(r, chosen, skip="languages") and tag in r.languages
        )
        assert counts["languages"].get(tag, 0) == expected, tag
    expected_trial = sum(
        1 for r in rows if brute_force(r, chosen, skip="trial") and r.trial_days > 0
    )
    assert counts["trial"]["yes"] == expected_trial
    expected_rated = sum(
        1 for r in rows if brute_force(r, chosen, skip="rating") and (r.rating or 0) >= 4
    )
    assert counts["rating"]["yes"] == expected_rated
    expected_fresh = sum(1 for r in rows if brute_force(r, chosen, skip="fresh") and _fresh(r))
    assert counts["fresh"]["yes"] == expected_fresh
    listed_regions = {code for r in everything for code in r.regions}  # listed anywhere
    assert set(counts["regions"]) == listed_regions
    for code in listed_regions:
        expected = sum(
            1
            for r in rows
            if brute_force(r, chosen, skip="regions")
            and (not r.regions or any(region_covers(listed, code) for listed in r.regions))
        )
        assert counts["regions"][code] == expected, code
    deployments = [r.deployment for r in rows if brute_force(r, chosen, skip="deployment")]
    assert counts["deployment"] == {d: deployments.count(d) for d in set(deployments) if d}
    subsidies = [s for r in rows if brute_force(r, chosen) for s in r.subsidies]
    assert counts["subsidies"] == {s: subsidies.count(s) for s in set(subsidies)}
    registered = sum(
        1 for r in rows if brute_force(r, chosen, skip="subsidy_registered") and r.subsidies
    )
    assert counts["subsidy_registered"]["yes"] == registered
    assert sum(counts["price"].values()) >= 0 and set(counts["price"]) == {
        b for b, _lo, _hi in PRICE_BANDS
    }
    cost = docvalues.monthly_usd(chosen.users)
    priced = [
        i
        for i, r in enumerate(everything)
        if i % every == 0 and brute_force(r, chosen, skip="price")
    ]
    for band, _lo, _hi in PRICE_BANDS:
        assert counts["price"][band] == int(np.count_nonzero(band_mask(cost, band)[priced])), band
