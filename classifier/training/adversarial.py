"""The adversarial check of the page generator: can a classifier tell its pages from real ones?

Generated pages are only worth training on if the model learns the scraper *markers* on them,
not the generator's own artefacts. So: make marker-free pages (``markers=False``) from one half
of a sample of real originals and ask two classifiers to tell them from the other half:

- the signal features (:func:`classifier.training.features.extract_features`), scaled, logistic regression;
- a hashed n-gram text model: character n-grams of the article body, and word n-grams of the
  boilerplate (short lines, list headings) plus the page's class and id tokens.

Folds are grouped by site: a real page's group is its site; a generated page's group is the pair
of real pages (article and host) it was made from, and the two halves never share a site. ROC-AUC
0.5 means the generator leaves nothing to learn; :data:`GATE` is the most this check accepts.
"""

from __future__ import annotations

import logging
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from .. import settings
from ..page.loader import decode_page, load_page
from ..page.page import Page
from .dataset import LabelledPage, read_page
from .features import extract_features
from .synthetic import Generated, make_scraper_page, story_links

log = logging.getLogger(__name__)

#: The highest adversarial ROC-AUC the generator may reach (0.5: indistinguishable).
GATE = 0.6

_CLASS_ID = re.compile(r"""\b(?:class|id)\s*=\s*["']([^"'<>]{1,200})["']""", re.I)
_SHORT_LINE = 80  # characters: longer non-body blocks are not boilerplate lines


@dataclass(frozen=True, slots=True)
class Material:
    """A real page ready to be generator input: its row, decoded HTML and parsed form."""

    row: LabelledPage
    html: str
    page: Page


#: Makes a marker-free page from (article, host, headlines, rng).
Maker = Callable[[Material, Material, Sequence[str], random.Random], Generated]


@dataclass(frozen=True, slots=True)
class AdversarialResult:
    """ROC-AUCs of telling generated pages from real originals, per model, and the sample sizes."""

    signal_auc: float
    ngram_auc: float
    body_auc: float
    boilerplate_auc: float
    n_real: int
    n_generated: int

    def passed(self, gate: float = GATE) -> bool:
        """True when both the signal and the n-gram classifier stay at or under ``gate``."""
        return self.signal_auc <= gate and self.ngram_auc <= gate


def bare_maker(article: Material, host: Material, headlines: Sequence[str], rng: random.Random) -> Generated:
    """This project's generator with its markers switched off."""
    return make_scraper_page(article.page, host.html, headlines, rng, markers=False,
                             article_html=article.html, host_url=host.row.url)


def read_material(rows: Sequence[LabelledPage]) -> list[Material]:
    """Rows read and parsed once; unreadable pages and pages with no article body are skipped."""
    out = []
    for row in rows:
        try:
            data, kind = read_page(row)
            html = data if isinstance(data, str) else decode_page(data, {}, settings.MAX_BYTES)
            page = load_page(html, url=row.url, kind=kind)
        except Exception as exc:  # noqa: BLE001 - a page we cannot read is just not used
            log.debug("skipping %s: %s", row.id, exc)
            continue
        if kind == "html" and len(page.body) >= 2:
            out.append(Material(row, html, page))
    return out


def split_by_group(items: Sequence[Material], rng: random.Random) -> tuple[list[Material], list[Material]]:
    """Two halves with no site in common: (real side, generator material)."""
    groups = sorted({m.row.group for m in items})
    rng.shuffle(groups)
    material = set(groups[: len(groups) // 2])
    return [m for m in items if m.row.group not in material], [m for m in items if m.row.group in material]


def pair_by_language(items: Sequence[Material], rng: random.Random) -> list[tuple[Material, Material]]:
    """Disjoint pairs of pages of one language (a scraper copies into its own) with similar story lists."""
    shuffled = list(items)
    rng.shuffle(shuffled)
    shuffled.sort(key=lambda m: (m.row.lang or "", story_links(m.page)))
    return [(shuffled[i], shuffled[i + 1]) for i in range(0, len(shuffled) - 1, 2)]


def generate_pairs(pairs: Sequence[tuple[Material, Material]], maker: Maker, seed: int) -> list[LabelledPage]:
    """Both ways round for each pair (a into b, b into a), as generated rows grouped by the pair."""
    headlines = [m.page.title for pair in pairs for m in pair if 20 <= len(m.page.title) <= 120]
    rng = random.Random(seed)
    out = []
    for a, b in pairs:
        for article, host in ((a, b), (b, a)):
            try:
                g = maker(article, host, headlines, random.Random(rng.random()))
            except (ValueError, TypeError) as exc:
                log.debug("generator skipped %s into %s: %s", article.row.id, host.row.id, exc)
                continue
            out.append(replace(article.row, id=f"adv-{article.row.id}-{host.row.id}", label="low_quality",
                               group=f"pair:{a.row.id}:{b.row.id}", url=g.url, path=None,
                               html=None if g.text is not None else g.html, text=g.text, generated=True))
    return out


def _as_view(m: Material, text_view: bool) -> LabelledPage:
    """A real page as an inline row, in its HTML or text-dump view."""
    if not text_view:
        return replace(m.row, path=None, html=m.html, text=None)
    return replace(m.row, path=None, html=None, text="\n".join(b.text for b in m.page.blocks))


def _views(real: Sequence[Material], generated: Sequence[LabelledPage], rng: random.Random) -> list[LabelledPage]:
    """Real pages as rows, a text dump as often as generated pages are dumps (the view is no cue)."""
    share = sum(g.text is not None for g in generated) / max(1, len(generated))
    return [_as_view(m, rng.random() < share) for m in real]


def boilerplate_text(page: Page, html: str | None) -> str:
    """Short non-body lines, list headings and class/id tokens: what a template leaves on a page."""
    body = set(page.body)
    lines = [b.text for b in page.blocks if b.text not in body and len(b.text) <= _SHORT_LINE]
    lines += [f"heading {lst.heading}" for lst in page.link_lists if lst.heading]
    tokens = [f"attr_{t}" for value in _CLASS_ID.findall(html or "") for t in value.split()]
    return "\n".join(lines + tokens)


def _texts(rows: Sequence[LabelledPage]) -> tuple[list[str], list[str]]:
    """(body, boilerplate) text of each row."""
    bodies, plates = [], []
    for row in rows:
        data, kind = read_page(row)
        page = load_page(data, url=row.url, kind=kind)
        bodies.append(page.body_text)
        plates.append(boilerplate_text(page, row.html))
    return bodies, plates


def _grouped_auc(X: object, y: np.ndarray, groups: Sequence[str], scale: bool) -> float:
    """ROC-AUC of grouped 5-fold cross-validated logistic-regression scores."""
    from sklearn.linear_model import LogisticRegression  # noqa: PLC0415 - training-time dependency
    from sklearn.metrics import roc_auc_score  # noqa: PLC0415
    from sklearn.model_selection import GroupKFold, cross_val_predict  # noqa: PLC0415
    from sklearn.pipeline import make_pipeline  # noqa: PLC0415
    from sklearn.preprocessing import StandardScaler  # noqa: PLC0415

    lr = LogisticRegression(C=1.0, class_weight="balanced", max_iter=2000, solver="liblinear")
    model = make_pipeline(StandardScaler(), lr) if scale else lr
    scores = cross_val_predict(model, X, y, groups=groups, cv=GroupKFold(5), method="decision_function")
    return round(float(roc_auc_score(y, scores)), 4)


def _hashed(texts: Sequence[str], analyzer: str, ngrams: tuple[int, int]) -> object:
    """Sublinear-tf, L2-normalised hashed n-grams of ``texts``."""
    from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer  # noqa: PLC0415

    vec = HashingVectorizer(analyzer=analyzer, ngram_range=ngrams, n_features=2**18, alternate_sign=False,
                            norm=None, token_pattern=r"(?u)\b\w[\w-]*\b", lowercase=True)
    return TfidfTransformer(use_idf=False, sublinear_tf=True).fit_transform(vec.transform(texts))


def ngram_aucs(rows: Sequence[LabelledPage], y: np.ndarray, groups: Sequence[str]) -> tuple[float, float, float]:
    """(combined, body-only, boilerplate-only) ROC-AUC of the hashed n-gram text model."""
    from scipy.sparse import hstack  # noqa: PLC0415

    bodies, plates = _texts(rows)
    body = _hashed(bodies, "char_wb", (2, 4))
    plate = _hashed(plates, "word", (1, 2))
    both = hstack([body, plate]).tocsr()
    return (_grouped_auc(both, y, groups, False), _grouped_auc(body, y, groups, False),
            _grouped_auc(plate, y, groups, False))


def signal_auc(rows: Sequence[LabelledPage], y: np.ndarray, groups: Sequence[str], jobs: int,
               cache_dir: Path | None) -> float:
    """ROC-AUC of the signal features (rows that fail to measure are left out)."""
    table = extract_features(rows, jobs=jobs, cache_dir=cache_dir)
    index = {r.id: i for i, r in enumerate(rows)}
    keep = [index[i] for i in table.ids]
    return _grouped_auc(table.X, y[keep], [groups[i] for i in keep], True)


def adversarial_check(
    originals: Sequence[LabelledPage], maker: Maker = bare_maker, *, sample: int = 300, seed: int = 0,
    jobs: int = 1, cache_dir: Path | None = None,
) -> AdversarialResult:
    """Adversarial ROC-AUCs of ``maker``'s pages against real originals, on ``sample`` originals."""
    rng = random.Random(seed)
    pool = [p for p in originals if p.label == "original"]
    material = read_material(rng.sample(pool, k=min(sample, len(pool))))
    real, stuff = split_by_group(material, rng)
    generated = generate_pairs(pair_by_language(stuff, rng), maker, seed)
    if len(real) < 10 or len(generated) < 10:
        raise ValueError(f"too few pages for the adversarial check ({len(real)} real, {len(generated)} generated)")
    rows = _views(real, generated, rng) + generated
    ids = [r.id for r in rows]
    if len(set(ids)) != len(ids):
        raise ValueError("duplicate page ids in the adversarial sample")
    y = np.r_[np.zeros(len(real)), np.ones(len(generated))]
    groups = [r.group for r in rows]
    combined, body, plate = ngram_aucs(rows, y, groups)
    return AdversarialResult(signal_auc(rows, y, groups, jobs, cache_dir), combined, body, plate,
                             len(real), len(generated))
