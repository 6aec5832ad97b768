"""The surface forms of scraper markers: the many spellings, layouts and languages of each one.

Each function draws one form of one marker (a breadcrumb, a counter row, a date line, a story
list, an ad slot, ...) as text or as lxml elements. Nothing here is always the same: wording,
separators, number formats, element tags and whether a list has a heading are all drawn, so a
model trained on generated pages has to learn the idea of a marker, not one spelling of it.
:mod:`classifier.training.synthetic` decides which markers a page gets and where they go.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping, Sequence
from typing import TypeVar

import lxml.etree as etree

_T = TypeVar("_T")
_MONTHS = "January February March April May June July August September October November December".split()
_WEEKDAYS = "Mon Tue Wed Thu Fri Sat Sun".split()

_CRUMBS = {  # (prefixes, trails) per language
    "en": (("", "", "Current:", "Current: ", "You are here: ", "Location: "),
           (("Home", "News"), ("Home", "World"), ("Home", "News", "World"), ("Home", "Politics"),
            ("Home", "Entertainment"), ("Home", "Business"), ("Homepage", "Latest"), ("News",))),
    "zh": (("", "当前位置：", "您的位置：", "位置："), (("首页", "新闻"), ("首页", "时政新闻"), ("网站首页", "国际新闻"), ("首页", "资讯"))),
    "de": (("", "Sie sind hier: ", "Sie befinden sich hier: "), (("Startseite", "Nachrichten"), ("Home", "Politik"), ("Startseite", "News"))),
    "fr": (("", "Vous êtes ici : "), (("Accueil", "Actualités"), ("Accueil", "Monde"))),
    "es": (("", "Estás en: "), (("Inicio", "Noticias"), ("Portada", "Actualidad"))),
    "pl": (("", "Jesteś tutaj: "), (("Strona główna", "Wiadomości"), ("Start", "Kraj"))),
    "ru": (("", "Вы здесь: "), (("Главная", "Новости"), ("Главная", "В мире"))),
}
_CRUMB_SEPS = (" > ", ">", " » ", " / ", " › ", " | ", " → ", " >> ", " :: ", "»")

_COUNTER_WORDS = {
    "en": (("veryGood!", "good!", "wow!", "sad!", "angry!"), ("Like", "Love", "Haha", "Wow", "Sad", "Angry"),
           ("Thumbs up", "Thumbs down"), ("👍", "👎"), ("Useful", "Not useful"), ("Agree", "Disagree"),
           ("Upvote", "Downvote"), ("Helpful", "Not helpful"), ("Cool!", "Boring"), ("Interesting", "Funny")),
    "zh": (("赞", "踩"), ("顶", "踩"), ("点赞", "收藏"), ("好文", "一般")),
    "de": (("Gefällt mir", "Gefällt mir nicht"), ("Daumen hoch", "Daumen runter"), ("Hilfreich", "Nicht hilfreich")),
    "fr": (("J'aime", "Je n'aime pas"), ("Utile", "Pas utile")),
    "es": (("Me gusta", "No me gusta"), ("Útil", "No útil")),
    "pl": (("Lubię to", "Nie lubię"), ("Przydatne", "Nieprzydatne")),
    "ru": (("Нравится", "Не нравится"), ("Полезно", "Бесполезно")),
}
_COUNTER_FORMATS = ("{w} ({n})", "{w} {n}", "{w}({n})", "{n} {w}", "{w}: {n}", "{w} [{n}]", "({n}) {w}", "{w}！({n})")
_COUNTER_JOINS = (" ", "  ", " | ", " · ", "\u00a0\u00a0")

_VIEW_FORMS = {
    "en": ("View", "Views", "Views: {n}", "{n} views", "{n} Views", "Read {n} times", "Hits: {n}", "👁 {n}", "{n} reads"),
    "zh": ("浏览次数：{n}", "阅读 {n}", "点击：{n}", "浏览：{n}次", "阅读量：{n}"),
    "de": ("Aufrufe: {n}", "{n} Aufrufe", "Gelesen: {n}"),
    "fr": ("Vues : {n}", "{n} vues", "Lu {n} fois"),
    "es": ("Visitas: {n}", "{n} lecturas"),
    "pl": ("Wyświetleń: {n}", "Odsłony: {n}"),
    "ru": ("Просмотров: {n}", "{n} просмотров"),
}
_DATE_PREFIXES = {
    "en": ("Date:", "Date: ", "Posted on ", "Published: ", "Updated: ", "Published on ", "", "", "Last updated "),
    "zh": ("发布时间：", "时间：", "发表于 ", "日期：", ""),
    "de": ("Veröffentlicht am ", "Datum: ", "Stand: ", ""),
    "fr": ("Publié le ", "Mis à jour le ", ""),
    "es": ("Publicado: ", "Actualizado: ", ""),
    "pl": ("Opublikowano: ", "Data: ", ""),
    "ru": ("Опубликовано: ", "Дата: ", ""),
}
_LIST_HEADINGS = {
    "en": ("Related", "Ranking", "Recommendation", "You may also like", "Trending", "Hot News", "Popular Posts",
           "More News", "Latest", "Read also", "Top Stories", "Related posts", "Most Viewed", "Recommended for you",
           "Don't miss", "Editor's picks", "Latest posts"),
    "zh": ("相关文章", "相关阅读", "热门排行", "推荐阅读", "最新文章", "猜你喜欢", "热点推荐"),
    "de": ("Lesen Sie auch", "Weitere Nachrichten", "Das könnte Sie auch interessieren", "Meistgelesen", "Aktuell"),
    "fr": ("À lire aussi", "Les plus lus", "Dernières actualités"),
    "es": ("Te puede interesar", "Lo más leído", "Noticias relacionadas"),
    "pl": ("Czytaj także", "Najpopularniejsze", "Polecane"),
    "ru": ("Читайте также", "Популярное", "Новости по теме"),
}
_LIST_TAGS = ("h2", "h3", "h4", "div", "strong", "span", "p", "dt", "h5")

_SOURCE_LINES = {
    "en": ("Source link", "See original here", "Source: {src}", "Read more at {src}", "Source : {src}",
           "The post {title} appeared first on {src}.", "This article originally appeared on {src}.",
           "Originally published at {src}", "Via {src}", "Credit: {src}"),
    "zh": ("来源：{src}", "[转载] {src}", "文章来源：{src}", "本文转自{src}"),
    "de": ("Quelle: {src}", "Zuerst erschienen bei {src}"),
    "fr": ("Source de l'article : {src}", "Source : {src}"),
    "es": ("Fuente: {src}", "Publicado originalmente en {src}"),
    "pl": ("Źródło: {src}",),
    "ru": ("Источник: {src}",),
}
_CHATBOT = {
    "en": ("Certainly! Here is the rewritten article:", "Sure! Here is a news article based on the text:",
           "As an AI language model, I cannot verify this information.", "Here's a rewritten version of the article:",
           "I hope this helps! Let me know if you need any changes."),
    "zh": ("当然！以下是改写后的文章：", "作为一个AI语言模型，我无法核实这些信息。"),
    "de": ("Gerne! Hier ist der umgeschriebene Artikel:", "Als KI-Sprachmodell kann ich das nicht überprüfen."),
    "fr": ("Bien sûr ! Voici l'article réécrit :",),
    "es": ("¡Claro! Aquí está el artículo reescrito:",),
}
_AUTHORS = ("admin", "Staff Writer", "newsfeed", "Editor", "webmaster", "Admin", "editor1", "NewsBot", "Redaktion",
            "小编", "user", "News Desk")
_BYLINES = {
    "en": ("By {a}", "Posted by {a}", "Author: {a}", "{a}", "by {a}"),
    "zh": ("作者：{a}", "编辑：{a}", "责任编辑：{a}"),
    "de": ("Autor: {a}", "Von {a}"),
    "fr": ("Par {a}",),
    "es": ("Por {a}",),
    "pl": ("Autor: {a}",),
    "ru": ("Автор: {a}",),
}
_AD_LABELS = {
    "en": ("Advertisement", "ADVERTISEMENT", "Sponsored", "Sponsored Links", "Ad", "- Advertisement -", "Ads by Google"),
    "zh": ("广告", "推广"), "de": ("Anzeige", "Werbung"), "fr": ("Publicité",), "es": ("Publicidad",),
    "pl": ("Reklama",), "ru": ("Реклама",),
}
_AD_COPY = ("Compare the best {x} deals today", "Doctors hate this one simple {x} trick", "{x}: only £6.95 per trade",
            "Find cheap {x} near you", "Top 10 {x} of the year", "Get a free {x} quote now")
_PAGER = {
    "en": ("Next ›", "Page 1 of {k}", "1 2 3 Next »", "« Previous | Next »", "Continue to page 2", "Next Page »", "1 / {k}"),
    "zh": ("下一页", "1 2 3 下一页", "第1页 共{k}页"), "de": ("Weiter »", "Seite 1 von {k}"), "fr": ("Suivant »", "Page 1 sur {k}"),
    "es": ("Página siguiente", "Siguiente »"), "pl": ("Następna strona",), "ru": ("Следующая »",),
}
_READ_MORE = {
    "en": ("Read more", "Continue reading →", "Read the full story at {src}", "[…]", "Read More »", "(more…)"),
    "zh": ("阅读全文", "查看全文", "点击阅读原文"), "de": ("Weiterlesen", "Mehr lesen"), "fr": ("Lire la suite",),
    "es": ("Leer más", "Seguir leyendo"), "pl": ("Czytaj dalej",), "ru": ("Читать далее",),
}
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


def pick(table: Mapping[str, Sequence[_T]], lang: str, rng: random.Random) -> _T:
    """A form in the page's language (three times in four, where the table has it), else in English."""
    forms = table[lang] if lang in table and rng.random() < 0.75 else table["en"]
    return rng.choice(forms)


def guess_lang(text: str) -> str:
    """A rough guess of the language of ``text``, enough to pick the wording of markers."""
    sample = text[:2000]
    if sum("\u4e00" <= ch <= "\u9fff" for ch in sample) > len(sample) / 4:
        return "zh"
    if sum("\u0400" <= ch <= "\u04ff" for ch in sample) > len(sample) / 3:
        return "ru"
    words = set(sample.lower().split())
    for lang, cues in (("de", {"und", "der", "die", "nicht"}), ("fr", {"les", "et", "des", "une"}),
                       ("es", {"los", "el", "las", "una"}), ("pl", {"się", "jest", "nie", "oraz"})):
        if len(words & cues) >= 3:
            return lang
    return "en"


def breadcrumb(rng: random.Random, lang: str, trailing: bool) -> str:
    """A breadcrumb trail; ``trailing`` ends it with a separator (for a crumb glued to the title)."""
    sep = rng.choice(_CRUMB_SEPS)
    prefixes, trails = _CRUMBS[lang] if lang in _CRUMBS and rng.random() < 0.75 else _CRUMBS["en"]
    text = rng.choice(prefixes) + sep.join(rng.choice(trails))
    return text + (sep if trailing and rng.random() < 0.5 else "")


def counter_items(rng: random.Random, lang: str) -> list[str]:
    """One row of reaction counters: one to all of a word set, each with a count."""
    words = pick(_COUNTER_WORDS, lang, rng)
    chosen = list(words[: rng.randint(1, len(words))]) if rng.random() < 0.7 else [rng.choice(words)]
    fmt = rng.choice(_COUNTER_FORMATS)
    return [fmt.format(w=w, n=count(rng)) for w in chosen]


def counter_elements(rng: random.Random, lang: str, cls: str | None) -> list[etree._Element]:
    """Counter items laid out as one line, as spans in one element, as list items or as lines."""
    items = counter_items(rng, lang)
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


def view_count(rng: random.Random, lang: str) -> str:
    """A view counter ("View", "Views: 1,665", "浏览次数：1665")."""
    return pick(_VIEW_FORMS, lang, rng).format(n=count(rng))


def date_text(y: int, m: int, d: int, rng: random.Random, lang: str) -> str:
    """A date in one of many formats, with a prefix and sometimes a time."""
    H, M, S = rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59)
    forms = (
        f"{y}-{m:02d}-{d:02d} {H:02d}:{M:02d}:{S:02d}", f"{y}-{m:02d}-{d:02d}", f"{_MONTHS[m - 1]} {d}, {y}",
        f"{d:02d}.{m:02d}.{y}", f"{y}/{m:02d}/{d:02d} {H:02d}:{M:02d}", f"{d} {_MONTHS[m - 1][:3]} {y} {H:02d}:{M:02d}",
        f"{y}年{m:02d}月{d:02d}日", f"{y}年{m}月{d}日 {H:02d}:{M:02d}", f"{_WEEKDAYS[(d + m) % 7]}, {d} {_MONTHS[m - 1][:3]} {y}",
        f"{m:02d}/{d:02d}/{y}", f"{d}/{m}/{y}", f"{_MONTHS[m - 1][:3]}. {d}, {y} at {H % 12 + 1}:{M:02d} {'am' if H < 12 else 'pm'}",
    )
    return pick(_DATE_PREFIXES, lang, rng) + rng.choice(forms)


def story_list(headlines: Sequence[str], rng: random.Random, lang: str, cls: str | None) -> list[etree._Element]:
    """An off-topic list of other stories: heading or none, links or bare lines, dated or not."""
    k = min(len(headlines), rng.randint(4, 15))
    items = rng.sample(list(headlines), k=k)
    out: list[etree._Element] = []
    if rng.random() < 0.8:
        out.append(element(rng.choice(_LIST_TAGS), pick(_LIST_HEADINGS, lang, rng), cls))
    layout = rng.choice(("ul", "ol", "divs", "lines", "ps"))
    suffix = rng.choice(("", "", "", " {d}", "{d}", " ({d})"))
    style, year = rng.randrange(5), rng.randint(2008, 2025)
    box = element({"ul": "ul", "ol": "ol"}.get(layout, "div"), None, cls)
    for text in items:
        label = text + suffix.format(d=_list_date(rng, style, year)) if suffix else text
        wrap = etree.SubElement(box, "li" if layout in ("ul", "ol") else ("p" if layout == "ps" else "div"))
        if layout == "lines":
            wrap.text = label
            continue
        a = etree.SubElement(wrap, "a", href="/" + re.sub(r"\W+", "-", text.lower()).strip("-")[:50] + rng.choice(("", ".html", "/")))
        a.text = label
    out.append(box)
    return out


def _list_date(rng: random.Random, style: int, year: int) -> str:
    """A short date as story lists print it: one ``style`` per list, days around one ``year``."""
    y, m, d = year - int(rng.random() < 0.2), rng.randint(1, 12), rng.randint(1, 28)
    forms = (f"{y}年{m:02d}月{d:02d}日", f"{m:02d}-{d:02d}", f"{y}-{m:02d}-{d:02d}", f"{d} {_MONTHS[m - 1][:3]}",
             f"{rng.randint(2, 23)} hours ago")
    return forms[style]


def source_line(rng: random.Random, lang: str, src: str, title: str) -> str:
    """A "source"/"appeared first on" line naming where the copy came from."""
    return pick(_SOURCE_LINES, lang, rng).format(src=src, title=title)


def chatbot_line(rng: random.Random, lang: str) -> str:
    """A leaked chatbot preamble or closing."""
    return pick(_CHATBOT, lang, rng)


def byline(rng: random.Random, lang: str) -> tuple[str, str]:
    """A placeholder author and the visible byline naming them."""
    author = rng.choice(_AUTHORS)
    return author, pick(_BYLINES, lang, rng).format(a=author)


def ad_slot(rng: random.Random, lang: str, cls: str | None) -> etree._Element:
    """An ad slot: a label alone, or a label with a few lines of ad copy."""
    slot = element(rng.choice(("div", "aside", "ins", "span", "p")), pick(_AD_LABELS, lang, rng), cls)
    if rng.random() < 0.3:
        for _ in range(rng.randint(1, 3)):
            line = etree.SubElement(slot, "a", href=f"https://ads.example/{rng.randint(1, 10**6)}")
            line.text = rng.choice(_AD_COPY).format(x=rng.choice(("loan", "insurance", "broker", "diet", "hotel", "car")))
    return slot


def pager(rng: random.Random, lang: str) -> str:
    """A pagination line of a page split to show more ads."""
    return pick(_PAGER, lang, rng).format(k=rng.randint(2, 9))


def read_more(rng: random.Random, lang: str, src: str) -> str:
    """The link text closing an excerpt."""
    return pick(_READ_MORE, lang, rng).format(src=src)


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
