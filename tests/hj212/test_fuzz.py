"""Robustness: arbitrary and mutated input never raises anything but Hj212Error, and a valid
packet is never lost because of a broken neighbour, whatever the chunking of the stream."""

from __future__ import annotations

import contextlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecer.hj212 import Frame, Framer, Hj212Error, Rejected, frames_from_lines, parse

from .samples import load_samples

VALID = [s.packet for s in load_samples() if s.expect == "valid"]
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def mutate(packet: bytes, ops: list[tuple[int, int, int]]) -> bytes:
    data = bytearray(packet)
    for kind, where, byte in ops:
        if not data:
            break
        i = where % len(data)
        if kind == 0:
            data[i] = byte
        elif kind == 1:
            del data[i]
        elif kind == 2:
            data.insert(i, byte)
        else:
            data[i:i] = data[i:i + (byte % 40)]  # duplicate a run
    return bytes(data)


mutations = st.lists(st.tuples(st.integers(0, 3), st.integers(0, 10_000), st.integers(0, 255)), min_size=1, max_size=6)
garbage = st.one_of(
    st.binary(max_size=300),
    st.builds(mutate, st.sampled_from(VALID), mutations),
    st.sampled_from([b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", b"##", b"##9", b"##12ab", b"\x00" * 50, b"#" * 7]),
)
separators = st.sampled_from([b"\r\n", b"\n", b"\r", b"", b"\r\n\r\n", b"xx"])


def stream_events(stream: bytes, cuts: list[int]) -> list[Frame | Rejected]:
    framer = Framer()
    events: list[Frame | Rejected] = []
    prev = 0
    for cut in sorted({c % (len(stream) + 1) for c in cuts}) + [len(stream)]:
        events += framer.feed(stream[prev:cut])
        prev = cut
    return events + framer.flush()


def accepted(events: list[Frame | Rejected]) -> list[bytes]:
    out = []
    for event in events:
        if isinstance(event, Frame):
            try:
                parse(event)
            except Hj212Error:
                continue
            out.append(event.raw)
    return out


@SETTINGS
@given(first=st.sampled_from(VALID), second=st.sampled_from(VALID), middle=garbage,
       sep1=separators, sep2=separators, cuts=st.lists(st.integers(0, 5000), max_size=12))
def test_valid_neighbours_survive_garbage(first: bytes, second: bytes, middle: bytes, sep1: bytes, sep2: bytes,
                                          cuts: list[int]) -> None:
    # The separator before the second packet is a line ending, as every real logger sends one
    # after a packet; a broken frame that also lost its own line ending could legitimately have
    # its declared length run into the next packet only while bytes are missing — covered below.
    stream = first + sep1 + middle + b"\r\n" + second + sep2
    good = accepted(stream_events(stream, cuts))
    assert good[0] == first
    assert good[-1] == second


@SETTINGS
@given(first=st.sampled_from(VALID), second=st.sampled_from(VALID), middle=garbage,
       cuts=st.lists(st.integers(0, 5000), max_size=12))
def test_valid_neighbours_survive_garbage_without_line_endings(first: bytes, second: bytes, middle: bytes,
                                                               cuts: list[int]) -> None:
    stream = first + middle + second
    good = accepted(stream_events(stream, cuts))
    assert good[0] == first and good[-1] == second


@SETTINGS
@given(packet=st.sampled_from(VALID), ops=mutations)
def test_mutated_packets_raise_only_hj212error(packet: bytes, ops: list[tuple[int, int, int]]) -> None:
    raw = mutate(packet, ops)
    try:
        p = parse(raw)
        p.measurements()
    except Hj212Error:
        pass
    for event in frames_from_lines([raw]):
        if isinstance(event, Frame):
            with contextlib.suppress(Hj212Error):
                parse(event).measurements()


@SETTINGS
@given(data=st.binary(max_size=2000), cuts=st.lists(st.integers(0, 2000), max_size=8))
def test_arbitrary_bytes(data: bytes, cuts: list[int]) -> None:
    events = stream_events(data, cuts)
    # every input byte is accounted for, once, except line endings between frames
    assert sum(len(e.raw) for e in events) <= len(data)
    accepted(events)
    with contextlib.suppress(Hj212Error):
        parse(data)


@SETTINGS
@given(data=st.text(alphabet="ST=32;CN2011MNPW&CPDataTime-Rtd,FlagQN0159.#", max_size=300))
def test_packet_shaped_text(data: str) -> None:
    from ecer.hj212 import frame_data
    with contextlib.suppress(Hj212Error):
        parse(frame_data(data)).measurements()


def test_odd_runs_of_hash_before_a_packet() -> None:
    # regression: '###0087…' must resync on the second '#', not skip past the real marker
    for n in range(1, 8):
        for sep in (b"", b"\r\n"):
            stream = VALID[0] + sep + b"#" * n + VALID[-1]
            assert accepted(stream_events(stream, [])) == [VALID[0], VALID[-1]], (n, sep)
