"""Small pages written for the tests: original-style articles and scraper-style copies."""

from __future__ import annotations

import random

TOPICS = [
    ("Council approves new flood barrier", "flood barrier council river homes engineer funding"),
    ("School district adds later start times", "school district students sleep start times parents"),
    ("Hospital opens new cancer treatment wing", "hospital cancer treatment patients wing doctors"),
    ("Bridge repairs close downtown lanes", "bridge repairs lanes traffic downtown engineers"),
    ("Farmers report record apple harvest", "farmers apple harvest orchard weather prices"),
    ("City library expands weekend hours", "library weekend hours readers budget staff"),
    ("Transit agency tests electric buses", "transit electric buses agency battery routes"),
    ("Local brewery wins national award", "brewery award beer judges brewers competition"),
]
CELEB = [
    "Pop star's surprise wedding photos leave fans stunned",
    "Five celebrity diets that doctors say you should never try",
    "Reality TV couple announce split after three seasons together",
    "This kitchen gadget sold out in hours: shop before it is gone",
    "Actor reveals the real reason he left the hit sitcom",
    "Lottery winner's mansion goes on sale for a record price",
]


def _paragraphs(topic: str, words: str, rng: random.Random, n: int) -> list[str]:
    """Article paragraphs about one topic."""
    w = words.split()
    out = []
    for i in range(n):
        a, b, c = rng.sample(w, 3)
        out.append(
            f"Officials said the {a} plan would change how the {b} works for residents, and that the {c} "
            f"review had taken {rng.randint(2, 9)} months of public meetings before the final vote on item {i}."
        )
    return out


def original_page(i: int, seed: int = 0) -> str:
    """A well-formed original article with byline, JSON-LD and on-topic lists."""
    rng = random.Random(seed * 1000 + i)
    title, words = TOPICS[i % len(TOPICS)]
    paras = "".join(f"<p>{p}</p>" for p in _paragraphs(title, words, rng, rng.randint(4, 7)))
    return (
        f"<html><head><title>{title} - The Valley Times</title><meta name='author' content='Reporter {i}'>"
        f"<meta property='og:type' content='article'><meta property='article:published_time' content='2024-0{1 + i % 9}-1{i % 9}'>"
        f"<script type='application/ld+json'>{{\"@type\":\"NewsArticle\",\"datePublished\":\"2024-0{1 + i % 9}-1{i % 9}\"}}</script>"
        f"</head><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav><h1>{title}</h1>"
        f"<p>By Reporter {i}</p>{paras}<footer>© 2024 The Valley Times</footer></body></html>"
    )


def scraper_page(i: int, seed: int = 0) -> str:
    """A scraper-style copy: breadcrumb title, counter, off-topic lists, fake date, bare wire dateline."""
    rng = random.Random(seed * 1000 + i + 500)
    title, words = TOPICS[i % len(TOPICS)]
    paras = _paragraphs(title, words, rng, rng.randint(3, 5))
    paras[0] = "SPRINGFIELD (AP) — " + paras[0]
    items = "".join(f"<li><a href='/x{k}'>{t}</a></li>" for k, t in enumerate(rng.sample(CELEB, 4)))
    return (
        f"<html><head><title>Current:Home &gt; News{title} -TrendHub{i}</title><meta name='author' content='admin'></head>"
        f"<body><div>Date:{2026 + i % 3}-0{1 + i % 9}-03 10:12:45</div>"
        + "".join(f"<p>{p}</p>" for p in paras)
        + f"<div>veryGood! ({rng.randint(100, 9999)})</div><div>Source link</div>"
        f"<h3>Related</h3><ul>{items}</ul></body></html>"
    )
