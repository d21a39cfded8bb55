from __future__ import annotations

from ecer.hj212 import Frame, Framer, Reason, Rejected, frames_from_lines

P1 = b"##0101QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&RtdInterval=30&&1C80"
P2 = b"##0087QN=20160801085000001;ST=91;CN=9014;PW=123456;MN=010000A8900016F000169DC0;Flag=4;CP=&&&&C241"


def run(stream: bytes, chunk: int | None = None, **kw: int) -> list[Frame | Rejected]:
    framer = Framer(**kw)
    events: list[Frame | Rejected] = []
    step = chunk or len(stream) or 1
    for i in range(0, len(stream), step):
        events += framer.feed(stream[i:i + step])
    return events + framer.flush()


def frames(events: list[Frame | Rejected]) -> list[bytes]:
    return [e.raw for e in events if isinstance(e, Frame)]


def test_two_frames_any_chunking() -> None:
    stream = P1 + b"\r\n" + P2 + b"\r\n"
    for chunk in (1, 2, 3, 7, 50, 1000):
        events = run(stream, chunk)
        assert frames(events) == [P1, P2], chunk
        assert not [e for e in events if isinstance(e, Rejected)]


def test_offsets_are_stream_positions() -> None:
    stream = b"xx" + P1 + b"\r\n" + P2
    events = run(stream)
    assert [e.offset for e in events] == [0, 2, len(P1) + 4]
    assert isinstance(events[0], Rejected) and events[0].reason is Reason.JUNK


def test_missing_crlf_missing_cr_and_junk_between() -> None:
    for sep in (b"", b"\n", b"\r", b"garbage\x00\xff", b"\r\n\r\n"):
        events = run(P1 + sep + P2)
        assert frames(events) == [P1, P2], sep
        junk = [e for e in events if isinstance(e, Rejected)]
        assert all(e.reason is Reason.JUNK for e in junk)
        assert bool(junk) == bool(sep.strip(b"\r\n"))


def test_frame_without_crlf_is_delivered_without_waiting() -> None:
    framer = Framer()
    assert frames(framer.feed(P1)) == [P1]  # ends in '&&' + CRC: no need to wait for CR LF


def test_declared_length_too_long_does_not_swallow_next_packet() -> None:
    broken = P1.replace(b"##0101", b"##0500")
    for chunk in (1, 13, 4096):
        events = run(broken + b"\r\n" + P2 + b"\r\n", chunk)
        assert frames(events) == [P2]
        rejected = [e for e in events if isinstance(e, Rejected)]
        assert rejected[0].reason is Reason.LENGTH_MISMATCH and rejected[0].raw == broken


def test_declared_length_too_short() -> None:
    broken = P1.replace(b"##0101", b"##0090")
    events = run(broken + P2)
    assert frames(events) == [P2]
    assert [e.reason for e in events if isinstance(e, Rejected)] == [Reason.LENGTH_MISMATCH]


def test_frame_too_large_and_bad_header() -> None:
    events = run(b"##9000abc\r\n##12x4def\r\n" + P1, max_frame_bytes=2000)
    assert frames(events) == [P1]
    assert [e.reason for e in events if isinstance(e, Rejected)] == [Reason.FRAME_TOO_LARGE, Reason.BAD_HEADER]


def test_junk_is_bounded_and_never_buffered() -> None:
    framer = Framer(max_frame_bytes=2048, junk_chunk_bytes=256)
    total = 0
    for _ in range(200):
        events = framer.feed(b"\xff\x00abc" * 100)
        total += sum(len(e.raw) for e in events)
        assert all(isinstance(e, Rejected) and len(e.raw) <= 256 for e in events)
        assert framer.buffered <= 1
    assert total == 200 * 500
    assert frames(framer.feed(b"\r\n" + P1)) == [P1]


def test_unfinished_frame_buffer_is_bounded() -> None:
    framer = Framer(max_frame_bytes=300)
    framer.feed(b"##0250" + b"A" * 100)
    assert framer.buffered <= 300
    events = framer.feed(b"B" * 1000)
    assert framer.buffered <= 300
    assert [e.reason for e in events if isinstance(e, Rejected)][0] is Reason.LENGTH_MISMATCH


def test_split_marker_across_reads() -> None:
    framer = Framer()
    out = framer.feed(b"junk#")
    out += framer.feed(P1[1:])
    assert frames(out) == [P1]


def test_frames_from_lines_offsets() -> None:
    lines = [P1 + b"\r\n", b"\n", b"hello\n", P2 + b"\n"]
    events = list(frames_from_lines(lines))
    assert frames(events) == [P1, P2]
    assert events[-1].offset == len(P1) + 2 + 1 + 6
    assert [e.reason for e in events if isinstance(e, Rejected)] == [Reason.JUNK]


def test_broken_length_does_not_delay_the_next_packet_without_flush() -> None:
    # the gateway never flushes a live connection: the valid packet must come out of feed() alone
    framer = Framer()
    events = framer.feed(P1.replace(b"##0101", b"##0900") + b"\r\n" + P2 + b"\r\n")
    assert frames(events) == [P2]
    assert framer.buffered == 0


def test_packet_waits_for_missing_bytes_then_completes() -> None:
    framer = Framer()
    assert framer.feed(P1[:50]) == []
    assert frames(framer.feed(P1[50:] + b"\r\n")) == [P1]
