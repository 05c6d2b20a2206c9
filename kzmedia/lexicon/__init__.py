"""The lexicon engine shared by every analyzer: a file format, its loaders, and a linear-time matcher.

A lexicon maps natural-language patterns ("цветная революция", "агент влияния", "антироссийск*")
to categories. Patterns are lemmatised when the lexicon is compiled, so one entry matches every
inflection ("цветную революцию", "цветной революцией"). The file format is TOML; see
``docs/lexicons.md``. LIWC ``.dic`` and quanteda-style YAML dictionaries can be imported.

Pattern syntax, token by token:

* ``word`` — matches any token whose lemma is one of the word's possible lemmas (or whose folded
  form equals the word);
* ``word*`` — prefix on the folded form (``антироссийск*``);
* ``НАТО`` — a word written in capitals (two letters or more) matches only capitals, so ``ЕС``
  does not match ``ес``;
* ``...`` — a gap of 0 to ``max_gap`` tokens inside one sentence (``за ... скрывается``);
* any other character (``—``, ``«``) matches that punctuation (dash variants are unified).

The engine is three modules: :mod:`.format` (the :class:`Lexicon` data and the pattern syntax),
:mod:`.loading` (TOML, LIWC and YAML files) and :mod:`.matching` (:class:`LexiconMatcher`).
Import from here (``from kzmedia.lexicon import Lexicon``) or from :mod:`kzmedia`.
"""

from __future__ import annotations

from ..memo import FormMemo, FormScreen  # noqa: F401  (kept importable from here)
from ..stance import NEGATORS
from .format import Category, Lexicon, LexiconEntry
from .matching import OVERLAP_POLICIES, LexiconMatch, LexiconMatcher, match_lexicon

__all__ = ["Category", "FormMemo", "FormScreen", "Lexicon", "LexiconEntry", "LexiconMatch", "LexiconMatcher",
           "match_lexicon", "NEGATORS", "OVERLAP_POLICIES"]
