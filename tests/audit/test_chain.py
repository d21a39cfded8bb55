"""The pure hash chain: canonical text, hashes, and what check_chain reports."""

from __future__ import annotations

import dataclasses

from ecer.audit.chain import GENESIS, StoredEntry, canonical_json, check_chain, entry_hash


def _fields(seq: int, **extra: object) -> dict[str, object]:
    base = {"seq": seq, "at": f"2026-01-01T00:00:0{seq % 10}+00:00", "username": "u", "role": "auditor",
            "user_id": 1, "action": "x.change", "obj_type": "thing", "obj_id": str(seq), "before": None,
            "after": {"v": seq}, "source": "127.0.0.1"}
    base.update(extra)
    return base


def _chain(n: int) -> list[StoredEntry]:
    out, prev = [], GENESIS
    for seq in range(1, n + 1):
        fields = _fields(seq)
        digest = entry_hash(prev, fields)
        out.append(StoredEntry(fields, prev, digest, row_id=seq))
        prev = digest
    return out


def test_canonical_json_is_key_order_independent() -> None:
    assert canonical_json({"b": 1, "a": "成都"}) == canonical_json({"a": "成都", "b": 1}) == '{"a":"成都","b":1}'


def test_intact_chain_verifies() -> None:
    chain = _chain(5)
    report = check_chain(chain, (5, chain[-1].hash))
    assert report.ok and report.entries == 5 and report.last_seq == 5


def test_edited_field_is_named() -> None:
    chain = _chain(4)
    edited = dataclasses.replace(chain[1], fields=_fields(2, after={"v": 999}))
    report = check_chain([chain[0], edited, *chain[2:]], (4, chain[-1].hash))
    assert [(p.seq, "edited" in p.problem) for p in report.problems] == [(2, True)]


def test_removed_entry_in_the_middle() -> None:
    chain = _chain(4)
    report = check_chain([chain[0], chain[2], chain[3]], (4, chain[-1].hash))
    seqs = {p.seq for p in report.problems}
    assert 3 in seqs and None in seqs  # entry 3 does not link, the head counts 4 entries
    assert any("does not link" in p.problem for p in report.problems)


def test_swapped_entries() -> None:
    chain = _chain(4)
    report = check_chain([chain[0], chain[2], chain[1], chain[3]], (4, chain[-1].hash))
    assert not report.ok and {p.seq for p in report.problems} >= {2, 3}


def test_tail_cut_is_caught_by_the_head_only() -> None:
    chain = _chain(4)
    report = check_chain(chain[:3], (4, chain[-1].hash))
    assert [p.seq for p in report.problems] == [None]
    assert "head records 4 entries" in str(report.problems[0])


def test_empty_log_without_head_is_fine_but_entries_without_head_are_not() -> None:
    assert check_chain([], None).ok
    assert not check_chain(_chain(1), None).ok
