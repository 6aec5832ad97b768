"""The surface forms of scraper markers: the many spellings, layouts and languages of each one.

Each function draws one form of one marker (a breadcrumb, a counter row, a date line, a story
list, an ad slot, ...) as text or as lxml elements. Nothing here is always the same: wording,
separators, number formats, element tags and whether a list has a heading are all drawn, so a
model trained on generated pages has to learn the idea of a marker, not one spelling of it.
:mod:`classifier.synthetic` decides which markers a page gets and where they go.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence

import lxml.etree as etree

_MONTHS = "January February March April May June July August September October November December".split()
_WEEKDAYS = "Mon Tue Wed Thu Fri Sat Sun".split()

_CRUMB_PREFIXES = ("", "", "Current:", "Current: ", "You are here: ", "Location: ", "当前位置：", "您的位置：",
                   "Sie sind hier: ", "Vous êtes ici : ", "Estás en: ", "Jesteś tutaj: ", "")
_CRUMB_PATHS = (("Home", "News"), ("Home", "World"), ("Home", "News", "World"), ("Home", "Politics"),
                ("Home", "Entertainment"), ("Home", "Business"), ("Homepage", "Latest"), ("首页", "新闻"),
                ("首页", "时政新闻"), ("网站首页", "国际新闻"), ("Startseite", "Nachrichten"), ("Accueil", "Actualités"),
                ("Inicio", "Noticias"), ("Strona główna", "Wiadomości"), ("Главная", "Новости"), ("News",))
_CRUMB_SEPS = (" > ", ">", " » ", " / ", " › ", " | ", " → ", " >> ", " :: ", "»")

_COUNTER_WORDS = (
    ("veryGood!", "good!", "wow!", "sad!", "angry!"), ("Like", "Love", "Haha", "Wow", "Sad", "Angry"),
    ("Thumbs up", "Thumbs down"), ("👍", "👎"), ("Useful", "Not useful"), ("Agree", "Disagree"),
    ("Upvote", "Downvote"), ("Helpful", "Not helpful"), ("赞", "踩"), ("顶", "踩"), ("点赞", "收藏"),
    ("Gefällt mir", "Gefällt mir nicht"), ("J'aime", "Je n'aime pas"), ("Me gusta", "No me gusta"),
    ("Нравится", "Не нравится"), ("Lubię to", "Nie lubię"), ("Cool!", "Boring"), ("Interesting", "Funny"),
)
_COUNTER_FORMATS = ("{w} ({n})", "{w} {n}", "{w}({n})", "{n} {w}", "{w}: {n}", "{w} [{n}]", "({n}) {w}", "{w}！({n})")
_COUNTER_JOINS = (" ", "  ", " | ", " · ", "\u00a0\u00a0")

_VIEW_FORMS = ("View", "Views", "Views: {n}", "{n} views", "{n} Views", "浏览次数：{n}", "阅读 {n}", "Read {n} times",
               "Aufrufe: {n}", "Hits: {n}", "点击：{n}", "👁 {n}", "Просмотров: {n}", "{n} reads", "Vues : {n}")

_DATE_PREFIXES = ("Date:", "Date: ", "Posted on ", "Published: ", "Updated: ", "Published on ", "发布时间：", "时间：",
                  "Veröffentlicht am ", "Publié le ", "Publicado: ", "Opublikowano: ", "Опубликовано: ", "", "", "")

_LIST_HEADINGS = (
    "Related", "Ranking", "Recommendation", "You may also like", "Trending", "Hot News", "Popular Posts",
    "More News", "Latest", "Read also", "Top Stories", "Related posts", "Most Viewed", "Recommended for you",
    "Don't miss", "Editor's picks", "相关文章", "相关阅读", "热门排行", "推荐阅读", "最新文章", "Lesen Sie auch",
    "Weitere Nachrichten", "À lire aussi", "Te puede interesar", "Czytaj także", "Читайте также", "Latest posts",
)
_LIST_TAGS = ("h2", "h3", "h4", "div", "strong", "span", "p", "dt", "h5")

_SOURCE_LINES = (
    "Source link", "See original here", "Source: {src}", "Read more at {src}", "Source : {src}",
    "The post {title} appeared first on {src}.", "This article originally appeared on {src}.",
    "Originally published at {src}", "来源：{src}", "Quelle: {src}", "Fuente: {src}", "Via {src}", "[转载] {src}",
    "Źródło: {src}", "Источник: {src}", "Source de l'article : {src}", "Credit: {src}",
)
_CHATBOT = (
    "Certainly! Here is the rewritten article:", "Sure! Here is a news article based on the text:",
    "As an AI language model, I cannot verify this information.", "Here's a rewritten version of the article:",
    "当然！以下是改写后的文章：", "Gerne! Hier ist der umgeschriebene Artikel:", "Bien sûr ! Voici l'article réécrit :",
    "I hope this helps! Let me know if you need any changes.",
)
_AUTHORS = ("admin", "Staff Writer", "newsfeed", "Editor", "webmaster", "Admin", "editor1", "NewsBot", "Redaktion",
            "小编", "user", "News Desk")
_BYLINES = ("By {a}", "Posted by {a}", "Author: {a}", "作者：{a}", "Autor: {a}", "{a}", "by {a}", "Par {a}", "编辑：{a}")
_AD_LABELS = ("Advertisement", "ADVERTISEMENT", "Sponsored", "Sponsored Links", "Ad", "广告", "Anzeige", "Publicité",
              "Publicidad", "Reklama", "Werbung", "Реклама", "- Advertisement -", "Ads by Google")
_AD_COPY = ("Compare the best {x} deals today", "Doctors hate this one simple {x} trick", "{x}: only £6.95 per trade",
            "Find cheap {x} near you", "Top 10 {x} of the year", "Get a free {x} quote now")
_PAGER = ("Next ›", "Page 1 of {k}", "1 2 3 Next »", "下一页", "Weiter »", "« Previous | Next »", "Continue to page 2",
          "Next Page »", "Página siguiente", "1 / {k}", "Suivant »")
_READ_MORE = ("Read more", "Continue reading →", "Read the full story at {src}", "阅读全文", "Weiterlesen", "[…]",
              "Read More »", "Lire la suite", "Leer más", "Czytaj dalej", "Читать далее", "(more…)")
_LLM_OPENERS = (
    "In today's fast-paced world, ", "It's important to note that ", "In conclusion, ", "Notably, ",
    "As we delve into the details, ", "This serves as a testament to the fact that ", "Moreover, ",
)
_WIRES = {"en": ("(AP) — ", "(Reuters) - ", "(AFP) — ", "(AP) -- "), "de": ("(dpa) - ", "(AFP) - "),
          "fr": ("(AFP) - ",), "zh": ("新华社电 ",), "es": ("(EFE) - ", "(AFP) - ")}
_CITIES = ("NEW YORK", "WASHINGTON", "LONDON", "PARIS", "BERLIN", "BEIJING", "TOKYO", "MOSCOW", "MADRID", "SYDNEY")
_CREDIT = re.compile(r"Associated Press|\bReuters\b|\bAFP\b|\bdpa\b|Xinhua|新华社|Agence France|Editing by|"
                     r"Reporting by|contributed to this report|Copyright|©", re.I)
_BRANDS_A = "daily news world today global usa metro city info hub wire post times star prime fresh top".split()
_BRANDS_B = "Link Asset Press Feed Buzz Report Wire Journal Digest Insider Beat Point Now Spot Media".split()
_TLDS = ("com", "net", "org", "info", "news", "co", "us", "online", "xyz", "cn", "top")


def fake_site(rng: random.Random) -> tuple[str, str]:
    """A made-up scraper brand and its domain."""
    brand = rng.choice(_BRANDS_A).title() + rng.choice(_BRANDS_B)
    domain = re.sub(r"\W", "", brand.lower()) + rng.choice(("", "24", "hub", "-news", "now")) + "." + rng.choice(_TLDS)
    return brand, domain


def count(rng: random.Random) -> str:
    """A counter value: plain, with a thousands separator, or abbreviated."""
    n = int(10 ** rng.uniform(0.5, 4.5))
    return rng.choice((str(n), f"{n:,}", f"{n / 1000:.1f}k" if n > 1000 else str(n)))


def element(tag: str, text: str | None = None, cls: str | None = None, **attrs: str) -> etree._Element:
    """A new element with ``text`` and, when given, a class borrowed from the host page."""
    el = etree.Element(tag, **attrs)
    if cls:
        el.set("class", cls)
    el.text = text
    return el


def breadcrumb(rng: random.Random, trailing: bool) -> str:
    """A breadcrumb trail; ``trailing`` ends it with a separator (for a crumb glued to the title)."""
    sep = rng.choice(_CRUMB_SEPS)
    text = rng.choice(_CRUMB_PREFIXES) + sep.join(rng.choice(_CRUMB_PATHS))
    return text + (sep if trailing and rng.random() < 0.5 else "")


def counter_items(rng: random.Random) -> list[str]:
    """One row of reaction counters: one to all of a word set, each with a count."""
    words = rng.choice(_COUNTER_WORDS)
    chosen = list(words[: rng.randint(1, len(words))]) if rng.random() < 0.7 else [rng.choice(words)]
    fmt = rng.choice(_COUNTER_FORMATS)
    return [fmt.format(w=w, n=count(rng)) for w in chosen]


def counter_elements(rng: random.Random, cls: str | None) -> list[etree._Element]:
    """Counter items laid out as one line, as spans in one element, as list items or as lines."""
    items = counter_items(rng)
    layout = rng.choice(("line", "spans", "list", "lines"))
    if layout == "line" or len(items) == 1:
        return [element(rng.choice(("div", "p", "span")), rng.choice(_COUNTER_JOINS).join(items), cls)]
    if layout == "lines":
        return [element("div", item, cls) for item in items]
    outer = element("ul" if layout == "list" else "div", None, cls)
    for item in items:
        child = etree.SubElement(outer, "li" if layout == "list" else rng.choice(("span", "a", "button")))
        child.text = item
        child.tail = " " if layout == "spans" else None
    return [outer]


def view_count(rng: random.Random) -> str:
    """A view counter ("View", "Views: 1,665", "浏览次数：1665")."""
    return rng.choice(_VIEW_FORMS).format(n=count(rng))


def date_text(y: int, m: int, d: int, rng: random.Random) -> str:
    """A date in one of many formats, with a prefix and sometimes a time."""
    H, M, S = rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59)
    forms = (
        f"{y}-{m:02d}-{d:02d} {H:02d}:{M:02d}:{S:02d}", f"{y}-{m:02d}-{d:02d}", f"{_MONTHS[m - 1]} {d}, {y}",
        f"{d:02d}.{m:02d}.{y}", f"{y}/{m:02d}/{d:02d} {H:02d}:{M:02d}", f"{d} {_MONTHS[m - 1][:3]} {y} {H:02d}:{M:02d}",
        f"{y}年{m:02d}月{d:02d}日", f"{y}年{m}月{d}日 {H:02d}:{M:02d}", f"{_WEEKDAYS[(d + m) % 7]}, {d} {_MONTHS[m - 1][:3]} {y}",
        f"{m:02d}/{d:02d}/{y}", f"{d}/{m}/{y}", f"{_MONTHS[m - 1][:3]}. {d}, {y} at {H % 12 + 1}:{M:02d} {'am' if H < 12 else 'pm'}",
    )
    return rng.choice(_DATE_PREFIXES) + rng.choice(forms)


def story_list(headlines: Sequence[str], rng: random.Random, cls: str | None) -> list[etree._Element]:
    """An off-topic list of other stories: heading or none, links or bare lines, dated or not."""
    k = min(len(headlines), rng.randint(4, 15))
    items = rng.sample(list(headlines), k=k)
    out: list[etree._Element] = []
    if rng.random() < 0.8:
        out.append(element(rng.choice(_LIST_TAGS), rng.choice(_LIST_HEADINGS), cls))
    layout = rng.choice(("ul", "ol", "divs", "lines", "ps"))
    suffix = rng.choice(("", "", "", " {d}", "{d}", " ({d})"))
    box = element({"ul": "ul", "ol": "ol"}.get(layout, "div"), None, cls)
    for text in items:
        label = text + suffix.format(d=_list_date(rng)) if suffix else text
        wrap = etree.SubElement(box, "li" if layout in ("ul", "ol") else ("p" if layout == "ps" else "div"))
        if layout == "lines":
            wrap.text = label
            continue
        a = etree.SubElement(wrap, "a", href="/" + re.sub(r"\W+", "-", text.lower()).strip("-")[:50] + rng.choice(("", ".html", "/")))
        a.text = label
    out.append(box)
    return out


def _list_date(rng: random.Random) -> str:
    """A short date as story lists print it."""
    y, m, d = rng.randint(2008, 2025), rng.randint(1, 12), rng.randint(1, 28)
    return rng.choice((f"{y}年{m:02d}月{d:02d}日", f"{m:02d}-{d:02d}", f"{y}-{m:02d}-{d:02d}", f"{d} {_MONTHS[m - 1][:3]}",
                       f"{rng.randint(2, 23)} hours ago"))


def source_line(rng: random.Random, src: str, title: str) -> str:
    """A "source"/"appeared first on" line naming where the copy came from."""
    return rng.choice(_SOURCE_LINES).format(src=src, title=title)


def chatbot_line(rng: random.Random) -> str:
    """A leaked chatbot preamble or closing."""
    return rng.choice(_CHATBOT)


def byline(rng: random.Random) -> tuple[str, str]:
    """A placeholder author and the visible byline naming them."""
    author = rng.choice(_AUTHORS)
    return author, rng.choice(_BYLINES).format(a=author)


def ad_slot(rng: random.Random, cls: str | None) -> etree._Element:
    """An ad slot: a label alone, or a label with a few lines of ad copy."""
    slot = element(rng.choice(("div", "aside", "ins", "span", "p")), rng.choice(_AD_LABELS), cls)
    if rng.random() < 0.3:
        for _ in range(rng.randint(1, 3)):
            line = etree.SubElement(slot, "a", href=f"https://ads.example/{rng.randint(1, 10**6)}")
            line.text = rng.choice(_AD_COPY).format(x=rng.choice(("loan", "insurance", "broker", "diet", "hotel", "car")))
    return slot


def pager(rng: random.Random) -> str:
    """A pagination line of a page split to show more ads."""
    return rng.choice(_PAGER).format(k=rng.randint(2, 9))


def read_more(rng: random.Random, src: str) -> str:
    """The link text closing an excerpt."""
    return rng.choice(_READ_MORE).format(src=src)


def llm_opener(rng: random.Random) -> str:
    """A stock opener of machine-rewritten text."""
    return rng.choice(_LLM_OPENERS)


def wire_dateline(rng: random.Random, lang: str) -> str:
    """A wire dateline in the agency style of ``lang`` ("WASHINGTON (AP) — ")."""
    tag = rng.choice(_WIRES.get(lang, _WIRES["en"]))
    return tag if lang == "zh" else f"{rng.choice(_CITIES)} {tag}"


def is_credit(text: str) -> bool:
    """True for a short line that credits a wire agency or a copyright holder."""
    return len(text) < 300 and bool(_CREDIT.search(text))


def has_dateline(text: str) -> bool:
    """True when ``text`` opens with a wire dateline ("CITY (AP) —")."""
    return bool(re.match(r"^[A-ZÀ-Þ ,.'-]{2,40}\s*\((AP|Reuters|AFP|dpa|EFE)\)", text)) or text.startswith("新华社")
