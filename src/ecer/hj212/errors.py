"""Stable rejection reasons and the one exception type the codec raises.

Reason values are snake_case strings that end up in audit logs, JSON output and database rows, so
they never change once published; add new members, never rename.
"""

from __future__ import annotations

from enum import StrEnum


class Reason(StrEnum):
    """Why a frame or packet was rejected."""

    JUNK = "junk"  # bytes outside any frame (probe strings, binary noise)
    BAD_HEADER = "bad_header"  # `##` not followed by four decimal digits
    LENGTH_MISMATCH = "length_mismatch"  # declared LLLL does not match the bytes present
    FRAME_TOO_LARGE = "frame_too_large"  # declared length above the configured maximum
    BAD_CRC_TEXT = "bad_crc_text"  # CRC field is not four hex digits
    CRC_MISMATCH = "crc_mismatch"  # CRC does not match the data segment
    NON_ASCII = "non_ascii"  # data segment has bytes outside 7-bit ASCII (NUL excepted)
    BAD_SYNTAX = "bad_syntax"  # a header field without `=`
    MISSING_FIELD = "missing_field"  # ST, CN, MN or CP absent or empty where required
    BAD_FLAG = "bad_flag"  # Flag not an integer 0..255 or unknown version bits
    BAD_SPLIT = "bad_split"  # PNUM/PNO missing, not integers or PNO outside 1..PNUM
    BAD_CP = "bad_cp"  # CP not delimited by `&&`, or a CP field without `=`
    BAD_DATATIME = "bad_datatime"  # DataTime/SampleTime not a valid 14- or 17-digit time


class Hj212Error(ValueError):
    """A frame or packet could not be accepted. `reason` is stable; `detail` is for humans."""

    def __init__(self, reason: Reason, detail: str) -> None:
        super().__init__(f"{reason.value}: {detail}")
        self.reason = reason
        self.detail = detail
