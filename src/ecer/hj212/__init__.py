"""HJ 212 codec (HJ/T 212-2005, HJ 212-2017, HJ 212-2025): pure, no I/O, no Django.

Typical use on one connection::

    framer = Framer()
    for event in framer.feed(chunk):
        if isinstance(event, Rejected): audit(event)
        else:
            try: packet = parse(event, crc_mode=device_crc_mode)
            except Hj212Error as exc: audit(event, exc.reason)
            else:
                if packet.needs_ack: send(build_data_ack(packet))
"""

from ecer.hj212.accel import COMPILED, Framer, parse
from ecer.hj212.builder import (
    build_command,
    build_data_ack,
    build_execution_reply,
    build_fetch_history,
    build_notify_reply,
    build_packet,
    build_request_reply,
    build_set_rtd_interval,
    build_set_time,
    edition_flag,
    frame_data,
    make_qn,
)
from ecer.hj212.codes import FactorCode, describe_factor, factor_codes, normalise_factor
from ecer.hj212.crc import CrcKind, CrcMode, crc_text, hj212_crc, modbus_crc
from ecer.hj212.errors import Hj212Error, Reason
from ecer.hj212.framer import DEFAULT_MAX_FRAME_BYTES, Frame, FrameEvent, Rejected, frames_from_lines
from ecer.hj212.packet import Edition, Measurement, Packet, parse_time
from ecer.hj212.parser import check_crc, frame_from_bytes
from ecer.hj212.reassembly import Incomplete, Reassembler, merge_parts

__all__ = [
    "COMPILED", "DEFAULT_MAX_FRAME_BYTES", "CrcKind", "FactorCode", "Incomplete", "Reassembler", "describe_factor",
    "factor_codes", "merge_parts", "normalise_factor", "CrcMode", "Edition", "Frame", "FrameEvent", "Framer", "Hj212Error",
    "Measurement", "Packet", "Reason", "Rejected", "build_command", "build_data_ack", "build_execution_reply",
    "build_fetch_history", "build_notify_reply", "build_packet", "build_request_reply", "build_set_rtd_interval",
    "build_set_time", "check_crc", "crc_text", "edition_flag", "frame_data", "frame_from_bytes", "frames_from_lines",
    "hj212_crc", "make_qn", "modbus_crc", "parse", "parse_time",
]
