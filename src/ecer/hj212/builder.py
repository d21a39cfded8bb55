"""Build complete frames (`##LLLL…CCCC\\r\\n`): replies in each edition's form and platform commands.

Reply forms (QN echoed so the logger can match the reply to its upload):
- 2017: `QN=<qn>;ST=91;CN=9014;PW=<pw>;MN=<mn>;Flag=4;CP=&&&&`
- 2025: the same with `Flag=8` (version bits 2).
- 2005: `ST=91;CN=9014;PW=<pw>;MN=<mn>;Flag=0;CP=&&QN=<qn>,CN=<cn>&&` (the echo lives in CP, one group).
Replies never set the A bit (a reply is not answered).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from ecer.hj212.compiled import load_speedups
from ecer.hj212.crc import crc_text, hj212_crc
from ecer.hj212.packet import FLAG_ACK, FLAG_SPLIT, Edition, Packet

_VERSION = {Edition.HJT212_2005: 0, Edition.HJ212_2017: 1, Edition.HJ212_2025: 2}
ST_SYSTEM = "91"  # system interaction

CpSpec = str | Mapping[str, object] | Sequence[Mapping[str, object]]


def frame_data(data: str | bytes) -> bytes:
    """Wrap a data segment: `##` + 4-digit length + data + CRC + CR LF."""
    body = data.encode("ascii") if isinstance(data, str) else data
    if len(body) > 9999:
        raise ValueError(f"data segment of {len(body)} bytes exceeds the 4-digit length field")
    return b"##%04d" % len(body) + body + crc_text(body) + b"\r\n"


def edition_flag(edition: Edition, *, ack: bool = False, split: bool = False) -> int:
    return (_VERSION[edition] << 2) | (FLAG_ACK if ack else 0) | (FLAG_SPLIT if split else 0)


def format_time(moment: datetime) -> str:
    return moment.strftime("%Y%m%d%H%M%S")


def make_qn(moment: datetime) -> str:
    """A request id `YYYYMMDDhhmmsszzz` from a time (milliseconds from microseconds)."""
    return format_time(moment) + f"{moment.microsecond // 1000:03d}"


def cp_text(cp: CpSpec) -> str:
    """CP content from a string, one group (mapping) or several groups (sequence of mappings)."""
    if isinstance(cp, str):
        return cp
    groups = [cp] if isinstance(cp, Mapping) else list(cp)
    return ";".join(",".join(f"{k}={_value(v)}" for k, v in g.items()) for g in groups)


def _value(value: object) -> str:
    if isinstance(value, datetime):
        return format_time(value)
    return str(value)


def build_packet(*, st: str, cn: str, mn: str, pw: str = "", qn: str | None = None, flag: int | None = None,
                 pnum: int | None = None, pno: int | None = None, cp: CpSpec = "") -> bytes:
    """A complete frame with header fields in the standard's order and the given CP."""
    parts = [f"QN={qn}"] if qn is not None else []
    parts += [f"ST={st}", f"CN={cn}", f"PW={pw}", f"MN={mn}"]
    if flag is not None:
        parts.append(f"Flag={flag}")
    if pnum is not None and pno is not None:
        parts += [f"PNUM={pnum}", f"PNO={pno}"]
    parts.append(f"CP=&&{cp_text(cp)}&&")
    return frame_data(";".join(parts))


def _reply(packet: Packet, cn: str, cp: Mapping[str, object]) -> bytes:
    if packet.edition is Edition.HJT212_2005:
        echo: dict[str, object] = {"QN": packet.qn} if packet.qn is not None else {}
        echo.update(cp)
        if cn == "9014":
            echo["CN"] = packet.cn
        return build_packet(st=ST_SYSTEM, cn=cn, pw=packet.pw or "", mn=packet.mn, flag=0, cp=echo)
    return build_packet(qn=packet.qn, st=ST_SYSTEM, cn=cn, pw=packet.pw or "", mn=packet.mn,
                        flag=edition_flag(packet.edition), cp=cp)


def build_data_ack(packet: Packet) -> bytes:
    """9014 data reply to an upload (answer it when `packet.needs_ack`).

    The gateway builds one per accepted packet, so this is `_reply(packet, "9014", {})` in one step:
    one format of the data segment, the compiled CRC when it was built, one concatenation
    (tests/hj212/test_builder.py checks it against the general builder for every edition).
    """
    if packet.edition is Edition.HJT212_2005:
        qn = "" if packet.qn is None else f"QN={packet.qn},"  # one CP group: comma-separated
        data = f"ST=91;CN=9014;PW={packet.pw or ''};MN={packet.mn};Flag=0;CP=&&{qn}CN={packet.cn}&&"
    else:
        qn = "" if packet.qn is None else f"QN={packet.qn};"
        data = f"{qn}ST=91;CN=9014;PW={packet.pw or ''};MN={packet.mn};Flag={_VERSION[packet.edition] << 2};CP=&&&&"
    body = data.encode("ascii")
    if len(body) > 9999:
        raise ValueError(f"data segment of {len(body)} bytes exceeds the 4-digit length field")
    return b"##%04d%b%04X\r\n" % (len(body), body, _crc(body))


_speedups = load_speedups()
# the compiled CRC is the pure one's value (tests/hj212/test_differential.py compares them)
_crc = _speedups.hj212_crc if _speedups is not None else hj212_crc


def build_request_reply(packet: Packet, qn_rtn: int = 1) -> bytes:
    """9011 request reply (QnRtn: 1 ready, 2 rejected, 3 wrong PW, 4 wrong MN, ..., 9 CRC error)."""
    return _reply(packet, "9011", {"QnRtn": qn_rtn})


def build_execution_reply(packet: Packet, exe_rtn: int = 1) -> bytes:
    """9012 execution result (ExeRtn: 1 success, 2 failed, ...)."""
    return _reply(packet, "9012", {"ExeRtn": exe_rtn})


def build_notify_reply(packet: Packet) -> bytes:
    """9013 notification reply (e.g. to a 1013 time-calibration request)."""
    return _reply(packet, "9013", {})


def build_command(*, cn: str, mn: str, pw: str, qn: str, edition: Edition = Edition.HJ212_2017, st: str = "32",
                  cp: CpSpec = "", ack: bool = True) -> bytes:
    """A platform command; the A bit asks the logger for 9011/9012."""
    return build_packet(qn=qn, st=st, cn=cn, pw=pw, mn=mn, flag=edition_flag(edition, ack=ack), cp=cp)


def build_set_time(*, mn: str, pw: str, qn: str, system_time: datetime, edition: Edition = Edition.HJ212_2017,
                   st: str = "32", pol_id: str | None = None) -> bytes:
    """1012: set the logger's clock (`SystemTime`), optionally for one analyser (`PolId`)."""
    cp: dict[str, object] = {"PolId": pol_id} if pol_id else {}
    cp["SystemTime"] = system_time
    return build_command(cn="1012", mn=mn, pw=pw, qn=qn, edition=edition, st=st, cp=cp)


def build_set_rtd_interval(*, mn: str, pw: str, qn: str, interval_s: int, edition: Edition = Edition.HJ212_2017,
                           st: str = "32") -> bytes:
    """1062: set the real-time data interval in seconds (`RtdInterval`)."""
    return build_command(cn="1062", mn=mn, pw=pw, qn=qn, edition=edition, st=st, cp={"RtdInterval": interval_s})


def build_fetch_history(*, cn: str, mn: str, pw: str, qn: str, begin: datetime, end: datetime,
                        edition: Edition = Edition.HJ212_2017, st: str = "32") -> bytes:
    """Fetch history: CN 2051 minute, 2061 hour, 2031 day data between `BeginTime` and `EndTime`."""
    return build_command(cn=cn, mn=mn, pw=pw, qn=qn, edition=edition, st=st,
                         cp={"BeginTime": begin, "EndTime": end})
