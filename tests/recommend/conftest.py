"""Demo profiles an SME advisor knows well."""

from __future__ import annotations

from typing import Any

from dx_match.recommend.profile import ProfileCodes
from dx_match.taxonomy.services import load_builtin

CAFE_TAIPEI: dict[str, Any] = {
    "id": "cafe-taipei",
    "country": "TW",
    "region": "TW-TPE",
    "industry": "I56",
    "employees": 12,
    "users": 6,
    "capital": 5000000,
    "annual_revenue": 18000000,
    "currency": "TWD",
    "goals": ["sales.pos", "finance.invoicing"],
    "challenges": ["challenge.cost", "challenge.staff_skills"],
    "budget_monthly": 3000,
    "current_tools": ["line-pay", "excel"],
    "deployment": "cloud",
    "languages": ["zh-TW"],
    "notes": "想要減少點餐錯誤，希望能接外送平台訂單",
}
TOKYO_BUILDER: dict[str, Any] = {
    "country": "JP",
    "region": "JP-13",
    "industry": "F43",
    "employees": 35,
    "capital": 20000000,
    "currency": "JPY",
    "goals": ["hr.attendance"],
    "languages": ["ja"],
}
OSAKA_FACTORY: dict[str, Any] = {
    "country": "JP",
    "region": "JP-27",
    "industry": "C25",
    "employees": 80,
    "capital": 90000000,
    "currency": "JPY",
    "goals": ["supply.production"],
    "challenges": ["challenge.leader_talent"],
}
KAOHSIUNG_SHOP: dict[str, Any] = {
    "country": "TW",
    "region": "TW-KHH",
    "industry": "G47",
    "employees": 8,
    "annual_revenue": 9000000,
    "currency": "TWD",
    "goals": ["sales.pos", "sales.ecommerce"],
}
TOKYO_SHOP: dict[str, Any] = {
    "country": "JP",
    "region": "JP-13",
    "industry": "G47",
    "employees": 8,
    "currency": "JPY",
    "goals": ["sales.pos", "finance.accounting"],
}


def builtin_codes() -> ProfileCodes:
    """The codes of the built-in taxonomy and the default rates: what the shipped set may use."""
    terms = load_builtin()
    return ProfileCodes(
        **{
            kind: frozenset(row["code"] for row in terms[kind])
            for kind in ("industries", "functions", "challenges")
        },
        currencies=frozenset({"USD", "TWD", "JPY"}),
    )
