"""Tests for classifier.page.decode: charsets, binary sniffing and bounded gunzip."""

from __future__ import annotations

import codecs
import gzip
import time

import pytest

from classifier.errors import InputError
from classifier.page.decode import (
    decode_bytes,
    looks_binary,
    maybe_gunzip,
    normalize_charset,
)

pytestmark = pytest.mark.timeout(60)

WESTERN = "Café – “quoted” naïve €5, señor"


def _html(body: str, head: str = "") -> str:
    return f"<html><head>{head}<title>t</title></head><body><p>{body}</p></body></html>"


# --------------------------------------------------------------------------- BOMs


def test_utf8_bom_is_stripped() -> None:
    text, encoding = decode_bytes(codecs.BOM_UTF8 + _html(WESTERN).encode())
    assert text == _html(WESTERN)
    assert encoding == "utf-8"


def test_bom_beats_a_wrong_declaration() -> None:
    text, encoding = decode_bytes(codecs.BOM_UTF8 + WESTERN.encode(), "iso-8859-1")
    assert (text, encoding) == (WESTERN, "utf-8")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_bom(codec: str) -> None:
    data = "\ufeff".encode(codec) + _html("Grüße").encode(codec)
    text, encoding = decode_bytes(data)
    assert text == _html("Grüße")
    assert encoding == codec


def test_utf16_without_bom_is_not_binary() -> None:
    data = _html("hello world").encode("utf-16-le")
    assert not looks_binary(data)
    assert decode_bytes(data) == (_html("hello world"), "utf-16-le")


# --------------------------------------------------------------------------- declared


def test_declared_charset_that_fits_is_trusted() -> None:
    data = _html("Привет мир").encode("koi8-r")
    assert decode_bytes(data, "KOI8-R") == (_html("Привет мир"), "koi8-r")


def test_cp1252_with_wrong_declared_utf8_falls_through() -> None:
    text, encoding = decode_bytes(_html(WESTERN).encode("cp1252"), "utf-8")
    assert text == _html(WESTERN)
    assert encoding == "cp1252"


@pytest.mark.parametrize("label", ["latin-1", "ISO-8859-1", "iso_8859-1", "us-ascii"])
def test_latin1_labels_decode_as_cp1252(label: str) -> None:
    # 0x93/0x94 are curly quotes in cp1252 but C1 controls in real latin-1.
    text, encoding = decode_bytes(b"<p>\x93quoted\x94 \x80 caf\xe9</p>", label)
    assert text == "<p>“quoted” € café</p>"
    assert encoding == "cp1252"


def test_cp1252_undefined_bytes_do_not_fail() -> None:
    text, encoding = decode_bytes(b"<p>a\x81b\x9dc</p>", "windows-1252")
    assert (text, encoding) == ("<p>a\x81b\x9dc</p>", "cp1252")


def test_valid_utf8_under_latin1_label_is_utf8() -> None:
    text, encoding = decode_bytes(_html(WESTERN).encode(), "iso-8859-1")
    assert (text, encoding) == (_html(WESTERN), "utf-8")


@pytest.mark.parametrize("label", ["no-such-charset", "base64", "utf-7", "", "  "])
def test_unknown_or_unsafe_declared_charset_is_ignored(label: str) -> None:
    text, encoding = decode_bytes(_html(WESTERN).encode(), label)
    assert (text, encoding) == (_html(WESTERN), "utf-8")


def test_utf8_cut_mid_character_at_the_end() -> None:
    data = "café €".encode()[:-1]
    text, encoding = decode_bytes(data, "utf-8")
    assert text.startswith("café ")
    assert encoding == "utf-8"


# --------------------------------------------------------------------------- meta


def test_shift_jis_meta_charset() -> None:
    page = _html("日本語のニュース記事です。①", '<meta charset="Shift_JIS">')
    text, encoding = decode_bytes(page.encode("cp932"))
    assert text == page
    assert encoding == "cp932"  # browsers decode Shift_JIS as windows-31j


def test_gbk_http_equiv_meta_charset() -> None:
    head = '<meta http-equiv="Content-Type" content="text/html; charset=gbk">'
    page = _html("中文新闻报道，经济增长。", head)
    text, encoding = decode_bytes(page.encode("gbk"))
    assert text == page
    assert encoding == "gb18030"


def test_cp1252_meta_charset() -> None:
    page = _html(WESTERN, '<meta charset="windows-1252">')
    assert decode_bytes(page.encode("cp1252")) == (page, "cp1252")


def test_header_beats_meta_when_it_fits() -> None:
    page = _html("Привет мир", '<meta charset="iso-8859-5">')
    assert decode_bytes(page.encode("cp1251"), "windows-1251") == (page, "cp1251")


def test_wrong_meta_falls_through() -> None:
    page = _html("日本語のニュース", '<meta charset="utf-8">')
    text, encoding = decode_bytes(page.encode("euc_jp"))
    assert text == page
    assert encoding.startswith("euc_j")  # euc_jp or its superset euc_jis_2004


def test_meta_claiming_utf16_means_utf8() -> None:
    page = _html(WESTERN, '<meta charset="utf-16">')
    assert decode_bytes(page.encode()) == (page, "utf-8")


# --------------------------------------------------------------------------- detection


def test_invalid_utf8_without_declaration_does_not_raise() -> None:
    text, encoding = decode_bytes(b"<p>abc \xff\xfe\xc3 def caf\xe9</p>")
    assert isinstance(text, str)
    assert "abc" in text and "def" in text
    assert encoding


def test_undeclared_cp1252_prefers_windows_1252() -> None:
    assert decode_bytes(WESTERN.encode("cp1252")) == (WESTERN, "cp1252")


def test_undeclared_cyrillic_is_detected() -> None:
    page = _html("Привет мир, новости дня. Экономика растёт. " * 5)
    assert decode_bytes(page.encode("cp1251")) == (page, "cp1251")


def test_detection_on_a_large_page_is_fast_and_correct() -> None:
    page = _html("Çà et là, über Straße – “ok”. " * 100_000)  # ~3 MB
    data = page.encode("cp1252")
    started = time.perf_counter()
    text, encoding = decode_bytes(data, "utf-8")
    assert time.perf_counter() - started < 5  # loose bound: detection sees ~64 KB only
    assert (text, encoding) == (page, "cp1252")


def test_ascii_is_utf8() -> None:
    assert decode_bytes(b"<p>plain</p>") == ("<p>plain</p>", "utf-8")


def test_empty_bytes() -> None:
    text, encoding = decode_bytes(b"")
    assert text == ""
    assert encoding


# --------------------------------------------------------------------------- binary


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG"),
        (b"GIF89a\x01\x00\x01\x00", "GIF"),
        (b"PK\x03\x04\x14\x00\x00\x00", "ZIP"),
        (gzip.compress(b"<html></html>"), "gzip"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "WebP"),
        (b"<html>\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00", "NUL"),
        (bytes(range(32)) * 10, "NUL"),
    ],
)
def test_binary_input_raises(data: bytes, what: str) -> None:
    assert looks_binary(data)
    with pytest.raises(InputError, match=r"input looks binary \(.*" + what):
        decode_bytes(data)


def test_control_heavy_input_is_binary() -> None:
    data = b"<p>" + b"\x01\x02\x03\x04 text" * 200
    assert looks_binary(data)
    with pytest.raises(InputError, match="control bytes"):
        decode_bytes(data)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"<html><body>plain</body></html>",
        WESTERN.encode("cp1252"),
        "日本語".encode("cp932"),
        b"line\tone\r\nline two\x0c\x1b$B",
        b"<p>one stray NUL\x00 in a long page" + b" text" * 100,
    ],
)
def test_text_is_not_binary(data: bytes) -> None:
    assert not looks_binary(data)


# --------------------------------------------------------------------------- gunzip


PAYLOAD = b"<html>" + b"news " * 20_000 + b"</html>"


def test_gunzip_roundtrip() -> None:
    assert maybe_gunzip(gzip.compress(PAYLOAD), len(PAYLOAD)) == PAYLOAD


def test_non_gzip_passes_through() -> None:
    assert maybe_gunzip(b"<html></html>", 5) == b"<html></html>"


def test_gunzip_over_limit_raises() -> None:
    with pytest.raises(InputError, match="limit"):
        maybe_gunzip(gzip.compress(PAYLOAD), len(PAYLOAD) - 1)


def test_gunzip_bomb_is_stopped_early() -> None:
    bomb = gzip.compress(b"\0" * 50_000_000, compresslevel=1)
    started = time.perf_counter()
    with pytest.raises(InputError, match="limit"):
        maybe_gunzip(bomb, 1_000_000)
    assert time.perf_counter() - started < 5


def test_truncated_gzip_returns_what_it_can() -> None:
    data = gzip.compress(PAYLOAD)
    partial = maybe_gunzip(data[: len(data) // 2], len(PAYLOAD))
    assert partial
    assert PAYLOAD.startswith(partial)


def test_truncated_gzip_with_nothing_inside_raises() -> None:
    with pytest.raises(InputError, match="truncated"):
        maybe_gunzip(gzip.compress(PAYLOAD)[:8], len(PAYLOAD))


def test_corrupt_gzip_raises() -> None:
    with pytest.raises(InputError, match="corrupt"):
        maybe_gunzip(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + b"\xff" * 40, 1000)


def test_multi_member_gzip() -> None:
    data = gzip.compress(b"first ") + gzip.compress(b"second")
    assert maybe_gunzip(data, 100) == b"first second"


# --------------------------------------------------------------------------- labels


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        ("UTF-8", "utf-8"),
        ("utf8", "utf-8"),
        ('"utf-8"', "utf-8"),
        ("latin-1", "cp1252"),
        ("ISO-8859-1", "cp1252"),
        ("ascii", "cp1252"),
        ("windows-1252", "cp1252"),
        ("Shift_JIS", "cp932"),
        ("x-sjis", "cp932"),
        ("gb2312", "gb18030"),
        ("GBK", "gb18030"),
        ("euc-kr", "cp949"),
        ("big5", "big5hkscs"),
        ("iso-8859-9", "cp1254"),
        ("tis-620", "cp874"),
        ("koi8-r", "koi8-r"),
        ("bogus", None),
        ("rot13", None),
        ("utf-7", None),
        (None, None),
    ],
)
def test_normalize_charset(label: str | None, codec: str | None) -> None:
    assert normalize_charset(label) == codec
