# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""Compiled fast path of the HJ 212 codec (built at install time with the system C compiler).

Same verdicts as the pure codec, by construction: `parse()` handles only the common, clean case
(CRC right, ASCII without NUL, every field well formed, no duplicate keys, no empty ST/MN) and
returns None for anything else, so the pure parser (the reference) decides every unusual packet
itself, with its own reasons, details and warnings. `rows()` is the pure `Packet.measurements()`
logic typed for C. tests/hj212/test_differential.py compares this module with the pure codec.
"""

from ecer.hj212.crc import CrcKind, CrcMode
from ecer.hj212.errors import Hj212Error
from ecer.hj212.framer import Frame
from ecer.hj212.packet import (FLAG_SPLIT, VERSION_BITS, Edition, Measurement, Packet, _key_kind, _key_kinds,
                               parse_time)

cdef unsigned short HJ_TABLE[256]
cdef unsigned short MODBUS_TABLE[256]


cdef void _init_tables():
    cdef unsigned int i, value, bit
    for i in range(256):
        value = i
        for bit in range(8):
            if value & 1:
                value = (value >> 1) ^ 0xA001
            else:
                value >>= 1
        HJ_TABLE[i] = <unsigned short>value
        MODBUS_TABLE[i] = <unsigned short>value


_init_tables()


cdef unsigned int _hj212_crc(const unsigned char* data, Py_ssize_t n) noexcept nogil:
    cdef unsigned int crc = 0xFFFF
    cdef Py_ssize_t i
    for i in range(n):
        crc = HJ_TABLE[((crc >> 8) ^ data[i]) & 0xFF]
    return crc


cdef unsigned int _modbus_crc(const unsigned char* data, Py_ssize_t n) noexcept nogil:
    cdef unsigned int crc = 0xFFFF
    cdef Py_ssize_t i
    for i in range(n):
        crc = (crc >> 8) ^ MODBUS_TABLE[(crc ^ data[i]) & 0xFF]
    return crc


def hj212_crc(bytes data):
    return _hj212_crc(<const unsigned char*>data, len(data))


def modbus_crc(bytes data):
    return _modbus_crc(<const unsigned char*>data, len(data))


cdef int _hex(unsigned char c) noexcept:
    if 48 <= c <= 57:
        return c - 48
    if 65 <= c <= 70:
        return c - 55
    if 97 <= c <= 102:
        return c - 87
    return -1


cdef object _crc_kind(bytes data, bytes crc_text, bint accept_modbus):
    """CrcKind if the CRC text is 4 hex digits matching the data; None otherwise (pure path decides)."""
    cdef const unsigned char* t = crc_text
    cdef int a, b, c, d
    if len(crc_text) != 4:
        return None
    a, b, c, d = _hex(t[0]), _hex(t[1]), _hex(t[2]), _hex(t[3])
    if a < 0 or b < 0 or c < 0 or d < 0:
        return None
    cdef unsigned int sent = (a << 12) | (b << 8) | (c << 4) | d
    cdef const unsigned char* p = data
    cdef Py_ssize_t n = len(data)
    if sent == _hj212_crc(p, n):
        return CrcKind.STANDARD
    if accept_modbus and sent == _modbus_crc(p, n):
        return CrcKind.MODBUS
    return None


cdef bint _clean_ascii(bytes data) noexcept:
    cdef const unsigned char* p = data
    cdef Py_ssize_t i, n = len(data)
    for i in range(n):
        if p[i] == 0 or p[i] > 0x7F:
            return False
    return True


cdef dict _header(str text):
    cdef dict fields = {}
    cdef str part, key
    for part in text.split(";"):
        if not part:
            continue
        key, sep, value = part.partition("=")
        if not sep or not key or key in fields:
            return None
        fields[key] = value
    return fields


cdef tuple _cp(str text):
    cdef list groups = []
    cdef set keys = set()
    cdef Py_ssize_t pairs = 0
    cdef str group_text, part, key, value
    cdef list group
    cdef bint timed
    for group_text in text.split(";"):
        group = []
        timed = "Time=" in group_text
        for part in group_text.split(","):
            if not part:
                continue
            key, sep, value = part.partition("=")
            if not sep or not key:
                return None
            if timed and (key == "DataTime" or key.endswith("-SampleTime")):
                parse_time(value)  # raises Hj212Error: the caller falls back
            group.append((key, value))
            keys.add(key)
            pairs += 1
        if group:
            groups.append(tuple(group))
    if len(keys) != pairs:  # duplicate keys: the pure path drops them with warnings
        return None
    return tuple(groups)


cdef object _flag_edition(dict fields):
    text = fields.get("Flag")
    if text is None:
        return (None, Edition.HJT212_2005)
    if not text or len(text) > 3 or not text.isdigit():
        return None
    cdef int flag = int(text)
    if flag > 255:
        return None
    edition = VERSION_BITS.get((flag >> 2) & 0x3F)
    if edition is None:
        return None
    return (flag, edition)


cdef object _split(dict fields, object flag):
    pnum_text, pno_text = fields.get("PNUM"), fields.get("PNO")
    flagged = flag is not None and (flag & FLAG_SPLIT)
    if pnum_text is None and pno_text is None and not flagged:
        return (None, None)
    if pnum_text is None or pno_text is None or not pnum_text.isdigit() or not pno_text.isdigit() \
            or not pnum_text.isascii() or not pno_text.isascii():
        return None
    pnum, pno = int(pnum_text), int(pno_text)
    if not 1 <= pno <= pnum:
        return None
    return (pnum, pno)


def parse(frame, crc_mode):
    """A Packet for a clean frame, or None: then the pure parser gives the verdict."""
    if type(frame) is not Frame:
        return None
    cdef bytes data = frame.data
    kind = _crc_kind(data, frame.crc_text, crc_mode == CrcMode.ACCEPT_MODBUS)
    if kind is None or not _clean_ascii(data):
        return None
    cdef str text = data.decode("ascii")
    cdef Py_ssize_t start = text.find("CP=&&")
    if start < 0 or (start > 0 and text[start - 1] != ";"):
        return None
    cdef str rest = text[start + 5:]
    cdef Py_ssize_t end = rest.rfind("&&")
    if end < 0:
        return None
    fields = _header(text[:start] + ";" + rest[end + 2:])
    if fields is None:
        return None
    try:
        cp = _cp(rest[:end])
    except Hj212Error:
        return None
    if cp is None:
        return None
    st, cn, mn = fields.get("ST"), fields.get("CN"), fields.get("MN")
    if not st or not cn or not mn:
        return None
    flag_edition = _flag_edition(fields)
    if flag_edition is None:
        return None
    flag, edition = flag_edition
    split = _split(fields, flag)
    if split is None:
        return None
    return Packet(st=st, cn=cn, mn=mn, pw=fields.get("PW"), qn=fields.get("QN"), flag=flag, pnum=split[0],
                  pno=split[1], edition=edition, cp=cp, header=tuple(fields.items()), crc_kind=kind, data=text,
                  warnings=())


# -- measurement rows: the pure Packet.measurements() logic, typed --------------------------------
# kinds as in ecer.hj212.packet (_SKIP, _VALUE, _FLAG, _SAMPLE, _DATA_TIME = 0..4)
cdef enum:
    K_VALUE = 1
    K_FLAG = 2
    K_SAMPLE = 3
    K_DATA_TIME = 4

_new = tuple.__new__


cdef void _record_rows(object data_time, list values, dict flags, dict samples, list rows) except *:
    cdef str factor, suffix, value
    cdef double parsed
    for factor, suffix, value in values:
        try:
            parsed = float(value)
        except ValueError:
            number = None
        else:
            number = None if parsed - parsed != 0.0 or "_" in value else parsed
        sample = samples.get(factor) if samples else None
        rows.append(_new(Measurement, (data_time, factor, suffix, number, flags.get(factor), value,
                                       parse_time(sample) if sample else None)))


def rows(tuple cp):
    """Packet.measurements(): records first (DataTime errors come first, as in the pure code), then rows."""
    cdef list records = []
    cdef list values = []
    cdef dict flags = {}
    cdef dict samples = {}
    cdef dict kinds = _key_kinds
    cdef int kind
    data_time = None
    for group in cp:
        for key, value in group:
            entry = kinds.get(key)
            if entry is None:
                entry = _key_kind(key)
            kind = entry[0]
            if kind == K_VALUE:
                values.append((entry[1], entry[2], value))
            elif kind == K_FLAG:
                flags.setdefault(entry[1], value)
            elif kind == K_SAMPLE:
                samples.setdefault(entry[1], value)
            elif kind == K_DATA_TIME:
                if values:
                    records.append((data_time, values, flags, samples))
                values, flags, samples = [], {}, {}
                data_time = parse_time(value)
    if values:
        records.append((data_time, values, flags, samples))
    cdef list out = []
    for data_time, values, flags, samples in records:
        _record_rows(data_time, values, flags, samples, out)
    return out
