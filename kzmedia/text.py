"""Offset-preserving text normalisation and the tokenizer's regular expression.

Matching never looks at the raw text: it looks at each token's *folded* form. Folding happens per
token, so the token keeps its exact ``start``/``end`` in the original text while its folded form
ignores case, ``ё``/``е``, soft hyphens, zero-width characters, stress marks and Latin look-alike
letters hidden inside Cyrillic words ("Kaзахстан" with a Latin K).
"""

from __future__ import annotations

import re
from itertools import compress

# Characters that may sit inside a word without being part of it.
INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
# Combining marks: stress accents (´ U+0301) are common in Russian teaching and news texts.
COMBINING = "\u0300-\u036f"
HYPHENS = "-\u2010\u2011"
APOSTROPHES = "'\u2019"

_INSIDE = rf"[{INVISIBLE}{COMBINING}]"
# letters and digits with invisible marks inside; written as runs ("unrolled": word chars, then
# marks-and-word-chars) rather than a per-character alternation, which re scans a third faster
_WORD_BODY = rf"[^\W_]+(?:{_INSIDE}+[^\W_]*)*"
WORD_PATTERN = rf"{_WORD_BODY}(?:[{HYPHENS}{APOSTROPHES}]{_WORD_BODY})*"
# A token is a word (letters/digits, joined by inner hyphens) or any single other visible character.
TOKEN_RE = re.compile(rf"{WORD_PATTERN}|[^\s{INVISIBLE}]")

_DROP = {ord(c): None for c in INVISIBLE} | {c: None for c in range(0x300, 0x370)}
_LATIN_LOOKALIKES = str.maketrans(
    "aceopxykmthbABCEHKMOPTXY",
    "асеорхукмтнвАВСЕНКМОРТХУ",
)
_DASHES = {"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-",
           "\u2014": "-", "\u2015": "-", "\u2212": "-", "\u2019": "'"}
# str.translate looks every character up in a dict; a search in C that usually finds nothing, and
# str.replace per dash variant, do the same work several times faster on a batch of word forms
_INVISIBLE_RE = re.compile(f"[{INVISIBLE}{COMBINING}]")
_HAS_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_HAS_LATIN = re.compile(r"[A-Za-z]")

#: token kinds, stored compactly as small integers in the token columns
WORD, NUMBER, PUNCT = 0, 1, 2
KIND_NAMES = ("word", "number", "punct")


def fold(surface: str) -> str:
    """Return the matching form of one token: lower case, ``ё``→``е``, invisible marks dropped,
    Latin look-alikes replaced inside Cyrillic words, dash variants unified.

    >>> fold("Kaзахстан")
    'казахстан'
    >>> fold("ЁЛКА")
    'елка'
    """
    s = surface.translate(_DROP)
    if _HAS_LATIN.search(s) and _HAS_CYRILLIC.search(s):
        s = s.translate(_LATIN_LOOKALIKES)
    return _unify_dashes(s.lower().replace("ё", "е"))


def _unify_dashes(s: str) -> str:
    for dash, plain in _DASHES.items():
        if dash in s:
            s = s.replace(dash, plain)
    return s


def fold_many(surfaces: list[str]) -> list[str]:
    """:func:`fold` for many tokens at once: one pass of each string operation over all of them
    joined by newlines (no token contains one), then the few mixed-script words folded alone."""
    if not surfaces:
        return []
    joined = "\n".join(surfaces)
    if _INVISIBLE_RE.search(joined):
        joined = _INVISIBLE_RE.sub("", joined)
    folded = _unify_dashes(joined.lower().replace("ё", "е")).split("\n")
    for k in compress(range(len(surfaces)), map(_HAS_LATIN.search, surfaces)):
        if _HAS_CYRILLIC.search(surfaces[k]):
            folded[k] = fold(surfaces[k])
    return folded


def kind_of(folded: str) -> int:
    """Classify a folded token as word, number or punctuation."""
    if not folded:
        return PUNCT
    if folded[0].isalpha() or any(ch.isalpha() for ch in folded):
        return WORD
    if folded[0].isdigit():
        return NUMBER
    return PUNCT


def is_upper_abbreviation(surface: str) -> bool:
    """True for written-in-capitals abbreviations such as НАТО, ОДКБ, ЕС (at least two letters)."""
    letters = [c for c in surface if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)
