"""The hash chain of the audit log, as pure functions (no Django): the canonical text of an entry,
its hash, and the check of a sequence of stored entries.

An entry's hash is SHA-256 over the previous entry's hash and the canonical JSON of its fields
(sorted keys, no whitespace, UTF-8), so changing any field of any entry, removing an entry or
swapping two changes every hash from that point on. The first entry links to `GENESIS`. Removing
entries from the *end* leaves a consistent chain: the head (count and last hash), stored separately
and printed by `ecer audit verify`, catches that.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64
#: Fields that enter the hash, in this order of documentation (the JSON itself is key-sorted).
HASHED_FIELDS = ("seq", "at", "username", "role", "user_id", "action", "obj_type", "obj_id", "before",
                 "after", "source")
#: Fields added later: hashed when not empty, so entries written before they existed still verify.
OPTIONAL_HASHED_FIELDS = ("user_agent",)


def canonical_json(value: Any) -> str:
    """The one text form of a JSON-able value: sorted keys, no spaces, non-ASCII kept.

    Non-JSON values (dates, decimals, UUIDs) become their `str()`, so what is stored is exactly what
    was hashed."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def entry_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    """SHA-256 (hex) of the previous hash and the entry's fields (`HASHED_FIELDS`)."""
    missing = [f for f in HASHED_FIELDS if f not in fields]
    if missing:
        raise ValueError(f"audit entry lacks field(s) {', '.join(missing)}")
    hashed = {f: fields[f] for f in HASHED_FIELDS}
    hashed.update({f: fields[f] for f in OPTIONAL_HASHED_FIELDS if fields.get(f)})
    body = canonical_json(hashed)
    return hashlib.sha256(f"{prev_hash}\n{body}".encode()).hexdigest()


@dataclass(frozen=True)
class StoredEntry:
    """An entry as read back from the store: its hashed fields, the links it claims, its id."""

    fields: dict[str, Any]
    prev_hash: str
    hash: str
    row_id: int | None = None


@dataclass(frozen=True)
class ChainProblem:
    seq: int | None  # the entry's sequence number as stored (None: the head record)
    row_id: int | None
    problem: str

    def __str__(self) -> str:
        where = "head" if self.seq is None else f"entry #{self.seq}"
        row = f" (row id {self.row_id})" if self.row_id is not None else ""
        return f"{where}{row}: {self.problem}"


@dataclass(frozen=True)
class ChainReport:
    entries: int
    last_seq: int
    last_hash: str
    problems: list[ChainProblem]

    @property
    def ok(self) -> bool:
        return not self.problems


def _check_entry(entry: StoredEntry, expected_seq: int, running: str) -> list[ChainProblem]:
    seq = entry.fields.get("seq")
    problems = []
    if seq != expected_seq:
        what = "removed or reordered" if isinstance(seq, int) and seq > expected_seq else "reordered or duplicated"
        problems.append(ChainProblem(seq, entry.row_id, f"sequence number {seq}, expected {expected_seq}: "
                                                        f"entries {what}"))
    if entry.prev_hash != running:
        problems.append(ChainProblem(seq, entry.row_id, "does not link to the entry before it "
                                                        "(an entry before it was removed, edited or moved)"))
    if entry_hash(entry.prev_hash, entry.fields) != entry.hash:
        problems.append(ChainProblem(seq, entry.row_id, "content does not match its hash (edited)"))
    return problems


def check_chain(entries: Iterable[StoredEntry], head: tuple[int, str] | None,
                max_problems: int = 1000) -> ChainReport:
    """Check entries in their stored order (by sequence number) against each other and the head.

    `head` is (last sequence number, last hash) as recorded when the last entry was written, or None
    when no head was stored (an empty log). At most `max_problems` problems are listed."""
    problems: list[ChainProblem] = []
    running, count, last_seq = GENESIS, 0, 0
    for entry in entries:
        count += 1
        if len(problems) < max_problems:
            problems.extend(_check_entry(entry, count, running))
        running = entry.hash
        last_seq = entry.fields.get("seq") if isinstance(entry.fields.get("seq"), int) else last_seq
    head_seq, head_hash = head if head is not None else (0, GENESIS)
    if (head_seq, head_hash) != (last_seq, running) or head_seq != count:
        problems.append(ChainProblem(None, None, f"the head records {head_seq} entries ending in {head_hash[:12]}…, "
                                                 f"the log has {count} ending in {running[:12]}… "
                                                 "(entries removed from the end, or added around the log)"))
    return ChainReport(count, last_seq, running, problems[:max_problems + 1])
