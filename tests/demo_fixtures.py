"""Fixtures for tests that need the database as `ecer demo` leaves it (catalogs, default plan, demo
accounts). Test packages import them into their conftest.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User
from django.db import transaction

from ecer.masterdata.services.accounts import ensure_demo_accounts
from ecer.masterdata.services.catalogs import load_catalogs
from ecer.masterdata.services.plans import load_plan_into_db


def load_demo(plan: str = "sichuan-14fyp") -> None:
    """As `ecer demo` leaves the database: catalogs, the plan, the illustrative statistics, the
    decomposed city targets and the demo accounts."""
    from ecer.cli.demo import illustrative_dataset
    from ecer.masterdata.services.imports import import_statistics
    from ecer.services.actor import system_actor
    from ecer.services.decompose import decompose_from_database

    load_catalogs()
    load_plan_into_db(plan)
    import_statistics(illustrative_dataset(), illustrative=True)
    decompose_from_database(plan, actor=system_actor())
    ensure_demo_accounts()


@pytest.fixture(scope="package")
def demo_data(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> Iterator[None]:
    """`load_demo()` once for the package that imports this fixture into its conftest, rolled back after."""
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            load_demo()
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def loaded(db: None) -> None:
    """Catalogs, the default plan and the demo accounts, as `ecer demo` would leave them."""
    load_catalogs()
    load_plan_into_db("sichuan-14fyp")
    ensure_demo_accounts()


@pytest.fixture
def province(loaded: None) -> User:
    return User.objects.get(username="province")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: object) -> None:
    # PBKDF2 with Django's production iteration count costs ~0.3 s per password on these machines.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]
