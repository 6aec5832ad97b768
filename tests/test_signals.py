"""Every registered signal on small inline pages: one that should fire and one that should not.

Each case is one row of ``CASES``: the signal, a page written for it, the range its value must
fall in and, for cases where the signal fires, text its evidence must mention. A signal added to
the registry without a firing and a quiet case here fails ``test_every_signal_has_cases``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest

from classifier import signals as signals_module
from classifier.page.loader import InputKind, load_page
from classifier.page.page import Page
from classifier.signals import SIGNALS, Measure, Signal, measure_all, signal_versions

FUNCS = {s.name: s.func for s in SIGNALS}

# --- page material (all written for these tests) ------------------------------------------

URL = "https://www.riverside-gazette.com/news/bridge-repair"
TITLE = "Council approves bridge repair budget"
P1 = (
    "The Riverside town council voted on Tuesday to spend four million dollars repairing "
    "the old stone bridge that carries the main road over the river."
)
P2 = (
    "Engineers told the council that the bridge has cracks in two of its arches and that "
    "heavy lorries should stay off it until the repair work is finished."
)
P3 = (
    "The mayor said the repair would start in the spring and that a temporary footbridge "
    "would keep the market open for shoppers during the works."
)
ARTICLE = f"<p>{P1}</p><p>{P2}</p><p>{P3}</p>"
MENU = (
    '<ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li>'
    '<li><a href="/sport">Sport</a></li><li><a href="/weather">Weather</a></li></ul>'
)
OFFTOPIC = (
    "Celebrity chef opens a bakery in Paris",
    "Rugby club signs a young goalkeeper",
    "Storm warning issued for coastal villages",
    "Pop singer announces farewell concert tour",
)
ONTOPIC = (
    "Bridge repair timetable published by the council",
    "Council answers questions about the bridge budget",
    "Repair crews inspect the bridge arches",
)
HTTP_DATE = {"Date": "Mon, 01 Jan 2024 00:00:00 GMT"}


def story_list(items: tuple[str, ...], heading: str = "Related") -> str:
    """A list of headline links, under ``heading`` when it is not empty."""
    lis = "".join(f'<li><a href="/story/{i}">{text}</a></li>' for i, text in enumerate(items))
    return (f"<h3>{heading}</h3>" if heading else "") + f"<ul>{lis}</ul>"


def html(body: str, title: str = TITLE, head: str = "") -> str:
    """A small HTML document."""
    return f"<html><head><title>{title}</title>{head}</head><body>{body}</body></html>"


def meta(key: str, value: str, attr: str = "property") -> str:
    """A ``<meta>`` tag."""
    return f'<meta {attr}="{key}" content="{value}">'


def jsonld(obj: object) -> str:
    """A JSON-LD script tag."""
    return f'<script type="application/ld+json">{json.dumps(obj)}</script>'


# --- the case table ----------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One signal on one page: the allowed value range and the evidence it must mention."""

    signal: str
    id: str
    source: str
    lo: float
    hi: float
    evidence: tuple[str, ...] = ()
    url: str | None = URL
    headers: Mapping[str, str] = field(default_factory=dict)
    kind: InputKind = "html"

    @property
    def fires(self) -> bool:
        """True for a positive case: the signal must give a value above zero."""
        return self.lo > 0

    def page(self) -> Page:
        """The parsed page."""
        return load_page(self.source, url=self.url, headers=self.headers, kind=self.kind)


POS = math.inf  # upper bound for "any positive value"


def pos(
    signal: str, label: str, source: str, *evidence: str, lo: float = 1e-9, hi: float = POS, **kw: Any
) -> Case:
    """A case where ``signal`` fires, with the evidence it must mention."""
    return Case(signal, label, source, lo, hi, evidence, **kw)


def neg(signal: str, label: str, source: str, hi: float = 0.0, **kw: Any) -> Case:
    """A case where ``signal`` stays at zero (or at most ``hi``)."""
    return Case(signal, label, source, 0.0, hi, **kw)


CASES: tuple[Case, ...] = (
    # related
    pos("related_offtopic_share", "unrelated-headlines", html(ARTICLE + story_list(OFFTOPIC)),
        "4/4", "Celebrity chef", lo=1.0, hi=1.0),
    pos("related_offtopic_share", "half-unrelated", html(ARTICLE + story_list(OFFTOPIC[:2] + ONTOPIC[:2])),
        "2/4", lo=0.5, hi=0.5),
    neg("related_offtopic_share", "on-topic-headlines", html(ARTICLE + story_list(ONTOPIC))),
    neg("related_offtopic_share", "no-lists", html(ARTICLE)),
    pos("related_offtopic_lists", "offsite-unrelated",
        html(ARTICLE + story_list(OFFTOPIC).replace('href="/', 'href="https://feed.example/')), "4/4", lo=0.4),
    neg("related_offtopic_lists", "on-topic-headlines", html(ARTICLE + story_list(ONTOPIC))),
    pos("related_offtopic_density", "unrelated-headlines", html(ARTICLE + story_list(OFFTOPIC)),
        "off-topic headlines", lo=0.1, hi=3.0),
    neg("related_offtopic_density", "on-topic-headlines", html(ARTICLE + story_list(ONTOPIC))),
    pos("related_named_lists", "related-heading", html(ARTICLE + story_list(OFFTOPIC)),
        "Related", lo=1.0, hi=1.0),
    pos("related_named_lists", "two-headings",
        html(ARTICLE + story_list(OFFTOPIC, "Most read") + "<p>" + P1 + "</p>" + story_list(ONTOPIC, "Related")),
        "Most read", "Related", lo=2.0, hi=2.0),
    neg("related_named_lists", "list-without-heading", html(ARTICLE + story_list(OFFTOPIC, heading=""))),
    # junk
    pos("junk_reaction_counter", "vote-counters",
        html(ARTICLE + "<div>veryGood! (6745)</div><div>Like (12)</div>"), "veryGood! (6745)", lo=2.0, hi=2.0),
    pos("junk_reaction_counter", "text-page-counter", f"{TITLE}\n{P1}\nwow (31)\nsad (4)\n", "wow (31)",
        lo=2.0, hi=2.0, kind="text"),
    neg("junk_reaction_counter", "numbers-in-brackets",
        html(ARTICLE + "<div>Chapter (12)</div>"
             "<p>Readers who like (12) different bridges wrote to the council about the plan.</p>")),
    pos("junk_breadcrumb_title", "you-are-here-title",
        html(ARTICLE, title="You are here: Home > News > " + TITLE), "You are here", lo=1.0, hi=1.0),
    pos("junk_breadcrumb_title", "glued-first-line", f"Current:Home > News{TITLE}\n{P1}\n",
        "Current:Home > News", lo=1.0, hi=1.0, kind="text"),
    neg("junk_breadcrumb_title", "clean-title", html(ARTICLE)),
    neg("junk_breadcrumb_title", "separate-nav-trail", html("<div>Home &gt; News</div>" + ARTICLE)),
    pos("junk_template_leftover", "insert-placeholder",
        html(ARTICLE + "<p>Contact [Insert company name] in {{city}} today.</p>"),
        "[Insert company name]", lo=2.0, hi=2.0),
    pos("junk_template_leftover", "lorem-ipsum", html("<p>Lorem ipsum dolor sit amet.</p>" + ARTICLE),
        "Lorem ipsum", lo=1.0, hi=1.0),
    neg("junk_template_leftover", "ordinary-brackets",
        html(ARTICLE + "<p>The mayor [sic] spoke {briefly} about the bridge.</p>")),
    pos("junk_chatbot_phrase", "assistant-preamble",
        html("<p>Certainly! Here is the council vote on the bridge repair budget, written for the "
             "readers of the local paper in the town.</p>" + ARTICLE), "Certainly! Here is", lo=1.0),
    pos("junk_chatbot_phrase", "ai-disclaimer",
        html(ARTICLE + "<p>As an AI language model, I cannot check whether the bridge is safe to "
             "cross for the lorries.</p>"), "As an AI language model", lo=1.0),
    neg("junk_chatbot_phrase", "article-about-ai",
        html(ARTICLE + "<p>The engineers used artificial intelligence software to find the cracks "
             "in the arches of the bridge last year.</p>")),
    pos("junk_spun_phrase", "synonym-swaps",
        html(ARTICLE + "<p>Experts in synthetic intelligence and profound studying stated in a press "
             "release that the bridge needs work.</p>"), "synthetic intelligence", lo=3.0, hi=3.0),
    neg("junk_spun_phrase", "plain-phrasing",
        html(ARTICLE + "<p>Experts in artificial intelligence and deep learning said in a statement "
             "that the bridge needs work.</p>")),
    pos("junk_advert_lines", "advert-lines",
        html(f"<p>{P1}</p><div>Advertisement</div><p>{P2}</p><div>ADVERTISEMENT</div><p>{P3}</p>"),
        "2 'Advertisement' lines", lo=20 / 3 - 0.01, hi=20 / 3 + 0.01),
    neg("junk_advert_lines", "word-in-sentence",
        html(ARTICLE + "<p>The council placed an advertisement for engineers to repair the bridge "
             "before the spring.</p>")),
    pos("junk_mojibake", "utf8-read-as-cp1252",
        html(ARTICLE + "<p>The mayor said the bridge isnâ€™t safe and the cafÃ© beside it will close until the "
             "repair is done.</p>"), "2 mis-decoded characters", "â€™", lo=1.0, hi=20.0),
    neg("junk_mojibake", "clean-accents",
        html(ARTICLE + "<p>The mayor said the bridge isn’t safe and the café beside it will close until the "
             "repair is done.</p>")),
    pos("junk_llm_style", "stock-phrases",
        html(ARTICLE + "<p>In today's fast-paced world, the bridge plays a crucial role for the town. It's important "
             "to note that the repair is a testament to the council's care, and in conclusion, residents can now "
             "delve into the plans at the library.</p>"), "stock phrases", lo=1.0),
    neg("junk_llm_style", "plain-reporting", html(ARTICLE)),
    pos("junk_clickbait_title", "you-wont-believe",
        html(ARTICLE, title="You Won't Believe What the Council Did to the Old Bridge"), "You Won't Believe",
        lo=1.0, hi=1.0),
    neg("junk_clickbait_title", "plain-headline", html(ARTICLE)),
    # dates
    pos("dates_claims_disagree", "meta-vs-jsonld",
        html(ARTICLE, head=meta("article:published_time", "2021-03-01T08:00:00Z")
             + jsonld({"@type": "NewsArticle", "datePublished": "2023-06-10"})),
        "2021-03-01", "2023-06-10", "831 days", lo=math.log1p(831) - 1e-6, hi=math.log1p(831) + 1e-6),
    pos("dates_claims_disagree", "url-vs-text-line", f"{TITLE}\nDate: 2020-01-05\n{P1}\n",
        "2019-12-09", "2020-01-05", url="https://copy.example.com/2019/12/09/bridge", kind="text"),
    neg("dates_claims_disagree", "same-day",
        html(ARTICLE, head=meta("article:published_time", "2023-06-10T08:00:00Z")
             + jsonld({"@type": "NewsArticle", "datePublished": "2023-06-10T09:30:00+02:00"}))),
    neg("dates_claims_disagree", "single-claim", html(ARTICLE, head=meta("article:published_time", "2023-06-10"))),
    pos("dates_future", "years-ahead", html(ARTICLE, head=meta("article:published_time", "2030-01-01")),
        "2030-01-01", "days in the future", lo=math.log1p(2192) - 1e-6, hi=math.log1p(2192) + 1e-6,
        headers=HTTP_DATE),
    neg("dates_future", "day-before-fetch", html(ARTICLE, head=meta("article:published_time", "2023-12-31")),
        headers=HTTP_DATE),
    neg("dates_future", "http-date-is-reference", html(ARTICLE, head=meta("article:published_time", "2060-01-01")),
        headers={"Date": "Sat, 01 Jan 2060 12:00:00 GMT"}),
    neg("dates_future", "last-modified-ignored", html(ARTICLE),
        headers={"Last-Modified": "Fri, 01 Jan 2100 00:00:00 GMT", **HTTP_DATE}),
    pos("dates_after_text", "old-story-new-date",
        html(f"<p>{P1} The bridge was last repaired in 2015 and inspected in 2016.</p><p>{P2}</p>",
             head=meta("article:published_time", "2024-05-01")),
        "2024", "2016", lo=8.0, hi=8.0),
    neg("dates_after_text", "text-mentions-claim-year",
        html(f"<p>{P1} The works are planned for 2024 after the inspection in 2023.</p><p>{P2}</p>",
             head=meta("article:published_time", "2024-05-01"))),
    pos("dates_anachronism", "president-after-term",
        html(ARTICLE + f"<p>{P1} President Barack Obama will open it.</p>", head=meta("article:published_time", "2019-05-01")),
        "Obama", lo=1.0),
    neg("dates_anachronism", "president-in-term",
        html(ARTICLE + f"<p>{P1} President Barack Obama will open it.</p>", head=meta("article:published_time", "2012-05-01"))),
    neg("dates_after_text", "no-years-in-text", html(ARTICLE, head=meta("article:published_time", "2024-05-01"))),
    pos("dates_missing", "no-claims", html(ARTICLE), "no publication date", lo=1.0, hi=1.0),
    pos("dates_missing", "only-last-modified", html(ARTICLE), "no publication date", lo=1.0, hi=1.0,
        headers={"Last-Modified": "Mon, 01 Jan 2024 00:00:00 GMT"}),
    neg("dates_missing", "jsonld-date", html(ARTICLE, head=jsonld({"@type": "NewsArticle", "datePublished": "2023-06-10"}))),
    neg("dates_missing", "date-line-in-text", f"{TITLE}\nDate: 2024-03-05\n{P1}\n", kind="text"),
    neg("dates_missing", "date-in-url", html(ARTICLE), url="https://www.riverside-gazette.com/2023/06/10/bridge"),
    # syndication
    pos("synd_title_suffix_foreign", "glued-foreign-suffix", html(ARTICLE, title=TITLE + " -NewsWire"),
        "-NewsWire", "riverside-gazette.com", lo=1.0, hi=1.0),
    pos("synd_title_suffix_foreign", "other-domain-suffix", html(ARTICLE, title=TITLE + " | dailynewsfeed.com"),
        "dailynewsfeed.com", lo=1.0, hi=1.0),
    neg("synd_title_suffix_foreign", "own-site-name", html(ARTICLE, title=TITLE + " - Riverside Gazette")),
    neg("synd_title_suffix_foreign", "own-site-glued", html(ARTICLE, title=TITLE + " -RiversideGazette")),
    neg("synd_title_suffix_foreign", "no-suffix", html(ARTICLE)),
    pos("synd_wire_unattributed", "bare-ap-dateline", html(f"<p>RIVERSIDE (AP) — {P1}</p><p>{P2}</p>"),
        "(AP) —", "Associated Press", lo=1.0, hi=1.0),
    neg("synd_wire_unattributed", "credited",
        html(f"<p>RIVERSIDE (AP) — {P1}</p><p>{P2}</p><p>The Associated Press contributed to this report.</p>")),
    neg("synd_wire_unattributed", "on-wire-site", html(f"<p>RIVERSIDE (AP) — {P1}</p><p>{P2}</p>"),
        url="https://apnews.com/article/bridge"),
    neg("synd_wire_unattributed", "no-dateline", html(ARTICLE)),
    neg("synd_wire_unattributed", "licensed-and-credited",
        html(f"<p>RIVERSIDE (AP) — {P1}</p><p>{P2}</p><p>Copyright 2024 The Associated Press.</p>")),
    pos("synd_attribution_lines", "originally-appeared",
        html(ARTICLE + "<p>This story originally appeared on the Valley Courier.</p>"),
        "originally appeared", lo=1.0, hi=1.0),
    pos("synd_attribution_lines", "source-line", html(ARTICLE + "<div>Source: Valley Courier</div>"),
        "Source: Valley Courier", lo=1.0, hi=1.0),
    neg("synd_attribution_lines", "image-credit",
        html(ARTICLE + "<div>Source: Wikimedia Commons</div><div>Source: Bureau of Labor Statistics data</div>")),
    neg("synd_attribution_lines", "sources-headline",
        html(ARTICLE + "<h2>Sources: despite huge sales, the studio's developers are getting stiffed on bonuses</h2>")),
    neg("synd_attribution_lines", "word-source-in-prose",
        html(ARTICLE + "<p>The source of the cracks is water that freezes inside the stone.</p>")),
    pos("synd_author_generic", "meta-admin", html(ARTICLE, head=meta("author", "admin", "name")),
        "admin", lo=1.0, hi=1.0),
    pos("synd_author_generic", "jsonld-staff-writer",
        html(ARTICLE, head=jsonld({"@type": "NewsArticle", "author": [{"@type": "Person", "name": "Staff Writer"}]})),
        "Staff Writer", lo=1.0, hi=1.0),
    neg("synd_author_generic", "named-author", html(ARTICLE, head=meta("author", "Maria Lopez", "name"))),
    pos("synd_author_missing", "no-author", html(ARTICLE), "no author", lo=1.0, hi=1.0),
    neg("synd_author_missing", "jsonld-author",
        html(ARTICLE, head=jsonld({"@type": "NewsArticle", "author": {"@type": "Person", "name": "Maria Lopez"}}))),
    neg("synd_author_missing", "text-page", f"{TITLE}\n{P1}\n", kind="text"),
    pos("synd_canonical_elsewhere", "canonical-to-other-site",
        html(ARTICLE, head='<link rel="canonical" href="https://www.riverside-gazette.com/news/bridge">'),
        "riverside-gazette.com", lo=1.0, hi=1.0, url="https://copycat-news.com/bridge"),
    neg("synd_canonical_elsewhere", "canonical-to-self",
        html(ARTICLE, head='<link rel="canonical" href="https://riverside-gazette.com/news/bridge-repair">')),
    neg("synd_canonical_elsewhere", "canonical-to-subdomain",
        html(ARTICLE, head='<link rel="canonical" href="https://m.riverside-gazette.com/news/bridge-repair">')),
    pos("synd_article_schema_missing", "no-schema", html(ARTICLE), "Article", lo=1.0, hi=1.0),
    neg("synd_article_schema_missing", "graph-newsarticle",
        html(ARTICLE, head=jsonld({"@context": "https://schema.org",
                                   "@graph": [{"@type": "WebPage"}, {"@type": ["NewsArticle"]}]}))),
    neg("synd_article_schema_missing", "og-type-article", html(ARTICLE, head=meta("og:type", "article"))),
    neg("synd_article_schema_missing", "text-page", f"{TITLE}\n{P1}\n", kind="text"),
    # text quality
    pos("text_word_count", "article", html(ARTICLE), "78 body words", lo=math.log10(79) - 1e-6, hi=math.log10(79) + 1e-6),
    neg("text_word_count", "menu-only", html(MENU)),
    pos("text_mean_word_length", "article", html(ARTICLE), "78 body words", "characters on average", lo=3.5, hi=6.0),
    neg("text_mean_word_length", "menu-only", html(MENU)),
    pos("text_stopword_share", "prose", html(ARTICLE), "of 78 body words are function words", lo=0.25, hi=0.7),
    neg("text_stopword_share", "keyword-stuffing",
        html("<p>cheap flights cheap hotels best price bargain holiday deals discount tickets sale online "
             "booking</p>")),
    pos("text_punctuated_lines", "sentences", html(ARTICLE), "3 of 3 body paragraphs", lo=1.0, hi=1.0),
    neg("text_punctuated_lines", "menu-only", html(MENU)),
    pos("text_duplicate_lines", "repeated-banner",
        html(ARTICLE + "<div>Subscribe to our newsletter for daily local updates</div>" * 2),
        "1 repeated blocks", lo=0.2, hi=0.2),
    neg("text_duplicate_lines", "unique-blocks", html(ARTICLE)),
    pos("text_body_repeated", "article-pasted-twice", html(ARTICLE + ARTICLE), "3 of 6 paragraphs repeated",
        lo=0.5, hi=0.5),
    neg("text_body_repeated", "article-once", html(ARTICLE)),
    pos("text_short_lines", "menu-and-article", html(MENU + ARTICLE), "4 of 7 blocks", lo=4 / 7, hi=4 / 7),
    neg("text_short_lines", "article-only", html(ARTICLE)),
    pos("text_compression_ratio", "varied-prose", html(ARTICLE), "bytes of text compress to", lo=0.4, hi=1.0),
    pos("text_compression_ratio", "too-short", html("<p>Short note.</p>"), "too few", lo=1.0, hi=1.0),
    neg("text_compression_ratio", "repeated-boilerplate",
        html("<div>Share this story on social media with your friends</div>" * 200), hi=0.1),
    pos("text_link_share", "menu-and-article", html(MENU + ARTICLE), "20 of", "link text", lo=0.04, hi=0.05),
    pos("text_link_share", "menu-only", html(MENU), "link text", lo=1.0, hi=1.0),
    neg("text_link_share", "no-links", html(ARTICLE)),
    neg("text_link_share", "text-page", f"{TITLE}\n{P1}\n", kind="text"),
    pos("text_body_share", "article-only", html(ARTICLE), "article body", lo=1.0, hi=1.0),
    neg("text_body_share", "menu-only", html(MENU)),
    pos("input_is_text", "text-page", f"{TITLE}\n{P1}\n", "plain-text", lo=1.0, hi=1.0, kind="text"),
    neg("input_is_text", "html-page", html(ARTICLE)),
)


@pytest.mark.parametrize("case", CASES, ids=[f"{c.signal}-{'pos' if c.fires else 'neg'}-{c.id}" for c in CASES])
def test_signal_case(case: Case) -> None:
    """The signal's value falls in the case's range; a firing signal shows its evidence."""
    measure = FUNCS[case.signal](case.page())
    assert isinstance(measure, Measure)
    assert math.isfinite(measure.value)
    assert case.lo <= measure.value <= case.hi, f"{case.signal} = {measure.value} ({measure.evidence!r})"
    if case.fires:
        assert measure.evidence, f"{case.signal} fired without evidence"
    for needle in case.evidence:
        assert needle.lower() in measure.evidence.lower(), f"{needle!r} not in {measure.evidence!r}"


def test_every_signal_has_cases() -> None:
    """Every registered signal has a firing case and a quiet case, each firing case naming its evidence."""
    names = {s.name for s in SIGNALS}
    assert {c.signal for c in CASES} <= names, "cases for signals that are not registered"
    for name in sorted(names):
        mine = [c for c in CASES if c.signal == name]
        assert any(c.fires for c in mine), f"{name} has no positive case"
        assert any(not c.fires for c in mine), f"{name} has no negative case"
    assert all(c.evidence for c in CASES if c.fires), "a positive case does not say what its evidence shows"
    ids = [(c.signal, c.id) for c in CASES]
    assert len(ids) == len(set(ids)), "duplicate case ids"


# --- the registry --------------------------------------------------------------------------


def test_registry_rows_are_documented_and_unique() -> None:
    """Each signal has a unique name, a known family, a version and a one-line doc."""
    names = [s.name for s in SIGNALS]
    assert len(names) == len(set(names))
    for s in SIGNALS:
        assert isinstance(s, Signal)
        assert s.name and s.name == s.name.strip().lower()
        assert s.family in {"related", "junk", "dates", "syndication", "quality"}
        assert isinstance(s.version, int) and s.version >= 1
        assert s.doc.strip(), f"{s.name} has no docstring"
        assert "\n" not in s.doc
    assert signal_versions() == {s.name: s.version for s in SIGNALS}


def test_measure_all_measures_every_signal() -> None:
    """measure_all returns one finite measure per registered signal, in registry order."""
    page = load_page(html(ARTICLE + story_list(OFFTOPIC)), url=URL)
    out = measure_all(page)
    assert list(out) == [s.name for s in SIGNALS]
    assert all(math.isfinite(m.value) for m in out.values())


def test_measure_all_past_budget_raises() -> None:
    """Past the time budget the page is not measured at all (never the rest counted as 0)."""
    from classifier.errors import PageBudgetError

    with pytest.raises(PageBudgetError, match="page time budget of -1 s used up after 0 of"):
        measure_all(load_page(html(ARTICLE), url=URL), budget=-1.0)


def test_measure_all_survives_a_broken_signal(monkeypatch: pytest.MonkeyPatch) -> None:
    """A signal that raises counts as 0 with its error as evidence; the others still run."""

    def broken(page: Page) -> Measure:
        """Always fails."""
        raise ZeroDivisionError("boom")

    rows = (Signal("broken", "junk", broken), *SIGNALS[:2])
    monkeypatch.setattr(signals_module, "SIGNALS", rows)
    out = measure_all(load_page(html(ARTICLE), url=URL))
    assert out["broken"] == Measure(0.0, "signal failed: ZeroDivisionError")
    assert set(out) == {r.name for r in rows}
