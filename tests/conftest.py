"""Shared test set-up: every test run gets its own data directory, never the user's."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

# Must happen before Django settings are imported (pytest-django imports them after conftest).
os.environ.setdefault("ECER_DATA_DIR", tempfile.mkdtemp(prefix="ecer-test-"))

# The project's read-only reference material (plan text, HJ 212 samples) sits beside the checkout;
# ECER_SHARED_DIR points elsewhere when it does not.
SHARED_DIR = Path(os.environ.get("ECER_SHARED_DIR") or Path(__file__).resolve().parents[1].parent / "shared")
