"""Marker families against tables of variants written for these tests, in HTML and plain-text form.

Every row of ``CASES`` is one small page, the marker it is about, and whether that marker must
fire (value at or above ``FIRE_AT``) or stay quiet. The quiet rows rebuild the false positives
measured on real publishers: "Comments (12)" rows, category counts, site breadcrumbs, a "Most
read" box of the site's own stories, credited wire copy, chart "Source:" credits, "How to" guides,
forum replies and marketing copy. ``bench/markers_variants.py`` runs the same table on main's
signals for the before/after count.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from classifier.page.loader import load_page
from classifier.page.page import Page
from classifier.signals import SIGNALS, measure_all
from classifier.signals.quality import MIN_BODY_WORDS, enough_text

FUNCS = {s.name: s.func for s in SIGNALS}
SEED = Path(__file__).parents[1].parent / "shared" / "seeds" / "000_20fef6640e83dfd0.txt"

#: The value at which a marker counts as firing (the same thresholds as bench/markers_corpus.py).
FIRE_AT = {
    "junk_reaction_counter": 1.0,
    "junk_breadcrumb_title": 0.5,
    "related_offtopic_lists": 0.5,
    "dates_after_text": 2.0,
    "dates_anachronism": 1.0,
    "synd_wire_unattributed": 1.0,
    "synd_attribution_lines": 1.0,
    "junk_template_leftover": 1.0,
    "junk_chatbot_phrase": 1.0,
    "junk_spun_phrase": 1.0,
    "junk_clickbait_title": 1.0,
    "junk_llm_style": 3.0,
}

# --- page material, written for these tests -------------------------------------------------

TITLE = "Harbour ferry service resumes after winter repairs"
PARAS = (
    "The harbour ferry between Eastport and the island resumed its service on Monday after three months "
    "of repairs to the landing pier and the vessel's engines.",
    "The ferry operator said the repairs cost more than expected because the pier's wooden piles had rotted "
    "further than the first survey showed.",
    "Island residents, who relied on a smaller water taxi during the winter, welcomed the return of the ferry "
    "and its larger car deck.",
    "The harbour master said timetables would return to the summer pattern next month once the crews finish "
    "their training on the repaired engines.",
)
URL = "https://www.eastport-courier.com/news/ferry-resumes"


def text_page(*lines: str) -> str:
    """A plain-text dump: one block a line."""
    return "\n".join(lines)


def html_page(body: str, title: str = TITLE, head: str = "") -> str:
    """A small HTML document."""
    return f"<html><head><title>{title}</title>{head}</head><body>{body}</body></html>"


ARTICLE_HTML = "".join(f"<p>{p}</p>" for p in PARAS)
DATED_HEAD = '<meta property="article:published_time" content="2025-04-14T10:00:00Z">'


@dataclass(frozen=True)
class Case:
    """One variant: a page, the marker it is about, and whether the marker must fire."""

    id: str
    signal: str
    kind: str  # "html" or "text"
    content: str
    fires: bool
    url: str | None = URL
    headers: dict[str, str] = field(default_factory=dict)


def load(case: Case) -> Page:
    """The case's page, parsed as its kind."""
    return load_page(case.content, url=case.url, headers=case.headers, kind=case.kind)  # type: ignore[arg-type]


# --- reaction and vote counters ---------------------------------------------------------------
C = "junk_reaction_counter"
COUNTERS = [
    Case("text-veryGood", C, "text", text_page(TITLE, *PARAS, "veryGood! (6745)"), True),
    Case("text-thumbs-up", C, "text", text_page(TITLE, *PARAS, "Thumbs up (1041)"), True),
    Case("text-like-love-haha", C, "text", text_page(TITLE, *PARAS, "Like 12 Love 3 Haha 1"), True),
    Case("text-emoji", C, "text", text_page(TITLE, *PARAS, "👍 231"), True),
    Case("text-wow-sad", C, "text", text_page(TITLE, *PARAS, "Wow! 52 | Sad! 3 | Angry! 7"), True),
    Case("html-span-row", C, "html", html_page(ARTICLE_HTML + "<div><span>Upvote (88)</span> <span>Downvote (4)</span></div>"), True),
    Case("html-li-row", C, "html", html_page(ARTICLE_HTML + "<ul><li>Like 12</li><li>Love 3</li><li>Haha 1</li></ul>"), True),
    Case("html-label-count-elements", C, "html", html_page(
        ARTICLE_HTML + "<div><div>Like</div><div>12</div><div>Love</div><div>3</div></div>"), True),
    Case("html-emoji-pair", C, "html", html_page(ARTICLE_HTML + "<div>👍 231 👎 12</div>"), True),
    Case("html-veryBad", C, "html", html_page(ARTICLE_HTML + "<p>veryBad! (12)</p>"), True),
    Case("text-comments-share", C, "text", text_page(TITLE, *PARAS, "Comments (12) Share 5 Tweet"), False),
    Case("html-comments", C, "html", html_page(ARTICLE_HTML + "<div>Comments (12)</div><div>Share 5</div>"), False),
    Case("html-single-like", C, "html", html_page(ARTICLE_HTML + "<div>Like (9)</div>"), False),
    Case("html-category-counts", C, "html", html_page(
        ARTICLE_HTML + "<ul><li>Politics (26)</li><li>Culture (12)</li><li>Love (42)</li><li>Travel (9)</li>"
        "<li>Sport (31)</li></ul>"), False),
    Case("html-album-years", C, "html", html_page(
        ARTICLE_HTML + "<ul><li>Shot of Love (1981)</li><li>Infidels (1983)</li><li>Empire Burlesque (1985)</li></ul>"), False),
    Case("text-prose-number", C, "text", text_page(TITLE, *PARAS, "I like 2 of the new boats."), False),
    # counts printed on <button> elements, which the walk skips with the other controls
    Case("html-button-emoji", C, "html", html_page(
        ARTICLE_HTML + "<button class='r'>&#10084;&#65039; <b>2.4K</b></button><button class='r'>&#128546; 17</button>"), True),
    Case("html-button-words", C, "html", html_page(
        ARTICLE_HTML + "<div><button>Agree 310</button><button>Disagree 45</button></div>"), True),
    Case("text-support-oppose", C, "text", text_page(TITLE, *PARAS, "支持(52)   反对(3)"), True),
    Case("text-support-oppose-en", C, "text", text_page(TITLE, *PARAS, "Support: 1,204 | Oppose: 77"), True),
    Case("html-forum-like-buttons", C, "html", html_page(
        "".join(f"<div class='post'><p>{p}</p><button>Like ({n})</button></div>" for p, n in zip(PARAS, (3, 8, 1, 5), strict=True))),
        False),
    Case("html-embedded-post-actions", C, "html", html_page(
        ARTICLE_HTML + "<blockquote><p>Ferry back at last!</p><button>Reply 4</button><button>Repost 12</button>"
        "<button>Like 96</button></blockquote>"), False),
    Case("html-button-support-nav", C, "html", html_page(
        ARTICLE_HTML + "<button>Support us</button><button>Subscribe for 1 year</button>"), False),
    # the same widgets in other languages, and a full-width "！"
    Case("text-ru-klass", C, "text", text_page(TITLE, *PARAS, "Класс! 40"), True),
    Case("html-ja-fullwidth-bang", C, "html", html_page(ARTICLE_HTML + "<ul><li>いいね！12</li></ul>"), True),
    Case("text-de-pair", C, "text", text_page(TITLE, *PARAS, "Gefällt mir 14 · Wütend 2"), True),
    Case("text-share-bar-with-likes", C, "text", text_page(TITLE, *PARAS, "Kommentare 4 · Gefällt mir 3 · Teilen"), False),
    Case("text-post-actions", C, "text", text_page(TITLE, *PARAS, "Reply 4 · Repost 12 · Like 96 · Liked 96"), False),
]

# --- breadcrumbs ------------------------------------------------------------------------------
B = "junk_breadcrumb_title"
BREADCRUMBS = [
    Case("text-glued", B, "text", text_page(f"Current:Home > News{TITLE} -HarbourLink", TITLE, *PARAS), True),
    Case("text-own-line", B, "text", text_page("Home > News > Local", TITLE, *PARAS), True),
    Case("text-you-are-here", B, "text", text_page("You are here: Home » Travel", TITLE, *PARAS), True),
    Case("html-title-glued", B, "html", html_page(ARTICLE_HTML, title=f"Current:Home > News{TITLE} -HarbourLink"), True),
    Case("html-div-above-h1", B, "html", html_page(
        f"<div class='crumb'>Current:Home > News</div><h1>{TITLE}</h1>{ARTICLE_HTML}"), True),
    Case("html-glued-block", B, "html", html_page(f"<div>Home > News{TITLE}</div>{ARTICLE_HTML}"), True),
    Case("text-cjk-above", B, "text", text_page("当前位置：首页 > 新闻 > 国内", "渡轮在冬季维修后恢复运营，岛上居民表示欢迎", *PARAS), True),
    Case("html-menu-no-separators", B, "html", html_page(
        f"<ul><li>Home</li><li>News</li><li>Sport</li></ul><h1>{TITLE}</h1>{ARTICLE_HTML}"), False),
    Case("html-breadcrumb-at-foot", B, "html", html_page(
        f"<h1>{TITLE}</h1>{ARTICLE_HTML}" + "<p>More</p>" * 10 + "<div>Home > News > Local</div>"), False),
    Case("html-title-home-road", B, "html", html_page(ARTICLE_HTML, title="Home/Road split puzzles the league"), False),
    Case("text-plain", B, "text", text_page(TITLE, *PARAS), False),
    # a labelled trail names itself whatever its first crumb; a text dump may put furniture before it
    Case("text-labelled-index", B, "text", text_page(
        "Bookmark us | Mobile edition", "Eastport Online", "Location: Index > Local > Transport", TITLE, *PARAS), True),
    Case("html-labelled-div", B, "html", html_page(
        f"<div>Position: Portal » Regional » Ports</div><h1>{TITLE}</h1>{ARTICLE_HTML}"), True),
    Case("text-ru-label", B, "text", text_page("Вы здесь: Главная → Новости → Город", "Паромное сообщение с островом "
                                               "возобновлено после ремонта", *PARAS), True),
    Case("text-zh-label", B, "text", text_page("您现在的位置：首页 > 新闻 > 本地", "渡轮在冬季维修后恢复运营", *PARAS), True),
    Case("html-es-label", B, "html", html_page(
        f"<div>Estás en: Portada › Sociedad</div><h1>{TITLE}</h1>{ARTICLE_HTML}"), True),
    Case("html-zh-title-underscores", B, "html", html_page(
        f"<div>首页 > 新闻 > 本地</div><h2>渡轮在冬季维修后恢复运营 岛上居民表示欢迎</h2>{ARTICLE_HTML}",
        title="渡轮在冬季维修后恢复运营 岛上居民表示欢迎_本地新闻_东港网"), True),
    Case("text-trail-then-prose", B, "text", text_page(
        "Eastport Online", "Home > Local", "The ferry between Eastport and the island is running again.", *PARAS), False),
]

# --- off-topic link lists ---------------------------------------------------------------------
OT = "related_offtopic_lists"
OFF = (
    "Pop star reveals surprise pregnancy on red carpet", "Reality show couple split after two seasons",
    "Shop the limited-edition sneaker collection before it sells out", "Quarterback dazzles as rivals collapse late",
    "Celebrity chef opens a rooftop restaurant downtown", "Singer claps back at critics over new album",
    "Ten gadgets everyone wants this holiday season", "Actress stuns in vintage gown at gala premiere",
    "Car maker recalls thousands of SUVs over brake fault", "Zodiac signs that love travelling the most",
    "Stock market rally lifts tech giants to record", "Hollywood couple announce engagement on social media",
    "Mountain village hosts annual cheese rolling race", "Royal family releases new portrait for birthday",
    "Streaming service raises prices again this spring", "Football coach fired after losing streak",
    "Wildfire forces evacuations in canyon towns", "Band reunites for a farewell stadium tour",
    "Diet trend sweeps social media platforms", "Lottery winner plans to buy a castle",
)
ON = (
    "Harbour pier contractor explains the repair delays", "Island residents praise return of the ferry",
    "Ferry timetable for the summer published", "Harbour master trains crews on repaired engines",
    "Water taxi operator thanks island passengers",
)
MOST_READ_BEAT = (
    "Eastport harbour dredging plan goes to vote", "Island school ferry pass prices frozen",
    "Eastport pier repairs to finish by spring", "Ferry crew rescue swimmer off the island",
    "Eastport harbour festival returns in June",
)


def link_list(items: tuple[str, ...], heading: str = "", host: str = "") -> str:
    """A list of headline links (``host`` empty: same-site relative links)."""
    lis = "".join(f'<li><a href="{host}/story/{i}">{t}</a></li>' for i, t in enumerate(items))
    return (f"<h3>{heading}</h3>" if heading else "") + f"<ul>{lis}</ul>"


OFFTOPIC = [
    Case("text-20-of-25-headed", OT, "text", text_page(TITLE, *PARAS, "Related", *(f"- {t}" for t in OFF + ON)), True),
    Case("text-seedlike-two-lists", OT, "text", text_page(
        TITLE, *PARAS, "Ranking", *OFF[:10], "Recommendation", *OFF[10:]), True),
    Case("html-20-of-25-offsite-no-heading", OT, "html", html_page(
        ARTICLE_HTML + link_list(OFF + ON, host="https://trend-feed.example")), True),
    Case("html-20-of-25-headed-unlinked-host", OT, "html", html_page(
        ARTICLE_HTML + link_list(OFF + ON, "You may also like", host="https://trend-feed.example")), True),
    Case("html-most-read-beat", OT, "html", html_page(ARTICLE_HTML + link_list(MOST_READ_BEAT, "Most read")), False),
    Case("html-related-on-topic", OT, "html", html_page(ARTICLE_HTML + link_list(ON, "Related")), False),
    Case("html-small-offtopic-box-same-site", OT, "html", html_page(
        ARTICLE_HTML + link_list(OFF[10:15], "Most read")), False),
    Case("text-no-lists", OT, "text", text_page(TITLE, *PARAS), False),
]

# --- re-dated copies --------------------------------------------------------------------------
D, A = "dates_after_text", "dates_anachronism"
P_2023 = "The council first approved the plan in March 2023, and the works began in 2022 after a long delay."
P_NOW = "President Joe Biden will visit the harbour next week, the White House said on Monday."
REDATED = [
    Case("text-claims-2025-mentions-2023", D, "text", text_page(TITLE, "Date: 2025-04-14", *PARAS, P_2023), True),
    Case("html-claims-2025-mentions-2023", D, "html", html_page(ARTICLE_HTML + f"<p>{P_2023}</p>", head=DATED_HEAD), True),
    Case("text-claims-2023-mentions-2023", D, "text", text_page(TITLE, "Date: 2023-05-02", *PARAS, P_2023), False),
    Case("html-lists-mention-cop", D, "html", html_page(
        ARTICLE_HTML + link_list(("Leaders gather as COP27 opens in Egypt", "Delegates leave COP27 without a deal",
                                  "Islands plead for help at COP27 talks")),
        head='<meta property="article:published_time" content="2026-01-10">'), True),
    Case("text-president-after-term", A, "text", text_page(TITLE, "Date: 2025-04-14", *PARAS, P_NOW), True),
    Case("html-president-after-term", A, "html", html_page(ARTICLE_HTML + f"<p>{P_NOW}</p>", head=DATED_HEAD), True),
    Case("html-pope-after-term", A, "html", html_page(
        ARTICLE_HTML + "<p>Pope Benedict will travel to the island for a blessing of the new ferry, the diocese said.</p>",
        head=DATED_HEAD), True),
    Case("text-president-in-term", A, "text", text_page(TITLE, "Date: 2022-06-01", *PARAS, P_NOW), False),
    Case("text-former-president", A, "text", text_page(
        TITLE, "Date: 2025-04-14", *PARAS, "Former President Joe Biden will speak at the harbour gala next week."), False),
    Case("text-past-tense", A, "text", text_page(
        TITLE, "Date: 2025-04-14", *PARAS, "President Obama signed the harbour funding bill in 2010, records show."), False),
]

# --- uncredited wire copy ---------------------------------------------------------------------
W = "synd_wire_unattributed"
WIRE_P = "officials said on Monday that the harbour ferry would resume its service after three months of repairs."


def wire_text(dateline: str, *extra: str) -> str:
    """A text page whose first paragraph opens with ``dateline``."""
    return text_page(TITLE, f"{dateline} {WIRE_P}", *PARAS[1:], *extra)


WIRE = [
    Case("text-ap", W, "text", wire_text("NEW YORK (AP) —"), True),
    Case("text-reuters", W, "text", wire_text("LONDON, April 14 (Reuters) -"), True),
    Case("text-afp", W, "text", wire_text("PARIS (AFP) -"), True),
    Case("text-dpa", W, "text", wire_text("Berlin (dpa) -"), True),
    Case("text-dpa-regional", W, "text", wire_text("Hamburg (dpa/lno) –"), True),
    Case("text-ap-double-hyphen", W, "text", wire_text("HONOLULU (AP) --"), True),
    Case("html-ap", W, "html", html_page(f"<p>NEW YORK (AP) — {WIRE_P}</p>" + ARTICLE_HTML), True),
    Case("html-ap-site-copyright-only", W, "html", html_page(
        f"<p>NEW YORK (AP) — {WIRE_P}</p>" + ARTICLE_HTML + "<p>Copyright © 2025 HarbourLink</p>"), True),
    Case("text-ap-copyright", W, "text", wire_text(
        "NEW YORK (AP) —", "Copyright 2023 The Associated Press. All rights reserved."), False),
    Case("text-originally-published", W, "text", wire_text(
        "NEW YORK (AP) —", "This story was originally published by the Eastport Courier."), False),
    Case("text-ap-writer-byline", W, "text", text_page(
        TITLE, "By JANE DOE", "AP Business Writer", f"NEW YORK (AP) — {WIRE_P}", *PARAS[1:]), False),
    Case("text-dpa-photo-credit", W, "text", wire_text("Hamburg (dpa/lno) –", "Foto: Markus Muster/dpa"), False),
    Case("text-dpa-infocom", W, "text", wire_text("Berlin (dpa) -", "© dpa-infocom, dpa:250414-99-1234"), False),
    Case("html-canonical-to-wire", W, "html", html_page(
        f"<p>NEW YORK (AP) — {WIRE_P}</p>" + ARTICLE_HTML, head='<link rel="canonical" href="https://apnews.com/article/x">'), False),
    Case("html-on-wire-site", W, "html", html_page(f"<p>LONDON (Reuters) - {WIRE_P}</p>" + ARTICLE_HTML), False,
         url="https://www.reuters.com/world/ferry"),
]

# --- leaked phrases and attribution -----------------------------------------------------------
CB, T, S, K, AT, L = ("junk_chatbot_phrase", "junk_template_leftover", "junk_spun_phrase", "junk_clickbait_title",
                      "synd_attribution_lines", "junk_llm_style")
PHRASES = [
    Case("chatbot-ai-model", CB, "text", text_page(TITLE, "As an AI language model, I cannot give opinions on ferries, "
                                                   "but here is a summary of the harbour news for readers.", *PARAS), True),
    Case("chatbot-browse", CB, "html", html_page(
        "<p>I cannot browse the internet, so the timetable below may be out of date for the island ferry.</p>"
        + ARTICLE_HTML), True),
    Case("chatbot-certainly", CB, "text", text_page(TITLE, "Certainly! Here is the rewritten article:", *PARAS), True),
    Case("chatbot-regenerate", CB, "html", html_page(ARTICLE_HTML + "<div>Regenerate response</div>"), True),
    Case("chatbot-forum-reply", CB, "text", text_page(TITLE, *PARAS, "I hope this helps, feel free to ask more."), False),
    Case("chatbot-sure-below", CB, "html", html_page(
        "<p>Sure! Below is a revised version of the story, optimised for search:</p>" + ARTICLE_HTML), True),
    Case("chatbot-absolutely-below", CB, "text", text_page(TITLE, "Absolutely! Below are the key points:", *PARAS), True),
    Case("chatbot-see-below", CB, "text", text_page(TITLE, *PARAS, "Of course. Below is the summer timetable."), False),
    Case("chatbot-certainly-comma", CB, "text", text_page(TITLE, "Certainly, here's a news article about the ferry:", *PARAS), True),
    Case("chatbot-fr", CB, "text", text_page(TITLE, "Bien sûr ! Voici un article réécrit sur le ferry :", *PARAS), True),
    Case("chatbot-es", CB, "html", html_page("<p>¡Claro! Aquí tienes el artículo optimizado:</p>" + ARTICLE_HTML), True),
    Case("chatbot-ru", CB, "text", text_page(TITLE, "Конечно! Вот переписанная статья:", *PARAS), True),
    Case("chatbot-en-signoff", CB, "text", text_page(TITLE, *PARAS, "I hope this article meets your expectations!"), True),
    Case("chatbot-ru-prose", CB, "text", text_page(TITLE, *PARAS, "Конечно, вот что сказал мэр о пароме."), False),
    Case("chatbot-de-prose", CB, "text", text_page(TITLE, *PARAS, "Natürlich! Hier ist die Fähre wieder unterwegs."), False),
    Case("template-title", T, "html", html_page(f"<h1>{{{{title}}}}</h1>{ARTICLE_HTML}"), True),
    Case("template-body", T, "text", text_page(TITLE, "%%BODY%%", *PARAS), True),
    Case("template-insert", T, "text", text_page(TITLE, *PARAS, "Call us today for the best [insert keyword] in town."), True),
    Case("template-lorem", T, "html", html_page("<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do "
                                                "eiusmod tempor incididunt ut labore.</p>" + ARTICLE_HTML), True),
    Case("template-js-widget", T, "html", html_page(ARTICLE_HTML + "<div>{{ selectedCountryName }}</div>"), False),
    Case("spun-synthetic", S, "text", text_page(TITLE, "The ferry company said synthetic intelligence and profound "
                                                "studying would plan the timetables for the island route.", *PARAS), True),
    Case("spun-regulation", S, "html", html_page(
        "<p>Regulation enforcement officers mentioned the ferry was safe, in line with the report published on "
        "Monday by the harbour board.</p>" + ARTICLE_HTML), True),
    Case("spun-tortured", S, "html", html_page(
        "<p>The operator will use profound learning and a neural community to read colossal information from the "
        "engines.</p>" + ARTICLE_HTML), True),
    Case("spun-weather", S, "text", text_page(TITLE, "Local weather change is blamed for the rotting piers, and "
                                              "machine studying will watch the new ones.", *PARAS), True),
    Case("spun-plain-terms", S, "text", text_page(TITLE, "Deep learning and a neural network will read a huge "
                                                  "information feed from the engines as climate change bites.", *PARAS), False),
    Case("spun-old-spelling", S, "text", text_page(TITLE, "Tickets for the ferry can be bought on-line from the "
                                                   "operator's website or at the harbour kiosk.", *PARAS), False),
    Case("clickbait-wont-believe", K, "html", html_page(ARTICLE_HTML, title="You won't believe what this ferry found"), True),
    Case("clickbait-how-to", K, "html", html_page(ARTICLE_HTML, title="How to repair a wooden pier"), False),
    Case("clickbait-how-to-pictures", K, "html", html_page(ARTICLE_HTML, title="How to Build a Raft (with Pictures)"), True),
    Case("attribution-appeared-first", AT, "text", text_page(
        TITLE, *PARAS, "The post Ferry resumes appeared first on Harbour Daily."), True),
    Case("attribution-closing-source", AT, "text", text_page(TITLE, *PARAS, "Source: harbourdaily.com"), True),
    Case("attribution-chart-credit", AT, "html", html_page(
        ARTICLE_HTML[:-4] + "</p><figure><figcaption>Ferry passengers per year</figcaption></figure>"
        "<p>Source: Eurostat</p>" + ARTICLE_HTML), False),
    Case("attribution-closing-data-credit", AT, "text", text_page(TITLE, *PARAS, "Source: Eurostat"), False),
    Case("attribution-fact-check", AT, "html", html_page(
        "<p>Source: harbour master's annual report</p>" + ARTICLE_HTML + "<p>Share this story</p>" * 5), False),
]
MARKETING = (
    "Our platform seamlessly connects your booking system to the harbour ferry, a real game-changer for "
    "island hotels. Whether you're a small guesthouse or a large resort, the new tool saves hours every week "
    "and lets staff focus on their guests instead of on timetables and spreadsheets all day long."
)
PHRASES.append(Case("stock-marketing-copy", L, "text", text_page(TITLE, MARKETING, *PARAS), False))

CASES = COUNTERS + BREADCRUMBS + OFFTOPIC + REDATED + WIRE + PHRASES


@pytest.mark.parametrize("case", CASES, ids=[f"{c.signal}:{c.id}" for c in CASES])
def test_marker_variant(case: Case) -> None:
    m = FUNCS[case.signal](load(case))
    fired = m.value >= FIRE_AT[case.signal]
    assert fired == case.fires, f"{case.signal} = {m.value} ({m.evidence!r}) on {case.id}"
    if case.fires:
        assert m.evidence, "a firing marker names its evidence"


def test_offtopic_lists_measure_site_and_bait() -> None:
    """The same off-topic headlines weigh less as same-site links than as links to another site."""
    same = load_page(html_page(ARTICLE_HTML + link_list(OFF[12:20], "Most read")), url=URL)
    other = load_page(html_page(ARTICLE_HTML + link_list(OFF[12:20], "Most read", "https://feed.example")), url=URL)
    assert FUNCS[OT](other).value > FUNCS[OT](same).value > 0


@pytest.mark.parametrize("case", [c for c in CASES if c.fires], ids=lambda c: c.id)
def test_clean_text_of_the_variant_stays_quiet(case: Case) -> None:
    """The article paragraphs alone, as clean main text, fire none of the markers."""
    clean = load_page(text_page(TITLE, *PARAS), kind="text")
    assert FUNCS[case.signal](clean).value < FIRE_AT[case.signal]


def test_seed_fires_every_family() -> None:
    """The real seed page (.txt): counter, breadcrumb, uncredited wire, off-topic lists and the date mismatch."""
    if not SEED.is_file():
        pytest.skip("../shared/seeds not found: this test needs the shared seed page")
    measures = measure_all(load_page(SEED.read_text(encoding="utf-8")))
    for name in ("junk_reaction_counter", "junk_breadcrumb_title", "synd_wire_unattributed", "related_offtopic_lists",
                 "dates_anachronism"):
        assert measures[name].value >= FIRE_AT[name], (name, measures[name])
    assert "veryGood! (6745)" in measures["junk_reaction_counter"].evidence
    assert measures["dates_after_text"].value >= 1  # claims 2025; the lists' latest event (COP29) is 2024


def test_enough_text_counts_words_cjk_aware() -> None:
    assert enough_text(load_page(text_page(TITLE, *PARAS), kind="text"))
    assert not enough_text(load_page(text_page(TITLE, PARAS[0]), kind="text"))
    cjk = "渡轮在冬季维修后恢复运营岛上居民表示欢迎并希望夏季时刻表尽快恢复" * 4  # no spaces: 2 characters a word
    assert enough_text(load_page(text_page(TITLE, cjk), kind="text"), min_words=MIN_BODY_WORDS)
