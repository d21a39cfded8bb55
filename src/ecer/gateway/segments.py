"""Append-only segment files of length-prefixed, CRC-checked records.

Used by the raw-frame store and by the write-ahead log. A record on disk is

    u32 payload length | u32 CRC-32 of the payload | payload

(little-endian). Writes are buffered; `sync()` flushes and fsyncs, and callers group many records per
`sync()` (group commit). After a crash the last segment may end in a torn record (a short length, a
short payload or a CRC mismatch): opening the log truncates the file at the last good record, which is
safe because nothing after it was ever acknowledged (acks wait for `sync()`).
"""

from __future__ import annotations

import logging
import os
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

log = logging.getLogger(__name__)

_HEADER = struct.Struct("<II")
# A record longer than this is treated as corruption, not as a reason to allocate gigabytes.
MAX_RECORD_BYTES = 64 * 1024 * 1024


def fsync_dir(path: Path) -> None:
    """Make a create/rename/unlink in `path` durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def encode_record(payload: bytes) -> bytes:
    return _HEADER.pack(len(payload), zlib.crc32(payload)) + payload


def read_records(path: Path) -> tuple[list[bytes], int]:
    """All intact records of one segment and the byte offset just after the last intact one."""
    data = path.read_bytes()
    records: list[bytes] = []
    pos = 0
    while pos + _HEADER.size <= len(data):
        length, crc = _HEADER.unpack_from(data, pos)
        end = pos + _HEADER.size + length
        if length > MAX_RECORD_BYTES or end > len(data):
            break
        payload = data[pos + _HEADER.size : end]
        if zlib.crc32(payload) != crc:
            break
        records.append(payload)
        pos = end
    return records, pos


class SegmentLog:
    """A directory of numbered segment files `<prefix>-<n>.seg`, appended to in order."""

    def __init__(self, directory: Path, prefix: str, max_segment_bytes: int = 64 * 1024 * 1024) -> None:
        self.directory = directory
        self.prefix = prefix
        self.max_segment_bytes = max_segment_bytes
        directory.mkdir(parents=True, exist_ok=True)
        existing = self.segments()
        if existing:
            last = existing[-1]
            _, good = read_records(last)
            if good != last.stat().st_size:
                log.warning("%s: truncating torn tail at byte %d (was %d)", last, good, last.stat().st_size)
                with open(last, "r+b") as f:
                    f.truncate(good)
                    os.fsync(f.fileno())
            self._number = self._segment_number(last)
        else:
            self._number = 0
        # the segment being appended to (an attribute, not a property: append() returns it per record)
        self.current_segment = self.segment_path(self._number)
        self._file = open(self.current_segment, "ab")  # noqa: SIM115 (kept open for appends)
        self._size = self._file.tell()
        fsync_dir(directory)
        self.dirty = False

    @property
    def size(self) -> int:
        """Bytes in the current segment, buffered ones included."""
        return self._size

    def _segment_number(self, path: Path) -> int:
        return int(path.stem.rsplit("-", 1)[1])

    def segment_path(self, number: int) -> Path:
        return self.directory / f"{self.prefix}-{number:012d}.seg"

    def segments(self) -> list[Path]:
        return sorted(self.directory.glob(f"{self.prefix}-*.seg"), key=self._segment_number)

    def append(self, payload: bytes) -> Path:
        """Buffer one record; returns the segment it went to. Durable only after `sync()`."""
        if self._size >= self.max_segment_bytes:
            self._rotate()
        record = encode_record(payload)
        self._file.write(record)
        self._size += len(record)
        self.dirty = True
        return self.current_segment

    def _rotate(self) -> None:
        self.sync()
        self._file.close()
        self._number += 1
        self.current_segment = self.segment_path(self._number)
        self._file = open(self.current_segment, "ab")  # noqa: SIM115
        self._size = 0
        fsync_dir(self.directory)

    def sync(self) -> None:
        if self.dirty:
            self._file.flush()
            os.fsync(self._file.fileno())
            self.dirty = False

    def close(self) -> None:
        self.sync()
        self._file.close()

    def iter_all(self) -> Iterator[tuple[Path, bytes]]:
        """Every intact record of every segment, oldest first (including unsynced writes once flushed)."""
        self._file.flush()
        for segment in self.segments():
            records, _ = read_records(segment)
            for payload in records:
                yield segment, payload

    def remove(self, segment: Path) -> None:
        """Delete a finished segment (never the one being written)."""
        if segment == self.current_segment:
            return
        segment.unlink(missing_ok=True)
        fsync_dir(self.directory)
