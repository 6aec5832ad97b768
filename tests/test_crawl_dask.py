"""Crawl mode on a 2-worker Dask LocalCluster: the same pairs, clusters and results as one process."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("rensa", reason="crawl mode needs the 'crawl' extra (rensa)")
pytest.importorskip("tldextract", reason="crawl mode needs the 'crawl' extra (tldextract)")
pytest.importorskip("warcio", reason="shards are WARC files (the 'warc' extra)")
distributed = pytest.importorskip("distributed", reason="needs the 'dask' extra")

from classifier.crawl.batch import CollectingScorer, crawl_results, score_with_entries  # noqa: E402
from classifier.crawl.dask_crawl import crawl_shards  # noqa: E402
from classifier.crawl.evaluation import write_warc  # noqa: E402
from classifier.crawl.lsh import components, find_pairs  # noqa: E402
from classifier.scorer import Scorer  # noqa: E402

from .crawl_pages import OTHER, STORY, article  # noqa: E402

pytestmark = pytest.mark.timeout(240)

THIRD = tuple(f"Paragraph {k} of the harbour story: the ferry company said {k * 3} crossings a week would be cut "
              f"from the winter timetable, and the union warned that {k + 2} jobs were at risk at the terminal."
              for k in range(6))


def shards(tmp_path: Path) -> list[Path]:
    """Three WARC shards; copies sit in other shards than their originals."""
    stories = {"bus": STORY, "bakery": OTHER, "ferry": THIRD}
    pages: list[list[tuple[str, bytes]]] = [[], [], []]
    for s, (name, paras) in enumerate(stories.items()):
        url = f"https://www.outlet{s}.com/{name}"
        pages[s].append((url, article(url, paragraphs=paras).encode()))
        for c in range(3):  # copies on scraper sites, in the next shards
            copy = f"https://copysite{c}.net/{name}"
            pages[(s + 1 + c) % 3].append((copy, article(copy, paragraphs=paras, day="2024-02-0" + str(c + 1),
                                                          byline=None).encode()))
    pages[0].append(("https://empty.org/x", b"<html><body></body></html>"))
    paths = []
    for k, recs in enumerate(pages):
        path = tmp_path / f"shard-{k}.warc.gz"
        write_warc(path, recs)
        paths.append(path)
    return paths


@pytest.fixture(scope="module")
def client() -> Iterator[object]:
    """A 2-worker LocalCluster with threads (processes=False)."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0") as cluster, \
            distributed.Client(cluster) as c:
        yield c


def test_dask_crawl_equals_one_process(client: object, tmp_path: Path) -> None:
    paths = shards(tmp_path)
    report = crawl_shards(paths, tmp_path / "out", client)
    rows = [json.loads(line) for out in sorted(report.outputs) for line in Path(out).read_text().splitlines()]
    assert report.pages == len(rows) == 13

    scorer = Scorer.load()
    collecting = CollectingScorer.wrap(scorer)
    resolved = [str(p.resolve()) for p in paths]
    entries = {r.source: e for r, e in score_with_entries(collecting, collecting.score_many(resolved)) if e}
    one = components(find_pairs({k: e.signature for k, e in entries.items() if e.signature is not None}))

    sources = {}
    for s, path in enumerate(resolved):
        out = tmp_path / "out" / f"{Path(path).name}.jsonl"
        for i, line in enumerate(out.read_text().splitlines()):
            sources[(s, i)] = json.loads(line)["source"]
    many = [sorted(sources[k] for k in group) for group in components(report.pairs)]
    assert sorted(map(sorted, one)) == sorted(many)
    assert len(many) == 3 and all(len(g) == 4 for g in many)

    single = {r.source: r.to_dict() for r in crawl_results(scorer, resolved)}
    for row in rows:
        want = single[row["source"]]
        assert (row["score"], row["label"], row["reasons"]) == (want["score"], want["label"], want["reasons"])
    assert sum(any(r["signal"] == "crawl_uncredited_copy" for r in row["reasons"]) for row in rows) == 9


def test_cli_dask_crawl_writes_shard_outputs(client: object, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from classifier.cli import app

    paths = shards(tmp_path)
    address = client.scheduler.address  # type: ignore[attr-defined]
    got = CliRunner().invoke(app, ["score", *map(str, paths), "--dask", address, "--crawl", "--output", str(tmp_path / "o")])
    assert got.exit_code == 0, got.output
    summary = json.loads(got.stdout)
    assert summary["pages"] == 13 and summary["verdicts"] == 12 and len(summary["outputs"]) == 3
