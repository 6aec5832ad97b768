"""Reading and validating labelled pages: JSONL manifests and ``original/`` / ``low_quality/`` folders.

The format is the contract in ``shared/CORPUS.md``. :func:`load_labelled` checks every source
before any page is parsed, collects every problem (each with its file and line) and raises one
:class:`DataError` listing them all. :func:`read_page` then gives a page's bytes or text.

A page's ``group`` keeps a site out of both sides of a grouped split: the row's ``domain`` (or
the host of its ``url``), else its ``network``, else its ``id``. Folder pages group by file stem.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import DataError, FetchError, InputError
from ..io.sources import read_source
from ..page.loader import InputKind
from ..page.page import host_of
from ..settings import MAX_BYTES, PAGE_SUFFIXES

log = logging.getLogger(__name__)

LABELS = ("original", "low_quality", "borderline")
#: Classes that training needs; each must have at least ``min_per_class`` pages.
REQUIRED_LABELS = ("original", "low_quality")
#: Pages crawled before this year are the "old" side of the era check (the corpus's 2007-2012 crawls).
ERA_YEAR = 2013
#: Row fields that must be strings when present.
_STRING_FIELDS = (
    "id", "label", "category", "file", "html", "text", "url", "domain", "network",
    "lang", "confidence", "published", "sha256",
)
_CONTENT_FIELDS = ("file", "html", "text")
_TEXT_SUFFIXES = (".txt", ".txt.gz")


@dataclass(frozen=True, slots=True)
class LabelledPage:
    """One labelled page: its label, its group for grouped folds, and where its content is."""

    id: str
    label: str
    category: str
    group: str
    lang: str | None
    confidence: str | None
    url: str | None
    published: str | None
    origin: str
    path: Path | None
    html: str | None
    text: str | None
    generated: bool = False
    #: The public collection the page comes from (leave-one-collection-out folds), and its crawl year.
    collection: str | None = None
    crawl_year: int | None = None

    @property
    def old_crawl(self) -> bool:
        """Crawled before :data:`ERA_YEAR`, the old side of the era check (no crawl year counts as modern)."""
        return self.crawl_year is not None and self.crawl_year < ERA_YEAR

    @property
    def kind(self) -> InputKind:
        """How the loader should read this page: text files and inline text as text, else HTML; URLs auto."""
        if self.path is not None:
            return "text" if self.path.name.lower().endswith(_TEXT_SUFFIXES) else "html"
        if self.html is not None:
            return "html"
        return "text" if self.text is not None else "auto"


@dataclass
class Dataset:
    """Validated labelled pages in source order, with non-fatal notes."""

    pages: list[LabelledPage]
    warnings: list[str] = field(default_factory=list)

    def by_label(self) -> dict[str, int]:
        """Number of pages per label (every label listed, zeros included)."""
        counts = Counter(p.label for p in self.pages)
        return {label: counts[label] for label in LABELS}


@dataclass
class _Entry:
    """A page read from a source, with the keys that make two pages the same."""

    page: LabelledPage
    same_keys: list[tuple[str, str]]  # (what, value): file path, sha256, inline content, url


@dataclass
class _Report:
    """Problems (fatal) and warnings (notes) collected while reading sources."""

    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    allow_outside: bool = False  # page files may lie outside their manifest's (or folder's) folder


def load_labelled(sources: Sequence[Path], *, min_per_class: int = 5, allow_outside: bool = False) -> Dataset:
    """Read and validate every source; raises one :class:`DataError` listing all problems.

    A manifest ``file`` (or a folder page, through a symlink) must stay inside the folder of
    its manifest (or the labelled-data folder): absolute paths and ``..`` that leave it are
    problems unless ``allow_outside``.
    """
    report = _Report(allow_outside=allow_outside)
    entries: list[_Entry] = []
    seen: set[Path] = set()
    for source in map(Path, sources):
        if source.resolve() in seen:
            report.problems.append(f"{source}: source given twice")
            continue
        seen.add(source.resolve())
        entries += _read_source(source, report)
    if not sources:
        report.problems.append("no labelled data given: pass a manifest (.jsonl) or a folder")
    report.problems += _duplicate_problems(entries)
    pages = [e.page for e in entries]
    report.problems += _class_problems(pages, min_per_class)
    if report.problems:
        raise DataError(report.problems)
    report.warnings += _notes(pages)
    log.info("loaded %d labelled pages from %d source(s)", len(pages), len(sources))
    return Dataset(pages, report.warnings)


def page_digest(page: LabelledPage) -> str:
    """A short content digest of a page without fetching it: the file's bytes, inline content, or the URL."""
    if page.path is not None:
        try:
            content = read_source(page.path, MAX_BYTES).data
        except InputError:
            content = str(page.path).encode()
    else:
        content = (page.html or page.text or page.url or page.id).encode("utf-8", "surrogatepass")
    return hashlib.sha256(content).hexdigest()[:16]


def read_page(page: LabelledPage, max_bytes: int = MAX_BYTES) -> tuple[bytes | str, InputKind]:
    """The page's content and loader kind; files are read, URL-only rows fetched. Raises NewsqualError."""
    if page.path is not None:
        return read_source(page.path, max_bytes).data, page.kind
    if page.html is not None:
        return page.html, "html"
    if page.text is not None:
        return page.text, "text"
    if page.url:
        return _fetch(page.url, max_bytes), "auto"
    raise InputError(f"{page.origin}: the row gives no page content")


def _fetch(url: str, max_bytes: int) -> bytes:
    """The body of ``url`` through :mod:`classifier.io.fetch`."""
    try:
        from ..io.fetch import fetch  # lazy: keeps the HTTP client off the import path
    except ImportError as exc:
        raise FetchError(url, f"fetching is not available ({exc})") from None
    return fetch(url, max_bytes=max_bytes).content


# --- sources ---------------------------------------------------------------------------------


def _read_source(path: Path, report: _Report) -> list[_Entry]:
    """Entries of one manifest or folder; problems go to ``report``."""
    if path.is_dir():
        return _read_folder(path, report)
    if path.is_file() and path.name.lower().endswith(".jsonl"):
        return _read_manifest(path, report)
    if not path.exists():
        report.problems.append(f"{path}: no such file or folder")
    else:
        report.problems.append(f"{path}: not a labelled-data source (expected a .jsonl manifest or a folder)")
    return []


def _read_manifest(path: Path, report: _Report) -> list[_Entry]:
    """Entries of a JSONL manifest, one row a line; blank lines are skipped."""
    try:
        lines = path.read_bytes().removeprefix(b"\xef\xbb\xbf").splitlines()
    except OSError as exc:
        report.problems.append(f"{path}: cannot read ({exc.strerror or exc})")
        return []
    entries: list[_Entry] = []
    rows = 0
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        rows += 1
        origin = f"{path}:{lineno}"
        row = _parse_row(line, origin, report.problems)
        if row is not None:
            entry = _row_entry(row, origin, path.parent, f"{path.stem}:{lineno}", report.problems,
                               report.allow_outside)
            entries += [entry] if entry else []
    if rows == 0:
        report.problems.append(f"{path}: empty source: the manifest has no rows")
    return entries


def _parse_row(line: bytes, origin: str, problems: list[str]) -> dict[str, Any] | None:
    """One manifest line as a JSON object, or None with a problem noted."""
    try:
        row = json.loads(line.decode("utf-8"))
    except UnicodeDecodeError:
        problems.append(f"{origin}: line is not UTF-8")
        return None
    except json.JSONDecodeError as exc:
        problems.append(f"{origin}: not valid JSON ({exc.msg} at column {exc.colno})")
        return None
    if not isinstance(row, dict):
        problems.append(f"{origin}: not a JSON object (got {type(row).__name__})")
        return None
    return row


def _row_entry(
    row: dict[str, Any], origin: str, base: Path, default_id: str, problems: list[str], allow_outside: bool = False
) -> _Entry | None:
    """A manifest row checked and turned into an entry, or None when it has problems."""
    found = [f"{origin}: {p}" for p in _row_problems(row, base, allow_outside)]
    if found:
        problems += found
        return None
    path = (base / row["file"]).resolve() if row.get("file") else None
    page_id = str(row["id"]) if row.get("id") not in (None, "") else default_id
    page = LabelledPage(
        id=page_id,
        label=row["label"],
        category=row.get("category") or row["label"],
        group=_group(row.get("domain"), row.get("url"), row.get("network"), page_id),
        lang=row.get("lang") or None,
        confidence=row.get("confidence") or None,
        url=row.get("url") or None,
        published=row.get("published") or None,
        origin=origin,
        path=path,
        html=row.get("html") or None,
        text=row.get("text") or None,
        generated=bool(row.get("generated", False)),
        collection=str(row["collection"]) if row.get("collection") else None,
        crawl_year=row["crawl_year"] if isinstance(row.get("crawl_year"), int) else None,
    )
    return _Entry(page, _same_keys(page, row.get("sha256")))


def _row_problems(row: dict[str, Any], base: Path, allow_outside: bool = False) -> list[str]:
    """Everything wrong with one manifest row (without its origin)."""
    problems = [
        f"field '{key}' must be a string, got {type(row[key]).__name__}"
        for key in _STRING_FIELDS
        if row.get(key) is not None and not isinstance(row[key], str) and not (key == "id" and type(row[key]) is int)
    ]
    label = row.get("label")
    if label is None:
        problems.append("missing 'label'")
    elif isinstance(label, str) and label not in LABELS:
        problems.append(f"unknown label {label!r} (expected one of {', '.join(LABELS)})")
    given = [key for key in _CONTENT_FIELDS if row.get(key)]
    if not given and not row.get("url"):
        problems.append("no page: give one of 'file', 'html', 'text' or 'url'")
    elif len(given) > 1:
        problems.append(f"give only one of 'file', 'html', 'text' (got {', '.join(given)})")
    if not isinstance(row.get("generated", False), bool):
        problems.append(f"field 'generated' must be true or false, got {row['generated']!r}")
    if isinstance(row.get("file"), str) and row["file"]:
        problems += _file_problems(row["file"], base, allow_outside)
    return problems


def _file_problems(name: str, base: Path, allow_outside: bool = False) -> list[str]:
    """Problems with a row's ``file``: unsupported type, outside the manifest's folder, missing, or not a file."""
    path = base / name
    if not name.lower().endswith(PAGE_SUFFIXES):
        return [f"file {name!r} is not a page file (expected {', '.join(PAGE_SUFFIXES)})"]
    if "\x00" in name:
        return [f"file {name!r} holds a NUL byte"]
    if not allow_outside and not _inside(path, base):
        return [f"file {name!r} is outside the manifest's folder {base} (absolute or '..' path, or a symlink "
                "leading out); load_labelled(..., allow_outside=True) allows it"]
    if not path.exists():
        return [f"file {name!r} does not exist (looked for {path})"]
    if not path.is_file():
        return [f"file {name!r} is not a regular file"]
    return []


def _inside(path: Path, folder: Path) -> bool:
    """True when ``path`` (symlinks resolved) lies inside ``folder``."""
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError, ValueError):
        return False


def _read_folder(root: Path, report: _Report) -> list[_Entry]:
    """Entries of a folder laid out as ``original/``, ``low_quality/`` (and ``borderline/``)."""
    entries: list[_Entry] = []
    for sub in sorted(root.iterdir()):
        if not sub.is_dir() or sub.name.startswith("."):
            continue
        if sub.name in LABELS:
            entries += _read_label_folder(root, sub, report.problems, report.allow_outside)
        else:
            report.warnings.append(f"{sub}: ignored (folder names must be one of {', '.join(LABELS)})")
    if not entries and not any((root / label).is_dir() for label in LABELS):
        report.problems.append(f"{root}: empty source: no {'/, '.join(LABELS)}/ folder inside")
    elif not entries:
        report.problems.append(f"{root}: empty source: no page files in its label folders")
    return entries


def _read_label_folder(root: Path, folder: Path, problems: list[str], allow_outside: bool = False) -> list[_Entry]:
    """Entries for the page files below one label folder, in sorted order."""
    entries: list[_Entry] = []
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(root)
        if not path.is_file() or any(part.startswith(".") for part in relative.parts):
            continue
        if not path.name.lower().endswith(PAGE_SUFFIXES):
            problems.append(f"{path}: not a page file (expected {', '.join(PAGE_SUFFIXES)})")
            continue
        if not allow_outside and not _inside(path, root):
            problems.append(f"{path}: a symlink leading outside {root}; load_labelled(..., allow_outside=True) allows it")
            continue
        page = _folder_page(root, relative, path.resolve(), folder.name)
        entries.append(_Entry(page, _same_keys(page, None)))
    return entries


def _folder_page(root: Path, relative: Path, path: Path, label: str) -> LabelledPage:
    """A page from a label folder: its id is its path in the folder, its group its stem."""
    return LabelledPage(
        id=f"{root.name}/{relative.as_posix()}",
        label=label,
        category=label,
        group=_stem(path.name),
        lang=None,
        confidence=None,
        url=None,
        published=None,
        origin=str(root / relative),
        path=path,
        html=None,
        text=None,
    )


def _stem(name: str) -> str:
    """A file name without its page suffix (``a.html.gz`` -> ``a``)."""
    for suffix in sorted(PAGE_SUFFIXES, key=len, reverse=True):
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return name


# --- cross-row checks ------------------------------------------------------------------------


def _group(domain: str | None, url: str | None, network: str | None, page_id: str) -> str:
    """The grouped-fold key: the site network (one template across domains), else the domain, else the id."""
    if network:
        return f"network:{network}"
    site = host_of(f"//{domain}") if domain else host_of(url)
    return site or page_id


def _same_keys(page: LabelledPage, sha256: str | None) -> list[tuple[str, str]]:
    """Keys under which two entries are the same page."""
    keys: list[tuple[str, str]] = []
    if page.path is not None:
        keys.append(("file", str(page.path)))
    if sha256:
        keys.append(("sha256", sha256.lower()))
    for what, content in (("inline html", page.html), ("inline text", page.text)):
        if content is not None:
            keys.append((what, hashlib.sha256(content.encode("utf-8", "surrogatepass")).hexdigest()))
    if page.path is None and page.html is None and page.text is None and page.url:
        keys.append(("url", page.url))
    return keys


def _duplicate_problems(entries: list[_Entry]) -> list[str]:
    """Duplicate ids and pages listed twice (same file, sha256, inline content or fetched URL)."""
    problems: list[str] = []
    first_id: dict[str, str] = {}
    first_key: dict[tuple[str, str], str] = {}
    for entry in entries:
        page = entry.page
        if page.id in first_id:
            problems.append(f"{page.origin}: duplicate id {page.id!r} (first at {first_id[page.id]})")
        first_id.setdefault(page.id, page.origin)
        for key in entry.same_keys:
            if key in first_key:
                problems.append(f"{page.origin}: same page as {first_key[key]} (same {_describe(key)})")
                break
        for key in entry.same_keys:
            first_key.setdefault(key, page.origin)
    return problems


def _describe(key: tuple[str, str]) -> str:
    """A short description of a duplicate key for a message."""
    what, value = key
    return f"{what} {value}" if what in ("file", "url", "sha256") else what


def _class_problems(pages: list[LabelledPage], min_per_class: int) -> list[str]:
    """A problem for each required class with fewer than ``min_per_class`` pages over all sources."""
    counts = Counter(p.label for p in pages)
    return [
        f"too few {label!r} pages: {counts[label]} over all sources (need at least {min_per_class})"
        for label in REQUIRED_LABELS
        if counts[label] < min_per_class
    ]


def _notes(pages: list[LabelledPage]) -> list[str]:
    """Non-fatal notes about the loaded data."""
    borderline = sum(1 for p in pages if p.label == "borderline")
    if not borderline:
        return []
    return [f"{borderline} borderline page(s) kept with label 'borderline' (training leaves them out by default)"]
