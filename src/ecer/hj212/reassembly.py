"""Split-packet reassembly: parts PNO 1..PNUM of one upload, keyed by (MN, QN, CN).

Parts may arrive in any order and be repeated (loggers re-send after reconnecting): the first copy
of each PNO is kept. A set completes when every PNO 1..PNUM is present; the result is one Packet
whose CP holds the parts' groups in PNO order (so a DataTime in part 1 dates the rows of part 2)
and whose PNUM/PNO are cleared. Incomplete sets are dropped after `timeout_s` (the caller passes
the clock: the codec stays pure) or when more than `max_pending` sets are open (oldest first);
dropped sets are returned for audit, never silently lost.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from ecer.hj212.packet import FLAG_SPLIT, Packet

SplitKey = tuple[str, str, str]  # (MN, QN, CN)


@dataclass(frozen=True, slots=True)
class Incomplete:
    """A split upload that did not complete in time: its parts, for audit."""

    key: SplitKey
    pnum: int
    parts: tuple[Packet, ...]
    reason: str  # "timeout" | "evicted" | "pnum_conflict" | "too_many_parts"


@dataclass(slots=True)
class _Pending:
    pnum: int
    first_seen: float
    parts: dict[int, Packet] = field(default_factory=dict)


class Reassembler:
    """Collects split packets per connection (or globally); `add()` returns the whole packet."""

    def __init__(self, timeout_s: float = 600.0, max_pending: int = 1000, max_parts: int = 999) -> None:
        self.timeout_s = timeout_s
        self.max_pending = max_pending
        self.max_parts = max_parts
        self._pending: dict[SplitKey, _Pending] = {}
        self.dropped: list[Incomplete] = []

    @property
    def pending(self) -> int:
        return len(self._pending)

    def add(self, packet: Packet, now: float) -> Packet | None:
        """Add one packet. A packet that is not split comes straight back; a part returns None
        until its set is complete. Expired/evicted sets are appended to `self.dropped`."""
        if packet.pnum is None or packet.pno is None:  # not split (Packet.is_split, narrowed for typing)
            return packet
        self.expire(now)
        key = self._key(packet)
        if packet.pnum > self.max_parts:
            self.dropped.append(Incomplete(key, packet.pnum, (packet,), "too_many_parts"))
            return None
        pending = self._pending.get(key)
        if pending is None:
            if len(self._pending) >= self.max_pending:
                self._evict_oldest()
            pending = self._pending[key] = _Pending(packet.pnum, now)
        elif pending.pnum != packet.pnum:
            self.dropped.append(Incomplete(key, packet.pnum, (packet,), "pnum_conflict"))
            return None
        pending.parts.setdefault(packet.pno, packet)
        if len(pending.parts) < pending.pnum:
            return None
        del self._pending[key]
        return merge_parts([pending.parts[i] for i in range(1, pending.pnum + 1)])

    def expire(self, now: float) -> list[Incomplete]:
        """Drop sets older than the timeout; returns (and records) them."""
        old = [k for k, p in self._pending.items() if now - p.first_seen > self.timeout_s]
        out = [self._drop(k, "timeout") for k in old]
        return out

    def _evict_oldest(self) -> None:
        oldest = min(self._pending, key=lambda k: self._pending[k].first_seen)
        self._drop(oldest, "evicted")

    def _drop(self, key: SplitKey, reason: str) -> Incomplete:
        pending = self._pending.pop(key)
        item = Incomplete(key, pending.pnum, tuple(pending.parts[i] for i in sorted(pending.parts)), reason)
        self.dropped.append(item)
        return item

    @staticmethod
    def _key(packet: Packet) -> SplitKey:
        return (packet.mn, packet.qn or "", packet.cn)


def merge_parts(parts: list[Packet]) -> Packet:
    """One packet from all parts in PNO order (header of part 1, CP groups of all)."""
    first = parts[0]
    flag = first.flag & ~FLAG_SPLIT if first.flag is not None else None
    warnings = tuple(w for p in parts for w in p.warnings)
    return replace(first, cp=tuple(g for p in parts for g in p.cp), pnum=None, pno=None, flag=flag,
                   data="\n".join(p.data for p in parts), warnings=warnings)
