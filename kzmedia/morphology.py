"""Lemmatisation: one lazily-loaded lemmatizer per language per process, behind a word-form cache.

News text repeats word forms heavily, so the cache (surface form → token info) sets the pace, not
pymorphy3. Nothing here is created at import time: a worker started with ``spawn`` builds its own
lemmatizer on first use, a ``fork``-ed worker reuses the parent's (read-only) one.

Other languages plug in through the ``kzmedia_register_lemmatizers`` hook: any object with
``language``, ``name``, ``version`` and ``parse(folded_word) -> (lemma, pos, tag)`` will do.
"""

from __future__ import annotations

import threading
from typing import Callable, Protocol, runtime_checkable

from .text import TOKEN_RE, WORD, fold, kind_of

#: index of each field in a cached token-info tuple (kept as a plain tuple: millions of tokens
#: share a few ten-thousand of these, and tuples are the cheapest shared record Python has)
NORM, KIND, LEMMA, POS, TAG = range(5)


@runtime_checkable
class Lemmatizer(Protocol):
    """What a lemmatizer plugin provides."""

    language: str
    name: str
    version: str

    def parse(self, word: str) -> tuple[str, str | None, str | None]:
        """Return ``(lemma, part_of_speech, grammatical_tag)`` for one folded word form."""


class PymorphyLemmatizer:
    """Russian (or Ukrainian) lemmatizer on pymorphy3, first-ranked parse."""

    def __init__(self, language: str = "ru"):
        import pymorphy3  # imported lazily: loading dictionaries is the expensive part

        self.language = language
        self.name = f"pymorphy3-{language}"
        self._morph = pymorphy3.MorphAnalyzer(lang=language)
        self.version = f"pymorphy3 {getattr(pymorphy3, '__version__', '?')}"

    def parse(self, word: str) -> tuple[str, str | None, str | None]:
        p = self._morph.parse(word)[0]
        return p.normal_form.replace("ё", "е"), p.tag.POS, str(p.tag)

    def lemmas(self, word: str) -> set[str]:
        """Every normal form pymorphy3 considers possible (used to compile lexicon patterns)."""
        return {p.normal_form.replace("ё", "е") for p in self._morph.parse(word)}

    def __reduce__(self):
        # Rebuild in the receiving process instead of pickling dictionaries.
        return (PymorphyLemmatizer, (self.language,))


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

    def __init__(self, lemmatizer: Lemmatizer, max_cache: int = 500_000):
        self.lemmatizer = lemmatizer
        self.language = lemmatizer.language
        self.max_cache = max_cache
        self._cache: dict[str, tuple] = {}

    def info(self, surface: str) -> tuple:
        """Token info ``(norm, kind, lemma, pos, tag)`` for one surface form, cached."""
        hit = self._cache.get(surface)
        if hit is None:
            hit = self._compute(surface)
        return hit

    def _compute(self, surface: str) -> tuple:
        norm = fold(surface)
        kind = kind_of(norm)
        if kind == WORD:
            lemma, pos, tag = self.lemmatizer.parse(norm)
        else:
            lemma, pos, tag = norm, None, None
        hit = (norm, kind, lemma, pos, tag)
        if len(self._cache) >= self.max_cache:
            self._cache.clear()  # crude but bounded: memory stays flat on endless corpora
        self._cache[surface] = hit
        return hit

    def tokenize(self, text: str) -> tuple[list[int], list[int], list[tuple]]:
        """Tokenise ``text`` into parallel columns: starts, ends, shared info tuples."""
        starts: list[int] = []
        ends: list[int] = []
        infos: list[tuple] = []
        cache_get = self._cache.get
        compute = self._compute
        add_start, add_end, add_info = starts.append, ends.append, infos.append
        for m in TOKEN_RE.finditer(text):
            s = m.group()
            hit = cache_get(s)
            if hit is None:
                hit = compute(s)
            a, b = m.span()
            add_start(a)
            add_end(b)
            add_info(hit)
        return starts, ends, infos

    def lemmas(self, word: str) -> set[str]:
        """All plausible lemmas of a folded word (pattern compilation wants recall)."""
        more = getattr(self.lemmatizer, "lemmas", None)
        found = set(more(word)) if more else set()
        found.add(self.info(word)[LEMMA])
        return found


_lock = threading.Lock()
_morphologies: dict[str, Morphology] = {}
_factories: dict[str, Callable[[], Lemmatizer]] = {}


def register_lemmatizer(language: str, factory: Callable[[], Lemmatizer]) -> None:
    """Make ``factory`` the lemmatizer for ``language`` in this process (replaces a cached one)."""
    with _lock:
        _factories[language] = factory
        _morphologies.pop(language, None)


def _discover_factories() -> None:
    from .plugins import default_plugin_manager

    pm = default_plugin_manager()

    def register(language: str, factory: Callable[[], Lemmatizer]) -> None:
        _factories.setdefault(language, factory)

    pm.hook.kzmedia_register_lemmatizers(register=register)


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
