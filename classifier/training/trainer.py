"""``newsqual train``: labelled data in, a verified bundle and a model card out.

Steps: validate the data; measure every real page in three views (as served, as a full-page
text dump, as clean main text); make scraper-style pages from real originals; score every
collection with a model that never saw it (leave-one-collection-out) for the headline figures
and the threshold; check the generator for artefacts; fit the final bundle on everything.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from .. import settings
from ..model.bundle import Bundle, save_bundle
from ..page.loader import decode_page, load_page
from ..page.page import Page
from .dataset import LabelledPage, load_labelled, page_digest, read_page
from .evaluation import ScoredItem
from .features import VIEWS, FeatureTable, View, extract_features
from .recipe import (
    Recipe,
    TrainData,
    bundle_of,
    choose_threshold,
    data_digest,
    decisive_floor,
    fit,
    loco,
    platt,
    sigmoid,
    site_folds,
    supporting_floor,
)
from .synthetic import _XML_UNSAFE, make_scraper_page, pick_host
from .validation import loco_report

log = logging.getLogger(__name__)
Progress = Callable[[str, int, int], None]
#: Views generated pages are measured in (their clean main text would be an unmarked copy of the article).
GENERATED_VIEWS: tuple[View, ...] = ("html", "text")


@dataclass(frozen=True)
class TrainConfig:
    """Knobs of a training run; the defaults build the bundled model."""

    max_fpr: float = settings.MAX_FPR
    synthetic: int = settings.SYNTHETIC_PAGES
    views: tuple[View, ...] = VIEWS
    seed: int = 0
    jobs: int | None = None
    cache_dir: Path | None = None
    n_boot: int = 500
    recipe: Recipe = field(default_factory=Recipe)


@dataclass
class TrainOutcome:
    """What a run produced: the bundle path, the model card and the out-of-collection items."""

    bundle_path: Path
    card: dict[str, Any]
    items: list[ScoredItem] = field(default_factory=list)


@dataclass
class Rows:
    """The training rows with what each one is: page, view, collection."""

    data: TrainData
    pages: list[LabelledPage]
    views: list[View]
    collections: np.ndarray
    failed: dict[str, str]


def _nothing(stage: str, done: int, total: int) -> None:
    """Default progress callback: ignore."""


@dataclass
class Validation:
    """Leave-one-collection-out results: rows, calibrated scores, the chosen threshold and the report."""

    rows: Rows
    items: list[ScoredItem]
    calibration: tuple[float, float]
    threshold: float
    report: dict[str, Any]
    adversarial_auc: dict[str, float] | None


def validate(real: list[LabelledPage], config: TrainConfig, progress: Progress = _nothing,
             check_generator: bool = True) -> Validation:
    """Measure, make generated pages, score each collection with a model that never saw it, report."""
    generated, _ = make_generated(real, config.synthetic, random.Random(config.seed))
    rows = measure_rows(real, generated, config, progress)
    log.info("training rows: %d (%d generated)", len(rows.pages), int(rows.data.generated.sum()))
    result = validate_rows(rows, config, progress)
    if check_generator:
        result.adversarial_auc = adversarial_auc(real, config)
    return result


def validate_rows(rows: Rows, config: TrainConfig, progress: Progress = _nothing) -> Validation:
    """Leave-one-collection-out scores of measured rows, calibrated, thresholded and reported."""
    decisions = loco(rows.data, rows.collections, config.recipe, lambda d, n: progress("leave-one-collection-out", d, n))
    real_rows = ~rows.data.generated
    a, b = platt(decisions[real_rows], rows.data.y[real_rows])
    scores = sigmoid(a * decisions + b)
    threshold = choose_threshold(scores[real_rows], rows.data.y[real_rows], config.max_fpr)
    items = [_item(p, v, float(s)) for p, v, s in zip(rows.pages, rows.views, scores, strict=True)]
    report = loco_report(items, rows, threshold, config.n_boot)
    return Validation(rows, items, (a, b), threshold, report, None)


def train(sources: Sequence[Path], out: Path, config: TrainConfig = TrainConfig(), progress: Progress = _nothing) -> TrainOutcome:
    """Run the whole training pipeline and write ``out`` (.npz) and its model card beside it."""
    dataset = load_labelled(sources)
    real = [p for p in dataset.pages if p.label != "borderline"]
    border = [p for p in dataset.pages if p.label == "borderline"]
    v = validate(real, config, progress)
    final = fit(v.rows.data, config.recipe)
    a, b = v.calibration
    raw_threshold = (math.log(v.threshold / (1 - v.threshold)) - b) / a
    real_rows = ~v.rows.data.generated
    final = decisive_floor(final, raw_threshold, v.rows.data.X[real_rows], v.rows.data.T[real_rows],
                           v.rows.data.y[real_rows], config.recipe)
    final = supporting_floor(final, config.recipe)
    bundle = bundle_of(final, *v.calibration, v.threshold, v.rows.data.digest, {
        "loco": v.report["headline"],
        "adversarial_auc": v.adversarial_auc,
        "recipe": config.recipe.__dict__,
        # lets `evaluate` warn when it is given pages the model was trained on
        "train_pages": sorted({page_digest(p) for p in real}),
    })
    save_bundle(bundle, out)
    border_items = score_pages(border, bundle, config, progress)
    card = _card(dataset.pages, v, bundle, config, border_items)
    write_card(card, out)
    html_real = [i for i, view in zip(v.items, v.rows.views, strict=True) if view == "html" and not i.generated]
    _plots(html_real + border_items, v.threshold, out)
    return TrainOutcome(out, card, v.items + border_items)


def make_generated(real: Sequence[LabelledPage], n: int, rng: random.Random) -> tuple[list[LabelledPage], list[LabelledPage]]:
    """``n`` scraper-style pages from real originals, and the same transplants with no markers.

    A generated page keeps the collection of the article it was made from, so that
    leave-one-collection-out folds never train on a held-out collection's text."""
    originals = [p for p in real if p.label == "original" and p.path is not None]
    parsed = _parse_some(originals, rng, limit=max(3 * n, 60))
    articles = [(p, html, page) for p, html, page in parsed if len(page.body) >= 2]
    headlines = [_XML_UNSAFE.sub("", page.title) for _, _, page in parsed if 20 <= len(page.title) <= 120]
    made: list[LabelledPage] = []
    bare: list[LabelledPage] = []
    for i in range(min(n, len(articles))):
        source, article_html, article = articles[i % len(articles)]
        host, host_html, _ = pick_host(article, source.lang, parsed, rng)
        seed = rng.random()
        for markers, out in ((True, made), (False, bare)):
            try:
                g = make_scraper_page(article, host_html, headlines, random.Random(seed), markers=markers,
                                      article_html=article_html, host_url=host.url)
            except (ValueError, TypeError) as exc:  # lxml refuses some hosts' trees; skip that pair
                log.debug("generator skipped %s into %s: %s", source.id, host.id, exc)
                break
            out.append(
                replace(source, id=f"gen{'' if markers else '-bare'}-{i}", label="low_quality", category="generated",
                        url=g.url, origin=f"generated from {source.id} into {host.id}", path=None,
                        html=None if g.text is not None else g.html, text=g.text, generated=True, confidence=None)
            )
    return made, bare


def _parse_some(pages: Sequence[LabelledPage], rng: random.Random, limit: int) -> list[tuple[LabelledPage, str, Page]]:
    """A random sample of pages, each read once: its decoded HTML and its parsed form (unreadable ones skipped)."""
    sample = rng.sample(list(pages), k=min(limit, len(pages)))
    out = []
    for p in sample:
        try:
            data, kind = read_page(p)
            html = data if isinstance(data, str) else decode_page(data, {}, settings.MAX_BYTES)
            out.append((p, html, load_page(html, url=p.url, kind=kind)))
        except Exception as exc:  # noqa: BLE001 - a page we cannot read just isn't used as material
            log.debug("skipping %s as generator material: %s", p.id, exc)
    return out


def _tables(pages: list[LabelledPage], views: Sequence[View], config: TrainConfig, progress: Progress,
            what: str) -> dict[View, FeatureTable]:
    """Features of ``pages`` in each of ``views``."""
    kw: dict[str, Any] = {"jobs": config.jobs}
    if config.cache_dir is not None:
        kw["cache_dir"] = config.cache_dir

    def report(view: View) -> Callable[[int, int], None]:
        """``progress`` for measuring one view."""
        return lambda done, total: progress(f"measuring {what} ({view})", done, total)

    return {view: extract_features(pages, view=view, progress=report(view), **kw) for view in views}


def measure_rows(real: list[LabelledPage], generated: list[LabelledPage], config: TrainConfig, progress: Progress) -> Rows:
    """Every real page in every view and every generated page in :data:`GENERATED_VIEWS`, as training rows."""
    tables = [(v, t) for v, t in _tables(real, config.views, config, progress, "pages").items()]
    if generated:
        gen_views = tuple(v for v in GENERATED_VIEWS if v in config.views)
        tables += list(_tables(generated, gen_views, config, progress, "generated pages").items())
    by_id = {p.id: p for p in [*real, *generated]}
    pages = [by_id[i] for _, t in tables for i in t.ids]
    views = [v for v, t in tables for _ in t.ids]
    X = np.vstack([t.X for _, t in tables])
    T = sp.vstack([t.T for _, t in tables]).tocsr()
    y = np.array([p.label == "low_quality" for p in pages], dtype=int)
    digest = data_digest([f"{p.id}:{p.label}:{v}" for p, v in zip(pages, views, strict=True)]
                         + [hashlib.sha256(X.tobytes()).hexdigest()])
    data = TrainData(X, T, y, np.array([p.group for p in pages]), np.array([p.old_crawl for p in pages]),
                     np.array([p.generated for p in pages]), digest)
    collections = held_out_parts(pages, data)
    failed = {pid: reason for v, t in tables if v == "html" for pid, reason in t.failed.items()}
    return Rows(data, pages, views, collections, failed)


def measure_corpus(manifest: Path, config: TrainConfig, progress: Progress = _nothing) -> Rows:
    """The labelled (non-borderline) pages of ``manifest`` and the generated pages made from them, as
    training rows: what ``training/ablate.py`` and ``training/baselines.py`` compare models on."""
    real = [p for p in load_labelled([manifest]).pages if p.label != "borderline"]
    generated, _ = make_generated(real, config.synthetic, random.Random(config.seed))
    return measure_rows(real, generated, config, progress)


def held_out_parts(pages: Sequence[LabelledPage], data: TrainData, n_folds: int = 5) -> np.ndarray:
    """What each row is held out with: its collection where the data names collections, else one of
    ``n_folds`` folds of sites (so a user's own labelled folder still gets grouped, honest figures)."""
    if any(p.collection for p in pages):
        return np.array([p.collection or p.group for p in pages])
    out = np.empty(len(pages), dtype=object)
    for k, (_, test) in enumerate(site_folds(data, n_folds)):
        out[test] = f"fold {k + 1}"
    return out.astype(str)


def _item(page: LabelledPage, view: str, score: float) -> ScoredItem:
    """A leave-one-collection-out result row (``source`` carries the view)."""
    return ScoredItem(id=page.id, label=page.label, score=score, category=page.category, lang=page.lang,
                      confidence=page.confidence, source=view, generated=page.generated)


def adversarial_auc(real: list[LabelledPage], config: TrainConfig) -> dict[str, float] | None:
    """The generator's artefact check: ROC-AUCs of telling marker-free generated pages from real originals."""
    from .adversarial import adversarial_check  # noqa: PLC0415

    if config.synthetic <= 0:
        return None
    try:
        result = adversarial_check(real, seed=config.seed, jobs=config.jobs or 1, cache_dir=config.cache_dir)
    except ValueError as exc:  # too few originals to run it
        log.warning("generator check skipped: %s", exc)
        return None
    return {"signals": round(result.signal_auc, 4), "ngrams": round(result.ngram_auc, 4)}


def score_pages(pages: list[LabelledPage], bundle: Bundle, config: TrainConfig, progress: Progress) -> list[ScoredItem]:
    """Pages scored by a bundle from their cached features (borderline pages: they never enter fitting)."""
    if not pages:
        return []
    table = _tables(pages, ("html",), config, progress, "borderline pages")["html"]
    by_id = {p.id: p for p in pages}
    scores = bundle.score_rows(table.X, table.T)
    return [ScoredItem(id=pid, label=by_id[pid].label, score=float(s), category=by_id[pid].category,
                       lang=by_id[pid].lang, source="html") for pid, s in zip(table.ids, scores, strict=True)]


def _card(pages: Sequence[LabelledPage], v: Validation, bundle: Bundle, config: TrainConfig,
          border: list[ScoredItem]) -> dict[str, Any]:
    """The model card as JSON-ready data."""
    rows = v.rows
    flagged_border = [i for i in border if i.score is not None and i.score >= bundle.threshold]
    return {
        "bundle": {"id": bundle.id, "sha256": bundle.digest, "threshold": bundle.threshold},
        "data": {
            "by_label": dict(Counter(p.label for p in pages)),
            "by_collection": dict(Counter(p.collection or "?" for p in pages)),
            "by_language": dict(Counter(p.lang or "?" for p in pages).most_common(15)),
            "groups": len({p.group for p in pages}),
            "generated_pages": len({p.id for p in rows.pages if p.generated}),
            "rows_by_view": dict(Counter(rows.views)),
            "failed_pages": rows.failed,
        },
        "config": {"max_fpr": config.max_fpr, "synthetic": config.synthetic, "views": list(config.views),
                   "seed": config.seed, "recipe": config.recipe.__dict__},
        "loco": v.report,
        "adversarial_auc": v.adversarial_auc,
        "borderline": {"n": len(border), "flagged": len(flagged_border),
                       "flagged_categories": dict(Counter(i.category for i in flagged_border))},
    }


def write_card(card: dict[str, Any], bundle_path: Path) -> None:
    """``MODEL.md`` and ``model_card.json`` beside the bundle (the CLI gives each bundle its own folder)."""
    from .validation import render_markdown  # noqa: PLC0415

    (bundle_path.parent / "model_card.json").write_text(json.dumps(card, indent=2, default=str) + "\n")
    (bundle_path.parent / "MODEL.md").write_text(render_markdown(card, bundle_path.name))


def _plots(items: list[ScoredItem], threshold: float, bundle_path: Path) -> None:
    """ROC, PR, reliability and histogram plots of the out-of-collection scores (needs matplotlib)."""
    try:
        from .evaluation import evaluate  # noqa: PLC0415
        from .plots import write_plots  # noqa: PLC0415
    except ImportError:
        log.warning("matplotlib is not installed: no plots written")
        return
    out_dir = bundle_path.parent / "plots"
    out_dir.mkdir(parents=True, exist_ok=True)
    write_plots(items, evaluate(items, threshold, n_boot=0), out_dir)
