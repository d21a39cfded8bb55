from __future__ import annotations

from ecer.hj212 import (
    CrcKind,
    CrcMode,
    Hj212Error,
    Reason,
    check_crc,
    frame_from_bytes,
    hj212_crc,
    modbus_crc,
)
from ecer.hj212.framer import Frame


def _bitwise_hj212(data: bytes) -> int:
    """Annex A written out bit by bit, as the README describes it (reference for the table)."""
    crc = 0xFFFF
    for byte in data:
        crc = (crc >> 8) ^ byte
        for _ in range(8):
            lsb = crc & 1
            crc >>= 1
            if lsb:
                crc ^= 0xA001
    return crc


def test_table_matches_bitwise_definition() -> None:
    for data in [b"", b"a", b"QN=1;CP=&&&&", bytes(range(256)) * 3]:
        assert hj212_crc(data) == _bitwise_hj212(data)


def test_sample_packets_crc(samples) -> None:  # type: ignore[no-untyped-def]
    for s in samples:
        if s.expect != "valid":
            continue
        frame = frame_from_bytes(s.packet)
        assert f"{hj212_crc(frame.data):04X}" == frame.crc_text.decode().upper(), s.id


def test_modbus_check_value_and_difference() -> None:
    assert modbus_crc(b"123456789") == 0x4B37  # CRC-16/MODBUS catalogue check value
    assert hj212_crc(b"123456789") != modbus_crc(b"123456789")


def test_modbus_crc_only_when_opted_in() -> None:
    data = b"ST=32;CN=2011;PW=1;MN=X;CP=&&a-Rtd=1&&"
    frame = Frame(b"", data, b"%04X" % modbus_crc(data), 0)
    try:
        check_crc(frame)
        raise AssertionError("a Modbus CRC must be rejected by default")
    except Hj212Error as exc:
        assert exc.reason is Reason.CRC_MISMATCH
    assert check_crc(frame, CrcMode.ACCEPT_MODBUS) is CrcKind.MODBUS


def test_lower_case_and_bad_crc_text() -> None:
    data = b"ST=32;CN=2011;PW=1;MN=X;CP=&&&&"
    assert check_crc(Frame(b"", data, (b"%04x" % hj212_crc(data)), 0)) is CrcKind.STANDARD
    try:
        check_crc(Frame(b"", data, b"12G4", 0))
        raise AssertionError("expected bad_crc_text")
    except Hj212Error as exc:
        assert exc.reason is Reason.BAD_CRC_TEXT
