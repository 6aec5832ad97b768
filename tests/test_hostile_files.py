"""Hostile files: devices, FIFOs, links to them, bombs, odd charsets, escaping manifest paths, slow pages."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest

from classifier.errors import DataError, InputError
from classifier.io.sources import expand_targets, read_source, read_stdin, resume_key
from classifier.options import ScoreOptions
from classifier.scorer import Scorer

from .hostile import bounded  # noqa: F401 - autouse time and memory bound

pytestmark = pytest.mark.timeout(30)

PAGE = (b"<html><head><title>Council votes on the budget</title></head><body><p>The council voted 5-2 on "
        b"Tuesday to approve the budget, the mayor said.</p><p>The plan adds two bus routes.</p>"
        b"<p>The budget also pays for repairs to the library roof and for four more park rangers, and it keeps "
        b"property taxes at last year's rate, the finance director told the council before the vote.</p></body></html>")
SPAM = (b"<html><head><title>Current:Home > News > Council votes-TopNewsHub</title></head><body>"
        b"<div>Current:Home > News > Council votes-TopNewsHub</div><span>veryGood! (5218)</span>"
        b"<p>RIVERSIDE (AP) \xe2\x80\x94 The council voted on the budget.</p>"
        b"<p>The budget also pays for repairs to the library roof and for four more park rangers, and it keeps "
        b"property taxes at last year's rate, the finance director told the council before the vote.</p>"
        b"<p>Council members who voted against the plan said the bus routes should wait until a traffic study "
        b"of the east side is finished next spring, and asked for a public hearing on the fees.</p>"
        b"<p>Source link</p></body></html>")


GZIP_BOMB = gzip.compress(b"\0" * 200_000_000, compresslevel=1)


@pytest.fixture(scope="module")
def scorer() -> Scorer:
    """The bundled model."""
    return Scorer.load()


class TestNonRegularFiles:
    """Only regular files are read; everything else is a clear per-item error that never blocks."""

    def test_a_symlink_to_dev_zero_is_refused(self, tmp_path: Path) -> None:
        link = tmp_path / "zero.html"
        link.symlink_to("/dev/zero")
        with pytest.raises(InputError) as info:
            read_source(link, 5_000_000)
        assert str(info.value) == f"{link}: a character device, not a regular file; only regular files are read as a page"

    def test_a_fifo_named_like_a_page_does_not_hang(self, tmp_path: Path) -> None:
        fifo = tmp_path / "p.html"
        os.mkfifo(fifo)
        with pytest.raises(InputError) as info:
            read_source(fifo, 5_000_000)
        assert str(info.value) == f"{fifo}: a named pipe (FIFO), not a regular file; only regular files are read as a page"

    def test_a_symlink_to_a_fifo_does_not_hang(self, tmp_path: Path) -> None:
        os.mkfifo(tmp_path / "pipe")
        link = tmp_path / "page.html"
        link.symlink_to(tmp_path / "pipe")
        with pytest.raises(InputError) as info:
            read_source(link, 5_000_000)
        assert str(info.value) == f"{link}: a named pipe (FIFO), not a regular file; only regular files are read as a page"

    def test_a_batch_goes_on_past_a_fifo_and_a_device(self, tmp_path: Path, scorer: Scorer) -> None:
        os.mkfifo(tmp_path / "a.html")
        (tmp_path / "b.html").symlink_to("/dev/zero")
        (tmp_path / "c.html").write_bytes(PAGE)
        results = list(scorer.score_many(expand_targets([str(tmp_path)])))
        assert [(Path(r.source).name, r.label == "error") for r in results] == [
            ("a.html", True), ("b.html", True), ("c.html", False)]
        assert "named pipe" in (results[0].error or "") and "character device" in (results[1].error or "")

    def test_a_from_file_list_that_is_a_device_is_refused(self) -> None:
        with pytest.raises(InputError) as info:
            list(expand_targets([], Path("/dev/zero")))
        assert str(info.value) == ("cannot read target list: /dev/zero: a character device, not a regular file; "
                                   "only regular files are read as a target list")

    def test_a_from_file_list_that_is_a_fifo_does_not_hang(self, tmp_path: Path) -> None:
        fifo = tmp_path / "urls.txt"
        os.mkfifo(fifo)
        with pytest.raises(InputError, match="named pipe"):
            list(expand_targets([], fifo))

    def test_a_warc_fifo_is_an_error_result(self, tmp_path: Path, scorer: Scorer) -> None:
        fifo = tmp_path / "crawl.warc.gz"
        os.mkfifo(fifo)
        [result] = list(scorer.score_many([str(fifo)]))
        assert result.error == (f"cannot open WARC file: {fifo}: a named pipe (FIFO), not a regular file; "
                                "only regular files are read as a WARC file")

    def test_a_nul_byte_in_a_target_is_a_per_item_error(self, tmp_path: Path, scorer: Scorer) -> None:
        listing = tmp_path / "list.txt"
        good = tmp_path / "good.html"
        good.write_bytes(PAGE)
        listing.write_bytes(b"bad\x00name.html\n" + str(good).encode() + b"\n")
        results = list(scorer.score_many(expand_targets([], listing)))
        assert results[0].error == "'bad\\x00name.html': invalid file name (embedded null byte)"
        assert results[1].ok

    def test_a_file_over_the_cap_is_refused_without_reading_it(self, tmp_path: Path) -> None:
        big = tmp_path / "big.html"
        with big.open("wb") as fh:
            fh.truncate(50 * 1024 * 1024)  # sparse: 50 MB that takes no memory unless read
        with pytest.raises(InputError, match=r"big.html: file is 50.0 MB, over the 5.0 MB limit"):
            read_source(big, 5 * 1024 * 1024)

    def test_stdin_over_the_cap_is_refused_like_a_file(self) -> None:
        import io

        with pytest.raises(InputError) as info:
            read_stdin(io.BytesIO(b"x" * 2001), 2000)
        assert str(info.value) == "<stdin>: input is over the 2.0 KB limit"
        assert read_stdin(io.BytesIO(b"x" * 2000), 2000) == b"x" * 2000


class TestContent:
    """Bombs, odd charsets and pages that are slow to score."""

    @pytest.mark.memory_mb(40)
    def test_a_gzip_bomb_file_stops_at_the_cap(self, tmp_path: Path, scorer: Scorer) -> None:
        bomb = tmp_path / "bomb.html.gz"
        bomb.write_bytes(GZIP_BOMB)
        [result] = list(scorer.score_many([str(bomb)]))
        assert result.error == "gzip data expands beyond the 5,242,880-byte limit"

    @pytest.mark.parametrize("label", ["undefined", "idna", "punycode", "utf-7", "unicode_escape"])
    def test_charsets_python_rejects_fall_back_to_detection(self, scorer: Scorer, label: str) -> None:
        meta = PAGE.replace(b"<head>", b'<head><meta charset="' + label.encode() + b'">')
        by_header = scorer.score_bytes(PAGE, "h", headers={"content-type": f"text/html; charset={label}"})
        by_meta = scorer.score_bytes(meta, "m")
        assert by_header.ok and by_meta.ok
        assert by_header.score == scorer.score_bytes(PAGE, "plain").score

    def test_a_page_out_of_time_is_an_error_never_original(self) -> None:
        slow = Scorer.load(options=ScoreOptions(page_budget=1e-9))
        result = slow.score_bytes(SPAM, "spam.html")
        assert (result.label, result.score) == ("error", None)
        assert result.error is not None and result.error.startswith("page time budget of 1e-09 s used up after ")
        assert Scorer.load().score_bytes(SPAM, "spam.html").label == "low_quality"


class TestManifestPaths:
    """Manifest ``file`` paths may not leave the labelled-data folder unless allowed."""

    @staticmethod
    def manifest(tmp_path: Path, names: list[str]) -> Path:
        """A manifest in ``tmp_path/data`` with one row per name, plus enough rows to train."""
        data = tmp_path / "data"
        data.mkdir()
        rows = [{"file": name, "label": "original"} for name in names]
        for i in range(6):
            for label in ("original", "low_quality"):
                (data / f"{label}{i}.html").write_bytes(PAGE.replace(b"5-2", f"{i}-{label}".encode()))
                rows.append({"file": f"{label}{i}.html", "label": label, "domain": f"{label}{i}.example"})
        path = data / "manifest.jsonl"
        path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
        return path

    def test_absolute_and_dotdot_paths_are_refused(self, tmp_path: Path) -> None:
        from classifier.training.dataset import load_labelled

        outside = tmp_path / "secret.html"
        outside.write_bytes(PAGE)
        (tmp_path / "other.html").write_bytes(PAGE + b"<p>other</p>")
        manifest = self.manifest(tmp_path, [str(outside), "../other.html"])
        with pytest.raises(DataError) as info:
            load_labelled([manifest])
        assert [p.split(": ", 1)[1].split(" is outside")[0] for p in info.value.problems] == [
            f"file {str(outside)!r}", "file '../other.html'"]
        assert len(load_labelled([manifest], allow_outside=True).pages) == 14

    def test_a_symlink_leading_out_is_refused(self, tmp_path: Path) -> None:
        from classifier.training.dataset import load_labelled

        (tmp_path / "secret.html").write_bytes(PAGE)
        manifest = self.manifest(tmp_path, ["link.html"])
        (manifest.parent / "link.html").symlink_to(tmp_path / "secret.html")
        with pytest.raises(DataError, match="link.html' is outside the manifest's folder"):
            load_labelled([manifest])


class TestResumeIdentity:
    """Resume keys: the same page under a relative and an absolute path is one page."""

    def test_relative_and_absolute_paths_share_a_key(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        (tmp_path / "pages").mkdir()
        monkeypatch.chdir(tmp_path)
        assert resume_key("pages/a.html") == resume_key(str(tmp_path / "pages" / "a.html"))
        assert resume_key("pages/../pages/x.warc.gz#1234") == f"{tmp_path}/pages/x.warc.gz#1234"
        assert resume_key("HTTP://News.Example/a#frag") == "http://news.example/a"
        assert resume_key("<stdin>") == "<stdin>"
