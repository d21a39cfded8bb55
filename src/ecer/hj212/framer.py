"""Stream framer: turns an arbitrary byte stream into HJ 212 frames and audited rejections.

A frame is `## LLLL <data: LLLL bytes> CCCC` followed (normally) by CR LF. The framer:

- re-synchronises on `##`: anything before it is reported as `junk` (in chunks of at most
  `junk_chunk_bytes`, so junk never accumulates);
- trusts the declared length only when it *fits*: four hex digits at the CRC position, followed by
  a line ending, the next `##`, or the data segment ending in `&&` (so a logger that omits CR LF is
  served without waiting). A missing CR, a missing CR LF and junk after the CRC are tolerated;
- when the declared length does not fit, rejects the bytes up to the next `##` (`length_mismatch`)
  and resumes there, so a valid packet after a broken one is never lost;
- decides early when a CR LF shows up inside the declared data segment (a data segment never holds
  one), instead of waiting for bytes that would belong to the next packet;
- never buffers more than `max_frame_bytes` of an unfinished frame (`frame_too_large`).

The framer checks structure only; the CRC and the fields are the parser's job (`parse(frame)`).
Offsets are absolute positions in the stream (first byte is 0), for audit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ecer.hj212.errors import Reason

# `##` + 4 length digits + 4 CRC digits + CR LF; the 4-digit length field caps data at 9999 bytes.
FRAME_OVERHEAD_BYTES = 12
MAX_DATA_BYTES = 9999
DEFAULT_MAX_FRAME_BYTES = MAX_DATA_BYTES + FRAME_OVERHEAD_BYTES
DEFAULT_JUNK_CHUNK_BYTES = 1024

_HEX4 = re.compile(rb"[0-9A-Fa-f]{4}")


@dataclass(frozen=True, slots=True)
class Frame:
    """A structurally complete frame. `raw` = `##LLLL` + data + CRC text (no line ending)."""

    raw: bytes
    data: bytes
    crc_text: bytes
    offset: int


@dataclass(frozen=True, slots=True)
class Rejected:
    """Bytes that are not a frame, kept for audit with a stable reason."""

    raw: bytes
    reason: Reason
    detail: str
    offset: int


FrameEvent = Frame | Rejected


class Framer:
    """Incremental framer for one connection. Call `feed()` per read and `flush()` at EOF/idle."""

    def __init__(
        self,
        max_frame_bytes: int = DEFAULT_MAX_FRAME_BYTES,
        junk_chunk_bytes: int = DEFAULT_JUNK_CHUNK_BYTES,
        start_offset: int = 0,
    ) -> None:
        if max_frame_bytes < FRAME_OVERHEAD_BYTES + 1:
            raise ValueError("max_frame_bytes too small")
        self.max_frame_bytes = max_frame_bytes
        self.junk_chunk_bytes = max(1, junk_chunk_bytes)
        self._buf = bytearray()
        self._base = start_offset  # stream offset of _buf[0]

    @property
    def buffered(self) -> int:
        """Bytes held for an unfinished frame (bounded by max_frame_bytes)."""
        return len(self._buf)

    def feed(self, data: bytes) -> list[FrameEvent]:
        self._buf += data
        return self._drain(final=False)

    def flush(self) -> list[FrameEvent]:
        """Decide on everything buffered (end of stream, or the connection went idle)."""
        return self._drain(final=True)

    # -- internals -------------------------------------------------------------------------
    def _drain(self, final: bool) -> list[FrameEvent]:
        buf = self._buf
        events: list[FrameEvent] = []
        pos = 0
        end = len(buf)
        while pos < end:
            start = buf.find(b"##", pos)
            if start < 0:
                # keep a trailing '#' that may start the next marker
                stop = end if final or buf[end - 1] != 0x23 else end - 1
                self._junk(events, pos, stop)
                pos = stop
                break
            if start > pos:
                self._junk(events, pos, start)
            pos, progressed = self._frame_at(events, start, final)
            if not progressed:
                break
        del buf[:pos]
        self._base += pos
        return events

    def _junk(self, events: list[FrameEvent], begin: int, stop: int) -> None:
        # Skip line endings between frames: they are normal, not junk.
        chunk = self.junk_chunk_bytes
        i = begin
        while i < stop:
            j = min(stop, i + chunk)
            piece = bytes(self._buf[i:j])
            if piece.strip(b"\r\n"):
                events.append(Rejected(piece, Reason.JUNK, f"{len(piece)} byte(s) outside any frame",
                                       self._base + i))
            i = j

    def _reject_to_next_marker(
        self, events: list[FrameEvent], start: int, reason: Reason, detail: str, final: bool
    ) -> tuple[int, bool]:
        buf = self._buf
        nxt = buf.find(b"##", start + 1)
        if nxt < 0:
            if not final and len(buf) - start < self.max_frame_bytes:
                # the next marker may still arrive; but never hold more than one frame's worth
                nxt = len(buf)
                if buf[nxt - 1] == 0x23:
                    nxt -= 1
            else:
                nxt = len(buf)
        raw = bytes(buf[start:nxt]).rstrip(b"\r\n")
        events.append(Rejected(raw, reason, detail, self._base + start))
        return nxt, True

    def _frame_at(self, events: list[FrameEvent], start: int, final: bool) -> tuple[int, bool]:
        """Try to take a frame starting at `start` (which holds `##`). Returns (new pos, progressed)."""
        buf = self._buf
        avail = len(buf) - start
        if avail < 6:
            if final:
                return self._reject_to_next_marker(events, start, Reason.BAD_HEADER, "truncated header", final)
            return start, False
        length_field = buf[start + 2:start + 6]
        if not length_field.isdigit():  # ASCII digits only (bytes semantics)
            return self._reject_to_next_marker(
                events, start, Reason.BAD_HEADER, f"length field {bytes(length_field)!r} is not 4 digits", final)
        length = int(length_field)
        total = 6 + length + 4
        if total + 2 > self.max_frame_bytes:
            return self._reject_to_next_marker(
                events, start, Reason.FRAME_TOO_LARGE,
                f"declared length {length} exceeds the maximum frame of {self.max_frame_bytes} bytes", final)
        data_start = start + 6
        crc_start = data_start + length
        # A CR LF inside the declared data segment means the declared length is wrong.
        crlf = buf.find(b"\r\n", data_start, min(crc_start, len(buf)))
        if crlf >= 0:
            return self._mismatch(events, start, length, final)
        if avail < total:
            if final:
                return self._mismatch(events, start, length, final)
            return start, False
        verdict = self._fits(data_start, crc_start, final)
        if verdict is None:
            return start, False  # wait for the line ending to confirm the length
        if not verdict:
            return self._mismatch(events, start, length, final)
        after = crc_start + 4
        raw = bytes(buf[start:after])
        events.append(Frame(raw, raw[6:-4], raw[-4:], self._base + start))
        # swallow the line ending (CR LF, lone LF or lone CR)
        if buf.startswith(b"\r\n", after):
            after += 2
        elif after < len(buf) and buf[after] in (0x0D, 0x0A):
            after += 1
        return after, True

    def _fits(self, data_start: int, crc_start: int, final: bool) -> bool | None:
        """Does the declared length land on a CRC? None = cannot tell until more bytes arrive."""
        buf = self._buf
        if not _HEX4.fullmatch(buf, crc_start, crc_start + 4):
            return False
        after = crc_start + 4
        closed = buf.endswith(b"&&", data_start, crc_start)
        if after < len(buf):
            return buf[after] in (0x0D, 0x0A, 0x23) or closed
        return True if final or closed else None

    def _mismatch(self, events: list[FrameEvent], start: int, length: int, final: bool) -> tuple[int, bool]:
        return self._reject_to_next_marker(
            events, start, Reason.LENGTH_MISMATCH,
            f"declared data length {length} does not match the frame", final)


def frames_from_lines(lines: Iterable[bytes], max_frame_bytes: int = DEFAULT_MAX_FRAME_BYTES) -> Iterator[FrameEvent]:
    """Frames from a capture file with one packet per line (each line is framed on its own).

    Offsets are byte offsets in the file (lines are taken as read, including their line ending).
    A line holding several packets or junk around a packet is handled like a stream.
    """
    offset = 0
    for line in lines:
        framer = Framer(max_frame_bytes=max_frame_bytes, start_offset=offset)
        body = line.rstrip(b"\r\n")
        if body:
            yield from framer.feed(body)
            yield from framer.flush()
        offset += len(line)
