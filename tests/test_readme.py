"""The README runs as written: its Python API example, and every command it shows.

Each shell command of the README (its ``sh`` blocks and inline ```newsqual ...``` commands) is run
here in a temporary folder holding the files it names, in README order, except the setup and
install lines, which ``.ci/run`` runs in fresh environments, and the bundled-model rebuild. The only
changes made to a command: the example URL points at a server on 127.0.0.1, ``tcp://scheduler:8786``
and ``local`` at one local Dask scheduler (starting a LocalCluster for ``local`` costs half a minute
here; ``tests/test_distributed.py`` tests that start), and ``train``/``evaluate`` get speed flags (no generated pages, one
process, 50 bootstrap resamples). A command added to the README without a way to run it here fails
:func:`test_every_readme_command_is_run`.
"""

from __future__ import annotations

import gzip
import http.server
import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from classifier.cli import app

from .pages import original_page, scraper_page
from .test_cli import _write_warc

ROOT = Path(__file__).parents[1]
README = (ROOT / "README.md").read_text()
EXAMPLES = ROOT / "examples"
#: Commands run elsewhere, with the reason.
RUN_ELSEWHERE = {
    "python3 -m venv": ".ci/run (fresh virtual environments)",
    "pip install": ".ci/run (fresh virtual environments)",
    "python training/build_model.py": "the lead's model rebuild (needs ../shared/corpus, minutes); tests/test_corpus_gate.py checks its output",
}
#: The README's setup commands, and how .ci/run runs each (the extra is [train] until the bundle is .npz).
SETUP_IN_CI = {
    "python3 -m venv .venv": "python3 -m venv",
    ". .venv/bin/activate": '. "$venv/bin/activate"',
    "pip install -e .": 'pip install --quiet -e .',
    "newsqual score examples/": '"$wheel_venv/bin/newsqual" score examples/',
    "pip install -e '.[dev]'": "pip install --quiet -e '.[dev]'",
    "python -m pytest -q": "python -m pytest -q",
}
#: Extra flags that only make a command fast enough for a test.
SPEED_FLAGS = {"train": ["--synthetic", "0", "--jobs", "1"], "evaluate": ["--n-boot", "50", "--jobs", "1"]}


def readme_commands() -> list[str]:
    """Every shell command of the README, in order, without comments."""
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", README, re.S):
        for line in block.splitlines():
            line = re.sub(r"\s+#.*$", "", line).strip()
            if line and not line.startswith("#"):
                commands.append(line)
    inline = [c for c in re.findall(r"`(newsqual [^`]+)`", README) if not any(k.startswith(c) for k in commands)]
    return commands + inline


def test_readme_api_example_runs(capsys) -> None:  # type: ignore[no-untyped-def]
    block = next(b for b in re.findall(r"```python\n(.*?)```", README, re.S) if "Scorer.load()" in b)
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        exec(compile(block, "README.md", "exec"), {})  # noqa: S102 - our own documentation
    finally:
        os.chdir(cwd)
    out = capsys.readouterr().out
    assert "low_quality" in out and "no such file" in out


def test_every_readme_command_is_run() -> None:
    commands = readme_commands()
    assert len(commands) > 20
    for command in commands:
        elsewhere = next((k for k in RUN_ELSEWHERE if command.startswith(k)), None)
        assert elsewhere or command.startswith(("newsqual ", "cat ")), f"no test runs README command: {command}"
    ci = (ROOT / ".ci" / "run").read_text()
    setup = next(b for b in re.findall(r"```sh\n(.*?)```", README, re.S) if "pip install -e ." in b)
    parts = {p.strip() for p in re.split(r"\s*&&\s*|\n", setup) if p.strip() and not p.strip().startswith("#")}
    assert parts == set(SETUP_IN_CI), parts ^ set(SETUP_IN_CI)
    for part, fragment in SETUP_IN_CI.items():
        assert fragment in ci, f".ci/run does not run the README's {part!r}"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A folder with every file the README commands name, and a local web server for its URL."""
    ws = tmp_path_factory.mktemp("readme")
    page = (EXAMPLES / "scraper_copy.html").read_bytes()
    (ws / "page.html").write_bytes(page)
    (ws / "page.html.gz").write_bytes(gzip.compress(page))
    shutil.copy(EXAMPLES / "scraper_dump.txt", ws / "dump.txt")
    shutil.copytree(EXAMPLES, ws / "crawl")
    shutil.copytree(EXAMPLES, ws / "big")
    _write_warc(ws / "crawl.warc.gz")
    _write_warc(ws / "trusted-crawl.warc.gz")
    (ws / "shards").mkdir()
    for k in range(2):
        _write_warc(ws / "shards" / f"part-{k}.warc.gz")
    for name, seed in (("my-labels.jsonl", 1), ("held-out.jsonl", 2)):
        rows = [{"id": f"o{i}", "html": original_page(i, seed=seed), "label": "original"} for i in range(16)]
        rows += [{"id": f"s{i}", "html": scraper_page(i, seed=seed), "label": "low_quality"} for i in range(8)]
        (ws / name).write_text("".join(json.dumps(r) + "\n" for r in rows))
    handler = type("Quiet", (http.server.SimpleHTTPRequestHandler,), {"log_message": lambda *a: None})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), lambda *a: handler(*a, directory=str(EXAMPLES)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/original_article.html"
    (ws / "urls.txt").write_text(f"{url}\n")
    cwd = os.getcwd()
    os.chdir(ws)
    try:
        yield {"dir": str(ws), "url": url}
    finally:
        os.chdir(cwd)
        server.shutdown()


def _argv(command: str, ws: dict[str, str]) -> tuple[list[str], str | None]:
    """The CLI arguments of a README command (globs expanded, substitutions made) and its stdin."""
    stdin = None
    if command.startswith("cat "):
        source, command = (part.strip() for part in command.split("|", 1))
        stdin = Path(shlex.split(source)[1]).read_text()
    # URLs (and urls.txt) are served on loopback here, which fetching refuses by default
    local = "https://example.com/story" in command or "urls.txt" in command
    words = shlex.split(command.replace("https://example.com/story", ws["url"]))[1:]
    if local:
        words.append("--allow-private-addresses")
    argv: list[str] = []
    for word in words:
        argv += sorted(str(p) for p in Path().glob(word)) if "*" in word else [word]
    return argv + SPEED_FLAGS.get(argv[0] if argv else "", []), stdin


def _serve(argv: list[str]) -> None:
    """Run ``newsqual serve`` on a free port until /health answers, then stop it."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    argv = [a if a != "8000" else str(port) for a in argv]
    proc = subprocess.Popen([sys.executable, "-m", "classifier", *argv], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(120):
            try:
                assert httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200
                return
            except (httpx.HTTPError, AssertionError):
                time.sleep(0.25)
        raise AssertionError("newsqual serve did not answer /health")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """A local Dask scheduler address standing in for tcp://scheduler:8786."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster:
        yield cluster.scheduler_address


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_readme_commands_run(workspace: dict[str, str], scheduler: str) -> None:
    runner = CliRunner()
    ran = 0
    for command in readme_commands():
        if any(command.startswith(k) for k in RUN_ELSEWHERE):
            continue
        command = command.replace("tcp://scheduler:8786", scheduler).replace("--dask local", f"--dask {scheduler}")
        argv, stdin = _argv(command, workspace)
        if argv[0] == "serve":
            _serve(argv)
        else:
            result = runner.invoke(app, argv, input=stdin)
            assert result.exit_code == 0, f"{command}\n{result.output}"
        ran += 1
    assert ran >= 20
    assert (Path(workspace["dir"]) / "mine" / "MODEL.md").is_file()
    assert (Path(workspace["dir"]) / "reports" / "report.html").is_file()
