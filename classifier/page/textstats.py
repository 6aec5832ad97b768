"""Small text helpers shared by signals: content terms and stop words."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator

from .tokens import words

#: The most frequent function words of the corpus's main languages (Gopher-style stop words).
STOP_WORDS = frozenset(
    """
    the be to of and a in that have i it for not on with he as you do at this but his by from they we
    say her she or an will my one all would there their what so up out if about who get which go me
    when make can like time no just him know take people into year your good some could them see other
    than then now look only come its over think also back after use two how our work first well way even
    new want because any these give day most us is are was were has had been said more
    der die und in den von zu das mit sich des auf für ist im dem nicht ein eine als auch es an werden
    aus er hat dass sie nach wird bei einer um am sind noch wie einem über einen so zum war haben nur oder
    aber vor zur bis mehr durch man sein wurde sei
    de la que el en y a los se del las un por con no una su para es al lo como más o pero sus le ha me
    si sin sobre este ya entre cuando todo esta ser son dos también fue había era muy años hasta desde
    le les et des est pas une qui dans ce il ne sur se au plus par pour avec sont ou son mais comme
    di che e il un per non una sono della al le si da lo gli nel alla ha
    het een van en op te dat zijn voor met niet aan er om ook als bij
    o do da em um para com uma os no se na por mais as dos como mas ao ele das
    """.split()
)


def content_terms(text: str) -> frozenset[str]:
    """Lower-cased content words of ``text``, cut to a 5-letter stem so plurals match."""
    return frozenset(_stems(words(text.lower())))


def topic_terms(title: str, body_words: Iterable[str]) -> frozenset[str]:
    """What an article is about: its title's content terms and body terms used at least twice.

    ``body_words`` are the lower-cased body tokens (``Page.body_words``)."""
    counts = Counter(_stems(body_words))
    return content_terms(title) | frozenset(t for t, n in counts.items() if n >= 2)


def _stems(lower_words: Iterable[str]) -> Iterator[str]:
    """5-letter stems of the content words among lower-cased tokens."""
    return (w[:5] for w in lower_words if len(w) >= 4 and w not in STOP_WORDS and not w.isdigit())


def lines_with(text: str, anchors: Iterable[str]) -> list[str]:
    """The distinct lines of ``text`` that contain any of ``anchors``, in text order.

    Lets a signal run an expensive regex over the few lines that could match instead of the whole page:
    every match of the regex must contain one of the anchors and lie within one line."""
    found: dict[int, str] = {}
    for anchor in anchors:
        start = 0
        while (i := text.find(anchor, start)) != -1:
            begin = text.rfind("\n", 0, i) + 1
            end = text.find("\n", i)
            end = len(text) if end == -1 else end
            found[begin] = text[begin:end]
            start = end
    return [found[k] for k in sorted(found)]
