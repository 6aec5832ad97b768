"""Turn page bytes into text: BOM, declared charset, ``<meta charset>``, detection.

The order follows what browsers do, with one safety net: a declared charset is
only trusted when the bytes decode under it without errors, so a header that says
``utf-8`` in front of a cp1252 body falls through to the next step instead of
producing mojibake. Detection (charset_normalizer) is the slow step and only runs
on the first ~64 KB when every cheap step failed.
"""

from __future__ import annotations

import codecs
import logging
import re
from functools import lru_cache
from typing import Final

from ..errors import InputError
from .decompress import GZIP_MAGIC, decompress

logger = logging.getLogger(__name__)

#: Bytes looked at for ``<meta charset>`` (the HTML spec says 1024; real pages are sloppier).
META_SCAN_BYTES: Final = 4096
#: Bytes handed to charset detection.
DETECT_BYTES: Final = 64 * 1024
#: Detection results this close (chaos and coherence) to the best count as a tie.
_TIE: Final = 0.1
#: Bytes looked at by the binary sniffing heuristics.
SNIFF_BYTES: Final = 8192

_BOMS: Final = (
    # UTF-32 first: its little-endian BOM starts with the UTF-16 one.
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_MAGIC: Final = (
    (b"%PDF-", "PDF document"),
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"PK\x03\x04", "ZIP archive"),
    (b"PK\x05\x06", "ZIP archive"),
    (b"\x1f\x8b", "gzip data"),
    (b"\xfd7zXZ\x00", "xz data"),
    (b"7z\xbc\xaf\x27\x1c", "7z archive"),
    (b"\x28\xb5\x2f\xfd", "zstd data"),
    (b"\x7fELF", "ELF executable"),
    (b"wOFF", "WOFF font"),
    (b"wOF2", "WOFF2 font"),
    (b"OggS", "Ogg media"),
    (b"\x1a\x45\xdf\xa3", "Matroska/WebM media"),
)

#: Charset labels browsers accept that Python's codec registry does not know.
_LABELS: Final = {
    "x-sjis": "cp932",
    "windows-31j": "cp932",
    "csshiftjis": "cp932",
    "x-gbk": "gb18030",
    "x-cp1252": "cp1252",
    "windows-874": "cp874",
    "x-mac-roman": "mac-roman",
    "x-mac-cyrillic": "mac-cyrillic",
    "x-euc-jp": "euc_jp",
    "iso-8859-8-i": "iso8859-8",
    "unicode-1-1-utf-8": "utf-8",
}

#: Python codec -> the superset browsers actually decode with (WHATWG Encoding Standard).
_BROWSER_CODEC: Final = {
    "ascii": "cp1252",
    "iso8859-1": "cp1252",
    "iso8859-9": "cp1254",
    "iso8859-11": "cp874",
    "tis-620": "cp874",
    "shift_jis": "cp932",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "euc_kr": "cp949",
    "big5": "big5hkscs",
}

#: Never honoured: UTF-7 is a known XSS vector browsers refuse; the others are Python codecs
#: that are not page charsets and raise on ordinary bytes (``undefined`` raises on anything).
_REFUSED: Final = frozenset({
    "utf-7", "idna", "punycode", "undefined", "unicode-escape", "raw-unicode-escape", "mbcs", "oem",
})

_META_RE: Final = re.compile(
    rb"""<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([a-z0-9][a-z0-9_.:+\-]*)""",
    re.IGNORECASE,
)
_XML_DECL_RE: Final = re.compile(
    rb"""^\s*<\?xml\b[^>]*?\bencoding\s*=\s*["']([a-z0-9][a-z0-9_.:+\-]*)""",
    re.IGNORECASE,
)

_C1_HANDLER: Final = "newsqual.c1"


def _c1_passthrough(exc: UnicodeError) -> tuple[str, int]:
    """Map bytes cp1252 leaves undefined (0x81, 0x8D, ...) to U+0080..U+009F, like browsers."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    return "".join(chr(b) for b in exc.object[exc.start : exc.end]), exc.end


codecs.register_error(_C1_HANDLER, _c1_passthrough)


def normalize_charset(label: str | None, *, from_meta: bool = False) -> str | None:
    """Return the Python codec browsers would use for a charset label, or None if unknown."""
    if not label:
        return None
    clean = label.strip().strip("\"'").strip().lower()
    try:
        info = codecs.lookup(_LABELS.get(clean, clean))
    except LookupError:
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name in _REFUSED:
        return None
    name = _BROWSER_CODEC.get(info.name, info.name)
    if from_meta and name.startswith(("utf-16", "utf-32")):
        # A meta tag readable as ASCII cannot be in UTF-16/32; browsers use UTF-8 here.
        return "utf-8"
    return name


#: C0 controls other than TAB, LF, FF, CR and ESC (used by ISO-2022), plus DEL.
_CONTROL_BYTES: Final = (
    bytes(b for b in range(32) if b not in b"\t\n\x0c\r\x1b") + b"\x7f"
)


def _binary_reason(data: bytes) -> str | None:
    """Say why ``data`` looks binary (magic number, NULs, control characters), else None."""
    for magic, name in _MAGIC:
        if data.startswith(magic):
            return name
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WebP image"
    if data[4:8] == b"ftyp":
        return "MP4 media"
    sample = data[:SNIFF_BYTES]
    if not sample or _utf16_without_bom(sample):
        return None
    nuls = sample.count(0)
    if nuls > len(sample) * 0.01:
        return f"{nuls} NUL bytes in the first {len(sample)}"
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if controls > len(sample) * 0.05:
        return f"{controls} control bytes in the first {len(sample)}"
    return None


def looks_binary(data: bytes) -> bool:
    """Return True for NUL/control-heavy bytes or known binary formats (PDF, PNG, gzip, ...)."""
    return _binary_reason(data) is not None


def _utf16_without_bom(sample: bytes) -> str | None:
    """Return "utf-16-le"/"utf-16-be" when mostly-ASCII UTF-16 text has no BOM, else None."""
    head = sample[:1024]
    pairs = len(head) // 2
    if pairs < 8:
        return None
    even_nuls = head[0 : pairs * 2 : 2].count(0)
    odd_nuls = head[1 : pairs * 2 : 2].count(0)
    if odd_nuls >= pairs * 0.4 and even_nuls <= pairs * 0.05:
        return "utf-16-le"
    if even_nuls >= pairs * 0.4 and odd_nuls <= pairs * 0.05:
        return "utf-16-be"
    return None


@lru_cache(maxsize=64)
def _is_single_byte(codec: str) -> bool:
    """Return True for codecs that map every byte to one character (cp1252, koi8-r, ...)."""
    if codec.startswith("utf"):
        return False
    return len(bytes(range(0x80, 0x100)).decode(codec, errors="replace")) == 0x80


def _decode_utf8(data: bytes) -> str | None:
    """Decode strict UTF-8, tolerating only a character cut off at the very end."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.start >= len(data) - 3:
            return data.decode("utf-8", errors="replace")
        return None


def _decode_declared(data: bytes, codec: str) -> tuple[str, str] | None:
    """Decode with a declared codec if the bytes fit it; None means "do not trust it"."""
    if codec in ("utf-8", "utf-8-sig"):
        text = _decode_utf8(data)
        return None if text is None else (text, "utf-8")
    if _is_single_byte(codec) and not data.isascii():
        # Single-byte codecs decode almost anything; valid multi-byte UTF-8 under a
        # latin-1/cp1252 label is a mislabelled UTF-8 page, not cp1252 mojibake.
        text = _decode_utf8(data)
        if text is not None:
            return text, "utf-8"
    try:
        return data.decode(codec, _C1_HANDLER if codec == "cp1252" else "strict"), codec
    except (UnicodeError, LookupError):  # UnicodeError: codecs such as idna raise the base class
        return None


def _meta_charset(data: bytes) -> str | None:
    """Return the charset named by a ``<meta>`` tag or XML declaration near the start."""
    head = data[:META_SCAN_BYTES]
    match = _META_RE.search(head) or _XML_DECL_RE.search(head)
    return match.group(1).decode("ascii") if match else None


def _detect(data: bytes) -> tuple[str, str] | None:
    """Guess the codec with charset_normalizer on the first DETECT_BYTES; None if it cannot."""
    # Imported lazily: only the slow path pays for loading charset_normalizer.
    from charset_normalizer import from_bytes

    sample = data[:DETECT_BYTES]
    if len(data) > DETECT_BYTES:
        # Cut at a newline so no multi-byte character is split (0x0A is never a trail byte).
        cut = sample.rfind(b"\n")
        if cut > DETECT_BYTES // 2:
            sample = sample[: cut + 1]
    matches = from_bytes(sample)
    best = matches.best()
    if best is None:
        return None
    encoding = best.encoding
    # Short Western text ties between cp1250/cp1252/cp1257/cp775...; break ties the
    # way browsers do, towards windows-1252.
    for match in matches:
        near = (
            match.chaos <= best.chaos + _TIE
            and match.coherence >= best.coherence - _TIE
        )
        if near and "cp1252" in match.could_be_from_charset:
            encoding = "cp1252"
            break
    codec = normalize_charset(encoding)
    if codec is None:
        return None
    handler = _C1_HANDLER if codec == "cp1252" else "replace"
    return data.decode(codec, errors=handler), codec


def _try_label(data: bytes, label: str | None, source: str) -> tuple[str, str] | None:
    """Decode with the charset a header or meta tag names, if it is known and fits."""
    codec = normalize_charset(label, from_meta=source == "meta")
    if codec is None:
        return None
    result = _decode_declared(data, codec)
    if result is None:
        logger.debug(
            "%s charset %s does not fit the bytes; falling through", source, codec
        )
    return result


def decode_bytes(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode page bytes to (text, codec used); raise InputError for binary data."""
    if not data:
        return "", "utf-8"
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, errors="replace"), codec
    reason = _binary_reason(data)
    if reason is not None:
        raise InputError(f"input looks binary ({reason})")
    utf16 = _utf16_without_bom(data[:SNIFF_BYTES])
    if utf16 is not None:
        return data.decode(utf16, errors="replace"), utf16

    result = _try_label(data, declared, "declared") or _try_label(
        data, _meta_charset(data), "meta"
    )
    if result is not None:
        return result
    text = _decode_utf8(data)
    if text is not None:
        return text, "utf-8"
    detected = _detect(data)
    if detected is not None:
        return detected
    logger.debug("charset detection failed; decoding as utf-8 with replacement")
    return data.decode("utf-8", errors="replace"), "utf-8"


def maybe_gunzip(data: bytes, limit: int) -> bytes:
    """Un-gzip ``data`` if it starts with the gzip magic, refusing output over ``limit`` bytes."""
    if not data.startswith(GZIP_MAGIC):
        return data
    return decompress(data, "gzip", limit)
