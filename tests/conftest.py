"""Shared test set-up: every test run gets its own data directory, never the user's."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

# Must happen before Django settings are imported (pytest-django imports them after conftest).
os.environ.setdefault("ECER_DATA_DIR", tempfile.mkdtemp(prefix="ecer-test-"))

SHARED_DIR = Path(__file__).resolve().parents[1].parent / "shared"
