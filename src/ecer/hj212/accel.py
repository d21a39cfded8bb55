"""The codec entry points: the compiled fast path when it was built, the pure codec otherwise.

`ecer.hj212._speedups` is a Cython extension built at install time (setup.py; Cython comes from
the build requirements, the C compiler from the system). Its `Framer` is the pure framer event for
event; its `parse` decides only clean packets and hands every other one to the pure parser, so
verdicts are the pure codec's. Without the extension (no C
compiler at install time, or ECER_PURE_CODEC=1) everything runs in pure Python and a notice is
logged once. `ecer.hj212.parser.parse` is always the pure reference.
"""

from __future__ import annotations

import importlib
import logging
import os
from types import ModuleType

from ecer.hj212.crc import CrcMode
from ecer.hj212.framer import Frame
from ecer.hj212.framer import Framer as PureFramer
from ecer.hj212.packet import Packet
from ecer.hj212.parser import parse as pure_parse

log = logging.getLogger(__name__)


def _load() -> ModuleType | None:
    if os.environ.get("ECER_PURE_CODEC"):
        return None
    try:  # by name: the module exists only where the install compiled it
        return importlib.import_module("ecer.hj212._speedups")
    except ImportError as exc:
        log.info("compiled HJ 212 codec not available (%s): using the pure-Python codec", exc)
        return None


speedups = _load()
COMPILED = speedups is not None
# The stream framer: the compiled one has the pure one's interface (feed, flush, buffered).
Framer: type[PureFramer] = speedups.Framer if speedups is not None else PureFramer


def parse(frame: Frame | bytes, *, crc_mode: CrcMode = CrcMode.STANDARD) -> Packet:
    """Parse one frame (or the bytes of one packet) into a Packet; raises Hj212Error (see parser)."""
    if speedups is not None:
        packet: Packet | None = speedups.parse(frame, crc_mode)
        if packet is not None:
            return packet
    return pure_parse(frame, crc_mode=crc_mode)
