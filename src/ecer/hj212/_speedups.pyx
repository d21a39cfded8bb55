# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Compiled fast path of the HJ 212 codec (built at install time with the system C compiler).

Three pieces, each the pure code's logic over the raw bytes instead of Python strings:

- `Framer`: ecer.hj212.framer.Framer, event for event (same Frame/Rejected classes, offsets,
  reasons and details); the rare rejection paths format their details exactly as the pure code.
- `parse()`: one C pass over the data segment (CRC and ASCII/NUL check together, then the header
  and CP scanned with pointers, no str.split). It decides only the common, clean case (CRC right,
  ASCII without NUL, every field well formed, no duplicate keys, no empty ST/MN, valid times) and
  returns None for anything else, so the pure parser (the reference) gives every other verdict with
  its own reasons, details and warnings: error messages are the pure codec's by construction.
- `rows()`: Packet.measurements() typed for C; plain decimal numbers are read with CPython's own
  correctly rounded `PyOS_string_to_double` (what float() runs), anything else goes through float().

Objects are built the cheap way CPython itself uses (slot descriptors for the frozen dataclasses,
tp_alloc for the Measurement named tuple): the objects are the same types with the same values.
tests/hj212/test_differential.py compares this module with the pure codec.
"""

from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_FromStringAndSize, PyBytes_GET_SIZE
from cpython.bytearray cimport PyByteArray_AS_STRING, PyByteArray_GET_SIZE
from cpython.ref cimport Py_INCREF
from cpython.tuple cimport PyTuple_New, PyTuple_SET_ITEM, PyTuple_GET_SIZE, PyTuple_GET_ITEM
from cpython.list cimport PyList_AsTuple, PyList_GET_ITEM
from cpython.dict cimport PyDict_GetItem
from cpython.object cimport PyObject
from libc.string cimport memchr, memcmp

from ecer.hj212.crc import CrcKind, CrcMode
from ecer.hj212.errors import Hj212Error, Reason
from ecer.hj212.framer import DEFAULT_JUNK_CHUNK_BYTES, DEFAULT_MAX_FRAME_BYTES, FRAME_OVERHEAD_BYTES, Frame, Rejected
from ecer.hj212.packet import (FLAG_SPLIT, VERSION_BITS, Edition, Measurement, Packet, _key_kind, _key_kinds,
                               parse_time)

API = 2  # ecer.hj212.compiled.API: the interface this build provides (accel ignores other builds)

cdef extern from *:
    """
    /* A str from ASCII bytes already checked: no second validation pass. */
    static PyObject* ecer_ascii(const char* p, Py_ssize_t n) {
        PyObject* s;
        if (n == 1) return PyUnicode_FromOrdinal((unsigned char)p[0]);  /* the cached 1-char str */
        s = PyUnicode_New(n, 127);
        if (s != NULL && n > 0) memcpy(PyUnicode_1BYTE_DATA(s), p, (size_t)n);
        return s;
    }
    /* Store into a __slots__ member, bypassing a frozen dataclass's __setattr__ (as its __init__ does). */
    static int ecer_set_slot(PyObject* descr, PyObject* obj, PyObject* value) {
        descrsetfunc set = Py_TYPE(descr)->tp_descr_set;
        if (set == NULL) { PyErr_SetString(PyExc_TypeError, "not a slot descriptor"); return -1; }
        return set(descr, obj, value);
    }
    static PyObject* ecer_alloc(PyObject* type) {
        return ((PyTypeObject*)type)->tp_alloc((PyTypeObject*)type, 0);
    }
    /* A Measurement (tuple subclass): what tuple.__new__(Measurement, items) does, without the items tuple. */
    static PyObject* ecer_row(PyObject* type, PyObject* a, PyObject* b, PyObject* c, PyObject* d, PyObject* e,
                              PyObject* f, PyObject* g) {
        PyObject* t = ((PyTypeObject*)type)->tp_alloc((PyTypeObject*)type, 7);
        if (t == NULL) return NULL;
        Py_INCREF(a); PyTuple_SET_ITEM(t, 0, a);
        Py_INCREF(b); PyTuple_SET_ITEM(t, 1, b);
        Py_INCREF(c); PyTuple_SET_ITEM(t, 2, c);
        Py_INCREF(d); PyTuple_SET_ITEM(t, 3, d);
        Py_INCREF(e); PyTuple_SET_ITEM(t, 4, e);
        Py_INCREF(f); PyTuple_SET_ITEM(t, 5, f);
        Py_INCREF(g); PyTuple_SET_ITEM(t, 6, g);
        return t;
    }
    /* CP and header keys: one shared str per distinct key, found from the bytes without building a str.
       `stamp` marks the keys seen in the current packet's CP, so a repeated key costs no set. Bounded:
       cleared at ECER_KEY_MAX entries (`ecer_cleared` tells the parser its marks are gone), and a
       lookup gives up after ECER_KEY_PROBES slots (hostile collisions): the pure parser then decides. */
    #include <stdint.h>
    #define ECER_KEY_SLOTS 8192
    #define ECER_KEY_MAX 4096
    #define ECER_KEY_PROBES 32
    typedef struct { uint64_t hash; PyObject* key; Py_ssize_t len; uint64_t stamp; } ecer_key_slot;
    static ecer_key_slot ecer_keys[ECER_KEY_SLOTS];
    static Py_ssize_t ecer_key_count = 0;
    static uint64_t ecer_key_salt = 0;
    static uint64_t ecer_stamp = 1;
    static int ecer_cleared = 0;
    static PyObject* ecer_ascii(const char* p, Py_ssize_t n);
    static void ecer_keys_clear(void) {
        Py_ssize_t i;
        for (i = 0; i < ECER_KEY_SLOTS; i++) { Py_CLEAR(ecer_keys[i].key); ecer_keys[i].stamp = 0; }
        ecer_key_count = 0;
        ecer_cleared = 1;
    }
    /* Borrowed reference to the key's str; NULL without an exception when the lookup gave up.
       mark: record the key in the current packet and set *dup if it was already there. */
    static PyObject* ecer_key(const char* p, Py_ssize_t n, int mark, int* dup) {
        uint64_t h = ecer_key_salt ^ ((uint64_t)n * 0x9E3779B97F4A7C15ULL), w;
        Py_ssize_t i, probe;
        size_t idx;
        ecer_key_slot* slot;
        PyObject* s;
        const char* q = p;
        /* a word at a time (keys are short): a multiply and a shift per 8 bytes */
        for (i = n; i >= 8; i -= 8, q += 8) {
            memcpy(&w, q, 8);
            h = (h ^ w) * 0xFF51AFD7ED558CCDULL;
            h ^= h >> 32;
        }
        if (i > 0) {
            w = 0;
            memcpy(&w, q, (size_t)i);
            h = (h ^ w) * 0xC4CEB9FE1A85EC53ULL;
            h ^= h >> 29;
        }
        idx = (size_t)(h ^ (h >> 31)) & (ECER_KEY_SLOTS - 1);
        for (probe = 0; probe < ECER_KEY_PROBES; probe++, idx = (idx + 1) & (ECER_KEY_SLOTS - 1)) {
            slot = &ecer_keys[idx];
            if (slot->key == NULL) {
                if (ecer_key_count >= ECER_KEY_MAX) { ecer_keys_clear(); return ecer_key(p, n, mark, dup); }
                s = ecer_ascii(p, n);
                if (s == NULL) return NULL;
                slot->hash = h; slot->key = s; slot->len = n; slot->stamp = mark ? ecer_stamp : 0;
                ecer_key_count++;
                *dup = 0;
                return s;
            }
            if (slot->hash == h && slot->len == n && memcmp(PyUnicode_1BYTE_DATA(slot->key), p, (size_t)n) == 0) {
                *dup = mark && slot->stamp == ecer_stamp;
                if (mark) slot->stamp = ecer_stamp;
                return slot->key;
            }
        }
        *dup = 0;
        return NULL;
    }
    static void ecer_new_packet(void) { ecer_stamp++; ecer_cleared = 0; }

    /* The HJ 212 CRC, 8 bytes per step. The register's high byte h is the whole state between bytes:
       h' = H[h ^ b] with H[x] = T[x] >> 8, and T (8 shift/xor rounds) is linear over GF(2), so
       h after b0..b7 = H^8[h ^ b0] ^ H^7[b1] ^ ... ^ H[b7]: only one of the 8 lookups (2 KiB of
       tables, in L1) waits for the previous step. The last byte goes through T for all 16 bits.
       *bad is set when a byte is NUL or above 0x7F (the same pass, a word at a time). */
    static unsigned short ecer_t[256];
    static unsigned char ecer_g[8][256];  /* ecer_g[j][x] = H^(j+1)(x) */
    static void ecer_crc_init(void) {
        unsigned int i, j, v, bit;
        for (i = 0; i < 256; i++) {
            v = i;
            for (bit = 0; bit < 8; bit++) v = (v & 1) ? (v >> 1) ^ 0xA001 : v >> 1;
            ecer_t[i] = (unsigned short)v;
            ecer_g[0][i] = (unsigned char)(v >> 8);
        }
        for (j = 1; j < 8; j++)
            for (i = 0; i < 256; i++) ecer_g[j][i] = ecer_g[0][ecer_g[j - 1][i]];
    }
    static unsigned int ecer_hj212_crc(const unsigned char* p, Py_ssize_t n, int* bad) {
        unsigned int h = 0xFF, c;
        uint64_t w, acc = 0;
        int odd = 0;
        Py_ssize_t i = 0;
        if (n == 0) { *bad = 0; return 0xFFFF; }
        for (; n - 1 - i >= 8; i += 8) {
            memcpy(&w, p + i, 8);
            acc |= (w & 0x8080808080808080ULL) | ((w - 0x0101010101010101ULL) & ~w & 0x8080808080808080ULL);
            h = ecer_g[7][h ^ p[i]] ^ ecer_g[6][p[i + 1]] ^ ecer_g[5][p[i + 2]] ^ ecer_g[4][p[i + 3]]
                ^ ecer_g[3][p[i + 4]] ^ ecer_g[2][p[i + 5]] ^ ecer_g[1][p[i + 6]] ^ ecer_g[0][p[i + 7]];
        }
        for (; i < n - 1; i++) {
            c = p[i];
            odd |= (unsigned char)(c - 1) >= 127;
            h = ecer_g[0][h ^ c];
        }
        c = p[n - 1];
        odd |= (unsigned char)(c - 1) >= 127;
        *bad = odd || acc != 0;
        return ecer_t[h ^ c];
    }
    static PyObject* ecer_pair(PyObject* a, PyObject* b) {
        PyObject* t = PyTuple_New(2);
        if (t == NULL) return NULL;
        Py_INCREF(a); PyTuple_SET_ITEM(t, 0, a);
        Py_INCREF(b); PyTuple_SET_ITEM(t, 1, b);
        return t;
    }
    """
    object ecer_ascii(const char* p, Py_ssize_t n)
    int ecer_set_slot(object descr, object obj, object value) except -1
    object ecer_alloc(object type)
    object ecer_row(object type, object a, object b, object c, object d, object e, object f, object g)
    object ecer_pair(object a, object b)
    PyObject* ecer_key(const char* p, Py_ssize_t n, int mark, int* dup)
    void ecer_new_packet()
    void ecer_crc_init()
    unsigned int ecer_hj212_crc(const unsigned char* p, Py_ssize_t n, int* bad)
    int ecer_cleared
    unsigned long long ecer_key_salt
    double PyOS_string_to_double(const char* s, char** endptr, PyObject* overflow_exception) except? -1.0
    bint PyUnicode_IS_ASCII(object o)
    const char* PyUnicode_AsUTF8AndSize(object o, Py_ssize_t* size) except NULL
    bint Py_IS_FINITE(double x)

# -- CRC ----------------------------------------------------------------------------------------
cdef unsigned short TABLE[256]


cdef void _init_table() noexcept:
    cdef unsigned int i, value, bit
    for i in range(256):
        value = i
        for bit in range(8):
            if value & 1:
                value = (value >> 1) ^ 0xA001
            else:
                value >>= 1
        TABLE[i] = <unsigned short>value


_init_table()
ecer_crc_init()


cdef inline unsigned int _modbus_crc(const unsigned char* data, Py_ssize_t n) noexcept nogil:
    cdef unsigned int crc = 0xFFFF
    cdef Py_ssize_t i
    for i in range(n):
        crc = (crc >> 8) ^ TABLE[(crc ^ data[i]) & 0xFF]
    return crc


def hj212_crc(bytes data):
    """The CRC parse() checks (8 bytes per step); the differential test compares it with the pure one."""
    cdef int bad
    return ecer_hj212_crc(<const unsigned char*>PyBytes_AS_STRING(data), PyBytes_GET_SIZE(data), &bad)


def clean_ascii(bytes data):
    """True when no byte is NUL or above 0x7F, as parse() decides it (exposed for the differential test)."""
    cdef int bad
    ecer_hj212_crc(<const unsigned char*>PyBytes_AS_STRING(data), PyBytes_GET_SIZE(data), &bad)
    return not bad


def modbus_crc(bytes data):
    return _modbus_crc(<const unsigned char*>PyBytes_AS_STRING(data), PyBytes_GET_SIZE(data))


cdef inline int _hex(unsigned char c) noexcept nogil:
    if 48 <= c <= 57:
        return c - 48
    if 65 <= c <= 70:
        return c - 55
    if 97 <= c <= 102:
        return c - 87
    return -1


cdef inline bint _is_hex4(const unsigned char* t) noexcept nogil:
    return _hex(t[0]) >= 0 and _hex(t[1]) >= 0 and _hex(t[2]) >= 0 and _hex(t[3]) >= 0


# -- objects ------------------------------------------------------------------------------------
cdef dict _FRAME_SLOTS = {name: Frame.__dict__[name] for name in ("raw", "data", "crc_text", "offset")}
cdef object _F_RAW = _FRAME_SLOTS["raw"], _F_DATA = _FRAME_SLOTS["data"]
cdef object _F_CRC = _FRAME_SLOTS["crc_text"], _F_OFFSET = _FRAME_SLOTS["offset"]
_PACKET_FIELDS = ("st", "cn", "mn", "pw", "qn", "flag", "pnum", "pno", "edition", "cp", "header", "crc_kind",
                  "data", "warnings")
cdef tuple _P = tuple(Packet.__dict__[name] for name in _PACKET_FIELDS)
if set(_PACKET_FIELDS) != set(Packet.__dataclass_fields__):  # a new Packet field must be set here too
    raise ImportError("ecer.hj212._speedups is out of date with Packet's fields")
cdef object _STANDARD = CrcKind.STANDARD, _MODBUS = CrcKind.MODBUS, _ACCEPT_MODBUS = CrcMode.ACCEPT_MODBUS
cdef object _E2005 = Edition.HJT212_2005
cdef dict _VERSION_BITS = VERSION_BITS
cdef tuple _EMPTY = ()


cdef object _frame(bytes raw, Py_ssize_t length, object offset):
    cdef const char* r = PyBytes_AS_STRING(raw)
    f = ecer_alloc(Frame)
    ecer_set_slot(_F_RAW, f, raw)
    ecer_set_slot(_F_DATA, f, PyBytes_FromStringAndSize(r + 6, length))
    ecer_set_slot(_F_CRC, f, PyBytes_FromStringAndSize(r + 6 + length, 4))
    ecer_set_slot(_F_OFFSET, f, offset)
    return f


# -- framer -------------------------------------------------------------------------------------
cdef inline Py_ssize_t _find2(const char* p, Py_ssize_t start, Py_ssize_t end, char a, char b) noexcept:
    """First i in [start, end - 1) with p[i] == a and p[i + 1] == b (bytes.find of a 2-byte needle)."""
    cdef const char* hit
    while start < end - 1:
        hit = <const char*>memchr(p + start, a, <size_t>(end - 1 - start))
        if hit == NULL:
            return -1
        start = hit - p
        if p[start + 1] == b:
            return start
        start += 1
    return -1


cdef class Framer:
    """ecer.hj212.framer.Framer compiled: the same events for the same bytes, however they are chunked."""

    cdef public object max_frame_bytes
    cdef public object junk_chunk_bytes
    cdef bytearray _buf
    cdef object _base

    def __init__(self, max_frame_bytes=DEFAULT_MAX_FRAME_BYTES, junk_chunk_bytes=DEFAULT_JUNK_CHUNK_BYTES,
                 start_offset=0):
        if max_frame_bytes < FRAME_OVERHEAD_BYTES + 1:
            raise ValueError("max_frame_bytes too small")
        self.max_frame_bytes = max_frame_bytes
        self.junk_chunk_bytes = max(1, junk_chunk_bytes)
        self._buf = bytearray()
        self._base = start_offset

    @property
    def buffered(self):
        """Bytes held for an unfinished frame (bounded by max_frame_bytes)."""
        return len(self._buf)

    def feed(self, data):
        self._buf += data
        return self._drain(False)

    def flush(self):
        """Decide on everything buffered (end of stream, or the connection went idle)."""
        return self._drain(True)

    cdef list _drain(self, bint final):
        cdef bytearray buf = self._buf
        cdef list events = []
        cdef Py_ssize_t pos = 0, start, stop
        cdef Py_ssize_t end = PyByteArray_GET_SIZE(buf)
        cdef const char* p = PyByteArray_AS_STRING(buf)
        cdef Py_ssize_t max_frame = self.max_frame_bytes
        cdef bint progressed
        while pos < end:
            start = _find2(p, pos, end, b'#', b'#')
            if start < 0:
                # keep a trailing '#' that may start the next marker
                stop = end if final or p[end - 1] != b'#' else end - 1
                self._junk(events, pos, stop)
                pos = stop
                break
            if start > pos:
                self._junk(events, pos, start)
            pos = self._frame_at(events, p, end, start, final, max_frame, &progressed)
            if not progressed:
                break
        del buf[:pos]
        self._base += pos
        return events

    cdef void _junk(self, list events, Py_ssize_t begin, Py_ssize_t stop) except *:
        # Skip line endings between frames: they are normal, not junk.
        cdef Py_ssize_t chunk = self.junk_chunk_bytes
        cdef Py_ssize_t i = begin, j
        cdef bytes piece
        while i < stop:
            j = min(stop, i + chunk)
            piece = bytes(self._buf[i:j])
            if piece.strip(b"\r\n"):
                events.append(Rejected(piece, Reason.JUNK, f"{len(piece)} byte(s) outside any frame",
                                       self._base + i))
            i = j

    cdef Py_ssize_t _reject(self, list events, Py_ssize_t start, object reason, str detail, bint final) except -1:
        cdef bytearray buf = self._buf
        cdef const char* p = PyByteArray_AS_STRING(buf)
        cdef Py_ssize_t end = PyByteArray_GET_SIZE(buf)
        cdef Py_ssize_t nxt = _find2(p, start + 1, end, b'#', b'#')
        if nxt < 0:
            nxt = end
            if not final and end - start < self.max_frame_bytes:
                # the next marker may still arrive; but never hold more than one frame's worth
                if p[nxt - 1] == b'#':
                    nxt -= 1
        raw = bytes(buf[start:nxt]).rstrip(b"\r\n")
        events.append(Rejected(raw, reason, detail, self._base + start))
        return nxt

    cdef Py_ssize_t _mismatch(self, list events, Py_ssize_t start, Py_ssize_t length, bint final) except -1:
        return self._reject(events, start, Reason.LENGTH_MISMATCH,
                            f"declared data length {length} does not match the frame", final)

    cdef Py_ssize_t _frame_at(self, list events, const char* p, Py_ssize_t end, Py_ssize_t start, bint final,
                              Py_ssize_t max_frame, bint* progressed) except -1:
        """Try to take a frame starting at `start` (which holds `##`). Returns the new position."""
        cdef Py_ssize_t avail = end - start, length, total, data_start, crc_start, after, k
        cdef unsigned char c
        cdef bint closed
        progressed[0] = True
        if avail < 6:
            if final:
                return self._reject(events, start, Reason.BAD_HEADER, "truncated header", final)
            progressed[0] = False
            return start
        length = 0
        for k in range(start + 2, start + 6):
            c = <unsigned char>p[k]
            if c < 48 or c > 57:  # ASCII digits only (bytes.isdigit)
                return self._reject(events, start, Reason.BAD_HEADER,
                                    f"length field {bytes(self._buf[start + 2:start + 6])!r} is not 4 digits",
                                    final)
            length = length * 10 + (c - 48)
        total = 6 + length + 4
        if total + 2 > max_frame:
            return self._reject(events, start, Reason.FRAME_TOO_LARGE,
                                f"declared length {length} exceeds the maximum frame of {self.max_frame_bytes} bytes",
                                final)
        data_start = start + 6
        crc_start = data_start + length
        # A CR LF inside the declared data segment means the declared length is wrong.
        if _find2(p, data_start, min(crc_start, end), b'\r', b'\n') >= 0:
            return self._mismatch(events, start, length, final)
        if avail < total:
            if final:
                return self._mismatch(events, start, length, final)
            progressed[0] = False
            return start
        # Does the declared length land on a CRC? (the pure _fits)
        if not _is_hex4(<const unsigned char*>p + crc_start):
            return self._mismatch(events, start, length, final)
        after = crc_start + 4
        closed = length >= 2 and p[crc_start - 2] == b'&' and p[crc_start - 1] == b'&'
        if after < end:
            c = <unsigned char>p[after]
            if not (c == 0x0D or c == 0x0A or c == 0x23 or closed):
                return self._mismatch(events, start, length, final)
        elif not (final or closed):
            progressed[0] = False  # wait for the line ending to confirm the length
            return start
        events.append(_frame(PyBytes_FromStringAndSize(p + start, total), length, self._base + start))
        # swallow the line ending (CR LF, lone LF or lone CR)
        if after + 1 < end and p[after] == b'\r' and p[after + 1] == b'\n':
            after += 2
        elif after < end and (p[after] == b'\r' or p[after] == b'\n'):
            after += 1
        return after


# -- parse --------------------------------------------------------------------------------------
import os as _os

ecer_key_salt = int.from_bytes(_os.urandom(8), "little")  # key-table hash salt: collisions are not predictable
_TIME_CACHE_SIZE = 4096  # distinct DataTime/SampleTime texts kept; cleared when full
cdef dict _times = {}


cdef object _time(object text):
    """parse_time(text) (raises the same Hj212Error), from a C-level dict when seen before."""
    cdef PyObject* hit = PyDict_GetItem(_times, text)
    if hit != NULL:
        return <object>hit
    moment = parse_time(text)
    if len(_times) >= _TIME_CACHE_SIZE:
        _times.clear()
    _times[text] = moment
    return moment


cdef inline Py_ssize_t _find_char(const char* p, Py_ssize_t start, Py_ssize_t end, char c) noexcept:
    cdef const char* hit
    if start >= end:
        return -1
    hit = <const char*>memchr(p + start, c, <size_t>(end - start))
    return -1 if hit == NULL else hit - p


cdef inline bint _is_time_key(const char* k, Py_ssize_t n) noexcept:
    """key == "DataTime" or key.endswith("-SampleTime")."""
    if n == 8 and memcmp(k, b"DataTime", 8) == 0:
        return True
    return n >= 11 and memcmp(k + n - 11, b"-SampleTime", 11) == 0


cdef bint _header_part(const char* p, Py_ssize_t a, Py_ssize_t b, dict fields, list header) except -1:
    """One `key=value` header field; False when the pure parser has to decide (no '=', empty or repeated key)."""
    cdef Py_ssize_t eq = _find_char(p, a, b, b'=')
    cdef int dup
    if eq <= a:
        return False
    cdef PyObject* found = ecer_key(p + a, eq - a, 0, &dup)
    if found == NULL:
        return False
    key = <object>found
    if key in fields:
        return False
    value = ecer_ascii(p + eq + 1, b - eq - 1)
    fields[key] = value
    header.append(ecer_pair(key, value))
    return True


cdef bint _header(const char* p, Py_ssize_t a, Py_ssize_t b, dict fields, list header) except -1:
    cdef Py_ssize_t semi
    while a < b:
        semi = _find_char(p, a, b, b';')
        if semi < 0:
            semi = b
        if semi > a and not _header_part(p, a, semi, fields, header):
            return False
        a = semi + 1
    return True


cdef object _cp(const char* p, Py_ssize_t a, Py_ssize_t b):
    """CP groups as the pure _cp_groups builds them, or None for anything it would warn or fail on."""
    cdef list groups = []
    cdef list group = []  # one list for every group, emptied after each
    cdef Py_ssize_t g_end, f_end, eq, f
    cdef int dup
    cdef PyObject* found
    ecer_new_packet()
    while True:
        g_end = _find_char(p, a, b, b';')
        if g_end < 0:
            g_end = b
        f = a
        while f < g_end:
            f_end = _find_char(p, f, g_end, b',')
            if f_end < 0:
                f_end = g_end
            if f_end > f:
                eq = _find_char(p, f, f_end, b'=')
                if eq <= f:  # no '=' or an empty key: the pure parser reports it
                    return None
                found = ecer_key(p + f, eq - f, 1, &dup)
                if found == NULL or dup:  # duplicate keys: the pure path drops them with warnings
                    return None
                key = <object>found
                value = ecer_ascii(p + eq + 1, f_end - eq - 1)
                if _is_time_key(p + f, eq - f):
                    try:
                        _time(value)
                    except Hj212Error:
                        return None
                group.append(ecer_pair(key, value))
            f = f_end + 1
        if group:
            groups.append(PyList_AsTuple(group))
            del group[:]
        if g_end >= b:
            break
        a = g_end + 1
    if ecer_cleared:  # the key table was cleared midway: repeats may have gone unseen
        return None
    return PyList_AsTuple(groups)


cdef inline int _small_int(str text) except -2:
    """The value of 1..4 ASCII digits, or -1 (then the pure parser decides)."""
    cdef Py_ssize_t n, i
    cdef int value = 0
    cdef const char* s = PyUnicode_AsUTF8AndSize(text, &n)  # header values are ASCII here
    if n < 1 or n > 4:
        return -1
    for i in range(n):
        if s[i] < 48 or s[i] > 57:
            return -1
        value = value * 10 + (s[i] - 48)
    return value


def parse(frame, crc_mode):
    """A Packet for a clean frame, or None: then the pure parser gives the verdict."""
    if type(frame) is not Frame:
        return None
    data = frame.data
    crc_text = frame.crc_text
    if type(data) is not bytes or type(crc_text) is not bytes or PyBytes_GET_SIZE(crc_text) != 4:
        return None
    cdef const unsigned char* t = <const unsigned char*>PyBytes_AS_STRING(crc_text)
    cdef int h0 = _hex(t[0]), h1 = _hex(t[1]), h2 = _hex(t[2]), h3 = _hex(t[3])
    if h0 < 0 or h1 < 0 or h2 < 0 or h3 < 0:
        return None
    cdef unsigned int sent = (h0 << 12) | (h1 << 8) | (h2 << 4) | h3
    cdef const unsigned char* u = <const unsigned char*>PyBytes_AS_STRING(data)
    cdef const char* p = PyBytes_AS_STRING(data)
    cdef Py_ssize_t n = PyBytes_GET_SIZE(data), i
    cdef int bad
    cdef unsigned int crc = ecer_hj212_crc(u, n, &bad)  # CRC and "ASCII without NUL" in one pass
    if bad:
        return None
    if sent == crc:
        kind = _STANDARD
    elif crc_mode == _ACCEPT_MODBUS and sent == _modbus_crc(u, n):
        kind = _MODBUS
    else:
        return None
    # CP=&& (the first one) opens CP at the start of a field; the last && closes it
    cdef Py_ssize_t start = -1, cp_end = -1, j
    j = 0
    while True:
        j = _find_char(p, j, n - 4, b'C')
        if j < 0:
            return None
        if memcmp(p + j, b"CP=&&", 5) == 0:
            start = j
            break
        j += 1
    if start > 0 and p[start - 1] != b';':
        return None
    j = n - 2
    while j >= start + 5:
        if p[j] == b'&' and p[j + 1] == b'&':
            cp_end = j
            break
        j -= 1
    if cp_end < 0:
        return None
    cdef dict fields = {}
    cdef list header = []
    if not _header(p, 0, start, fields, header) or not _header(p, cp_end + 2, n, fields, header):
        return None
    cp = _cp(p, start + 5, cp_end)
    if cp is None:
        return None
    st, cn, mn = fields.get("ST"), fields.get("CN"), fields.get("MN")
    if not st or not cn or not mn:
        return None
    cdef int flag_value, pnum, pno
    flag_text = fields.get("Flag")
    if flag_text is None:
        flag, edition = None, _E2005
    else:
        flag_value = _small_int(flag_text)
        if flag_value < 0 or flag_value > 255:
            return None
        edition = _VERSION_BITS.get((flag_value >> 2) & 0x3F)
        if edition is None:
            return None
        flag = flag_value
    pnum_text, pno_text = fields.get("PNUM"), fields.get("PNO")
    if pnum_text is None and pno_text is None and (flag is None or not (flag_value & FLAG_SPLIT)):
        pnum_obj = pno_obj = None
    else:
        if pnum_text is None or pno_text is None:
            return None
        pnum, pno = _small_int(pnum_text), _small_int(pno_text)
        if pnum < 0 or pno < 0 or not 1 <= pno <= pnum:
            return None
        pnum_obj, pno_obj = pnum, pno
    packet = ecer_alloc(Packet)
    values = (st, cn, mn, fields.get("PW"), fields.get("QN"), flag, pnum_obj, pno_obj, edition, cp,
              PyList_AsTuple(header), kind, ecer_ascii(p, n), _EMPTY)
    for i in range(14):
        ecer_set_slot(<object>PyTuple_GET_ITEM(_P, i), packet, <object>PyTuple_GET_ITEM(values, i))
    return packet


# -- measurement rows: the pure Packet.measurements() logic, typed --------------------------------
# kinds as in ecer.hj212.packet (_SKIP, _VALUE, _FLAG, _SAMPLE, _DATA_TIME = 0..4)
cdef enum:
    K_VALUE = 1
    K_FLAG = 2
    K_SAMPLE = 3
    K_DATA_TIME = 4


cdef double[23] _POW10 = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                          1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22]  # every power of ten a double holds exactly


cdef inline int _decimal(const char* s, Py_ssize_t n, double* out) noexcept:
    """Read [+-]digits[.digits] or [+-].digits with an optional [eE][+-]digits exponent.

    Returns 1 with the exact float() value when the digits fit 2**53 and the power of ten is at most
    22 (Clinger's fast path, which David Gay's strtod behind float() takes too: both operands are exact
    doubles, so one IEEE multiply or divide rounds correctly). Returns 0 for every other text of this
    shape (then float()'s own routine reads it) and -1 for text of another shape (then float() itself).
    """
    cdef Py_ssize_t i = 0, digits = 0, frac = 0, exp_digits = 0
    cdef unsigned long long mantissa = 0
    cdef int exponent = 0, exp_value = 0
    cdef bint negative = False, exp_negative = False, big = False
    cdef double value
    if i < n and (s[i] == b'+' or s[i] == b'-'):
        negative = s[i] == b'-'
        i += 1
    while i < n and 48 <= s[i] <= 57:
        if mantissa >= 100000000000000000ULL:
            big = True
        else:
            mantissa = mantissa * 10 + <unsigned long long>(s[i] - 48)
        i += 1
        digits += 1
    if i < n and s[i] == b'.':
        i += 1
        while i < n and 48 <= s[i] <= 57:
            if mantissa >= 100000000000000000ULL:
                big = True
            else:
                mantissa = mantissa * 10 + <unsigned long long>(s[i] - 48)
                frac += 1
            i += 1
            digits += 1
    if digits == 0:
        return -1
    if i < n and (s[i] == b'e' or s[i] == b'E'):
        i += 1
        if i < n and (s[i] == b'+' or s[i] == b'-'):
            exp_negative = s[i] == b'-'
            i += 1
        while i < n and 48 <= s[i] <= 57:
            if exp_value < 10000:
                exp_value = exp_value * 10 + (s[i] - 48)
            i += 1
            exp_digits += 1
        if exp_digits == 0:
            return -1
    if i != n:
        return -1
    if big or mantissa > 9007199254740992ULL:  # 2**53
        return 0
    exponent = (-exp_value if exp_negative else exp_value) - frac
    value = <double>mantissa
    if exponent == 0:
        pass
    elif 0 < exponent <= 22:
        value = value * _POW10[exponent]
    elif -22 <= exponent < 0:
        value = value / _POW10[-exponent]
    else:
        return 0
    out[0] = -value if negative else value
    return 1


cdef object _number(str value):
    """float(value) if it is a finite HJ 212 number, else None (the pure _record_rows rule)."""
    cdef Py_ssize_t n
    cdef const char* s
    cdef char* end
    cdef double parsed
    cdef int shape
    if PyUnicode_IS_ASCII(value):
        s = PyUnicode_AsUTF8AndSize(value, &n)  # the str's own buffer for ASCII: no copy
        shape = _decimal(s, n, &parsed)
        if shape == 1:
            return parsed
        if shape == 0:
            parsed = PyOS_string_to_double(s, &end, NULL)  # float()'s own routine; ±inf on overflow
            if end == s + n:
                return parsed if Py_IS_FINITE(parsed) else None
    try:
        parsed = float(value)
    except ValueError:
        return None
    # float() accepts 'nan', 'inf', '1_0': none is an HJ 212 number (x - x is 0 only if finite)
    return None if parsed - parsed != 0.0 or "_" in value else parsed


cdef class _Rows:
    """The rows of one record at a time, emitted when the next DataTime (or the end) closes it."""

    cdef list out
    cdef list entries  # (kind, factor, suffix) of each value field, in order
    cdef list raws  # its raw text
    cdef dict flags  # first -Flag text per factor
    cdef dict samples  # first -SampleTime text per factor
    cdef object data_time
    cdef object error  # the first SampleTime error, raised after every DataTime was checked

    def __cinit__(self):
        self.out, self.entries, self.raws, self.flags, self.samples = [], [], [], {}, {}
        self.data_time = self.error = None

    cdef int close(self) except -1:
        cdef Py_ssize_t i, n = len(self.raws)
        cdef tuple entry
        cdef dict flags = self.flags, samples = self.samples
        cdef list out = self.out
        if self.error is None:
            for i in range(n):
                entry = <tuple>PyList_GET_ITEM(self.entries, i)
                factor = <object>PyTuple_GET_ITEM(entry, 1)
                value = <object>PyList_GET_ITEM(self.raws, i)
                flag = flags.get(factor) if flags else None
                sample = samples.get(factor) if samples else None
                if sample:
                    try:
                        sample_time = _time(sample)
                    except Hj212Error as exc:
                        self.error = exc  # the pure code parses every DataTime before any SampleTime
                        break
                else:
                    sample_time = None
                out.append(ecer_row(Measurement, self.data_time, factor, <object>PyTuple_GET_ITEM(entry, 2),
                                    _number(value), flag, value, sample_time))
        del self.entries[:]
        del self.raws[:]
        if flags:
            flags.clear()
        if samples:
            samples.clear()
        return 0


def rows(tuple cp):
    """Packet.measurements(): the rows of each record in order. As in the pure code, a bad DataTime
    anywhere wins over a bad SampleTime, and a bad SampleTime gives no rows."""
    cdef _Rows r = _Rows()
    cdef dict kinds = _key_kinds
    cdef int kind
    cdef PyObject* hit
    cdef tuple entry
    for group in cp:
        for key, value in group:
            hit = PyDict_GetItem(kinds, key)
            entry = <tuple>hit if hit != NULL else _key_kind(key)
            kind = <int>(<object>PyTuple_GET_ITEM(entry, 0))
            if kind == K_VALUE:
                r.entries.append(entry)
                r.raws.append(value)
            elif kind == K_FLAG:
                factor = <object>PyTuple_GET_ITEM(entry, 1)
                if factor not in r.flags:
                    r.flags[factor] = value
            elif kind == K_SAMPLE:
                factor = <object>PyTuple_GET_ITEM(entry, 1)
                if factor not in r.samples:
                    r.samples[factor] = value
            elif kind == K_DATA_TIME:
                if r.raws:
                    r.close()
                else:  # flags/samples of a record without values are dropped, as in the pure code
                    r.flags.clear()
                    r.samples.clear()
                r.data_time = _time(value)
    if r.raws:
        r.close()
    if r.error is not None:
        raise r.error
    return r.out
