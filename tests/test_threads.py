"""One Scorer shared by many threads gives exactly the single-threaded results."""

from __future__ import annotations

import gzip
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from classifier.options import ScoreOptions
from classifier.scorer import Result, Scorer

ORIGINAL = """<!doctype html><html><head><meta charset="utf-8">
<title>Water utility plans lead pipe replacement | Valley Times</title>
<meta property="og:type" content="article"><meta name="author" content="Sam Whitaker">
<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2024-04-02T10:00:00Z",
"author": {"@type": "Person", "name": "Sam Whitaker"}}</script></head>
<body><article><h1>Water utility plans lead pipe replacement</h1><p>By Sam Whitaker</p>
<p>The Valley water utility will replace about 2,300 lead service lines over the next four years under a plan its
board approved Tuesday, general manager Rosa Jimenez said.</p>
<p>The work will cost an estimated $19 million, about half of which will come from a federal loan. Homeowners will
not be charged for the part of the pipe on their property, Jimenez said.</p>
<p>Crews will start in the oldest neighborhoods north of the rail yard, where most homes were built before 1950.</p>
</article></body></html>"""

SCRAPER = """<html><head><title>Current:Home > World > Water utility plans lead pipe replacement-DailyWireHub</title>
</head><body><div>Current:Home > World > Water utility plans lead pipe replacement-DailyWireHub</div>
<span>veryGood! (6745)</span><span>Like (88)</span>
<p>DENVER (AP) — The water utility will replace lead service lines over four years, officials said in 2016.</p>
<p>Homeowners will not be charged, the utility said in 2016.</p>
<p>The work will cost an estimated $19 million, about half of which will come from a federal loan, and crews
will start in the oldest neighborhoods north of the rail yard, where most homes were built before 1950.</p>
<p>Date: 2024-09-21 08:14</p>
<p><a href="https://example.org/">Source link</a></p>
<h3>Related</h3><ul><li><a href="/1">Pop star reveals secret wedding photos</a></li>
<li><a href="/2">Reality TV couple announce divorce after three months</a></li>
<li><a href="/3">Supermodel shows off luxury mansion with gold bathtub</a></li></ul>
<h3>Ranking</h3><ul><li><a href="/4">Billionaire heiress buys private island</a></li>
<li><a href="/5">Boy band reunion tour tickets sell out in minutes</a></li></ul></body></html>"""

TEXT = """Orchard growers expect a smaller apple harvest
A late frost in April damaged blossoms across the county, and growers now expect about 20 percent fewer apples.
The county extension office said early varieties were hit hardest, while late varieties mostly escaped damage.
Prices at farm stands are likely to rise slightly, growers said.
Cider makers, who buy the smaller and bruised fruit, said they would import apples from two neighbouring states to fill their orders this autumn."""


def jobs() -> list[tuple[str, Callable[[Scorer], Result]]]:
    """Named scoring calls covering HTML, text, bytes, gzip, a URL and unscorable input."""
    return [
        ("original", lambda s: s.score_html(ORIGINAL, url="https://valleytimes.example/news/lead-pipes")),
        ("original-no-url", lambda s: s.score_html(ORIGINAL)),
        ("scraper", lambda s: s.score_html(SCRAPER, url="http://dailywirehub.example/html/2024/1.html")),
        ("scraper-bytes", lambda s: s.score_bytes(SCRAPER.encode(), "scraper.html")),
        ("text", lambda s: s.score_text(TEXT)),
        ("text-gzip", lambda s: s.score_bytes(gzip.compress(TEXT.encode(), mtime=0), "orchard.txt.gz")),
        ("empty", lambda s: s.score_html("   ")),
        ("binary", lambda s: s.score_bytes(b"\x00\x01\x02PK\x03\x04" * 50, "blob.bin")),
    ]


@pytest.fixture()
def fast_switching() -> Iterator[None]:
    """Switch threads very often so that any shared state would be interleaved."""
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)
    yield
    sys.setswitchinterval(old)


@pytest.mark.timeout(120)
@pytest.mark.usefixtures("fast_switching")
def test_shared_scorer_matches_single_thread() -> None:
    """8 threads run 200 scoring calls on one Scorer; each result equals its single-threaded result."""
    # A generous page budget: the default 2 s budget could skip signals on a loaded machine,
    # which is a timing effect, not a thread-safety one.
    scorer = Scorer.load(options=ScoreOptions(page_budget=60.0))
    calls = jobs()
    expected: dict[str, dict[str, Any]] = {name: call(scorer).to_dict() for name, call in calls}
    assert expected["original"]["score"] is not None and expected["text"]["score"] is not None
    assert expected["scraper"]["score"] > expected["original"]["score"]
    assert expected["empty"]["label"] == "error" and expected["binary"]["label"] == "error"

    tasks = [calls[i % len(calls)] for i in range(200)]
    start = threading.Barrier(8)

    def run(task: tuple[str, Callable[[Scorer], Result]]) -> tuple[str, dict[str, Any]]:
        """Score one task, returning its name and result."""
        name, call = task
        return name, call(scorer).to_dict()

    # Each worker thread waits at the barrier when it starts, so all eight begin together.
    with ThreadPoolExecutor(max_workers=8, initializer=start.wait, initargs=(30,)) as pool:
        results = list(pool.map(run, tasks))
    assert len(results) == 200
    mismatched = [name for name, got in results if got != expected[name]]
    assert not mismatched, f"results differ from single-threaded ones for {sorted(set(mismatched))}"
