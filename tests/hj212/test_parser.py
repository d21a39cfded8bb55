from __future__ import annotations

from datetime import datetime

import pytest

from ecer.hj212 import Edition, Frame, Framer, Hj212Error, Reason, frame_data, parse


def test_sample_verdicts(samples) -> None:  # type: ignore[no-untyped-def]
    assert len(samples) >= 10
    for s in samples:
        if s.expect == "valid":
            packet = parse(s.packet)
            assert packet.cn and packet.st, s.id
        else:
            with pytest.raises(Hj212Error) as info:
                parse(s.packet)
            assert info.value.reason.value == s.expect, s.id


def test_sample_verdicts_through_the_stream_framer(samples) -> None:  # type: ignore[no-untyped-def]
    framer = Framer()
    events = framer.feed(b"\r\n".join(s.packet for s in samples) + b"\r\n") + framer.flush()
    verdicts = []
    for event in events:
        if isinstance(event, Frame):
            try:
                parse(event)
                verdicts.append("valid")
            except Hj212Error as exc:
                verdicts.append(exc.reason.value)
        else:
            verdicts.append(event.reason.value)
    assert verdicts == [s.expect for s in samples]


def test_header_and_edition(samples) -> None:  # type: ignore[no-untyped-def]
    by_id = {s.id: s.packet for s in samples}
    v01 = parse(by_id["V01"])
    assert (v01.qn, v01.st, v01.cn, v01.pw, v01.mn, v01.flag) == (
        "20160801085857223", "32", "1062", "100000", "010000A8900016F000169DC0", 5)
    assert v01.edition is Edition.HJ212_2017 and v01.needs_ack and not v01.is_split
    assert v01.cp_value("RtdInterval") == "30"
    v03 = parse(by_id["V03"])
    assert v03.edition is Edition.HJT212_2005 and v03.qn is None and v03.flag is None and not v03.needs_ack
    assert v03.data_time == datetime(2021, 3, 5, 0, 38, 17)  # 17-digit DataTime, milliseconds 000
    v10 = parse(by_id["V10"])
    assert v10.is_split and (v10.pnum, v10.pno) == (2, 1) and v10.needs_ack


def test_measurements_with_flags_and_sample_time(samples) -> None:  # type: ignore[no-untyped-def]
    by_id = {s.id: s.packet for s in samples}
    rows = parse(by_id["V06"]).measurements()
    cod = next(r for r in rows if r.factor == "w01018")
    assert (cod.field, cod.value, cod.flag, cod.raw) == ("Rtd", 194.2, "N", "194.200")
    assert cod.data_time == datetime(2021, 3, 20, 1, 34) and cod.sample_time == datetime(2021, 3, 20, 1, 34)
    flow = next(r for r in rows if r.factor == "w00000")
    assert flow.sample_time is None and flow.value == 181.682
    hourly = parse(by_id["V07"]).measurements()
    assert {r.field for r in hourly} >= {"Cou", "Min", "Avg", "Max"}
    assert all(r.data_time == datetime(2024, 1, 22, 17) for r in hourly)
    v04 = parse(by_id["V04"]).measurements()
    assert [(r.factor, r.flag) for r in v04] == [("B01", None), ("011", "N"), ("060", "N")]


def make(data: str) -> bytes:
    return frame_data(data)


def test_field_order_independent_and_fields_after_cp() -> None:
    p = parse(make("MN=X1;CN=2011;PW=p;ST=32;Flag=9;QN=20250101000000000;CP=&&DataTime=20250101000000;a-Rtd=1&&"))
    assert p.edition is Edition.HJ212_2025 and p.needs_ack and p.mn == "X1"
    q = parse(make("ST=32;CN=2011;CP=&&a-Rtd=1&&;MN=Y;PW=1"))
    assert q.mn == "Y" and q.pw == "1"


def test_duplicate_keys_keep_first_with_warning() -> None:
    p = parse(make("ST=32;CN=2011;PW=1;MN=X;MN=Z;CP=&&DataTime=20250101000000;a-Rtd=1,a-Rtd=2;a-Flag=N,a-Flag=D&&"))
    assert p.mn == "X"
    rows = p.measurements()
    assert [(r.value, r.flag) for r in rows] == [(1.0, "N")]
    assert len(p.warnings) == 3


def test_several_records_in_one_packet() -> None:
    p = parse(make("ST=32;CN=2051;PW=1;MN=X;CP=&&DataTime=20250101000000;a-Avg=1;DataTime=20250101001000;a-Avg=2&&"))
    assert [(r.data_time.minute if r.data_time else None, r.value) for r in p.measurements()] == [(0, 1.0), (10, 2.0)]


def test_nul_bytes_inside_a_valid_packet_are_removed_with_warning() -> None:
    p = parse(make("ST=32;CN=2011;PW=1;MN=X;CP=&&DataTime=20250101000000;a-Rtd=1.5\x00\x00&&"))
    assert p.measurements()[0].value == 1.5 and "NUL" in p.warnings[0]


def test_unknown_flag_and_non_numeric_value_are_data() -> None:
    rows = parse(make("ST=32;CN=2011;PW=1;MN=X;CP=&&a-Rtd=abc,a-Flag=Q;b-Rtd=-0.5&&")).measurements()
    assert (rows[0].value, rows[0].raw, rows[0].flag, rows[0].data_time) == (None, "abc", "Q", None)
    assert rows[1].value == -0.5


def test_empty_pw_and_mn_are_tolerated() -> None:
    p = parse(make("ST=32;CN=2011;PW=;MN=;CP=&&&&"))
    assert p.mn == "" and p.pw == "" and p.warnings == ("empty MN",)


def test_empty_or_nul_st_is_accepted_as_unknown_system_type() -> None:
    """Issue 7, 1.6: real loggers send ST=\\x00\\x00 with a valid length and CRC; the readings are data."""
    for st in ("\x00\x00", ""):
        raw = make(f"QN=20250101000000000;ST={st};CN=2011;PW=1;MN=X;Flag=5;CP=&&DataTime=20250101000000;a-Rtd=1.5&&")
        p = parse(raw)
        assert p.st == "unknown" and p.cn == "2011" and p.needs_ack
        assert any("empty ST" in w for w in p.warnings)
        assert [(r.factor, r.value) for r in p.measurements()] == [("a", 1.5)]
    with pytest.raises(Hj212Error) as info:
        parse(make("CN=2011;PW=1;MN=X;CP=&&&&"))  # no ST field at all stays a rejection
    assert info.value.reason is Reason.MISSING_FIELD


@pytest.mark.parametrize(("data", "reason"), [
    ("ST=32;CN=2011;PW=1;MN=X", Reason.MISSING_FIELD),
    ("ST=32;CN=2011;PW=1;MN=X;CP=a-Rtd=1", Reason.BAD_CP),
    ("ST=32;CN=2011;PW=1;MN=X;CP=&&a-Rtd=1", Reason.BAD_CP),
    ("ST=32;CN=2011;PW=1;MN=X;CP=&&a-Rtd&&", Reason.BAD_CP),
    ("CN=2011;PW=1;MN=X;CP=&&&&", Reason.MISSING_FIELD),
    ("ST=32;PW=1;MN=X;CP=&&&&", Reason.MISSING_FIELD),
    ("ST=32;CN=2011;PW=1;CP=&&&&", Reason.MISSING_FIELD),
    ("ST=32;CN=2011;MN=X;Flag=x;CP=&&&&", Reason.BAD_FLAG),
    ("ST=32;CN=2011;MN=X;Flag=12;CP=&&&&", Reason.BAD_FLAG),
    ("ST=32;CN=2011;MN=X;Flag=6;CP=&&&&", Reason.BAD_SPLIT),
    ("ST=32;CN=2011;MN=X;Flag=6;PNUM=2;PNO=3;CP=&&&&", Reason.BAD_SPLIT),
    ("ST=32;CN=2011;MN=X;CP=&&DataTime=2025010100000;a-Rtd=1&&", Reason.BAD_DATATIME),
    ("ST=32;CN=2011;MN=X;CP=&&DataTime=20251301000000;a-Rtd=1&&", Reason.BAD_DATATIME),
    ("ST=32;CN=2011;MN=X;CP=&&a-SampleTime=x;a-Rtd=1&&", Reason.BAD_DATATIME),
    ("ST=32;CN=2011;MN\u00e9=X;CP=&&&&", Reason.NON_ASCII),
    ("ST=32;CN;MN=X;CP=&&&&", Reason.BAD_SYNTAX),
])
def test_rejections(data: str, reason: Reason) -> None:
    raw = data.encode("utf-8")
    with pytest.raises(Hj212Error) as info:
        parse(frame_data(raw))
    assert info.value.reason is reason


def test_bytes_input_errors() -> None:
    for raw, reason in [(b"hello", Reason.BAD_HEADER), (b"##0005abc1234", Reason.LENGTH_MISMATCH),
                        (b"##0003abcXYZW", Reason.BAD_CRC_TEXT)]:
        with pytest.raises(Hj212Error) as info:
            parse(raw)
        assert info.value.reason is reason
