"""Typed constants of crawl mode: signature shape, LSH banding, thresholds and the score rule."""

from __future__ import annotations

from typing import Final

#: MinHash permutations per signature (rensa ``RMinHash``: 4 bytes each, 512 bytes a signature).
NUM_PERM: Final = 128
#: LSH banding: BANDS bands of ROWS values each (BANDS * ROWS <= NUM_PERM). A pair with Jaccard s
#: becomes a candidate with probability 1 - (1 - s**ROWS)**BANDS: 0.87 at s=0.5, 0.99 at s=0.6.
BANDS: Final = 32
ROWS: Final = 4
#: Seed of the MinHash permutations; signatures made with another seed are not comparable.
SEED: Final = 1
#: Words per shingle (for scripts without spaces a "word" is one character).
SHINGLE: Final = 5
#: Bodies with fewer word tokens than this, or fewer distinct shingles, get no signature.
MIN_TOKENS: Final = 40
MIN_SHINGLES: Final = 20
#: Only the first MAX_TOKENS tokens of a body are signed (a 5 MB body costs as much as a long article).
MAX_TOKENS: Final = 20_000
#: Estimated Jaccard similarity of shingle sets from which two bodies count as copies. On the corpus,
#: unrelated pages that share only consent or network boilerplate in their extracted bodies reach
#: 0.50-0.51 (techmonitor.ai / soundcloud.com, two stackexchange sites, two Conde Nast error pages).
SIMILARITY: Final = 0.6
#: Most link targets and credit lines kept per page for naming the original.
MAX_LINK_SITES: Final = 300
MAX_CREDIT_LINES: Final = 20

#: The score rule: an uncredited copy adds up to COPY_LOGIT to the page's log-odds of low quality,
#: scaled by the body similarity and by how clearly the other page is the original: nothing at a
#: ranking margin of MIN_MARGIN points or less (one byline decides nothing), all of it from
#: FULL_MARGIN. Credited copies and originals keep their page score.
COPY_LOGIT: Final = 3.0
MIN_MARGIN: Final = 1.0
FULL_MARGIN: Final = 3.0

#: Sites of wire agencies: a copy there is the agency's own publication.
WIRE_SITES: Final = frozenset({
    "apnews.com", "ap.org", "reuters.com", "afp.com", "dpa.de", "dpa.com", "upi.com", "xinhuanet.com", "news.cn",
    "bloomberg.com", "kyodonews.net", "jiji.com", "efe.com", "ansa.it", "tass.com", "tass.ru", "pap.pl", "ians.in",
    "ptinews.com", "aninews.in", "chinanews.com", "chinanews.com.cn",
})
#: Wire agencies by the names a credit uses (lower-cased; matched on word boundaries).
WIRE_CREDITS: Final = {
    "associated press": "Associated Press", "(ap)": "Associated Press", "ap photo": "Associated Press",
    "reuters": "Reuters", "agence france-presse": "AFP", "(afp)": "AFP", "afp photo": "AFP",
    "deutsche presse-agentur": "dpa", "(dpa)": "dpa", "xinhua": "Xinhua", "新华社": "Xinhua", "新華社": "Xinhua",
    "中新社": "China News Service", "中新网": "China News Service", "共同通信": "Kyodo", "kyodo": "Kyodo",
    "時事通信": "Jiji", "jiji press": "Jiji", "press association": "Press Association", "(pa)": "Press Association",
    "united press international": "UPI", "(upi)": "UPI", "bloomberg": "Bloomberg", "efe": "EFE", "ansa": "ANSA",
    "press trust of india": "PTI", "(pti)": "PTI", "(ians)": "IANS", "agencia efe": "EFE", "(apa)": "APA",
    "the canadian press": "The Canadian Press", "(cp)": "The Canadian Press", "leta": "LETA", "bns": "BNS",
    "interfax": "Interfax", "интерфакс": "Interfax", "риа новости": "RIA Novosti", "ria novosti": "RIA Novosti",
    "итар-тасс": "TASS", "тасс": "TASS", "europa press": "Europa Press", "yonhap": "Yonhap", "연합뉴스": "Yonhap",
    "bernama": "Bernama", "antara": "Antara", "中央社": "CNA", "central news agency": "CNA", "kyodo news": "Kyodo",
    "australian associated press": "AAP", "(aap)": "AAP", "(sda)": "SDA", "(kna)": "KNA", "(epd)": "epd",
    "(anp)": "ANP", "belga": "Belga", "(ansa)": "ANSA", "agência brasil": "Agência Brasil", "notimex": "Notimex",
}
#: Words that make a short line a credit line ("Source: …", "Originally published at …", "© …").
CREDIT_HINTS: Final = (
    "source", "quelle", "fuente", "fonte", "via ", "originally", "appeared", "courtesy", "copyright", "©",
    "credit", "reprinted", "republished", "syndicated", "published by", "published in", "published on",
    "mit freundlicher", "来源", "出典", "提供", "转载", "（", "(",
)
