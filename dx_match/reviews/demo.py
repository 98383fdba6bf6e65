"""Demo adopters with verified reviews and outcome reports, so tool pages show them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from dx_match.accounts.models import Organisation, User
from dx_match.catalog.models import Tool
from dx_match.extensions import db
from dx_match.reviews.adoptions import record_adoption
from dx_match.reviews.aggregates import size_band
from dx_match.reviews.models import OutcomeReport, Review
from dx_match.search.models import SearchOutbox
from dx_match.survey.models import ProfileVersion, SmeProfile

#: (organisation, ISIC class, employees, tool slug, overall, ease, value, support, weeks,
#:  language, text, hours saved a month, cost a month in TWD, function measures)
ADOPTERS: tuple[tuple[Any, ...], ...] = (
    (
        "Demo Beef Noodle House",
        "I56",
        12,
        "meihua-pay-terminal",
        5,
        5,
        4,
        4,
        2,
        "zh-TW",
        "點餐到結帳一台搞定，尖峰時段不再排長龍。",
        14,
        1200,
        {"new_customers_per_month": 40},
    ),
    (
        "Demo Dumpling Bar",
        "I56",
        18,
        "meihua-pay-terminal",
        4,
        4,
        4,
        3,
        3,
        "zh-TW",
        "行動支付對帳變快了，客服回覆稍慢。",
        10,
        1500,
        {"new_customers_per_month": 25},
    ),
    (
        "Demo Tea Stand",
        "I56",
        10,
        "meihua-pay-terminal",
        4,
        5,
        5,
        4,
        1,
        "zh-TW",
        "員工半天就學會，月底對帳省下很多時間。",
        12,
        900,
        {},
    ),
    (
        "Demo Hot Pot Kitchen",
        "I56",
        25,
        "meihua-pay-terminal",
        3,
        3,
        4,
        3,
        6,
        "en",
        "Works, but setting up the menu took longer than promised.",
        8,
        2100,
        {},
    ),
    (
        "Demo Izakaya Taipei",
        "I56",
        22,
        "meihua-pay-terminal",
        5,
        4,
        5,
        5,
        2,
        "ja",
        "キャッシュレス決済の締め作業がほぼ不要になりました。",
        16,
        1300,
        {"no_shows_per_month": 2},
    ),
    (
        "Demo Breakfast Corner",
        "I56",
        6,
        "meihua-pay-terminal",
        4,
        4,
        3,
        4,
        1,
        "zh-TW",
        "小店也負擔得起，發票開立很順。",
        6,
        800,
        {},
    ),
    (
        "Demo Stationery Shop",
        "G47",
        8,
        "jadeledger-einvoice",
        4,
        4,
        5,
        4,
        2,
        "zh-TW",
        "電子發票上傳零失誤。",
        5,
        600,
        {"invoices_per_hour": 60},
    ),
    (
        "Demo Bento Bakery",
        "I56",
        14,
        "jadeledger-einvoice",
        5,
        5,
        4,
        5,
        1,
        "en",
        "E-invoices go out with every order; the accountant is happy.",
        7,
        600,
        {},
    ),
)
SINCE = timedelta(days=200)


def ensure_demo_feedback(today: date) -> int:
    """Create the demo adopters, reviews and 3-month reports that are missing; returns how many."""
    made = 0
    for name, industry, staff, slug, *ratings, lang, text, hours, cost, measures in ADOPTERS:
        tool = db.session.scalar(
            sa.select(Tool).where(Tool.slug == slug, Tool.status == "published")
        )
        if tool is None or db.session.scalar(
            sa.select(Organisation.id).where(Organisation.name == name)
        ):
            continue
        organisation = Organisation(name=name, kind="sme")
        db.session.add(organisation)
        db.session.flush()
        profile = SmeProfile(organisation_id=organisation.id, industry_section=industry[0])
        profile.versions.append(
            ProfileVersion(
                number=1, data={"country": "TW", "industry": industry, "employees": staff}
            )
        )
        db.session.add(profile)
        adoption = record_adoption(organisation.id, tool, today - SINCE, "declared", None)
        adoption.confirmed_at = datetime.now(UTC)
        adoption.reminded_3_at = datetime.now(UTC)
        overall, ease, value, support, weeks = ratings
        band = size_band(staff)
        db.session.add(
            Review(
                organisation_id=organisation.id,
                tool=tool,
                adoption=adoption,
                overall=overall,
                ease=ease,
                value=value,
                support=support,
                weeks_to_live=weeks,
                body=text,
                lang=lang,
                industry_section=industry[0],
                size_band=band,
            )
        )
        db.session.add(
            OutcomeReport(
                adoption=adoption,
                organisation_id=organisation.id,
                tool_id=tool.id,
                milestone=3,
                hours_saved=Decimal(hours),
                monthly_cost=Decimal(cost),
                currency="TWD",
                still_using=True,
                measures=measures,
                industry_section=industry[0],
                size_band=band,
            )
        )
        db.session.add(SearchOutbox(tool_id=tool.id))
        made += 1
    made += _demo_sme_adoption(today)
    db.session.commit()
    return made


def _demo_sme_adoption(today: date) -> int:
    """The demo SME account has used one tool for 13 months: it may review it, reports are due."""
    user = db.session.scalar(sa.select(User).where(User.email == "sme@demo.dx-match.example"))
    tool = db.session.scalar(sa.select(Tool).where(Tool.slug == "jadeledger-einvoice"))
    if user is None or user.organisation_id is None or tool is None:
        return 0
    from dx_match.reviews.adoptions import adoption_of

    if adoption_of(user.organisation_id, tool.id) is not None:
        return 0
    adoption = record_adoption(
        user.organisation_id, tool, today - timedelta(days=400), "declared", user
    )
    adoption.confirmed_at = datetime.now(UTC)
    return 1
