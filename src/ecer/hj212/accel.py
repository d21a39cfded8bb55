"""The codec entry points: the compiled fast path when it was built, the pure codec otherwise.

`ecer.hj212._speedups` is a Cython extension built at install time (setup.py; Cython comes from
the build requirements, the C compiler from the system). Its `Framer` is the pure framer event for
event; its `parse` decides only clean packets and hands every other one to the pure parser, so
verdicts are the pure codec's. Without the extension (no C compiler at install time,
ECER_PURE_CODEC=1, or a stale build: see ecer.hj212.compiled) everything runs in pure Python and a
notice is logged once. `ecer.hj212.parser.parse` is always the pure reference.
"""

from __future__ import annotations

from ecer.hj212.compiled import load_speedups
from ecer.hj212.crc import CrcMode
from ecer.hj212.framer import Frame
from ecer.hj212.framer import Framer as PureFramer
from ecer.hj212.packet import Packet
from ecer.hj212.parser import parse as pure_parse

speedups = load_speedups()
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
