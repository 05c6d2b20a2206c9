"""Per-form memos for fast analyzers: remember, per distinct word form, what may start there.

News text repeats word forms, so an analyzer that asks "can anything of mine start at this
token?" answers once per form rather than once per token. :class:`FormMemo` keeps those answers
(and rewinds when the morphology's vocabulary is trimmed); :class:`FormScreen` is the cheap sieve
that decides which forms need an answer at all. Both are public for plugins that write their own
matchers (the built-in actors analyzer does); everyday analyzers use :class:`kzmedia.LexiconMatcher`.
"""

from __future__ import annotations

from .lexicon import FormMemo, FormScreen

__all__ = ["FormMemo", "FormScreen"]
