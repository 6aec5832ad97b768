"""The scorer: from a page to a calibrated, explained score."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import numpy as np

from . import settings
from .errors import NewsqualError, PageBudgetError
from .model.bundle import TEXT_FEATURE, Bundle, load_bundle
from .model.textchannel import decision, page_terms, top_terms, vectorise
from .options import ScoreOptions
from .page.loader import InputKind, load_page
from .page.page import Page
from .signals import SIGNALS, Measure, measure_all
from .signals.quality import enough_text

log = logging.getLogger(__name__)

LOW_QUALITY = "low_quality"
ORIGINAL = "original"
ERROR = "error"
#: The label of a page with too little text to judge: it gets no score.
TOO_LITTLE_TEXT = "too_little_text"


@dataclass(frozen=True, slots=True)
class Reason:
    """One signal's part in a score: its value, evidence and log-odds contribution."""

    signal: str
    value: float
    evidence: str
    contribution: float


@dataclass(frozen=True, slots=True)
class Result:
    """The outcome for one page: score, label, reasons and all signal values, or an error."""

    source: str
    score: float | None
    label: str
    reasons: tuple[Reason, ...] = ()
    signals: Mapping[str, float] = field(default_factory=dict)
    final_url: str | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        """True when the page was scored."""
        return self.error is None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict with the documented fields (field by field: ``asdict`` deep-copies every signal)."""
        out = _shallow(self)
        out["reasons"] = [_shallow(r) for r in self.reasons]
        out["signals"] = dict(self.signals)
        return out

    @classmethod
    def failed(cls, source: str, error: str, final_url: str | None = None) -> Result:
        """A result for a page that could not be scored."""
        return cls(source=source, score=None, label=ERROR, final_url=final_url, error=error)


def _shallow(obj: Any) -> dict[str, Any]:
    """A dataclass's fields as a dict, values not copied (``asdict`` deep-copies them)."""
    return {f.name: getattr(obj, f.name) for f in fields(obj)}


class Scorer:
    """Scores pages with a loaded model bundle. Thread-safe: it holds no mutable state."""

    def __init__(self, bundle: Bundle, options: ScoreOptions | None = None) -> None:
        self.bundle = bundle
        self.options = options or ScoreOptions()

    @classmethod
    def load(cls, path: str | Path | None = None, options: ScoreOptions | None = None) -> Scorer:
        """Load the bundled model, or the bundle at ``path``, verifying it first."""
        return cls(load_bundle(Path(path) if path else settings.DEFAULT_MODEL), options)

    @property
    def threshold(self) -> float:
        """The decision threshold in force (option override, else the bundle's)."""
        return self.options.threshold if self.options.threshold is not None else self.bundle.threshold

    @property
    def model_digest(self) -> str:
        """SHA-256 of the bundle file: names the model in output rows, Parquet metadata and reports."""
        return self.bundle.digest

    @property
    def model_id(self) -> str:
        """A short, stable name for the bundle: ``newsqual-`` and the first 12 digits of its digest."""
        return self.bundle.id

    def score_html(
        self, html: str | bytes | Any, url: str | None = None, headers: Mapping[str, str] | None = None
    ) -> Result:
        """Score an HTML page (str, bytes or a BeautifulSoup object). Never does I/O."""
        data = html if isinstance(html, str | bytes) else str(html)
        return self._score_data(data, url or "<html>", url, headers, "html")

    def score_text(self, text: str, url: str | None = None) -> Result:
        """Score a plain-text page. Never does I/O."""
        return self._score_data(text, url or "<text>", url, None, "text")

    def score_bytes(
        self,
        data: bytes | str,
        source: str,
        url: str | None = None,
        headers: Mapping[str, str] | None = None,
        kind: InputKind = "auto",
    ) -> Result:
        """Score raw page bytes from any source, detecting HTML or text. Never raises."""
        return self._score_data(data, source, url, headers, kind)

    def score_url(self, url: str, client: Any = None) -> Result:
        """Fetch ``url`` (size cap, timeouts, redirects) and score it. Never raises."""
        from .io.fetch import fetch  # noqa: PLC0415 - keeps httpx off the import path of I/O-free users

        o = self.options
        try:
            got = fetch(
                url, client=client, max_bytes=o.max_bytes, connect_timeout=o.connect_timeout,
                read_timeout=o.read_timeout, budget=o.fetch_budget, max_redirects=o.max_redirects,
                user_agent=o.user_agent, allow_private=o.allow_private_addresses,
            )
        except NewsqualError as exc:
            return Result.failed(url, str(exc))
        result = self._score_data(got.content, url, got.final_url, got.headers, "auto")
        return replace(result, final_url=got.final_url)

    def score_warc(self, path: str | Path, counts: Any = None) -> Iterator[Result]:
        """Score every HTML response record of a WARC file, with the record's URL and HTTP headers.

        Never raises: a missing file or reader becomes one error result. Pass a
        ``classifier.io.warc.WarcCounts`` as ``counts`` to learn what was skipped."""
        from .extras import require  # noqa: PLC0415

        try:
            require("reading WARC files", "fastwarc", "warcio", any_of=True)
            from .io.warc import WarcCounts, iter_warc  # noqa: PLC0415

            counts = counts if counts is not None else WarcCounts()
            first = len(counts.problems)
            for page in iter_warc(Path(path), counts, self.options.max_bytes):
                yield self.score_bytes(page.data, page.source, page.url, page.headers)
            for source, reason in counts.problems[first:]:  # unreadable records: error results, not silence
                yield Result.failed(source, reason)
        except NewsqualError as exc:
            yield Result.failed(str(path), str(exc))

    def score_many(self, sources: Iterable[str | Path]) -> Iterator[Result]:
        """Score URLs, page files and WARC files in order; a failed item yields an error result and the batch goes on."""
        from .io.sources import is_url, is_warc_file, read_source  # noqa: PLC0415

        client = None  # one pooled client for the batch's URLs, made for the first one
        try:
            for source in sources:
                text = str(source)
                if is_url(text):
                    client = client or self._client()
                    yield self.score_url(text, client)
                    continue
                if is_warc_file(Path(text)):
                    yield from self.score_warc(text)
                    continue
                try:
                    item = read_source(Path(text), self.options.max_bytes)
                except NewsqualError as exc:
                    yield Result.failed(text, str(exc))
                    continue
                yield self.score_bytes(item.data, text, item.url)
        finally:
            if client is not None:
                client.close()

    def _client(self) -> Any:
        """An HTTP client with this scorer's fetch options (timeouts, redirects, agent, address policy)."""
        from .io.fetch import make_client  # noqa: PLC0415

        o = self.options
        return make_client(connect_timeout=o.connect_timeout, read_timeout=o.read_timeout,
                           max_redirects=o.max_redirects, user_agent=o.user_agent,
                           allow_private=o.allow_private_addresses)

    def score_page(self, page: Page, source: str) -> Result:
        """Score an already parsed page; raises PageBudgetError when its signals run out of time."""
        return self._result(page, measure_all(page, self.options.page_budget), source)

    def _result(self, page: Page, measures: Mapping[str, Measure], source: str) -> Result:
        """The result for a page whose signals are measured."""
        signals = {k: round(m.value, 4) for k, m in measures.items()}
        if not enough_text(page):
            words = len(page.body_words)
            reason = Reason("text_word_count", float(words), f"{words} words of article text", 0.0)
            return Result(source=source, score=None, label=TOO_LITTLE_TEXT, reasons=(reason,), signals=signals,
                          final_url=page.url)
        reasons = self.explain_measures(page, measures)
        score = self.bundle.score(np.array([r.value for r in reasons]))
        label = LOW_QUALITY if score >= self.threshold else ORIGINAL
        # Reasons are what pushed the score up, strongest first (for an original: what little did).
        top = sorted(reasons, key=lambda r: -r.contribution)[: self.options.top_reasons]
        return Result(
            source=source,
            score=round(score, 4),
            label=label,
            reasons=tuple(r for r in top if r.contribution > 0),
            signals=signals,
            final_url=page.url,
        )

    def explain(
        self, data: bytes | str, source: str, url: str | None = None, headers: Mapping[str, str] | None = None,
        kind: InputKind = "auto",
    ) -> tuple[Result, list[Reason]]:
        """The result and every feature as a reason, strongest push first. Raises NewsqualError on bad input."""
        page = load_page(data, url=url, headers=headers, kind=kind, max_bytes=self.options.max_bytes)
        measures = measure_all(page, self.options.page_budget)
        reasons = self.explain_measures(page, measures)
        return self._result(page, measures, source), sorted(reasons, key=lambda r: -r.contribution)

    def explain_measures(self, page: Page, measures: Mapping[str, Measure]) -> list[Reason]:
        """Every feature as a reason, in model order: each signal, then the text channel with its n-grams."""
        terms = page_terms(page)
        idx, val = vectorise(terms)
        text = decision(self.bundle.text_weights, self.bundle.text_intercept, idx, val)
        x = np.array([measures[s.name].value for s in SIGNALS] + [text], dtype=float)
        contrib = self.bundle.contributions(x)
        pushes = top_terms(self.bundle.text_weights, terms, idx, val)
        text_evidence = "n-grams: " + ", ".join(f"{t[2:]!r}" for t, _ in pushes) if pushes else ""
        evidence = [measures[s.name].evidence for s in SIGNALS] + [text_evidence]
        names = [s.name for s in SIGNALS] + [TEXT_FEATURE]
        return [Reason(n, float(v), e, round(float(c), 4)) for n, v, e, c in zip(names, x, evidence, contrib, strict=True)]

    def _score_data(
        self, data: bytes | str, source: str, url: str | None, headers: Mapping[str, str] | None, kind: InputKind
    ) -> Result:
        """Parse then score; any input problem becomes an error result."""
        try:
            page = load_page(data, url=url, headers=headers, kind=kind, max_bytes=self.options.max_bytes)
        except NewsqualError as exc:
            return Result.failed(source, str(exc), url)
        except (RecursionError, MemoryError, ValueError) as exc:
            log.warning("could not parse %s: %s", source, exc)
            return Result.failed(source, f"could not parse page: {type(exc).__name__}", url)
        try:
            return self.score_page(page, source)
        except PageBudgetError as exc:  # a page out of time is an error, never a partial score
            return Result.failed(source, str(exc), url)

