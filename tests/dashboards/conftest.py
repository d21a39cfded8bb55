"""The demo's data (catalogs, plan, illustrative statistics, decomposed targets, accounts) loaded once
for the package and rolled back afterwards; dashboard reports are computed once into the cache."""

from __future__ import annotations

import pytest

from demo_fixtures import demo_data  # noqa: F401 - the package-scoped demo database

PLAN = "sichuan-14fyp"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: object) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]
