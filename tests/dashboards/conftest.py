"""The demo's data (catalogs, plan, illustrative statistics, decomposed targets, accounts) loaded once
for the package and rolled back afterwards; dashboard reports are computed once into the cache."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import transaction

PLAN = "sichuan-14fyp"


def load_demo() -> None:
    from ecer.cli.demo import illustrative_dataset
    from ecer.masterdata.services.accounts import ensure_demo_accounts
    from ecer.masterdata.services.catalogs import load_catalogs
    from ecer.masterdata.services.imports import import_statistics
    from ecer.masterdata.services.plans import load_plan_into_db
    from ecer.services.actor import system_actor
    from ecer.services.decompose import decompose_from_database

    load_catalogs()
    load_plan_into_db(PLAN)
    import_statistics(illustrative_dataset(), illustrative=True)
    decompose_from_database(PLAN, actor=system_actor())
    ensure_demo_accounts()


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
