"""Crawl mode on small inline pages: copies found, the original named, credited copy left alone."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("rensa", reason="crawl mode needs the 'crawl' extra (rensa)")
pytest.importorskip("tldextract", reason="crawl mode needs the 'crawl' extra (tldextract)")

from classifier.crawl import crawl_batch, entry_of, judge  # noqa: E402
from classifier.crawl.domains import site_of  # noqa: E402
from classifier.crawl.facts import credible_day  # noqa: E402
from classifier.page.loader import load_page  # noqa: E402
from classifier.page.page import DateClaim  # noqa: E402
from classifier.scorer import Scorer  # noqa: E402

from .crawl_pages import OTHER, STORY, article  # noqa: E402

ORIG = "https://www.citypost.com/2023/09/18/bus-lanes"


def entries(pages: dict[str, str]) -> dict[str, object]:
    """Crawl entries of pages keyed by URL."""
    return {url: entry_of(load_page(html, url=url), url) for url, html in pages.items()}


def roles(pages: dict[str, str]) -> dict[str, tuple[str, str]]:
    """URL -> (role, the original's URL) for every page with a verdict."""
    return {k: (v.role, v.original.url or "") for k, v in judge(entries(pages)).items()}


def test_the_earliest_bylined_page_is_the_original_and_a_later_uncredited_copy_is_flagged() -> None:
    pages = {
        "https://dailyscrape.net/bus-lanes-news": article("x", day="2024-04-02", byline=None),
        ORIG: article(ORIG),
        "https://bakerynews.org/prize": article("y", paragraphs=OTHER),
    }
    got = roles(pages)
    assert got == {ORIG: ("original", ORIG), "https://dailyscrape.net/bus-lanes-news": ("uncredited", ORIG)}


def test_a_copy_with_a_canonical_link_or_a_credit_is_credited_syndication() -> None:
    pages = {
        ORIG: article(ORIG, site_name="City Post"),
        "https://partnerpaper.org/a": article("a", day="2023-09-19", canonical=ORIG),
        "https://portalnews.info/b": article("b", day="2023-09-19", credit="Source: City Post"),
        "https://linker.biz/c": article("c", day="2023-09-20", extra=f"<p>Read it at <a href='{ORIG}'>the Post</a></p>"),
    }
    got = roles(pages)
    assert got[ORIG] == ("original", ORIG)
    assert {got[u][0] for u in pages if u != ORIG} == {"credited"}


def test_wire_copy_on_two_outlets_is_credited_not_a_scraper() -> None:
    wire = ("WASHINGTON (AP) — " + STORY[0],) + STORY[1:]
    pages = {
        "https://outlet-one.com/story": article("1", paragraphs=wire, byline="The Associated Press"),
        "https://outlet-two.com/story": article("2", paragraphs=wire, day="2023-09-19", byline="Associated Press"),
    }
    got = roles(pages)
    assert sorted(r for r, _ in got.values()) == ["credited", "original"]


def test_a_backdated_copy_whose_url_contradicts_its_meta_date_does_not_win() -> None:
    pages = {
        ORIG: article(ORIG, byline=None),
        "https://fastcopy.net/2024/05/01/bus-lanes": article("x", day="2020-01-01", byline=None),
    }
    assert roles(pages)[ORIG][0] == "original"


def test_pages_with_only_a_shared_paragraph_are_not_copies() -> None:
    mixed = (STORY[0],) + OTHER
    assert roles({ORIG: article(ORIG), "https://othernews.net/x": article("x", paragraphs=mixed)}) == {}


def test_same_site_duplicates_are_not_copies() -> None:
    got = roles({ORIG: article(ORIG), "https://amp.citypost.com/bus": article("x", day="2023-09-19")})
    assert got == {}


def test_credible_day_prefers_declared_dates_and_notes_contradictions() -> None:
    meta = DateClaim("meta:article:published_time", "2020-01-01", "")
    assert credible_day((meta,)) == ("2020-01-01", "")
    day, note = credible_day((meta, DateClaim("url", "2024-05-01", "")))
    assert day == "2024-05-01" and "2020-01-01" in note
    assert credible_day((meta, DateClaim("url", "2020-01-02", ""))) == ("2020-01-01", "")
    assert credible_day(()) == (None, "")


def test_site_of_uses_the_public_suffix_list() -> None:
    assert site_of("https://news.bbc.co.uk/x") == "bbc.co.uk"
    assert site_of("http://headlines.yahoo.co.jp/a") == "yahoo.co.jp"
    assert site_of(None) is None


def test_crawl_batch_adds_crawl_reasons_and_raises_only_the_uncredited_copy(tmp_path: Path) -> None:
    copy_url = "https://dailyscrape.net/bus"
    files = {"orig.html": article(ORIG, canonical=ORIG),
             "copy.html": article(copy_url, day="2024-04-02", byline=None, canonical=copy_url),
             "bakery.html": article("b", paragraphs=OTHER, canonical="https://bakerynews.org/p")}
    scorer = Scorer.load()
    sources = []
    for name, html in files.items():
        (tmp_path / name).write_text(html)
        sources.append(str(tmp_path / name))
    plain = {r.source: r for r in scorer.score_many(sources)}
    crawled = {r.source: r for r in crawl_batch(scorer, sources)}
    assert set(crawled) == set(plain)
    signals = {Path(s).name: [r.signal for r in res.reasons if r.signal.startswith("crawl_")] for s, res in crawled.items()}
    assert signals == {"orig.html": ["crawl_original"], "copy.html": ["crawl_uncredited_copy"], "bakery.html": []}
    copy = crawled[str(tmp_path / "copy.html")]
    reason = next(r for r in copy.reasons if r.signal == "crawl_uncredited_copy")
    assert ORIG in reason.evidence and "credits no one" in reason.evidence and "months earlier" in reason.evidence
    assert reason.contribution > 0 and copy.score > plain[copy.source].score  # type: ignore[operator]
    for name in ("orig.html", "bakery.html"):
        assert crawled[str(tmp_path / name)].score == plain[str(tmp_path / name)].score
