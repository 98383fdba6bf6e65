"""The listing fixtures (a vendor owning a demo vendor row, an admin) for the chain tests."""

from tests.listings.conftest import admin_user, vendor_user

__all__ = ["admin_user", "vendor_user"]
