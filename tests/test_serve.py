"""The scoring service over real HTTP on 127.0.0.1 (uvicorn in a background thread)."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
import uvicorn

from classifier.options import ScoreOptions
from classifier.scorer import Scorer
from classifier.serve import NO_FETCH, ServeLimits, create_app
from classifier.signals import SIGNALS

MAX_BODY = 64 * 1024

ORIGINAL = """<!doctype html><html><head><meta charset="utf-8">
<title>School board adopts new bus routes | Lakeside Ledger</title>
<meta property="og:type" content="article"><meta name="author" content="Priya Natarajan">
<script type="application/ld+json">{"@type": "NewsArticle", "headline": "School board adopts new bus routes",
"datePublished": "2024-08-19T07:00:00Z", "author": {"@type": "Person", "name": "Priya Natarajan"}}</script>
</head><body><article><h1>School board adopts new bus routes</h1><p>By Priya Natarajan</p>
<p>The Lakeside school board on Monday approved new bus routes that district officials say will cut the longest
morning rides from 70 minutes to about 45 minutes when classes start next week.</p>
<p>Transportation manager Greg Holt said the district redrew 14 routes after hiring six more drivers this summer,
which allowed it to add two buses on the east side, where rides have been longest.</p>
<p>Parents at the meeting welcomed the change but asked the board to post the routes online earlier next year.
Board president Linda Cho said the district would publish routes by August 1 in future.</p>
</article></body></html>"""

SCRAPER = """<html><head><title>Current:Home > News > School board adopts new bus routes-TopNewsHub</title></head>
<body><div>Current:Home > News > School board adopts new bus routes-TopNewsHub</div>
<div><span>veryGood! (6745)</span></div>
<p>LAKESIDE, Ohio (AP) — The school board approved new bus routes that cut the longest rides in 2019.</p>
<p>Officials said more drivers were hired in 2019.</p>
<p>Transportation manager Greg Holt said the district redrew 14 routes after hiring six more drivers this summer,
which allowed it to add two buses on the east side, where rides have been longest.</p>
<p>Date: 2024-09-21 08:14</p><p>Source link</p>
<h3>Related</h3><ul><li><a href="/a">Pop star reveals secret wedding photos on a yacht</a></li>
<li><a href="/b">Reality TV couple announce divorce after three months</a></li>
<li><a href="/c">Actor spotted with mystery woman at Cannes afterparty</a></li></ul>
<h3>Ranking</h3><ul><li><a href="/d">Billionaire heiress buys private island for her dog</a></li>
<li><a href="/e">Late night host's feud with rapper goes viral</a></li></ul></body></html>"""

TEXT = """Harbor ferry adds an evening run
The county ferry will add a 9 p.m. crossing on weekdays from next month, the transit agency said on Friday.
Ridership on the evening boats rose by a third this year, and commuters had asked for a later option.
The extra run will cost about $120,000 a year and is paid for from the agency's operating budget."""


@pytest.fixture(scope="module")
def scorer() -> Scorer:
    """One shared scorer; a generous page budget keeps results independent of machine load."""
    return Scorer.load(options=ScoreOptions(page_budget=60.0))


@pytest.fixture(scope="module")
def base_url(scorer: Scorer) -> Iterator[str]:
    """The service running in uvicorn on a free 127.0.0.1 port, shut down after the module."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(scorer, max_body=MAX_BODY), log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)
    sock.close()


@pytest.fixture()
def client(base_url: str) -> Iterator[httpx.Client]:
    """An HTTP client for the running service."""
    with httpx.Client(base_url=base_url, timeout=30) as c:
        yield c


def as_json(result: Any) -> Any:
    """A Result as the service would send it (through JSON)."""
    return json.loads(json.dumps(result.to_dict()))


def test_health(client: httpx.Client, scorer: Scorer) -> None:
    """GET /health reports the model."""
    resp = client.get("/health")
    assert resp.status_code == 200
    body = resp.json()
    assert body["status"] == "ok"
    assert body["model"]["threshold"] == pytest.approx(scorer.threshold)
    assert body["model"]["data_digest"] == scorer.bundle.data_digest[:12]
    assert body["model"]["features"] == len(SIGNALS) + 1  # the signals and the text channel


def test_score_html_json(client: httpx.Client, scorer: Scorer) -> None:
    """JSON html gets the same Result as the library, and the scraper copy scores above the original."""
    url = "https://lakesideledger.example/news/bus-routes"
    resp = client.post("/score", json={"html": ORIGINAL, "url": url})
    assert resp.status_code == 200
    assert resp.json() == as_json(scorer.score_html(ORIGINAL, url=url))
    scraped = client.post("/score", json={"html": SCRAPER, "url": "http://topnewshub.example/a.html"}).json()
    assert scraped["score"] > resp.json()["score"]
    assert scraped["reasons"] and {"signal", "value", "evidence", "contribution"} <= set(scraped["reasons"][0])


def test_score_text_json(client: httpx.Client, scorer: Scorer) -> None:
    """JSON text is scored as a plain-text page."""
    resp = client.post("/score", json={"text": TEXT})
    assert resp.status_code == 200
    assert resp.json() == as_json(scorer.score_text(TEXT))


def test_score_raw_text_plain(client: httpx.Client, scorer: Scorer) -> None:
    """A raw text/plain body with ?url= is scored as text and labelled with the URL."""
    url = "https://harbor.example/ferry"
    resp = client.post("/score", params={"url": url}, content=TEXT.encode(),
                       headers={"Content-Type": "text/plain; charset=utf-8"})
    assert resp.status_code == 200
    assert resp.json() == as_json(scorer.score_text(TEXT, url=url))
    assert resp.json()["source"] == url


def test_score_raw_html(client: httpx.Client, scorer: Scorer) -> None:
    """A raw text/html body is scored as HTML."""
    resp = client.post("/score", content=ORIGINAL.encode(), headers={"Content-Type": "text/html"})
    assert resp.status_code == 200
    assert resp.json()["score"] == scorer.score_html(ORIGINAL).score


def test_url_only_is_refused(client: httpx.Client) -> None:
    """The service never fetches: a URL without a page is a 400."""
    resp = client.post("/score", json={"url": "https://example.com/story"})
    assert resp.status_code == 400
    assert resp.json() == {"error": NO_FETCH}


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b"{}", b'{"html": 42}', b'{"text": null}',
                                  b'{"html": "<p>x</p>", "text": "x"}', b'{"html": "<p>x</p>", "url": 7}',
                                  b"\xff\xfe\xfa"])
def test_bad_json_is_400(client: httpx.Client, body: bytes) -> None:
    """Bad JSON, a non-object, missing, doubled or non-string fields are 400 with an error message."""
    resp = client.post("/score", content=body, headers={"Content-Type": "application/json"})
    assert resp.status_code == 400
    assert resp.json()["error"]


def test_oversize_body_is_413(client: httpx.Client) -> None:
    """A body over the limit is refused by its Content-Length."""
    resp = client.post("/score", json={"html": "<p>" + "x" * MAX_BODY + "</p>"})
    assert resp.status_code == 413
    assert "larger than" in resp.json()["error"]


def test_oversize_streamed_body_is_413(client: httpx.Client) -> None:
    """A chunked body with no Content-Length is cut off while it streams in."""
    def chunks() -> Iterator[bytes]:
        for _ in range(40):
            yield b"x" * 4096

    resp = client.post("/score", content=chunks(), headers={"Content-Type": "text/plain"})
    assert resp.status_code == 413


@pytest.mark.parametrize("content_type", ["application/octet-stream", "image/png", None])
def test_wrong_content_type_is_415(client: httpx.Client, content_type: str | None) -> None:
    """Only JSON, text/html and text/plain are accepted."""
    headers = {"Content-Type": content_type} if content_type else {}
    resp = client.post("/score", content=b"<p>hello</p>", headers=headers)
    assert resp.status_code == 415
    assert resp.json()["error"]


@pytest.mark.parametrize(("content", "content_type"), [
    (json.dumps({"html": "   "}).encode(), "application/json"),
    (json.dumps({"text": ""}).encode(), "application/json"),
    (b"", "text/plain"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "text/html"),
])
def test_unscorable_page_is_422(client: httpx.Client, content: bytes, content_type: str) -> None:
    """An empty or binary page is a 422 carrying the Result with its error."""
    resp = client.post("/score", content=content, headers={"Content-Type": content_type})
    assert resp.status_code == 422
    body = resp.json()
    assert body["label"] == "error" and body["score"] is None and body["error"]


def test_wrong_method_is_405(client: httpx.Client) -> None:
    """GET /score and POST /health are 405, as JSON, with an Allow header."""
    resp = client.get("/score")
    assert resp.status_code == 405
    assert "POST" in resp.headers["allow"]
    assert resp.json()["error"]
    assert client.post("/health").status_code == 405


def test_concurrent_requests_match_sequential(client: httpx.Client, base_url: str) -> None:
    """20 requests, as many at once as the server has slots, all succeed and equal the same requests made one at a time."""
    payloads = [{"html": ORIGINAL}, {"html": SCRAPER, "url": "http://topnewshub.example/a.html"}, {"text": TEXT},
                {"html": ORIGINAL, "url": "https://lakesideledger.example/x"}] * 5
    sequential = [client.post("/score", json=p).json() for p in payloads]

    def post(payload: dict[str, str]) -> httpx.Response:
        with httpx.Client(base_url=base_url, timeout=30) as own:
            return own.post("/score", json=payload)

    # No more clients at once than the server's request slots: past them it sheds load with 503 by design
    # (tests/test_hostile_serve.py), which on a busy machine made this thread-safety check flaky.
    with ThreadPoolExecutor(max_workers=ServeLimits().max_concurrent) as pool:
        responses = list(pool.map(post, payloads))
    assert [r.status_code for r in responses] == [200] * len(payloads)
    assert [r.json() for r in responses] == sequential
