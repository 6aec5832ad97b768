"""The Scrapy pipeline in a real crawl of a small site served on 127.0.0.1.

Each crawl runs in a subprocess (tests/scrapy_crawl_helper.py) because the Twisted reactor
cannot be restarted inside the test process. Scores are compared relatively (scraper pages
above originals) so that retraining the model does not break the test.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from classifier.integrations.scrapy import NewsqualPipeline, drop_message
from classifier.options import ScoreOptions
from classifier.scorer import Scorer
from classifier.settings import DEFAULT_MODEL

ROOT = Path(__file__).resolve().parent.parent
HELPER = Path(__file__).resolve().parent / "scrapy_crawl_helper.py"


def original_page(title: str, author: str, published: str, paragraphs: list[str]) -> str:
    """A clean local-news article: byline, dated NewsArticle JSON-LD, on-topic paragraphs."""
    ld = json.dumps({
        "@context": "https://schema.org", "@type": "NewsArticle", "headline": title,
        "datePublished": published, "author": {"@type": "Person", "name": author},
    })
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{title} | Riverside Courier</title>
<meta property="og:site_name" content="Riverside Courier"><meta property="og:type" content="article">
<meta name="author" content="{author}">
<script type="application/ld+json">{ld}</script></head>
<body><header><nav><a href="/">Riverside Courier</a></nav></header>
<article><h1>{title}</h1><p class="byline">By {author} · {published[:10]}</p>
{body}</article><footer><p>© 2024 Riverside Courier</p></footer></body></html>"""


def scraper_page(title: str, site: str, paragraphs: list[str], related: list[str], ranking: list[str]) -> str:
    """A scraped copy: breadcrumb glued to the title, vote counters, off-topic lists, bare wire dateline."""
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    rel = "".join(f'<li><a href="/n/{i}.html">{h}</a></li>' for i, h in enumerate(related))
    rank = "".join(f'<li><a href="/r/{i}.html">{h}</a></li>' for i, h in enumerate(ranking))
    return f"""<html><head><title>Current:Home > News > {title}-{site}</title></head><body>
<div class="crumb">Current:Home > News > {title}-{site}</div>
<div class="vote"><span>veryGood! (6745)</span></div><div class="vote"><span>Like (312)</span></div>
<div class="content">{body}
<p>Date: 2024-09-21 08:14</p>
<p><a href="https://example.org/x">Source link</a></p></div>
<div class="related"><h3>Related</h3><ul>{rel}</ul></div>
<div class="ranking"><h3>Ranking</h3><ul>{rank}</ul></div>
</body></html>"""


CELEBRITY = [
    "Pop star reveals secret wedding photos on a yacht in Capri",
    "Reality TV couple announce divorce after three months",
    "Actor spotted with mystery woman at Cannes afterparty",
    "Singer's dramatic new haircut leaves fans stunned",
    "Famous chef opens celebrity-only restaurant in Dubai",
    "Supermodel shows off luxury mansion with gold bathtub",
]
RANKING = [
    "Billionaire heiress buys private island for her dog",
    "Late night host's feud with rapper goes viral",
    "Influencer's wedding dress costs more than a house",
    "Boy band reunion tour tickets sell out in minutes",
    "Tennis star's girlfriend stuns in red carpet gown",
]

ORIGINALS = {
    "/news/elm-street-bridge.html": original_page(
        "City council approves repairs to the Elm Street bridge", "Maria Delgado", "2024-03-12T09:30:00Z", [
            ("The Riverside city council voted 6 to 1 on Tuesday night to spend $4.2 million repairing the Elm "
            "Street bridge, which engineers closed to trucks in January after finding corroded steel beams."),
            ("Public works director Alan Price told council members that the 1958 bridge carries about 11,000 "
            "vehicles a day and that the repairs would replace the deck and strengthen the beams over the river."),
            ("Work is expected to begin in June and last about five months. During construction the bridge will "
            "stay open to cars in one lane in each direction, Price said, while trucks will be detoured over the "
            "Main Street bridge."),
            ("Councilwoman Janet Okafor, who cast the lone vote against the plan, said she supported fixing the "
            "bridge but wanted the city to seek a state grant before committing local money."),
            ("Residents who spoke at the meeting mostly backed the repairs. \"I drive my kids across that bridge "
            "every morning,\" said Tom Reyes, who lives on Elm Street. \"I want to know it is safe.\""),
            "The council will vote on the construction contract in April, after the city receives bids.",
        ]),
    "/news/library-hours.html": original_page(
        "Riverside library extends weekend hours after record summer reading signups", "Kevin Osei",
        "2024-06-03T14:00:00Z", [
            ("The Riverside Public Library will stay open until 8 p.m. on Saturdays and open on Sunday afternoons "
            "starting this month, library director Susan Park announced Monday."),
            ("Park said the change follows a record 3,400 signups for the summer reading program, up from about "
            "2,600 last year, and frequent requests from families who work during the week."),
            ("The longer hours will cost about $85,000 a year, which the library will cover by leaving one vacant "
            "clerk position unfilled and shifting staff schedules, Park said."),
            ("Children's librarian Dana Whitfield said the Sunday hours would let the library add a weekly story "
            "time and a homework help session for middle school students."),
            ("The library's board approved the schedule at its May meeting. The main branch on Third Avenue will "
            "get the new hours first, and the two neighborhood branches will follow in September."),
        ]),
}
SCRAPERS = {
    "/html/2024-09/floods-evacuations.html": scraper_page(
        "Floods force evacuations in river towns", "NewsDailyHub", [
            ("BATON ROUGE, La. (AP) — Rising water forced hundreds of families to leave their homes in small river "
            "towns on Sunday after days of heavy rain in 2017, officials said."),
            ("The National Weather Service said the river would crest on Tuesday, several feet above flood stage, "
            "and warned residents in low areas to move to higher ground."),
            ("Shelters opened in schools and churches, and volunteers with boats helped carry people and pets from "
            "flooded streets in 2017."),
            "The governor declared a state of emergency and asked for federal help.",
        ], CELEBRITY, RANKING),
    "/html/2024-09/wildfire-smoke.html": scraper_page(
        "Wildfire smoke closes schools across the valley", "WorldNewsToday", [
            ("SACRAMENTO, Calif. (AP) — Thick smoke from a fast-moving wildfire closed dozens of schools across the "
            "valley in 2018 as air quality reached unhealthy levels."),
            ("Fire officials said the blaze had burned more than 20,000 acres and destroyed several homes in the "
            "hills east of the city."),
            ("Health officials urged residents to stay indoors and keep windows closed, and handed out masks at "
            "fire stations in 2018."),
        ], CELEBRITY[::-1], RANKING[::-1]),
}
ARTICLES = {**ORIGINALS, **SCRAPERS}
INDEX = "<html><head><title>Index</title></head><body><ul>" + "".join(
    f'<li><a class="article" href="{path}">{path}</a></li>' for path in ARTICLES
) + "</ul></body></html>"


class SiteHandler(BaseHTTPRequestHandler):
    """Serves the index and the four articles; 404 for anything else."""

    def do_GET(self) -> None:
        """Send the page at the request path."""
        page = INDEX if self.path in ("/", "/index.html") else ARTICLES.get(self.path)
        body = (page or "not found").encode()
        self.send_response(200 if page else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Keep the test output quiet."""


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    """Base URL of the test site on 127.0.0.1 (a free port)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), SiteHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A private copy of the bundled model, so the crawls and the in-process scores use the same one."""
    folder = tmp_path_factory.mktemp("model")
    shutil.copy(DEFAULT_MODEL, folder / DEFAULT_MODEL.name)
    Scorer.load(folder / DEFAULT_MODEL.name)  # fail here if the copy caught a bundle mid-rewrite
    return str(folder / DEFAULT_MODEL.name)


@pytest.fixture(scope="module")
def scores(site: str, model: str) -> dict[str, float]:
    """In-process scores of every article at the URL the crawl will see."""
    scorer = Scorer.load(model)
    out = {}
    for path, html in ARTICLES.items():
        result = scorer.score_html(html, url=site + path)
        assert result.score is not None, result.error
        out[site + path] = result.score
    return out


def crawl(site: str, tmp_path: Path, settings: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Run one crawl in a subprocess; return the feed's items and the crawl stats."""
    feed, stats = tmp_path / "items.jsonl", tmp_path / "stats.json"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    proc = subprocess.run(
        [sys.executable, str(HELPER), site + "/", str(feed), str(stats), json.dumps(settings)],
        check=False, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    items = [json.loads(line) for line in feed.read_text().splitlines() if line.strip()] if feed.exists() else []
    return items, json.loads(stats.read_text())


@pytest.mark.timeout(90)
def test_crawl_annotates_every_article(site: str, model: str, scores: dict[str, float], tmp_path: Path) -> None:
    """Without dropping, all four articles reach the feed with score, label and reasons."""
    items, stats = crawl(site, tmp_path, {"NEWSQUAL_MODEL": model})
    assert sorted(item["url"] for item in items) == sorted(scores)
    for item in items:
        assert isinstance(item["newsqual_score"], float)
        assert item["newsqual_score"] == pytest.approx(scores[item["url"]], abs=1e-4)
        assert item["newsqual_label"] in ("low_quality", "original")
        assert isinstance(item["newsqual_reasons"], list)
        for reason in item["newsqual_reasons"]:
            assert set(reason) == {"signal", "evidence", "contribution"}
    by_url = {item["url"]: item for item in items}
    worst_original = max(by_url[site + p]["newsqual_score"] for p in ORIGINALS)
    best_scraper = min(by_url[site + p]["newsqual_score"] for p in SCRAPERS)
    assert best_scraper > worst_original
    assert all(by_url[site + p]["newsqual_reasons"] for p in SCRAPERS)
    assert stats.get("item_dropped_count", 0) == 0


@pytest.mark.timeout(90)
def test_crawl_drops_scraper_pages(site: str, model: str, scores: dict[str, float], tmp_path: Path) -> None:
    """With NEWSQUAL_DROP and a threshold between the groups, only the originals are kept."""
    worst_original = max(scores[site + p] for p in ORIGINALS)
    best_scraper = min(scores[site + p] for p in SCRAPERS)
    assert best_scraper > worst_original, "scraper pages should score above the originals"
    threshold = (worst_original + best_scraper) / 2
    items, stats = crawl(site, tmp_path, {"NEWSQUAL_DROP": True, "NEWSQUAL_THRESHOLD": threshold, "NEWSQUAL_MODEL": model})
    assert sorted(item["url"] for item in items) == sorted(site + p for p in ORIGINALS)
    assert all(item["newsqual_label"] == "original" for item in items)
    assert stats["item_dropped_count"] == len(SCRAPERS)
    assert stats["newsqual/low_quality"] == len(SCRAPERS)
    assert stats["newsqual/original"] == len(ORIGINALS)


def test_from_crawler_reads_settings() -> None:
    """The NEWSQUAL_* settings reach the pipeline."""
    crawler = get_crawler(settings_dict={
        "NEWSQUAL_DROP": "True", "NEWSQUAL_THRESHOLD": "0.42", "NEWSQUAL_FIELD": "body", "NEWSQUAL_TOP_REASONS": 1,
    })
    pipeline = NewsqualPipeline.from_crawler(crawler)
    assert pipeline.drop is True
    assert pipeline.field == "body"
    assert pipeline.scorer.threshold == pytest.approx(0.42)
    assert pipeline.scorer.options.top_reasons == 1


def test_item_without_html_passes_through(caplog: pytest.LogCaptureFixture) -> None:
    """An item with no HTML is kept, labelled "error", with a warning in the log."""
    pipeline = NewsqualPipeline(Scorer.load(), drop=True)
    item = {"url": "http://127.0.0.1/missing"}
    with caplog.at_level("WARNING", logger="classifier.integrations.scrapy"):
        out = pipeline.process_item(item)
    assert out is item
    assert item["newsqual_label"] == "error"
    assert item["newsqual_score"] is None
    assert item["newsqual_reasons"] == []
    assert "no HTML" in caplog.text


def test_drop_reason_names_score_and_top_signal() -> None:
    """DropItem carries the score and the strongest reason; old-style calls with a spider work too."""
    scorer = Scorer.load(options=ScoreOptions(threshold=0.01))
    pipeline = NewsqualPipeline(scorer, drop=True)
    path, html = next(iter(SCRAPERS.items()))
    with pytest.raises(DropItem) as excinfo:
        pipeline.process_item({"url": "http://127.0.0.1" + path, "html": html}, None)
    message = str(excinfo.value)
    assert re.match(r"newsqual: low quality \(score [01]\.\d\d\): \w+", message), message
    result = scorer.score_html(html, url="http://127.0.0.1" + path)
    assert message == drop_message(result)
    assert result.reasons[0].signal in message
