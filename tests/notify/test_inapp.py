"""In-app notifications: the notify() API, rendering in the reader's language, the page, the
bell, marking read, e-mail preferences, pruning, and the hooks in inquiries and listings."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask, g
from flask.testing import FlaskClient

from dx_match.catalog.models import Tool
from dx_match.db import utcnow
from dx_match.extensions import db
from dx_match.notify import kinds
from dx_match.notify.inapp import notify, prune, wants_email
from dx_match.notify.models import Notification
from tests.conftest import AuthActions
from tests.listings.conftest import VENDOR, tool_form, vendor_row
from tests.test_security import csrf_token

LISTING = {"en": "Quokka Books", "zh-TW": "袋鼠記帳", "ja": "クオッカ会計"}


def signed_in(app: Flask, user: Any) -> FlaskClient:
    client = app.test_client()
    assert AuthActions(client).login(user).status_code == 302
    return client


def notifications_of(user: Any) -> list[Notification]:
    query = sa.select(Notification).where(Notification.user_id == user.id)
    return list(db.session.scalars(query.order_by(Notification.id)))


@pytest.fixture
def request_context(app: Flask) -> Iterator[None]:
    with app.test_request_context():
        yield


# The API --------------------------------------------------------------------------------------


def test_notify_writes_in_the_callers_transaction(make_user, request_context) -> None:  # type: ignore[no-untyped-def]
    user = make_user("sme")
    notify(user.id, "inquiry_message", {"listing": "X"}, "/inbox/1", mail=False)
    db.session.rollback()
    assert notifications_of(user) == []  # rolled back with the change: nobody is told
    notify(user.id, "inquiry_message", {"listing": "X"}, "/inbox/1", mail=False)
    db.session.commit()
    [row] = notifications_of(user)
    assert (row.kind, row.link, row.read_at) == ("inquiry_message", "/inbox/1", None)


@pytest.mark.parametrize(
    "link",
    [
        "https://evil.example/",
        "//evil.example/x",
        "/\\evil.example",
        "javascript:alert(1)",
        "inbox/1",
        "",
        "/x\n",
        "/" + "a" * 600,
    ],
)
def test_links_must_be_local_paths(make_user, request_context, link: str) -> None:  # type: ignore[no-untyped-def]
    user = make_user("sme")
    with pytest.raises(ValueError, match="path on this site"):
        notify(user.id, "inquiry_message", {"listing": "X"}, link)


def test_unknown_kind_is_refused_when_written(make_user, request_context) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="unknown notification kind"):
        notify(make_user("sme").id, "no_such_kind", {}, "/")


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "A new message about Quokka Books"),
        ("zh-TW", "袋鼠記帳"),
        ("ja", "クオッカ会計"),
    ],
)
def test_text_is_rendered_in_the_readers_language(app: Flask, lang: str, expected: str) -> None:
    from flask_babel import force_locale

    from dx_match.i18n import BABEL_LOCALES

    with app.test_request_context(), force_locale(BABEL_LOCALES[lang]):
        text = kinds.render("inquiry_message", {"listing": LISTING}, lang)
    assert expected in text
    if lang != "en":
        assert "A new message" not in text  # the sentence is translated too


@pytest.mark.parametrize(
    ("kind", "params"),
    [
        ("gone_kind", {"x": 1}),  # a kind removed since the row was written
        ("inquiry_message", {}),  # params that do not fit its format string
        ("inquiry_message", None),
        ("listing_approved", {"slug": "%(x)s", 3: "odd key"}),
    ],
)
def test_rows_that_cannot_be_rendered_get_a_safe_text(
    app: Flask, kind: str, params: dict[str, Any] | None
) -> None:
    with app.test_request_context():
        text = kinds.render(kind, params, "en")
    if kind == "listing_approved":
        assert text == "Your listing %(x)s was approved and is live"  # values are not formats
    else:
        assert text == "You have a new notification"


# The page and the bell ------------------------------------------------------------------------


def test_page_lists_newest_first_highlights_unread_and_follows_the_language(  # type: ignore[no-untyped-def]
    app: Flask, make_user, request_context
) -> None:
    user = make_user("sme")
    old = notify(user.id, "listing_approved", {"slug": "old-one"}, "/tools", mail=False)
    old.created_at = utcnow() - timedelta(days=2)
    old.read_at = utcnow() - timedelta(days=1)
    notify(user.id, "inquiry_message", {"listing": LISTING}, "/inbox", mail=False)
    broken = Notification(user_id=user.id, kind="gone_kind", params={}, link="/")
    db.session.add(broken)
    db.session.commit()
    client = signed_in(app, user)

    page = client.get("/notifications?lang=en").get_data(as_text=True)
    assert page.index("You have a new notification") < page.index("Quokka Books")
    assert page.index("Quokka Books") < page.index("old-one")
    assert page.count('class="notification notification-unread"') == 2
    assert "2 unread notifications" in page
    assert 'class="badge badge-bell">2<' in page

    g.pop("_flask_babel", None)  # tests share one app context: forget the cached English
    japanese = client.get("/notifications?lang=ja").get_data(as_text=True)
    assert "クオッカ会計" in japanese and "A new message" not in japanese


def test_page_is_paginated(app: Flask, make_user, request_context) -> None:  # type: ignore[no-untyped-def]
    user = make_user("sme")
    start = utcnow() - timedelta(hours=1)
    for number in range(25):
        row = notify(user.id, "listing_approved", {"slug": f"tool-{number:02}"}, "/", mail=False)
        row.created_at = start + timedelta(minutes=number)
    db.session.commit()
    client = signed_in(app, user)
    first = client.get("/notifications").get_data(as_text=True)
    assert "tool-24" in first and "tool-05" in first and "tool-04" not in first
    second = client.get("/notifications?page=2").get_data(as_text=True)
    assert re.findall(r"tool-\d\d", second) == [f"tool-{n:02}" for n in range(4, -1, -1)]
    assert "tool-04" in client.get("/notifications?page=99").get_data(as_text=True)  # last page


def test_bell_counts_once_per_request(app: Flask, make_user, request_context) -> None:  # type: ignore[no-untyped-def]
    user = make_user("sme")
    notify(user.id, "inquiry_message", {"listing": "X"}, "/inbox", mail=False)
    db.session.commit()
    client = signed_in(app, user)
    counts: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        if "count(" in statement.lower() and "read_at is null" in statement.lower():
            counts.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        page = client.get("/notifications").get_data(as_text=True)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    assert 'class="badge badge-bell">1<' in page
    assert len(counts) == 1, counts
    anonymous = app.test_client().get("/").get_data(as_text=True)
    assert "badge-bell" not in anonymous and "/notifications" not in anonymous


def test_following_marks_read_and_redirects_to_the_link(  # type: ignore[no-untyped-def]
    app: Flask, make_user, request_context
) -> None:
    user, other = make_user("sme"), make_user("sme")
    row = notify(user.id, "inquiry_message", {"listing": "X"}, "/inbox?status=new", mail=False)
    db.session.commit()
    assert signed_in(app, other).post(f"/notifications/{row.id}/open").status_code == 404
    assert row.read_at is None  # someone else's: untouched
    response = signed_in(app, user).post(f"/notifications/{row.id}/open")
    assert response.status_code == 303 and response.location == "/inbox?status=new"
    db.session.refresh(row)
    assert row.read_at is not None


def test_mark_one_and_mark_all_read(app: Flask, make_user, request_context) -> None:  # type: ignore[no-untyped-def]
    user, other = make_user("sme"), make_user("sme")
    rows = [notify(user.id, "listing_approved", {"slug": "a"}, "/", mail=False) for _ in range(3)]
    theirs = notify(other.id, "listing_approved", {"slug": "b"}, "/", mail=False)
    db.session.commit()
    client = signed_in(app, user)
    assert client.post(f"/notifications/{rows[0].id}/read").status_code == 303
    assert 'class="badge badge-bell">2<' in client.get("/").get_data(as_text=True)
    assert client.post("/notifications/read").status_code == 303
    page = client.get("/notifications").get_data(as_text=True)
    assert "badge-bell" not in page and "notification-unread" not in page
    db.session.refresh(theirs)
    assert theirs.read_at is None  # only one's own


def test_posts_need_a_csrf_token(strict_app: Flask, make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user("sme")
    row = notify(user.id, "listing_approved", {"slug": "a"}, "/", mail=False)
    db.session.commit()
    client = strict_app.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.3.3.3"
    token = csrf_token(client, "/account/login")
    data = {"email": user.email, "password": "correct horse battery staple", "csrf_token": token}
    assert client.post("/account/login", data=data).status_code == 302
    assert client.post(f"/notifications/{row.id}/open").status_code == 400
    assert client.post("/notifications/read").status_code == 400
    db.session.refresh(row)
    assert row.read_at is None


# E-mail preferences ---------------------------------------------------------------------------


def test_email_preferences_default_on_and_are_saved_from_the_account_page(  # type: ignore[no-untyped-def]
    app: Flask, make_user, outbox, request_context
) -> None:
    user = make_user("sme", locale="ja")
    assert all(wants_email(user, kind) for kind in kinds.KINDS)  # important kinds: on
    client = signed_in(app, user)
    page = client.get("/account/?lang=en").get_data(as_text=True)
    assert page.count('name="email" value=') == len(kinds.KINDS)
    assert 'value="inquiry_message" checked' in page

    response = client.post("/notifications/email", data={"email": ["listing_approved", "bogus"]})
    assert response.status_code == 303
    assert not wants_email(user, "inquiry_message") and wants_email(user, "listing_approved")
    page = client.get("/account/").get_data(as_text=True)
    assert 'value="inquiry_message">' in page and 'value="listing_approved" checked' in page

    # notify() with the generic mail honours the choice ...
    notify(user.id, "inquiry_message", {"listing": "X"}, "/inbox")
    notify(user.id, "listing_approved", {"slug": "quokka"}, "/tools/quokka")
    db.session.commit()
    [mail] = outbox(user.email)
    assert mail.template == "notification" and mail.locale == "ja"
    assert "quokka" in mail.subject and "/tools/quokka" in mail.text_body
    assert re.search(r"https?://[^/\s]+/tools/quokka", mail.text_body)  # absolute in mail


def test_disabled_accounts_get_no_mail(make_user, outbox, request_context) -> None:  # type: ignore[no-untyped-def]
    user = make_user("sme", active=False)
    notify(user.id, "listing_approved", {"slug": "x"}, "/")
    db.session.commit()
    assert outbox(user.email) == [] and len(notifications_of(user)) == 1


# Pruning --------------------------------------------------------------------------------------


def test_prune_deletes_only_old_read_notifications(runner, make_user, request_context) -> None:  # type: ignore[no-untyped-def]
    user = make_user("sme")
    user_id = user.id
    now = utcnow()
    old_read, recent_read, old_unread = (
        notify(user.id, "listing_approved", {"slug": s}, "/", mail=False)
        for s in ("old-read", "recent-read", "old-unread")
    )
    old_read.read_at = now - timedelta(days=91)
    recent_read.read_at = now - timedelta(days=89)
    old_unread.created_at = now - timedelta(days=400)
    db.session.commit()
    result = runner.invoke(args=["notify", "prune"])
    assert result.exit_code == 0, result.output
    assert "1 read notifications older than 90 days deleted" in result.output
    left = db.session.scalars(sa.select(Notification).where(Notification.user_id == user_id))
    assert {n.params["slug"] for n in left} == {"recent-read", "old-unread"}
    assert prune(30) == 1  # --days / a shorter retention takes the next one
    assert runner.invoke(args=["notify", "prune", "--days", "0"]).exit_code == 2


# Hooks: inquiries and listings ----------------------------------------------------------------


def test_inquiry_messages_notify_the_other_side(app: Flask, make_user, outbox) -> None:  # type: ignore[no-untyped-def]
    tool = db.session.scalars(
        sa.select(Tool).where(Tool.status == "published").order_by(Tool.slug).limit(1)
    ).one()
    member = make_user("vendor", vendor=tool.vendor, locale="zh-TW")
    sme = make_user("sme")
    asker = signed_in(app, sme)
    asker.post(f"/inbox/ask/tool/{tool.slug}", data={"kind": "quote", "message": "Price?"})
    [received] = notifications_of(member)
    thread = received.link
    assert received.kind == "inquiry_received" and re.fullmatch(r"/inbox/\d+", thread)
    assert received.params["listing"] == tool.name

    vendor = signed_in(app, member)
    page = vendor.get("/notifications?lang=zh-TW").get_data(as_text=True)
    from dx_match.i18n import localized

    assert localized(tool.name, "zh-TW") in page and "badge-bell" in page
    vendor.post(f"{thread}/reply", data={"body": "NT$990 a month."})
    assert notifications_of(member)[0].read_at is not None  # answering reads its notice
    [answered] = notifications_of(sme)
    assert (answered.kind, answered.link) == ("inquiry_message", thread)

    # The asker turned mail off for messages: notified in the app only.
    asker.post("/notifications/email", data={"email": ["inquiry_received"]})
    before = len(outbox(sme.email))
    vendor.post(f"{thread}/reply", data={"body": "And a demo on Monday?"})
    assert len(notifications_of(sme)) == 2 and len(outbox(sme.email)) == before
    asker.post(f"{thread}/reply", data={"body": "Yes please."})
    assert [n.kind for n in notifications_of(member)] == ["inquiry_received", "inquiry_message"]
    assert outbox(member.email)[-1].template == "inquiry_message"  # the vendor still wants mail


def test_approval_and_rejection_notify_and_mail_the_author(  # type: ignore[no-untyped-def]
    app: Flask, make_user, outbox
) -> None:
    author = make_user("vendor", vendor=vendor_row(VENDOR), locale="ja")
    admin = signed_in(app, make_user("admin"))
    vendor = signed_in(app, author)
    from dx_match.listings.models import ListingRevision

    def submitted(slug: str) -> ListingRevision:
        assert (
            vendor.post("/dashboard/tool/new", data=tool_form(slug, submit="1")).status_code == 302
        )
        return db.session.scalars(
            sa.select(ListingRevision).where(ListingRevision.slug == slug)
        ).one()

    first = submitted("quokka-books")
    assert admin.post(f"/admin/moderation/{first.id}/approve").status_code == 302
    [approved] = notifications_of(author)
    assert (approved.kind, approved.link) == ("listing_approved", "/tools/quokka-books")
    [mail] = outbox(author.email)
    assert mail.template == "listing_approved" and mail.locale == "ja"
    assert "quokka-books" in mail.text_body and "/tools/quokka-books" in mail.text_body

    second = submitted("quokka-pos")
    reason = {"reason": "Add a price in JPY"}
    assert admin.post(f"/admin/moderation/{second.id}/reject", data=reason).status_code == 302
    rejected = notifications_of(author)[-1]
    assert (rejected.kind, rejected.link) == (
        "listing_rejected",
        f"/dashboard/revisions/{second.id}",
    )
    assert outbox(author.email)[-1].template == "listing_rejected"
    # Following the notification opens the revision (its author may read it).
    followed = vendor.post(f"/notifications/{rejected.id}/open", follow_redirects=True)
    assert followed.status_code == 200 and "Add a price in JPY" in followed.get_data(as_text=True)

    # Opted out of approval mail: still notified in the app, no mail.
    vendor.post("/notifications/email", data={"email": ["listing_rejected"]})
    mails = len(outbox(author.email))
    third = submitted("quokka-crm")
    assert admin.post(f"/admin/moderation/{third.id}/approve").status_code == 302
    assert notifications_of(author)[-1].kind == "listing_approved"
    assert len(outbox(author.email)) == mails
