"""Parse one frame into a Packet, or raise Hj212Error with a stable reason.

Order of checks (cheapest and most telling first): frame structure (when given bytes), CRC text,
CRC, byte content, header fields, Flag/edition, split fields, CP syntax, times.

Tolerances (see docs/hj212.md for the reasons):
- NUL bytes inside a packet whose CRC checks are removed before the fields are read, with a
  warning: the CRC proves the sender meant those bytes, and NUL is never part of a field value.
- A repeated key (header, or a CP key under the same DataTime) keeps the first value; the
  packet gets a warning naming the dropped value.
- Header fields may come in any order, also after CP; unknown header fields are kept.
"""

from __future__ import annotations

import re
from typing import cast

from ecer.hj212.crc import CrcKind, CrcMode, hj212_crc, modbus_crc
from ecer.hj212.errors import Hj212Error, Reason
from ecer.hj212.framer import Frame
from ecer.hj212.packet import FLAG_SPLIT, VERSION_BITS, CpGroup, Edition, Packet, parse_time

_HEX4 = re.compile(rb"[0-9A-Fa-f]{4}")
# ST given but empty (or only NUL bytes): accepted with a warning and this system type
UNKNOWN_SYSTEM_TYPE = "unknown"


def frame_from_bytes(raw: bytes) -> Frame:
    """A Frame from exactly one packet (`##LLLL…CCCC`, line ending optional)."""
    body = raw.rstrip(b"\r\n")
    if not body.startswith(b"##") or len(body) < 10 or not body[2:6].isdigit():
        raise Hj212Error(Reason.BAD_HEADER, "packet does not start with '##' and a 4-digit length")
    length = int(body[2:6])
    if len(body) - 10 != length:
        raise Hj212Error(Reason.LENGTH_MISMATCH,
                         f"declared data length {length}, found {len(body) - 10} byte(s)")
    return Frame(body, body[6:-4], body[-4:], 0)


def check_crc(frame: Frame, crc_mode: CrcMode = CrcMode.STANDARD) -> CrcKind:
    text = frame.crc_text
    if not _HEX4.fullmatch(text):
        raise Hj212Error(Reason.BAD_CRC_TEXT, f"CRC field {text!r} is not 4 hex digits")
    sent = int(text, 16)
    computed = hj212_crc(frame.data)
    if sent == computed:
        return CrcKind.STANDARD
    if crc_mode is CrcMode.ACCEPT_MODBUS and sent == modbus_crc(frame.data):
        return CrcKind.MODBUS
    raise Hj212Error(Reason.CRC_MISMATCH, f"CRC sent {text.decode('ascii')}, computed {computed:04X}")


def parse(frame: Frame | bytes, *, crc_mode: CrcMode = CrcMode.STANDARD) -> Packet:
    """Parse one frame (or the bytes of one packet) into a Packet; raises Hj212Error."""
    if not isinstance(frame, Frame):
        frame = frame_from_bytes(frame)
    crc_kind = check_crc(frame, crc_mode)
    warnings: list[str] = []
    data = frame.data
    if b"\x00" in data:
        warnings.append(f"removed {data.count(0)} NUL byte(s) from a packet whose CRC checks")
        data = data.replace(b"\x00", b"")
    if not data.isascii():
        bad = next(i for i, b in enumerate(data) if b > 0x7F)
        raise Hj212Error(Reason.NON_ASCII, f"byte 0x{data[bad]:02X} at data offset {bad} is not ASCII")
    text = data.decode("ascii")
    header_text, cp_text = _split_cp(text)
    header = _header_fields(header_text, warnings)
    return _build(text, header, _cp_groups(cp_text, warnings), crc_kind, warnings)


def _split_cp(text: str) -> tuple[str, str]:
    start = text.find("CP=&&")
    if start < 0:
        if "CP=" in text:
            raise Hj212Error(Reason.BAD_CP, "CP is not opened with '&&'")
        raise Hj212Error(Reason.MISSING_FIELD, "no CP field")
    if start > 0 and text[start - 1] != ";":
        raise Hj212Error(Reason.BAD_CP, "CP does not start a field")
    rest = text[start + 5:]
    end = rest.rfind("&&")
    if end < 0:
        raise Hj212Error(Reason.BAD_CP, "CP is not closed with '&&'")
    # header fields may (rarely) follow CP: keep them
    return text[:start] + ";" + rest[end + 2:], rest[:end]


def _header_fields(text: str, warnings: list[str]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for part in text.split(";"):
        if not part:
            continue
        key, sep, value = part.partition("=")
        if not sep or not key:
            raise Hj212Error(Reason.BAD_SYNTAX, f"header field {part[:40]!r} has no '='")
        if key in fields:
            warnings.append(f"duplicate header field {key}: kept {fields[key]!r}, dropped {value!r}")
            continue
        fields[key] = value
    return fields


def _cp_groups(text: str, warnings: list[str]) -> tuple[CpGroup, ...]:
    groups: list[CpGroup] = []
    pairs: list[tuple[str, str]] = []
    timed: list[CpGroup] = []
    for group_text in text.split(";"):
        # a part without `=` becomes a 1-tuple here; dict() below rejects it
        group = cast(CpGroup, tuple([tuple(part.split("=", 1)) for part in group_text.split(",") if part]))
        if group:
            groups.append(group)
            pairs += group
            if "Time=" in group_text:
                timed.append(group)
    try:
        keys = dict(pairs)
    except ValueError:
        keys = {"": ""}
    if "" in keys:  # a field without `=` or with an empty key: report the first error in order
        _raise_first_error(text)
    for group in timed:  # DataTime and -SampleTime values must be times (no other error precedes them now)
        for key, value in group:
            if key == "DataTime" or key.endswith("-SampleTime"):
                parse_time(value)
    # duplicate keys are rare: detect them cheaply, then take the slow path
    if len(keys) != len(pairs):
        return _drop_duplicates(groups, warnings)
    return tuple(groups)


def _raise_first_error(text: str) -> None:
    """Raise the error of the first bad CP field in order: no `=`, empty key, or a bad time."""
    for group_text in text.split(";"):
        for part in group_text.split(","):
            if not part:
                continue
            key, sep, value = part.partition("=")
            if not sep or not key:
                raise Hj212Error(Reason.BAD_CP, f"CP field {key[:40]!r} has no '='")
            if key == "DataTime" or key.endswith("-SampleTime"):
                parse_time(value)
    raise AssertionError("called for a CP without a bad field")  # pragma: no cover


def _drop_duplicates(groups: list[CpGroup], warnings: list[str]) -> tuple[CpGroup, ...]:
    """Keep the first value of a key under the same DataTime (repeated DataTimes start records)."""
    out: list[CpGroup] = []
    seen: set[tuple[str, str]] = set()
    data_time = ""
    for group in groups:
        kept: list[tuple[str, str]] = []
        for key, value in group:
            if key == "DataTime":
                data_time = value
            elif (data_time, key) in seen:
                warnings.append(f"duplicate CP key {key}: dropped {value!r}")
                continue
            seen.add((data_time, key))
            kept.append((key, value))
        if kept:
            out.append(tuple(kept))
    return tuple(out)


def _edition(fields: dict[str, str]) -> tuple[int | None, Edition]:
    text = fields.get("Flag")
    if text is None:
        return None, Edition.HJT212_2005
    if not text.isdigit() or not text.isascii() or int(text) > 255:
        raise Hj212Error(Reason.BAD_FLAG, f"Flag {text!r} is not an integer 0..255")
    flag = int(text)
    edition = VERSION_BITS.get((flag >> 2) & 0x3F)
    if edition is None:
        raise Hj212Error(Reason.BAD_FLAG, f"Flag {flag}: unknown protocol version {(flag >> 2) & 0x3F}")
    return flag, edition


def _split(fields: dict[str, str], flag: int | None) -> tuple[int | None, int | None]:
    pnum_text, pno_text = fields.get("PNUM"), fields.get("PNO")
    flagged = flag is not None and bool(flag & FLAG_SPLIT)
    if pnum_text is None and pno_text is None and not flagged:
        return None, None
    if pnum_text is None or pno_text is None:
        raise Hj212Error(Reason.BAD_SPLIT, "split packet needs both PNUM and PNO")
    if not (pnum_text.isdigit() and pno_text.isdigit() and pnum_text.isascii() and pno_text.isascii()):
        raise Hj212Error(Reason.BAD_SPLIT, f"PNUM={pnum_text!r}, PNO={pno_text!r} are not integers")
    pnum, pno = int(pnum_text), int(pno_text)
    if not 1 <= pno <= pnum:
        raise Hj212Error(Reason.BAD_SPLIT, f"PNO={pno} outside 1..PNUM={pnum}")
    return pnum, pno


def _build(text: str, fields: dict[str, str], cp: tuple[CpGroup, ...], crc_kind: CrcKind,
           warnings: list[str]) -> Packet:
    if "ST" not in fields:
        raise Hj212Error(Reason.MISSING_FIELD, "header field ST missing")
    if not fields.get("CN"):
        raise Hj212Error(Reason.MISSING_FIELD, "header field CN missing or empty")
    st = fields["ST"]
    if not st:  # real loggers send ST=\x00\x00 (NULs removed above): the readings are still theirs
        warnings.append(f"empty ST: system type {UNKNOWN_SYSTEM_TYPE!r}")
        st = UNKNOWN_SYSTEM_TYPE
    if "MN" not in fields:
        raise Hj212Error(Reason.MISSING_FIELD, "header field MN missing")
    if not fields["MN"]:
        warnings.append("empty MN")
    flag, edition = _edition(fields)
    pnum, pno = _split(fields, flag)
    return Packet(
        st=st, cn=fields["CN"], mn=fields["MN"], pw=fields.get("PW"), qn=fields.get("QN"),
        flag=flag, pnum=pnum, pno=pno, edition=edition, cp=cp, header=tuple(fields.items()),
        crc_kind=crc_kind, data=text, warnings=tuple(warnings),
    )
