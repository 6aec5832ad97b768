"""``newsqual train``: labelled data in, a verified bundle and a model card out.

Steps: validate the data; measure every real page as HTML and as a text dump; make
scraper-style pages from real originals; nested grouped cross-validation for honest figures
(real pages only); an adversarial check of the generator; fit the final bundle on everything.
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GroupKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from . import settings
from .dataset import LabelledPage, load_labelled, page_digest, read_page
from .evaluation import ScoredItem, evaluate
from .features import extract_features
from .loader import decode_page, load_page
from .model import Bundle, save_bundle
from .page import Page
from .synthetic import _XML_UNSAFE, make_scraper_page, pick_host
from .training import C_GRID, CVResult, TrainData, cross_validate, data_digest, fit_bundle

log = logging.getLogger(__name__)
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class TrainConfig:
    """Knobs of a training run; the defaults build the bundled model."""

    max_fpr: float = settings.MAX_FPR
    synthetic: int = settings.SYNTHETIC_PAGES
    text_views: bool = True
    seed: int = 0
    jobs: int | None = None
    cache_dir: Path | None = None
    n_boot: int = 500


@dataclass
class TrainOutcome:
    """What a run produced: the bundle path, the model card and the CV items."""

    bundle_path: Path
    card: dict[str, Any]
    items: list[ScoredItem] = field(default_factory=list)


def _nothing(stage: str, done: int, total: int) -> None:
    """Default progress callback: ignore."""


def train(sources: Sequence[Path], out: Path, config: TrainConfig = TrainConfig(), progress: Progress = _nothing) -> TrainOutcome:
    """Run the whole training pipeline and write ``out`` (.joblib), its checksum and the model card."""
    dataset = load_labelled(sources)
    real = [p for p in dataset.pages if p.label != "borderline"]
    border = [p for p in dataset.pages if p.label == "borderline"]
    rng = random.Random(config.seed)
    generated, stripped = make_generated(real, config.synthetic, rng)
    views = _measure(real, generated, config, progress)
    data, rows = views.train_data()
    log.info("training rows: %d (%d generated)", len(rows), int(data.generated.sum()))
    cv = cross_validate(data, config.max_fpr, config.seed)
    items = [_item(row, float(s)) for row, s in zip(rows, cv.scores, strict=True)]
    adversarial = adversarial_auc(views, stripped, config)
    bundle = fit_bundle(data, config.max_fpr, config.seed)
    border_items = _score_border(border, bundle, config, progress)
    report = evaluate([i for i in items if i.source == "html"] + border_items, bundle.threshold, n_boot=config.n_boot)
    report_text = evaluate([i for i in items if i.source == "text"], bundle.threshold, n_boot=config.n_boot)
    card = _card(dataset.pages, generated, views, cv, report, report_text, adversarial, bundle.metrics, config)
    card["cv_folds"] = fold_metrics(items, cv)
    bundle.metrics.update({
        "cv": report,
        "adversarial_auc": adversarial,
        # lets `evaluate` warn when it is given pages the model was trained on
        "train_pages": sorted({page_digest(p) for p in real}),
    })
    save_bundle(bundle, out)
    write_card(card, report, out)
    _cv_plots([i for i in items if i.source == "html"] + border_items, report, out.parent / "plots")
    return TrainOutcome(out, card, items + border_items)


def make_generated(real: Sequence[LabelledPage], n: int, rng: random.Random) -> tuple[list[LabelledPage], list[LabelledPage]]:
    """``n`` scraper-style pages from real originals, and the same transplants with no markers."""
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


@dataclass
class _Views:
    """Feature vectors of real pages (as HTML and as text) and of generated pages."""

    html: dict[str, np.ndarray]
    text: dict[str, np.ndarray]
    gen: dict[str, np.ndarray]
    pages: dict[str, LabelledPage]
    failed: dict[str, str]
    gen_text: dict[str, np.ndarray] = field(default_factory=dict)

    def train_data(self) -> tuple[TrainData, list[tuple[LabelledPage, str]]]:
        """Stack all views into one training matrix; rows remember page and view."""
        rows: list[tuple[LabelledPage, str]] = []
        vecs: list[np.ndarray] = []
        views = (("html", self.html), ("text", self.text), ("generated", self.gen), ("generated-text", self.gen_text))
        for view, table in views:
            for pid, vec in table.items():
                rows.append((self.pages[pid], view))
                vecs.append(vec)
        X = np.vstack(vecs)
        y = np.array([p.label == "low_quality" for p, _ in rows], dtype=int)
        groups = np.array([p.group for p, _ in rows])
        gen = np.array([p.generated for p, _ in rows])
        digest = data_digest([f"{p.id}:{p.label}:{v}:{hashlib.sha256(vec.tobytes()).hexdigest()[:16]}" for (p, v), vec in zip(rows, vecs, strict=True)])
        return TrainData(X, y, groups, gen, digest), rows


def _measure(real: list[LabelledPage], generated: list[LabelledPage], config: TrainConfig, progress: Progress) -> _Views:
    """Measure real pages as HTML and text dumps, and the generated pages."""
    kw: dict[str, Any] = {"jobs": config.jobs}
    if config.cache_dir is not None:
        kw["cache_dir"] = config.cache_dir

    def table(pages: list[LabelledPage], stage: str, as_text: bool = False) -> tuple[dict[str, np.ndarray], dict[str, str]]:
        t = extract_features(pages, as_text=as_text, progress=lambda d, n: progress(stage, d, n), **kw)
        return dict(zip(t.ids, t.X, strict=True)), t.failed

    html, failed = table(real, "measuring pages")
    text, _ = table([p for p in real if p.id in html], "measuring text dumps", as_text=True) if config.text_views else ({}, {})
    gen, _ = table(generated, "measuring generated pages") if generated else ({}, {})
    use_gen_text = generated and config.text_views
    gen_text, _ = table(generated, "measuring generated text dumps", as_text=True) if use_gen_text else ({}, {})
    pages = {p.id: p for p in [*real, *generated]}
    return _Views(html, text, gen, pages, failed, gen_text)


def _item(row: tuple[LabelledPage, str], score: float) -> ScoredItem:
    """A CV result row for the evaluation report (``source`` carries the view)."""
    page, view = row
    return ScoredItem(id=page.id, label=page.label, score=score, category=page.category, lang=page.lang,
                      confidence=page.confidence, source=view, generated=page.generated)


def adversarial_auc(views: _Views, stripped: list[LabelledPage], config: TrainConfig) -> float | None:
    """ROC-AUC of a classifier telling marker-free generated pages from real originals (0.5 = no artefact)."""
    if not stripped:
        return None
    kw: dict[str, Any] = {"jobs": config.jobs}
    if config.cache_dir is not None:
        kw["cache_dir"] = config.cache_dir
    bare = extract_features(stripped, **kw)
    orig_ids = [pid for pid in views.html if views.pages[pid].label == "original"]
    X = np.vstack([views.html[i] for i in orig_ids] + list(bare.X))
    y = np.r_[np.zeros(len(orig_ids)), np.ones(len(bare.ids))]
    by_id = {p.id: p for p in stripped}
    groups = [views.pages[i].group for i in orig_ids] + [by_id[i].group for i in bare.ids]
    model = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, class_weight="balanced", max_iter=5000))
    scores = cross_val_predict(model, X, y, groups=groups, cv=GroupKFold(5), method="decision_function")
    return round(float(roc_auc_score(y, scores)), 4)


def _score_border(border: list[LabelledPage], bundle: Bundle, config: TrainConfig, progress: Progress) -> list[ScoredItem]:
    """Borderline pages scored by the final model (they never enter fitting)."""
    if not border:
        return []
    kw: dict[str, Any] = {"jobs": config.jobs}
    if config.cache_dir is not None:
        kw["cache_dir"] = config.cache_dir
    t = extract_features(border, progress=lambda d, n: progress("measuring borderline pages", d, n), **kw)
    by_id = {p.id: p for p in border}
    return [
        ScoredItem(id=pid, label="borderline", score=bundle.score(x), category=by_id[pid].category,
                   lang=by_id[pid].lang, source="html")
        for pid, x in zip(t.ids, t.X, strict=True)
    ]


def fold_metrics(items: list[ScoredItem], cv: CVResult) -> dict[str, Any]:
    """ROC-AUC, recall and FPR of each outer fold on real HTML pages (each at its own threshold), with mean and spread."""
    flagged = cv.flagged()
    per_fold: list[dict[str, float | None]] = []
    for k, threshold in enumerate(cv.fold_thresholds):
        idx = [i for i, it in enumerate(items) if cv.fold[i] == k and it.source == "html" and not it.generated]
        y = np.array([items[i].label == "low_quality" for i in idx])
        s = np.array([items[i].score for i in idx])
        f = flagged[idx]
        per_fold.append({
            "threshold": round(threshold, 4),
            "roc_auc": round(float(roc_auc_score(y, s)), 4) if 0 < y.sum() < len(y) else None,
            "recall": round(float(f[y].mean()), 4) if y.any() else None,
            "fpr": round(float(f[~y].mean()), 4) if (~y).any() else None,
        })
    summary: dict[str, Any] = {"folds": per_fold}
    for key in ("roc_auc", "recall", "fpr"):
        vals = [float(v) for f in per_fold if (v := f[key]) is not None]
        summary[key] = {"mean": round(float(np.mean(vals)), 4), "std": round(float(np.std(vals)), 4)} if vals else None
    for label in ("original", "low_quality"):
        rows = [i for i, it in enumerate(items) if it.source == "html" and not it.generated and it.label == label]
        summary[f"{label}_flagged"] = round(float(flagged[rows].mean()), 4) if rows else None
    return summary


def _card(
    pages: Sequence[LabelledPage], generated: Sequence[LabelledPage], views: _Views, cv: CVResult,
    report: dict[str, Any], report_text: dict[str, Any], adversarial: float | None,
    fit_metrics: dict[str, Any], config: TrainConfig,
) -> dict[str, Any]:
    """The model card as JSON-ready data."""
    return {
        "data": {
            "by_label": dict(Counter(p.label for p in pages)),
            "by_category": dict(Counter(p.category for p in pages)),
            "by_language": dict(Counter(p.lang or "?" for p in pages).most_common(15)),
            "domains": len({p.group for p in pages}),
            "generated_pages": len(generated),
            "failed_pages": views.failed,
        },
        "config": {"max_fpr": config.max_fpr, "synthetic": config.synthetic, "text_views": config.text_views,
                   "seed": config.seed},
        "search": {"C_grid": list(C_GRID),
                   "chosen_C": fit_metrics.get("C"), "fold_C": cv.fold_C},
        "cv_fold_thresholds": [round(t, 4) for t in cv.fold_thresholds],
        "cv_real_html": report,
        "cv_real_text_dumps": {k: report_text.get(k) for k in ("support", "roc_auc", "pr_auc", "precision", "recall", "fpr")},
        "adversarial_auc": adversarial,
    }


def _folds_line(folds: dict[str, Any]) -> str:
    """One model-card line: per-fold figures as mean ± spread."""
    parts = [f"{k} {v['mean']:.3f} ± {v['std']:.3f}" for k, v in folds.items() if isinstance(v, dict) and "mean" in v]
    return (f"- Outer folds, each at its own threshold (mean ± std over folds): {', '.join(parts)}; "
            f"real pages flagged overall: originals {folds.get('original_flagged')}, "
            f"low quality {folds.get('low_quality_flagged')}")


def _text_line(block: dict[str, Any]) -> str:
    """One model-card line: the same real pages scored as plain-text dumps."""
    parts = [f"{k} {v['value']:.3f}" for k in ("roc_auc", "recall", "fpr") if (v := block.get(k)) and v.get("value") is not None]
    return f"- The same real pages as plain-text dumps (grouped CV): {', '.join(parts) or 'n/a'}"


def write_card(card: dict[str, Any], report: dict[str, Any], bundle_path: Path) -> None:
    """``MODEL.md`` and ``model_card.json`` beside the bundle."""
    from .report import render_text  # noqa: PLC0415

    (bundle_path.parent / "model_card.json").write_text(json.dumps(card, indent=2, default=str))
    data = card["data"]
    lines = [
        f"# Model card: {bundle_path.name}",
        "",
        "Scaler + class-balanced logistic regression over the newsqual signals, Platt-calibrated.",
        "Every figure below comes from nested cross-validation with folds grouped by site, on real pages only;",
        "generated scraper-style pages are used for fitting but never counted in these figures.",
        "",
        f"- Pages by label: {data['by_label']}",
        f"- Generated scraper-style pages (fitting only): {data['generated_pages']}",
        f"- Sites/groups: {data['domains']}; pages that failed to read: {len(data['failed_pages'])}",
        f"- Languages: {data['by_language']}",
        f"- Threshold search: max FPR {card['config']['max_fpr']}; per-fold thresholds {card['cv_fold_thresholds']}",
        _folds_line(card["cv_folds"]),
        _text_line(card["cv_real_text_dumps"]),
        f"- C grid {card['search']['C_grid']}; chosen per fold {card['search']['fold_C']}; final {card['search']['chosen_C']}",
        f"- Adversarial check (marker-free generated vs real originals, ROC-AUC; 0.5 = indistinguishable): {card['adversarial_auc']}",
        "",
        "## Cross-validated results (real pages, HTML)",
        "",
        "```",
        render_text(report),
        "```",
    ]
    (bundle_path.parent / "MODEL.md").write_text("\n".join(lines) + "\n")


def _cv_plots(items: list[ScoredItem], report: dict[str, Any], out_dir: Path) -> None:
    """ROC, PR, reliability and histogram plots of the cross-validated scores (needs matplotlib)."""
    try:
        from .plots import write_plots  # noqa: PLC0415
    except ImportError:
        log.warning("matplotlib is not installed: no cross-validation plots written")
        return
    out_dir.mkdir(parents=True, exist_ok=True)
    write_plots(items, report, out_dir)
