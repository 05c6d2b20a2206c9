"""Matching lexicons against documents: :class:`LexiconMatcher`, linear in the text's length.

Entries are compiled once (patterns lemmatised, so one entry matches every inflection) into a
plan per word form (:class:`kzmedia.memo.FormMemo`); :meth:`LexiconMatcher.match` then walks the
tokens once, applies the overlap policy per lexicon and flags matches a negator precedes.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable
from typing import Any

import attrs

from ..document import Document
from ..errors import LexiconError
from ..memo import FormMemo, FormScreen
from ..morphology import ALT_LEMMAS, KIND, LEMMA, NORM, POS, TAG, get_morphology
from ..stance import NEGATORS  # one negator list for the core: kzmedia/data/stance.toml
from ..text import INVISIBLE, WORD, fold, is_upper_abbreviation
from .format import Lexicon, LexiconEntry, parse_pattern

__all__ = ["LexiconMatch", "LexiconMatcher", "OVERLAP_POLICIES", "match_lexicon"]

OVERLAP_POLICIES = ("longest", "all", "first")

# compiled pattern elements
_LEMMA, _PREFIX, _PUNCT, _GAP = range(4)


@attrs.frozen
class LexiconMatch:
    """A match: character and token bounds, the entry, and whether a negator precedes it."""

    start: int
    end: int
    token_start: int
    token_end: int
    entry: LexiconEntry
    lexicon: str
    negated: bool = False

    def text(self, document: Document) -> str:
        return document.text[self.start:self.end]


#: bump whenever the compiled representation changes, so on-disk caches of older code miss
_COMPILED_FORMAT = 4



class _Compiled:
    __slots__ = ("entry", "lexicon", "elements", "order", "simple")

    def __init__(self, entry, lexicon, elements, order):
        self.entry, self.lexicon, self.elements, self.order = entry, lexicon, elements, order
        # no gap and no exact-case word: matched inline by the hot loop in LexiconMatcher.match
        self.simple = all(el[0] != _GAP and not (el[0] == _LEMMA and el[3] is not None) for el in elements)


class LexiconMatcher:
    """Finds every entry of one or more lexicons in a document in time linear in its length.

    Overlap policy (per lexicon): ``"longest"`` (default) keeps the longest matches and drops
    shorter ones that overlap them — entries matching exactly the same tokens are all kept;
    ``"first"`` keeps leftmost-longest; ``"all"`` keeps everything. Matches preceded within
    ``negation_window`` words (same sentence) by a negator (не, ни, нет, без) are flagged
    ``negated`` — kept, so the analyzer decides what negation means for it.
    """

    def __init__(self, lexicons: Lexicon | Iterable[Lexicon], *, overlap: str = "longest",
                 negation_window: int = 0, max_gap: int = 4, language: str = "ru"):
        if overlap not in OVERLAP_POLICIES:
            raise ValueError(f"overlap must be one of {OVERLAP_POLICIES}, got {overlap!r}")
        self.lexicons = (lexicons,) if isinstance(lexicons, Lexicon) else tuple(lexicons)
        self.overlap = overlap
        self.negation_window = negation_window
        self.max_gap = max_gap
        self._morph = get_morphology(language)
        self._by_lemma: dict[str, list[_Compiled]] = {}
        self._by_norm: dict[str, list[_Compiled]] = {}
        self._by_prefix3: dict[str, list[tuple[str, _Compiled]]] = {}
        self._short_prefixes: list[tuple[str, _Compiled]] = []
        order = 0
        for lex in self.lexicons:
            for entry in lex.entries:
                try:
                    elements = self._compile(entry)
                except ValueError as e:
                    raise LexiconError(f"entry {entry.pattern!r}: {e}", path=lex.source, line=entry.line) from None
                self._index(_Compiled(entry, lex.name, elements, order))
                order += 1
        # folded form -> what to try there (see _plan); only forms that can start an entry
        prefixes = [p for p, _c in self._short_prefixes]
        prefixes += [p for group in self._by_prefix3.values() for p, _c in group]
        self._plans = FormMemo(self._plan, screen=FormScreen(
            norms=self._by_norm.keys(), lemmas=self._by_lemma.keys(), prefixes=prefixes))

    @property
    def versions(self) -> dict[str, str]:
        return {lex.name: lex.version for lex in self.lexicons}

    def __getstate__(self):
        # The morphology is per process; the per-form plans are rebuilt on demand.
        state = self.__dict__.copy()
        state["_morph"] = None
        state["_language"] = self._morph.language
        return state

    def __setstate__(self, state):
        language = state.pop("_language", "ru")
        self.__dict__.update(state)
        self._morph = get_morphology(language)

    @classmethod
    def cached(cls, lexicons: Lexicon | Iterable[Lexicon], **options) -> "LexiconMatcher":
        """A matcher compiled once per machine: later processes load it from the on-disk cache
        (:mod:`kzmedia.cache`), keyed by every entry of every lexicon and the options."""
        from ..cache import cached
        from . import format as pattern_syntax

        lexicons = (lexicons,) if isinstance(lexicons, Lexicon) else tuple(lexicons)
        # the matcher's and the pattern syntax's source are part of the key: changed code never
        # meets stale pickles
        parts = [_COMPILED_FORMAT, open(__file__, "rb").read(), open(pattern_syntax.__file__, "rb").read(),
                 sorted(options.items())]
        for lex in lexicons:
            parts.append((lex.name, lex.version, lex.language))
            # sets are sorted: their repr order changes with each process's hash seed
            parts.extend((e.id, e.pattern, e.categories, e.weight, sorted(e.pos or ()), sorted(e.case or ()),
                          e.quoted, e.sentence_initial, e.case_sensitive) for e in lex.entries)
        return cached("matcher", parts, lambda: cls(lexicons, **options))

    def _compile(self, entry: LexiconEntry) -> tuple:
        elements = []
        for kind, t in parse_pattern(entry.pattern):
            if kind == "gap":
                elements.append((_GAP, self.max_gap))
            elif kind == "prefix":
                elements.append((_PREFIX, fold(t)))
            elif kind == "punct":
                elements.append((_PUNCT, fold(t)))
            else:
                norm = fold(t)
                exact = entry.case_sensitive or is_upper_abbreviation(t)
                lemmas = frozenset() if exact else frozenset(self._morph.lemmas(norm))
                elements.append((_LEMMA, norm, lemmas, t.translate({ord(c): None for c in INVISIBLE}) if exact else None))
        return tuple(elements)

    def _index(self, c: _Compiled) -> None:
        first = c.elements[0]
        if first[0] == _LEMMA:
            self._by_norm.setdefault(first[1], []).append(c)
            for lemma in first[2]:
                self._by_lemma.setdefault(lemma, []).append(c)
        elif first[0] == _PREFIX:
            p = first[1]
            if len(p) >= 3:
                self._by_prefix3.setdefault(p[:3], []).append((p, c))
            else:
                self._short_prefixes.append((p, c))
        else:
            self._by_norm.setdefault(first[1], []).append(c)

    def _candidates(self, norm: str, lemma: str, alt_lemmas) -> tuple[_Compiled, ...]:
        """Every compiled entry whose first element a token of this form matches, in entry order."""
        by_norm, by_lemma = self._by_norm, self._by_lemma
        found: dict[int, _Compiled] = {}
        for c in by_norm.get(norm, ()):
            found[c.order] = c
        for lem in (lemma, *(alt_lemmas or ())):
            for c in by_lemma.get(lem, ()):
                found[c.order] = c
        for p, c in self._by_prefix3.get(norm[:3], ()):
            if norm.startswith(p):
                found[c.order] = c
        for p, c in self._short_prefixes:
            if norm.startswith(p):
                found[c.order] = c
        return tuple(found[k] for k in sorted(found))

    def _plan(self, norm: str, info: tuple) -> tuple:
        """What to try at a token of this form: ``(certain, always, by_next)`` or ``()`` when nothing.

        Everything a form alone decides is decided here, once per form: whether the first
        element matches, and the part-of-speech and case constraints (they read the first
        token's tag). ``certain`` are one-word entries that therefore match at every token of
        this form; ``always`` are the candidates to try at every such token; the others are
        keyed by what their second word may be (its form and lemmas), so "в" — the first word of
        dozens of entries — costs one dictionary lookup on the next token instead of dozens of
        attempts. Candidates in ``always`` and ``by_next`` that are ``simple`` are checked from
        their second element on.
        """
        cands = self._candidates(norm, info[LEMMA], info[ALT_LEMMAS])
        certain: list[_Compiled] = []
        always: list[_Compiled] = []
        by_next: dict[str, list[_Compiled]] = {}
        for c in cands:
            first, entry = c.elements[0], c.entry
            if c.simple and first[0] == _PREFIX and info[KIND] != WORD:
                continue  # a prefix entry needs a word token
            if entry.pos is not None and info[POS] not in entry.pos:
                continue
            if entry.case is not None and not any(k in (info[TAG] or "") for k in entry.case):
                continue
            if c.simple and len(c.elements) == 1 and not entry.quoted and not entry.sentence_initial:
                certain.append(c)
                continue
            second = c.elements[1] if c.simple and len(c.elements) > 1 else None
            if second is None or second[0] == _PREFIX:
                always.append(c)
                continue
            for key in ({second[1]} | second[2]) if second[0] == _LEMMA else (second[1],):
                by_next.setdefault(key, []).append(c)
        if not (certain or always or by_next):
            return ()
        return tuple(certain), tuple(always), ({k: tuple(v) for k, v in by_next.items()} or None)

    # -- matching ---------------------------------------------------------------------------
    def match(self, document: Document) -> list[LexiconMatch]:
        """All matches in text order, after the overlap policy and constraints."""
        tokens = document.tokens
        plans = self._plans
        positions = plans.positions(tokens)
        if not positions:
            return []
        infos, norms = tokens.infos, tokens.norms
        raw: list[tuple[int, int, _Compiled]] = []
        sentence_of = document.sentence_index()
        n = len(infos)
        for i in positions:
            certain, cands, by_next = plans[norms[i]]
            for c in certain:
                raw.append((i, i + 1, c))
            if by_next is not None and i + 1 < n:
                nxt = infos[i + 1]
                more = by_next.get(nxt[NORM], ())
                for key in (nxt[LEMMA], *(nxt[ALT_LEMMAS] or ())):
                    extra = by_next.get(key)
                    if extra:
                        more = tuple(dict.fromkeys(more + extra)) if more else extra
                if more:
                    cands = cands + more
            for c in cands:
                if c.simple:
                    # the hot path, inlined: the plan has checked the first element already
                    end = i + 1
                    for el in c.elements[1:]:
                        if end >= n:
                            end = None
                            break
                        inf = infos[end]
                        kind = el[0]
                        if kind == _LEMMA:
                            if inf[NORM] != el[1] and inf[LEMMA] not in el[2]:
                                alt = inf[ALT_LEMMAS]
                                if alt is None or el[2].isdisjoint(alt):
                                    end = None
                                    break
                        elif kind == _PREFIX:
                            if inf[KIND] != WORD or not inf[NORM].startswith(el[1]):
                                end = None
                                break
                        elif inf[NORM] != el[1]:
                            end = None
                            break
                        end += 1
                else:
                    end = self._match_at(tokens, i, c.elements, 0, sentence_of)
                if end is not None and (not c.entry.quoted and not c.entry.sentence_initial
                                        or self._constraints_hold(document, tokens, i, end, c.entry, sentence_of)):
                    raw.append((i, end, c))
        chosen = self._resolve(raw)
        out = []
        for i, j, c in chosen:
            out.append(LexiconMatch(tokens.starts[i], tokens.ends[j - 1], i, j, c.entry, c.lexicon,
                                    self._negated(tokens, i, sentence_of)))
        out.sort(key=lambda m: (m.start, -m.end, m.entry.id))
        return out

    def _element_matches(self, tokens, k: int, el) -> bool:
        info = tokens.infos[k]
        kind = el[0]
        if kind == _LEMMA:
            if info[KIND] == WORD or info[NORM] == el[1]:
                if el[3] is not None:  # exact-case word (abbreviation or case_sensitive)
                    return tokens.surface(k).translate({ord(c): None for c in INVISIBLE}) == el[3]
                if info[NORM] == el[1] or info[LEMMA] in el[2]:
                    return True
                alt = info[ALT_LEMMAS]
                return alt is not None and not el[2].isdisjoint(alt)
            return False
        if kind == _PREFIX:
            return info[KIND] == WORD and info[NORM].startswith(el[1])
        if kind == _PUNCT:
            return info[NORM] == el[1]
        return False

    def _match_at(self, tokens, i: int, elements: tuple, e: int, sentence_of) -> int | None:
        """Return the token index after a match of ``elements[e:]`` starting at ``i``, or None."""
        n = len(tokens.infos)
        while e < len(elements):
            el = elements[e]
            if el[0] == _GAP:
                sent = sentence_of[i - 1] if i > 0 else -1
                for skip in range(0, el[1] + 1):
                    k = i + skip
                    if k >= n or sentence_of[k] != sent:
                        break
                    end = self._match_at(tokens, k, elements, e + 1, sentence_of)
                    if end is not None:
                        return end
                return None
            if i >= n or not self._element_matches(tokens, i, el):
                return None
            i += 1
            e += 1
        return i

    def _constraints_hold(self, document, tokens, i: int, j: int, entry: LexiconEntry, sentence_of) -> bool:
        if entry.pos is not None and tokens.pos(i) not in entry.pos:
            return False
        if entry.case is not None:
            tag = tokens.tag(i) or ""
            if not any(c in tag for c in entry.case):
                return False
        if entry.sentence_initial:
            k = i - 1
            while k >= 0 and sentence_of[k] == sentence_of[i] and not tokens.is_word(k):
                k -= 1
            if k >= 0 and sentence_of[k] == sentence_of[i]:
                return False
        if entry.quoted and not _inside_quotes(document, tokens.starts[i], tokens.ends[j - 1]):
            return False
        return True

    def _negated(self, tokens, i: int, sentence_of) -> bool:
        if not self.negation_window:
            return False
        seen = 0
        k = i - 1
        while k >= 0 and seen < self.negation_window and sentence_of[k] == sentence_of[i]:
            if tokens.is_word(k):
                if tokens.norm(k) in NEGATORS:
                    return True
                seen += 1
            k -= 1
        return False

    def _resolve(self, raw: list[tuple[int, int, _Compiled]]) -> list[tuple[int, int, _Compiled]]:
        if self.overlap == "all" or not raw:
            return raw
        out: list[tuple[int, int, _Compiled]] = []
        by_lexicon: dict[str, list] = {}
        for r in raw:
            by_lexicon.setdefault(r[2].lexicon, []).append(r)
        for group in by_lexicon.values():
            # only matches that overlap can compete: most spans overlap nothing (or only
            # matches of exactly their tokens, which are all kept), so the policy runs on each
            # run of overlapping spans alone
            group.sort(key=operator.itemgetter(0, 1))
            for run in _overlapping_runs(group):
                # one span (or several on exactly the same tokens) competes with nothing
                out.extend(run if run[0][:2] == run[-1][:2] else self._compete(run))
        return out

    def _compete(self, group: list[tuple[int, int, _Compiled]]) -> list[tuple[int, int, _Compiled]]:
        """The overlap policy on matches that overlap one another."""
        if self.overlap == "longest":
            group.sort(key=lambda r: (-(r[1] - r[0]), r[0], r[2].order))
        else:
            group.sort(key=lambda r: (r[0], -(r[1] - r[0]), r[2].order))
        out = []
        taken: set[int] = set()
        kept_spans: set[tuple[int, int]] = set()
        for i, j, c in group:
            if (i, j) in kept_spans:
                out.append((i, j, c))
                continue
            if any(k in taken for k in range(i, j)):
                continue
            taken.update(range(i, j))
            kept_spans.add((i, j))
            out.append((i, j, c))
        return out


def _overlapping_runs(spans):
    """Consecutive groups of ``(start, end, …)`` spans, sorted by start, that overlap one another."""
    run: list = []
    run_end = -1
    for r in spans:
        if run and r[0] >= run_end:
            yield run
            run = []
        run_end = max(run_end, r[1]) if run else r[1]
        run.append(r)
    if run:
        yield run


def _inside_quotes(document: Document, start: int, end: int) -> bool:
    """True when the span sits between an opening and a closing quote in the same paragraph."""
    text = document.text
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    if line_end < 0:
        line_end = len(text)
    before, after = text[line_start:start], text[end:line_end]
    if before.count("«") > before.count("»") and "»" in after:
        return True
    if before.count("„") + before.count("“") > before.count("”") and ("”" in after or "“" in after):
        return True
    return before.count('"') % 2 == 1 and '"' in after


def match_lexicon(document: Document, lexicon: Lexicon, **options: Any) -> list[LexiconMatch]:
    """Convenience: compile ``lexicon`` and match it against ``document`` once."""
    return LexiconMatcher(lexicon, **options).match(document)
