"""Differential test: the codec gives exactly what the frozen pre-optimisation copy gave.

For a large randomized corpus (the benchmark's traffic mix, randomly mutated and re-chunked, plus
packet-shaped random CP text with awkward values), every framer event (kind, bytes, offset,
reason, detail), every parse verdict (packet fields, or reason and detail), every measurement row
and every CRC equals the output of tests/hj212/reference (the codec as of commit 4317b39).
"""

from __future__ import annotations

import importlib.util
import os
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecer.hj212 import CrcMode, Frame, Framer, Hj212Error, frames_from_lines, parse
from ecer.hj212 import crc as new_crc
from ecer.hj212 import packet as new_packet

from .reference import crc as ref_crc
from .reference import framer as ref_framer
from .reference import packet as ref_packet
from .reference import parser as ref_parser
from .samples import load_samples

ROOT = Path(__file__).resolve().parents[2]


def _bench() -> Any:
    spec = importlib.util.spec_from_file_location("bench_hj212_codec", ROOT / "benchmarks" / "bench_hj212_codec.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def event_key(event: Any) -> tuple[object, ...]:
    if hasattr(event, "crc_text"):
        return ("frame", event.raw, event.data, event.crc_text, event.offset)
    return ("rejected", event.raw, str(event.reason), event.detail, event.offset)


def rows_key(rows: list[Any]) -> list[tuple[object, ...]]:
    return [(r.data_time, r.factor, r.field, r.value, r.flag, r.raw, r.sample_time) for r in rows]


def outcome(parse_fn: Any, frame: Any, mode: str) -> tuple[object, ...]:
    """Everything observable about parsing one frame: the packet and its rows, or the error."""
    try:
        p = parse_fn(frame, crc_mode=mode)
    except Hj212Error as exc:
        return ("error", str(exc.reason), exc.detail)
    try:
        rows: object = rows_key(p.measurements())
    except Hj212Error as exc:
        rows = ("rows error", str(exc.reason), exc.detail)
    try:
        data_time: object = p.data_time
    except Hj212Error as exc:
        data_time = ("data_time error", str(exc.reason), exc.detail)
    return ("ok", p.st, p.cn, p.mn, p.pw, p.qn, p.flag, p.pnum, p.pno, str(p.edition), p.cp, p.header,
            str(p.crc_kind), p.data, p.warnings, p.needs_ack, p.is_split, p.cp_value("DataTime"), data_time, rows)


def run_both(stream: bytes, cuts: list[int]) -> None:
    """Frame `stream` (fed in pieces at `cuts`) with both codecs and parse every frame in both modes."""
    new, ref = Framer(), ref_framer.Framer()
    new_events: list[Any] = []
    ref_events: list[Any] = []
    prev = 0
    for cut in [*sorted({c % (len(stream) + 1) for c in cuts}), len(stream)]:
        new_events += new.feed(stream[prev:cut])
        ref_events += ref.feed(stream[prev:cut])
        assert new.buffered == ref.buffered
        prev = cut
    new_events += new.flush()
    ref_events += ref.flush()
    assert [event_key(e) for e in new_events] == [event_key(e) for e in ref_events]
    for new_event, ref_event in zip(new_events, ref_events, strict=True):
        if isinstance(new_event, Frame):
            for mode in (CrcMode.STANDARD, CrcMode.ACCEPT_MODBUS):
                assert outcome(parse, new_event, mode) == outcome(ref_parser.parse, ref_event, mode.value)
    for mode in (CrcMode.STANDARD, CrcMode.ACCEPT_MODBUS):  # the bytes path (frame_from_bytes)
        assert outcome(parse, stream, mode) == outcome(ref_parser.parse, stream, mode.value)


def mutate(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        if not out:
            break
        i = rng.randrange(len(out))
        kind = rng.randrange(6)
        if kind == 0:
            out[i] = rng.randrange(256)
        elif kind == 1:
            del out[i]
        elif kind == 2:
            out.insert(i, rng.choice(b"\x00\r\n#;,=&-0123456789.\xff"))
        elif kind == 3:
            out[i:i] = out[i:i + rng.randrange(1, 60)]  # duplicate a run (duplicate keys, groups)
        elif kind == 4:
            out[i:i] = rng.choice([b"##", b"\r\n", b"##0010", b"&&", b"CP=&&", b"DataTime=2026023", b"-Flag=N,"])
        else:
            del out[i:i + rng.randrange(1, 40)]
    return bytes(out)


def test_benchmark_stream_mutated_and_rechunked() -> None:
    stream, _ = _bench().make_stream(1500, seed=7)
    rng = random.Random(212)
    run_both(stream, [rng.randrange(len(stream)) for _ in range(300)])
    packets = [p + b"\r\n" for p in stream.split(b"\r\n") if p]
    for _ in range(2500):
        piece = b"".join(rng.choice(packets) for _ in range(rng.randint(1, 3)))
        run_both(mutate(rng, piece) if rng.random() < 0.8 else piece,
                 [rng.randrange(len(piece) + 1) for _ in range(rng.randrange(4))])


VALUES = ["1.5", "-0", "0", "1e5", "1E-3", ".5", "5.", "nan", "inf", "-Infinity", "1_0", " 1", "1 ", "+2", "",
          "abc", "0x10", "１", "1e400", "-", "12.345", "9" * 30]
TIMES = ["20260101000000", "20260101000000123", "20261301000000", "2026010100000", "202601010000001", "",
         "2026022912000x", "20240229235959", "２0260101000000", "20260101246000"]
KEYS = ["a01012-Rtd", "a01012-Flag", "a01012-SampleTime", "a01012-Avg", "w01018-Rtd", "w01018-EFlag",
        "-Rtd", "Rtd", "a-", "RtdInterval", "QnRtn", "DataTime", "x-y-Rtd", "a01012-Rtd", ""]
HEADERS = ["QN=20260101000000000", "ST=32", "CN=2011", "PW=123456", "MN=MN01", "Flag=5", "Flag=4", "Flag=9",
           "Flag=7", "Flag=256", "Flag=x", "Flag=13", "PNUM=2", "PNO=1", "PNO=3", "PNUM=x", "ST=", "MN=", "CN=",
           "XX=1", "ST=31", "bad", "=1"]


def random_data(rng: random.Random) -> str:
    header = [rng.choice(HEADERS) for _ in range(rng.randint(0, 8))]
    groups = []
    for _ in range(rng.randint(0, 6)):
        fields = []
        for _ in range(rng.randint(0, 5)):
            key = rng.choice(KEYS)
            value = rng.choice(TIMES) if key.endswith(("Time", "SampleTime")) and rng.random() < 0.9 \
                else rng.choice(VALUES)
            fields.append(key if rng.random() < 0.03 else f"{key}={value}")
        groups.append(",".join(fields))
    cp = "CP=&&" + ";".join(groups) + rng.choice(["&&", "&&", "&&", "&", ""])
    if rng.random() < 0.05:
        cp = cp.replace("CP=&&", rng.choice(["CP=", "CP=&", ""]))
    parts = header + [cp]
    if rng.random() < 0.1:
        parts += [rng.choice(HEADERS)]  # header after CP
    return ";".join(parts)


def test_random_packet_shaped_data() -> None:
    rng = random.Random(2017)
    for _ in range(4000):
        body = random_data(rng).encode("utf-8")  # non-ASCII values included on purpose
        run_both(b"##%04d" % len(body) + body + ref_crc.crc_text(body) + b"\r\n", [])


def random_cp(rng: random.Random) -> tuple[tuple[tuple[str, str], ...], ...]:
    """CP groups as a caller or merge_parts may build them: duplicates and bad times included."""
    groups = []
    for _ in range(rng.randint(0, 6)):
        group = []
        for _ in range(rng.randint(1, 5)):
            key = rng.choice(KEYS)
            group.append((key, rng.choice(TIMES if key.endswith("Time") else VALUES)))
        groups.append(tuple(group))
    return tuple(groups)


def test_measurements_of_built_packets() -> None:
    rng = random.Random(2025)
    for _ in range(4000):
        cp = random_cp(rng)
        fields = dict(st="32", cn="2011", mn="M", pw=None, qn=None, flag=None, pnum=None, pno=None, cp=cp,
                      header=(), data="")
        new = new_packet.Packet(edition=new_packet.Edition.HJ212_2017, crc_kind=new_crc.CrcKind.STANDARD, **fields)
        ref = ref_packet.Packet(edition=ref_packet.Edition.HJ212_2017, crc_kind=ref_crc.CrcKind.STANDARD, **fields)
        results = []
        for p in (new, ref):
            try:
                results.append(("ok", rows_key(p.measurements())))
            except Hj212Error as exc:
                results.append(("error", str(exc.reason), exc.detail))
        assert results[0] == results[1], cp


SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
VALID = [s.packet for s in load_samples() if s.expect == "valid"]


@SETTINGS
@given(data=st.binary(max_size=600), cuts=st.lists(st.integers(0, 600), max_size=6),
       packet=st.sampled_from(VALID))
def test_arbitrary_bytes_around_samples(data: bytes, cuts: list[int], packet: bytes) -> None:
    run_both(data + packet + data, cuts)
    for a, b in zip(frames_from_lines([data + packet]), ref_framer.frames_from_lines([data + packet]), strict=True):
        assert event_key(a) == event_key(b)


@SETTINGS
@given(data=st.binary(max_size=400))
def test_crc_and_times(data: bytes) -> None:
    assert new_crc.hj212_crc(data) == ref_crc.hj212_crc(data)
    assert new_crc.modbus_crc(data) == ref_crc.modbus_crc(data)
    assert new_crc.crc_text(data) == ref_crc.crc_text(data)
    text = data.decode("latin-1")[:17]
    for candidate in (text, "".join(ch for ch in text if ch.isdigit())):
        results = []
        for fn in (new_packet.parse_time, ref_packet.parse_time):
            try:
                results.append(("ok", fn(candidate)))
            except Hj212Error as exc:
                results.append(("error", str(exc.reason), exc.detail))
        assert results[0] == results[1]


def test_crc_every_length_and_alignment() -> None:
    rng = random.Random(5)
    blob = bytes(rng.randrange(256) for _ in range(300))
    for n in range(0, 300, 7):
        for start in range(3):
            piece = blob[start:start + n]
            assert new_crc.hj212_crc(piece) == ref_crc.hj212_crc(piece)
            assert new_crc.hj212_crc(memoryview(piece)) == ref_crc.hj212_crc(piece)
            assert new_crc.modbus_crc(piece) == ref_crc.modbus_crc(piece)


# -- compiled fast path (ecer.hj212._speedups) against the pure codec ------------------------------
# The tests above already run the compiled path (ecer.hj212.parse and Packet.measurements use it when
# built) against the frozen reference; these compare it with the pure codec of today directly.

def compiled_vs_pure(stream: bytes) -> None:
    from ecer.hj212.parser import parse as pure_parse

    framer = Framer()
    events = framer.feed(stream) + framer.flush()
    framers_agree(stream, [])  # the compiled framer's events are the pure framer's
    for event in events:
        if isinstance(event, Frame):
            for mode in (CrcMode.STANDARD, CrcMode.ACCEPT_MODBUS):
                assert outcome(parse, event, mode) == outcome(_pure_with_pure_rows(pure_parse), event, mode)


def _pure_with_pure_rows(pure_parse: Any) -> Any:
    class _PureRows:
        def __init__(self, packet: Any) -> None:
            self._p = packet

        def __getattr__(self, name: str) -> Any:
            return getattr(self._p, name)

        def measurements(self) -> Any:
            return self._p.pure_measurements()

    return lambda frame, crc_mode: _PureRows(pure_parse(frame, crc_mode=crc_mode))


def test_the_compiled_codec_is_built() -> None:
    """Installs build it (setup.py, Cython + the system C compiler); ECER_PURE_CODEC=1 opts out."""
    from ecer.hj212 import COMPILED

    assert COMPILED or os.environ.get("ECER_PURE_CODEC"), "ecer.hj212._speedups was not built"


def test_a_stale_compiled_build_is_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    """An editable install keeps an old .so after the .pyx changes: its API differs, the pure codec runs."""
    import types

    from ecer.hj212 import compiled

    stale = types.ModuleType("ecer.hj212._speedups")  # what an old build looks like: no API (or another one)
    monkeypatch.setattr(compiled.importlib, "import_module", lambda name: stale)
    compiled.load_speedups.cache_clear()
    try:
        assert compiled.load_speedups() is None
        stale.API = compiled.API  # type: ignore[attr-defined]
        compiled.load_speedups.cache_clear()
        assert compiled.load_speedups() is (None if os.environ.get("ECER_PURE_CODEC") else stale)
    finally:
        compiled.load_speedups.cache_clear()


def test_compiled_agrees_with_pure_on_mutated_traffic_and_random_packets() -> None:
    stream, _ = _bench().make_stream(1000, seed=11)
    compiled_vs_pure(stream)
    rng = random.Random(13)
    packets = [p + b"\r\n" for p in stream.split(b"\r\n") if p]
    for _ in range(2000):
        compiled_vs_pure(mutate(rng, rng.choice(packets)))
    for _ in range(3000):
        body = random_data(rng).encode("utf-8")
        compiled_vs_pure(b"##%04d" % len(body) + body + ref_crc.crc_text(body) + b"\r\n")
    for st_value in (b"\x00\x00", b"", b"32"):  # issue 7, 1.6 on both paths
        body = b"QN=1;ST=" + st_value + b";CN=2011;PW=1;MN=X;Flag=5;CP=&&DataTime=20250101000000;a-Rtd=1&&"
        compiled_vs_pure(b"##%04d" % len(body) + body + ref_crc.crc_text(body) + b"\r\n")


def test_compiled_rows_of_built_packets() -> None:
    rng = random.Random(77)
    for _ in range(3000):
        p = new_packet.Packet(st="32", cn="2011", mn="M", pw=None, qn=None, flag=None, pnum=None, pno=None,
                              cp=random_cp(rng), header=(), data="", edition=new_packet.Edition.HJ212_2017,
                              crc_kind=new_crc.CrcKind.STANDARD)
        results = []
        for fn in (p.measurements, p.pure_measurements):
            try:
                results.append(("ok", rows_key(fn())))
            except Hj212Error as exc:
                results.append(("error", str(exc.reason), exc.detail))
        assert results[0] == results[1]


# -- compiled framer and number reading against the pure ones, directly -----------------------------

def _framers(**kw: Any) -> tuple[Any, Any]:
    from ecer.hj212 import accel
    from ecer.hj212.framer import Framer as PureFramer

    return accel.Framer(**kw), PureFramer(**kw)


def framers_agree(stream: bytes, cuts: list[int], **kw: Any) -> None:
    compiled, pure = _framers(**kw)
    got: list[Any] = []
    want: list[Any] = []
    prev = 0
    for cut in [*sorted({c % (len(stream) + 1) for c in cuts}), len(stream)]:
        got += compiled.feed(stream[prev:cut])
        want += pure.feed(stream[prev:cut])
        assert compiled.buffered == pure.buffered
        prev = cut
    got += compiled.flush()
    want += pure.flush()
    assert [(type(e), event_key(e)) for e in got] == [(type(e), event_key(e)) for e in want]


@SETTINGS
@given(junk=st.lists(st.binary(max_size=80) | st.sampled_from([b"##", b"\r\n", b"#", b"&&", b"##0005", b"\r"]),
                     max_size=8),
       packets=st.lists(st.sampled_from(VALID), max_size=4), cuts=st.lists(st.integers(0, 2000), max_size=8),
       max_frame=st.sampled_from([13, 64, 300, 1030, 10011]), junk_chunk=st.sampled_from([1, 7, 1024]),
       start=st.integers(0, 2**40))
def test_compiled_framer_equals_pure_framer(junk: list[bytes], packets: list[bytes], cuts: list[int],
                                            max_frame: int, junk_chunk: int, start: int) -> None:
    """Every event, offset, reason and detail, and the bytes held back, for any bytes, chunking and limits."""
    pieces: list[bytes] = []
    for i in range(max(len(junk), len(packets))):  # junk and packets interleaved
        pieces += junk[i:i + 1] + packets[i:i + 1]
    stream = b"\r\n".join(pieces)
    framers_agree(stream, cuts, max_frame_bytes=max_frame, junk_chunk_bytes=junk_chunk, start_offset=start)


def test_compiled_framer_on_mutated_traffic() -> None:
    stream, _ = _bench().make_stream(400, seed=23)
    rng = random.Random(29)
    framers_agree(stream, [rng.randrange(len(stream)) for _ in range(200)])
    packets = [p + b"\r\n" for p in stream.split(b"\r\n") if p]
    for _ in range(1500):
        piece = mutate(rng, b"".join(rng.choice(packets) for _ in range(rng.randint(1, 3))))
        framers_agree(piece, [rng.randrange(len(piece) + 1) for _ in range(rng.randrange(4))],
                      max_frame_bytes=rng.choice([300, 1030, 10011]))


def _rows_both(cp: tuple[tuple[tuple[str, str], ...], ...]) -> None:
    p = new_packet.Packet(st="32", cn="2011", mn="M", pw=None, qn=None, flag=None, pnum=None, pno=None, cp=cp,
                          header=(), data="", edition=new_packet.Edition.HJ212_2017,
                          crc_kind=new_crc.CrcKind.STANDARD)
    got, want = rows_key(p.measurements()), rows_key(p.pure_measurements())
    # compare floats by their bits: -0.0 == 0.0 would hide a sign error
    assert [(r[:3], repr(r[3]), r[4:]) for r in got] == [(r[:3], repr(r[3]), r[4:]) for r in want]


NUMBERS = (st.from_regex(r"\A[+-]?[0-9]{0,24}(\.[0-9]{0,24})?([eE][+-]?[0-9]{1,4})?\Z")
           | st.floats(allow_nan=True, allow_infinity=True).map(repr)
           | st.floats(width=32).map(lambda x: f"{x:.6f}") | st.integers(-10**20, 10**20).map(str)
           | st.text(alphabet="0123456789.eE+-_ nainfINF\t", max_size=12))


@settings(max_examples=1500, deadline=None)
@given(values=st.lists(NUMBERS, min_size=1, max_size=8))
def test_compiled_numbers_equal_float(values: list[str]) -> None:
    """The compiled number reader (Clinger's fast path, else float()'s own routine) gives float()'s bits."""
    _rows_both(((("DataTime", "20260101000000"),),) + tuple(((f"a{i:05d}-Rtd", v),) for i, v in enumerate(values)))


def test_compiled_numbers_at_the_fast_path_edges() -> None:
    edges = ["9007199254740992", "9007199254740993", "900719925474099.3", "1e22", "1e23", "1e-22", "1e-23",
             "123456789012345678", "0.1", "0.30000000000000004", "-0", "-0.0e5", "0e400", "1e-400", "4.9e-324",
             "1.7976931348623157e308", "1.8e308", "00000000000000000000001", "5.", ".5", "+.5e+1", "1e", "e5",
             "1.2.3", "--1", "0x1p3", "１２"]
    _rows_both(((("DataTime", "20260101000000"),),) + tuple(((f"a{i:05d}-Rtd", v),) for i, v in enumerate(edges)))


def _packet(body: str) -> bytes:
    data = body.encode("ascii")
    return b"##%04d" % len(data) + data + ref_crc.crc_text(data) + b"\r\n"


def test_compiled_key_table_overflow_and_repeats_across_a_clear() -> None:
    """More distinct CP keys than the compiled key table holds, with a repeated key in the packet whose
    keys overflow it: the table is cleared midway and the repeat must still reach the pure parser."""
    rng = random.Random(31)
    stream = []
    for n in range(700):
        keys = [f"k{n:04d}x{i}-Rtd" for i in range(9)]
        if n % 50 == 0:
            keys.append(keys[0])  # a repeated key: a warning in the pure codec
        rng.shuffle(keys)
        cp = ";".join(["DataTime=20260101000000"] + [f"{k}={rng.random():.3f}" for k in keys])
        stream.append(_packet(f"QN=1;ST=32;CN=2011;PW=1;MN=M{n};Flag=5;CP=&&{cp}&&"))
    compiled_vs_pure(b"".join(stream))


@settings(max_examples=1000, deadline=None)
@given(data=st.binary(max_size=64) | st.binary(min_size=200, max_size=1200)
       | st.text(alphabet=st.characters(max_codepoint=0x7F), max_size=300).map(str.encode))
def test_compiled_crc_and_byte_check(data: bytes) -> None:
    """The compiled CRC (8 bytes per step) and its NUL/non-ASCII check, against the pure definitions."""
    from ecer.hj212 import accel

    if accel.speedups is None:
        pytest.skip("ecer.hj212._speedups not built (ECER_PURE_CODEC or no C compiler)")
    assert accel.speedups.hj212_crc(data) == ref_crc.hj212_crc(data)
    assert accel.speedups.modbus_crc(data) == ref_crc.modbus_crc(data)
    assert accel.speedups.clean_ascii(data) == (data.isascii() and b"\x00" not in data)
