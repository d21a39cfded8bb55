from __future__ import annotations

from ecer.hj212 import Packet, Reassembler, build_packet, parse


def part(pno: int, pnum: int = 3, qn: str = "20250101000000001", value: int = 0) -> Packet:
    cp = f"DataTime=20250101000000;a{pno}-Avg={value or pno}" if pno == 1 else f"a{pno}-Avg={value or pno}"
    return parse(build_packet(qn=qn, st="31", cn="2061", mn="M", pw="p", flag=7, pnum=pnum, pno=pno, cp=cp))


def test_out_of_order_and_repeated_parts_complete_once() -> None:
    r = Reassembler()
    assert r.add(part(3), 0) is None
    assert r.add(part(1), 1) is None
    assert r.add(part(3, value=99), 2) is None  # repeat: first copy kept
    whole = r.add(part(2), 3)
    assert whole is not None and not whole.is_split and whole.flag == 5 and r.pending == 0
    rows = whole.measurements()
    assert [(m.factor, m.value) for m in rows] == [("a1", 1.0), ("a2", 2.0), ("a3", 3.0)]
    assert all(m.data_time is not None for m in rows)  # part 1's DataTime dates parts 2 and 3


def test_unsplit_packet_passes_through() -> None:
    p = parse(build_packet(st="31", cn="2011", mn="M", cp="a-Rtd=1"))
    assert Reassembler().add(p, 0) is p


def test_timeout_and_eviction_are_recorded() -> None:
    r = Reassembler(timeout_s=10, max_pending=2)
    r.add(part(1, qn="A"), 0)
    r.add(part(1, qn="B"), 5)
    r.add(part(1, qn="C"), 6)  # evicts A
    assert [(d.key[1], d.reason) for d in r.dropped] == [("A", "evicted")]
    expired = r.expire(100)
    assert sorted(d.key[1] for d in expired) == ["B", "C"] and r.pending == 0
    r.add(part(1, qn="D", pnum=2), 0)
    assert r.add(part(2, qn="D", pnum=3), 1) is None
    assert r.dropped[-1].reason == "pnum_conflict"
