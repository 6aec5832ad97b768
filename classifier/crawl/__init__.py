"""Crawl mode: copy detection across a batch, naming the original, a reference index, site verdicts.

Needs the ``crawl`` extra (rensa, tldextract). Modules:

- :mod:`.signatures`: MinHash signatures of article bodies, or a skip reason
- :mod:`.facts`: what naming the original needs from a parsed page
- :mod:`.lsh`: band keys, candidate and verified pairs, clusters
- :mod:`.original`: ranking a cluster's members, verdicts for the copies
- :mod:`.reasons`: ``crawl_`` reasons and the score rule
- :mod:`.batch`: crawl mode over one batch of sources
- :mod:`.index`: the SQLite reference index
- :mod:`.sites`: site verdicts and their report
- :mod:`.dask_crawl`: signatures per shard and a shuffle on band keys with Dask
"""

from __future__ import annotations

from .batch import CollectingScorer, Entry, crawl_batch, entry_of, judge
from .facts import PageFacts, page_facts
from .original import Verdict
from .signatures import Signature, Skip, sign_page, sign_text

__all__ = [
    "CollectingScorer", "Entry", "PageFacts", "Signature", "Skip", "Verdict", "crawl_batch", "entry_of", "judge",
    "page_facts", "sign_page", "sign_text",
]
