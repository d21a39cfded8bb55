"""Finding the compiled codec, ecer.hj212._speedups (used by accel and packet; imports nothing of ours).

The extension is optional: absent without a C compiler at install time, skipped with ECER_PURE_CODEC=1,
and ignored when it is a stale build. An editable install keeps the module it compiled when the .pyx
changes later (a pull without a reinstall); its `API` then differs from the one this code expects,
and using it could fail at import or, worse, disagree with the pure codec.
"""

from __future__ import annotations

import importlib
import logging
import os
from functools import cache
from types import ModuleType

log = logging.getLogger(__name__)

# The interface of ecer.hj212._speedups this code expects; the .pyx says which one it provides.
API = 2


@cache  # one import attempt and one notice per process
def load_speedups() -> ModuleType | None:
    """ecer.hj212._speedups when it was built from the current source, else None (pure codec)."""
    if os.environ.get("ECER_PURE_CODEC"):
        return None
    try:  # by name: the module exists only where the install compiled it
        module = importlib.import_module("ecer.hj212._speedups")
    except ImportError as exc:
        log.info("compiled HJ 212 codec not available (%s): using the pure-Python codec", exc)
        return None
    if getattr(module, "API", None) != API:
        log.warning("compiled HJ 212 codec is a stale build (API %s, expected %s): using the pure-Python "
                    "codec; rebuild it with `pip install -e .` (scripts/_env.sh does)",
                    getattr(module, "API", None), API)
        return None
    return module
