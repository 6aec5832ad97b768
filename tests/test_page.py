"""The loader and parsers: from bytes or text to a :class:`Page` with blocks, links, metadata and dates."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest

from classifier.errors import InputError
from classifier.page.loader import load_page, looks_like_html
from classifier.page.page import Block, Page, host_of

SEED = Path(__file__).parents[1].parent / "shared" / "seeds" / "000_20fef6640e83dfd0.txt"

PROSE = (
    "The harbour authority said on Friday that the new ferry terminal will open in the autumn "
    "after two years of delays caused by flooding."
)
PROSE2 = (
    "Passengers will be able to buy tickets at machines inside the hall, and the old wooden "
    "pier will be kept as a fishing platform for the town."
)


def html(body: str, head: str = "", title: str = "Ferry terminal to open in autumn") -> str:
    """A small HTML document."""
    return f"<html><head><title>{title}</title>{head}</head><body>{body}</body></html>"


def ld(obj: object) -> str:
    """A JSON-LD script tag."""
    return f'<script type="application/ld+json">{json.dumps(obj)}</script>'


def claims(page: Page) -> dict[str, str]:
    """Date claims by source."""
    return {c.source: c.day for c in page.dates}


# --- blocks, links, body ---------------------------------------------------------------------


def test_blocks_and_link_density() -> None:
    """Block elements become blocks; characters inside anchors count as link characters."""
    page = load_page(html('<p>Read the <a href="/plan">harbour plan</a> here.</p><div>Plain words</div>'))
    assert page.kind == "html"
    assert page.blocks[0] == Block("Read the harbour plan here.", len("harbour plan"), "p")
    assert page.blocks[0].link_density == pytest.approx(12 / 27)
    assert page.blocks[1].text == "Plain words"
    assert page.blocks[1].link_density == 0.0
    assert Block("").link_density == 0.0


def test_hidden_elements_are_not_visible_text() -> None:
    """Scripts, styles, templates and form controls give no blocks."""
    page = load_page(html(
        "<script>var hidden = 1;</script><style>p {color: red}</style><template><p>tpl</p></template>"
        "<select><option>Choice</option></select><p>Shown text</p>", head="<style>.x{}</style>",
    ))
    assert [b.text for b in page.blocks] == ["Shown text"]


def test_inline_elements_stay_in_one_block_and_whitespace_collapses() -> None:
    """Inline tags do not split a block; runs of white space become one space."""
    page = load_page(html("<p>One <b>bold</b>\n\n  and <i>italic</i>\tword</p>"))
    assert [b.text for b in page.blocks] == ["One bold and italic word"]


def test_body_keeps_prose_and_drops_lists_and_short_blocks() -> None:
    """The body is the prose blocks: no menus, no headline lists, no repeats."""
    items = "".join(f'<li><a href="/s{i}">Headline number {i} about something else</a></li>' for i in range(4))
    page = load_page(html(f"<nav><a href='/'>Home</a></nav><p>{PROSE}</p><p>{PROSE}</p><p>{PROSE2}</p>"
                          f"<h2>Most read</h2><ul>{items}</ul>"))
    assert page.body == (PROSE, PROSE2)
    assert page.body_text == f"{PROSE}\n{PROSE2}"
    [lst] = page.link_lists
    assert lst.heading == "Most read"
    assert lst.items[0] == "Headline number 0 about something else"
    assert len(lst.items) == 4
    assert all(item not in page.body_text for item in lst.items)


def test_html_list_without_heading_is_still_a_list() -> None:
    """In HTML a run of link-only headlines is a list even without a heading."""
    items = "".join(f'<li><a href="/s{i}">Another story headline number {i}</a></li>' for i in range(3))
    [lst] = load_page(html(f"<p>{PROSE}</p><ul>{items}</ul>")).link_lists
    assert lst.heading == ""
    assert len(lst.items) == 3


def test_text_list_needs_a_heading_and_loses_only_its_bullets() -> None:
    """Text pages: a headline run under a named heading is a list; bullets go, headline numbers stay."""
    lines = ["- 'Quoted words' open this headline", "2025 harbour budget passes council vote",
             "1. Numbered story about the old pier", "\u2022 Bulleted story about the lighthouse"]
    page = load_page("Ferry terminal\n" + PROSE + "\nRelated\n" + "\n".join(lines) + "\n")
    [lst] = page.link_lists
    assert lst.heading == "Related"
    assert lst.items == ("'Quoted words' open this headline", "2025 harbour budget passes council vote",
                         "Numbered story about the old pier", "Bulleted story about the lighthouse")
    unnamed = load_page("Ferry terminal\n" + PROSE + "\n" + "\n".join(lines) + "\n")
    assert unnamed.link_lists == ()


def test_deep_nesting_keeps_text() -> None:
    """A thousand unclosed or nested elements do not lose the text after them."""
    page = load_page(html("<div>" * 1000 + f"<p>{PROSE}</p>" + "</div>" * 1000 + f"<p>{PROSE2}</p>"))
    assert page.body == (PROSE, PROSE2)
    unclosed = load_page(html("<font>" * 600 + f"<p>{PROSE}</p>"))
    assert unclosed.body == (PROSE,)


# --- head: title, meta, JSON-LD, canonical ------------------------------------------------------


def test_title_and_meta() -> None:
    """Title text is cleaned; meta keys come from property, name or itemprop, lower-cased, first wins."""
    head = (
        '<meta property="og:site_name" content="Harbour  Times">'
        '<meta name="Author" content="Ana Silva"><meta name="author" content="Second Author">'
        '<meta itemprop="datePublished" content="2022-05-04">'
        '<meta name="description">'  # no content: ignored
    )
    page = load_page(html(f"<p>{PROSE}</p>", head=head, title="  Ferry\n terminal  "))
    assert page.title == "Ferry terminal"
    assert page.meta["og:site_name"] == "Harbour Times"
    assert page.meta["author"] == "Ana Silva"
    assert page.meta["datepublished"] == "2022-05-04"
    assert "description" not in page.meta


def test_meta_in_body_is_read() -> None:
    """Sites put meta tags in the body too; they count."""
    page = load_page(html(f'<meta property="og:type" content="article"><p>{PROSE}</p>'))
    assert page.meta["og:type"] == "article"


def test_jsonld_object_list_and_graph() -> None:
    """JSON-LD objects are read from single objects, top-level lists and @graph members."""
    head = (
        ld({"@type": "Organization", "name": "Harbour Times"})
        + ld([{"@type": "BreadcrumbList"}, {"@type": "WebSite"}])
        + ld({"@context": "https://schema.org",
              "@graph": [{"@type": "WebPage"}, {"@type": "NewsArticle", "datePublished": "2022-05-04T10:00:00Z"}]})
    )
    page = load_page(html(f"<p>{PROSE}</p>", head=head))
    types = [obj.get("@type") for obj in page.jsonld]
    assert types == ["Organization", "BreadcrumbList", "WebSite", None, "WebPage", "NewsArticle"]
    assert claims(page)["jsonld:datePublished"] == "2022-05-04"


def test_broken_jsonld_is_skipped_and_others_kept() -> None:
    """A script with invalid JSON yields nothing; valid ones (trailing ";", type parameters) still count."""
    head = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": </script>'
        '<script type="application/ld+json">not json at all</script>'
        '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2021-01-02"};</script>'
        '<script type="application/ld+json"></script>'
        '<script type=" Application/LD+JSON; charset=utf-8 ">{"@type": "Person", "name": "Ana Silva"}</script>'
    )
    page = load_page(html(f"<p>{PROSE}</p>", head=head))
    assert [obj["@type"] for obj in page.jsonld] == ["NewsArticle", "Person"]
    assert claims(page)["jsonld:datePublished"] == "2021-01-02"


def test_canonical_and_url() -> None:
    """The canonical link is read; without a URL the page's URL falls back to it."""
    head = '<link rel="canonical" href=" https://www.harbour-times.com/ferry ">'
    page = load_page(html(f"<p>{PROSE}</p>", head=head), url="https://copy.example.org/x")
    assert page.canonical == "https://www.harbour-times.com/ferry"
    assert page.url == "https://copy.example.org/x"
    assert page.domain == "copy.example.org"
    fallback = load_page(html(f"<p>{PROSE}</p>", head=head))
    assert fallback.url == "https://www.harbour-times.com/ferry"
    assert fallback.domain == "harbour-times.com"
    assert load_page(html(f"<p>{PROSE}</p>")).canonical is None


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://www.Example.com:8080/a", "example.com"),
        ("http://user@news.example.org/b", "news.example.org"),
        ("not a url", None),
        ("http://[broken", None),
        (None, None),
        ("", None),
    ],
)
def test_host_of(url: str | None, host: str | None) -> None:
    """Hosts are lower-cased without www., port or user; junk gives None."""
    assert host_of(url) == host


# --- date claims --------------------------------------------------------------------------------


def test_date_from_meta() -> None:
    """A published-time meta tag is a claim, with the tag as evidence."""
    page = load_page(html(f"<p>{PROSE}</p>", head='<meta property="article:published_time" content="2019-07-08T06:00:00+00:00">'))
    [claim] = page.dates
    assert (claim.source, claim.day) == ("meta:article:published_time", "2019-07-08")
    assert "2019-07-08" in claim.evidence


def test_date_from_jsonld() -> None:
    """``datePublished`` in JSON-LD is a claim."""
    page = load_page(html(f"<p>{PROSE}</p>", head=ld({"@type": "NewsArticle", "datePublished": "2020-02-29"})))
    assert claims(page) == {"jsonld:datePublished": "2020-02-29"}


@pytest.mark.parametrize(
    ("url", "day"),
    [
        ("https://harbour-times.com/2016/12/09/ferry", "2016-12-09"),
        ("https://harbour-times.com/news/20161209/ferry", "2016-12-09"),
        ("https://harbour-times.com/2016/13/40/ferry", None),
        ("https://harbour-times.com/news/ferry", None),
    ],
)
def test_date_from_url(url: str, day: str | None) -> None:
    """A date in the URL path is a claim when it is a real calendar day."""
    assert claims(load_page(html(f"<p>{PROSE}</p>"), url=url)).get("url") == day


def test_date_from_labelled_line() -> None:
    """A "Date:" line near the top is a claim, in HTML and in text pages."""
    page = load_page(html(f"<div>Date: 14 March 2021</div><p>{PROSE}</p>"))
    assert claims(page) == {"text": "2021-03-14"}
    text = load_page(f"Ferry terminal\nPublished: March 15, 2021\n{PROSE}\n")
    assert text.kind == "text"
    assert claims(text) == {"text": "2021-03-15"}
    assert text.dates[0].evidence == "Published: March 15, 2021"


def test_date_from_last_modified_header_any_case() -> None:
    """``Last-Modified`` is a claim whatever the header's case; the server ``Date`` is not."""
    headers = {"Last-Modified": "Wed, 21 Oct 2015 07:28:00 GMT", "Date": "Thu, 22 Oct 2015 07:28:00 GMT"}
    page = load_page(html(f"<p>{PROSE}</p>"), headers=headers)
    assert claims(page) == {"http:last-modified": "2015-10-21"}
    assert page.headers["last-modified"] == headers["Last-Modified"]
    text = load_page(f"Ferry\n{PROSE}\n", headers=headers)
    assert claims(text) == {"http:last-modified": "2015-10-21"}


@pytest.mark.parametrize("value", ["2023-13-45", "2023-02-30", "0000-00-00", "1970-01-01", "soon", ""])
def test_impossible_meta_dates_are_not_claims(value: str) -> None:
    """Impossible or implausible dates in meta tags are ignored, not crashed on."""
    page = load_page(html(f"<p>{PROSE}</p>", head=f'<meta property="article:published_time" content="{value}">'))
    assert page.dates == ()


# --- HTML or text, decoding -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "kind"),
    [
        ("<html><body><p>Hi</p></body></html>", "html"),
        ("<!DOCTYPE html>\n<title>x</title><p>Hi</p>", "html"),
        ("  <div>one</div>\n<div>two</div>", "html"),
        ("Plain text line\nAnother line with <b> in it\n", "text"),
        ("Ferry news\nPrices rise 5% as a < b and c > d\n", "text"),
    ],
)
def test_html_or_text_detection(source: str, kind: str) -> None:
    """Two or more common HTML tags near the start mean HTML; otherwise text."""
    assert looks_like_html(source) is (kind == "html")
    assert load_page(source).kind == kind


def test_kind_can_be_forced() -> None:
    """``kind`` overrides detection both ways."""
    markup = "<p>one</p><p>two</p>"
    assert load_page(markup, kind="text").blocks[0].text == markup
    assert [b.text for b in load_page("just <i>words</i>", kind="html").blocks] == ["just words"]


def test_text_page_lines_are_blocks_and_first_line_is_title() -> None:
    """A text page: each non-empty line a block (spaces collapsed), the first line its title."""
    page = load_page(f"  Ferry   terminal\t to open \n\n{PROSE}\n\n{PROSE2}\n")
    assert page.kind == "text"
    assert page.title == "Ferry terminal to open"
    assert [b.text for b in page.blocks] == ["Ferry terminal to open", PROSE, PROSE2]
    assert page.body[-2:] == (PROSE, PROSE2)
    assert page.meta == {} and page.jsonld == ()


def test_bytes_use_declared_or_meta_charset() -> None:
    """Bytes decode with the Content-Type charset, or the meta charset."""
    doc = html("<p>Caf\u00e9 na pra\u00e7a</p>")
    latin = doc.encode("cp1252")
    assert load_page(latin, headers={"Content-Type": "text/html; charset=windows-1252"}).blocks[0].text == "Café na praça"
    with_meta = html("<p>Caf\u00e9</p>", head='<meta charset="iso-8859-1">').encode("latin-1")
    assert load_page(with_meta).blocks[0].text == "Café"


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-32", "utf-8-sig"])
def test_bytes_with_byte_order_mark(codec: str) -> None:
    """UTF-8/16/32 pages with a byte-order mark decode (not refused as binary)."""
    doc = html(f"<p>Привет, {PROSE}</p>")
    data = doc.encode(codec)
    if codec == "utf-16-be":
        data = codecs.BOM_UTF16_BE + data
    page = load_page(data)
    assert page.body == (f"Привет, {PROSE}",)


@pytest.mark.parametrize("data", [b"", b"   \n\t ", "", " \n "])
def test_empty_input_is_an_input_error(data: bytes | str) -> None:
    """Empty or blank input raises InputError with a reason."""
    with pytest.raises(InputError, match="empty"):
        load_page(data)


def test_binary_input_is_an_input_error() -> None:
    """Binary bytes raise InputError naming the format."""
    with pytest.raises(InputError, match="PNG"):
        load_page(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))


# --- the seed page (an agency story copied onto a scraper site) --------------------------------


@pytest.fixture(scope="module")
def seed() -> Page:
    """The first seed page, parsed as text."""
    if not SEED.is_file():
        pytest.skip(f"seed page not found at {SEED}: the shared seeds folder is not checked out")
    return load_page(SEED.read_bytes())


def test_seed_is_text_with_breadcrumb_title(seed: Page) -> None:
    """The seed is a text dump whose first line glues a breadcrumb to the headline."""
    assert seed.kind == "text"
    assert seed.title.startswith("Current:Home > News")


def test_seed_lists(seed: Page) -> None:
    """The three named story lists are found, with their items."""
    assert [lst.heading for lst in seed.link_lists] == ["Related", "Ranking", "Recommendation"]
    assert all(len(lst.items) >= 8 for lst in seed.link_lists)
    assert not any(item.startswith("- ") for lst in seed.link_lists for item in lst.items)


def test_seed_date_line(seed: Page) -> None:
    """The "Date:" line is the page's one date claim."""
    [claim] = seed.dates
    assert claim.source == "text"
    assert claim.day == "2025-04-14"
    assert claim.evidence.startswith("Date:")


def test_seed_body_excludes_list_items(seed: Page) -> None:
    """The body holds the story's paragraphs and none of the listed headlines or counters."""
    assert len(seed.body) >= 10
    assert any("(AP)" in para for para in seed.body)
    items = {item for lst in seed.link_lists for item in lst.items}
    assert not items & set(seed.body)
    assert all(lst.first_block > 0 for lst in seed.link_lists)
    first_list = min(lst.first_block for lst in seed.link_lists)
    assert all(b.text not in seed.body for b in seed.blocks[first_list:])
    assert "veryGood!" not in seed.body_text
