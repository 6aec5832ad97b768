"""Leaked phrases, found in one pass: chatbot leftovers, spinner artefacts, stock filler, template slots.

The families are alternatives of two compiled regexes with a named group per family: one for the
whole page (chatbot leftovers, template slots), one for the article body (spinner artefacts, stock
filler). Each runs only on the lines that hold one of its literal anchors, over lower-cased text
(several times faster than ``re.I``); each signal then reads its family's hits from a one-page memo.
"""

from __future__ import annotations

import re
import threading
from collections import defaultdict

from ..page.page import Page
from ..page.textstats import lines_with

#: Phrases that leak from chatbot output into published text ("As an AI language model…").
CHATBOT = (
    r"as an ai (?:language )?model|as a(?:n ai| large) language model|i(?: a|')m (?:just )?an ai\b|"
    r"i (?:cannot|can ?not|can't|am unable to|don't have the ability to) (?:browse|access|search) "
    r"(?:the )?(?:internet|web|real-time)|my (?:knowledge|training)(?: data)? cut-?off|"
    r"(?:certainly|absolutely)! (?:here|below)(?:'s| is| are)|"
    r"(?:sure|of course|certainly|absolutely)[!,.] (?:here|below)(?:'s| is| are) (?:a |an |the |your )?"
    r"(?:rewritten|revised|article|news|summary|version|blog|seo|paraphrased|\d+)|"
    r"here(?:'s| is) (?:the|a|your) (?:rewritten|paraphrased|revised|seo-optimized) (?:article|version|text|content)|"
    r"please provide (?:the|me with the) (?:text|article|content|original)|regenerate (?:response|draft)|"
    r"let me know if you(?: would|'d) like me to (?:make|adjust|revise|expand|rewrite|change)|"
    r"as of my last (?:knowledge )?update|i don't have (?:real-time|personal) (?:information|data|opinions)|"
    r"i hope this (?:article|rewrite|rewritten|version|summary) (?:meets|helps|fits|suits)|"
    # the same preambles in other languages ("Bien sûr ! Voici", "¡Claro! Aquí tienes", "当然！以下是")
    # (each names what it hands over: an article, a text, a version, a summary)
    r"(?:bien sûr|certainement|absolument)\s?! voici (?:un |une |l'|le |la |votre )?"
    r"(?:article|texte|version|résumé|réécriture)|"
    r"(?:¡?claro|¡?por supuesto)[!,.]? aquí (?:tienes|está|va) (?:un |una |el |la |tu )?(?:artículo|texto|versión|resumen)|"
    r"(?:natürlich|selbstverständlich|gerne)! hier (?:ist|sind|kommt) (?:ein |eine |der |die |das |dein |ihr )?"
    r"(?:artikel|text|version|zusammenfassung|überarbeitete)|"
    r"(?:конечно|разумеется)[!,.] вот (?:статья|текст|переписанн|верси|кратк)|"
    r"当然[！!，,]\s*(?:以下是|这是)[^。\n]{0,12}(?:文章|新闻|版本|改写)|もちろん(?:です)?[！!。、]\s*以下|"
    r"ご依頼(?:いただいた|の)記事"
)
#: Synonym-swap artefacts of article spinners ("synthetic intelligence" for artificial intelligence).
SPUN = (
    r"synthetic intelligence|profound studying|laptop imaginative and prescient|giant information|"
    r"the us of america|coronavirus illness|well being care|social media platforms like fb|"
    r"regulation enforcement officers mentioned|stated in a press release|mentioned in an announcement|"
    r"in line with the (?:report|police|firm|firm's|assertion|survey)|the (?:firm|agency) mentioned in a|"
    r"pc imaginative and prescient|info expertise|man-made brainpower|counterfeit consciousness|"
    # "tortured phrases" of paraphrasing tools, as catalogued in published papers (Cabanac, Labbé and
    # Magazinov 2021): deep learning, big data, neural network, random forest, signal to noise, ...
    r"profound learning|profound neural|(?:colossal|enormous) information|neural community|"
    r"irregular woodland|arbitrary woodland|flag to commotion|bosom malignant growth|man-made consciousness|"
    r"machine studying|deep studying|web of issues|local weather change"
)
#: Unfilled slots of page generators ("{{title}}", "%%BODY%%", "[insert keyword]", "lorem ipsum dolor").
TEMPLATE = (
    r"\{\{\s*(?:post_?|article_?|page_?|site_?|item_?)?(?:title|body|content|keyword|keywords|author|date|"
    r"description|excerpt|summary|headline|city|product|company|name|text|category|tags?|url|link|image)"
    r"\s*\}\}|%%[a-z_]{2,30}%%|\[\s*(?:insert|enter|add your|your) [a-z ]{2,30}(?:here)?\s*\]|"
    r"\[(?:keyword|keywords|product name|company name|city name|brand|business name|main keyword)\]|"
    r"lorem ipsum dolor|\$\{(?:title|body|content|keyword|author|date)\}"
)
#: Stock phrases of machine-written filler text: one is normal, a cluster is not.
STOCK = (
    r"delve[sd]? into|in today's (?:fast-paced|digital|ever-)|it(?:'s| is) (?:important|worth) (?:to note|noting)|"
    r"in conclusion,|plays? a (?:crucial|pivotal|vital) role|a testament to|navigat(?:e|ing) the complex|"
    r"ever-evolving|rich tapestry|unlock(?:ing)? the (?:potential|power)|embark(?:ing)? on a journey|"
    r"harness(?:ing)? the power|in the realm of|foster(?:ing)? a sense|ever-changing landscape|"
    r"whether you(?:'re| are) a (?:seasoned|beginner|novice)"
)
FAMILIES = {"chatbot": CHATBOT, "spun": SPUN, "template": TEMPLATE, "stock": STOCK}
#: Families matched anywhere on the page, and families matched in the article body only (spinners and
#: filler rewrite prose): one combined regex for each.
PAGE_FAMILIES = ("chatbot", "template")
BODY_FAMILIES = ("spun", "stock")
PAGE_PHRASES = re.compile("|".join(f"(?P<{name}>{FAMILIES[name]})" for name in PAGE_FAMILIES))
BODY_PHRASES = re.compile("|".join(f"(?P<{name}>{FAMILIES[name]})" for name in BODY_FAMILIES))
#: Literal anchors: every match of :data:`PAGE_PHRASES` contains one, so the regex runs only on lines holding one.
PAGE_ANCHORS = (
    # chatbot
    "as an ai", "as a large language", " an ai", "internet", "the web", "access web", "search web", "browse web",
    "real-time", "cutoff", "cut-off", "certainly! here", "absolutely! here", "sure! here", "sure, here", "sure. here",
    "course! here", "course, here", "course. here", "certainly, here", "certainly. here", "absolutely, here",
    "absolutely. here", "! below", ", below", ". below", "rewritten", "paraphrased", "revised", "seo-optimized",
    "please provide", "regenerate", "let me know if you", "as of my last", "i don't have", "i hope this", "bien sûr",
    "certainement", "absolument", "claro", "por supuesto", "natürlich!", "selbstverständlich!", "gerne!", "конечно",
    "разумеется", "当然", "もちろん", "ご依頼",
    # template
    "{{", "%%", "[insert", "[ insert", "[enter", "[ enter", "[add your", "[ add your", "[your", "[ your", "[keyword",
    "[product name", "[company name", "[city name", "[brand]", "[business name", "[main keyword", "lorem ipsum dolor",
    "${",
)
#: The same for :data:`BODY_PHRASES`, searched in the (shorter) body text only.
BODY_ANCHORS = (
    # spun
    "synthetic intelligence", "profound studying", "imaginative and prescient", "giant information", "the us of america",
    "profound learning", "profound neural", "colossal information", "enormous information",
    "neural community", "irregular woodland", "arbitrary woodland", "flag to commotion",
    "bosom malignant", "man-made consciousness", "machine studying", "deep studying", "web of issues",
    "local weather change",
    "coronavirus illness", "well being care", "platforms like fb", "officers mentioned", "stated in a press release",
    "mentioned in an announcement", "in line with the", "mentioned in a", "info expertise", "man-made brainpower",
    "counterfeit consciousness",
    # stock
    "delve", "in today's", "important to note", "worth noting", "in conclusion,", "crucial role", "pivotal role",
    "vital role", "a testament to", "navigat", "ever-evolving", "rich tapestry", "unlock", "embark", "harness",
    "in the realm of", "foster", "ever-changing landscape", "whether you",
)

_memo = threading.local()


def phrase_hits(page: Page) -> dict[str, list[str]]:
    """Family -> matched phrases on ``page`` (computed once per page)."""
    if getattr(_memo, "page", None) is not page:
        _memo.value = _scan(page)
        _memo.page = page
    hits: dict[str, list[str]] = _memo.value
    return hits


def _scan(page: Page) -> dict[str, list[str]]:
    """Run each combined regex over the lines that hold one of its anchors (page text, then body text)."""
    out: dict[str, list[str]] = defaultdict(list)
    page_text = (page.title + "\n" + page.visible_text).lower().replace("\u2019", "'")
    body_text = page.body_lower.replace("\u2019", "'")
    for pattern, text, anchors in ((PAGE_PHRASES, page_text, PAGE_ANCHORS), (BODY_PHRASES, body_text, BODY_ANCHORS)):
        for line in lines_with(text, anchors):
            for m in pattern.finditer(line):
                out[m.lastgroup or ""].append(m.group(0))
    return out
