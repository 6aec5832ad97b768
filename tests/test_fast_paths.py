"""The compiled parts (``classifier.page._cwalk``, ``classifier.model._ctext``) give the Python fallback's results.

Speed never buys a different verdict: every corpus page gets the same blocks, anchors, terms,
buckets and score (to 1e-6) from both paths. The tests skip where the extensions were not built
(`.ci/run` checks that they were).
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import lxml.etree as etree
import numpy as np
import pytest

from classifier import Scorer
from classifier.model import textchannel
from classifier.page import html_parser
from classifier.page.loader import load_page
from classifier.page.page import Page
from classifier.signals import measure_all

needs_c = pytest.mark.skipif(html_parser.walk_c is None or textchannel._ctext is None,
                             reason="the C extensions were not built on this install (setup.py)")


@contextmanager
def python_only() -> Iterator[None]:
    """Switch both compiled parts off for the duration."""
    walk, ctext = html_parser.walk_c, textchannel._ctext
    html_parser.walk_c, textchannel._ctext = None, None  # type: ignore[assignment]
    try:
        yield
    finally:
        html_parser.walk_c, textchannel._ctext = walk, ctext


def both_walks(html: str) -> tuple[object, object]:
    """(C, Python) blocks and anchors of one document."""
    def stripped() -> etree._Element:
        root = html_parser._document(html)
        etree.strip_elements(root, *html_parser.SKIP_TAGS, etree.Comment, etree.ProcessingInstruction, with_tail=False)
        etree.strip_tags(root, *html_parser.INLINE_TAGS)
        return root
    assert html_parser.walk_c is not None
    return html_parser.walk_c(stripped()), html_parser.walk_python(stripped())


TRICKY = [
    "",
    "<p>plain</p>",
    "text before any tag <div>one<a href='/x'>link <b>bold</b></a> tail</div> after",
    "<p>a <a href='1'>start<div>block inside the anchor</div>end</a> z</p>",
    "<ul><li><a href=' /spaced '>  </a></li><li><a>no href</a></li></ul>",
    "<a href='/out'>outer <a href='/in'>inner</a> rest</a>",
    "<p>x<![CDATA[cdata text]]>y &amp; &nbsp; &unknown; &#x1F600;</p>",
    "<table><tr><td>cell<td>cell two</table><br>after<hr>",
    "<p>" + "<div>" * 3000 + "deep" + "</div>" * 3000 + "</p>",
    "<p>Zürich 北京市朝阳区建国路八十八号现代城 — “quoted” ½</p>",
    "<p>surrogate \ud800 kept out</p>",
    "<html><body><p>one</p></body></html> trailing text after the root",
    "<script>var x = '<p>';</script><style>p{}</style><p>visible</p><!-- comment --><noscript>no</noscript>",
]


@needs_c
@pytest.mark.parametrize("html", TRICKY)
def test_walks_agree_on_tricky_markup(html: str) -> None:
    fast, slow = both_walks(html)
    assert fast == slow


@needs_c
@pytest.mark.parametrize("lines", [
    [], [""], ["One two two", "three"], ["2008 digits 1999 fold"], ["ünïcödé words 北京市朝阳区建国路"],
    ["a b c d e f"] * 500, ["lone \ud800 surrogate"],
])
def test_text_channel_agrees(lines: list[str]) -> None:
    fast = textchannel._grams(lines, "w:", 50, textchannel._tokens)
    slow = textchannel.grams_python(lines, "w:", 50, textchannel._tokens)
    assert list(fast.items()) == list(slow.items())
    terms = {"w": fast, "b": textchannel.grams_python(lines[::-1], "b:", 7, textchannel._tokens)}
    idx, val = textchannel.vectorise(terms)
    idx2, val2 = textchannel.vectorise_python(terms)
    assert idx.tolist() == idx2.tolist()
    np.testing.assert_allclose(val, val2, rtol=0, atol=1e-12)


@needs_c
def test_buckets_match_zlib_crc32() -> None:
    terms = {"w": textchannel.grams_python(["a few words", "ünïcödé 北京"], "w:", 100, textchannel._tokens)}
    idx, _ = textchannel.vectorise(terms)
    assert idx.tolist() == [textchannel.bucket(t) for t in terms["w"]]


@pytest.mark.parametrize("body", [
    ("Plain words.", "Second line with 2008 and 1,200 digits"), ("ΟΔΟΣ ΣΟΦΟΚΛΕΟΥΣ", "Arabic-Indic ٣٤ digits"),
    ("北京市朝阳区建国路八十八号 2024年", "snake_case_2 tokens_"), ("",),
])
def test_body_terms_from_page_tokens_equal_terms_from_lines(body: tuple[str, ...]) -> None:
    """The text channel reads the page's own body tokens; that must equal tokenising each line again."""
    page = load_page("\n".join(["Headline of the test page"] + [line for line in body if line]), kind="text")
    from_lines = textchannel.grams_python(page.body, "w:", textchannel.MAX_BODY_TOKENS, textchannel._tokens)
    assert list(textchannel.page_terms(page)["w"].items()) == list(from_lines.items())


def _pages(corpus_dir: Path) -> Iterator[tuple[str, bytes, str | None]]:
    with open(corpus_dir / "manifest.jsonl", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            raw = (corpus_dir / row["file"]).read_bytes()
            yield row["id"], gzip.decompress(raw) if row["file"].endswith(".gz") else raw, row.get("url")


@needs_c
@pytest.mark.slow
@pytest.mark.timeout(900)
def test_every_corpus_page_scores_the_same_on_both_paths(corpus_dir: Path) -> None:
    scorer = Scorer.load()

    def raw(data: bytes, url: str | None) -> tuple[Page, float]:
        """The parsed page and its unrounded score."""
        page = load_page(data, url=url, kind="html")
        reasons = scorer.explain_measures(page, measure_all(page))
        return page, scorer.bundle.score(np.array([r.value for r in reasons]))

    differ: list[str] = []
    count = 0
    for page_id, data, url in _pages(corpus_dir):
        fast_page, fast = raw(data, url)
        with python_only():
            slow_page, slow = raw(data, url)
        count += 1
        from_lines = textchannel.grams_python(fast_page.body, "w:", textchannel.MAX_BODY_TOKENS, textchannel._tokens)
        if (abs(fast - slow) > 1e-6 or fast_page.blocks != slow_page.blocks or fast_page.links != slow_page.links
                or textchannel.page_terms(fast_page)["w"] != from_lines):
            differ.append(page_id)
    assert count > 3000
    assert not differ, f"{len(differ)} pages differ between the C and the Python paths: {differ[:10]}"
