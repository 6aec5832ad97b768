"""Word tokens, shared by the page model, layout rules and signals."""

from __future__ import annotations

import re

_WORD = re.compile(r"\w+", re.U)
#: The characters that :func:`_is_cjk` counts.
_CJK = re.compile("[\u3040-\u9fff\uac00-\ud7af]")


def words(text: str) -> list[str]:
    """Word tokens of ``text`` (CJK runs count as one token per two characters)."""
    tokens = _WORD.findall(text)
    if text.isascii() or not _CJK.search(text):  # no CJK character: no token to split (one C scan)
        return tokens
    out: list[str] = []
    for tok in tokens:
        if len(tok) > 6 and not tok.isascii() and _is_cjk(tok):
            out.extend(tok[i : i + 2] for i in range(0, len(tok), 2))
        else:
            out.append(tok)
    return out


def _is_cjk(token: str) -> bool:
    """True when the token is mostly Chinese, Japanese or Korean script."""
    cjk = sum(1 for ch in token if "\u3040" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af")
    return cjk * 2 > len(token)
