"""Replay the failures listed in issue 10 against one source tree and print what each one does now.

    python bench/hostile_before_after.py [TREE]      # TREE defaults to this checkout

Each case runs in its own subprocess with a 2 GB address-space limit and a time limit, so a
case that would eat memory or hang is reported (``MemoryError``/``killed``/``hang``) instead
of taking the machine down. Run it once on the tree before the hardening (a ``git worktree``
of the base commit) and once on this one to get the before/after table of the hardening
note. Only public entry points that exist in both trees are used; the fetch address policy is
not replayed, because replaying it against the old tree would send traffic to private
addresses (its tests use a stub resolver instead).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

LIMIT_MB = 2048
PAGE = ("<html><head><title>Council votes on the budget</title></head><body><p>The council voted 5-2 on Tuesday "
        "to approve the budget, the mayor said.</p></body></html>")
SPAM = ("<html><head><title>Current:Home > News > Council votes-TopNewsHub</title></head><body>"
        "<div>Current:Home > News > Council votes-TopNewsHub</div><span>veryGood! (5218)</span>"
        "<p>RIVERSIDE (AP) \u2014 The council voted on the budget.</p><p>Source link</p></body></html>")

PRELUDE = f"""
import gzip, io, json, os, socket, sys, threading, time
from pathlib import Path
PAGE = {PAGE!r}
SPAM = {SPAM!r}
def rec(url, body, http=b"", warc=b""):
    payload = b"HTTP/1.1 200 OK\\r\\nContent-Type: text/html\\r\\n" + http + b"\\r\\n" + body
    head = (b"WARC/1.0\\r\\nWARC-Type: response\\r\\nWARC-Target-URI: " + url.encode() + b"\\r\\n"
            b"Content-Type: application/http; msgtype=response\\r\\n" + warc)
    return head + b"Content-Length: %d\\r\\n\\r\\n" % len(payload) + payload + b"\\r\\n\\r\\n"
def cli(*args, stdin=b"", env=None):
    import subprocess
    p = subprocess.run([sys.executable, "-m", "classifier", *args], input=stdin, capture_output=True, timeout=60,
                       env={{**os.environ, **(env or {{}})}})
    tb = b"Traceback" in p.stderr
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace"), tb
"""

CASES: dict[str, str] = {
    "warc brotli bomb record (expands to 2 GB)": """
import brotli
c = brotli.Compressor(quality=1); parts = [c.process(b"a" * 100_000_000) for _ in range(20)] + [c.finish()]
bomb = b"".join(parts)
Path("b.warc").write_bytes(rec("http://a/1", PAGE.encode()) + rec("http://a/bomb", bomb, b"Content-Encoding: br\\r\\n")
                           + rec("http://a/3", PAGE.encode()))
from classifier.io.warc import iter_warc, WarcCounts
c = WarcCounts(); pages = [p.url for p in iter_warc(Path("b.warc"), c)]
import resource
print(f"pages={len(pages)} oversize={c.skipped_oversize}, bomb {len(bomb) // 1024} KB")
""",
    "symlink to /dev/zero": """
os.symlink("/dev/zero", "z.html")
code, out, err, tb = cli("score", "--json", "z.html")
print(f"exit {code}, traceback={tb}: {(out or err).strip()[-120:]}")
""",
    "FIFO named p.html in a batch": """
os.mkdir("d"); os.mkfifo("d/p.html"); Path("d/q.html").write_text(PAGE)
code, out, err, tb = cli("score", "--json", "d")
print(f"exit {code}, traceback={tb}, rows={len(out.splitlines())}: {out.splitlines()[0][-100:] if out else err[-100:]}")
""",
    "--from-file /dev/zero": """
code, out, err, tb = cli("score", "--from-file", "/dev/zero")
print(f"exit {code}, traceback={tb}: {err.strip()[-120:]}")
""",
    "serve: slow headers held": """
import subprocess, socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
srv = subprocess.Popen([sys.executable, "-m", "classifier", "serve", "--port", str(port)],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close(); break
        except OSError:
            time.sleep(0.1)
    c = socket.create_connection(("127.0.0.1", port)); c.sendall(b"POST /score HTTP/1.1\\r\\nHost: x\\r\\n")
    c.settimeout(15); t = time.monotonic()
    try:
        got = c.recv(100)
    except socket.timeout:
        got = b"(nothing: still held)"
    print(f"after {time.monotonic() - t:.1f} s: {got[:40]!r}")
finally:
    srv.terminate(); srv.wait(10)
""",
    "fetch cut by its budget (trickle, no length)": """
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
class H(BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def do_GET(self):
        self.send_response(200); self.send_header("Content-Type", "text/html"); self.send_header("Connection", "close")
        self.end_headers()
        try:
            for b in PAGE.encode():
                self.wfile.write(bytes([b])); self.wfile.flush(); time.sleep(0.3)
        except OSError:
            pass
srv = ThreadingHTTPServer(("127.0.0.1", 0), H); threading.Thread(target=srv.serve_forever, daemon=True).start()
from classifier import Scorer, ScoreOptions
opts = dict(fetch_budget=2.0)
if "allow_private_addresses" in ScoreOptions.__dataclass_fields__:
    opts["allow_private_addresses"] = True  # the new tree refuses loopback unless told
r = Scorer.load(options=ScoreOptions(**opts)).score_url(f"http://127.0.0.1:{srv.server_address[1]}/")
print(f"label={r.label} score={r.score} error={r.error}")
""",
    "page time budget runs out": """
from classifier import Scorer, ScoreOptions
full = Scorer.load().score_html(SPAM); slow = Scorer.load(options=ScoreOptions(page_budget=1e-9)).score_html(SPAM)
print(f"full budget: {full.label} {full.score}; no budget: {slow.label} {slow.score} {slow.error or ''}")
""",
    "WARC: 40 KB header and garbage mid-file": """
recs = [rec("http://a/1", PAGE.encode()), rec("http://a/2", PAGE.encode(), warc=b"X-N: " + b"n" * 40000 + b"\\r\\n"),
        b"GARBAGE" * 50, rec("http://a/4", PAGE.encode())]
Path("m.warc").write_bytes(b"".join(recs))
from classifier.io.warc import iter_warc, WarcCounts
c = WarcCounts(); pages = [p.url for p in iter_warc(Path("m.warc"), c)]
print(f"pages={pages} errors={c.errors}")
""",
    "resume: relative run, absolute resume": """
os.makedirs("data/pages"); [Path(f"data/pages/p{i}.html").write_text(PAGE.replace("5-2", str(i))) for i in range(5)]
cli("score", "data/pages", "--output", "out.jsonl")
cli("score", os.path.abspath("data/pages"), "--output", "out.jsonl", "--resume")
print(f"lines after resume: {len(Path('out.jsonl').read_text().splitlines())} (5 pages)")
""",
    "charset labels idna/punycode/undefined": """
from classifier import Scorer
s = Scorer.load(); out = []
for label in ("idna", "punycode", "undefined"):
    for how, kw in (("header", dict(headers={"content-type": f"text/html; charset={label}"})), ("meta", {})):
        html = PAGE.encode() if how == "header" else PAGE.replace("<head>", f'<head><meta charset="{label}">').encode()
        try:
            r = s.score_bytes(html, "x", **kw); out.append("ok" if r.ok else "error")
        except Exception as e:
            out.append(type(e).__name__)
print(" ".join(out))
""",
    "serve: lone surrogate in text/url": """
from starlette.testclient import TestClient
from classifier import Scorer
from classifier.serve import create_app
c = TestClient(create_app(Scorer.load()), raise_server_exceptions=False)
a = c.post("/score", content=b'{"text": "a \\\\ud800 b"}', headers={"content-type": "application/json"})
b = c.post("/score", content=b'{"html": "<p>x</p>", "url": "http://a/\\\\udfff"}', headers={"content-type": "application/json"})
print(a.status_code, b.status_code, a.text[:90])
""",
    "non-UTF-8 file name, strict UTF-8 stdout": """
os.mkdir("n"); Path(os.fsdecode(b"n/caf\\xe9.html")).write_text(PAGE)
code, out, err, tb = cli("score", "n", env={"PYTHONIOENCODING": "utf-8:strict"})
print(f"exit {code}, traceback={tb}: {out.strip()[:60]!r}")
""",
    "--from-file with a NUL byte": """
Path("l.txt").write_bytes(b"a\\x00.html\\n")
code, out, err, tb = cli("score", "--json", "--from-file", "l.txt")
print(f"exit {code}, traceback={tb}: {(out or err).strip()[-100:]}")
""",
    "serve --port 99999": """
code, out, err, tb = cli("serve", "--port", "99999")
print(f"exit {code}, traceback={tb}: {err.strip().splitlines()[-2 if tb else -2][:100]}")
""",
    "Parquet output into a missing folder": """
Path("a.html").write_text(PAGE)
code, out, err, tb = cli("score", "a.html", "--output", "missing/r.parquet")
print(f"exit {code}, traceback={tb}, scored rows printed={len(out.splitlines())}: {err.strip().splitlines()[-1][:100]}")
""",
    "--dask: .html as shard / duplicate names / file as output": """
os.makedirs("x"); os.makedirs("y"); Path("x/s.warc").write_bytes(b""); Path("y/s.warc").write_bytes(b"")
Path("a.html").write_text(PAGE); Path("f").write_text("")
res = [cli("score", *t, "--dask", "local", "--output", o) for t, o in
       ((["a.html"], "out"), (["x/s.warc", "y/s.warc"], "out"), (["x/s.warc"], "f"))]
print("; ".join(f"exit {c} traceback={tb}" for c, _, _, tb in res))
""",
    "--dask: unreachable scheduler": """
s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
Path("s.warc").write_bytes(b""); t = time.monotonic()
code, out, err, tb = cli("score", "s.warc", "--dask", f"tcp://127.0.0.1:{port}", "--output", "o")
print(f"exit {code}, traceback={tb}, {time.monotonic() - t:.0f} s")
""",
    "manifest file escaping its folder": """
os.makedirs("data"); Path("secret.html").write_text(PAGE)
Path("data/m.jsonl").write_text(json.dumps({"file": "../secret.html", "label": "original"}) + "\\n")
from classifier.training.dataset import load_labelled
from classifier.errors import DataError
try:
    load_labelled([Path("data/m.jsonl")], min_per_class=0); print("accepted")
except DataError as e:
    print("refused:", e.problems[0].split(": ", 1)[1][:80])
""",
    "stdin over the size cap": """
code, out, err, tb = cli("score", "--json", "--max-bytes", "1000", "-", stdin=(PAGE * 20).encode())
row = json.loads(out) if out.strip() else {}
print(f"exit {code}: label={row.get('label')} error={row.get('error')}")
""",
}


def _limit() -> None:
    """Cap the child's address space."""
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT_MB << 20, LIMIT_MB << 20))


def run_case(tree: Path, code: str, timeout: float = 90) -> tuple[str, float, float]:
    """(outcome, seconds, peak RSS in MB of the case's own process) for one case."""
    wrapper = PRELUDE + textwrap.dedent(code) + (
        "\nimport resource as _r\nprint(f'@@peak {max(_r.getrusage(_r.RUSAGE_SELF).ru_maxrss, _r.getrusage(_r.RUSAGE_CHILDREN).ru_maxrss) / 1024:.0f}')\n")
    env = {**os.environ, "PYTHONPATH": str(tree), "NEWSQUAL_DASK_TIMEOUT": "5s"}
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        try:
            proc = subprocess.run([sys.executable, "-c", wrapper], capture_output=True, text=True, cwd=tmp, env=env,
                                  timeout=timeout, preexec_fn=_limit)
        except subprocess.TimeoutExpired:
            return f"hang (over {timeout:.0f} s)", time.monotonic() - started, float("nan")
    lines = proc.stdout.strip().splitlines()
    peak = float(lines.pop().split()[1]) if lines and lines[-1].startswith("@@peak") else float("nan")
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["killed"])[-1]
        return f"crashed: {last[:110]}", time.monotonic() - started, peak
    return " ".join(lines)[:160], time.monotonic() - started, peak


def main() -> None:
    """Run every case against the tree given (or this checkout) and print one JSON line each."""
    tree = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parents[1]).resolve()
    for name, code in CASES.items():
        outcome, seconds, peak = run_case(tree, code)
        print(json.dumps({"case": name, "outcome": outcome, "seconds": round(seconds, 1), "peak_mb": peak}), flush=True)


if __name__ == "__main__":
    main()
