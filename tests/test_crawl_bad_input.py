"""Crawl mode on awkward bodies: empty, one repeated word, unspaced scripts, 5 MB; and one parse per page."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest

pytest.importorskip("rensa", reason="crawl mode needs the 'crawl' extra (rensa)")
pytest.importorskip("tldextract", reason="crawl mode needs the 'crawl' extra (tldextract)")

from classifier import scorer as scorer_module  # noqa: E402
from classifier.crawl import Signature, Skip, crawl_batch, entry_of, judge, sign_page  # noqa: E402
from classifier.crawl.lsh import find_pairs  # noqa: E402
from classifier.page.loader import load_page  # noqa: E402
from classifier.scorer import Scorer  # noqa: E402

from .crawl_pages import STORY, article  # noqa: E402

HAN = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理府研"


def page(body: str, url: str) -> object:
    """A parsed page with ``body`` as its only paragraph."""
    return load_page(f"<html><head><title>t</title></head><body><article><p>{body}</p></article></body></html>", url=url)


def han_text(rng: random.Random, n: int = 400) -> str:
    """Unspaced Chinese-looking text of ``n`` random common characters, in sentences."""
    return "".join(rng.choice(HAN) + ("。" if rng.random() < 0.05 else "") for _ in range(n))


def test_empty_and_repeated_bodies_get_a_clear_skip() -> None:
    empty = sign_page(load_page("<html><body><nav><a href='/'>Home</a></nav></body></html>", url="https://a.com/"))  # type: ignore[arg-type]
    assert isinstance(empty, Skip) and "too short" in empty.reason
    same = sign_page(page("spam " * 5000, "https://b.com/x"))  # type: ignore[arg-type]
    assert isinstance(same, Skip) and "repeats itself" in same.reason


def test_many_repeated_word_pages_never_form_a_cluster() -> None:
    pages = {f"https://site{k}.com/p": entry_of(page(f"{w} " * 3000, f"https://site{k}.com/p"), f"s{k}")  # type: ignore[arg-type]
             for k, w in enumerate(["buy", "buy", "cheap", "buy", "now"] * 4)}
    assert judge(pages) == {}  # type: ignore[arg-type]


def test_chinese_and_japanese_pages_are_signed_by_character_and_copies_found() -> None:
    rng = random.Random(7)
    texts = [han_text(rng) for _ in range(30)]
    sigs = {f"https://cn{k}.com/a": sign_page(page(t, f"https://cn{k}.com/a")) for k, t in enumerate(texts)}  # type: ignore[arg-type]
    assert all(isinstance(s, Signature) for s in sigs.values())
    assert find_pairs(sigs) == {}  # type: ignore[arg-type] # 30 unrelated pages: no pairs, no giant cluster
    edited = texts[3][:200] + "据新华社报道" + texts[3][200:]
    copy = sign_page(page(edited, "https://copycn.com/x"))  # type: ignore[arg-type]
    assert isinstance(copy, Signature) and copy.jaccard(sigs["https://cn3.com/a"]) > 0.8  # type: ignore[arg-type]
    kana = "きょうはとてもいいてんきですね。わたしはこうえんでさんぽをしました。" * 2 + "".join(rng.sample(HAN, 80))
    assert isinstance(sign_page(page(kana, "https://jp.com/x")), Signature)  # type: ignore[arg-type]


def test_a_5_mb_body_is_signed_quickly_from_its_first_tokens() -> None:
    rng = random.Random(1)
    vocab = [f"w{rng.randrange(10**6)}" for _ in range(5000)]
    body = " ".join(rng.choice(vocab) for _ in range(700_000))[: 5 * 1024 * 1024]
    parsed = load_page(body, url="https://huge.com/x", kind="text")
    start = time.perf_counter()
    sig = sign_page(parsed)
    assert isinstance(sig, Signature) and time.perf_counter() - start < 2.0


def test_crawl_batch_parses_each_page_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str | None] = []
    real = scorer_module.load_page

    def counting(data: object, url: str | None = None, **kw: object) -> object:
        calls.append(url)
        return real(data, url=url, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(scorer_module, "load_page", counting)
    for k in range(4):
        url = f"https://news{k}.com/bus"
        (tmp_path / f"p{k}.html").write_text(article(url, day=f"2023-09-1{k}", canonical=url))
    (tmp_path / "empty.html").write_text("")
    results = crawl_batch(Scorer.load(), sorted(str(p) for p in tmp_path.iterdir()))
    assert len(results) == 5 and len(calls) == 5  # one parse per source (the empty one fails in it)
    assert sum(r.error is not None for r in results) == 1
    assert sum(any(x.signal == "crawl_original" for x in r.reasons) for r in results) == 1
    assert STORY[0][:20] not in str([r.reasons for r in results])  # evidence names URLs, not the body
