"""Every route × every kind of visitor: who may use it, and what the others get.

`MATRIX` maps each (rule, method) of `app.url_map` to an access rule; a new route without an
entry fails `test_every_route_has_an_entry`. Each entry is then requested as an anonymous
visitor, as each role, and (for private objects) as a member and a non-member, and the status
must be what the rule says: 200/302/4xx, with other users' private objects answering 404.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from dx_match.accounts import api_tokens
from dx_match.catalog.models import Course, Subsidy, Tool, Vendor
from dx_match.db import utcnow
from dx_match.extensions import db
from dx_match.inquiries.models import Inquiry, InquiryMessage
from dx_match.notify.inapp import notify
from dx_match.survey.models import ProfileVersion, SmeProfile
from tests.conftest import AuthActions
from tests.recommend.conftest import CAFE_TAIPEI

ACTORS = ("anonymous", "sme", "vendor", "trainer", "advisor", "admin", "outsider")
SIGNED_IN = ACTORS[1:]
LOGIN = 302  # anonymous visitors are sent to the log-in page


@dataclass(frozen=True)
class Entry:
    """How to request a route, and the status each actor gets (default for anyone unlisted)."""

    url: Callable[[dict[str, Any]], str]
    default: int
    statuses: dict[str, int] = field(default_factory=dict)
    data: dict[str, str] = field(default_factory=dict)

    def expected(self, actor: str) -> int:
        return self.statuses.get(actor, self.default)


def fixed(path: str) -> Callable[[dict[str, Any]], str]:
    return lambda _ctx: path


def public(path: str | Callable[[dict[str, Any]], str], status: int = 200, **kw: Any) -> Entry:
    return Entry(fixed(path) if isinstance(path, str) else path, status, **kw)


def signed_in(path: str, status: int, **kw: Any) -> Entry:
    return Entry(fixed(path), status, {"anonymous": LOGIN}, **kw)


def signed_in_url(url: Callable[[dict[str, Any]], str], status: int) -> Entry:
    return Entry(url, status, {"anonymous": LOGIN})


def admin_only(url: Callable[[dict[str, Any]], str], status: int, **kw: Any) -> Entry:
    statuses = dict.fromkeys(SIGNED_IN, 403) | {"anonymous": LOGIN, "admin": status}
    return Entry(url, status, statuses, **kw)


def members_only(url: Callable[[dict[str, Any]], str]) -> Entry:
    # `sme` is a member of the organisation, `admin` sees every one, the rest are outsiders.
    return Entry(url, 404, {"anonymous": LOGIN, "sme": 200, "admin": 200})


def profile_owners(
    url: Callable[[dict[str, Any]], str], status: int, anonymous: int = 404
) -> Entry:
    # Like members_only, except that anonymous visitors get 404 too (a visitor's profile is
    # reached by the key in their session, so a log-in page would say the profile exists).
    return Entry(url, 404, {"anonymous": anonymous, "sme": status, "admin": status})


def advisors(url: Callable[[dict[str, Any]], str], status: int) -> Entry:
    # The advisor workspace: the advisor (owner of the client and set) only.
    statuses = dict.fromkeys(SIGNED_IN, 403) | {"anonymous": LOGIN, "advisor": status}
    return Entry(url, status, statuses)


def sme_members(url: Callable[[dict[str, Any]], str], status: int) -> Entry:
    # An SME organisation's sets: its member `sme`; the outsider SME gets 404, other roles 403.
    statuses = dict.fromkeys(SIGNED_IN, 403) | {"anonymous": LOGIN, "sme": status, "outsider": 404}
    return Entry(url, status, statuses)


BAD_TOKEN = "not-a-real-token"

MATRIX: dict[tuple[str, str], Entry] = {
    # Catalog and search: public pages.
    ("/", "GET"): public("/"),
    ("/tools", "GET"): public("/tools"),
    ("/search", "GET"): public("/search?q=crm"),
    ("/tools/<slug>", "GET"): public(lambda c: f"/tools/{c['tool']}"),
    ("/compare", "GET"): public(lambda c: f"/compare?t={c['tool']}"),
    ("/vendors/<slug>", "GET"): public(lambda c: f"/vendors/{c['vendor']}"),
    ("/subsidies", "GET"): public("/subsidies"),
    ("/subsidies/<slug>", "GET"): public(lambda c: f"/subsidies/{c['subsidy']}"),
    ("/courses", "GET"): public("/courses"),
    ("/courses/<slug>", "GET"): public(lambda c: f"/courses/{c['course']}"),
    ("/healthz", "GET"): public("/healthz"),
    ("/static/<path:filename>", "GET"): public("/static/css/site.css"),
    # The read API and its document: public, like the pages.
    ("/api/docs", "GET"): public("/api/docs"),
    ("/api/openapi.json", "GET"): public("/api/openapi.json"),
    ("/api/v1/tools", "GET"): public("/api/v1/tools?q=pos"),
    ("/api/v1/tools/<slug>", "GET"): public(lambda c: f"/api/v1/tools/{c['tool']}"),
    ("/api/v1/vendors", "GET"): public("/api/v1/vendors"),
    ("/api/v1/vendors/<slug>", "GET"): public(lambda c: f"/api/v1/vendors/{c['vendor']}"),
    ("/api/v1/subsidies", "GET"): public("/api/v1/subsidies"),
    ("/api/v1/subsidies/<slug>", "GET"): public(lambda c: f"/api/v1/subsidies/{c['subsidy']}"),
    ("/api/v1/courses", "GET"): public("/api/v1/courses"),
    ("/api/v1/courses/<slug>", "GET"): public(lambda c: f"/api/v1/courses/{c['course']}"),
    ("/api/v1/search", "GET"): public("/api/v1/search?q=pos"),
    ("/api/v1/taxonomy", "GET"): public("/api/v1/taxonomy"),
    ("/api/v1/recommend", "POST"): public("/api/v1/recommend", 422),  # a form, not a profile
    # /api/v1/me/...: a bearer token only; a session cookie is no credential there (401 for
    # everyone here). Tokens per role and other vendors' listings: tests/api/test_me.py.
    ("/api/v1/me", "GET"): public("/api/v1/me", 401),
    ("/api/v1/me/listings", "GET"): public("/api/v1/me/listings", 401),
    ("/api/v1/me/tools", "POST"): public("/api/v1/me/tools", 401),
    ("/api/v1/me/courses", "POST"): public("/api/v1/me/courses", 401),
    ("/api/v1/me/tools/<slug>", "GET"): public(lambda c: f"/api/v1/me/tools/{c['tool']}", 401),
    ("/api/v1/me/tools/<slug>", "PUT"): public(lambda c: f"/api/v1/me/tools/{c['tool']}", 401),
    ("/api/v1/me/courses/<slug>", "GET"): public(
        lambda c: f"/api/v1/me/courses/{c['course']}", 401
    ),
    ("/api/v1/me/courses/<slug>", "PUT"): public(
        lambda c: f"/api/v1/me/courses/{c['course']}", 401
    ),
    ("/api/v1/me/revisions/<int:revision_id>/submit", "POST"): public(
        lambda c: f"/api/v1/me/revisions/{c['revision']}/submit", 401
    ),
    # The advisor API: a bearer token with clients:read/clients:write (tests/api/test_advisor_api.py
    # covers other advisors' objects, other roles' tokens and missing scopes).
    ("/api/v1/me/clients", "GET"): public("/api/v1/me/clients", 401),
    ("/api/v1/me/clients", "POST"): public("/api/v1/me/clients", 401),
    ("/api/v1/me/clients/<int:client_id>", "GET"): public("/api/v1/me/clients/1", 401),
    ("/api/v1/me/clients/<int:client_id>/sets", "POST"): public("/api/v1/me/clients/1/sets", 401),
    ("/api/v1/me/sets/<int:set_id>", "GET"): public("/api/v1/me/sets/1", 401),
    ("/api/v1/me/sets/<int:set_id>", "PUT"): public("/api/v1/me/sets/1", 401),
    ("/api/v1/me/sets/<int:set_id>/send", "POST"): public("/api/v1/me/sets/1/send", 401),
    ("/api/v1/me/sets/<int:set_id>/items/<int:item_id>/stage", "POST"): public(
        "/api/v1/me/sets/1/items/1/stage", 401
    ),
    (
        "/api/v1/taxonomy/<any(industries, functions, skills, challenges, regions):kind>",
        "GET",
    ): public("/api/v1/taxonomy/functions"),
    # Accounts: forms anyone may see; an empty POST is rejected field by field (422).
    ("/account/register", "GET"): public("/account/register"),
    ("/account/register", "POST"): public("/account/register", 422),
    ("/account/login", "GET"): public("/account/login"),
    ("/account/login", "POST"): public("/account/login", 422),
    ("/account/login/code", "GET"): public("/account/login/code", 302),  # no pending log-in
    ("/account/login/code", "POST"): public("/account/login/code", 302),
    ("/account/forgot", "GET"): public("/account/forgot"),
    ("/account/forgot", "POST"): public("/account/forgot", 422),
    ("/account/confirm/resend", "POST"): public("/account/confirm/resend", 422),
    ("/account/confirm/<token>", "GET"): public(f"/account/confirm/{BAD_TOKEN}"),  # a button
    ("/account/confirm/<token>", "POST"): public(f"/account/confirm/{BAD_TOKEN}", 400),
    ("/account/reset/<token>", "GET"): public(f"/account/reset/{BAD_TOKEN}", 400),
    ("/account/reset/<token>", "POST"): public(f"/account/reset/{BAD_TOKEN}", 400),
    ("/account/email/confirm/<token>", "GET"): public(f"/account/email/confirm/{BAD_TOKEN}"),
    ("/account/email/confirm/<token>", "POST"): public(f"/account/email/confirm/{BAD_TOKEN}", 400),
    # Signed in: one's own account (no ids in these URLs: nobody can name another's).
    ("/account/", "GET"): signed_in("/account/", 200),
    ("/account/logout", "POST"): signed_in("/account/logout", 302),
    ("/account/email", "POST"): signed_in("/account/email", 422),
    ("/account/password", "POST"): signed_in("/account/password", 422),
    ("/account/totp", "GET"): signed_in("/account/totp", 200),
    ("/account/totp", "POST"): signed_in("/account/totp", 422),
    ("/account/totp/disable", "POST"): signed_in("/account/totp/disable", 422),
    ("/account/tokens", "GET"): signed_in("/account/tokens", 200),
    ("/account/tokens", "POST"): signed_in("/account/tokens", 422),
    # A personal token: its owner (`sme`) revokes it; everyone else, admins too, gets 404.
    ("/account/tokens/<int:token_id>/revoke", "POST"): Entry(
        lambda c: f"/account/tokens/{c['api_token']}/revoke", 404, {"anonymous": LOGIN, "sme": 302}
    ),
    # Notifications: one's own list and choices; another's notification answers 404 (admins too).
    ("/notifications", "GET"): signed_in("/notifications", 200),
    ("/notifications/read", "POST"): signed_in("/notifications/read", 303),
    ("/notifications/email", "POST"): signed_in("/notifications/email", 303),
    ("/notifications/<int:notification_id>/open", "POST"): Entry(
        lambda c: f"/notifications/{c['notification']}/open", 404, {"anonymous": LOGIN, "sme": 303}
    ),
    ("/notifications/<int:notification_id>/read", "POST"): Entry(
        lambda c: f"/notifications/{c['notification']}/read", 404, {"anonymous": LOGIN, "sme": 303}
    ),
    # Private objects: members and admins only; others get 404, not 403.
    ("/organisations/<int:organisation_id>", "GET"): members_only(
        lambda c: f"/organisations/{c['organisation']}"
    ),
    # DX survey: anyone may fill it in (an empty step is refused field by field).
    ("/survey/", "GET"): public("/survey/"),
    ("/survey/start", "POST"): public("/survey/start", 302),
    ("/survey/step/<int:number>", "GET"): public("/survey/step/1"),
    ("/survey/step/<int:number>", "POST"): public("/survey/step/1", 422),
    # Saved profiles: the organisation's members and admins (a visitor's own by its session
    # key, tested in tests/survey); everyone else, anonymous included, gets 404.
    ("/profiles/<int:profile_id>", "GET"): profile_owners(
        lambda c: f"/profiles/{c['profile']}", 200
    ),
    ("/profiles/<int:profile_id>/history", "GET"): profile_owners(
        lambda c: f"/profiles/{c['profile']}/history", 200
    ),
    ("/profiles/<int:profile_id>/edit", "POST"): profile_owners(
        lambda c: f"/profiles/{c['profile']}/edit", 302
    ),
    # An empty reaction is refused with a message back on the page (303); log-in first.
    ("/profiles/<int:profile_id>/feedback", "POST"): profile_owners(
        lambda c: f"/profiles/{c['profile']}/feedback", 303, anonymous=LOGIN
    ),
    # Inquiries: SMEs and visitors ask; other roles may not (403). Empty POSTs: 422 per field.
    ("/inbox/ask/<any(tool, course):listing_kind>/<slug>", "GET"): Entry(
        lambda c: f"/inbox/ask/tool/{c['tool']}",
        403,
        {"anonymous": 200, "sme": 200, "outsider": 200},
    ),
    ("/inbox/ask/<any(tool, course):listing_kind>/<slug>", "POST"): Entry(
        lambda c: f"/inbox/ask/course/{c['course']}",
        403,
        {"anonymous": 422, "sme": 422, "outsider": 422},
    ),
    ("/inbox", "GET"): signed_in("/inbox", 200),
    # An inquiry's thread: its asker (`sme`) and admins read it; everyone else gets 404.
    ("/inbox/<int:inquiry_id>", "GET"): members_only(lambda c: f"/inbox/{c['inquiry']}"),
    ("/inbox/<int:inquiry_id>/reply", "POST"): Entry(
        lambda c: f"/inbox/{c['inquiry']}/reply",
        404,
        {"anonymous": LOGIN, "sme": 422, "admin": 422},
    ),
    ("/inbox/<int:inquiry_id>/close", "POST"): Entry(  # admins read threads, never act in them
        lambda c: f"/inbox/{c['inquiry']}/close",
        404,
        {"anonymous": LOGIN, "sme": 302, "admin": 403},
    ),
    ("/inbox/<int:inquiry_id>/read", "POST"): Entry(
        lambda c: f"/inbox/{c['inquiry']}/read", 404, {"anonymous": LOGIN, "sme": 302, "admin": 403}
    ),
    ("/inbox/visitor/<token>", "GET"): public(f"/inbox/visitor/{BAD_TOKEN}", 404),
    ("/inbox/visitor/<token>", "POST"): public(f"/inbox/visitor/{BAD_TOKEN}", 404),
    ("/leads", "GET"): Entry(
        fixed("/leads"), 403, {"anonymous": LOGIN, "vendor": 200, "trainer": 200}
    ),
    ("/leads.csv", "GET"): Entry(
        fixed("/leads.csv"), 403, {"anonymous": LOGIN, "vendor": 200, "trainer": 200}
    ),
    # Dashboards: vendors list tools, trainers courses; someone else's listing answers 404.
    ("/dashboard", "GET"): Entry(
        fixed("/dashboard"), 403, {"anonymous": LOGIN, "vendor": 200, "trainer": 200, "admin": 302}
    ),
    ("/dashboard/<any(tool, course):kind>/new", "GET"): Entry(
        fixed("/dashboard/tool/new"), 403, {"anonymous": LOGIN, "vendor": 200}
    ),
    ("/dashboard/<any(tool, course):kind>/new", "POST"): Entry(
        fixed("/dashboard/course/new"), 403, {"anonymous": LOGIN, "trainer": 422}
    ),
    ("/dashboard/<any(tool, course):kind>/<slug>/edit", "GET"): Entry(
        lambda c: f"/dashboard/tool/{c['tool']}/edit", 403, {"anonymous": LOGIN, "vendor": 404}
    ),
    ("/dashboard/<any(tool, course):kind>/<slug>/edit", "POST"): Entry(
        lambda c: f"/dashboard/course/{c['course']}/edit", 403, {"anonymous": LOGIN, "trainer": 404}
    ),
    ("/dashboard/<any(tool, course):kind>/<slug>/archive", "POST"): Entry(
        lambda c: f"/dashboard/tool/{c['tool']}/archive", 403, {"anonymous": LOGIN, "vendor": 404}
    ),
    ("/dashboard/revisions/<int:revision_id>", "GET"): Entry(
        lambda c: f"/dashboard/revisions/{c['revision']}",
        403,
        {"anonymous": LOGIN, "vendor": 404, "trainer": 404, "admin": 200},
    ),
    ("/dashboard/revisions/<int:revision_id>/submit", "POST"): Entry(
        lambda c: f"/dashboard/revisions/{c['revision']}/submit",
        403,
        {"anonymous": LOGIN, "vendor": 404, "trainer": 404},
    ),
    ("/dashboard/upload", "GET"): Entry(
        fixed("/dashboard/upload"), 403, {"anonymous": LOGIN, "vendor": 200, "trainer": 200}
    ),
    ("/dashboard/upload", "POST"): Entry(
        fixed("/dashboard/upload"), 403, {"anonymous": LOGIN, "vendor": 422, "trainer": 422}
    ),
    ("/uploads/logos/<name>", "GET"): public("/uploads/logos/" + "0" * 32 + ".png", 404),
    # Moderation and the audit log: admins only.
    ("/admin/moderation", "GET"): admin_only(fixed("/admin/moderation"), 200),
    ("/admin/moderation/<int:revision_id>", "GET"): admin_only(
        lambda c: f"/admin/moderation/{c['revision']}", 200
    ),
    ("/admin/moderation/<int:revision_id>/approve", "POST"): admin_only(
        lambda c: f"/admin/moderation/{c['revision']}/approve", 302
    ),
    ("/admin/moderation/<int:revision_id>/reject", "POST"): admin_only(
        lambda c: f"/admin/moderation/{c['revision']}/reject", 302, data={"reason": "Incomplete"}
    ),
    ("/admin/audit", "GET"): admin_only(fixed("/admin/audit?actor=admin"), 200),
    ("/admin/taxonomy", "GET"): admin_only(fixed("/admin/taxonomy"), 200),
    ("/admin/taxonomy", "POST"): admin_only(fixed("/admin/taxonomy"), 422),
    ("/admin/subsidies", "GET"): admin_only(fixed("/admin/subsidies"), 200),
    ("/admin/subsidies/new", "GET"): admin_only(fixed("/admin/subsidies/new"), 200),
    ("/admin/subsidies/new", "POST"): admin_only(fixed("/admin/subsidies/new"), 422),
    ("/admin/subsidies/<slug>/edit", "GET"): admin_only(
        lambda c: f"/admin/subsidies/{c['subsidy']}/edit", 200
    ),
    ("/admin/subsidies/<slug>/edit", "POST"): admin_only(
        lambda c: f"/admin/subsidies/{c['subsidy']}/edit", 422
    ),
    # Advisor workspace: advisors only (others 403); another advisor's client or set is 404,
    # tested in tests/advisory/test_privacy.py. The client and set here are the advisor's own.
    ("/advisor/clients", "GET"): advisors(fixed("/advisor/clients"), 200),
    ("/advisor/clients", "POST"): advisors(fixed("/advisor/clients"), 422),
    ("/advisor/clients/<int:client_id>", "GET"): advisors(
        lambda c: f"/advisor/clients/{c['client']}", 200
    ),
    ("/advisor/clients/<int:client_id>/invite", "POST"): advisors(
        lambda c: f"/advisor/clients/{c['client']}/invite", 303
    ),
    ("/advisor/clients/<int:client_id>/survey", "POST"): advisors(
        lambda c: f"/advisor/clients/{c['client']}/survey", 303
    ),
    ("/advisor/clients/<int:client_id>/sets", "POST"): advisors(
        lambda c: f"/advisor/clients/{c['client']}/sets", 303
    ),
    ("/advisor/sets/<int:set_id>", "GET"): advisors(lambda c: f"/advisor/sets/{c['set']}", 200),
    ("/advisor/sets/<int:set_id>", "POST"): advisors(  # no version: stale, text kept
        lambda c: f"/advisor/sets/{c['set']}", 409
    ),
    ("/advisor/sets/<int:set_id>/preview", "GET"): advisors(
        lambda c: f"/advisor/sets/{c['set']}/preview", 200
    ),
    ("/advisor/sets/<int:set_id>/send", "POST"): advisors(  # no contact e-mail: back with a message
        lambda c: f"/advisor/sets/{c['set']}/send", 303
    ),
    ("/advisor/sets/<int:set_id>/items/<int:item_id>/stage", "POST"): advisors(
        lambda c: f"/advisor/sets/{c['set']}/items/{c['item']}/stage",
        409,  # a draft: not yet
    ),
    ("/advisor/sets/<int:set_id>/items/<int:item_id>/contract", "POST"): advisors(
        lambda c: f"/advisor/sets/{c['set']}/items/{c['item']}/contract",
        409,  # a draft: not yet
    ),
    # Deadlines: the advisor's own clients only (another advisor's client is 404, tested in
    # tests/advisory/test_calendar_views.py).
    ("/advisor/calendar", "GET"): advisors(fixed("/advisor/calendar"), 200),
    ("/advisor/calendar.ics", "GET"): advisors(fixed("/advisor/calendar.ics"), 200),
    ("/advisor/clients/<int:client_id>/calendar.ics", "GET"): advisors(
        lambda c: f"/advisor/clients/{c['client']}/calendar.ics", 200
    ),
    # The SME side: an invitation link anyone may open (a bad one is 404); sets of one's own
    # organisation (the sent set here belongs to `sme`); everyone else 404, other roles 403.
    ("/clients/claim/<token>", "GET"): public(f"/clients/claim/{BAD_TOKEN}", 404),
    ("/clients/claim/<token>", "POST"): public(f"/clients/claim/{BAD_TOKEN}", 404),
    ("/advisor/sets/<int:set_id>/proposal", "GET"): advisors(
        lambda c: f"/advisor/sets/{c['set']}/proposal", 200
    ),
    ("/advisor/sets/<int:set_id>/proposal.pdf", "GET"): advisors(
        lambda c: f"/advisor/sets/{c['set']}/proposal.pdf", 200
    ),
    ("/advisor/outcomes", "GET"): advisors(fixed("/advisor/outcomes"), 200),
    ("/advisor/outcomes.csv", "GET"): advisors(fixed("/advisor/outcomes.csv"), 200),
    ("/admin/advisor-outcomes", "GET"): admin_only(fixed("/admin/advisor-outcomes"), 200),
    ("/sets/<int:set_id>/proposal", "GET"): sme_members(
        lambda c: f"/sets/{c['sent_set']}/proposal", 200
    ),
    ("/sets/<int:set_id>/proposal.pdf", "GET"): sme_members(
        lambda c: f"/sets/{c['sent_set']}/proposal.pdf", 200
    ),
    ("/sets", "GET"): Entry(fixed("/sets"), 403, {"anonymous": LOGIN, "sme": 200, "outsider": 200}),
    ("/sets/<int:set_id>", "GET"): sme_members(lambda c: f"/sets/{c['sent_set']}", 200),
    ("/sets/<int:set_id>/items/<int:item_id>/respond", "POST"): sme_members(
        lambda c: f"/sets/{c['sent_set']}/items/{c['sent_item']}/respond", 422
    ),
    ("/sets/advisors/<int:client_id>/revoke", "POST"): sme_members(
        lambda c: f"/sets/advisors/{c['claimed_client']}/revoke", 303
    ),
    # Reviews: only a confirmed adopter (`sme`) reviews; others see why (403), visitors log in.
    ("/tools/<slug>/review", "GET"): Entry(
        lambda c: f"/tools/{c['tool']}/review", 403, {"anonymous": LOGIN, "sme": 200}
    ),
    ("/tools/<slug>/review", "POST"): Entry(
        lambda c: f"/tools/{c['tool']}/review", 403, {"anonymous": LOGIN, "sme": 422}
    ),
    ("/tools/<slug>/adoption", "POST"): Entry(
        lambda c: f"/tools/{c['tool']}/adoption",
        403,
        {"anonymous": LOGIN, "sme": 422, "outsider": 422},
    ),
    # Marking an inquiry "became a customer": the inquiry's vendor only (nobody here owns it).
    ("/inbox/<int:inquiry_id>/customer", "POST"): Entry(
        lambda c: f"/inbox/{c['inquiry']}/customer", 404, {"anonymous": LOGIN}
    ),
    ("/adoptions", "GET"): Entry(
        fixed("/adoptions"), 403, {"anonymous": LOGIN, "sme": 200, "outsider": 200, "vendor": 302}
    ),
    ("/adoptions/customers", "GET"): Entry(
        fixed("/adoptions/customers"), 403, {"anonymous": LOGIN, "vendor": 200}
    ),
    # A declared adoption is confirmed by the tool's vendor only (nobody here owns it).
    ("/adoptions/<int:adoption_id>/confirm", "POST"): Entry(
        lambda c: f"/adoptions/{c['adoption']}/confirm", 404, {"anonymous": LOGIN}
    ),
    ("/adoptions/<int:adoption_id>/outcome/<int:milestone>", "GET"): Entry(
        lambda c: f"/adoptions/{c['adoption']}/outcome/3", 404, {"anonymous": LOGIN, "sme": 200}
    ),
    ("/adoptions/<int:adoption_id>/outcome/<int:milestone>", "POST"): Entry(
        lambda c: f"/adoptions/{c['adoption']}/outcome/12", 404, {"anonymous": LOGIN, "sme": 422}
    ),
    ("/reviews/<int:review_id>/report", "POST"): signed_in_url(
        lambda c: f"/reviews/{c['review']}/report", 422
    ),
    # The reviewed tool's vendor replies (nobody here owns it: 404); other roles 403.
    ("/reviews/<int:review_id>/reply", "POST"): Entry(
        lambda c: f"/reviews/{c['review']}/reply", 403, {"anonymous": LOGIN, "vendor": 404}
    ),
    ("/admin/reviews", "GET"): admin_only(fixed("/admin/reviews"), 200),
    ("/admin/reviews/<int:review_id>/<any(hide, unhide):action>", "POST"): admin_only(
        lambda c: f"/admin/reviews/{c['review']}/hide", 422
    ),
    # Admin.
    # Fraud-risk signals: admins only; a vendor confirms only its own tools' prices.
    ("/admin/signals", "GET"): admin_only(fixed("/admin/signals"), 200),
    ("/admin/signals/<int:signal_id>/decide", "POST"): admin_only(
        lambda c: f"/admin/signals/{c['signal']}/decide", 422
    ),
    ("/dashboard/tool/<slug>/confirm-prices", "POST"): Entry(
        lambda c: f"/dashboard/tool/{c['tool']}/confirm-prices",
        403,
        {"anonymous": LOGIN, "vendor": 404},
    ),
    ("/admin/users", "GET"): admin_only(fixed("/admin/users"), 200),
    ("/admin/users/<int:user_id>/active", "POST"): admin_only(
        lambda c: f"/admin/users/{c['target']}/active", 302, data={"active": "1"}
    ),
}


def url_map_entries(app: Flask) -> set[tuple[str, str]]:
    return {
        (rule.rule, method)
        for rule in app.url_map.iter_rules()
        for method in rule.methods or ()
        if method not in {"HEAD", "OPTIONS"}
    }


def test_every_route_has_an_entry(app: Flask) -> None:
    routes = url_map_entries(app)
    missing = sorted(routes - MATRIX.keys())
    assert not missing, f"routes without an authorization entry in MATRIX: {missing}"
    assert not sorted(MATRIX.keys() - routes), "MATRIX names routes that no longer exist"


@pytest.fixture
def context(make_user) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Sample slugs and ids, and one signed-in user per actor."""

    def first(model: Any) -> str:
        query = sa.select(model.slug).order_by(model.slug).limit(1)
        if hasattr(model, "status"):
            query = query.where(model.status == "published")
        return str(db.session.scalar(query))

    users = {actor: make_user("sme" if actor == "outsider" else actor) for actor in SIGNED_IN}
    profile = SmeProfile(organisation_id=users["sme"].organisation_id, industry_section="I")
    profile.versions.append(ProfileVersion(number=1, data=CAFE_TAIPEI))
    db.session.add(profile)
    tool = db.session.scalars(sa.select(Tool).where(Tool.status == "published").limit(1)).one()
    asker = users["sme"]
    inquiry = Inquiry(
        kind="quote",
        tool=tool,
        vendor_id=tool.vendor_id,
        asker=asker,
        asker_organisation_id=asker.organisation_id,
        name=asker.display_name,
        email=asker.email,
    )
    inquiry.messages.append(InquiryMessage(author="asker", user=asker, body="How much?"))
    db.session.add(inquiry)
    notification = notify(asker.id, "inquiry_message", {"listing": "X"}, "/inbox", mail=False)
    db.session.commit()
    workspace = _advisor_workspace(users["advisor"], users["sme"], profile)
    adoption, review = _adoption_and_review(first(Tool), asker)
    return {
        **workspace,
        "tool": first(Tool),
        "vendor": first(Vendor),
        "subsidy": first(Subsidy),
        "course": first(Course),
        "organisation": users["sme"].organisation_id,
        "target": make_user("vendor", active=False).id,
        "profile": profile.id,
        "inquiry": inquiry.id,
        "notification": notification.id,
        "adoption": adoption,
        "review": review,
        "revision": _pending_revision(first(Vendor), users["admin"]),
        "signal": _open_signal(first(Tool)),
        "api_token": api_tokens.create(users["sme"], "matrix", ["account:read"], 30).token.id,
        "users": users,
    }


def _advisor_workspace(advisor: Any, sme: Any, profile: SmeProfile) -> dict[str, int]:
    """A draft set for an unclaimed client of the advisor, and a sent set `sme`'s org claimed."""
    from dx_match.advisory.models import AdvisorClient, RecommendationSet, SetItem

    draft_client = AdvisorClient(advisor_id=advisor.id, name="Draft client", locale="en")
    claimed = AdvisorClient(
        advisor_id=advisor.id,
        name="Claimed client",
        locale="en",
        contact_email="owner@example.com",
        organisation_id=sme.organisation_id,
        profile_id=profile.id,
    )
    draft = RecommendationSet(client=draft_client, state="draft", profile_version=1)
    draft.items.append(SetItem(item_kind="tool", item_slug="x", snapshot={"name": "X"}))
    sent = RecommendationSet(client=claimed, state="sent", profile_version=1, sent_at=utcnow())
    sent.items.append(SetItem(item_kind="tool", item_slug="x", snapshot={"name": "X"}))
    db.session.add_all([draft_client, claimed, draft, sent])
    db.session.commit()
    return {
        "client": draft_client.id,
        "set": draft.id,
        "item": draft.items[0].id,
        "claimed_client": claimed.id,
        "sent_set": sent.id,
        "sent_item": sent.items[0].id,
    }


def _open_signal(tool_slug: str) -> int:
    """An open fraud-risk signal about a published tool."""
    from dx_match.trust.models import TrustSignal

    signal = TrustSignal(
        detector="free_offer", subject_kind="tool", subject_key=tool_slug, score=0.9,
        reasons=[], evidence="0" * 64,
    )  # fmt: skip
    db.session.add(signal)
    db.session.commit()
    return signal.id


def _adoption_and_review(tool_slug: str, sme: Any) -> tuple[int, int]:
    """A confirmed adoption (since 2025, so both outcome reports are due) and its review."""
    from datetime import date

    from dx_match.db import utcnow
    from dx_match.reviews.models import Adoption, Review

    tool = db.session.scalars(sa.select(Tool).where(Tool.slug == tool_slug)).one()
    adoption = Adoption(
        organisation_id=sme.organisation_id,
        tool=tool,
        since=date(2025, 1, 6),
        source="declared",
        confirmed_at=utcnow(),
    )
    review = Review(
        organisation_id=sme.organisation_id,
        tool=tool,
        adoption=adoption,
        overall=4,
        ease=4,
        value=4,
        support=4,
        body="Fine",
    )
    db.session.add_all([adoption, review])
    db.session.commit()
    return adoption.id, review.id


def _pending_revision(vendor_slug: str, author: Any) -> int:
    """A valid new-tool revision of a demo vendor, waiting for review (nobody here owns it)."""
    from dx_match.listings.models import ListingRevision

    vendor = db.session.scalars(sa.select(Vendor).where(Vendor.slug == vendor_slug)).one()
    row = {
        "slug": "matrix-tool",
        "vendor": vendor.slug,
        "name": "Matrix",
        "functions": ["sales.pos"],
        "plans": [{"model": "quote"}],
    }
    revision = ListingRevision(
        kind="tool", slug="matrix-tool", vendor=vendor, row=row, state="pending", base="new"
    )
    revision.author = author
    db.session.add(revision)
    db.session.commit()
    return revision.id


@pytest.mark.parametrize(
    ("rule", "method"), [pytest.param(r, m, id=f"{m} {r}") for r, m in sorted(MATRIX)]
)
def test_route_answers_each_actor_as_the_matrix_says(
    app: Flask, context: dict[str, Any], rule: str, method: str
) -> None:
    entry = MATRIX[(rule, method)]
    url = entry.url(context)
    got: dict[str, int] = {}
    for actor in ACTORS:
        client = app.test_client()
        if actor != "anonymous":
            assert AuthActions(client).login(context["users"][actor]).status_code == 302
        with client.open(url, method=method, data=entry.data) as response:
            got[actor] = response.status_code
            if response.mimetype == "text/html":
                assert "nonce-" in response.headers["Content-Security-Policy"]
    assert got == {actor: entry.expected(actor) for actor in ACTORS}
