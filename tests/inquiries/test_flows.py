"""End to end through the pages: an SME asks, the vendor answers from its inbox, both are
mailed through the outbox in their own language, and nobody else can see the thread."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from dx_match.catalog.models import Course, Tool
from dx_match.extensions import db
from dx_match.inquiries.models import Inquiry
from dx_match.notify.delivery import deliver_due
from tests.conftest import AuthActions
from tests.inquiries.conftest import link_in


def signed_in(app: Flask, user: Any) -> FlaskClient:
    client = app.test_client()
    assert AuthActions(client).login(user).status_code == 302
    return client


def only_inquiry() -> Inquiry:
    return db.session.scalars(sa.select(Inquiry)).one()


def test_sme_asks_vendor_answers_both_mailed_and_others_get_404(  # type: ignore[no-untyped-def]
    app: Flask, make_user, outbox, tool: Tool
) -> None:
    member = make_user("vendor", vendor=tool.vendor, locale="ja")
    colleague = make_user("vendor", vendor=None, organisation_name=None)
    sme = make_user("sme", locale="zh-TW")
    asker = signed_in(app, sme)

    page = asker.get(f"/tools/{tool.slug}").get_data(as_text=True)
    assert f"/inbox/ask/tool/{tool.slug}" in page
    response = asker.post(
        f"/inbox/ask/tool/{tool.slug}",
        data={"kind": "demo", "message": "Can we see it\nnext week?", "consent": "y"},
    )
    assert response.status_code == 200
    inquiry = only_inquiry()
    assert (inquiry.kind, inquiry.status, inquiry.asker_id) == ("demo", "new", sme.id)
    assert inquiry.vendor_id == tool.vendor_id and inquiry.email == sme.email

    [to_vendor] = outbox(member.email)
    assert to_vendor.template == "inquiry_received" and to_vendor.locale == "ja"
    assert "問い合わせ" in to_vendor.subject  # Japanese, the member's language
    assert "next week?" in to_vendor.text_body
    [confirmation] = outbox(sme.email)
    assert confirmation.template == "inquiry_confirmation" and confirmation.locale == "zh-TW"
    assert colleague.email not in {m.to_address for m in outbox()}  # another vendor: no mail

    vendor = signed_in(app, member)
    inbox = vendor.get("/inbox").get_data(as_text=True)
    assert sme.display_name in inbox and 'class="badge badge-upcoming"' in inbox
    thread_path = link_in(to_vendor.text_body)
    assert thread_path == f"/inbox/{inquiry.id}"
    thread = vendor.get(thread_path).get_data(as_text=True)
    assert "next week?" in thread and sme.email in thread  # consent given: details shown

    answered = vendor.post(f"{thread_path}/reply", data={"body": "Tuesday 10:00 works."})
    assert answered.status_code == 302
    db.session.refresh(inquiry)
    assert inquiry.status == "answered" and [m.author for m in inquiry.messages] == [
        "asker",
        "vendor",
    ]
    answer_mail = outbox(sme.email)[-1]
    assert answer_mail.template == "inquiry_message" and "Tuesday 10:00" in answer_mail.text_body
    assert link_in(answer_mail.text_body) == thread_path

    assert "Tuesday 10:00" in asker.get(thread_path).get_data(as_text=True)
    asker_inbox = asker.get("/inbox").get_data(as_text=True)
    assert f'href="{thread_path}"' in asker_inbox and 'class="badge badge-upcoming"' in asker_inbox

    for stranger in (colleague, make_user("sme"), make_user("trainer"), make_user("advisor")):
        client = signed_in(app, stranger)
        assert client.get(thread_path).status_code == 404
        assert client.post(f"{thread_path}/reply", data={"body": "hi"}).status_code == 404
        assert client.post(f"{thread_path}/close").status_code == 404
        assert f'href="{thread_path}"' not in client.get("/inbox").get_data(as_text=True)
    assert len(inquiry.messages) == 2

    assert asker.post(f"{thread_path}/close").status_code == 302
    db.session.refresh(inquiry)
    assert inquiry.status == "closed"


def test_consent_withheld_hides_contact_details_from_the_vendor(  # type: ignore[no-untyped-def]
    app: Flask, make_user, tool: Tool
) -> None:
    member = make_user("vendor", vendor=tool.vendor)
    sme = make_user("sme")
    signed_in(app, sme).post(
        f"/inbox/ask/tool/{tool.slug}", data={"kind": "quote", "message": "Price for 12 users?"}
    )
    inquiry = only_inquiry()
    assert inquiry.consent is False
    page = signed_in(app, member).get(f"/inbox/{inquiry.id}").get_data(as_text=True)
    assert "Price for 12 users?" in page and sme.email not in page


def test_unread_count_in_the_header_until_marked_read(  # type: ignore[no-untyped-def]
    app: Flask, make_user, tool: Tool
) -> None:
    member = make_user("vendor", vendor=tool.vendor)
    signed_in(app, make_user("sme")).post(
        f"/inbox/ask/tool/{tool.slug}", data={"kind": "question", "message": "Does it do POS?"}
    )
    vendor = signed_in(app, member)
    unread_badge = '<span class="badge">1<span class="visually-hidden">'
    assert unread_badge in vendor.get("/").get_data(as_text=True)
    inquiry = only_inquiry()
    assert unread_badge in vendor.get(f"/inbox/{inquiry.id}").get_data(
        as_text=True
    )  # GET: no change
    assert vendor.post(f"/inbox/{inquiry.id}/read").status_code == 302
    assert unread_badge not in vendor.get("/").get_data(as_text=True)


def test_visitor_asks_and_continues_through_the_signed_link(  # type: ignore[no-untyped-def]
    app: Flask, make_user, outbox, course: Course
) -> None:
    trainer = make_user("trainer", vendor=course.provider, locale="en")
    visitor = app.test_client()
    response = visitor.post(
        f"/inbox/ask/course/{course.slug}?lang=ja",
        data={
            "kind": "enrol",
            "message": "二人で申し込みたいです。",
            "name": "山田 花子",
            "company": "山田商店",
            "email": "Hanako@Example.jp",
            "phone": "+81 3-1234-5678",
            "consent": "y",
        },
    )
    assert response.status_code == 200
    inquiry = only_inquiry()
    assert (inquiry.asker_id, inquiry.email, inquiry.locale) == (None, "hanako@example.jp", "ja")
    [confirmation] = outbox("hanako@example.jp")
    assert confirmation.locale == "ja"
    visitor_path = link_in(confirmation.text_body)
    assert visitor_path.startswith("/inbox/visitor/")
    assert "二人で申し込みたいです。" in visitor.get(visitor_path).get_data(as_text=True)

    trainer_client = signed_in(app, trainer)
    leads = trainer_client.get("/leads").get_data(as_text=True)
    assert "山田商店" in leads and "hanako@example.jp" in leads  # interested SMEs, with consent
    assert (
        trainer_client.post(f"/inbox/{inquiry.id}/reply", data={"body": "Welcome!"}).status_code
        == 302
    )
    answer = outbox("hanako@example.jp")[-1]
    answer_path = link_in(answer.text_body)  # signed again (tokens carry their time)
    assert answer_path.startswith("/inbox/visitor/")
    assert "Welcome!" in visitor.get(answer_path).get_data(as_text=True)

    assert visitor.post(visitor_path, data={"body": "Thank you"}).status_code == 302
    db.session.refresh(inquiry)
    assert [m.body for m in inquiry.messages][-1] == "Thank you"
    assert outbox(trainer.email)[-1].template == "inquiry_message"

    # Change one character well inside the signature (the last one may carry unused bits).
    position = len(visitor_path) - 10
    swapped = "B" if visitor_path[position] != "B" else "C"
    tampered = visitor_path[:position] + swapped + visitor_path[position + 1 :]
    assert visitor.get(tampered).status_code == 404
    assert visitor.post(tampered, data={"body": "x"}).status_code == 404
    assert visitor.get(f"/inbox/{inquiry.id}").status_code == 302  # no account: log in


def test_visitor_link_does_not_open_a_signed_in_users_inquiry(  # type: ignore[no-untyped-def]
    app: Flask, make_user, tool: Tool
) -> None:
    from dx_match.inquiries.links import make_visitor_token

    sme = make_user("sme")
    signed_in(app, sme).post(
        f"/inbox/ask/tool/{tool.slug}", data={"kind": "quote", "message": "Quote please"}
    )
    inquiry = only_inquiry()
    with app.test_request_context():
        token = make_visitor_token(inquiry.id, inquiry.email)
    assert app.test_client().get(f"/inbox/visitor/{token}").status_code == 404


def test_smtp_down_keeps_every_inquiry_mail_in_the_outbox(  # type: ignore[no-untyped-def]
    app: Flask, make_user, outbox, tool: Tool
) -> None:
    make_user("vendor", vendor=tool.vendor)
    make_user("vendor", vendor=None, organisation_name=None)
    signed_in(app, make_user("sme")).post(
        f"/inbox/ask/tool/{tool.slug}", data={"kind": "quote", "message": "Quote please"}
    )
    queued = outbox()
    assert {m.template for m in queued} == {"inquiry_received", "inquiry_confirmation"}
    # Nothing listens on port 9: every attempt is refused; the rows stay for a later try.
    config = {**app.config, "DX_SMTP_HOST": "127.0.0.1", "DX_SMTP_PORT": 9, "DX_SMTP_TIMEOUT": 2}
    report = deliver_due(config)
    assert (report.sent, report.retrying) == (0, len(queued))
    for message in outbox():
        assert message.status == "pending" and message.attempts == 1 and message.last_error
    assert only_inquiry().messages[0].body == "Quote please"


def test_honeypot_stores_nothing_but_answers_as_usual(
    client: FlaskClient, outbox, tool: Tool
) -> None:  # type: ignore[no-untyped-def]
    data = {
        "kind": "quote",
        "message": "Buy cheap pills",
        "name": "Robot",
        "email": "robot@example.com",
        "website": "http://spam.example",
    }
    response = client.post(f"/inbox/ask/tool/{tool.slug}", data=data)
    assert response.status_code == 200
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Inquiry)) == 0
    assert outbox() == []


def test_a_course_does_not_take_a_tool_request(client: FlaskClient, course: Course) -> None:
    data = {"kind": "demo", "message": "Demo?", "name": "A", "email": "a@example.com"}
    response = client.post(f"/inbox/ask/course/{course.slug}", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="kind-error"' in page and "Demo?" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Inquiry)) == 0


def test_unknown_or_unpublished_listing_is_404(client: FlaskClient) -> None:
    assert client.get("/inbox/ask/tool/no-such-tool").status_code == 404
    assert client.get("/inbox/ask/course/no-such-course").status_code == 404


def test_inbox_query_count_does_not_grow_with_the_inquiries(  # type: ignore[no-untyped-def]
    app: Flask, make_user, tool: Tool, course: Course
) -> None:
    member = make_user("vendor", vendor=tool.vendor)
    vendor = signed_in(app, member)
    visitor = app.test_client()

    def ask(n: int) -> None:
        data = {"kind": "quote", "message": f"Q{n}", "name": f"N{n}", "email": f"n{n}@example.com"}
        assert visitor.post(f"/inbox/ask/tool/{tool.slug}", data=data).status_code == 200

    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    def inbox_queries() -> int:
        statements.clear()
        sa.event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert vendor.get("/inbox").status_code == 200
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    ask(1)
    one = inbox_queries()
    for n in range(2, 7):
        ask(n)
    assert inbox_queries() == one <= 12
