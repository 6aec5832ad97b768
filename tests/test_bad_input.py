"""Hostile and broken input through the loader and the scorer: never an exception.

``load_page`` may refuse input, but only with :class:`InputError`. The scorer's ``score_html``,
``score_bytes`` and ``score_text`` must always return a :class:`Result`: either a score in [0, 1]
or ``label == "error"`` with the reason in ``error``.
"""

from __future__ import annotations

import codecs
import gzip
import math
import random
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import pytest

from classifier.errors import InputError, ModelError
from classifier.model.bundle import Bundle, feature_names
from classifier.model.textchannel import N_BUCKETS
from classifier.page.loader import load_page
from classifier.page.page import Page
from classifier.scorer import ERROR, LOW_QUALITY, ORIGINAL, TOO_LITTLE_TEXT, Result, Scorer

pytestmark = pytest.mark.timeout(60)

PROSE = (
    "The harbour authority said on Friday that the new ferry terminal will open in the autumn "
    "after two years of delays caused by flooding."
)
DOC = (
    "<!DOCTYPE html><html><head><title>Ferry terminal to open in autumn</title>"
    '<meta property="article:published_time" content="2023-05-04T10:00:00Z">'
    '<meta name="author" content="Ana Silva"></head>'
    f'<body><nav><a href="/">Home</a></nav><p>{PROSE}</p><p>{PROSE}</p></body></html>'
)


def _html(body: str, head: str = "") -> str:
    """A minimal HTML document."""
    return f"<html><head><title>Ferry</title>{head}</head><body>{body}</body></html>"


@cache
def _fifty_megabytes() -> bytes:
    """A 50 MB HTML page of repeated paragraphs (built once, shared by the cases)."""
    para = f"<p>{PROSE}</p>\n".encode()
    count = 50 * 1024 * 1024 // len(para)
    return b"<html><head><title>Huge</title></head><body>" + para * count + b"</body></html>"


def _png() -> bytes:
    """A PNG signature followed by random bytes."""
    return b"\x89PNG\r\n\x1a\n" + random.Random(7).randbytes(4096)


def _nested_jsonld(depth: int, kind: str) -> str:
    """A page whose JSON-LD nests ``depth`` levels deep (lists, objects or @graph)."""
    if kind == "list":
        value = "[" * depth + '"Ana"' + "]" * depth
        raw = f'{{"@type": {value}, "author": {value}, "datePublished": {value}}}'
    elif kind == "object":
        raw = '{"author": ' * depth + '"x"' + "}" * depth
    else:
        raw = '{"@graph": [' * depth + '{"@type": "NewsArticle"}' + "]}" * depth
    return _html(f"<p>{PROSE}</p>", head=f'<script type="application/ld+json">{raw}</script>')


@dataclass(frozen=True)
class Bad:
    """One bad input: how to make it, headers sent with it, and the outcome for byte/HTML input."""

    make: Callable[[], bytes | str]
    headers: Mapping[str, str] = field(default_factory=dict)
    expect: str | None = None  # "ok", "error" or None (either is fine)


CASES: dict[str, Bad] = {
    "empty-bytes": Bad(lambda: b"", expect="error"),
    "empty-str": Bad(lambda: "", expect="error"),
    "whitespace-only": Bad(lambda: b" \n\t\r\n   \x0c ", expect="error"),
    "png-plus-random-bytes": Bad(_png, expect="error"),
    "random-bytes": Bad(lambda: random.Random(3).randbytes(20_000), expect="error"),
    "nul-laden-text": Bad(lambda: b"Ferry news\x00\x00 from the harbour\x00" * 500, expect="error"),
    "nul-laden-str": Bad(lambda: "Ferry news\x00 from the harbour\x00" * 500, expect="error"),
    "one-late-nul": Bad(lambda: _html(f"<p>{PROSE}</p>" * 40 + "<p>a\x00b</p>"), expect="ok"),
    "control-bytes": Bad(lambda: bytes(range(1, 9)) * 2000, expect="error"),
    "truncated-mid-tag": Bad(lambda: DOC[: DOC.index("<nav>") + 3], expect="ok"),
    "truncated-mid-attribute": Bad(lambda: DOC[: DOC.index('href="/"') + 6], expect="ok"),
    "truncated-in-meta-date": Bad(lambda: DOC[: DOC.index("2023-05") + 5], expect="ok"),
    "truncated-in-multibyte-char": Bad(lambda: _html(f"<p>{PROSE} café</p>").encode()[:-len("</p></body></html>") - 1],
                                       expect="ok"),
    "fifty-megabytes": Bad(_fifty_megabytes, expect="ok"),
    "100k-nested-divs": Bad(lambda: _html("<div>" * 100_000 + PROSE + "</div>" * 100_000)),
    "100k-unclosed-tags": Bad(lambda: _html("<span><b>" * 50_000 + PROSE)),
    "invalid-utf8": Bad(lambda: b"<html><body><p>" + PROSE.encode() + b" caf\xc3 \xff\xfe \xed\xa0\x80 \xc0\xaf</p></body></html>",
                        expect="ok"),
    "lone-surrogates-str": Bad(lambda: _html(f"<p>{PROSE} \ud800 tail</p><p>{PROSE}</p>"), expect="ok"),
    "utf8-declared-cp1252-body": Bad(lambda: _html(f"<p>{PROSE} Café – €5</p>").encode("cp1252"),
                                     {"Content-Type": "text/html; charset=utf-8"}, expect="ok"),
    "meta-shift-jis-utf8-body": Bad(lambda: _html(f"<p>{PROSE} 東京 café</p>", head='<meta charset="shift_jis">').encode(),
                                    expect="ok"),
    "declared-utf16-ascii-body": Bad(lambda: DOC.encode("ascii"), {"Content-Type": "text/html; charset=utf-16"}),
    "declared-unknown-charset": Bad(lambda: DOC.encode(), {"content-type": "text/html; charset=x-no-such-charset"},
                                    expect="ok"),
    "declared-utf7-refused": Bad(lambda: DOC.encode(), {"Content-Type": "text/html; charset=utf-7"}, expect="ok"),
    "utf16-le-bom": Bad(lambda: codecs.BOM_UTF16_LE + _html(f"<p>{PROSE} Ελλάδα</p>").encode("utf-16-le"), expect="ok"),
    "utf16-be-bom": Bad(lambda: codecs.BOM_UTF16_BE + _html(f"<p>{PROSE} Россия</p>").encode("utf-16-be"), expect="ok"),
    "utf32-bom": Bad(lambda: _html(f"<p>{PROSE}</p>").encode("utf-32"), expect="ok"),
    "utf16-bom-odd-length": Bad(lambda: _html(f"<p>{PROSE}</p>").encode("utf-16")[:-1], expect="ok"),
    "gzip-page": Bad(lambda: gzip.compress(DOC.encode()), expect="ok"),
    "gzip-truncated": Bad(lambda: gzip.compress(DOC.encode())[:40]),
    "gzip-header-only": Bad(lambda: b"\x1f\x8b\x08\x00", expect="error"),
    "only-scripts-and-styles": Bad(lambda: "<html><head><style>p{color:red}</style><script>var a = '<p>x</p>';</script>"
                                   "</head><body><script>document.write('hi')</script><style>.x{}</style></body></html>",
                                   expect="ok"),
    "only-a-comment": Bad(lambda: "<html><!-- nothing here --></html>", expect="ok"),
    "xml-declaration-after-comment": Bad(lambda: "<!-- c --><?xml version='1.0' encoding='utf-8'?>" + DOC, expect="ok"),
    "huge-line-no-spaces-str": Bad(lambda: "x" * 3_000_000, expect="ok"),
    "huge-line-no-spaces-bytes": Bad(lambda: b"<html><body><p>" + b"a" * 3_000_000 + b"</p></body></html>", expect="ok"),
    "huge-title": Bad(lambda: f"<html><head><title>{'-a' * 1_000_000}</title></head><body><p>x</p></body></html>",
                      expect="ok"),
    "huge-attribute": Bad(lambda: f'<html><body><a href="{"h" * 3_000_000}">x</a><p>y</p></body></html>', expect="ok"),
    "jsonld-lists-50-deep": Bad(lambda: _nested_jsonld(50, "list"), expect="ok"),
    "jsonld-lists-900-deep": Bad(lambda: _nested_jsonld(900, "list"), expect="ok"),
    "jsonld-lists-100k-deep": Bad(lambda: _nested_jsonld(100_000, "list"), expect="ok"),
    "jsonld-objects-5000-deep": Bad(lambda: _nested_jsonld(5000, "object"), expect="ok"),
    "jsonld-graph-900-deep": Bad(lambda: _nested_jsonld(900, "graph"), expect="ok"),
    "jsonld-wrong-types": Bad(lambda: _html(f"<p>{PROSE}</p>", head='<script type="application/ld+json">'
                                            '{"@type": 5, "author": {"name": ["x"]}, "datePublished": 20230101,'
                                            ' "@graph": "nope"}</script>'), expect="ok"),
    "meta-date-2023-13-45": Bad(lambda: _html(f"<p>{PROSE}</p>", head='<meta property="article:published_time" content="2023-13-45">'),
                                expect="ok"),
    "meta-dates-garbage": Bad(lambda: _html(f"<p>{PROSE}</p>", head=(
        '<meta name="date" content="0000-00-00"><meta name="pubdate" content="9999-99-99T99:99">'
        '<meta property="og:published_time" content="2023-02-30"><meta name="dc.date" content="yesterday">'
        '<meta itemprop="datePublished" content="99999999999999999999-01-01">')), expect="ok"),
    "garbage-http-dates": Bad(lambda: DOC, {"Last-Modified": "Mon, 99 Foo 99999 99:99:99", "Date": "not a date"},
                              expect="ok"),
    "far-future-http-date": Bad(lambda: DOC, {"Date": "Fri, 31 Dec 9999 23:59:59 GMT",
                                              "Last-Modified": "Sat, 01 Jan 0001 00:00:00 GMT"}, expect="ok"),
}

IDS = list(CASES)


@pytest.fixture(scope="module")
def scorer() -> Scorer:
    """The bundled model, or a neutral stand-in while the bundle is stale (a signal version bumped).

    These tests are about input handling, not accuracy, so a stale bundle must not hide them.
    """
    try:
        return Scorer.load()
    except ModelError as exc:
        warnings.warn(f"bundled model unusable ({exc}); using a neutral stand-in bundle", stacklevel=1)
    n = len(feature_names())
    stand_in = Bundle(edges=[np.zeros(0)] * n, values=[np.zeros(1)] * n, intercept=0.0,
                      text_weights=np.zeros(N_BUCKETS), text_intercept=0.0, calib_a=1.0, calib_b=0.0, threshold=0.5,
                      data_digest="test-stand-in")
    return Scorer(stand_in)


def _check(result: Result, expect: str | None) -> None:
    """A valid result: a score in [0, 1] with a label, or an error with a reason."""
    assert isinstance(result, Result)
    if result.error is None and result.label == TOO_LITTLE_TEXT:  # a valid verdict with no score
        assert result.score is None and result.reasons and result.reasons[0].signal == "text_word_count"
        assert expect != "error", "expected an error result, got too little text"
    elif result.error is None:
        assert result.score is not None and 0.0 <= result.score <= 1.0
        assert result.label in (LOW_QUALITY, ORIGINAL)
        assert all(math.isfinite(v) for v in result.signals.values())
        assert expect != "error", f"expected an error result, got score {result.score}"
    else:
        assert result.label == ERROR
        assert result.score is None
        assert isinstance(result.error, str) and result.error.strip()
        assert expect != "ok", f"expected a score, got error {result.error!r}"


def _as_text(data: bytes | str) -> str:
    """``data`` as a string for score_text (undecodable bytes become lone surrogates)."""
    return data if isinstance(data, str) else data.decode("utf-8", "surrogateescape")


@pytest.mark.parametrize("name", IDS)
def test_load_page(name: str) -> None:
    """load_page gives a Page or raises InputError with a reason; nothing else."""
    case = CASES[name]
    try:
        page = load_page(case.make(), url="https://harbour.example.com/ferry", headers=case.headers)
    except InputError as exc:
        assert str(exc).strip()
        assert case.expect != "ok", f"refused: {exc}"
        return
    assert isinstance(page, Page)
    assert page.kind in ("html", "text")
    assert case.expect != "error", "expected InputError"


@pytest.mark.parametrize("name", IDS)
def test_score_bytes(name: str, scorer: Scorer) -> None:
    """score_bytes never raises."""
    case = CASES[name]
    _check(scorer.score_bytes(case.make(), name, headers=case.headers), case.expect)


@pytest.mark.parametrize("name", IDS)
def test_score_html(name: str, scorer: Scorer) -> None:
    """score_html never raises, on bytes or on str."""
    case = CASES[name]
    _check(scorer.score_html(case.make(), url="https://harbour.example.com/ferry", headers=case.headers), case.expect)


@pytest.mark.parametrize("name", IDS)
def test_score_text(name: str, scorer: Scorer) -> None:
    """score_text never raises (bytes that are not UTF-8 arrive as lone surrogates)."""
    _check(scorer.score_text(_as_text(CASES[name].make())), None)


def test_fifty_megabytes_is_cut_and_marked_truncated() -> None:
    """A page far over the limits is cut, parsed and flagged, not read whole."""
    page = load_page(_fifty_megabytes())
    assert page.truncated
    assert len(page.visible_text) <= 5 * 1024 * 1024
    assert page.body == (PROSE,)


def test_wrong_declared_charset_falls_back() -> None:
    """A header that says UTF-8 in front of cp1252 bytes does not produce replacement characters."""
    page = load_page(CASES["utf8-declared-cp1252-body"].make(), headers={"Content-Type": "text/html; charset=utf-8"})
    assert "Café – €5" in page.body_text


def test_malformed_meta_dates_make_no_claims() -> None:
    """Impossible dates in meta tags are ignored."""
    for name in ("meta-date-2023-13-45", "meta-dates-garbage"):
        assert load_page(CASES[name].make()).dates == ()
