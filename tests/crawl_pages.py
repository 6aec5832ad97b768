"""Small inline pages for the crawl tests: one story told by its original, and copies of it."""

from __future__ import annotations

import html

STORY = (
    "The city council voted seven to two on Tuesday night to approve a new network of protected bus lanes "
    "along the river road, after three public meetings that ran past midnight.",
    "Supporters said the lanes would cut the morning commute from the northern suburbs by a quarter, while "
    "shop owners on Market Street warned that losing parking would drive customers to the mall.",
    "The transport department will start painting the first section in March and expects the whole route to "
    "open before the autumn term, the deputy mayor told reporters outside the chamber.",
    "Residents who spoke at the final hearing were split almost evenly, and several asked the council to "
    "review the scheme after a year of service with published figures on journey times.",
)
OTHER = (
    "A small bakery in the old town has won the regional bread prize for the third year running, beating "
    "forty entries from across the province with a rye loaf made from a recipe kept since 1921.",
    "The owner said the secret was patience: the dough rests for two days in a cold cellar before it is baked "
    "in a wood oven that her grandfather built from bricks of a demolished railway station.",
    "Judges praised the crust and the crumb, and the prize money will pay for a second oven and an apprentice "
    "from the vocational school who starts work in the spring.",
)


def article(url: str, paragraphs: tuple[str, ...] = STORY, day: str | None = "2023-09-18", byline: str | None = "Ann Reporter",
            canonical: str | None = None, credit: str = "", extra: str = "", site_name: str = "") -> str:
    """An article page at ``url``."""
    head = ["<title>Council approves bus lanes</title>"]
    if day:
        head.append(f"<meta property='article:published_time' content='{day}T08:00:00Z'>")
    if byline:
        head.append(f"<meta name='author' content='{html.escape(byline)}'>")
    if canonical:
        head.append(f"<link rel='canonical' href='{canonical}'>")
    if site_name:
        head.append(f"<meta property='og:site_name' content='{site_name}'>")
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return (f"<html><head>{''.join(head)}</head><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
            f"<article><h1>Council approves bus lanes</h1>{body}{extra}</article>"
            f"<footer><p>{credit}</p></footer></body></html>")
