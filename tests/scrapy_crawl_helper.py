"""Run one real Scrapy crawl of a local test site (used by test_scrapy_integration.py).

Usage: python scrapy_crawl_helper.py INDEX_URL FEED_PATH STATS_PATH SETTINGS_JSON

Runs in its own process because the Twisted reactor cannot be restarted in the test process.
The spider follows the index page's article links and yields ``{"url", "html"}`` items, which
pass through the newsqual pipeline into a JSON Lines feed; the crawl stats go to STATS_PATH.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.http import Response, TextResponse


class SiteSpider(scrapy.Spider):
    """Follow the index's article links and yield each article's URL and HTML."""

    name = "newsqual_test_site"

    def __init__(self, index_url: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.start_urls = [index_url]

    def parse(self, response: Response, **kwargs: Any) -> Iterator[scrapy.Request]:
        """Follow every article link on the index page."""
        assert isinstance(response, TextResponse)
        yield from response.follow_all(css="a.article", callback=self.parse_article)

    def parse_article(self, response: Response) -> Iterator[dict[str, str]]:
        """One item per article page."""
        assert isinstance(response, TextResponse)
        yield {"url": response.url, "html": response.text}


def main(index_url: str, feed: str, stats_path: str, settings_json: str) -> None:
    """Crawl with the newsqual pipeline and the given extra settings."""
    settings = {
        "ITEM_PIPELINES": {"classifier.integrations.scrapy.NewsqualPipeline": 300},
        "FEEDS": {Path(feed).as_uri(): {"format": "jsonlines", "encoding": "utf8"}},
        "ROBOTSTXT_OBEY": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": "INFO",
        "DOWNLOAD_TIMEOUT": 10,
        "CLOSESPIDER_TIMEOUT": 20,
        **json.loads(settings_json),
    }
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(SiteSpider)
    process.crawl(crawler, index_url=index_url)
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    Path(stats_path).write_text(json.dumps(stats, default=str))


if __name__ == "__main__":
    main(*sys.argv[1:5])
