"""Shared test set-up: every test run gets its own data directory, never the user's."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import pytest

# Must happen before Django settings are imported (pytest-django imports them after conftest).
os.environ.setdefault("ECER_DATA_DIR", tempfile.mkdtemp(prefix="ecer-test-"))

# The project's read-only reference material (plan text, HJ 212 samples) sits beside the checkout;
# ECER_SHARED_DIR points elsewhere when it does not.
SHARED_DIR = Path(os.environ.get("ECER_SHARED_DIR") or Path(__file__).resolve().parents[1].parent / "shared")


@pytest.fixture(scope="session")
def light_rule() -> Any:
    """`tests/light_rule.py`: the documented light rule recomputed from a report row (issue 7 §1)."""
    import importlib.util

    path = Path(__file__).with_name("light_rule.py")
    spec = importlib.util.spec_from_file_location("ecer_tests_light_rule", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
