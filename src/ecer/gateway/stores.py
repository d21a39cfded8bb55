"""The two durable logs of the gateway: the raw-frame store (audit) and the measurement WAL.

Both are SegmentLogs; the committer thread appends a batch to each and then fsyncs both before any
ack of that batch is sent (group commit).
"""

from __future__ import annotations

import json
import logging
import shutil
import struct
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ecer.gateway.segments import SegmentLog

log = logging.getLogger(__name__)

_RAW_HEAD = struct.Struct("<dH")
_SEQ = struct.Struct("<Q")

VERDICT_ACCEPTED = "accepted"
VERDICT_REJECTED = "rejected"
VERDICT_QUARANTINED = "quarantined"


@dataclass(frozen=True)
class RawRecord:
    received_at: float  # Unix seconds
    peer: str
    verdict: str
    reason: str
    mn: str
    frame: bytes


@dataclass(frozen=True)
class RawStorePolicy:
    """Rotation and retention of the raw store (docs/gateway.md, "Raw store"): the disk never fills.

    Finished segments are deleted oldest first when older than `retention_days`, when the store
    exceeds `budget_bytes`, or when the file system has less than `min_free_bytes` free.
    """

    segment_bytes: int = 64 * 1024 * 1024
    budget_bytes: int = 20 * 1024**3
    retention_days: float = 400.0  # a bit more than a year: annual reviews read last year's frames
    min_free_bytes: int = 1024**3


class RawStore:
    """Every accepted frame with peer, receive time and verdict (append-only, rotated, with a budget).

    Rejected and quarantined traffic is counted with samples in the registry (RejectedTraffic), not
    stored here frame by frame: a flood must not turn into disk writes.
    """

    def __init__(self, directory: Path, max_segment_bytes: int | None = None,
                 policy: RawStorePolicy | None = None) -> None:
        self.policy = policy or RawStorePolicy()
        self.log = SegmentLog(directory, "raw", max_segment_bytes or self.policy.segment_bytes)
        self.removed_segments = 0
        self.enforce()

    def enforce(self) -> int:
        """Delete finished segments beyond the retention, the budget or the free-space reserve."""
        policy = self.policy
        finished = [s for s in self.log.segments() if s != self.log.current_segment]
        sizes = {s: s.stat().st_size for s in finished}
        total = sum(sizes.values()) + self.log.size
        cutoff = time.time() - policy.retention_days * 86400
        removed = 0
        for segment in finished:
            free = shutil.disk_usage(self.log.directory).free
            if total <= policy.budget_bytes and free >= policy.min_free_bytes \
                    and segment.stat().st_mtime >= cutoff:
                break
            self.log.remove(segment)
            total -= sizes[segment]
            removed += 1
        if removed:
            self.removed_segments += removed
            log.warning("raw store: removed %d old segment(s) (retention %g days, budget %d bytes)", removed,
                        policy.retention_days, policy.budget_bytes)
        return removed

    @staticmethod
    def encode(received_at: float, peer: str, verdict: str, reason: str, mn: str, frame: bytes) -> bytes:
        head = json.dumps({"peer": peer, "verdict": verdict, "reason": reason, "mn": mn}).encode()
        return _RAW_HEAD.pack(received_at, len(head)) + head + frame

    def append_encoded(self, payload: bytes) -> None:
        before = self.log.current_segment
        if self.log.append(payload) != before:  # rotated: the finished segment may push us over budget
            self.enforce()

    @property
    def total_bytes(self) -> int:
        return sum(s.stat().st_size for s in self.log.segments() if s != self.log.current_segment) + self.log.size

    def sync(self) -> None:
        self.log.sync()

    def close(self) -> None:
        self.log.close()

    def records(self) -> Iterator[RawRecord]:
        for _, payload in self.log.iter_all():
            received_at, head_len = _RAW_HEAD.unpack_from(payload)
            start = _RAW_HEAD.size
            head = json.loads(payload[start : start + head_len])
            yield RawRecord(received_at, head["peer"], head["verdict"], head["reason"], head["mn"],
                            payload[start + head_len :])


class WriteAheadLog:
    """Parsed measurements, one record per packet, numbered by a monotonic sequence.

    `first_seq` must exceed the lake's checkpoint: after every segment has been flushed and removed
    the numbering must not restart below what the lake already holds.
    """

    def __init__(self, directory: Path, first_seq: int = 1, max_segment_bytes: int = 16 * 1024 * 1024) -> None:
        self.log = SegmentLog(directory, "wal", max_segment_bytes)
        self._segment_last_seq: dict[Path, int] = {}
        # The committer appends while the flusher removes segments: both touch the segment map.
        self._lock = threading.Lock()
        last = 0
        for segment, payload in self.log.iter_all():
            (seq,) = _SEQ.unpack_from(payload)
            self._segment_last_seq[segment] = seq
            last = max(last, seq)
        self.next_seq = max(last + 1, first_seq)

    def append(self, body: dict[str, Any]) -> int:
        data = json.dumps(body, separators=(",", ":")).encode()
        with self._lock:
            seq = self.next_seq
            self.next_seq += 1
            segment = self.log.append(_SEQ.pack(seq) + data)
            self._segment_last_seq[segment] = seq
        return seq

    def sync(self) -> None:
        self.log.sync()

    def close(self) -> None:
        self.log.close()

    def replay(self, after_seq: int) -> Iterator[tuple[int, dict[str, Any]]]:
        """Records with a sequence number above `after_seq` (those not yet in the lake), in order."""
        for _, payload in self.log.iter_all():
            (seq,) = _SEQ.unpack_from(payload)
            if seq > after_seq:
                yield seq, json.loads(payload[_SEQ.size :])

    def remove_through(self, seq: int) -> int:
        """Delete finished segments whose every record is at or below `seq` (already in the lake)."""
        removed = 0
        with self._lock:
            for segment, last in list(self._segment_last_seq.items()):
                if last <= seq and segment != self.log.current_segment:
                    self.log.remove(segment)
                    del self._segment_last_seq[segment]
                    removed += 1
        return removed
