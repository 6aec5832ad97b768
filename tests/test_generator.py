"""Tests of the scraper-page generator (classifier/synthetic.py) and its adversarial check.

Fast tests use two small pages written here: an article from one site and a host page from
another. The slow test runs the adversarial gate on a sample of real corpus originals.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from classifier.page.loader import load_page
from classifier.training import synthetic_forms as forms
from classifier.training.adversarial import GATE, adversarial_check, boilerplate_text, pair_by_language, split_by_group
from classifier.training.dataset import LabelledPage, load_labelled
from classifier.training.synthetic import FAMILIES, MARKERS, Generated, make_scraper_page, text_dump
from classifier.training.synthetic_dates import redate_text

_PARAS = [
    "The county council voted on Tuesday to fund a new flood barrier along the Millbrook river after two years of review.",
    "Engineers said the barrier would protect about 400 homes that flooded in 2019, when the river rose by three metres.",
    "The project will cost 12 million pounds, with half paid by a national resilience grant awarded earlier this year.",
    "Residents at the <a href='/meeting'>public meeting</a> asked whether the work would close the towpath and the riverside café for the summer.",
    "Copyright 2021 The Associated Press. All rights reserved. This material may not be published or rewritten.",
]
ARTICLE = (
    "<html><head><title>Council funds Millbrook flood barrier - Valley Gazette</title>"
    "<meta property='article:published_time' content='2021-03-04'><meta name='description' content='Flood barrier funded'>"
    "</head><body><nav><a href='/'>Home</a><a href='/news'>News</a></nav><h1>Council funds Millbrook flood barrier</h1>"
    "<div class='story'>" + "".join(f"<p>{p}</p>" for p in _PARAS) + "</div>"
    "<h3>More from the valley</h3><ul><li><a href='/a'>Millbrook towpath to close for river barrier works</a></li>"
    "<li><a href='/b'>Flood grant awarded to three valley councils this spring</a></li></ul></body></html>"
)
HOST = (
    "<html><head><title>Harbour ferry timetable changes for winter | Coastline Daily</title>"
    "<meta property='article:published_time' content='2016-11-20'><meta name='author' content='Ann Reporter'>"
    "<script type='application/ld+json'>{\"@type\": \"NewsArticle\", \"headline\": \"Harbour ferry timetable changes\","
    " \"datePublished\": \"2016-11-20\"}</script><link rel='canonical' href='https://coastline.example/news/ferry-times'>"
    "</head><body><header class='site-header'><a href='/'>Coastline Daily</a><a href='/sport'>Sport</a></header>"
    "<h1 class='entry-title'>Harbour ferry timetable changes for winter</h1><div class='byline'>Posted on November 20, 2016</div>"
    "<article class='entry-content'>"
    + "".join(f"<p>The harbour ferry company said its winter timetable would cut the late sailing on route {i}, "
              f"because passenger numbers fall sharply after the tourist season ends.</p>" for i in range(5))
    + "</article><aside class='widget'><h4>Latest</h4><ul>"
    "<li><a href='/x'>Ferry passengers face delays as harbour works begin</a></li>"
    "<li><a href='/y'>New harbour master appointed after long search</a></li>"
    "<li><a href='/z'>Lifeboat crew rescues two sailors off the point</a></li></ul></aside>"
    "<footer class='site-footer'>© Coastline Daily</footer></body></html>"
)
HOST_URL = "https://coastline.example/news/ferry-times"
OTHER = ["Pop star's surprise wedding photos leave fans stunned", "Five celebrity diets doctors say you should never try",
         "Reality TV couple announce split after three seasons", "This kitchen gadget sold out in hours: shop now",
         "Actor reveals the real reason he left the sitcom", "Lottery winner's mansion goes on sale for a record price"]


def make(seed: int, markers: bool = True, **kw: object) -> Generated:
    """A page generated from the inline article and host."""
    article = load_page(ARTICLE, url="https://valleygazette.example/news/flood", kind="html")
    return make_scraper_page(article, HOST, OTHER, random.Random(seed), markers=markers, article_html=ARTICLE,
                             host_url=HOST_URL, **kw)  # type: ignore[arg-type]


def visible(g: Generated) -> str:
    """Everything a reader (or a text dump) of the page sees, title first."""
    page = load_page(g.html, url=g.url, kind="html")
    return page.title + "\n" + (g.text or text_dump(g.html, g.url))


def _words(table: dict[str, tuple[str, ...]]) -> list[str]:
    """Every form in a per-language table, with its placeholders cut off."""
    return [re.split(r"\{", f)[0].strip() for forms_ in table.values() for f in forms_ if re.split(r"\{", f)[0].strip()]


def _has_any(text: str, words: list[str]) -> bool:
    """True when one of ``words`` appears in ``text``."""
    return any(w in text for w in words)


_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
#: How each marker shows on a page; none of these holds for the marker-free transplant.
EVIDENCE = {
    "breadcrumb": lambda g, t: bool(re.search(r"(Home|Homepage|首页|网站首页|Startseite|News)\s*(>|»|/|›|\||→|>>|::)", t)),
    "brand_suffix": lambda g, t: bool(re.search(r"(" + "|".join(forms._BRANDS_B) + r")\s*$", load_page(g.html).title)),
    "brand_domain": lambda g, t: "coastline.example" not in (g.url or ""),
    "counter": lambda g, t: any(re.search(re.escape(w) + r".{0,4}\d", t) or re.search(r"\d\S?\s*" + re.escape(w), t)
                                for ws in forms._COUNTER_WORDS.values() for s in ws for w in s),
    "view_count": lambda g, t: bool(re.search(r"^(Views?|浏览|阅读|点击|Aufrufe|Hits|👁|Vues|Просмотров|\d[\d,.k]* (views|Views|reads))"
                                              r"|Read \d", t, re.M)) or "\nView\n" in t or " View " in t,
    "fake_date": lambda g, t: bool(re.search(r"202[2-5]", t)),
    "related": lambda g, t: any(o in t for o in OTHER),
    "source_line": lambda g, t: "valleygazette.example" in t or _has_any(t, _words(forms._SOURCE_LINES)),
    "wire_uncredited": lambda g, t: bool(re.search(r"\((AP|Reuters|AFP|dpa|EFE)\)", t)) and "Associated Press" not in t,
    "generic_author": lambda g, t: load_page(g.html).meta.get("author") in forms._AUTHORS,
    "chatbot": lambda g, t: _has_any(t, _words(forms._CHATBOT)),
    "adverts": lambda g, t: bool(re.search(r"^(" + "|".join(map(re.escape, _words(forms._AD_LABELS))) + ")", t, re.M)),
    "pagination": lambda g, t: bool(re.search(r"Next|Page 1|1 / \d|下一页|第1页", t)),
    "excerpt": lambda g, t: "riverside café" not in t,
    "repeat": lambda g, t: t.count("Engineers said the barrier") >= 2,
    "drop_schema": lambda g, t: "application/ld+json" not in g.html,
    "mojibake": lambda g, t: bool(re.search("[âÃ]", t)),
    "llm_style": lambda g, t: _has_any(t, [o.strip(", ") for o in forms._LLM_OPENERS]),
}


def test_every_marker_has_a_test() -> None:
    assert set(EVIDENCE) == set(MARKERS)


@pytest.mark.parametrize("marker", MARKERS)
def test_each_marker_shows_on_the_page(marker: str) -> None:
    hits = [EVIDENCE[marker](g, visible(g)) for g in (make(s, chosen=[marker], family="portal") for s in range(6))]
    assert all(hits), f"{marker} missing on seeds {[i for i, h in enumerate(hits) if not h]}"


@pytest.mark.parametrize("family", list(FAMILIES))
def test_marker_free_pages_show_no_marker(family: str) -> None:
    for seed in range(6):
        g = make(seed, markers=False, family=family)
        assert g.markers == ()
        t = visible(g)
        shown = [m for m, check in EVIDENCE.items() if check(g, t)]
        assert shown == [], f"seed {seed}: {shown}"


def test_every_marker_and_family_is_drawn() -> None:
    pages = [make(seed) for seed in range(300)]
    assert {m for g in pages for m in g.markers} == set(MARKERS)
    assert {g.family for g in pages} == set(FAMILIES)
    assert any(g.markers == () for g in pages), "pure transplants must exist among marker pages"
    counts = {m: sum(m in g.markers for g in pages) for m in MARKERS}
    assert max(counts.values()) < 0.5 * len(pages), f"one marker is nearly always there: {counts}"


def test_outputs_vary_across_seeds() -> None:
    pages = [make(seed) for seed in range(20)]
    assert len({g.html for g in pages}) >= 18  # two pure transplants of one pair may coincide
    assert len({g.markers for g in pages}) >= 12
    crumbs = {re.sub(r"[^>»/›|→:]", "", visible(g).split("\n")[0]) for g in (make(s, chosen=["breadcrumb"]) for s in range(30))}
    assert len(crumbs) >= 4, "breadcrumb separators and placement should vary"


def test_page_parses_and_carries_the_article() -> None:
    for seed in range(10):
        g = make(seed, markers=False)
        page = load_page(g.html, url=g.url, kind="html")
        assert "Council funds Millbrook flood barrier" in page.title
        assert any("400 homes" in p for p in page.body)
        assert not any("harbour ferry company" in p for p in page.body), "the host's own article must be gone"
        assert "<a href=\"/meeting\">public meeting</a>" in g.html, "inline markup of the article is kept"


def test_marker_free_page_takes_the_article_date_and_host_site() -> None:
    g = make(0, markers=False, family="portal")
    page = load_page(g.html, url=g.url, kind="html")
    assert {c.day for c in page.dates} == {"2021-03-04"}
    assert (g.url or "").startswith("https://coastline.example/news/")
    assert "Harbour ferry timetable" not in g.html, "the host's headline is renamed everywhere"
    assert page.title.endswith("| Coastline Daily"), "the title keeps the host's own suffix"


def test_marker_free_page_lists_only_the_articles_own_headlines() -> None:
    host_items = ["Ferry passengers face delays as harbour works begin", "New harbour master appointed after long search",
                  "Lifeboat crew rescues two sailors off the point"]
    own = ["Millbrook towpath to close for river barrier works", "Flood grant awarded to three valley councils this spring"]
    for seed in range(10):
        g = make(seed, markers=False, family="portal")
        page = load_page(g.html, url=g.url, kind="html")
        listed = [item for lst in page.link_lists for item in lst.items]
        assert not any(h in g.html for h in host_items), f"seed {seed}: a host headline is left, off-topic"
        assert set(listed) <= set(own), f"seed {seed}: {listed}"


def test_text_family_is_a_plain_text_dump() -> None:
    g = make(1, family="text", chosen=["counter", "breadcrumb"])
    assert g.text is not None and "<" not in g.text
    page = load_page(g.text, kind="text")
    assert any("400 homes" in p for p in page.body)


def test_host_without_paragraphs_is_refused() -> None:
    article = load_page(ARTICLE, kind="html")
    with pytest.raises(ValueError):
        make_scraper_page(article, "<html><body><div>menu</div></body></html>", OTHER, random.Random(0))


def test_redate_text_keeps_the_format() -> None:
    from datetime import date

    day = date(2011, 3, 5)
    assert redate_text("Posted on April 14, 2025", day) == "Posted on March 5, 2011"
    assert redate_text("2019年09月11日 发布", day) == "2011年03月05日 发布"
    assert redate_text("/news/2019/09/11/story", day) == "/news/2011/03/05/story"
    assert redate_text("14.04.2025", day) == "05.03.2011"
    assert redate_text("no date here", day) == "no date here"


def test_boilerplate_text_has_short_lines_and_attribute_tokens() -> None:
    page = load_page(HOST, kind="html")
    text = boilerplate_text(page, HOST)
    assert "attr_site-header" in text and "attr_entry-title" in text
    assert "heading Latest" in text
    assert "winter timetable would cut" not in text


def _row(i: int, group: str, lang: str) -> LabelledPage:
    """A minimal labelled row."""
    return LabelledPage(id=str(i), label="original", category="original", group=group, lang=lang, confidence=None,
                        url=None, published=None, origin=str(i), path=None, html=ARTICLE, text=None)


def test_halves_share_no_site_and_pairs_share_a_language() -> None:
    from classifier.training.adversarial import read_material

    rows = [_row(i, f"site{i % 7}", "en" if i % 2 else "de") for i in range(28)]
    material = read_material(rows)
    real, stuff = split_by_group(material, random.Random(0))
    assert real and stuff and not {m.row.group for m in real} & {m.row.group for m in stuff}
    pairs = pair_by_language(stuff, random.Random(0))
    assert sum(a.row.lang == b.row.lang for a, b in pairs) >= len(pairs) - 1


def test_trainer_makes_generated_pages_with_the_new_api(tmp_path: Path) -> None:
    from classifier.training.trainer import make_generated

    hosts = [HOST.replace("Coastline Daily", f"Coastline {k}") for k in range(4)]
    pages = [ARTICLE.replace("Valley Gazette", f"Valley {k}") for k in range(4)] + hosts
    rows = []
    for k, html in enumerate(pages):
        path = tmp_path / f"p{k}.html"
        path.write_text(html)
        rows.append(LabelledPage(id=f"p{k}", label="original", category="original", group=f"g{k}", lang="en",
                                 confidence=None, url=None, published=None, origin=str(path), path=path, html=None,
                                 text=None))
    made, bare = make_generated(rows, 6, random.Random(0))
    assert made and len(made) == len(bare)
    assert all(p.generated and p.label == "low_quality" and (p.html or p.text) for p in made + bare)


@pytest.mark.slow
def test_adversarial_gate_on_corpus_originals(corpus_dir: Path) -> None:
    originals = [p for p in load_labelled([corpus_dir / "manifest.jsonl"]).pages if p.label == "original"]
    result = adversarial_check(originals, sample=300, seed=0, jobs=1)
    assert result.n_generated >= 100 and result.n_real >= 100
    assert result.signal_auc <= GATE, result
    assert result.ngram_auc <= GATE, result
