"""What every browser test shares: Debian's Chromium, the flags it needs here, and the rule that its
absence skips the module outside CI and fails it in CI."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
MISSING = not CHROMIUM.exists() and os.environ.get("CI") != "true"


def require_chromium() -> None:
    """Call at module level: skip the module when Chromium is missing, except in CI."""
    if MISSING:
        pytest.skip("/usr/bin/chromium is not installed (in CI its absence fails)", allow_module_level=True)
