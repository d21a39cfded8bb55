from __future__ import annotations

import pytest

from ecer.masterdata.services.catalogs import load_catalogs


@pytest.fixture
def catalogs(db: None) -> None:
    load_catalogs()
