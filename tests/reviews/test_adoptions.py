"""Adoptions: declared by the SME and confirmed by the vendor, or the other way round."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from dx_match.accounts.models import User
from dx_match.catalog.models import Tool
from dx_match.errors import NotFound
from dx_match.extensions import db
from dx_match.inquiries.models import Inquiry, InquiryMessage
from dx_match.reviews import adoptions, services
from dx_match.reviews.models import Adoption
from tests.conftest import AuthActions


def login(app: Any, user: User) -> FlaskClient:
    client = app.test_client()
    assert AuthActions(client).login(user).status_code == 302
    return client


def test_declared_then_confirmed_by_the_vendor(
    app: Any, make_sme: Callable[..., User], vendor_user: User, tool: Tool, outbox: Any
) -> None:
    sme = make_sme()
    client = login(app, sme)
    assert client.post(f"/tools/{tool.slug}/adoption", data={"since": ""}).status_code == 422
    assert (
        client.post(f"/tools/{tool.slug}/adoption", data={"since": "2999-01-01"}).status_code == 422
    )
    assert (
        client.post(f"/tools/{tool.slug}/adoption", data={"since": "2026-02-01"}).status_code == 302
    )
    adoption = db.session.scalars(sa.select(Adoption)).one()
    assert (adoption.source, adoption.since, adoption.confirmed) == (
        "declared",
        date(2026, 2, 1),
        False,
    )
    assert [m.template for m in outbox(vendor_user.email)] == ["adoption_declared"]
    # The SME cannot confirm its own declaration; another vendor does not even see it.
    assert client.post(f"/adoptions/{adoption.id}/confirm").status_code == 404
    with pytest.raises(NotFound):
        adoptions.confirm(make_sme(), adoption.id)
    vendor = login(app, vendor_user)
    assert tool.vendor.slug and "Customers" in vendor.get("/adoptions/customers").get_data(
        as_text=True
    )
    assert vendor.post(f"/adoptions/{adoption.id}/confirm").status_code == 302
    db.session.refresh(adoption)
    assert adoption.confirmed
    assert services.reviewable(sme, tool.slug)[1].id == adoption.id


def test_an_inquiry_becomes_a_customer_and_the_sme_confirms(
    app: Any, make_sme: Callable[..., User], vendor_user: User, tool: Tool, outbox: Any
) -> None:
    sme = make_sme()
    inquiry = Inquiry(
        kind="quote",
        tool=tool,
        vendor_id=tool.vendor_id,
        asker=sme,
        asker_organisation_id=sme.organisation_id,
        name="A",
        email=sme.email,
    )
    inquiry.messages.append(InquiryMessage(author="asker", user=sme, body="Price?"))
    db.session.add(inquiry)
    db.session.commit()
    # The asker cannot mark itself a customer through the vendor's button.
    assert (
        login(app, sme)
        .post(f"/inbox/{inquiry.id}/customer", data={"since": "2026-03-01"})
        .status_code
        == 404
    )
    vendor = login(app, vendor_user)
    assert "Mark as a customer" in vendor.get(f"/inbox/{inquiry.id}").get_data(as_text=True)
    assert (
        vendor.post(f"/inbox/{inquiry.id}/customer", data={"since": "2026-03-01"}).status_code
        == 302
    )
    adoption = db.session.scalars(sa.select(Adoption)).one()
    assert (adoption.source, adoption.inquiry_id, adoption.confirmed) == (
        "inquiry",
        inquiry.id,
        False,
    )
    assert [m.template for m in outbox(sme.email)] == ["adoption_to_confirm"]
    with pytest.raises(services.ReviewRefused):
        services.reviewable(sme, tool.slug)
    # The vendor cannot confirm its own claim.
    assert vendor.post(f"/adoptions/{adoption.id}/confirm").status_code == 404
    assert login(app, sme).post(f"/adoptions/{adoption.id}/confirm").status_code == 302
    db.session.refresh(adoption)
    assert adoption.confirmed


def test_the_vendor_marking_a_declared_adoption_confirms_it(
    make_sme: Callable[..., User], vendor_user: User, tool: Tool
) -> None:
    sme = make_sme()
    adoptions.declare(sme, tool.slug, date(2026, 2, 1), date(2026, 6, 1))
    inquiry = Inquiry(
        kind="demo",
        tool=tool,
        vendor_id=tool.vendor_id,
        asker=sme,
        asker_organisation_id=sme.organisation_id,
        name="A",
        email=sme.email,
    )
    db.session.add(inquiry)
    db.session.commit()
    adoption = adoptions.mark_customer(vendor_user, inquiry.id, date(2026, 2, 1), date(2026, 6, 1))
    assert adoption.source == "declared" and adoption.confirmed


def test_record_adoption_is_the_pluggable_entry_for_other_sources(
    make_sme: Callable[..., User], make_user: Callable[..., User], tool: Tool
) -> None:
    sme, advisor = make_sme(), make_user("advisor")
    assert sme.organisation_id is not None
    adoption = adoptions.record_adoption(
        sme.organisation_id, tool, date(2026, 1, 1), "advisor", advisor, confirmed_by=advisor
    )
    db.session.commit()
    assert adoption.source == "advisor" and adoption.confirmed
    assert services.reviewable(sme, tool.slug)[1] is adoption
    with pytest.raises(ValueError, match="unknown adoption source"):
        adoptions.record_adoption(sme.organisation_id, tool, date(2026, 1, 1), "rumour", None)
