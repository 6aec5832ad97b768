"""Score crawled pages inside Scrapy with an item pipeline.

Enable it in the project's settings::

    ITEM_PIPELINES = {"classifier.integrations.scrapy.NewsqualPipeline": 300}
    NEWSQUAL_DROP = True          # drop low-quality items (default False: only annotate)
    NEWSQUAL_THRESHOLD = 0.6      # optional; default is the model bundle's threshold
    NEWSQUAL_MODEL = "path/to/bundle.npz"   # optional; default is the bundled model
    NEWSQUAL_FIELD = "html"       # item field holding the page's HTML; the URL comes from "url"
    NEWSQUAL_TOP_REASONS = 3

Each item gets ``newsqual_score``, ``newsqual_label`` and ``newsqual_reasons`` (a list of
``{"signal", "evidence", "contribution"}`` dicts). Items defined as ``scrapy.Item`` classes
or dataclasses must declare those three fields; plain dicts need nothing.

Why an item pipeline and not a downloader middleware:

* It scores after the spider has parsed the item, so it sees exactly the page the spider kept
  (and only those), not every response the crawl downloads (robots.txt, feeds, index pages).
* The crawl's download path stays untouched: no middleware reorders, retries or rewrites
  responses, so enabling newsqual cannot change what is fetched.
* It works with items from any spider, whatever produced the HTML (HTTP, a cache, a browser
  renderer), as long as the item carries it in one field.
* Dropping uses Scrapy's own mechanism, ``DropItem(reason)``, so drops show up in the crawl
  stats (``item_dropped_count``, ``item_dropped_reasons_count/DropItem``) and the log, and
  feed exports simply omit them. The pipeline also counts ``newsqual/<label>`` in the stats.

Scoring is CPU work of a few milliseconds per page and runs on the reactor thread; the
Scorer is loaded once, when the crawler builds the pipeline, so a bad model fails the crawl
at start-up rather than on the first item.
"""

from __future__ import annotations

import logging
from typing import Any

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.statscollectors import StatsCollector

from ..options import ScoreOptions
from ..scorer import LOW_QUALITY, Result, Scorer

log = logging.getLogger(__name__)

FIELDS = ("newsqual_score", "newsqual_label", "newsqual_reasons")


class NewsqualPipeline:
    """Annotate items with a newsqual score, label and reasons; optionally drop low-quality ones."""

    def __init__(
        self, scorer: Scorer, *, drop: bool = False, field: str = "html", stats: StatsCollector | None = None
    ) -> None:
        self.scorer = scorer
        self.drop = drop
        self.field = field
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> NewsqualPipeline:
        """Build the pipeline from the ``NEWSQUAL_*`` settings, loading the model once."""
        s = crawler.settings
        threshold = s.get("NEWSQUAL_THRESHOLD")
        options = ScoreOptions(
            threshold=float(threshold) if threshold not in (None, "") else None,
            top_reasons=s.getint("NEWSQUAL_TOP_REASONS", 3),
        )
        scorer = Scorer.load(s.get("NEWSQUAL_MODEL") or None, options)
        log.info("newsqual: model loaded, threshold %.3f", scorer.threshold)
        return cls(
            scorer, drop=s.getbool("NEWSQUAL_DROP", False), field=s.get("NEWSQUAL_FIELD", "html"), stats=crawler.stats
        )

    def process_item(self, item: Any, spider: Any = None) -> Any:
        """Score the item's HTML and annotate it; raise ``DropItem`` for low quality when dropping."""
        adapter = ItemAdapter(item)
        result = self._score(adapter)
        _annotate(adapter, result)
        self._count(result.label)
        if self.drop and result.label == LOW_QUALITY:
            raise DropItem(drop_message(result))
        return item

    def _score(self, adapter: ItemAdapter) -> Result:
        """The Result for the item's HTML field; an error result when the field is missing or empty."""
        url = adapter.get("url")
        url = url if isinstance(url, str) else None
        html = adapter.get(self.field)
        if not isinstance(html, str | bytes) or not html:
            log.warning("newsqual: item %s has no HTML in field %r; passing it through unscored", url, self.field)
            return Result.failed(url or "<item>", f"no HTML in item field {self.field!r}")
        result = self.scorer.score_html(html, url=url)
        if result.error:
            log.warning("newsqual: could not score %s: %s", url or "<item>", result.error)
        return result

    def _count(self, label: str) -> None:
        """Count the label in the crawl stats (``newsqual/low_quality`` and so on)."""
        if self.stats is not None:
            self.stats.inc_value(f"newsqual/{label}")


def _annotate(adapter: ItemAdapter, result: Result) -> None:
    """Write score, label and reasons into the item; explain which fields an Item class must declare."""
    values = {
        "newsqual_score": result.score,
        "newsqual_label": result.label,
        "newsqual_reasons": [
            {"signal": r.signal, "evidence": r.evidence, "contribution": r.contribution} for r in result.reasons
        ],
    }
    for key, value in values.items():
        try:
            adapter[key] = value
        except KeyError as exc:
            raise KeyError(f"item class {type(adapter.item).__name__} must declare the fields {', '.join(FIELDS)}") from exc


def drop_message(result: Result) -> str:
    """The DropItem reason: score and strongest reason, e.g. ``newsqual: low quality (score 0.93): …``."""
    head = f"newsqual: low quality (score {result.score:.2f})" if result.score is not None else "newsqual: low quality"
    if not result.reasons:
        return head
    top = result.reasons[0]
    return f"{head}: {top.signal}" + (f" ({top.evidence})" if top.evidence else "")


__all__ = ["NewsqualPipeline", "drop_message"]
