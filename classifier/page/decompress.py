"""Bounded decompression: the one place newsqual inflates gzip, deflate, br and zstd bytes.

Every decoder here produces output in pieces of at most :data:`PIECE` bytes, however
much a single input chunk would expand to, so a caller that counts the pieces can stop
at its size cap before a "bomb" (16 KB of brotli that expands to 2 GB) reaches memory.
Fetching (:mod:`classifier.io.fetch`, one decoder per ``Content-Encoding`` layer, fed as the
body streams in), files (:func:`classifier.page.decode.maybe_gunzip`) and WARC payloads
(:mod:`classifier.io.warc`) all decode through here.

Errors: :class:`OverLimit` when the output would pass the cap, :class:`CorruptData` when
the bytes do not decode under their coding, :class:`UnsupportedCoding` for a coding this
installation cannot decode (br needs brotli >= 1.2, zstd needs ``backports.zstd`` or
Python 3.14). All three are :class:`~classifier.errors.InputError`.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Iterable, Iterator
from typing import Any, Final, Protocol

from ..errors import InputError

log = logging.getLogger(__name__)

#: Largest piece a decoder yields per step (bounds memory on bombs).
PIECE: Final = 64 * 1024
GZIP_MAGIC: Final = b"\x1f\x8b"
ZSTD_MAGIC: Final = b"\x28\xb5\x2f\xfd"


class CorruptData(InputError):
    """The bytes do not decode under their declared coding (``coding`` names it)."""

    def __init__(self, message: str, coding: str) -> None:
        super().__init__(message)
        self.coding = coding


class OverLimit(InputError):
    """Decoding would produce more than the allowed number of bytes."""

    def __init__(self, coding: str, limit: int) -> None:
        super().__init__(f"{coding} data expands beyond the {limit:,}-byte limit")
        self.limit = limit


class UnsupportedCoding(InputError):
    """A content coding this installation cannot decode."""


def _load_brotli() -> Any:
    """The brotli module if it can bound its output per step (brotli >= 1.2), else None."""
    try:
        import brotli
    except ImportError:  # pragma: no cover - httpx[brotli] installs it
        return None
    try:
        brotli.Decompressor().process(b"", output_buffer_limit=1)
    except (TypeError, AttributeError):  # pragma: no cover - brotli < 1.2 cannot bound output
        return None
    return brotli


def _load_zstd() -> Any:
    """A zstd module with ``ZstdDecompressor.decompress(data, max_length)``, else None."""
    for name in ("compression.zstd", "backports.zstd"):
        try:
            module = __import__(name, fromlist=["ZstdDecompressor"])
        except ImportError:
            continue
        return module
    return None


BROTLI: Final = _load_brotli()
ZSTD: Final = _load_zstd()
#: Codings decodable here, in Accept-Encoding order.
CODINGS: Final = tuple(
    c for c, ok in (("gzip", True), ("deflate", True), ("br", BROTLI is not None), ("zstd", ZSTD is not None)) if ok
)


class Decoder(Protocol):
    """An incremental decoder for one coding whose output comes in bounded pieces."""

    name: str

    def feed(self, data: bytes) -> Iterator[bytes]:
        """Yield the decoded pieces (each at most PIECE bytes) that ``data`` completes."""
        ...

    @property
    def complete(self) -> bool:
        """True once the compressed stream has ended."""
        ...


class _ZlibDecoder:
    """gzip (several members allowed) or deflate (zlib-wrapped, or raw as some servers send it)."""

    def __init__(self, *, gzip: bool) -> None:
        self.name = "gzip" if gzip else "deflate"
        self._gzip = gzip
        self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS if gzip else zlib.MAX_WBITS)
        self._may_fall_back = not gzip  # raw deflate, tried once if the zlib wrapper is missing

    @property
    def complete(self) -> bool:
        """True once the (last) member has ended."""
        return self._inflater.eof

    def feed(self, data: bytes) -> Iterator[bytes]:
        """Yield bounded pieces of inflated output for ``data``."""
        try:
            yield from self._inflate(data)
        except zlib.error as exc:
            if not self._may_fall_back:
                raise CorruptData(f"corrupt {self.name} data ({exc})", self.name) from None
            self._may_fall_back = False
            self._inflater = zlib.decompressobj(-zlib.MAX_WBITS)
            yield from self.feed(data)

    def _inflate(self, data: bytes) -> Iterator[bytes]:
        """Inflate ``data`` piece by piece; a following gzip member starts a new inflater."""
        pending = data
        while True:
            if self._inflater.eof:
                rest = self._inflater.unused_data
                if not (self._gzip and rest.startswith(GZIP_MAGIC)):
                    return  # done; trailing garbage after the last member is ignored
                self._inflater, pending = zlib.decompressobj(16 + zlib.MAX_WBITS), rest
            piece = self._inflater.decompress(pending, PIECE)
            if piece:
                self._may_fall_back = False
                yield piece
            pending = self._inflater.unconsumed_tail
            if not pending and len(piece) < PIECE and not self._inflater.eof:
                return


class _BrotliDecoder:
    """br, with the output buffer bounded per step."""

    name = "br"

    def __init__(self) -> None:
        self._decompressor = BROTLI.Decompressor()

    @property
    def complete(self) -> bool:
        """True once the brotli stream has ended."""
        return bool(self._decompressor.is_finished())

    def feed(self, data: bytes) -> Iterator[bytes]:
        """Yield bounded pieces of brotli-decoded output for ``data``."""
        d = self._decompressor
        try:
            if d.is_finished():
                return
            piece = d.process(data, output_buffer_limit=PIECE)
            while True:
                if piece:
                    yield piece
                if d.is_finished() or d.can_accept_more_data():
                    return
                piece = d.process(b"", output_buffer_limit=PIECE)
        except BROTLI.error as exc:
            raise CorruptData(f"corrupt br data ({exc})", "br") from None


class _ZstdDecoder:
    """zstd (several frames allowed), output bounded per step."""

    name = "zstd"

    def __init__(self) -> None:
        self._decompressor = ZSTD.ZstdDecompressor()

    @property
    def complete(self) -> bool:
        """True once the last frame has ended."""
        return bool(self._decompressor.eof)

    def feed(self, data: bytes) -> Iterator[bytes]:
        """Yield bounded pieces of zstd-decoded output for ``data``."""
        pending = data
        try:
            while True:
                d = self._decompressor
                if d.eof:
                    rest = d.unused_data
                    if not rest.startswith(ZSTD_MAGIC):
                        return
                    self._decompressor, pending = ZSTD.ZstdDecompressor(), rest
                    continue
                piece = d.decompress(pending, PIECE)
                pending = b""
                if piece:
                    yield piece
                if d.needs_input and not d.eof:
                    return
        except ZSTD.ZstdError as exc:
            raise CorruptData(f"corrupt zstd data ({exc})", "zstd") from None


def decoder_for(coding: str) -> Decoder | None:
    """A fresh decoder for one coding name; None for identity. Raises UnsupportedCoding."""
    name = coding.strip().lower()
    if name in ("", "identity"):
        return None
    if name in ("gzip", "x-gzip"):
        return _ZlibDecoder(gzip=True)
    if name == "deflate":
        return _ZlibDecoder(gzip=False)
    if name == "br" and BROTLI is not None:
        return _BrotliDecoder()
    if name == "zstd" and ZSTD is not None:
        return _ZstdDecoder()
    raise UnsupportedCoding(f"unsupported content-encoding {name!r}")


def chain_for(header: str) -> list[Decoder]:
    """Decoders for a Content-Encoding header value, outermost coding first."""
    codings = [c for c in header.split(",") if c.strip()]
    return [d for d in (decoder_for(c) for c in reversed(codings)) if d is not None]


def feed_chain(chain: list[Decoder], data: bytes) -> Iterator[bytes]:
    """Push one raw chunk through every decoder of ``chain``, yielding bounded pieces."""
    pieces: Iterable[bytes] = (data,)
    for decoder in chain:
        pieces = _through(decoder, pieces)
    yield from pieces


def _through(decoder: Decoder, pieces: Iterable[bytes]) -> Iterator[bytes]:
    """Everything ``decoder`` makes of ``pieces``."""
    for piece in pieces:
        yield from decoder.feed(piece)


def decompress(data: bytes, coding: str, limit: int) -> bytes:
    """Decode ``data`` whole under ``coding`` (a Content-Encoding value); OverLimit past ``limit`` bytes.

    A stream cut short keeps what was decoded (with a logged warning); CorruptData when
    nothing could be decoded.
    """
    out, over, chain = _decode_upto(data, coding, limit)
    if over:
        raise OverLimit(chain[-1].name if chain else "identity", limit)
    if chain and not chain[0].complete:
        if not out:
            raise CorruptData(f"truncated {chain[0].name} data (nothing could be decompressed)", chain[0].name)
        log.warning("truncated %s data; using the %d bytes decompressed", chain[0].name, len(out))
    return out


def decompress_prefix(data: bytes, coding: str, limit: int) -> bytes:
    """The first ``limit`` decoded bytes of ``data``; decoding stops there."""
    return _decode_upto(data, coding, limit)[0][:limit]


def _decode_upto(data: bytes, coding: str, limit: int) -> tuple[bytes, bool, list[Decoder]]:
    """(decoded bytes, whether decoding stopped past ``limit``, the decoder chain)."""
    chain = chain_for(coding)
    if not chain:  # identity: no copy
        return data, len(data) > limit, chain
    out = bytearray()
    for piece in feed_chain(chain, data):
        out += piece
        if len(out) > limit:
            return bytes(out), True, chain
    return bytes(out), False, chain
