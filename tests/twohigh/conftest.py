"""The demo database once for the package (tests/demo_fixtures.py)."""

from demo_fixtures import demo_data, fast_password_hashing  # noqa: F401 - fixtures for this package
