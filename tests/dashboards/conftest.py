"""The demo's data (catalogs, plan, illustrative statistics, decomposed targets, accounts) loaded once
for the package and rolled back afterwards; dashboard reports are computed once into the cache."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import transaction

from demo_fixtures import load_demo

PLAN = "sichuan-14fyp"


@pytest.fixture(scope="package")
def demo_data(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> Iterator[None]:
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            load_demo()
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: object) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]
