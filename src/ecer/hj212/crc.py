"""The HJ 212 CRC (annex A) and CRC-16/MODBUS, both table-driven.

HJ 212 annex A: register starts at 0xFFFF; per byte `crc = (crc >> 8) ^ byte`, then 8 rounds of
"shift right, xor 0xA001 if the bit shifted out was 1". Because the xor replaces the register with
a value below 256 before the 8 rounds, the result after each byte depends only on
`(crc >> 8) ^ byte`: one lookup per byte in a 256-entry table, and only 256 distinct CRCs exist
(a weak check: the framer's length check and the parser's syntax checks carry the rest).

Speed: the register's high byte `h` is the whole state between bytes, so two bytes at a time is one
lookup in a 65536-entry table indexed by `(h ^ b1) | b2 << 8` (the two bytes read as one
little-endian 16-bit word, xor h); ~1.5x the one-byte loop in CPython. That table is built on
first use (a few ms; 512 KiB of references to 256 small ints).

CRC-16/MODBUS (`crc ^= byte` instead) is *not* the standard's CRC; some loggers send it anyway,
so the parser accepts it only when the caller opts in per device (`CrcMode.ACCEPT_MODBUS`).
"""

from __future__ import annotations

import sys
from array import array
from enum import StrEnum


class CrcMode(StrEnum):
    STANDARD = "standard"  # only the HJ 212 annex A CRC is accepted
    ACCEPT_MODBUS = "accept-modbus"  # also accept CRC-16/MODBUS (per-device tolerance)


class CrcKind(StrEnum):
    """Which CRC a packet actually carried."""

    STANDARD = "standard"
    MODBUS = "modbus"


def _rounds(value: int) -> int:
    for _ in range(8):
        lsb = value & 1
        value >>= 1
        if lsb:
            value ^= 0xA001
    return value


# HJ 212: register after a byte = _HJ_TABLE[(crc >> 8) ^ byte]
_HJ_TABLE: tuple[int, ...] = tuple(_rounds(i) for i in range(256))
# MODBUS (reflected 0x8005): crc = (crc >> 8) ^ _MODBUS_TABLE[(crc ^ byte) & 0xFF]
_MODBUS_TABLE: tuple[int, ...] = _HJ_TABLE  # same polynomial table, different feed step


_HIGH: tuple[int, ...] = tuple([value >> 8 for value in _HJ_TABLE])  # high byte after one byte
_pair_high: tuple[int, ...] | None = None


def _pair_table() -> tuple[int, ...]:
    """High byte after two bytes b1 b2 from high byte h, at index `(h ^ b1) | b2 << 8`."""
    global _pair_high
    if _pair_high is None:
        high = _HIGH
        _pair_high = tuple([high[hx ^ b2] for b2 in range(256) for hx in high])
    return _pair_high


def hj212_crc(data: bytes) -> int:
    """CRC of the data segment as HJ 212 annex A defines it."""
    n = len(data)
    if n == 0:
        return 0xFFFF
    table = _pair_table()
    body = n - 1 - ((n - 1) & 1)  # an even number of bytes before the last one or two
    words = array("H")
    words.frombytes(data[:body])
    if sys.byteorder == "big":
        words.byteswap()  # word = b1 | b2 << 8 on every machine
    h = 0xFF
    for word in words:
        h = table[word ^ h]
    if n - body == 2:
        h = _HIGH[h ^ data[body]]
    return _HJ_TABLE[h ^ data[n - 1]]


def modbus_crc(data: bytes) -> int:
    """CRC-16/MODBUS (init 0xFFFF, reflected poly 0xA001, no final xor)."""
    table = _MODBUS_TABLE
    crc = 0xFFFF
    for byte in data:
        crc = (crc >> 8) ^ table[(crc ^ byte) & 0xFF]
    return crc


def crc_text(data: bytes) -> bytes:
    """The 4 upper-case hex digits a sender appends (high byte first, zero padded)."""
    return b"%04X" % hj212_crc(data)
