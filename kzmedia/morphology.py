"""Lemmatisation: one lazily-loaded lemmatizer per language per process, behind a word-form cache.

News text repeats word forms heavily, so the cache (surface form → token info) sets the pace, not
pymorphy3. Nothing here is created at import time: a worker started with ``spawn`` builds its own
lemmatizer on first use, a ``fork``-ed worker reuses the parent's (read-only) one.

Other languages plug in through the ``kzmedia_register_lemmatizers`` hook: any object with
``language``, ``name``, ``version`` and ``parse(folded_word) -> (lemma, pos, tag)`` will do.
"""

from __future__ import annotations

import re
import threading
from itertools import accumulate, compress, repeat
from operator import is_
from typing import Callable, NamedTuple, Protocol, runtime_checkable

from .text import TOKEN_RE, WORD, fold, fold_many, kind_of

class TokenInfo(NamedTuple):
    """What kzmedia knows of one surface form, shared by every token spelled that way.

    ``tokens.infos[i]`` is one of these: read it by name (``info.lemma``, ``info.pos``), or, in
    the hottest loops, by the index constants below (``info[LEMMA]``) — a named tuple costs no
    more memory than a plain one, and millions of tokens share a few ten-thousand of them.
    """

    norm: str                           #: the folded form (lower case, ё → е, invisible marks dropped)
    kind: int                           #: WORD, NUMBER or PUNCT (``kzmedia.text``)
    lemma: str                          #: the lemma (the form itself for non-words)
    pos: str | None                     #: pymorphy3 part of speech, e.g. ``"NOUN"``
    tag: str | None                     #: pymorphy3 tag, e.g. ``"NOUN,inan,femn sing,ablt"``
    alt_lemmas: tuple[str, ...] | None  #: the other lemmas pymorphy3 allows, sorted, or ``None``


#: index of each field of a :class:`TokenInfo`, for hot loops
NORM, KIND, LEMMA, POS, TAG, ALT_LEMMAS = range(6)
#: a TokenInfo from its six values without the named tuple's Python-level ``__new__`` (a third
#: of the cost, once per distinct form)
_new_info = tuple.__new__
#: the token pattern as one group, so ``split`` returns the tokens and the gaps between them
_SPLIT_RE = re.compile(f"({TOKEN_RE.pattern})")
_LATIN_WORD = re.compile("[a-z]+").fullmatch


@runtime_checkable
class Lemmatizer(Protocol):
    """What a lemmatizer plugin provides."""

    language: str
    name: str
    version: str

    def parse(self, word: str) -> tuple[str, str | None, str | None]:
        """Return ``(lemma, part_of_speech, grammatical_tag)`` for one folded word form."""


def _plain(grammeme) -> str | None:
    # pymorphy3's grammemes are str subclasses with instance state: plain str keeps the cached
    # token-info tuples free of objects the garbage collector must keep scanning
    return None if grammeme is None else str(grammeme)


class PymorphyLemmatizer:
    """Russian (or Ukrainian) lemmatizer on pymorphy3, first-ranked parse."""

    def __init__(self, language: str = "ru"):
        import pymorphy3  # imported lazily: loading dictionaries is the expensive part

        self.language = language
        self.name = f"pymorphy3-{language}"
        self._morph = pymorphy3.MorphAnalyzer(lang=language)
        self.version = f"pymorphy3 {getattr(pymorphy3, '__version__', '?')}"
        self._lookup = _DictionaryLookup.of(self._morph)  # None: always the full parse

    def parse(self, word: str) -> tuple[str, str | None, str | None]:
        p = self._morph.parse(word)[0]
        return p.normal_form.replace("ё", "е"), _plain(p.tag.POS), str(p.tag)

    def parse_all(self, word: str) -> tuple[str, str | None, str | None, tuple[str, ...] | None]:
        """Like :meth:`parse`, plus the other possible lemmas ("Астану" → астан *or* астана),
        so lexicon matching does not depend on which reading pymorphy3 ranks first.

        The other lemmas come as a sorted tuple, not a set: a tuple of strings is invisible to
        the garbage collector, and the word-form cache holds tens of thousands of them."""
        if self._lookup is not None and word.islower():
            found = self._lookup(word)
            if found is not None:
                return found
        parses = self._morph.parse(word)
        p = parses[0]
        lemma = p.normal_form.replace("ё", "е")
        alt = None
        if len(parses) > 1:
            others = {q.normal_form.replace("ё", "е") for q in parses[1:]}
            others.discard(lemma)
            if others:
                alt = tuple(sorted(others))
        return lemma, _plain(p.tag.POS), str(p.tag), alt

    @property
    def analyzer(self):
        """The underlying ``pymorphy3.MorphAnalyzer``, for plugins that need full parses or
        lexemes: sharing it saves loading the dictionaries a second time."""
        return self._morph

    def lemmas(self, word: str) -> set[str]:
        """Every normal form pymorphy3 considers possible (used to compile lexicon patterns)."""
        return {p.normal_form.replace("ё", "е") for p in self._morph.parse(word)}

    def __reduce__(self):
        # Rebuild in the receiving process instead of pickling dictionaries.
        return (PymorphyLemmatizer, (self.language,))


class _DictionaryLookup:
    """pymorphy3's answer for a word in its dictionary, computed from the dictionary directly.

    Same result as ``MorphAnalyzer.parse`` ranked by its probability estimator (the lemma and tag
    of the best parse, the other lemmas), at less than half the cost: no Parse objects, method
    stacks or tag objects are built, only the strings kzmedia keeps. The first pass over a corpus
    meets tens of thousands of new word forms, so this is a good share of a cold run. Plain
    Latin words (tagged LATN) are answered here too; words pymorphy3 guesses (by analogy,
    hyphenated, Roman numerals) still go to ``parse``. Used only
    when the analyzer's first units are set up as pymorphy3 2.x sets up Russian (checked in
    :meth:`of`); ``tests/test_morphology.py`` checks it against ``parse`` on real text.
    """

    def __init__(self, morph):
        from pymorphy3.shapes import is_roman_number

        self._roman = is_roman_number
        d = morph.dictionary
        self._similar = d.words.similar_items
        self._substitutes = morph.char_substitutes
        self._paradigms, self._suffixes, self._prefixes = d.paradigms, d.suffixes, d.paradigm_prefixes
        self._prob = morph.prob_estimator.p_t_given_w.get
        # per tag id: the tag as text (also the key of P(tag|word)) and its part of speech
        self._tags = [str(t) for t in d.gramtab]
        self._pos = [None if t.POS is None else str(t.POS) for t in d.gramtab]

    @classmethod
    def of(cls, morph) -> "_DictionaryLookup | None":
        """A lookup for ``morph``, or None when its first units are not the dictionary (plus the
        initials analyzers, which never answer a lower-case word) with the probability estimator."""
        try:
            from pymorphy3.analyzer import ProbabilityEstimator

            # the dictionary (the initials analyzers never answer lower case); then, for a word
            # not in it, numbers, punctuation, Roman numerals and Latin, in this order
            first = [type(unit.analyzer).__name__ for unit in morph._units[:7]]
            if not (first == ["DictionaryAnalyzer", "AbbreviatedFirstNameAnalyzer", "AbbreviatedPatronymicAnalyzer",
                              "NumberAnalyzer", "PunctuationAnalyzer", "RomanNumberAnalyzer", "LatinAnalyzer"]
                    and type(morph.prob_estimator) is ProbabilityEstimator):
                return None
            return cls(morph)
        except (ImportError, AttributeError, TypeError):
            return None

    def _latin(self, word: str):
        """A plain Latin word pymorphy3 would tag LATN (not a Roman numeral, not "nan"), or None."""
        if not _LATIN_WORD(word) or self._roman(word):
            return None
        try:
            float(word)  # "inf", "nan": pymorphy3's number analyzer comes first
            return None
        except ValueError:
            return word, None, "LATN", None

    def __call__(self, word: str) -> tuple[str, str | None, str, tuple[str, ...] | None] | None:
        """``(lemma, pos, tag, other_lemmas)`` as :meth:`PymorphyLemmatizer.parse_all` gives it,
        or None when ``word`` (lower case) is neither in the dictionary nor plain Latin."""
        items = self._similar(word, self._substitutes)  # with "е" read as "ё" where that is a word
        if not items:
            return self._latin(word)
        paradigms, suffixes, prefixes = self._paradigms, self._suffixes, self._prefixes
        parses = []
        for fixed, pairs in items:
            for para_id, idx in pairs:
                # a paradigm is three equal runs: suffix ids, tag ids, prefix ids
                para = paradigms[para_id]
                n = len(para) // 3
                if idx == 0:
                    normal = fixed  # the form is the normal form
                else:
                    stem = fixed[len(prefixes[para[2 * n + idx]]):len(fixed) - len(suffixes[para[idx]])]
                    normal = prefixes[para[2 * n]] + stem + suffixes[para[0]]
                parses.append((normal, para[n + idx]))
        tags = self._tags
        if len(parses) == 1:
            normal, tag = parses[0]
            return normal.replace("ё", "е"), self._pos[tag], tags[tag], None
        # rank as pymorphy3's ProbabilityEstimator does: by P(tag|word), stable, when known
        probs = [self._prob(f"{word}:{tags[tag]}", 0) for _normal, tag in parses]
        if any(probs):
            parses = [parses[i] for i in sorted(range(len(parses)), key=probs.__getitem__, reverse=True)]
        normal, tag = parses[0]
        lemma = normal.replace("ё", "е")
        others = {q.replace("ё", "е") for q, _tag in parses}
        others.discard(lemma)
        return lemma, self._pos[tag], tags[tag], tuple(sorted(others)) if others else None


class IdentityLemmatizer:
    """Fallback for languages without a lemmatizer: the lemma is the folded form."""

    def __init__(self, language: str):
        self.language = language
        self.name = f"identity-{language}"
        self.version = "1"

    def parse(self, word: str) -> tuple[str, None, None]:
        return word, None, None


class Morphology:
    """A lemmatizer plus the surface-form cache that makes tokenisation fast."""

    def __init__(self, lemmatizer: Lemmatizer, max_cache: int = 400_000):
        self.lemmatizer = lemmatizer
        self.language = lemmatizer.language
        self.max_cache = max_cache
        self._cache: dict[str, tuple] = {}
        self._by_norm: dict[str, tuple] = {}
        #: every distinct folded form met so far (its info tuple), in order of first sight: a
        #: :class:`kzmedia.memo.FormMemo` catches up on the new ones without looking at documents
        self.vocabulary: list[tuple] = []
        #: bumped whenever the cache makes room (``vocabulary`` is then a new list, which starts
        #: with what was kept)
        self.generation = 0
        self._kept: dict[int, int] = {}  # generation -> vocabulary entries it kept from the one before
        self._parse_all = getattr(lemmatizer, "parse_all", None)  # optional richer protocol

    def info(self, surface: str) -> tuple:
        """The :class:`TokenInfo` of one surface form, cached."""
        hit = self._cache.get(surface)
        if hit is None:
            hit = self._compute(surface)
        return hit

    def _compute(self, surface: str, norm: str | None = None) -> tuple:
        if len(self._cache) >= self.max_cache:
            # before this form is stored: a cached form must be in the vocabulary memos catch up on
            self._evict()
        if norm is None:
            norm = fold(surface)
        hit = self._by_norm.get(norm)  # "Россия" and "россия" share one parse
        if hit is None:
            kind = kind_of(norm)
            alt = None
            if kind == WORD:
                try:
                    if self._parse_all is not None:
                        lemma, pos, tag, alt = self._parse_all(norm)
                    else:
                        lemma, pos, tag = self.lemmatizer.parse(norm)
                except (KeyError, ValueError, IndexError):
                    # pymorphy3 raises on some scripts (e.g. Tangut); such words keep their form
                    lemma, pos, tag = norm, None, None
            else:
                lemma, pos, tag = norm, None, None
            if lemma == norm:
                lemma = norm  # one string, not two, for a form that is its own lemma
            hit = self._by_norm[norm] = _new_info(TokenInfo, (norm, kind, lemma, pos, tag, alt))
            self.vocabulary.append(hit)
        # a surface spelled as its folded form is keyed by the info's own string: the text's copy
        # can go (about a fifth of a cached form's memory)
        self._cache[hit[NORM] if surface == hit[NORM] else surface] = hit
        return hit

    def _evict(self) -> None:
        """Make room, memory bounded: keep the half of the vocabulary met first, drop the rest.

        In a long stream of news the frequent forms (function words, the common vocabulary) are
        met within the first documents and a form met late is mostly rare, so the first half
        keeps most running tokens cached; starting afresh would make the run cold again each time
        the cache fills. The kept half stays the *leading* part of the vocabulary, so a
        :class:`kzmedia.memo.FormMemo` keeps what it knows and only rewinds (:meth:`kept_since`).
        """
        kept = self.vocabulary[:len(self.vocabulary) // 2]
        by_norm = {info[NORM]: info for info in kept}
        cache = {s: info for s, info in self._cache.items() if by_norm.get(info[NORM]) is info}
        if len(cache) > self.max_cache * 3 // 4:  # surface variants crowd the kept half: start afresh
            kept, by_norm, cache = [], {}, {}
        self._by_norm, self._cache, self.vocabulary = by_norm, cache, kept
        self.generation += 1
        self._kept[self.generation] = len(kept)
        self._kept.pop(self.generation - 64, None)

    def kept_since(self, generation: int) -> int | None:
        """How many leading entries of ``generation``'s vocabulary still lead the current one
        (``None`` when that is no longer known)."""
        counts = [self._kept.get(g) for g in range(generation + 1, self.generation + 1)]
        return None if None in counts else min(counts, default=len(self.vocabulary))

    def tokenize(self, text: str) -> tuple[list[int], list[int], list[tuple]]:
        """Tokenise ``text`` into parallel columns: starts, ends, shared info tuples.

        No Python loop per token: ``split`` on the token pattern (in C) gives gaps and tokens in
        turn, so the running sum of their lengths is every token's start and end, and the
        word-form cache answers all tokens with one ``map``; only forms met for the first time
        are computed one by one.
        """
        parts = _SPLIT_RE.split(text)  # [gap, token, gap, token, ..., gap]
        surfaces = parts[1::2]
        bounds = list(accumulate(map(len, parts)))
        infos = list(map(self._cache.get, surfaces))
        if None in infos:
            missing = list(compress(range(len(infos)), map(is_, infos, repeat(None))))
            new = list(dict.fromkeys([surfaces[i] for i in missing]))  # first sight order
            learned = dict(zip(new, map(self._compute, new, fold_many(new))))
            for i in missing:
                infos[i] = learned[surfaces[i]]
        return bounds[0:-1:2], bounds[1::2], infos

    def lemmas(self, word: str) -> set[str]:
        """All plausible lemmas of a folded word (pattern compilation wants recall)."""
        info = self.info(word)
        found = {info[LEMMA]}
        found.update(info[ALT_LEMMAS] or ())
        if info[ALT_LEMMAS] is None and self._parse_all is None:
            more = getattr(self.lemmatizer, "lemmas", None)
            if more:
                found.update(more(word))
        return found


_lock = threading.RLock()  # re-entrant: get_morphology discovers factories while holding it
_morphologies: dict[str, Morphology] = {}
_factories: dict[str, Callable[[], Lemmatizer]] = {}


def register_lemmatizer(language: str, factory: Callable[[], Lemmatizer]) -> None:
    """Make ``factory`` the lemmatizer for ``language`` in this process (replaces a cached one)."""
    with _lock:
        _factories[language] = factory
        _morphologies.pop(language, None)


def use_lemmatizers_of(pm) -> None:
    """Take the lemmatizers ``pm``'s plugins register for languages this process has none for
    yet (a :class:`kzmedia.Pipeline` calls it with its own plugin manager, so its documents are
    tokenised by its plugins, not by whatever the installed plugins would give)."""
    from .plugins import collect

    for _plugin, args, kw in collect(pm, "kzmedia_register_lemmatizers"):
        language = args[0] if args else kw["language"]
        factory = args[1] if len(args) > 1 else kw["factory"]
        with _lock:
            _factories.setdefault(language, factory)


def _discover_factories() -> None:
    """No pipeline named a lemmatizer for a language: ask the installed plugins."""
    from .plugins import default_plugin_manager

    use_lemmatizers_of(default_plugin_manager())


def get_morphology(language: str = "ru") -> Morphology:
    """The process-wide :class:`Morphology` for ``language``, created on first use."""
    m = _morphologies.get(language)
    if m is not None:
        return m
    with _lock:
        m = _morphologies.get(language)
        if m is None:
            if language not in _factories:
                _discover_factories()
            factory = _factories.get(language)
            lemmatizer = factory() if factory else IdentityLemmatizer(language)
            m = _morphologies[language] = Morphology(lemmatizer)
    return m


# The core's own lemmatizer is an ordinary plugin (listed in kzmedia.plugins.DEFAULT_PLUGINS).
from .hookspecs import hookimpl  # noqa: E402


@hookimpl(trylast=True)
def kzmedia_register_lemmatizers(register):
    register("ru", lambda: PymorphyLemmatizer("ru"))
    try:
        import pymorphy3_dicts_uk  # noqa: F401  (optional: pip install pymorphy3-dicts-uk)
    except ImportError:
        return
    register("uk", lambda: PymorphyLemmatizer("uk"))
