"""Advisor workspace helpers: an advisor with a client whose survey is saved, and its SME."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from dx_match.accounts.models import User
from dx_match.advisory.models import AdvisorClient, RecommendationSet
from dx_match.extensions import db
from tests.conftest import AuthActions
from tests.survey.conftest import CAFE, fill_survey


@dataclass
class Workspace:
    """An advisor signed in on `advisor_client`, an SME signed in on `sme_client`."""

    app: Flask
    advisor: User
    sme: User
    advisor_client: FlaskClient
    sme_client: FlaskClient

    def new_client(self, name: str = "Café Lin", email: str = "owner@cafe.example") -> int:
        """Add a client through the form; return its id."""
        response = self.advisor_client.post(
            "/advisor/clients", data={"name": name, "contact_email": email, "locale": "zh-TW"}
        )
        assert response.status_code == 303, response.text
        return int(response.location.rsplit("/", 1)[1])

    def fill_survey(self, client_id: int) -> None:
        """Fill the café's survey for the client through the survey pages."""
        response = self.advisor_client.post(f"/advisor/clients/{client_id}/survey")
        assert response.status_code == 303
        done = fill_survey(self.advisor_client, CAFE, start=False)
        assert done.status_code == 302 and "/profiles/" in done.location, done.text

    def new_set(self, client_id: int) -> RecommendationSet:
        """Start a set from the proposal; return it."""
        response = self.advisor_client.post(f"/advisor/clients/{client_id}/sets")
        assert response.status_code == 303 and "/advisor/sets/" in response.location
        set_id = int(response.location.rsplit("/", 1)[1])
        row = db.session.get(RecommendationSet, set_id)
        assert row is not None
        return row

    def claim(self, client_id: int) -> None:
        """The SME claims the client through the link in the invitation mail."""
        row = db.session.get(AdvisorClient, client_id)
        assert row is not None
        from dx_match.advisory.links import invitation_token

        if row.invite_nonce is None:
            assert (
                self.advisor_client.post(f"/advisor/clients/{client_id}/invite").status_code == 303
            )
            db.session.refresh(row)
        token = invitation_token(row.id, str(row.invite_nonce))
        assert self.sme_client.post(f"/clients/claim/{token}").status_code == 303

    def sent_set(self) -> tuple[int, RecommendationSet]:
        """A claimed client with a sent set."""
        client_id = self.new_client()
        self.fill_survey(client_id)
        row = self.new_set(client_id)
        self.claim(client_id)
        assert self.advisor_client.post(f"/advisor/sets/{row.id}/send").status_code == 303
        db.session.refresh(row)
        return client_id, row


@pytest.fixture
def workspace(app: Flask, make_user: Any) -> Workspace:
    """A signed-in advisor and SME, each with a test client."""
    advisor = make_user("advisor")
    sme = make_user("sme")
    advisor_client, sme_client = app.test_client(), app.test_client()
    assert AuthActions(advisor_client).login(advisor).status_code == 302
    assert AuthActions(sme_client).login(sme).status_code == 302
    return Workspace(app, advisor, sme, advisor_client, sme_client)


def count(model: Any, *where: Any) -> int:
    """Rows of a model matching conditions."""
    return int(db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where)) or 0)
