"""Synthetic catalog for bench/search.py: tools in zh-TW/ja/en, and a mix of search requests.

Everything is drawn from a seeded `random.Random`, one per tool, so tool i is the same in
every run and a tool can be rebuilt without keeping the whole corpus in memory.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from dx_match.catalog.pricing import PlanPrice
from dx_match.search.documents import ToolRecord
from dx_match.search.docvalues import Filters, fresh_since

LANGS = ("zh-TW", "ja", "en")
# Function code -> phrases SMEs and vendors use for it, per language.
PHRASES: dict[str, dict[str, tuple[str, ...]]] = {
    "sales.pos": {
        "zh-TW": ("雲端收銀", "POS 收銀系統", "點餐系統", "掃碼點餐", "行動收銀", "自助點餐機"),
        "ja": ("POSレジ", "クラウドPOS", "セルフオーダー", "モバイルオーダー", "レジアプリ"),
        "en": ("cloud POS", "point of sale", "table ordering", "QR ordering", "cash register"),
    },
    "sales.reservation": {
        "zh-TW": ("線上訂位", "預約系統", "預約管理", "候位叫號"),
        "ja": ("予約管理", "ネット予約", "予約システム", "順番待ち受付"),
        "en": ("online booking", "reservations", "appointment scheduling", "waitlist"),
    },
    "sales.crm": {
        "zh-TW": ("客戶管理", "會員管理", "集點卡", "顧客名單"),
        "ja": ("顧客管理", "会員管理", "ポイントカード", "顧客カルテ"),
        "en": ("CRM", "customer management", "loyalty program", "membership"),
    },
    "sales.ecommerce": {
        "zh-TW": ("網路商店", "電商平台", "購物車", "多通路訂單"),
        "ja": ("ネットショップ", "ECサイト構築", "カート", "多店舗販売"),
        "en": ("online store", "e-commerce", "shopping cart", "multichannel orders"),
    },
    "sales.marketing": {
        "zh-TW": ("行銷自動化", "LINE 行銷", "電子報", "社群行銷"),
        "ja": ("マーケティング", "集客", "LINE配信", "メール配信"),
        "en": ("email marketing", "marketing automation", "social media", "campaigns"),
    },
    "sales.support": {
        "zh-TW": ("客服系統", "聊天機器人", "客服工單"),
        "ja": ("カスタマーサポート", "チャットボット", "問い合わせ管理"),
        "en": ("helpdesk", "chatbot", "customer support", "ticketing"),
    },
    "finance.accounting": {
        "zh-TW": ("雲端記帳", "會計系統", "帳務管理", "記帳士"),
        "ja": ("クラウド会計", "会計ソフト", "記帳代行", "仕訳"),
        "en": ("accounting", "bookkeeping", "general ledger", "financial statements"),
    },
    "finance.invoicing": {
        "zh-TW": ("電子發票", "開立發票", "請款單", "發票管理"),
        "ja": ("請求書発行", "インボイス制度対応", "適格請求書", "見積書"),
        "en": ("invoicing", "e-invoices", "billing", "quotes"),
    },
    "finance.payment": {
        "zh-TW": ("行動支付", "金流串接", "刷卡收款"),
        "ja": ("キャッシュレス決済", "QR決済", "カード決済"),
        "en": ("payments", "mobile payments", "card acceptance"),
    },
    "finance.expense": {
        "zh-TW": ("費用報銷", "經費管理", "差旅報帳"),
        "ja": ("経費精算", "交通費精算", "領収書読み取り"),
        "en": ("expense management", "receipts", "travel expenses"),
    },
    "supply.inventory": {
        "zh-TW": ("庫存管理", "進銷存", "盤點", "倉儲管理"),
        "ja": ("在庫管理", "棚卸", "入出庫管理", "倉庫管理"),
        "en": ("inventory", "stock control", "stocktaking", "warehouse management"),
    },
    "supply.procurement": {
        "zh-TW": ("採購管理", "訂單管理", "供應商管理"),
        "ja": ("受発注", "発注管理", "仕入管理"),
        "en": ("procurement", "purchase orders", "supplier management"),
    },
    "supply.logistics": {
        "zh-TW": ("物流配送", "出貨管理", "宅配串接"),
        "ja": ("配送管理", "出荷管理", "送り状発行"),
        "en": ("logistics", "delivery tracking", "shipping labels"),
    },
    "supply.production": {
        "zh-TW": ("生產管理", "製程管理", "工單管理"),
        "ja": ("生産管理", "工程管理", "作業指示"),
        "en": ("production management", "MES", "work orders"),
    },
    "hr.payroll": {
        "zh-TW": ("薪資計算", "勞健保", "薪資單"),
        "ja": ("給与計算", "年末調整", "給与明細"),
        "en": ("payroll", "salary", "payslips"),
    },
    "hr.attendance": {
        "zh-TW": ("排班打卡", "出勤管理", "線上打卡", "班表"),
        "ja": ("勤怠管理", "シフト管理", "タイムカード", "打刻"),
        "en": ("attendance", "shift scheduling", "timesheets", "clock in"),
    },
    "hr.recruiting": {
        "zh-TW": ("人才招募", "徵才", "面試管理"),
        "ja": ("採用管理", "求人", "応募者管理"),
        "en": ("recruiting", "applicant tracking", "hiring"),
    },
    "hr.learning": {
        "zh-TW": ("員工培訓", "線上課程", "教育訓練"),
        "ja": ("社員教育", "eラーニング", "研修管理"),
        "en": ("staff training", "e-learning", "onboarding"),
    },
    "ops.collaboration": {
        "zh-TW": ("團隊協作", "內部溝通", "公告"),
        "ja": ("社内チャット", "情報共有", "グループウェア"),
        "en": ("team chat", "collaboration", "announcements"),
    },
    "ops.documents": {
        "zh-TW": ("電子簽章", "文件管理", "合約管理"),
        "ja": ("電子契約", "文書管理", "ペーパーレス"),
        "en": ("e-signature", "document management", "contracts"),
    },
    "ops.project": {
        "zh-TW": ("專案管理", "任務管理", "工時紀錄"),
        "ja": ("プロジェクト管理", "タスク管理", "工数管理"),
        "en": ("project management", "task tracking", "time tracking"),
    },
    "ops.automation": {
        "zh-TW": ("流程自動化", "RPA", "表單簽核"),
        "ja": ("業務自動化", "ワークフロー", "RPA"),
        "en": ("workflow automation", "RPA", "approvals"),
    },
    "ops.analytics": {
        "zh-TW": ("數據分析", "報表", "營運儀表板"),
        "ja": ("データ分析", "ダッシュボード", "売上分析"),
        "en": ("analytics", "dashboards", "reporting"),
    },
    "ops.security": {
        "zh-TW": ("資訊安全", "端點防護", "備份"),
        "ja": ("情報セキュリティ", "ウイルス対策", "バックアップ"),
        "en": ("cybersecurity", "endpoint protection", "backup"),
    },
    "ops.website": {
        "zh-TW": ("網站建置", "官網", "形象網站"),
        "ja": ("ホームページ作成", "ウェブサイト", "LP作成"),
        "en": ("website builder", "landing pages", "homepage"),
    },
    "ops.iot": {
        "zh-TW": ("物聯網", "設備監控", "感測器"),
        "ja": ("IoT", "設備監視", "センサー"),
        "en": ("IoT", "equipment monitoring", "sensors"),
    },
}
FUNCTIONS = tuple(PHRASES)
# A short product noun per function, for names.
NOUNS: dict[str, tuple[str, str, str]] = {
    "sales": ("商店", "ストア", "Store"),
    "finance": ("帳務", "会計", "Books"),
    "supply": ("庫存", "在庫", "Stock"),
    "hr": ("人資", "ジンジ", "People"),
    "ops": ("雲", "ワークス", "Works"),
}
# Industry code -> how each language names its customers.
INDUSTRIES: dict[str, dict[str, tuple[str, ...]]] = {
    "I56": {
        "zh-TW": ("餐廳", "餐飲業", "咖啡廳"),
        "ja": ("飲食店", "レストラン", "カフェ"),
        "en": ("restaurants", "cafes", "food service"),
    },
    "I55": {
        "zh-TW": ("旅館", "民宿", "飯店"),
        "ja": ("ホテル", "旅館", "宿泊施設"),
        "en": ("hotels", "guesthouses", "inns"),
    },
    "G47": {
        "zh-TW": ("零售店", "門市", "小吃店"),
        "ja": ("小売店", "店舗", "商店街"),
        "en": ("retail shops", "stores", "boutiques"),
    },
    "G46": {
        "zh-TW": ("批發商", "貿易公司"),
        "ja": ("卸売業", "商社"),
        "en": ("wholesalers", "trading companies"),
    },
    "C10": {
        "zh-TW": ("食品工廠", "烘焙坊"),
        "ja": ("食品工場", "製菓"),
        "en": ("food factories", "bakeries"),
    },
    "C25": {
        "zh-TW": ("金屬加工廠", "工廠"),
        "ja": ("町工場", "金属加工"),
        "en": ("metalworking shops", "factories"),
    },
    "F41": {
        "zh-TW": ("營造廠", "裝修公司"),
        "ja": ("工務店", "建設会社"),
        "en": ("builders", "contractors"),
    },
    "Q86": {
        "zh-TW": ("診所", "牙醫診所"),
        "ja": ("クリニック", "歯科医院"),
        "en": ("clinics", "dental practices"),
    },
    "S96": {
        "zh-TW": ("美髮沙龍", "美容院"),
        "ja": ("美容室", "サロン"),
        "en": ("hair salons", "beauty salons"),
    },
    "M69": {
        "zh-TW": ("記帳士事務所", "會計師事務所"),
        "ja": ("会計事務所", "税理士事務所"),
        "en": ("accounting firms", "tax offices"),
    },
    "P85": {
        "zh-TW": ("補習班", "學校"),
        "ja": ("学習塾", "スクール"),
        "en": ("tutoring schools", "schools"),
    },
    "H49": {
        "zh-TW": ("貨運行", "車隊"),
        "ja": ("運送会社", "タクシー会社"),
        "en": ("trucking companies", "fleets"),
    },
}
INDUSTRY_CODES = tuple(INDUSTRIES)
SMALL = {
    "zh-TW": ("中小企業", "小店家", "微型企業"),
    "ja": ("中小企業", "小規模事業者", "個人事業主"),
    "en": ("small businesses", "SMEs", "sole traders"),
}
BENEFITS = {
    "zh-TW": (
        "老闆用手機就能即時查看營收",
        "免安裝、開通當天即可使用",
        "資料自動備份到雲端",
        "支援多門市與多倉庫",
        "介面簡單，員工十分鐘就能上手",
        "提供中文客服與到府教學",
        "與 LINE 官方帳號串接",
        "可匯出 Excel 報表給記帳士",
    ),
    "ja": (
        "スマートフォンで売上をすぐに確認できます",
        "インストール不要で申し込み当日から使えます",
        "データはクラウドに自動でバックアップされます",
        "複数店舗・複数倉庫に対応しています",
        "画面がシンプルで、スタッフもすぐに使いこなせます",
        "導入時は専任スタッフが訪問してサポートします",
        "LINE公式アカウントと連携できます",
        "会計ソフトへCSVで出力できます",
    ),
    "en": (
        "owners see sales on their phone in real time",
        "nothing to install, live the same day",
        "data is backed up to the cloud automatically",
        "works across several shops and warehouses",
        "staff learn it in ten minutes",
        "local support and on-site setup are included",
        "connects to LINE official accounts",
        "exports Excel reports for your accountant",
    ),
}
ZH_BRAND = "翠雲嶺星鼎宏昇順福喜晴禾森光青匠藍恆和泰豐晨曦悅樂安信達遠橙柚竹"
SYLLABLES = (
    ("ka", "カ"),
    ("ki", "キ"),
    ("ku", "ク"),
    ("mo", "モ"),
    ("ri", "リ"),
    ("to", "ト"),
    ("na", "ナ"),
    ("sa", "サ"),
    ("ha", "ハ"),
    ("ya", "ヤ"),
    ("ra", "ラ"),
    ("mi", "ミ"),
    ("no", "ノ"),
    ("ta", "タ"),
    ("ne", "ネ"),
    ("so", "ソ"),
    ("ru", "ル"),
    ("ma", "マ"),
    ("zen", "ゼン"),
    ("ko", "コ"),
    ("lu", "ル"),
    ("vo", "ボ"),
    ("pi", "ピ"),
    ("be", "ベ"),
)
INTEGRATIONS = (
    "csv",
    "api",
    "google-workspace",
    "line",
    "excel",
    "microsoft-365",
    "qualified-invoice-jp",
    "e-invoice-tw",
    "slack",
    "line-pay",
    "stripe",
    "paypay",
    "shopify",
    "shopee",
    "rakuten",
    "quickbooks",
    "freee",
)
TW_SUBSIDIES = ("tw-cloud-market", "tw-smb-digital-training", "tw-taipei-industry", "tw-sbir")
JP_SUBSIDIES = ("jp-it-intro", "tokyo-digital-tools", "jp-jizokuka", "osaka-dx-support")
TW_AREAS = ("TW-TPE", "TW-NWT", "TW-TXG", "TW-KHH", "TW-TNN")
JP_AREAS = ("JP-13", "JP-27", "JP-14", "JP-23", "JP-40", "JP-01")
EPOCH = datetime(2020, 1, 1, tzinfo=UTC)


def _brand(rng: random.Random) -> tuple[str, str, str]:
    """A made-up brand: zh-TW characters, and matching katakana and Latin spellings."""
    parts = rng.sample(SYLLABLES, rng.choice((2, 2, 3)))
    latin = "".join(p[0] for p in parts).capitalize()
    return "".join(rng.sample(ZH_BRAND, 2)), "".join(p[1] for p in parts), latin


def _sentence(lang: str, rng: random.Random, industry: str, phrases: list[str]) -> str:
    who = rng.choice(INDUSTRIES[industry][lang] + SMALL[lang])
    benefit = rng.choice(BENEFITS[lang])
    a, b = rng.sample(phrases, 2) if len(phrases) > 1 else (phrases[0], phrases[0])
    if lang == "zh-TW":
        return rng.choice(
            (
                f"專為{who}設計的{a}，{benefit}。",
                f"{a}結合{b}，{benefit}。",
                f"從{a}到{b}一次搞定，適合{who}。",
                f"{who}常用的{a}工具，{benefit}。",
            )
        )
    if lang == "ja":
        return rng.choice(
            (
                f"{who}向けの{a}サービスです。{benefit}。",
                f"{a}と{b}をひとつにまとめました。",
                f"{who}の{a}をかんたんにします。{benefit}。",
                f"{a}から{b}まで対応。{benefit}。",
            )
        )
    return rng.choice(
        (
            f"{a.capitalize()} for {who}: {benefit}.",
            f"Combines {a} with {b}; {benefit}.",
            f"Built for {who} who need {a} and {b}.",
            f"Simple {a} that {benefit}.",
        )
    )


def synthesize(tool_id: int, seed: int, n_vendors: int) -> ToolRecord:
    """Tool `tool_id` of the synthetic catalog (the same for the same seed)."""
    rng = random.Random(seed * 1_000_003 + tool_id)
    market = rng.choices(("TW", "JP", "INTL"), weights=(45, 45, 10))[0]
    if market == "TW":
        content = ("zh-TW", "en") if rng.random() < 0.7 else ("zh-TW",)
        ui = ("zh-TW", "en") if "en" in content else ("zh-TW",)
        regions = rng.choice((("TW",),) * 5 + ((rng.choice(TW_AREAS),), ("TW", "JP"), ()))
        subsidies = tuple(rng.sample(TW_SUBSIDIES, rng.choice((0, 0, 1, 2))))
    elif market == "JP":
        content = ("ja", "en") if rng.random() < 0.5 else ("ja",)
        ui = ("ja", "en") if "en" in content else ("ja",)
        regions = rng.choice((("JP",),) * 5 + ((rng.choice(JP_AREAS),), ("JP", "TW"), ()))
        subsidies = tuple(rng.sample(JP_SUBSIDIES, rng.choice((0, 0, 1, 2))))
    else:
        content, ui = LANGS, LANGS
        regions = rng.choice(((), ("TW", "JP", "SG"), ("TW", "JP")))
        subsidies = ()
    functions = [rng.choice(FUNCTIONS)]
    group = functions[0].split(".")[0]
    same_group = [f for f in FUNCTIONS if f.startswith(group + ".") and f not in functions]
    functions += rng.sample(same_group, min(len(same_group), rng.choice((0, 1, 1, 2))))
    if rng.random() < 0.3:
        functions.append(rng.choice([f for f in FUNCTIONS if f not in functions]))
    industries = tuple(rng.sample(INDUSTRY_CODES, rng.choice((0, 1, 1, 2))))
    if industries and rng.random() < 0.15:
        industries = (industries[0][:1],)  # a whole ISIC section
    industry = industries[0] if industries and len(industries[0]) > 1 else "G47"
    zh_brand, kana_brand, latin_brand = _brand(rng)
    noun = NOUNS[group]
    names = {
        "zh-TW": zh_brand + noun[0],
        "ja": kana_brand + noun[1],
        "en": f"{latin_brand} {noun[2]}",
    }
    summary, description = {}, {}
    for lang in content:
        phrases = [p for f in functions for p in PHRASES[f][lang]]
        summary[lang] = _sentence(lang, rng, industry, phrases)
        sentences = [_sentence(lang, rng, industry, phrases) for _ in range(rng.randint(3, 6))]
        description[lang] = (" " if lang == "en" else "").join(sentences)
    vendor_no = rng.randrange(n_vendors)
    vrng = random.Random(seed * 7 + vendor_no)
    vzh, vkana, vlatin = _brand(vrng)
    vendor = {"zh-TW": vzh + "科技", "ja": vkana + "株式会社", "en": vlatin + " Inc."}
    return ToolRecord(
        id=tool_id,
        slug=f"tool-{tool_id}",
        name={lang: names[lang] for lang in (*content, "en")},
        summary=summary,
        description=description,
        vendor=vendor,
        functions=tuple(functions),
        industries=industries,
        regions=regions,
        languages=ui,
        deployment=rng.choices(("cloud", "on_premise", "hybrid"), weights=(75, 10, 15))[0],
        trial_days=rng.choice((0, 0, 14, 30)),
        subsidies=subsidies,
        integrations=tuple(rng.sample(INTEGRATIONS, rng.randint(0, 4))),
        plans=_plans(rng, market),
        created_at=EPOCH + timedelta(days=rng.randrange(2300)),
        **_trust(random.Random(seed * 31 + tool_id)),
    )


def _trust(rng: random.Random) -> dict[str, Any]:
    """Ratings (a third of the tools reviewed) and verification days (most in the last two
    years, relative to today like the "fresh" facet), from their own generator so that adding
    them left every other field of the corpus as it was."""
    reviewed = rng.random() < 0.35
    verified = rng.random() < 0.8
    return {
        "rating": round(rng.uniform(2.5, 5.0), 1) if reviewed else None,
        "rating_count": rng.randint(1, 40) if reviewed else 0,
        "verified_at": date.today() - timedelta(days=rng.randrange(730)) if verified else None,
    }


def _plans(rng: random.Random, market: str) -> tuple[PlanPrice, ...]:
    currency, unit = {"TW": ("TWD", 32), "JP": ("JPY", 150), "INTL": ("USD", 1)}[market]
    plans = []
    for _ in range(rng.randint(1, 3)):
        model = rng.choices(
            ("free", "flat_month", "per_user_month", "per_year", "one_time", "quote"),
            weights=(10, 35, 25, 10, 8, 12),
        )[0]
        usd = {
            "per_user_month": rng.choice((3, 5, 8, 12, 20)),
            "per_year": rng.randint(100, 3000),
            "one_time": rng.randint(300, 20000),
        }.get(model, rng.choice((9, 19, 29, 49, 99, 199, 499)))
        price = None if model in {"free", "quote"} else Decimal(usd * unit)
        min_users = rng.choice((None, 3, 5)) if model == "per_user_month" else None
        plans.append(PlanPrice(model, price, None if price is None else currency, min_users))
    return tuple(plans)


def light(record: ToolRecord) -> ToolRecord:
    """The record as the doc-values sidecar keeps it (long texts dropped to save memory)."""
    return replace(record, summary=None, description=None)


# -- requests -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Spec:
    """One query text with the filters its filtered variants use."""

    text: str
    lang: str
    filters: Filters


TYPOS = ("invetory", "payrol", "bookeeping", "reservaton", "atendance", "ecommerse", "invoicng")
FILLERS = {
    "zh-TW": ("適合{i}的{a}", "{i}用的{a}系統", "有沒有便宜的{a}", "{a}推薦"),
    "ja": ("{i}で使える{a}", "{i}向け {a}", "{a} おすすめ", "かんたんな{a}"),
    "en": ("{a} for {i}", "best {a} for {i}", "cheap {a}", "{a} software for small business"),
}


def query_texts(count: int, seed: int, tool_names: list[str]) -> list[tuple[str, str]]:
    """`count` (query, UI language) pairs: words, pairs, phrases, mixed scripts, names, typos."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        lang = rng.choice(LANGS)
        function = rng.choice(FUNCTIONS)
        phrase = rng.choice(PHRASES[function][lang])
        who = rng.choice(INDUSTRIES[rng.choice(INDUSTRY_CODES)][lang])
        kind = rng.choices(
            ("word", "pair", "cloud", "mixed", "sentence", "name", "typo"),
            weights=(34, 24, 10, 10, 14, 5, 3),
        )[0]
        if kind == "pair":
            text = f"{who} {phrase}"
        elif kind == "cloud":
            text = f"{ {'zh-TW': '雲端', 'ja': 'クラウド', 'en': 'cloud'}[lang] } {phrase}"
        elif kind == "mixed":
            other = rng.choice([lg for lg in LANGS if lg != lang])
            text = f"{phrase} {rng.choice(PHRASES[rng.choice(FUNCTIONS)][other])}"
        elif kind == "sentence":
            text = rng.choice(FILLERS[lang]).format(a=phrase, i=who)
        elif kind == "name":
            text, lang = rng.choice(tool_names), "en"
        elif kind == "typo":
            text, lang = rng.choice(TYPOS), "en"
        else:
            text = phrase
        out.append((text.strip(), lang))
    return out


def random_filters(rng: random.Random) -> Filters:
    """One to three filters a visitor of the tool list might set."""
    choices = {
        "functions": lambda: (rng.choice((*FUNCTIONS, "sales", "finance", "hr", "supply", "ops")),),
        "industries": lambda: (rng.choice((*INDUSTRY_CODES, "I", "G", "C")),),
        "regions": lambda: (rng.choice(("TW", "JP", "TW-TPE", "JP-13", "SG")),),
        "languages": lambda: (rng.choice(LANGS),),
        "deployments": lambda: rng.choice((("cloud",), ("on_premise",), ("cloud", "hybrid"))),
        "subsidies": lambda: (rng.choice((*TW_SUBSIDIES, *JP_SUBSIDIES)),),
        "trial": lambda: True,
        "min_rating": lambda: 4.0,
        "verified_since": lambda: fresh_since(date.today()),
        "max_price": lambda: rng.choice((Decimal(1000), Decimal(3000))),
        "price_bands": lambda: (rng.choice(("free", "under_30", "30_100")),),
    }
    names = rng.sample(sorted(choices), rng.choice((1, 1, 2, 2, 3)))
    values = {name: choices[name]() for name in names}
    if "max_price" in values:
        values["currency"] = "TWD"
    return Filters(**values)


def specs(count: int, seed: int, tool_names: list[str]) -> list[Spec]:
    """The benchmark's queries, each with the filters of its filtered variants."""
    rng = random.Random(seed + 1)
    return [
        Spec(text, lang, random_filters(rng)) for text, lang in query_texts(count, seed, tool_names)
    ]
