"""Which copy in a cluster is the original, and what each other copy is.

Each member gets points for the evidence a person would weigh (see :func:`points`); the member
with most points is the original (ties: the earlier credible date, then the first seen). Every
other member is then *credited* syndication (its canonical link points at the original, it links
to or names the original's site, it credits a wire agency, or it has an attribution line such as
"Source: Vancouver Sun"), *uncredited* (a scraper signal),
or a *same-site* duplicate (the original's own site, e.g. a print and an AMP page).
Members whose body is not similar to the original itself leave the cluster and are grouped anew,
so chains of pairwise-similar pages never make one giant cluster.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Generic

from . import settings
from .facts import PageFacts, names_in
from .lsh import Id, components
from .signatures import Signature

ORIGINAL, CREDITED, UNCREDITED, SAME_SITE = "original", "credited", "uncredited", "same_site"


@dataclass(frozen=True, slots=True)
class Member(Generic[Id]):
    """One page of a cluster: its id, facts and signature."""

    id: Id
    facts: PageFacts
    signature: Signature


@dataclass(frozen=True, slots=True)
class Verdict:
    """A page's role in its cluster, the original it copies, and the evidence."""

    role: str  # original | credited | uncredited | same_site
    original: PageFacts
    similarity: float = 1.0  # to the original
    margin: float = 0.0  # the original's points minus this page's
    credit: str = ""  # how a credited copy credits (or who the original is credited by)
    copies: int = 0  # for the original: other members
    uncredited: int = 0  # for the original: uncredited members
    example: str = ""  # for the original: one copy's URL
    why: str = ""  # why the original was chosen


def canonical_to(a: PageFacts, b: PageFacts) -> bool:
    """True when ``a``'s canonical link points at ``b`` (its URL, or its site from another site)."""
    if not a.canonical:
        return False
    if b.url and a.canonical.rstrip("/") == b.url.rstrip("/"):
        return True
    return a.canonical_site is not None and a.canonical_site == b.site and a.site != b.site


def credits(a: PageFacts, b: PageFacts) -> str:
    """How ``a`` credits ``b`` ("links to x.com", "names x"), or ""."""
    if b.site and a.site != b.site and b.site in a.link_sites:
        return f"links to {b.site}"
    copied = set(b.credit_lines)  # a credit line the copy took over from b's own text credits no one
    lines = [ln for ln in a.credit_lines if ln not in copied and not any(names_in(own, ln) for own in a.names)]
    for name in b.names:
        if any(names_in(name, line) for line in lines):
            return f"names {name}"
    return ""


def credit_of(copy: PageFacts, original: PageFacts) -> str:
    """How a copy credits its original or the wire, or "" for an uncredited copy."""
    if canonical_to(copy, original):
        return f"canonical link to {copy.canonical}"
    how = credits(copy, original)
    if how:
        return how
    if copy.wire:
        return f"credits {copy.wire}"
    return f"attribution line {copy.attribution!r}" if copy.attribution else ""


def points(m: PageFacts, others: Sequence[PageFacts], earliest: str | None) -> tuple[float, list[str]]:
    """Evidence that ``m`` is the original, as points and the reasons for them."""
    score, why = 0.0, []
    inbound = sum(canonical_to(o, m) for o in others)
    credited = sum(bool(credits(o, m)) for o in others)
    if inbound:
        score += 4 * min(inbound, 2)
        why.append(f"{inbound} cop{'y' if inbound == 1 else 'ies'} point their canonical link here")
    if credited:
        score += 2 * min(credited, 2)
        why.append(f"credited by {credited}")
    if m.is_wire_site:
        score += 3
        why.append("wire agency's own site")
    if m.day_note:
        score -= 2
    elif m.day is None:
        score -= 1
    elif m.day == earliest:
        score += 3
        why.append(f"earliest date {m.day}")
    if m.byline:
        score += 1
        why.append("has a byline")
    if any(canonical_to(m, o) for o in others):
        score -= 5
    if any(credits(m, o) for o in others):
        score -= 3
    return score, why


def name_original(members: Sequence[Member[Id]]) -> tuple[Member[Id], dict[Id, float], str]:
    """The original of a cluster, every member's points, and why it was chosen."""
    facts = [m.facts for m in members]
    days = [f.day for f in facts if f.day and not f.day_note]
    earliest = min(days) if days else None
    scored = {}
    whys = {}
    for m in members:
        others = [f for f in facts if f is not m.facts]
        scored[m.id], whys[m.id] = points(m.facts, others, earliest)
    best = min(members, key=lambda m: (-scored[m.id], m.facts.day or "9999", members.index(m)))
    return best, scored, "; ".join(whys[best.id]) or "no member has better evidence"


def _months(later: str | None, earlier: str | None) -> str:
    """ ", 19 months earlier" between two ISO days, or "" when either is unknown or not earlier."""
    if not later or not earlier:
        return ""
    gap = (date.fromisoformat(later) - date.fromisoformat(earlier)).days
    if gap <= 0:
        return ""
    return f", {gap} day{'s' * (gap != 1)} earlier" if gap < 62 else f", {round(gap / 30.44)} months earlier"


def _verdicts(members: Sequence[Member[Id]]) -> tuple[dict[Id, Verdict], list[Member[Id]]]:
    """Verdicts for the members similar to the cluster's original, and the members that are not."""
    best, scored, why = name_original(members)
    near = [m for m in members if m is best or m.signature.jaccard(best.signature) >= settings.SIMILARITY]
    out: dict[Id, Verdict] = {}
    for m in near:
        if m is best:
            continue
        sim = m.signature.jaccard(best.signature)
        margin = scored[best.id] - scored[m.id]
        if m.facts.site is not None and m.facts.site == best.facts.site:
            out[m.id] = Verdict(SAME_SITE, best.facts, sim, margin)
            continue
        how = credit_of(m.facts, best.facts)
        out[m.id] = Verdict(CREDITED if how else UNCREDITED, best.facts, sim, margin, how, why=why)
    copies = [v for v in out.values() if v.role != SAME_SITE]
    if copies:
        example = next((m.facts.url or m.facts.source for m in near if out.get(m.id) in copies), "")
        out[best.id] = Verdict(ORIGINAL, best.facts, copies=len(copies),
                               uncredited=sum(v.role == UNCREDITED for v in copies), example=example, why=why)
    return out, [m for m in members if m not in near]


def assign(pairs: Mapping[tuple[Id, Id], float], members: Mapping[Id, Member[Id]]) -> dict[Id, Verdict]:
    """Verdicts for every page in a cluster of copies on more than one site."""
    out: dict[Id, Verdict] = {}
    cross = [p for p in pairs if members[p[0]].facts.site is None or members[p[0]].facts.site != members[p[1]].facts.site]
    queue = [[members[i] for i in group] for group in components(cross)]
    while queue:
        group = queue.pop()
        if len(group) < 2:
            continue
        got, rest = _verdicts(group)
        out.update(got)
        if rest:
            ids = {m.id for m in rest}
            sub = [p for p in cross if p[0] in ids and p[1] in ids]
            queue.extend([members[i] for i in g] for g in components(sub))
    return out


def months_phrase(copy: PageFacts, original: PageFacts) -> str:
    """"dated 2023-09-18, 19 months earlier" for the evidence line, or "undated"."""
    if not original.day:
        return "undated"
    return f"dated {original.day}{_months(copy.day, original.day)}"
