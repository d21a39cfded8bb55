"""Fixtures: the shared sample packets."""

from __future__ import annotations

import pytest

from .samples import Sample, load_samples


@pytest.fixture(scope="session")
def samples() -> list[Sample]:
    return load_samples()


@pytest.fixture(scope="session")
def valid_packets(samples: list[Sample]) -> list[bytes]:
    return [s.packet for s in samples if s.expect == "valid"]
