"""Reason codes and detector names as sentences in the viewer's language (zh-TW, ja, en)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l

SENTENCES: dict[str, Any] = {
    "price_high": _l(
        "The monthly price per user, %(price)s, is %(ratio)s times the median %(median)s of "
        "%(count)s tools for the same function (%(function)s)."
    ),
    "price_low": _l(
        "The monthly price per user, %(price)s, is far below the median %(median)s of "
        "%(count)s tools for the same function (%(function)s)."
    ),
    "free_offer": _l(
        "The listing promises “%(phrases)s” together with subsidy wording (“%(subsidy)s”)."
    ),
    "price_rise": _l(
        "Plan %(plan)s rose from %(old)s to %(new)s %(currency)s on %(date)s, %(days)s days "
        "before the subsidy %(subsidy)s opened."
    ),
    "rejected_listings": _l(
        "%(rejected)s of this vendor’s %(reviewed)s reviewed listing revisions were rejected."
    ),
    "flagged_reviews": _l(
        "%(flagged)s of the %(reviews)s reviews of this vendor’s tools were reported or hidden."
    ),
    "review_burst": _l(
        "%(count)s reviews within %(days)s days from %(start)s, %(new)s of them from accounts "
        "or companies registered less than %(age)s days before."
    ),
}

DETECTOR_NAMES: dict[str, Any] = {
    "price_outlier": _l("Price outlier"),
    "free_offer": _l("“Free” offer with subsidy wording"),
    "price_rise": _l("Price rise before a subsidy window"),
    "rejected_listings": _l("Many rejected listings"),
    "flagged_reviews": _l("Many reported or hidden reviews"),
    "review_burst": _l("Review burst from new accounts"),
}


def sentence(reason: Mapping[str, Any]) -> str:
    """A stored reason ({"code", "params"}) as a sentence; an unknown code shows as itself."""
    template = SENTENCES.get(str(reason.get("code")))
    if template is None:
        return str(reason.get("code"))
    return str(template) % dict(reason.get("params") or {})


def detector_name(name: str) -> str:
    """A detector's label (plug-in detectors without one show their name)."""
    label = DETECTOR_NAMES.get(name)
    return str(label) if label is not None else name
