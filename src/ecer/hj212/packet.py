"""Typed, immutable results of parsing: Packet, its CP groups and measurement rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import lru_cache
from typing import NamedTuple

from ecer.hj212.crc import CrcKind
from ecer.hj212.errors import Hj212Error, Reason

# CP keys `<factor>-<suffix>` whose value qualifies the factor's other fields instead of being one.
QUALIFIER_SUFFIXES = frozenset({"Flag", "EFlag", "SampleTime"})


class Edition(StrEnum):
    """Protocol edition, from the version bits of Flag (no Flag at all means 2005)."""

    HJT212_2005 = "2005"
    HJ212_2017 = "2017"
    HJ212_2025 = "2025"


VERSION_BITS: dict[int, Edition] = {0: Edition.HJT212_2005, 1: Edition.HJ212_2017, 2: Edition.HJ212_2025}
FLAG_ACK = 0x01  # A: the sender wants a reply
FLAG_SPLIT = 0x02  # D: split packet, PNUM/PNO present

CpGroup = tuple[tuple[str, str], ...]


class Measurement(NamedTuple):
    """One value of one factor at one time: a row for storage.

    `field` is the CP suffix (Rtd, Min, Avg, Max, Cou, ZsRtd, ZsAvg, ...); `value` is None when the
    raw text is not a number (the raw text is always kept); `flag` is the factor's `-Flag` as sent
    (unknown flags are data, not errors). Immutable; a named tuple because a packet gives tens of
    rows and a tuple is built ~6x faster than a frozen dataclass.
    """

    data_time: datetime | None
    factor: str
    field: str
    value: float | None
    flag: str | None
    raw: str
    sample_time: datetime | None = None


@dataclass(frozen=True, slots=True)
class Packet:
    """A parsed HJ 212 packet. Header values are strings exactly as sent (PW/MN may be empty)."""

    st: str
    cn: str
    mn: str
    pw: str | None
    qn: str | None
    flag: int | None
    pnum: int | None
    pno: int | None
    edition: Edition
    cp: tuple[CpGroup, ...]
    header: tuple[tuple[str, str], ...]  # every header field in order, unknown ones included
    crc_kind: CrcKind
    data: str  # the data segment as text (NUL bytes removed)
    warnings: tuple[str, ...] = ()

    @property
    def needs_ack(self) -> bool:
        return self.flag is not None and bool(self.flag & FLAG_ACK)

    @property
    def is_split(self) -> bool:
        return self.pnum is not None and self.pno is not None

    def cp_value(self, key: str) -> str | None:
        """First value of `key` anywhere in CP (e.g. 'DataTime', 'QnRtn', 'RtdInterval')."""
        for group in self.cp:
            for k, v in group:
                if k == key:
                    return v
        return None

    @property
    def data_time(self) -> datetime | None:
        text = self.cp_value("DataTime")
        return parse_time(text) if text is not None else None

    def measurements(self) -> list[Measurement]:
        """Measurement rows. `DataTime` applies to the groups after it, so packets holding several
        records (several DataTime groups) give each row its own time. `-Flag` and `-SampleTime`
        attach to the factor's rows under the same DataTime, wherever they appear."""
        if _compiled_rows is not None:
            return _compiled_rows(self.cp)
        return self.pure_measurements()

    def pure_measurements(self) -> list[Measurement]:
        """measurements() in pure Python: the reference the compiled path is compared with."""
        rows: list[Measurement] = []
        for record in _records(self.cp):
            _record_rows(*record, rows)
        return rows


# One record: its DataTime, its (factor, suffix, raw value) fields, and the first -Flag and
# -SampleTime text of each factor.
_Record = tuple[datetime | None, list[tuple[str, str, str]], dict[str, str], dict[str, str]]


def _records(cp: tuple[CpGroup, ...]) -> list[_Record]:
    records: list[_Record] = []
    values: list[tuple[str, str, str]] = []
    flags: dict[str, str] = {}
    samples: dict[str, str] = {}
    data_time: datetime | None = None
    kinds = _key_kinds
    for group in cp:
        for key, value in group:
            kind, factor, suffix = kinds.get(key) or _key_kind(key)
            if kind == _VALUE:
                values.append((factor, suffix, value))
            elif kind == _FLAG:
                flags.setdefault(factor, value)
            elif kind == _SAMPLE:
                samples.setdefault(factor, value)
            elif kind == _DATA_TIME:
                if values:
                    records.append((data_time, values, flags, samples))
                values, flags, samples = [], {}, {}
                data_time = parse_time(value)
    if values:
        records.append((data_time, values, flags, samples))
    return records


_SKIP, _VALUE, _FLAG, _SAMPLE, _DATA_TIME = 0, 1, 2, 3, 4
_KEY_CACHE_SIZE = 4096  # distinct CP keys seen; cleared when full, so hostile input cannot grow it
_key_kinds: dict[str, tuple[int, str, str]] = {}


def _key_kind(key: str) -> tuple[int, str, str]:
    """(kind, factor, suffix) of a CP key, remembered: the same keys recur in every packet."""
    factor, sep, suffix = key.rpartition("-")
    if key == "DataTime":
        kind = _DATA_TIME
    elif not sep or not factor:
        kind = _SKIP  # not a factor field (e.g. RtdInterval, QnRtn)
    elif suffix == "Flag":
        kind = _FLAG
    elif suffix == "SampleTime":
        kind = _SAMPLE
    else:
        kind = _SKIP if suffix in QUALIFIER_SUFFIXES else _VALUE
    if len(_key_kinds) >= _KEY_CACHE_SIZE:
        _key_kinds.clear()
    _key_kinds[key] = result = (kind, factor, suffix)
    return result


def _record_rows(data_time: datetime | None, values: list[tuple[str, str, str]], flags: dict[str, str],
                 samples: dict[str, str], rows: list[Measurement]) -> None:
    new = tuple.__new__
    for factor, suffix, value in values:
        number: float | None
        try:
            parsed = float(value)
        except ValueError:
            number = None
        else:
            # float() accepts 'nan', 'inf', '1_0': none is an HJ 212 number (x - x is 0 only if finite)
            number = None if parsed - parsed != 0.0 or "_" in value else parsed
        sample = samples.get(factor) if samples else None
        rows.append(new(Measurement, (data_time, factor, suffix, number, flags.get(factor), value,
                                      parse_time(sample) if sample else None)))


@lru_cache(maxsize=4096)  # the same DataTime/SampleTime recurs in every row and every logger's packet
def parse_time(text: str) -> datetime:
    """`YYYYMMDDhhmmss` or `YYYYMMDDhhmmsszzz` (milliseconds, older devices) as a naive local time."""
    n = len(text)
    if (n != 14 and n != 17) or not text.isdigit() or not text.isascii():
        raise Hj212Error(Reason.BAD_DATATIME, f"time {text!r} is not 14 or 17 digits")
    try:
        return datetime(int(text[0:4]), int(text[4:6]), int(text[6:8]), int(text[8:10]), int(text[10:12]),
                        int(text[12:14]), int(text[14:17]) * 1000 if n == 17 else 0)
    except ValueError as exc:
        raise Hj212Error(Reason.BAD_DATATIME, f"time {text!r}: {exc}") from None


def _load_compiled_rows() -> Callable[[tuple[CpGroup, ...]], list[Measurement]] | None:
    """The compiled rows() of ecer.hj212._speedups, unless absent, stale or ECER_PURE_CODEC is set."""
    from ecer.hj212.compiled import load_speedups

    module = load_speedups()
    if module is None:
        return None
    rows: Callable[[tuple[CpGroup, ...]], list[Measurement]] = module.rows
    return rows


_compiled_rows = _load_compiled_rows()
