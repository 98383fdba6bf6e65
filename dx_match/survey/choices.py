"""The options of the questionnaire, from the taxonomy, labelled in the viewer's language."""

from __future__ import annotations

from flask import current_app
from wtforms.fields.choices import SelectChoice

from dx_match.config import UI_LANGUAGES
from dx_match.i18n import localized
from dx_match.survey import queries
from dx_match.survey.forms import Choices, SurveyChoices
from dx_match.taxonomy.codes import FUNCTION_GROUPS

#: Languages named in themselves, so each reader finds their own.
LANGUAGE_NAMES = {"zh-TW": "繁體中文", "ja": "日本語", "en": "English"}
#: Countries whose subdivisions the survey offers (the subsidies of both are regional).
REGION_COUNTRIES = ("TW", "JP")
#: The currency a company in each country most likely thinks in.
CURRENCY_BY_COUNTRY = {"TW": "TWD", "JP": "JPY"}


def survey_choices(lang: str) -> SurveyChoices:
    """Every option, labelled in `lang`."""
    terms = queries.survey_terms()
    names = {(kind, code): localized(name, lang) for kind, code, _parent, name in terms}
    countries = sorted(
        (SelectChoice(code, names[(kind, code)]) for kind, code, _p, _n in terms
         if kind == "regions" and "-" not in code),
        key=lambda c: (c.value not in REGION_COUNTRIES, c.value),
    )  # fmt: skip
    regions = [
        SelectChoice(code, names[(kind, code)], optgroup=names.get((kind, code[:2]), code[:2]))
        for kind, code, _p, _n in terms
        if kind == "regions" and "-" in code and code[:2] in REGION_COUNTRIES
    ]
    # Sections unindented, their divisions under them: one list people can scan.
    industries = [
        SelectChoice(code, f"{code} {names[(kind, code)]}" if len(code) == 1
                     else f"\u3000{code} {names[(kind, code)]}")
        for kind, code, _p, _n in terms if kind == "industries"
    ]  # fmt: skip
    functions: Choices = []
    for group in FUNCTION_GROUPS:
        label = names.get(("functions", group), group)
        functions.append(SelectChoice(group, label, optgroup=label))
        functions.extend(
            SelectChoice(code, names[(kind, code)], optgroup=label)
            for kind, code, parent, _n in terms
            if kind == "functions" and parent == group
        )
    challenges = [
        SelectChoice(code, names[(kind, code)]) for kind, code, _p, _n in terms
        if kind == "challenges"
    ]  # fmt: skip
    currencies = [SelectChoice(c, c) for c in sorted(current_app.config["DX_RATES"])]
    languages = [SelectChoice(tag, LANGUAGE_NAMES.get(tag, tag)) for tag in UI_LANGUAGES]
    return SurveyChoices(
        countries, regions, industries, functions, challenges, currencies, languages
    )


def default_currency(country: str) -> str:
    """The currency proposed for a country (US dollars when there is no better guess)."""
    rates = current_app.config["DX_RATES"]
    currency = CURRENCY_BY_COUNTRY.get(country, "USD")
    return currency if currency in rates else sorted(rates)[0]
