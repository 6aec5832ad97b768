"""A test crawl from a labelled corpus, and the figures crawl mode is judged by.

:func:`build_test_crawl` writes, into a scratch folder outside the project, real originals from the
corpus (read from its manifest, never copied into the project), the corpus's real syndicated and
wire-copy pages, and copies of some originals on made-up sites: *scraper* sites (uncredited; some
re-dated later, some keeping the date, some back-dated in their meta tags while their URL carries
the copying date) and *partner* sites (credited by canonical link, a link, or a "Source:" line),
several pages per site, all in one WARC file in random order. :func:`crawl_figures` scores the crawl with and without crawl mode and
reports copy-detection precision and recall, how often the original is named, and site ROC-AUC.
"""

from __future__ import annotations

import gzip
import html
import json
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from ..errors import NewsqualError
from ..page.loader import load_page
from ..page.page import Page
from ..scorer import Result, Scorer
from . import settings
from .batch import crawl_results
from .domains import site_of

#: Manifest categories that are real syndicated, wire or scraped copy.
COPY_CATEGORIES = ("licensed_syndication", "syndicated_copy_canonical_elsewhere", "wire_scraper", "scraper",
                   "scraper_republisher", "translated_repost")
ARTICLE_CATEGORIES = ("news_article", "original", "magazine", "blog_post")
SCRAPER, PARTNER = "scraper", "partner"
_WIRE_NAMES = re.compile("|".join(re.escape(k) for k in settings.WIRE_CREDITS), re.I)
_WIDGET = ("10 celebrities who aged badly", "Doctors hate this one trick", "You won't believe these photos",
           "The cheapest flights this summer", "Top 5 diets that actually work", "See what she looks like now")


@dataclass
class TestCrawl:
    """A test crawl (one WARC file of HTML responses) and the truth about its pages, keyed by URL."""

    warc: str = ""
    pages: list[str] = field(default_factory=list)  # URLs in crawl order
    copy_of: dict[str, str] = field(default_factory=dict)  # generated copy -> its original
    credited: dict[str, bool] = field(default_factory=dict)  # generated copy -> credited?
    site_kind: dict[str, str] = field(default_factory=dict)  # fake site domain -> scraper | partner
    label: dict[str, str] = field(default_factory=dict)  # corpus page -> manifest label


def _read(corpus: Path, row: dict[str, Any]) -> bytes:
    """A manifest row's page bytes."""
    data = (corpus / row["file"]).read_bytes()
    return gzip.decompress(data) if row["file"].endswith(".gz") else data


def _row_url(row: dict[str, Any]) -> str:
    """A manifest row's URL; rows without one get a made-up URL on their domain (or their own host)."""
    return row.get("url") or f"https://{row.get('domain') or 'no-url-' + str(row['id']) + '.invalid'}/{row['id']}"


def write_warc(path: Path, pages: Sequence[tuple[str, bytes]]) -> None:
    """Write (URL, HTML bytes) pairs as HTTP 200 response records of a gzipped WARC."""
    import io  # noqa: PLC0415

    from warcio.statusandheaders import StatusAndHeaders  # noqa: PLC0415 - the 'warc' extra
    from warcio.warcwriter import WARCWriter  # noqa: PLC0415

    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for url, body in pages:
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http))


def _fake_sites(rng: random.Random, kind: str, n: int) -> list[str]:
    """Made-up domains for ``n`` sites of one kind."""
    stems = ("daily", "news", "world", "buzz", "fresh", "global", "prime", "trend", "viral", "hot", "media", "report")
    tails = {SCRAPER: (".com", ".net", ".info", ".xyz", ".online"), PARTNER: (".com", ".org", ".net")}[kind]
    return [f"{rng.choice(stems)}{rng.choice(stems)}{kind[:3]}{k}{rng.choice(tails)}" for k in range(n)]


def _copy_dates(rng: random.Random, day: str) -> tuple[str, str]:
    """(meta date, URL date) of a scraper copy of a page dated ``day``: later, same, or back-dated meta."""
    first = date.fromisoformat(day)
    mode = rng.choice(("later", "later", "same", "backdated"))
    later = first + timedelta(days=rng.randint(1, 600))
    if mode == "same":
        return day, day
    if mode == "backdated":
        return (first - timedelta(days=rng.randint(30, 400))).isoformat(), later.isoformat()
    return later.isoformat(), later.isoformat()


def _copy_page(article: Page, orig_url: str, domain: str, kind: str, rng: random.Random, slug: int) -> tuple[str, str, bool]:
    """A copy of ``article`` on ``domain``: (html, url, credited)."""
    paras = list(article.body)
    paras = paras[: max(3, int(len(paras) * rng.uniform(0.75, 1.0)))]
    title = article.title[:120]
    if kind == SCRAPER:  # scrapers strip the wire credits of what they copy
        paras = [_WIRE_NAMES.sub("", p) for p in paras]
        title = _WIRE_NAMES.sub("", title)
    day = next((d.day for d in article.dates if not d.source.startswith("http")), "2020-01-01")
    credited = kind == PARTNER
    meta_day, url_day = _copy_dates(rng, day) if not credited else ((date.fromisoformat(day) + timedelta(days=rng.randint(0, 3))).isoformat(),) * 2
    url = f"https://www.{domain}/{url_day.replace('-', '/')}/story-{slug}.html"
    head = [f"<title>{html.escape(title)} - {domain}</title>",
            f"<meta property='article:published_time' content='{meta_day}T09:00:00Z'>"]
    tail = ""
    if credited:
        how = rng.choice(("canonical", "link", "source"))
        head.append(f"<link rel='canonical' href='{html.escape(orig_url if how == 'canonical' else url)}'>")
        if how == "link":
            tail = f"<p>This story was first published by <a href='{html.escape(orig_url)}'>our partner</a>.</p>"
        elif how == "source":
            tail = f"<p>Source: {html.escape((site_of(orig_url) or '').split('.')[0].title())}</p>"
        head.append(f"<meta name='author' content='{html.escape(article.meta.get('author', 'Staff'))}'>")
    else:
        head.append(f"<link rel='canonical' href='{url}'>")
    body = "".join(f"<p>{html.escape(p)}</p>" + ("<div>Advertisement</div>" if i == 1 and not credited else "")
                   for i, p in enumerate(paras))
    widget = "" if credited else "<aside><h3>Trending now</h3><ul>" + "".join(
        f"<li><a href='https://www.{domain}/t/{i}'>{w}</a></li>" for i, w in enumerate(_WIDGET)) + "</ul></aside>"
    page = (f"<html><head>{''.join(head)}</head><body><header><a href='/'>{domain}</a></header><article>"
            f"<h1>{html.escape(title)}</h1>{body}{tail}</article>{widget}"
            f"<footer>(c) {domain}</footer></body></html>")
    return page, url, credited


def _pick_originals(corpus: Path, rows: list[dict[str, Any]], n: int, rng: random.Random) -> list[tuple[dict[str, Any], Page]]:
    """``n`` dated corpus originals with a URL and a body of 150+ words, parsed."""
    pool = [r for r in rows if r.get("label") == "original" and r.get("url") and r.get("category") in ARTICLE_CATEGORIES]
    rng.shuffle(pool)
    out: list[tuple[dict[str, Any], Page]] = []
    for row in pool:
        try:
            page = load_page(_read(corpus, row), url=row["url"])
        except (NewsqualError, OSError, ValueError):
            continue
        if len(page.body_words) >= 150 and any(not d.source.startswith("http") for d in page.dates):
            out.append((row, page))
            if len(out) == n:
                break
    return out


def build_test_crawl(manifest: Path, out: Path, originals: int = 200, copied: int = 60, scraper_sites: int = 6,
                     partner_sites: int = 3, seed: int = 0) -> TestCrawl:
    """Write a test crawl as ``out/crawl.warc.gz`` (a scratch folder) and return its truth."""
    rng = random.Random(seed)
    corpus = manifest.parent
    rows = [json.loads(line) for line in manifest.read_text(encoding="utf-8").splitlines() if line.strip()]
    crawl = TestCrawl()
    records: list[tuple[str, bytes]] = []
    picked = _pick_originals(corpus, rows, originals, rng)
    for row in [r for r, _ in picked] + [r for r in rows if r.get("category") in COPY_CATEGORIES]:
        url = _row_url(row)
        records.append((url, _read(corpus, row)))
        crawl.label[url] = row["label"]
    sites = [(d, SCRAPER) for d in _fake_sites(rng, SCRAPER, scraper_sites)] + \
            [(d, PARTNER) for d in _fake_sites(rng, PARTNER, partner_sites)]
    for k, (row, page) in enumerate(picked[:copied]):
        domain, kind = sites[k % len(sites)]
        crawl.site_kind[domain] = kind
        text, url, credited = _copy_page(page, row["url"], domain, kind, rng, k)
        records.append((url, text.encode("utf-8")))
        crawl.copy_of[url] = row["url"]
        crawl.credited[url] = credited
    rng.shuffle(records)  # a crawl meets copies before and after their originals
    out.mkdir(parents=True, exist_ok=True)
    crawl.warc = str(out / "crawl.warc.gz")
    write_warc(Path(crawl.warc), records)
    crawl.pages = [url for url, _ in records]
    return crawl


def auc(pos: Sequence[float], neg: Sequence[float]) -> float | None:
    """ROC-AUC by ranks (ties count half), or None without both classes."""
    if not pos or not neg:
        return None
    wins = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg)
    return round(wins / (len(pos) * len(neg)), 4)


def _role(result: Result) -> tuple[str, str]:
    """(crawl role, named original URL) from a result's crawl reason."""
    for r in result.reasons:
        if r.signal in ("crawl_uncredited_copy", "crawl_credited_copy", "crawl_same_site_copy"):
            url = r.evidence.split("similar to ", 1)[1].split(" (", 1)[0]
            return r.signal.removeprefix("crawl_").removesuffix("_copy"), url
        if r.signal == "crawl_original":
            return "original", ""
    return "", ""


def _story(crawl: TestCrawl, url: str) -> str:
    """The story a page belongs to (its original's URL), or the page itself."""
    return crawl.copy_of.get(url, url)


def _site_truth(crawl: TestCrawl, url: str) -> tuple[str, int] | None:
    """(site, 1 scraper / 0 not) for a page whose site's kind is known."""
    site = site_of(url)
    if site is None:
        return None
    for domain, kind in crawl.site_kind.items():
        if site == site_of("https://" + domain):
            return site, int(kind == SCRAPER)
    label = crawl.label.get(url)
    return (site, int(label == "low_quality")) if label in ("original", "low_quality") else None


def site_auc(crawl: TestCrawl, results: dict[str, Result], generated_only: bool = False) -> float | None:
    """ROC-AUC of site scores against the sites' truth (sites with mixed labels left out).

    With ``generated_only`` the positives are the made-up scraper sites alone (not the corpus's own
    low-quality sites, whose pages are rarely copies of anything in the crawl)."""
    from .sites import site_verdicts  # noqa: PLC0415

    truth: dict[str, set[int]] = {}
    for url in crawl.pages:
        got = _site_truth(crawl, url)
        if got:
            truth.setdefault(got[0], set()).add(got[1])
    scores = {v.site: v.score for v in site_verdicts([r.to_dict() for r in results.values()])}
    known = {s: next(iter(t)) for s, t in truth.items() if len(t) == 1 and s in scores}
    if generated_only:
        fake = {site_of("https://" + d) for d, kind in crawl.site_kind.items() if kind == SCRAPER}
        known = {s: y for s, y in known.items() if not y or s in fake}
    return auc([scores[s] for s, y in known.items() if y], [scores[s] for s, y in known.items() if not y])


def crawl_figures(crawl: TestCrawl, scorer: Scorer) -> dict[str, Any]:
    """Score the crawl plainly and in crawl mode; copy detection, original naming and site figures."""
    plain = {r.final_url or r.source: r for r in scorer.score_many([crawl.warc])}
    crawled = {r.final_url or r.source: r for r in crawl_results(scorer, [crawl.warc])}
    predicted = {u: _role(r) for u, r in crawled.items()}
    copies = [(u, o) for u, (role, o) in predicted.items() if role in ("uncredited", "credited")]
    ours = [(u, o) for u, o in copies if u in crawl.copy_of or o in crawl.copy_of]
    same_story = [(u, o) for u, o in ours if _story(crawl, u) == _story(crawl, o)]
    found = [u for u in crawl.copy_of if predicted.get(u, ("", ""))[0] in ("uncredited", "credited")]
    named = [u for u in found if predicted[u][1] == crawl.copy_of[u]]
    credit_ok = [u for u in found if (predicted[u][0] == "credited") == crawl.credited[u]]
    scrapers = [u for u in crawl.copy_of if not crawl.credited[u]]
    real = [u for u in crawl.pages if crawl.label.get(u) == "original"]
    return {
        "pages": len(crawl.pages), "generated_copies": len(crawl.copy_of), "errors": sum(not r.ok for r in plain.values()),
        "copy_precision": round(len(same_story) / len(ours), 4) if ours else None,
        "copy_recall": round(len(found) / len(crawl.copy_of), 4) if crawl.copy_of else None,
        "original_named": round(len(named) / len(found), 4) if found else None,
        "credit_classified": round(len(credit_ok) / len(found), 4) if found else None,
        "missed": sorted(set(crawl.copy_of) - set(found)),
        "misnamed": sorted(set(found) - set(named)),
        "wrong_credit": sorted((u, predicted[u][0]) for u in set(found) - set(credit_ok)),
        "corpus_pairs": sorted((u, o, predicted[u][0]) for u, o in copies if (u, o) not in ours),
        "real_originals_raised": sorted(u for u in real if u in crawled and crawled[u].score != plain[u].score),
        "scraper_copies_flagged": [_share(plain, scrapers), _share(crawled, scrapers)],
        "real_originals_flagged": [_share(plain, real), _share(crawled, real)],
        "site_auc": [site_auc(crawl, plain), site_auc(crawl, crawled)],
        "site_auc_generated_scrapers": [site_auc(crawl, plain, True), site_auc(crawl, crawled, True)],
        "copy_logit_sweep": logit_sweep(plain, crawled, scrapers, scorer.threshold),
    }


def logit_sweep(plain: dict[str, Result], crawled: dict[str, Result], urls: Sequence[str], threshold: float,
                weights: Sequence[float] = (0.0, 1.0, 2.0, 3.0, 4.0)) -> dict[str, float]:
    """Share of ``urls`` flagged if COPY_LOGIT were each of ``weights`` (same margins and similarities)."""
    import math  # noqa: PLC0415

    out = {}
    for w in weights:
        flagged = 0
        for u in urls:
            base, reason = plain[u].score or 0.0, next((r for r in crawled[u].reasons if r.signal == "crawl_uncredited_copy"), None)
            extra = reason.contribution / settings.COPY_LOGIT * w if reason else 0.0
            logit = math.log(max(base, 1e-6) / max(1 - base, 1e-6)) + extra
            flagged += 1 / (1 + math.exp(-logit)) >= threshold
        out[f"{w:g}"] = round(flagged / len(urls), 4) if urls else 0.0
    return out


def _share(results: dict[str, Result], urls: Sequence[str]) -> float | None:
    """Share of the pages at ``urls`` labelled low quality."""
    got = [results[u].label == "low_quality" for u in urls if u in results]
    return round(sum(got) / len(got), 4) if got else None


__all__ = ["TestCrawl", "auc", "build_test_crawl", "crawl_figures", "site_auc"]
