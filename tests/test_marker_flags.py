"""Every marker the README names moves the score of real originals, and a decisive one flags them.

Each marker is inserted into real corpus originals (read from ``../shared/corpus``, never copied)
that the bundled model calls original: at the top of the article for the body markers, above the
title for the breadcrumb, after the article for the lists. The model is monotone in every marker,
so the score can never fall; a decisive marker (a leaked chatbot preamble, a row of vote counters,
a template placeholder, an uncredited wire dateline) must be enough on its own to flag the page.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from classifier import Scorer
from classifier.page.loader import decode_page
from classifier.training.dataset import load_labelled, read_page

SAMPLE = 30
#: Share of sampled originals a decisive marker must flag (the floor is set so that all but the
#: cleanest tenth of originals cross the threshold with one marker).
MIN_FLAGGED = 0.8
#: Share of sampled pages on which the inserted marker must be recognised, for decisive and other
#: markers: a breadcrumb above an ``<h1>`` is only recognised where the ``<h1>`` is the page's title
#: line (measured: 8 of 30), so that bound is lower.
MIN_FIRED = {True: 0.8, False: 0.25}


def _contribution(scorer: Scorer, html: str, url: str | None, signal: str) -> tuple[float, float]:
    """The signal's contribution to the page's log-odds, and its value."""
    _, reasons = scorer.explain(html, "page", url=url, kind="html")
    (reason,) = [r for r in reasons if r.signal == signal]
    return reason.contribution, reason.value


@dataclass(frozen=True)
class Marker:
    """A marker as a scraper template writes it, and where it goes."""

    signal: str
    html: str
    where: str  # "body" (top of the article), "title" (above the headline), "end" (after the article)
    decisive: bool = False


MARKERS = (
    Marker("junk_chatbot_phrase", "<p>As an AI language model, I cannot browse the internet, but here is the "
           "article you asked for, rewritten in my own words.</p>", "body", decisive=True),
    Marker("junk_reaction_counter", "<div class='vote'><span>veryGood! (6745)</span> <span>Thumbs up (1041)</span> "
           "<span>Angry (12)</span> <span>Sad (3)</span></div>", "body", decisive=True),
    Marker("junk_template_leftover", "<p>{{article_title}} - [insert keyword here]</p>", "body", decisive=True),
    Marker("synd_wire_unattributed", "<p>WASHINGTON (AP) — Officials said on Tuesday that the talks would resume "
           "next week after a pause of several days.</p>", "body", decisive=True),
    Marker("junk_breadcrumb_title", "<div>Current:Home &gt; News &gt; World</div>", "title"),
    Marker("related_offtopic_lists", "<h3>Ranking</h3><ul>" + "".join(
        f"<li><a href='https://gossip{i}.example/p{i}'>{t}</a></li>" for i, t in enumerate((
            "Pop star reveals secret wedding photos", "Reality TV couple announce divorce after three months",
            "Supermodel shows off luxury mansion with gold bathtub", "Billionaire heiress buys private island",
            "Boy band reunion tour tickets sell out in minutes", "Actress stuns fans with new red carpet look",
            "Football star's wife shares beach holiday snaps", "Singer's ex breaks silence on shock split"))) + "</ul>",
           "end"),
)


def _insert(html: str, marker: Marker) -> str:
    """``html`` with the marker placed where a scraper template puts it."""
    if marker.where == "title":
        m = re.search(r"<h1[\s>]", html, re.I)
    elif marker.where == "end":
        m = re.search(r"</article>|</main>|</body>", html, re.I)
    else:
        m = re.search(r"<p[\s>]", html, re.I)
    at = m.start() if m else len(html)
    return html[:at] + marker.html + html[at:]


@pytest.fixture(scope="module")
def originals(corpus_dir: Path) -> list[tuple[str, str, str | None]]:
    """Up to ``SAMPLE`` English HTML originals with a headline and paragraphs that the model calls original."""
    scorer = Scorer.load()
    rows = {json.loads(line)["id"]: json.loads(line) for line in (corpus_dir / "manifest.jsonl").open()}
    out = []
    for page in load_labelled([corpus_dir / "manifest.jsonl"]).pages:
        if page.label != "original" or page.lang != "en" or rows[page.id].get("crawl_year"):
            continue
        data, kind = read_page(page)
        html = data if isinstance(data, str) else decode_page(data, {}, 5_000_000)
        if kind != "html" or not re.search(r"<h1[\s>]", html, re.I) or len(re.findall(r"<p[\s>]", html, re.I)) < 5:
            continue
        if scorer.score_html(html, url=page.url).label == "original":
            out.append((page.id, html, page.url))
        if len(out) == SAMPLE:
            break
    return out


@pytest.mark.slow
@pytest.mark.parametrize("marker", MARKERS, ids=[m.signal for m in MARKERS])
def test_marker_moves_the_score(marker: Marker, originals: list[tuple[str, str, str | None]]) -> None:
    scorer = Scorer.load()
    fired = raised = flagged = 0
    for page_id, html, url in originals:
        before = _contribution(scorer, html, url, marker.signal)
        after = _contribution(scorer, _insert(html, marker), url, marker.signal)
        assert after[0] >= before[0] - 1e-9, f"{marker.signal} lowered its own part of the score of {page_id}"
        fired += after[1] > before[1]
        raised += after[0] > before[0] + 1e-6
        flagged += scorer.score_html(_insert(html, marker), url=url).label == "low_quality"
    n = len(originals)
    assert n >= 10, "too few originals in the sample"
    assert fired >= MIN_FIRED[marker.decisive] * n, f"{marker.signal} fired on only {fired} of {n} pages it was inserted into"
    # An off-topic list that lifts the value but stays under its firing level (0.5) adds nothing yet.
    need = fired if marker.decisive else 0.4 * fired
    assert raised >= need, f"{marker.signal} fired on {fired} pages but raised the score of only {raised}"
    if marker.decisive:
        assert flagged >= MIN_FLAGGED * n, f"{marker.signal} alone flagged only {flagged} of {n} originals"
