"""Logo upload: size and type checked, re-encoded to PNG under a generated name, served safely."""

from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa
from PIL import Image

from dx_match.extensions import db
from dx_match.listings.logos import LogoInvalid, store_logo
from dx_match.listings.models import ListingRevision
from tests.conftest import AuthActions
from tests.listings.conftest import tool_form


def _image(fmt: str = "JPEG", size: tuple[int, int] = (800, 400)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=fmt)
    return buffer.getvalue()


@pytest.fixture
def vendor(client, vendor_user):  # type: ignore[no-untyped-def]
    assert AuthActions(client).login(vendor_user).status_code == 302
    return client


def test_a_logo_is_re_encoded_shrunk_and_served(app, vendor) -> None:
    data = tool_form() | {"logo": (io.BytesIO(_image()), "../../evil name.jpg")}
    response = vendor.post("/dashboard/tool/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    name = db.session.scalars(sa.select(ListingRevision)).one().row["logo"]
    assert re.fullmatch(r"[0-9a-f]{32}\.png", name)
    with vendor.get(f"/uploads/logos/{name}") as served:
        assert served.status_code == 200 and served.mimetype == "image/png"
        with Image.open(io.BytesIO(served.data)) as image:
            assert image.format == "PNG" and image.size == (512, 256)
    # The edit form carries the logo on; saving without a new file keeps it.
    page = vendor.get("/dashboard/tool/quokka-books/edit").get_data(as_text=True)
    assert name in page


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"<svg onload=alert(1)>", "not an image"),
        (b"GIF89a" + b"\0" * 20, "not an image"),
        (b"x" * (1024 * 1024 + 1), "at most 1 MB"),
    ],
)
def test_bad_files_are_refused(app, content: bytes, message: str) -> None:
    with pytest.raises(LogoInvalid, match=message):
        store_logo(content, app.instance_path)


def test_a_decompression_bomb_is_refused(app) -> None:
    with pytest.raises(LogoInvalid, match="too large"):
        store_logo(_image("PNG", (5000, 4000)), app.instance_path)


def test_a_bad_logo_is_shown_on_its_field_and_the_rest_kept(vendor) -> None:
    data = tool_form(name_en="Kept name") | {"logo": (io.BytesIO(b"%PDF-1.4"), "x.png")}
    response = vendor.post("/dashboard/tool/new", data=data, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="logo-error"' in page and "Kept name" in page


@pytest.mark.parametrize("name", ["..%2F..%2Fetc%2Fpasswd", "x.png", "0" * 32 + ".svg"])
def test_only_generated_names_are_served(client, name: str) -> None:
    assert client.get(f"/uploads/logos/{name}").status_code == 404


def test_an_uploaded_row_cannot_point_a_logo_elsewhere(vendor_user) -> None:
    from dx_match.listings import services

    row = {"slug": "logo-tool", "name": "L", "functions": ["sales.pos"],
           "plans": [{"model": "quote"}], "logo": "../../etc/passwd"}  # fmt: skip
    with pytest.raises(services.ListingInvalid) as caught:
        services.save(vendor_user, "tool", row, base="new")
    assert [f for f, _m in caught.value.problems] == ["logo"]
