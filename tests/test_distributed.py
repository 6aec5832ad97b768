"""score_shards on a real 2-process LocalCluster: same results as one process, skip, redo, failures."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from distributed import Client, LocalCluster
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from classifier.batch import distributed as dist
from classifier.batch.distributed import ShardReport, score_shards, shard_output
from classifier.io.warc import iter_warc
from classifier.scorer import Scorer
from classifier.settings import DEFAULT_MODEL

pytestmark = pytest.mark.timeout(180)

ORIGINAL = (
    "<html><head><title>{topic}: council approves plan</title><meta name='author' content='Ann Reporter'></head>"
    "<body><article><h1>{topic}</h1><p>The council voted 7-2 on Tuesday to approve the {topic} plan, "
    "after three public meetings. The mayor said the plan would be reviewed in {n} months.</p>"
    "<p>Residents told our reporter they had waited {n} years for the decision.</p></article></body></html>"
)
SPAMMY = (
    "<html><head><title>{topic} | Latest | Trending | Top stories</title></head><body>"
    "<p>{topic} news. Click here to read more. You won't believe what happened next!</p>"
    + "".join(f"<div><a href='/x{k}'>Related: 10 celebrities who {k}</a></div>" for k in range(15))
    + "<p>Share this. Sponsored content. Advertisement.</p></body></html>"
)
TOPICS = ("bus lanes", "school meals", "flood walls", "library hours", "parking fees", "tree planting")


def _response(writer: WARCWriter, url: str, body: bytes, content_type: str) -> None:
    """Write one 200 response record."""
    http = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http))


def write_shard(path: Path, shard: int) -> None:
    """A WARC of news pages, with a non-HTML response and (in shard 0) an empty HTML page."""
    with path.open("wb") as fh:
        w = WARCWriter(fh, gzip=True)
        w.write_record(w.create_warcinfo_record(path.name, {"software": "newsqual tests"}))
        for i, topic in enumerate(TOPICS):
            template = SPAMMY if (i + shard) % 2 else ORIGINAL
            body = template.format(topic=topic.title(), n=i + shard * 10).encode()
            _response(w, f"https://news{shard}.example/{i}", body, "text/html; charset=utf-8")
        _response(w, f"https://news{shard}.example/feed.json", b'{"items": []}', "application/json")
        if shard == 0:
            _response(w, "https://news0.example/empty", b"", "text/html")


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    """A 2-worker, 1-thread-each, process-based LocalCluster shared by the tests here."""
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster, \
            Client(cluster) as c:
        c.wait_for_workers(2)
        yield c


@pytest.fixture
def shards(tmp_path: Path) -> list[Path]:
    """Three small WARC shards."""
    paths = [tmp_path / f"crawl-{k}.warc.gz" for k in range(3)]
    for k, path in enumerate(paths):
        write_shard(path, k)
    return paths


def single_process(shards: list[Path]) -> list[dict[str, Any]]:
    """What one process gives: Scorer.score_bytes over iter_warc, shard by shard."""
    scorer = Scorer.load()
    return [scorer.score_bytes(p.data, p.source, p.url, p.headers).to_dict()
            for shard in shards for p in iter_warc(shard.resolve())]


def outputs(reports: list[ShardReport]) -> list[dict[str, Any]]:
    """Every result line of the reports' outputs, in shard order."""
    return [json.loads(line) for r in reports for line in Path(r.output or "").read_text().splitlines()]


def key(row: dict[str, Any]) -> tuple[Any, ...]:
    """What must match between the two ways of scoring."""
    return row["source"], row["score"], row["label"], row["error"]


def test_results_equal_single_process_page_for_page(client: Client, shards: list[Path], tmp_path: Path) -> None:
    reports = score_shards(shards, tmp_path / "out", scheduler=client)
    assert [r.status for r in reports] == ["done"] * 3
    assert [r.pages for r in reports] == [7, 6, 6]
    assert [r.errors for r in reports] == [1, 0, 0]  # the empty page
    assert [Path(r.output or "") for r in reports] == [shard_output(s, tmp_path / "out").resolve() for s in shards]
    got, want = outputs(reports), single_process(shards)
    assert [key(r) for r in got] == [key(r) for r in want]
    assert {r["label"] for r in got} >= {"error"} and len({r["label"] for r in got}) >= 2
    assert not list((tmp_path / "out").glob(".*.tmp"))


def test_progress_is_called_once_per_finished_shard(client: Client, shards: list[Path], tmp_path: Path) -> None:
    seen: list[ShardReport] = []
    reports = score_shards(shards, tmp_path / "out", scheduler=client, progress=seen.append)
    assert sorted(r.shard for r in seen) == sorted(r.shard for r in reports) and len(seen) == len(shards)


def test_rerun_skips_and_a_deleted_output_is_redone_alone(client: Client, shards: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = score_shards(shards, out, scheduler=client)
    stamps = {r.output: Path(r.output or "").stat().st_mtime_ns for r in first}
    again = score_shards(shards, out, scheduler=client)
    assert [r.status for r in again] == ["skipped"] * 3
    assert [r.pages for r in again] == [r.pages for r in first]
    assert {r.output: Path(r.output or "").stat().st_mtime_ns for r in again} == stamps

    Path(first[1].output or "").unlink()
    redo = score_shards(shards, out, scheduler=client)
    assert [r.status for r in redo] == ["skipped", "done", "skipped"]
    assert Path(first[1].output or "").read_text() != ""
    assert [key(r) for r in outputs(redo)] == [key(r) for r in outputs(first)]


def test_each_worker_loads_the_model_once(client: Client, shards: list[Path], tmp_path: Path) -> None:
    score_shards(shards, tmp_path / "a", scheduler=client)
    before = client.run(lambda: {k: id(v[1]) for k, v in dist._SCORERS.items()})
    score_shards(shards, tmp_path / "b", scheduler=client)
    after = client.run(lambda: {k: id(v[1]) for k, v in dist._SCORERS.items()})
    assert before == after
    assert all(len(models) <= 1 for models in after.values())


def test_a_failed_shard_is_reported_and_the_others_go_on(client: Client, shards: list[Path], tmp_path: Path) -> None:
    missing, missing_rows = tmp_path / "missing.warc.gz", tmp_path / "missing.jsonl"
    reports = score_shards([shards[0], missing, shards[2], missing_rows], tmp_path / "out", scheduler=client)
    assert [r.status for r in reports] == ["done", "failed", "done", "failed"]
    for failed in (reports[1], reports[3]):
        assert "InputError" in (failed.error or "") and "cannot open" in (failed.error or "")
    assert not shard_output(missing, tmp_path / "out").exists()
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["crawl-0.warc.gz.jsonl", "crawl-2.warc.gz.jsonl"]


def test_jsonl_shards_and_a_scheduler_address(client: Client, tmp_path: Path) -> None:
    shard = tmp_path / "rows.jsonl"
    rows = [{"url": "https://a.example/1", "html": ORIGINAL.format(topic="Bus lanes", n=3)},
            {"url": "https://a.example/2", "text": "The council voted on Tuesday. " * 20}, "not an object", {"url": "x"}]
    shard.write_text("\n".join(json.dumps(r) for r in rows) + "\n{broken\n")
    reports = score_shards([shard], tmp_path / "out", scheduler=client.scheduler.address, threshold=0.5)
    assert reports[0].status == "done" and (reports[0].pages, reports[0].errors) == (5, 3)
    got = outputs(reports)
    assert [r["source"] for r in got] == [f"{shard.resolve()}#{n}" for n in range(1, 6)]
    scorer = Scorer.load()
    assert got[0]["score"] == scorer.score_html(rows[0]["html"], rows[0]["url"]).score  # type: ignore[index]
    assert got[1]["signals"]["input_is_text"] == 1.0
    assert [r["error"] is not None for r in got] == [False, False, True, True, True]


def test_without_a_scheduler_a_local_cluster_is_started(shards: list[Path], tmp_path: Path) -> None:
    reports = score_shards(shards[:1], tmp_path / "out", scheduler=None)
    assert [r.status for r in reports] == ["done"]


def test_bad_shard_lists_fail_before_any_work(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not a shard"):
        score_shards([tmp_path / "a.csv"], tmp_path / "out", scheduler=None)
    with pytest.raises(ValueError, match="would both write"):
        score_shards([tmp_path / "x" / "a.warc", tmp_path / "y" / "a.warc"], tmp_path / "out", scheduler=None)
    with pytest.raises(ValueError, match="threshold"):
        score_shards([tmp_path / "a.warc"], tmp_path / "out", scheduler=None, threshold=2.0)


def test_worker_scorer_is_cached_and_reloaded_when_the_model_file_changes(tmp_path: Path) -> None:
    model = tmp_path / "m.npz"
    shutil.copyfile(DEFAULT_MODEL, model)
    first = dist.worker_scorer(str(model), None)
    assert dist.worker_scorer(str(model), None) is first
    strict = dist.worker_scorer(str(model), 0.9)
    assert strict.bundle is first.bundle and strict.threshold == 0.9
    os.utime(model, ns=(model.stat().st_atime_ns, model.stat().st_mtime_ns + 10**9))
    assert dist.worker_scorer(str(model), None) is not first


def test_a_missing_model_fails_the_shard_with_its_reason(shards: list[Path], tmp_path: Path) -> None:
    report = dist.score_shard(str(shards[0]), str(tmp_path), str(tmp_path / "none.npz"), None)
    assert (report.status, report.output) == ("failed", None)
    assert "ModelError" in (report.error or "") and "not found" in (report.error or "")


def test_cli_dask_option_scores_shards_on_a_scheduler(client: Client, shards: list[Path], tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from classifier.cli import app

    out = tmp_path / "results"
    result = CliRunner().invoke(app, ["score", *map(str, shards), "--dask", client.scheduler.address, "--output", str(out),
                                      "--json"])
    assert result.exit_code == 1, result.output  # shard 0 holds an empty page: an error row, as without --dask
    reports = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["status"] for r in reports] == ["done"] * len(shards)
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{s.name}.jsonl" for s in shards)


def test_cli_dask_honours_from_file_folders_of_jsonl_top_max_bytes_and_resume(client: Client, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from classifier.cli import app

    folder = tmp_path / "shards"
    folder.mkdir()
    big = ORIGINAL.format(topic="Bus lanes", n=3)
    (folder / "a.jsonl").write_text(json.dumps({"url": "https://a.example/1", "html": SPAMMY.format(topic="Rates", n=1)}) + "\n")
    (folder / "b.jsonl").write_text(json.dumps({"url": "https://a.example/2", "html": big * 40}) + "\n")
    listing = tmp_path / "list.txt"
    listing.write_text(f"{folder}\n")
    out = tmp_path / "out"
    args = ["score", "--from-file", str(listing), "--dask", client.scheduler.address, "--output", str(out),
            "--top", "1", "--max-bytes", str(len(big) * 20)]
    first = CliRunner().invoke(app, args)
    assert first.exit_code == 1, first.output  # b's page is over --max-bytes
    assert re.search(r"done\s+\S+a\.jsonl: 1 pages in", first.stdout) and "2 shards: 2 pages, 1 errors" in first.stderr
    a = json.loads((out / "a.jsonl.jsonl").read_text())
    b = json.loads((out / "b.jsonl.jsonl").read_text())
    assert len(a["reasons"]) <= 1 and a["model_digest"] == Scorer.load().model_digest
    assert "limit" in b["error"]
    again = CliRunner().invoke(app, args)
    assert again.exit_code == 2 and "add --resume" in again.stderr
    resumed = CliRunner().invoke(app, [*args, "--resume", "--json"])
    assert [json.loads(line)["status"] for line in resumed.stdout.splitlines()] == ["skipped", "skipped"]


@pytest.mark.parametrize(("extra", "message"), [
    (["-"], "cannot read stdin"),
    (["--stdin-kind", "html"], "--stdin-kind has no effect"),
    (["--output", "x.jsonl"], "--output is a folder"),
    (["--output", "{empty}"], "no shards found"),
])
def test_cli_dask_refuses_what_it_cannot_do(tmp_path: Path, extra: list[str], message: str) -> None:
    from typer.testing import CliRunner

    from classifier.cli import app

    empty = tmp_path / "empty"
    empty.mkdir()
    args = ["score", str(empty), "--dask", "local", "--output", str(tmp_path / "out"),
            *[e.format(empty=empty) for e in extra]]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2 and message in result.stderr, result.output
