from __future__ import annotations

from datetime import datetime

from ecer.hj212 import (
    Edition,
    build_data_ack,
    build_execution_reply,
    build_fetch_history,
    build_notify_reply,
    build_packet,
    build_request_reply,
    build_set_rtd_interval,
    build_set_time,
    make_qn,
    parse,
)


def test_9014_reproduces_the_published_2017_example(samples) -> None:  # type: ignore[no-untyped-def]
    v25 = next(s.packet for s in samples if s.id == "V25")
    upload = parse(build_packet(qn="20160801085000001", st="32", cn="2011", pw="123456",
                                mn="010000A8900016F000169DC0", flag=5, cp="DataTime=20160801085000;a-Rtd=1"))
    assert build_data_ack(upload) == v25 + b"\r\n"


def test_ack_forms_per_edition() -> None:
    base = dict(qn="20250101000000123", st="31", cn="2061", pw="pw", mn="MN1", cp="DataTime=20250101000000")
    for flag, edition, reply_flag in [(5, Edition.HJ212_2017, 4), (9, Edition.HJ212_2025, 8)]:
        ack = parse(build_data_ack(parse(build_packet(flag=flag, **base))))  # type: ignore[arg-type]
        assert (ack.qn, ack.st, ack.cn, ack.flag, ack.edition, ack.cp) == (
            "20250101000000123", "91", "9014", reply_flag, edition, ())
        assert ack.mn == "MN1" and ack.pw == "pw" and not ack.needs_ack
    old = parse(build_data_ack(parse(build_packet(**base))))  # type: ignore[arg-type]
    assert old.edition is Edition.HJT212_2005 and old.qn is None
    assert old.cp_value("QN") == "20250101000000123" and old.cp_value("CN") == "2061"


def test_command_replies() -> None:
    cmd = parse(build_set_rtd_interval(mn="M", pw="p", qn="20250101000000001", interval_s=30))
    assert cmd.cn == "1062" and cmd.needs_ack and cmd.cp_value("RtdInterval") == "30"
    r1 = parse(build_request_reply(cmd, 1))
    r2 = parse(build_execution_reply(cmd, 2))
    r3 = parse(build_notify_reply(cmd))
    assert (r1.cn, r1.cp_value("QnRtn"), r2.cn, r2.cp_value("ExeRtn"), r3.cn) == ("9011", "1", "9012", "2", "9013")
    assert r1.qn == r2.qn == r3.qn == "20250101000000001"


def test_platform_commands() -> None:
    t = datetime(2026, 1, 2, 3, 4, 5, 678000)
    assert make_qn(t) == "20260102030405678"
    st = parse(build_set_time(mn="M", pw="p", qn=make_qn(t), system_time=t, edition=Edition.HJ212_2025))
    assert st.cn == "1012" and st.flag == 9 and st.cp_value("SystemTime") == "20260102030405"
    h = parse(build_fetch_history(cn="2061", mn="M", pw="p", qn=make_qn(t), begin=datetime(2026, 1, 1),
                                  end=datetime(2026, 1, 2)))
    assert h.cn == "2061" and h.cp_value("BeginTime") == "20260101000000" and h.cp_value("EndTime") == "20260102000000"


def test_generic_builder_groups_and_split() -> None:
    raw = build_packet(st="32", cn="2011", mn="M", pw="p", flag=7, pnum=2, pno=1, qn="1",
                       cp=[{"DataTime": datetime(2025, 1, 1)}, {"w01018-Rtd": 12.5, "w01018-Flag": "N"}])
    p = parse(raw)
    assert p.is_split and p.measurements()[0].value == 12.5
    assert raw.startswith(b"##%04d" % (len(raw) - 12)) and raw.endswith(b"\r\n")


def test_one_step_9014_equals_the_general_builder(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """build_data_ack formats the reply in one step (the gateway's hot path): byte for byte the
    general builder's reply, for every edition, with and without QN/PW, with either CRC."""
    from ecer.hj212 import builder, crc

    uploads = []
    for flag in (None, 1, 5, 9):
        for qn in (None, "20250101000000123"):
            for pw in ("", "123456"):
                raw = build_packet(qn=qn, st="32", cn="2051", pw=pw, mn="010000A8900016F000169DC0", flag=flag,
                                   cp="DataTime=20250101000000;w01018-Avg=1.5")
                uploads.append(parse(raw))
    assert {p.edition for p in uploads} == set(Edition)
    for crc_function in (builder._crc, crc.hj212_crc):
        monkeypatch.setattr(builder, "_crc", crc_function)
        for upload in uploads:
            assert builder.build_data_ack(upload) == builder._reply(upload, "9014", {}), upload
