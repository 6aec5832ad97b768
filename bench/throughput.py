"""Throughput, scaling, memory and start-up of newsqual, against baselines measured in the same run.

Four parts, all on pages of ../shared/corpus (read from there, never copied into the project):

1. **One core**, pages per CPU-second, arms interleaved over ``--rounds`` in this process (every
   other round in reverse order, since an arm run right after trafilatura is slower):
   bare lxml parse, selectolax (lexbor) parse + text, newsqual ``score_html`` with the lexbor
   prototype front end (``bench/lexbor_front.py``) and with the lxml front end newsqual
   uses, and trafilatura ``extract`` with metadata. Prints each arm's ratio to bare lxml.
2. **Cores**: a folder (symlinks to corpus pages) and a WARC file (written to a temporary
   folder) scored with ``-j 1`` and ``-j 2`` (``classifier.batch.parallel``), wall-clock pages/s,
   CPU per wall second, CPU per page (and the parent's part of it), against the ratio two busy
   loops get over one in the same run (on a shared machine the scheduler, not the pool, caps it).
3. **Memory**: ``newsqual score -j N`` over a stream of ``--stream`` pages made by cycling
   the corpus, peak RSS of the biggest process and of all its processes together.
4. **Start-up**: CPU time of ``newsqual score one.html`` and of importing the package
   without the model, against ``python -c pass``.
5. **Agreement**: how many corpus pages the lexbor prototype reads differently from lxml.

    python bench/throughput.py [--pages 300] [--rounds 3] [--scale-pages 400] [--stream 3000] [--skip PART ...]
                               [--baseline TREE]  # e.g. git worktree add /tmp/before COMMIT

``--baseline`` adds an arm to part 1 that scores with the newsqual of another source tree,
so a before/after comparison comes from one run.

On a shared machine only the ratios within one run mean anything; the core count and the
load average are printed with them.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
CORPUS = ROOT.parent / "shared" / "corpus"
Page = tuple[bytes, str | None]


def manifest(limit: int | None) -> list[dict[str, str]]:
    """Manifest rows, spread evenly over the corpus when ``limit`` is given."""
    rows = [json.loads(line) for line in (CORPUS / "manifest.jsonl").read_text().splitlines()]
    step = max(1, len(rows) // limit) if limit else 1
    return rows[::step][:limit]


def load_pages(rows: list[dict[str, str]]) -> list[Page]:
    """Raw bytes (decompressed in memory) and URL of each row."""
    return [(gzip.decompress((CORPUS / r["file"]).read_bytes()), r.get("url")) for r in rows]


def baseline_scorer(tree: Path) -> object:
    """A Scorer loaded from another source tree (say, the commit before a change), for a before/after arm."""
    mine = {k: v for k, v in sys.modules.items() if k == "classifier" or k.startswith("classifier.")}
    for name in mine:
        del sys.modules[name]
    sys.path.insert(0, str(tree))
    try:
        from classifier import Scorer

        return Scorer.load()
    finally:
        sys.path.remove(str(tree))
        for name in [k for k in sys.modules if k == "classifier" or k.startswith("classifier.")]:
            del sys.modules[name]
        sys.modules.update(mine)


def one_core(pages: list[Page], rounds: int, baseline: Path | None = None) -> None:
    """Part 1: pages per CPU-second of each arm, interleaved, best round."""
    import lexbor_front
    import lxml.html
    import trafilatura
    from selectolax.lexbor import LexborHTMLParser

    from classifier import Scorer
    from classifier.page import html_parser

    scorer = Scorer.load()
    lxml_front = html_parser.read_html

    def lexbor_read(source: str) -> object:
        try:
            return (*lexbor_front.read_html(source), ())  # the prototype collects no anchors
        except lexbor_front.Unsupported:
            return lxml_front(source)

    def with_front(front: Callable[[str], object]) -> Callable[[bytes, str | None], object]:
        def score(data: bytes, url: str | None) -> object:
            html_parser.read_html = front  # type: ignore[assignment]
            try:
                return scorer.score_html(data, url)
            finally:
                html_parser.read_html = lxml_front
        return score

    arms: dict[str, Callable[[bytes, str | None], object]] = {
        "bare lxml parse": lambda d, u: lxml.html.fromstring(d),
        "selectolax parse + text": lambda d, u: LexborHTMLParser(d).text(),
        "newsqual score_html (lxml front end, in use)": with_front(lxml_front),
        "newsqual score_html (lexbor prototype front end)": with_front(lexbor_read),
        "trafilatura extract + metadata": lambda d, u: trafilatura.extract(d, url=u, with_metadata=True),
    }
    if baseline is not None:
        before = baseline_scorer(baseline)
        arms[f"newsqual score_html (baseline tree {baseline.name})"] = lambda d, u: before.score_html(d, u)  # type: ignore[attr-defined]
    best = dict.fromkeys(arms, 0.0)
    order = list(arms)
    if baseline is not None:  # the two trees side by side, so that neither follows trafilatura alone
        order.insert(order.index("newsqual score_html (lxml front end, in use)") + 1, order.pop())
    for i in range(rounds):
        # Every other round runs the arms in reverse: an arm after a heavy one (trafilatura) runs
        # slower by up to a fifth, and alternating spreads that over all arms.
        for name in order if i % 2 == 0 else order[::-1]:
            fn = arms[name]
            start = time.process_time()
            for data, url in pages:
                fn(data, url)
            best[name] = max(best[name], len(pages) / max(time.process_time() - start, 1e-9))
    floor = best["bare lxml parse"]
    print(f"1. One core: {len(pages)} corpus pages, best of {rounds} interleaved rounds, pages per CPU-second")
    for name, rate in best.items():
        print(f"   {name:50} {rate:8.1f}  {rate / floor:5.2f}x lxml")
    ours, traf = best["newsqual score_html (lxml front end, in use)"], best["trafilatura extract + metadata"]
    print(f"   newsqual / trafilatura: {ours / traf:.1f}x (target >= 10x); newsqual / lxml: {ours / floor:.2f}x (target >= 0.5x)")
    print(f"   lexbor prototype / lxml front end, whole score: {best['newsqual score_html (lexbor prototype front end)'] / ours:.2f}x")
    if baseline is not None:
        name = f"newsqual score_html (baseline tree {baseline.name})"
        same = sum(_same_result(before.score_html(d, u), scorer.score_html(d, u)) for d, u in pages)  # type: ignore[attr-defined]
        print(f"   this tree / baseline tree: {ours / best[name]:.2f}x; identical score and signals on {same} of {len(pages)} pages")


def _same_result(a: object, b: object) -> bool:
    """True when two results have the same score, label and signal values."""
    return all(getattr(a, f) == getattr(b, f) for f in ("score", "label", "signals"))


def agreement(rows: list[dict[str, str]]) -> None:
    """Part 5: corpus pages where the lexbor prototype reads different blocks or head fields than lxml."""
    import lexbor_front

    from classifier.page import html_parser
    from classifier.page.loader import decode_page, looks_like_html

    differ = declined = html_pages = 0
    for row in rows:
        text = decode_page(gzip.decompress((CORPUS / row["file"]).read_bytes()), {}, 5 << 20)
        if not looks_like_html(text):
            continue
        html_pages += 1
        source = html_parser._XML_DECL.sub("", text[: html_parser.MAX_PARSE_CHARS], count=1)
        try:
            fast = lexbor_front.read_html(source)
        except lexbor_front.Unsupported:
            declined += 1
            continue
        slow = html_parser.read_html(source)
        same_head = all(getattr(fast[0], f) == getattr(slow[0], f) for f in ("title", "meta", "canonical", "jsonld"))
        differ += not same_head or fast[1] != slow[1]
    print(f"5. Agreement: the lexbor prototype reads {differ} of {html_pages} HTML corpus pages differently from lxml "
          f"({differ / html_pages:.1%}); {declined} declined (marker characters in the page)")


def cores(rows: list[dict[str, str]], rounds: int) -> None:
    """Part 2: a folder and a WARC file scored on 1 and on 2 processes (wall-clock pages/s)."""
    from classifier import Scorer
    from classifier.batch.parallel import score_targets
    from classifier.io.sources import expand_targets

    scorer = Scorer.load()
    with tempfile.TemporaryDirectory(prefix="newsqual-bench-") as name:
        tmp = Path(name)
        folder = link_folder(tmp / "folder", rows, len(rows))
        warc = tmp / "pages.warc.gz"
        write_warc(warc, rows)
        for label, targets in (("folder", list(expand_targets([str(folder)]))), ("WARC file", [str(warc)])):
            _print_ceiling(f"before the {label}")
            rates = {1: 0.0, 2: 0.0}
            cpu = {1: float("inf"), 2: float("inf")}
            use = {1: 0.0, 2: 0.0}  # CPU seconds per wall second of the best run
            parent = float("inf")
            for _ in range(rounds):
                for jobs in rates:
                    start, (own, kids) = time.perf_counter(), _cpu_parts()
                    n = sum(1 for r in score_targets(scorer, targets, jobs) if hasattr(r, "score")) if jobs > 1 else \
                        sum(1 for t in targets for _ in scorer.score_many([t]))
                    wall, (own2, kids2) = time.perf_counter() - start, _cpu_parts()
                    if n / wall > rates[jobs]:
                        rates[jobs], use[jobs] = n / wall, (own2 - own + kids2 - kids) / wall
                    cpu[jobs] = min(cpu[jobs], (own2 - own + kids2 - kids) / n)
                    if jobs > 1:
                        parent = min(parent, (own2 - own) / n)
            print(f"2. Cores ({label}, {len(rows)} pages, best of {rounds}): -j 1 {rates[1]:6.1f} pages/s, "
                  f"-j 2 {rates[2]:6.1f} pages/s, ratio {rates[2] / rates[1]:.2f}x (target >= 1.8x); "
                  f"CPU / wall -j 1 {use[1]:.2f}, -j 2 {use[2]:.2f} (2.00 = both cores)")
            print(f"   CPU per page: -j 1 {1e3 * cpu[1]:.1f} ms; -j 2 {1e3 * cpu[2]:.1f} ms "
                  f"({cpu[2] / cpu[1]:.2f}x; the parent's part {1e3 * parent:.2f} ms); ceiling on two idle cores "
                  f"2 x {1e3 * cpu[1]:.1f} / {1e3 * cpu[2]:.1f} = {2 * cpu[1] / cpu[2]:.2f}x")
            _print_ceiling(f"after the {label}")


def _print_ceiling(when: str) -> None:
    """Print what two busy loops get over one right now: the most any pool could scale."""
    spin = {n: _spin_rate(n) for n in (1, 2)}
    print(f"2. Cores, the machine's ceiling {when}: 2 busy loops get {spin[2]:.2f} CPU-seconds per second, 1 gets "
          f"{spin[1]:.2f} ({spin[2] / spin[1]:.2f}x; 2.00x on two idle cores; load average {os.getloadavg()[0]:.1f})")


def _spin_rate(processes: int, seconds: float = 2.0) -> float:
    """CPU seconds per wall second that ``processes`` pure-Python busy loops get together (the scaling ceiling)."""
    code = f"import time\nt = time.perf_counter()\nwhile time.perf_counter() - t < {seconds}: pass"
    start, (_, kids) = time.perf_counter(), _cpu_parts()
    for proc in [subprocess.Popen([sys.executable, "-c", code]) for _ in range(processes)]:
        proc.wait()
    return (_cpu_parts()[1] - kids) / (time.perf_counter() - start)


def _cpu_parts() -> tuple[float, float]:
    """CPU seconds of this process and of its finished children (a pool's workers once it shut down)."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, kids.ru_utime + kids.ru_stime


def link_folder(folder: Path, rows: list[dict[str, str]], count: int) -> Path:
    """A folder of ``count`` symlinks to corpus pages, cycling through ``rows``."""
    folder.mkdir(parents=True)
    for i in range(count):
        (folder / f"p{i:06d}.html.gz").symlink_to(CORPUS / rows[i % len(rows)]["file"])
    return folder


def write_warc(path: Path, rows: list[dict[str, str]]) -> None:
    """A gzipped WARC with one HTML response per row."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for i, row in enumerate(rows):
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            body = gzip.decompress((CORPUS / row["file"]).read_bytes())
            writer.write_record(writer.create_warc_record(row.get("url") or f"https://page.example/{i}", "response",
                                                          payload=io.BytesIO(body), http_headers=http))


def memory(rows: list[dict[str, str]], stream: int) -> None:
    """Part 3: peak RSS of ``newsqual score -j N`` over a long stream of pages."""
    import psutil

    with tempfile.TemporaryDirectory(prefix="newsqual-bench-") as name:
        folder = link_folder(Path(name) / "stream", rows, stream)
        for jobs in (1, 2):
            cmd = [sys.executable, "-m", "classifier", "score", "--json", "-j", str(jobs), str(folder)]
            start = time.perf_counter()
            proc = psutil.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_env())
            biggest = total = shared = 0.0
            while proc.poll() is None:
                try:
                    mem = [p.memory_full_info() for p in [proc, *proc.children(recursive=True)]]
                except psutil.Error:
                    continue
                biggest = max(biggest, *(m.rss for m in mem))
                total, shared = max(total, sum(m.rss for m in mem)), max(shared, sum(m.pss for m in mem))
                time.sleep(0.2)
            print(f"3. Memory ({stream} pages cycling {len(rows)} corpus pages, -j {jobs}, "
                  f"{time.perf_counter() - start:.0f} s): peak RSS biggest process {biggest / 2**20:.0f} MB, "
                  f"all processes {total / 2**20:.0f} MB RSS, {shared / 2**20:.0f} MB PSS (forked workers share the "
                  f"model's pages; PSS counts them once) (target <= 300 MB)")


def startup(rows: list[dict[str, str]]) -> None:
    """Part 4: CPU seconds of one-page scoring and of imports, each the best of 3 fresh processes."""
    with tempfile.TemporaryDirectory(prefix="newsqual-bench-") as name:
        one = Path(name) / "one.html"
        one.write_bytes(gzip.decompress((CORPUS / rows[0]["file"]).read_bytes()))
        runs = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "import the package without the model": [sys.executable, "-c", _WITHOUT_MODEL],
            "import classifier (with the model code)": [sys.executable, "-c", "import classifier"],
            "newsqual score one.html": [sys.executable, "-m", "classifier", "score", str(one)],
        }
        print("4. Start-up, CPU seconds (user + system), best of 3:")
        for label, cmd in runs.items():
            print(f"   {label:42} {min(_cpu(cmd) for _ in range(3)):.2f} s (target for newsqual score: < 0.4 s)")


#: Imports the loader and the signals without ``classifier/__init__`` (which imports the scorer and the model).
_WITHOUT_MODEL = (
    "import sys, types; pkg = types.ModuleType('classifier'); "
    f"pkg.__path__ = [{str(ROOT / 'classifier')!r}]; sys.modules['classifier'] = pkg; "
    "import classifier.page.loader, classifier.signals; assert 'classifier.model.bundle' not in sys.modules"
)


def _cpu(cmd: list[str]) -> float:
    """User + system CPU seconds of one run of ``cmd``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_env(), check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def _env() -> dict[str, str]:
    """The environment with this tree first on the import path."""
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}


def main() -> int:
    """Run the parts and print their figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=300, help="corpus pages for the one-core part")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--scale-pages", type=int, default=400, help="pages in the folder and the WARC of part 2")
    parser.add_argument("--stream", type=int, default=3000, help="pages in the memory stream of part 3")
    parser.add_argument("--baseline", type=Path, help="another source tree of newsqual to score with too (before/after)")
    parser.add_argument("--skip", nargs="*", default=[], choices=["one-core", "cores", "memory", "startup", "agreement"])
    args = parser.parse_args()
    if not (CORPUS / "manifest.jsonl").is_file():
        print(f"corpus not found at {CORPUS}", file=sys.stderr)
        return 2
    print(f"CPUs: {os.cpu_count()}; load average at start: {os.getloadavg()[0]:.1f}")
    if "one-core" not in args.skip:
        one_core(load_pages(manifest(args.pages)), args.rounds, args.baseline)
    if "cores" not in args.skip:
        cores(manifest(args.scale_pages), args.rounds)
    if "memory" not in args.skip:
        memory(manifest(None), args.stream)
    if "startup" not in args.skip:
        startup(manifest(10))
    if "agreement" not in args.skip:
        agreement(manifest(None))
    print(f"load average at end: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
