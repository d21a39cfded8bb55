"""HJ 212 codec throughput: framing + CRC + parsing (+ measurement rows), packets/s on one core.

    python benchmarks/bench_hj212_codec.py [--packets 20000] [--repeat 3] [--write-doc]

The input is a realistic mix generated with the codec's own builder (fixed seed): 2005 real-time
water packets with 2005 codes, 2017 real-time water and hourly flue-gas packets, 2025 minute data,
split hourly uploads (2 parts), a few broken packets (bad CRC, wrong length, junk between frames),
as one byte stream read in 4 KiB chunks, the way the gateway receives it.

Baseline, in the same run: a plain per-packet regex parser of the kind found in public code — split
the capture into lines, one regex for `##LLLL…CCCC`, length and CRC check, `;`/`,`/`=` splitting into
dicts. It has no resync, no tolerance and no typed rows, so it is an upper bound for "simple".
`--write-doc` replaces the "HJ 212 codec" section of docs/performance.md with this run's figures.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

from ecer.hj212 import COMPILED, Frame, Framer, Hj212Error, build_packet, hj212_crc, parse
from ecer.hj212.crc import _HJ_TABLE
from ecer.hj212.framer import Framer as PureFramer
from ecer.hj212.parser import parse as pure_parse

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "performance.md"
SECTION = "## HJ 212 codec (framing + CRC + parsing)"

WATER_17 = ["w01018", "w21003", "w21011", "w21001", "w01001"]
AIR_17 = ["a34013", "a21026", "a21002", "a19001", "a01011", "a01012", "a01013", "a01014", "a24088", "a05002"]
WATER_05 = ["011", "060", "101", "065", "001"]


def _qn(t: datetime) -> str:
    return t.strftime("%Y%m%d%H%M%S") + "000"


def _rtd_2005(rng: random.Random, t: datetime, i: int) -> list[bytes]:
    groups = [f"DataTime={t:%Y%m%d%H%M%S}", f"B01-Rtd={rng.uniform(0, 80):.2f}"]
    groups += [f"{c}-Rtd={rng.uniform(0, 300):.3f},{c}-Flag=N" for c in WATER_05]
    return [build_packet(st="32", cn="2011", pw="123456", mn=f"LD{i % 500:012d}", cp=";".join(groups))]


def _rtd_2017(rng: random.Random, t: datetime, i: int) -> list[bytes]:
    groups = [f"DataTime={t:%Y%m%d%H%M%S}", f"w00000-Rtd={rng.uniform(0, 300):.3f},w00000-Flag=N"]
    groups += [f"{c}-SampleTime={t:%Y%m%d%H%M%S},{c}-Rtd={rng.uniform(0, 300):.3f},{c}-Flag=N" for c in WATER_17]
    return [build_packet(qn=_qn(t), st="32", cn="2011", pw="123456", mn=f"8173355321{i % 500:04d}", flag=5,
                         cp=";".join(groups))]


def _hour_groups(rng: random.Random) -> list[str]:
    out = []
    for c in AIR_17:
        v = [rng.uniform(0, 100) for _ in range(3)]
        out.append(f"{c}-Cou={rng.uniform(0, 1e4):.3f},{c}-Min={min(v):.3f},{c}-Avg={sorted(v)[1]:.3f},"
                   f"{c}-Max={max(v):.3f},{c}-Flag=N")
    return out


def _hour_2017(rng: random.Random, t: datetime, i: int) -> list[bytes]:
    cp = ";".join([f"DataTime={t:%Y%m%d%H}0000"] + _hour_groups(rng))
    return [build_packet(qn=_qn(t), st="31", cn="2061", pw="123456", mn=f"WJTHGY9132050970369{i % 500:05d}",
                         flag=5, cp=cp)]


def _minute_2025(rng: random.Random, t: datetime, i: int) -> list[bytes]:
    cp = ";".join([f"DataTime={t:%Y%m%d%H%M}00"] + _hour_groups(rng)[:5])
    return [build_packet(qn=_qn(t), st="31", cn="2051", pw="123456", mn=f"A51000000{i % 500:015d}", flag=9, cp=cp)]


def _split_2017(rng: random.Random, t: datetime, i: int) -> list[bytes]:
    groups = _hour_groups(rng) + _hour_groups(rng)
    half = len(groups) // 2
    cps = [";".join([f"DataTime={t:%Y%m%d%H}0000"] + groups[:half]), ";".join(groups[half:])]
    return [build_packet(qn=_qn(t), st="31", cn="2061", pw="123456", mn=f"SPLIT{i % 500:019d}", flag=7, pnum=2,
                         pno=n + 1, cp=cp) for n, cp in enumerate(cps)]


MIX = [(_rtd_2005, 20), (_rtd_2017, 35), (_hour_2017, 15), (_minute_2025, 20), (_split_2017, 10)]


def make_stream(n: int, seed: int = 212) -> tuple[bytes, int]:
    """A byte stream of about n packets; returns (stream, number of packets in it)."""
    rng = random.Random(seed)
    makers = [m for m, weight in MIX for _ in range(weight)]
    t0 = datetime(2026, 1, 1)
    out: list[bytes] = []
    count = 0
    while count < n:
        packets = rng.choice(makers)(rng, t0 + timedelta(seconds=30 * count), count)
        for raw in packets:
            roll = rng.random()
            if roll < 0.02:  # bad CRC
                raw = raw[:-6] + (b"0000" if raw[-6:-2] != b"0000" else b"FFFF") + b"\r\n"
            elif roll < 0.03:  # wrong declared length
                raw = b"##%04d" % (int(raw[2:6]) + 7) + raw[6:]
            elif roll < 0.04:  # junk before the frame
                raw = b"\x00\xffAT+CSQ" + raw  # glued to the frame, no line ending
            out.append(raw)
            count += 1
    return b"".join(out), count


def run_codec_no_rows(stream: bytes) -> tuple[int, int]:
    framer = Framer()
    ok = 0
    for i in range(0, len(stream), 4096):
        for event in framer.feed(stream[i:i + 4096]):
            if isinstance(event, Frame):
                try:
                    parse(event)
                except Hj212Error:
                    continue
                ok += 1
    return ok, 0


def run_codec(stream: bytes) -> tuple[int, int]:
    framer = Framer()
    ok = rows = 0
    for i in range(0, len(stream), 4096):
        for event in framer.feed(stream[i:i + 4096]):
            if isinstance(event, Frame):
                try:
                    packet = parse(event)
                except Hj212Error:
                    continue
                ok += 1
                rows += len(packet.measurements())
    return ok, rows


def run_pure_codec(stream: bytes) -> tuple[int, int]:
    """The pure-Python codec (the reference and fallback of the compiled path): framer, parser, rows."""
    framer = PureFramer()
    ok = rows = 0
    for i in range(0, len(stream), 4096):
        for event in framer.feed(stream[i:i + 4096]):
            if isinstance(event, Frame):
                try:
                    packet = pure_parse(event)
                except Hj212Error:
                    continue
                ok += 1
                rows += len(packet.pure_measurements())
    return ok, rows


_LINE = re.compile(rb"^##(\d{4})(.*)([0-9A-Fa-f]{4})$")


def run_regex_baseline(stream: bytes) -> tuple[int, int]:
    ok = fields = 0
    for line in stream.split(b"\r\n"):
        m = _LINE.match(line)
        if not m or int(m.group(1)) != len(m.group(2)):
            continue
        data = m.group(2)
        if hj212_crc(data) != int(m.group(3), 16):
            continue
        text = data.decode("ascii", "replace")
        head, _, cp = text.partition("CP=&&")
        header = dict(p.split("=", 1) for p in head.split(";") if "=" in p)
        groups = [dict(f.split("=", 1) for f in g.split(",") if "=" in f) for g in cp.rstrip("&").split(";")]
        if "CN" in header:
            ok += 1
            fields += sum(len(g) for g in groups)
    return ok, fields


def crc_bitwise(data: bytes) -> int:
    """Annex A as written (8 shift rounds per byte): what most public parsers run."""
    crc = 0xFFFF
    for byte in data:
        crc = (crc >> 8) ^ byte
        for _ in range(8):
            lsb = crc & 1
            crc >>= 1
            if lsb:
                crc ^= 0xA001
    return crc


def crc_byte_table(data: bytes) -> int:
    """One 256-entry table lookup per byte (`crc = T[(crc >> 8) ^ byte]`), the codec's earlier loop."""
    table = _HJ_TABLE  # the codec's own 256-entry table, fed one byte at a time
    crc = 0xFFFF
    for byte in data:
        crc = table[(crc >> 8) ^ byte]
    return crc


def crc_rates(stream: bytes) -> tuple[float, float, float]:
    """MiB/s of the codec's CRC (two bytes per lookup), the one-byte table loop and the bit-by-bit
    loop over the same bytes (first 1 MiB)."""
    sample = stream[:1 << 20]
    rates = []
    expected = hj212_crc(sample)
    for fn in (hj212_crc, crc_byte_table, crc_bitwise):
        t = time.perf_counter()
        crc = fn(sample)
        rates.append(len(sample) / (1 << 20) / (time.perf_counter() - t))
        assert crc == expected, fn.__name__
    return rates[0], rates[1], rates[2]


def timed(fns: list, stream: bytes, repeat: int) -> list[tuple[float, float, tuple[int, int]]]:  # type: ignore[type-arg]
    """Best wall time and best CPU time (this process only) of each function; runs are interleaved so
    load from other users hits all alike. On a shared machine the CPU time is the per-core figure: the
    wall time also counts the time the scheduler gave to other processes."""
    best = [float("inf")] * len(fns)
    best_cpu = [float("inf")] * len(fns)
    results: list[tuple[int, int]] = [(0, 0)] * len(fns)
    for _ in range(repeat):
        for i, fn in enumerate(fns):
            t, c = time.perf_counter(), time.process_time()
            results[i] = fn(stream)
            best[i] = min(best[i], time.perf_counter() - t)
            best_cpu[i] = min(best_cpu[i], time.process_time() - c)
    return list(zip(best, best_cpu, results, strict=True))


def machine() -> str:
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
        model = next((ln.split(":", 1)[1].strip() for ln in lscpu.splitlines() if ln.startswith("Model name")), "?")
    except OSError:
        model = platform.processor() or "?"
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (f"{model}; {os.cpu_count()} logical cores; Python {platform.python_version()}; "
            f"load average (1/5/15 min) at start: {load}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--packets", type=int, default=20000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--write-doc", action="store_true")
    args = ap.parse_args()
    info = machine()
    stream, n = make_stream(args.packets)
    (codec_s, codec_cpu, (ok, rows)), (bare_s, bare_cpu, _), (pure_s, pure_cpu, (pure_ok, pure_rows)), \
        (base_s, base_cpu, (base_ok, _)) = timed(
        [run_codec, run_codec_no_rows, run_pure_codec, run_regex_baseline], stream, args.repeat)
    assert (pure_ok, pure_rows) == (ok, rows), "compiled and pure codec disagree"
    kib = len(stream) / 1024
    table_rate, byte_table_rate, bitwise_rate = crc_rates(stream)
    lines = [
        f"Run {datetime.now():%Y-%m-%d %H:%M} with `python benchmarks/bench_hj212_codec.py --packets {args.packets}` "
        f"(best of {args.repeat} interleaved runs, one process, one core).",
        f"Machine: {info}.",
        f"Input: {n} packets, {kib:.0f} KiB, one byte stream fed in 4 KiB chunks; mix 20% 2005 real-time water, "
        "35% 2017 real-time water, 15% 2017 hourly flue gas, 20% 2025 minute data, 10% split hourly uploads "
        "(2 parts); ~2% bad CRC, ~1% wrong length, ~1% junk before a frame.",
        "",
        "| parser | packets/s | packets per CPU-second | MiB/s | accepted | notes |",
        "|---|---:|---:|---:|---:|---|",
        f"| ecer.hj212 (Framer + parse + measurements){' compiled' if COMPILED else ' (NOT compiled)'} "
        f"| {n / codec_s:,.0f} | {n / codec_cpu:,.0f} | {kib / 1024 / codec_s:.1f} | {ok} | "
        f"stream resync, typed rows ({rows} rows) |",
        f"| ecer.hj212 without measurement rows | {n / bare_s:,.0f} | {n / bare_cpu:,.0f} | {kib / 1024 / bare_s:.1f} "
        f"| {ok} | "
        "framing + CRC + header/CP parsing only |",
        f"| pure-Python codec (reference and fallback), rows included | {n / pure_s:,.0f} | {n / pure_cpu:,.0f} | "
        f"{kib / 1024 / pure_s:.1f} | {pure_ok} | the same verdicts and rows |",
        f"| baseline: per-line regex + dicts | {n / base_s:,.0f} | {n / base_cpu:,.0f} | {kib / 1024 / base_s:.1f} "
        f"| {base_ok} | "
        "same CRC function as the codec; no resync, loses the packets glued to junk |",
        "",
        f"Compiled path against the pure codec (same run): {pure_s / codec_s:.2f}x with rows by wall time, "
        f"{pure_cpu / codec_cpu:.2f}x by CPU time (goal ≥ 5x and ≥ 200,000 packets/s per core: "
        f"{n / codec_s:,.0f} packets/s wall, {n / codec_cpu:,.0f} per CPU-second).",
        "",
        f"Codec time per packet relative to the baseline: {codec_s / base_s:.2f}x with rows, "
        f"{bare_s / base_s:.2f}x without. The baseline accepts {ok - base_ok} fewer valid packets "
        "(those glued to junk without a line ending).",
        "",
        f"CRC alone: codec (two bytes per lookup) {table_rate:.1f} MiB/s, one 256-entry table lookup per byte "
        f"{byte_table_rate:.1f} MiB/s, bit-by-bit annex A loop {bitwise_rate:.1f} MiB/s.",
        "",
        f"Capacity: with every logger sending real-time data every 30 s (the common RtdInterval), one core "
        f"frames and parses the traffic of about {n / codec_s * 30:,.0f} loggers (rows included); hourly and "
        "minute uploads add little next to that.",
    ]
    text = "\n".join(lines)
    print(text)
    if args.write_doc:
        write_doc(text)


def write_doc(text: str) -> None:
    doc = DOC.read_text(encoding="utf-8")
    start = doc.index(SECTION) + len(SECTION)
    nxt = doc.find("\n## ", start)
    end = len(doc) if nxt < 0 else nxt + 1
    DOC.write_text(doc[:start] + "\n\n" + text + "\n\n" + doc[end:].lstrip("\n") if nxt >= 0
                   else doc[:start] + "\n\n" + text + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
