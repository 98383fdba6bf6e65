"""Scans keep signals and decisions; the admin queue; the caution box; rescans after reviews."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask

from dx_match.audit.models import AuditEntry
from dx_match.extensions import db
from dx_match.listings import services as listing_services
from dx_match.trust import services
from dx_match.trust.facts import Scope
from dx_match.trust.models import TrustSignal
from tests.conftest import AuthActions
from tests.listings.conftest import TOOL, VENDOR
from tests.trust.conftest import import_rows, tool_row

CASHBACK = {"en": "Effectively free with the IT subsidy: we refund your share as cashback."}
CAUTION = "Before you sign"


def _signal(detector: str, key: str) -> TrustSignal | None:
    return db.session.scalar(
        sa.select(TrustSignal).where(
            TrustSignal.detector == detector, TrustSignal.subject_key == key
        )
    )


def _with_summary(tmp_path: Path, summary: Any) -> None:
    import_rows(
        tmp_path / str(len(list(tmp_path.iterdir()))), [tool_row(TOOL) | {"summary": summary}]
    )


def _login(app: Flask, user: Any) -> Any:
    client = app.test_client()
    assert AuthActions(client).login(user).status_code == 302
    return client


def test_scan_is_idempotent() -> None:
    services.scan()
    before = {
        (s.detector, s.subject_key, s.evidence) for s in db.session.scalars(sa.select(TrustSignal))
    }
    report = services.scan()
    after = {
        (s.detector, s.subject_key, s.evidence) for s in db.session.scalars(sa.select(TrustSignal))
    }
    assert before == after
    assert report.counts["new"] == report.counts["reopened"] == report.counts["gone"] == 0


def test_a_free_offer_is_flagged_and_cautioned_until_dismissed(
    app: Flask, tmp_path: Path, admin_user
) -> None:  # type: ignore[no-untyped-def]
    client = app.test_client()
    assert CAUTION not in client.get(f"/tools/{TOOL}?lang=en").get_data(as_text=True)
    _with_summary(tmp_path, CASHBACK)
    services.scan()
    signal = _signal("free_offer", TOOL)
    assert signal is not None and signal.state == "open" and signal.score == 0.9
    page = client.get(f"/tools/{TOOL}?lang=en").get_data(as_text=True)
    assert CAUTION in page
    assert page.index(CAUTION) < page.index(
        f"/inquiries/ask/tool/{TOOL}".replace("/inquiries", "/inbox")
    )

    services.decide(admin_user, signal.id, "dismissed", "The vendor showed the agency's approval.")
    assert CAUTION not in client.get(f"/tools/{TOOL}?lang=en").get_data(as_text=True)
    entry = db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry is not None and (entry.action, entry.target_id) == ("signal.dismissed", TOOL)

    services.scan()  # the same evidence: the decision stays
    assert _signal("free_offer", TOOL).state == "dismissed"  # type: ignore[union-attr]
    _with_summary(tmp_path, {"en": "Virtually free with the subsidy, zero cost to you."})
    report = services.scan()
    assert report.counts["reopened"] == 1
    reopened = _signal("free_offer", TOOL)
    assert reopened is not None and reopened.state == "open"


def test_a_signal_whose_evidence_went_away_is_kept_inactive(tmp_path: Path) -> None:
    original = tool_row(TOOL)["summary"]
    _with_summary(tmp_path, CASHBACK)
    services.scan()
    _with_summary(tmp_path, original)
    assert services.scan().counts["gone"] == 1
    signal = _signal("free_offer", TOOL)
    assert signal is not None and not signal.active


def test_the_queue_ranks_by_score_and_takes_decisions(
    app: Flask, tmp_path: Path, admin_user
) -> None:  # type: ignore[no-untyped-def]
    _with_summary(tmp_path, CASHBACK)
    services.scan()
    client = _login(app, admin_user)
    page = client.get("/admin/signals?lang=en").get_data(as_text=True)
    scores = [float(s) for s in re.findall(r"<strong>([0-9.]+)</strong>", page)]
    assert scores == sorted(scores, reverse=True) and 0.9 in scores and len(scores) > 1
    assert "together with subsidy wording" in page

    signal = _signal("free_offer", TOOL)
    assert signal is not None
    url = f"/admin/signals/{signal.id}/decide"
    typed = "Asked the vendor to reword" + "x" * 2000
    response = client.post(
        url, data={f"s{signal.id}-decision": "actioned", f"s{signal.id}-note": typed}
    )
    assert response.status_code == 422
    assert typed in response.get_data(as_text=True)  # nothing typed is lost
    response = client.post(
        url,
        data={
            f"s{signal.id}-decision": "actioned",
            f"s{signal.id}-note": "Asked the vendor to reword.",
        },
    )
    assert response.status_code == 302
    db.session.refresh(signal)
    assert (signal.state, signal.note, signal.decided_by_id) == (
        "actioned",
        "Asked the vendor to reword.",
        admin_user.id,
    )
    # An action taken keeps the caution: the admin's separate action is what changes the listing.
    assert CAUTION in app.test_client().get(f"/tools/{TOOL}?lang=en").get_data(as_text=True)
    assert (
        client.post(
            url, data={f"s{signal.id}-decision": "dismissed", f"s{signal.id}-note": "x"}
        ).status_code
        == 409
    )


def test_a_decision_needs_a_note(app: Flask, admin_user) -> None:  # type: ignore[no-untyped-def]
    signal = TrustSignal(
        detector="free_offer",
        subject_kind="tool",
        subject_key=TOOL,
        score=0.5,
        reasons=[],
        evidence="e",
    )
    db.session.add(signal)
    db.session.commit()
    client = _login(app, admin_user)
    response = client.post(
        f"/admin/signals/{signal.id}/decide", data={f"s{signal.id}-decision": "dismissed"}
    )
    assert response.status_code == 422
    assert "Write a short reason or note." in response.get_data(as_text=True)
    assert client.post("/admin/signals/999999/decide", data={}).status_code == 404


def test_an_approval_rescans_the_listing_and_its_vendor(
    app: Flask, vendor_user, admin_user
) -> None:  # type: ignore[no-untyped-def]
    row = tool_row(TOOL) | {"summary": CASHBACK}
    revision = listing_services.save(
        vendor_user, "tool", row, base=listing_services.live_base("tool", TOOL), submit=True
    )
    assert _signal("free_offer", TOOL) is None
    with app.test_request_context():  # the approval mail links to the live listing
        listing_services.approve(admin_user, revision.id)
    signal = _signal("free_offer", TOOL)
    assert signal is not None and signal.state == "open"


def test_rejections_flag_the_vendor(app: Flask, vendor_user, admin_user) -> None:  # type: ignore[no-untyped-def]
    for number in range(3):
        row = tool_row(TOOL) | {"slug": f"dubious-{number}"}
        revision = listing_services.save(vendor_user, "tool", row, base="new", submit=True)
        with app.test_request_context():  # the rejection mail links back to the revision
            listing_services.reject(admin_user, revision.id, "Prices are not real.")
    signal = _signal("rejected_listings", VENDOR)
    assert signal is not None and signal.subject_kind == "vendor"
    assert signal.reasons[0]["params"] == {"rejected": 3, "reviewed": 3}


def test_a_scoped_scan_leaves_other_subjects_alone(tmp_path: Path) -> None:
    services.scan()
    others = {s.id: s.active for s in db.session.scalars(sa.select(TrustSignal))}
    services.scan(Scope(tools={TOOL}, vendors={VENDOR}))
    assert {s.id: s.active for s in db.session.scalars(sa.select(TrustSignal))} == others


def test_the_cli_scan_reports_what_it_found(runner) -> None:  # type: ignore[no-untyped-def]
    first = runner.invoke(args=["trust", "scan"])
    assert first.exit_code == 0 and first.output.startswith("signals: ")
    again = runner.invoke(args=["trust", "scan"])
    assert " 0 new, 0 reopened" in " " + again.output.removeprefix("signals: ")
