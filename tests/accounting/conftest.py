"""Demo data loaded once for the package through the master-data services, rolled back afterwards."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import transaction


@pytest.fixture(scope="package")
def demo_data(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> Iterator[None]:
    from ecer.cli.demo import illustrative_dataset
    from ecer.masterdata.services.catalogs import load_catalogs
    from ecer.masterdata.services.imports import import_statistics
    from ecer.masterdata.services.plans import load_plan_into_db

    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            load_catalogs()
            load_plan_into_db("sichuan-14fyp")
            import_statistics(illustrative_dataset(), illustrative=True)
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
