"""Per-form memos for fast analyzers: remember, per distinct word form, what may start there.

News text repeats word forms, so an analyzer that asks "can anything of mine start at this
token?" answers once per form rather than once per token. :class:`FormMemo` keeps those answers
(and rewinds when the morphology's vocabulary is trimmed); :class:`FormScreen` is the cheap sieve
that decides which forms need an answer at all. Both are public for plugins that write their own
matchers (a gazetteer with rules of its own, say); everyday analyzers use :class:`kzmedia.LexiconMatcher`.
"""

from __future__ import annotations

import operator
import re
from itertools import compress
from typing import Any

import attrs

from .morphology import ALT_LEMMAS, LEMMA, NORM

__all__ = ["FormMemo", "FormScreen"]


@attrs.frozen
class FormScreen:
    """Which word forms *may* have a value in a :class:`FormMemo`: a form passes if its folded
    form is in ``norms``, its lemma or one of its other possible lemmas is in ``lemmas``, it
    starts with one of ``prefixes`` or contains one of ``substrings``. The memo calls ``compute``
    only for forms that pass; the rest count as "nothing" without a Python call each.

    A screen may let through more than ``compute`` keeps (it is a sieve, not the answer), never
    less. Checking a batch of new forms runs as set and string operations in C, which is what
    makes the first pass over a corpus (every form new) cheap.
    """

    norms: frozenset[str] = attrs.field(default=frozenset(), converter=frozenset)
    lemmas: frozenset[str] = attrs.field(default=frozenset(), converter=frozenset)
    prefixes: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    substrings: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    # prefixes of three letters or more are sieved by their first three (a set lookup), the
    # shorter ones by ``str.startswith``; built once, with the screen
    _heads: frozenset[str] = attrs.field(init=False, eq=False, repr=False)
    _short: tuple[str, ...] = attrs.field(init=False, eq=False, repr=False)
    _contains: Any = attrs.field(init=False, eq=False, repr=False)  # one search for all substrings

    def __attrs_post_init__(self):
        object.__setattr__(self, "_heads", frozenset(p[:3] for p in self.prefixes if len(p) >= 3))
        object.__setattr__(self, "_short", tuple(p for p in self.prefixes if len(p) < 3))
        object.__setattr__(self, "_contains", re.compile("|".join(map(re.escape, self.substrings))).search
                           if self.substrings else None)

    def select(self, infos: list[tuple]) -> list[tuple]:
        """The infos (in their order) whose form passes."""
        idx = range(len(infos))
        norms = list(map(_NORM_OF, infos))
        keep: set[int] = set()
        if self.norms:
            keep.update(compress(idx, map(self.norms.__contains__, norms)))
        if self.lemmas:
            lemmas = self.lemmas
            keep.update(compress(idx, map(lemmas.__contains__, map(_LEMMA_OF, infos))))
            alts = list(map(_ALTS_OF, infos))  # None or a non-empty tuple
            overlap = map(operator.not_, map(lemmas.isdisjoint, filter(None, alts)))
            keep.update(compress(compress(idx, alts), overlap))
        if self._heads:
            keep.update(compress(idx, map(self._heads.__contains__, map(_HEAD_OF, norms))))
        if self._short:
            keep.update(compress(idx, map(operator.methodcaller("startswith", self._short), norms)))
        if self._contains is not None:
            keep.update(compress(idx, map(self._contains, norms)))
        return [infos[i] for i in sorted(keep)]


_NORM_OF, _LEMMA_OF, _ALTS_OF = (operator.itemgetter(k) for k in (NORM, LEMMA, ALT_LEMMAS))
_HEAD_OF = operator.itemgetter(slice(3))


class FormMemo:
    """What may start at a token, remembered per folded word form, for any matcher.

    ``compute(norm, info)`` says what may start at a token of that form (``info`` is the token's
    info tuple); a falsy answer means "nothing". :meth:`positions` then returns the document's
    tokens where something may start, found with set operations instead of a Python loop over
    every token. News text repeats forms, so ``compute`` runs once per form, and for documents
    tokenised by the process's morphology the memo catches up on that morphology's vocabulary
    (the forms met since the last call) instead of checking each document's forms. An optional
    :class:`FormScreen` says which forms can have a value at all, so ``compute`` is not called
    for the many that cannot. ``compute`` must depend on nothing but its arguments: a value,
    once known, is kept when the morphology's cache makes room (only the catch-up rewinds to
    what the vocabulary kept). Bounded: past ``max_size`` forms it starts afresh, so memory stays
    flat on endless corpora. Not pickled (a worker process refills its own).
    """

    def __init__(self, compute, max_size: int = 300_000, *, screen: FormScreen | None = None):
        self.compute = compute
        self.max_size = max_size
        self.screen = screen
        self._values: dict[str, Any] = {}  # forms with a non-empty value
        self._checked: set[str] = set()  # forms looked at outside the vocabulary catch-up
        self._source = None  # (morphology, generation) whose vocabulary[:_seen] is looked at
        self._seen = 0

    def __len__(self) -> int:
        return len(self._values)

    def __getitem__(self, norm: str):
        return self._values[norm]

    def __getstate__(self):
        return {"compute": self.compute, "max_size": self.max_size, "screen": self.screen}

    def __setstate__(self, state):
        self.__init__(state["compute"], state["max_size"], screen=state.get("screen"))

    def _add(self, infos) -> None:
        if self.screen is not None:
            infos = self.screen.select(infos)
        values, compute = self._values, self.compute
        for info in infos:
            v = compute(info[0], info)
            if v:
                values[info[0]] = v

    def _reset(self, source=None) -> None:
        self._values.clear()
        self._checked.clear()
        self._source, self._seen = source, 0

    def _rewind(self, source) -> None:
        """Follow the morphology to a new generation: a value depends only on the form, so what
        is known stays; only the catch-up position moves back to what the vocabulary kept."""
        old = self._source
        kept = None
        if old is not None and old[0] is source[0] and old[1] < source[1]:
            kept = source[0].kept_since(old[1])
        if kept is None or len(self._values) > self.max_size:
            self._reset(source)  # another language, or too much has changed to follow
        else:
            self._source, self._seen = source, min(self._seen, kept)
            # forms looked at outside the catch-up are forgotten with the generation (their values
            # stay): the set would otherwise keep every such form's string alive, cache or not
            self._checked.clear()

    def positions(self, tokens) -> list[int]:
        """Indices of the tokens whose form has a non-empty value, in text order."""
        forms = tokens.forms
        source = tokens.source
        if source is not None and source[0].generation == source[1]:
            if source != self._source:
                self._rewind(source)
            vocabulary = source[0].vocabulary
            if self._seen < len(vocabulary):
                self._add(vocabulary[self._seen:])
                self._seen = len(vocabulary)
        else:
            checked = self._checked
            new = forms.keys() - checked
            if new:
                if len(checked) + len(new) > self.max_size:
                    self._reset()
                    new = forms.keys()
                self._add([forms[f] for f in new])
                checked.update(new)
        return tokens.positions(self._values.keys() & forms.keys())

    def values_at(self, tokens, positions=None) -> list[tuple[int, Any]]:
        """``(index, value)`` of each token with a value, in text order (``positions``: only
        those of these indices, as :meth:`positions` gave them, e.g. filtered by sentence)."""
        if positions is None:
            positions = self.positions(tokens)
        values, norms = self._values, tokens.norms
        return [(i, values[norms[i]]) for i in positions]
