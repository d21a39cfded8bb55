"""Durable pipeline behind the event loop: the committer (group commit + acks) and the flusher (WAL → lake).

committer thread: takes every queued item (up to `max_batch`), appends raw frames to the raw store
and measurements to the WAL, fsyncs both, then hands the batch back to the loop, which sends the
acks. Many packets share one fsync; while a sync runs, new items queue up for the next one.
flusher thread: every `flush_seconds` moves committed WAL records into the lake, then deletes WAL
segments that the lake checkpoint covers.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import threading
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ecer.gateway.lake import Lake, LakeRow
from ecer.gateway.stores import RawStore, WriteAheadLog

log = logging.getLogger(__name__)


@dataclass(slots=True)
class WorkItem:
    raw: bytes  # encoded raw-store record
    wal: dict[str, Any] | None  # measurements to log, or None
    conn: Any  # the connection to answer (None: nothing to send)
    ack: bytes | None
    received: float = 0.0  # time.monotonic() when the frame was complete (for the ack latency)


class Committer:
    def __init__(self, raw: RawStore, wal: WriteAheadLog, flusher: Flusher, loop: asyncio.AbstractEventLoop,
                 on_committed: Callable[[list[WorkItem]], None], max_batch: int = 5000) -> None:
        self.raw, self.wal, self.flusher, self.loop = raw, wal, flusher, loop
        self.on_committed = on_committed
        self.max_batch = max_batch
        self._queue: deque[WorkItem] = deque()
        self._cv = threading.Condition()
        self._stopping = False
        self.in_flight = 0  # queued + being written; read and written on the loop only
        self.batches = 0
        self._thread = threading.Thread(target=self._run, name="committer", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def put(self, item: WorkItem) -> int:
        """Queue one item (on the loop); returns the number of items not yet committed."""
        self.in_flight += 1
        with self._cv:
            self._queue.append(item)
            self._cv.notify()
        return self.in_flight

    def _take(self) -> list[WorkItem] | None:
        with self._cv:
            while not self._queue and not self._stopping:
                self._cv.wait()
            if not self._queue:
                return None
            n = min(len(self._queue), self.max_batch)
            return [self._queue.popleft() for _ in range(n)]

    def _run(self) -> None:
        while (batch := self._take()) is not None:
            logged: list[tuple[int, dict[str, Any]]] = []
            for item in batch:
                self.raw.append_encoded(item.raw)
                if item.wal is not None:
                    logged.append((self.wal.append(item.wal), item.wal))
            self.raw.sync()
            self.wal.sync()
            self.batches += 1
            # Only now is the batch durable: the flusher may take it and the loop may ack it.
            self.flusher.add(logged)
            self.loop.call_soon_threadsafe(self.on_committed, batch)

    def stop(self) -> None:
        """Finish everything queued, then end the thread."""
        with self._cv:
            self._stopping = True
            self._cv.notify()
        self._thread.join()
        self.raw.close()


def lake_rows(records: Iterable[tuple[int, dict[str, Any]]]) -> list[LakeRow]:
    rows = []
    for seq, body in records:
        received = dt.datetime.fromtimestamp(body["rx"], dt.UTC)
        for data_time, factor, field, value, text, flag, sent in body["rows"]:
            rows.append(LakeRow(body["mn"], body["st"], body["cn"], dt.datetime.fromisoformat(data_time),
                                factor, field, value, text, flag or "", received, seq, sent))
    return rows


class Flusher:
    def __init__(self, lake: Lake, wal: WriteAheadLog, flush_seconds: float = 2.0) -> None:
        self.lake, self.wal, self.flush_seconds = lake, wal, flush_seconds
        self._pending: list[tuple[int, dict[str, Any]]] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self.rows_written = 0
        self._thread = threading.Thread(target=self._run, name="flusher", daemon=True)

    def add(self, records: list[tuple[int, dict[str, Any]]]) -> None:
        if records:
            with self._lock:
                self._pending.extend(records)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        flushes = 0
        while not self._stop.wait(self.flush_seconds):
            try:
                self.flush()
                flushes += 1
                if flushes % 100 == 0:
                    self.lake.prune()
                if flushes % 30 == 0:  # small parts into daily files (crash-safe, see lake.py)
                    self.lake.compact()
            except Exception:  # the WAL still holds the records; the next flush (or restart) retries
                log.exception("lake flush failed")

    def flush(self) -> int:
        with self._lock:
            batch, self._pending = self._pending, []
        if not batch:
            return 0
        try:
            checkpoint = max(seq for seq, _ in batch)
            written = self.lake.write(lake_rows(batch), checkpoint)
        except Exception:
            with self._lock:
                self._pending[:0] = batch
            raise
        self.rows_written += written
        self.wal.remove_through(checkpoint)
        return written

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        self.flush()


def replay_wal(lake: Lake, wal: WriteAheadLog) -> int:
    """Move WAL records the lake does not hold yet into it (at start-up, before accepting connections)."""
    records = list(wal.replay(lake.checkpoint))
    if not records:
        return 0
    written = lake.write(lake_rows(records), max(seq for seq, _ in records))
    wal.remove_through(lake.checkpoint)
    log.info("replayed %d WAL record(s): %d new row(s) in the lake", len(records), written)
    return written
