# cython: language_level=3
"""The n-gram counting and hashing of ``classifier.model.textchannel``, in C.

Same terms, counts, order and buckets as the Python functions it stands in for
(``tests/test_fast_paths.py`` compares them on every corpus page); CRC-32 is computed here
with the standard polynomial, so the buckets match ``zlib.crc32``.
"""

from collections import Counter

from cpython.dict cimport PyDict_GetItem, PyDict_SetItem
from cpython.unicode cimport PyUnicode_AsUTF8AndSize
from cpython.ref cimport PyObject
from libc.math cimport log1p, sqrt

cdef unsigned int _TABLE[256]


cdef void _fill_table() noexcept:
    cdef unsigned int c
    cdef int n, k
    for n in range(256):
        c = n
        for k in range(8):
            c = (0xEDB88320 ^ (c >> 1)) if (c & 1) else (c >> 1)
        _TABLE[n] = c


_fill_table()


cdef inline unsigned int _crc32(const unsigned char* data, Py_ssize_t size) noexcept:
    cdef unsigned int c = 0xFFFFFFFF
    cdef Py_ssize_t i
    for i in range(size):
        c = _TABLE[(c ^ data[i]) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


cdef inline void _add(object counts, object term) except *:
    cdef PyObject* old = PyDict_GetItem(counts, term)
    if old is NULL:
        PyDict_SetItem(counts, term, 1)
    else:
        PyDict_SetItem(counts, term, <object>old + 1)


def grams(lines, str prefix, Py_ssize_t limit, tokens):
    """Unigram and in-line bigram counts of ``lines`` (``textchannel._grams``); ``tokens`` splits a line."""
    counts = Counter()
    cdef Py_ssize_t seen = 0, i, n
    cdef list toks
    cdef str a, b
    for line in lines:
        toks = tokens(line)
        if not toks:
            continue
        if seen + len(toks) > limit:
            toks = toks[: max(0, limit - seen)]
        n = len(toks)
        seen += n
        for i in range(n):
            _add(counts, prefix + <str>toks[i])
        for i in range(n - 1):
            _add(counts, prefix + <str>toks[i] + " " + <str>toks[i + 1])
        if seen >= limit:
            break
    return counts


def buckets_values(dict terms, unsigned int mask, long long[::1] idx, double[::1] val):
    """Fill ``idx`` and ``val`` (one slot per term, in order) with bucket indices and log counts,
    L2-normalised within each namespace, as ``textchannel.vectorise_python`` computes them."""
    cdef Py_ssize_t size, first, end = 0, k
    cdef const char* data
    cdef double norm
    for counts in terms.values():
        first = end
        norm = 0.0
        for term, count in counts.items():
            val[end] = log1p(<double>count)
            norm += val[end] * val[end]
            try:
                data = PyUnicode_AsUTF8AndSize(term, &size)
            except UnicodeEncodeError:  # a lone surrogate: hash the bytes textchannel.bucket() hashes
                raw = (<str>term).encode("utf-8", "surrogatepass")
                data = <bytes>raw
                size = len(raw)
            idx[end] = _crc32(<const unsigned char*>data, size) & mask
            end += 1
        if end > first:
            norm = sqrt(norm)
            for k in range(first, end):
                val[k] /= norm
