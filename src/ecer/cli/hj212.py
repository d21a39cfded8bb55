"""`ecer hj212 …`: offline tools for HJ 212 capture files (no database, no Django)."""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import click

from ecer.hj212 import (
    CrcMode,
    Frame,
    FrameEvent,
    Framer,
    Hj212Error,
    Packet,
    Reassembler,
    frames_from_lines,
    normalise_factor,
    parse,
)

ROW_COLUMNS = ["file", "offset", "mn", "st", "cn", "qn", "edition", "data_time", "factor", "factor_2017", "field",
               "value", "flag", "raw", "sample_time"]
CHUNK_BYTES = 64 * 1024


@click.group()
def hj212() -> None:
    """HJ 212 monitoring-protocol tools (HJ/T 212-2005, HJ 212-2017, HJ 212-2025)."""


@dataclass
class Tally:
    accepted: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    rows: int = 0


def looks_line_based(path: Path) -> bool:
    """A capture with one packet per line: most non-empty lines start with `##`."""
    with path.open("rb") as handle:
        head = handle.read(CHUNK_BYTES)
    lines = [ln.strip() for ln in head.splitlines()[:200] if ln.strip()]
    return bool(lines) and b"\n" in head and sum(ln.startswith(b"##") for ln in lines) * 2 >= len(lines)


def events_of(path: Path, stream: bool) -> Iterator[FrameEvent]:
    if stream:
        framer = Framer()
        with path.open("rb") as handle:
            while chunk := handle.read(CHUNK_BYTES):
                yield from framer.feed(chunk)
        yield from framer.flush()
    else:
        with path.open("rb") as handle:
            yield from frames_from_lines(handle)


def _write_rows(writer: Any, name: str, offset: int, packet: Packet) -> int:
    rows = packet.measurements()
    for m in rows:
        writer.writerow([name, offset, packet.mn, packet.st, packet.cn, packet.qn or "", packet.edition.value,
                         m.data_time.isoformat() if m.data_time else "", m.factor,
                         normalise_factor(m.factor, packet.edition), m.field,
                         "" if m.value is None else repr(m.value), m.flag or "", m.raw,
                         m.sample_time.isoformat() if m.sample_time else ""])
    return len(rows)


def process(path: Path, stream: bool, crc_mode: CrcMode, tally: Tally, writer: Any) -> None:
    reassembler = Reassembler(timeout_s=float("inf"), max_pending=100_000)
    part_offsets: dict[int, int] = {}  # id(part) -> offset, for parts of uploads that never complete
    for event in events_of(path, stream):
        if not isinstance(event, Frame):
            tally.rejected[event.reason.value] += 1
            continue
        try:
            packet = parse(event, crc_mode=crc_mode)
        except Hj212Error as exc:
            tally.rejected[exc.reason.value] += 1
            continue
        tally.accepted += 1
        if writer is None:
            continue
        if packet.is_split:
            part_offsets[id(packet)] = event.offset
        whole = reassembler.add(packet, 0.0)
        if whole is not None:
            tally.rows += _write_rows(writer, str(path), event.offset, whole)
    if writer is not None:
        # parts of split uploads that never completed: their rows are still data
        reassembler.expire(float("inf"))
        for incomplete in reassembler.dropped:
            for part in incomplete.parts:
                tally.rows += _write_rows(writer, str(path), part_offsets.get(id(part), -1), part)


@hj212.command("parse")
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, readable=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--rows", "rows_path", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="Write the measurement rows of accepted packets to this CSV file.")
@click.option("--stream/--lines", "stream", default=None,
              help="Raw byte stream, or one packet per line. Default: detected per file.")
@click.option("--crc-mode", type=click.Choice([m.value for m in CrcMode]), default=CrcMode.STANDARD.value,
              show_default=True, help="accept-modbus also accepts CRC-16/MODBUS (a per-device tolerance).")
def parse_command(files: tuple[Path, ...], fmt: str, rows_path: Path | None, stream: bool | None,
                  crc_mode: str) -> None:
    """Parse HJ 212 capture FILES; count accepted packets and rejections by reason."""
    tally = Tally()
    handle: IO[str] | None = rows_path.open("w", newline="", encoding="utf-8") if rows_path else None
    try:
        writer = csv.writer(handle) if handle else None
        if writer:
            writer.writerow(ROW_COLUMNS)
        for path in files:
            use_stream = (not looks_line_based(path)) if stream is None else stream
            process(path, use_stream, CrcMode(crc_mode), tally, writer)
    finally:
        if handle:
            handle.close()
    rejected = dict(sorted(tally.rejected.items()))
    if fmt == "json":
        click.echo(json.dumps({"accepted": tally.accepted, "rejected": rejected}))
        return
    click.echo(f"accepted: {tally.accepted}")
    click.echo(f"rejected: {sum(rejected.values())}")
    for reason, count in rejected.items():
        click.echo(f"  {reason}: {count}")
    if rows_path:
        click.echo(f"rows: {tally.rows} written to {rows_path}")


from ecer.gateway.cli import serve, simulate  # noqa: E402 (the gateway engineer's commands)

hj212.add_command(serve)
hj212.add_command(simulate)
