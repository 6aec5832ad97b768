"""Tests of the evaluation metrics and report rendering, on small synthetic scored items."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import average_precision_score, roc_auc_score

from classifier.errors import DataError
from classifier.training.evaluation import METRICS, ScoredItem, evaluate, pr_auc, roc_auc
from classifier.training.plots import PLOT_FILES, write_plots
from classifier.training.report import render_text, write_html

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def item(id_: str, label: str, score: float | None, **kw: object) -> ScoredItem:
    """A ScoredItem with a short call."""
    return ScoredItem(id=id_, label=label, score=score, **kw)  # type: ignore[arg-type]


def separated() -> list[ScoredItem]:
    """Four originals below three low_quality pages: perfectly separated at 0.5."""
    orig = [item(f"o{i}", "original", s, category="local", lang="en") for i, s in enumerate([0.1, 0.2, 0.3, 0.4])]
    lq = [item(f"l{i}", "low_quality", s, category="spam", lang="de") for i, s in enumerate([0.6, 0.8, 0.9])]
    return orig + lq


def mixed(n: int = 60, seed: int = 1) -> list[ScoredItem]:
    """Overlapping classes with categories, languages, confidences and reasons."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        lq = i % 3 == 0
        score = float(np.clip(rng.normal(0.7 if lq else 0.35, 0.2), 0, 1))
        out.append(item(f"p{i}", "low_quality" if lq else "original", score,
                        category="spun" if lq else "local", lang=["en", "fr"][i % 2],
                        confidence=["high", "low"][i % 2] if lq else None, source=f"site{i}.example",
                        reasons=(("dup_title", f"title seen {i} times"),)))
    return out


def value(report: dict, key: str) -> float | None:
    """The point value of one headline metric."""
    return report[key]["value"]


# ---------------------------------------------------------------- metrics


def test_perfect_separation() -> None:
    r = evaluate(separated(), 0.5, n_boot=200)
    assert value(r, "roc_auc") == 1.0
    assert value(r, "pr_auc") == 1.0
    assert value(r, "precision") == 1.0
    assert value(r, "recall") == 1.0
    assert value(r, "fpr") == 0.0
    assert value(r, "f1") == 1.0
    assert r["confusion"] == {"tp": 3, "fp": 0, "tn": 4, "fn": 0}
    assert r["support"] == {"n": 7, "low_quality": 3, "original": 4}


def test_known_confusion_counts() -> None:
    # flagged (>= 0.5): o3 (0.55, fp), l0 (0.5, tp), l1 (0.9, tp); missed: l2 (0.2, fn)
    items = [item("o0", "original", 0.1), item("o1", "original", 0.3), item("o2", "original", 0.45),
             item("o3", "original", 0.55), item("l0", "low_quality", 0.5), item("l1", "low_quality", 0.9),
             item("l2", "low_quality", 0.2)]
    r = evaluate(items, 0.5, n_boot=100)
    assert r["confusion"] == {"tp": 2, "fp": 1, "tn": 3, "fn": 1}
    assert value(r, "precision") == pytest.approx(2 / 3)
    assert value(r, "recall") == pytest.approx(2 / 3)
    assert value(r, "fpr") == pytest.approx(1 / 4)
    assert value(r, "f1") == pytest.approx(2 / 3)
    # pairs (lq, orig) ranked correctly: l0 beats 3 of 4, l1 beats 4, l2 beats 1 -> 8 / 12
    assert value(r, "roc_auc") == pytest.approx(8 / 12)


def test_auc_and_ap_match_sklearn_with_ties() -> None:
    rng = np.random.default_rng(0)
    for _ in range(50):
        y = rng.random(40) < 0.4
        s = np.round(rng.random(40), 1)  # many ties
        if y.all() or not y.any():
            continue
        assert roc_auc(y, s) == pytest.approx(roc_auc_score(y, s))
        assert pr_auc(y, s) == pytest.approx(average_precision_score(y, s))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_ci_contains_point_estimate(seed: int) -> None:
    r = evaluate(mixed(seed=seed), 0.5, n_boot=300, seed=seed)
    for key in METRICS:
        v, (lo, hi) = r[key]["value"], r[key]["ci95"]
        assert v is not None and lo is not None and hi is not None, key
        assert lo <= v <= hi, key
        assert lo < hi, key  # overlapping classes: the intervals have width


def test_bootstrap_is_reproducible() -> None:
    assert evaluate(mixed(), 0.5, n_boot=100, seed=7) == evaluate(mixed(), 0.5, n_boot=100, seed=7)


def test_report_is_json_ready() -> None:
    r = evaluate(mixed() + [item("f", "original", None, error="timeout")], 0.5, n_boot=50)
    json.dumps(r, allow_nan=False)  # no NaN, no numpy types


# ---------------------------------------------------------------- what counts where


def test_generated_items_are_kept_out_of_the_headline() -> None:
    # generated originals scored high would ruin the headline if they were mixed in
    gen = [item(f"g{i}", "original", 0.99, generated=True, category="llm") for i in range(5)]
    gen += [item(f"h{i}", "low_quality", 0.2, generated=True, category="llm") for i in range(5)]
    r = evaluate(separated() + gen, 0.5, n_boot=100)
    assert value(r, "roc_auc") == 1.0 and r["support"]["n"] == 7
    assert "llm" not in r["per_category"]
    assert r["counts"]["generated"] == 10 and r["counts"]["real"] == 7
    g = r["generated"]
    assert g["support"] == {"n": 10, "low_quality": 5, "original": 5}
    assert g["confusion"] == {"tp": 0, "fp": 5, "tn": 0, "fn": 5}
    assert g["roc_auc"]["value"] == 0.0
    assert g["per_category"]["llm"]["n"] == 10
    assert all(not row["id"].startswith(("g", "h")) for row in r["worst"]["highest_originals"])


def test_no_generated_block_without_generated_items() -> None:
    assert evaluate(separated(), 0.5, n_boot=10)["generated"] is None


def test_borderline_excluded_from_metrics_but_listed() -> None:
    bl = [item("b1", "borderline", 0.7, source="s1", category="agg"),
          item("b2", "borderline", 0.95, source="s2", category="agg"),
          item("b3", "borderline", 0.1, source="s3", category="agg")]
    r = evaluate(separated() + bl, 0.5, n_boot=100)
    assert r["support"]["n"] == 7 and r["confusion"]["fp"] == 0
    assert "agg" not in r["per_category"]
    assert r["counts"]["by_label"]["borderline"] == 3
    listed = r["borderline"]
    assert [row["id"] for row in listed["items"]] == ["b2", "b1", "b3"]
    assert listed["items"][0] == {"id": "b2", "source": "s2", "category": "agg", "score": 0.95}
    assert listed["flagged_share"] == pytest.approx(2 / 3)


def test_single_class_does_not_crash() -> None:
    items = [item(f"o{i}", "original", s) for i, s in enumerate([0.1, 0.6, 0.3])]
    r = evaluate(items, 0.5, n_boot=100)
    assert r["roc_auc"] == {"value": None, "ci95": [None, None]}
    assert r["pr_auc"]["value"] is None
    assert r["recall"]["value"] is None
    assert r["fpr"]["value"] == pytest.approx(1 / 3)
    json.dumps(r, allow_nan=False)


def test_empty_and_all_failed_inputs_do_not_crash() -> None:
    r = evaluate([item("a", "original", None, error="boom"), item("b", "low_quality", math.nan)], 0.5, n_boot=20)
    assert r["counts"]["failed"] == 2 and r["support"]["n"] == 0
    assert all(r[key]["value"] is None for key in METRICS)
    assert evaluate([], 0.5, n_boot=5)["counts"]["total"] == 0


def test_failed_items_are_counted_not_scored() -> None:
    failed = [item("f1", "original", None, error="timeout"), item("f2", "low_quality", None, error="binary")]
    r = evaluate(separated() + failed, 0.5, n_boot=50)
    assert r["counts"]["failed"] == 2 and r["counts"]["scored"] == 7 and r["counts"]["total"] == 9
    assert r["counts"]["failed_by_label"] == {"original": 1, "low_quality": 1, "borderline": 0}
    assert r["support"]["n"] == 7


def test_unknown_label_is_a_data_error() -> None:
    with pytest.raises(DataError, match="x1"):
        evaluate([item("x1", "spam", 0.5)], 0.5)


# ---------------------------------------------------------------- breakdowns


def test_breakdowns() -> None:
    items = separated() + [item("o9", "original", 0.7, category="local", lang="en"),
                           item("l9", "low_quality", 0.3, category="spam", lang="de", confidence="low")]
    r = evaluate(items, 0.5, n_boot=20)
    local, spam = r["per_category"]["local"], r["per_category"]["spam"]
    assert local["n"] == 5 and local["label"] == "original" and local["flagged_share"] == pytest.approx(1 / 5)
    assert local["recall"] is None and local["mean_score"] == pytest.approx(1.7 / 5)
    assert spam["label"] == "low_quality" and spam["recall"] == pytest.approx(3 / 4)
    assert r["per_language"]["en"] == {"n": 5, "n_original": 5, "n_low_quality": 0, "fpr": pytest.approx(0.2),
                                       "recall": None}
    assert r["per_language"]["de"]["recall"] == pytest.approx(0.75)
    assert r["per_confidence"] == {"low": {"n": 1, "recall": 0.0}, "unknown": {"n": 3, "recall": 1.0}}
    worst = r["worst"]
    assert worst["highest_originals"][0]["id"] == "o9" and worst["highest_originals"][0]["flagged"]
    assert worst["lowest_low_quality"][0]["id"] == "l9" and not worst["lowest_low_quality"][0]["flagged"]


def test_worst_lists_keep_ten_with_reasons() -> None:
    r = evaluate(mixed(90), 0.5, n_boot=10)
    highest = r["worst"]["highest_originals"]
    assert len(highest) == 10 and len(r["worst"]["lowest_low_quality"]) == 10
    assert [row["score"] for row in highest] == sorted((row["score"] for row in highest), reverse=True)
    assert highest[0]["reasons"][0]["signal"] == "dup_title"


def test_calibration_table_and_brier() -> None:
    r = evaluate(separated(), 0.5, n_boot=10)
    cal = r["calibration"]
    assert len(cal["bins"]) == 10 and sum(b["n"] for b in cal["bins"]) == 7
    assert cal["bins"][9] == {"lo": 0.9, "hi": 1.0, "mean_predicted": 0.9, "observed_rate": 1.0, "n": 1}
    assert cal["bins"][5]["n"] == 0 and cal["bins"][5]["mean_predicted"] is None
    expected = (0.01 + 0.04 + 0.09 + 0.16 + 0.16 + 0.04 + 0.01) / 7
    assert cal["brier"] == pytest.approx(expected)


# ---------------------------------------------------------------- rendering


def test_plots_and_html(tmp_path: Path) -> None:
    items = mixed() + [item("b1", "borderline", 0.6, source="<script>alert(1)</script>", category="agg"),
                       item("p0x", "original", 0.99, source="evil.example",
                            reasons=(("junk", "<img src=x onerror=alert(2)>"),))]
    r = evaluate(items, 0.5, n_boot=50)
    plots = write_plots(items, r, tmp_path / "plots")
    assert set(plots) == {"roc", "pr", "reliability", "histogram"}
    for key, path in plots.items():
        assert path.name == PLOT_FILES[key]
        data = path.read_bytes()
        assert data.startswith(PNG_MAGIC) and len(data) > 1000
    page = write_html(r, plots, tmp_path / "report.html").read_text(encoding="utf-8")
    for name in PLOT_FILES.values():
        assert f'src="plots/{name}"' in page
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(2)&gt;" in page


def test_plots_on_a_single_class(tmp_path: Path) -> None:
    items = [item(f"o{i}", "original", s) for i, s in enumerate([0.1, 0.6, 0.3])]
    r = evaluate(items, 0.5, n_boot=20)
    plots = write_plots(items, r, tmp_path)
    assert all(p.read_bytes().startswith(PNG_MAGIC) for p in plots.values())


def test_render_text_has_the_key_numbers() -> None:
    items = separated() + [item("b1", "borderline", 0.62, source="border.example"),
                           item("o9", "original", 0.7, source="fp.example", category="local",
                                reasons=(("dup_title", "title matches 14 pages"),)),
                           item("f1", "original", None, error="timeout")]
    r = evaluate(items, 0.5, n_boot=50)
    text = render_text(r)
    assert "threshold 0.500" in text
    assert f"ROC AUC                 {r['roc_auc']['value']:.3f}" in text
    lo, hi = r["precision"]["ci95"]
    assert f"{r['precision']['value']:.3f}  [{lo:.3f}, {hi:.3f}]" in text
    assert "failed 1" in text
    assert "low_quality" in text and "local" in text and "en" in text
    assert "border.example" in text and "0.620" in text
    assert "fp.example" in text and "dup_title: title matches 14 pages" in text
    c = r["confusion"]
    assert c == {"tp": 3, "fp": 1, "tn": 4, "fn": 0}
    assert any(line.split()[:3] == ["original", "1", "4"] for line in text.splitlines())


def test_roc_auc_reads_0_1_labels_as_classes_not_positions() -> None:
    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, 200)
    s = rng.normal(size=200) + y
    assert roc_auc(y, s) == pytest.approx(roc_auc_score(y, s))
    assert roc_auc(y.astype(bool), s) == pytest.approx(roc_auc_score(y, s))
