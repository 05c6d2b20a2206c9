"""The actor gazetteer: ISO 3166 states from pycountry plus a curated file, compiled for matching.

Every pattern is tokenised by the core tokenizer (so its folded forms agree with the document's
tokens) and expanded to all its inflected forms with pymorphy3, once per process. Matching then
needs one dictionary look-up per distinct word form of a document (see :mod:`.analyzer`).

Sources, in order (later ones add forms, never remove them, except ``skip_iso``):

1. pycountry: every ISO 3166-1 country with its Russian short, official and common names (the
   ``iso3166-1`` gettext catalogue), id = alpha-3, kind ``state``, form ``name``;
2. ``data/gazetteer.toml``: the curated file (format documented at its top and in docs/actors.md);
3. user additions: further gazetteer files (same format) and kzmedia lexicons registered for the
   analyzer ``actors`` (category id = actor id, entry key ``form`` = mention form).
"""

from __future__ import annotations

import functools
import os
import re
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path

from kzmedia.compat import tomllib
from kzmedia import Document, Lexicon, LexiconError

DATA = Path(__file__).resolve().parent / "data"
CURATED = DATA / "gazetteer.toml"
#: further built-in files in the same format: capitals as metonyms, leaders with their offices
BUILTIN = (CURATED, DATA / "capitals.toml", DATA / "leaders.toml")

FORMS = ("name", "abbreviation", "metonym", "adjective", "demonym", "person")
KINDS = ("state", "territory", "organisation", "bloc", "company", "person", "agency")
#: gazetteer key → mention form
_KEY_FORMS = {"names": "name", "abbreviations": "abbreviation", "metonyms": "metonym",
              "adjectives": "adjective", "demonyms": "demonym", "persons": "person"}
_ACTOR_KEYS = {"name", "kind", "home", "skip_iso", "compound_stems", *_KEY_FORMS}
#: derivational prefixes that keep the actor and record a stance toward it
STANCE_PREFIXES = (("анти", "anti"), ("про", "pro"))


class ActorInfo:
    __slots__ = ("id", "name", "kind", "home")

    def __init__(self, id: str, name: str, kind: str, home: str | None = None):
        self.id, self.name, self.kind, self.home = id, name, kind, home


class Leader:
    """One office held by a person who stands for ``actor`` (data/leaders.toml)."""

    __slots__ = ("name", "actor", "office", "start", "end")

    def __init__(self, name: str, actor: str, office: str, start: int | None, end: int | None):
        self.name, self.actor, self.office, self.start, self.end = name, actor, office, start, end

    def to_dict(self) -> dict:
        return {"name": self.name, "office": self.office, "from": self.start, "to": self.end}

    def holds(self, year: int) -> bool:
        return (self.start is None or self.start <= year) and (self.end is None or year <= self.end)


def choose_leader(leaders, year: int | None) -> "Leader":
    """The office valid in ``year`` (the latest such), or the latest office when none is or no
    year is known."""
    pool = [x for x in leaders if year is not None and x.holds(year)] or list(leaders)
    return max(pool, key=lambda x: (x.start or 0, x.end or 9999))


class Pattern:
    """One compiled phrase: per token a set of accepted forms; ``actor`` None marks a blocker."""

    __slots__ = ("actor", "form", "words", "exact", "capital", "source", "leaders")

    def __init__(self, actor, form, words, exact, capital, source, leaders=()):
        self.actor = actor          # actor id, or None for a trap phrase
        self.form = form            # one of FORMS
        self.words = words          # tuple[frozenset[str]]: accepted norms/lemmas per token
        self.exact = exact          # tuple[str] of exact surfaces (abbreviations), or None
        self.capital = capital      # first token must start with a capital letter
        self.source = source        # where the pattern came from (for debugging and docs)
        self.leaders = leaders      # offices of the person the phrase names (list of Leader)


@functools.lru_cache(maxsize=1)
def _morph():
    """The core's Russian pymorphy3 analyzer when it is one (no second dictionary load)."""
    from kzmedia.morphology import get_morphology

    shared = getattr(get_morphology("ru").lemmatizer, "analyzer", None)
    if shared is not None:
        return shared
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang="ru")


def _fold(s: str) -> str:
    return s.lower().replace("ё", "е")


@functools.lru_cache(maxsize=None)
def word_forms(norm: str) -> frozenset[str]:
    """Every inflected form of one folded word (the word given in its dictionary form).

    Parses whose normal form is the word itself are preferred ("Токаев" → токаева, токаевым…); when
    there is none (a plural name such as "Штаты", an adjective given in the feminine), the first
    parse's lexeme is used, restricted to the same number so "Штаты" does not accept "штат".
    """
    if not any(c.isalpha() for c in norm) or not re.search(r"[а-я]", norm):
        return frozenset({norm})
    parses = _morph().parse(norm)
    chosen = [p for p in parses if _fold(p.normal_form) == norm]
    same_number = False
    if not chosen:
        chosen, same_number = parses[:1], True
    out = {norm}
    for p in chosen:
        number = p.tag.number
        for f in p.lexeme:
            if same_number and number and f.tag.number and f.tag.number != number:
                continue
            out.add(_fold(f.word))
    return frozenset(out)


@functools.lru_cache(maxsize=100_000)
def possible_cases(norm: str) -> frozenset[str]:
    """Every case pymorphy3 considers possible for a folded word form (for role decisions)."""
    return frozenset(p.tag.case for p in _morph().parse(norm) if p.tag.case)


def _tokenise(phrase: str) -> tuple[list[str], list[str], list[str]]:
    """Surfaces, folded forms and lemmas of a phrase, exactly as the core tokenises documents."""
    toks = Document.from_text(phrase).tokens
    return ([toks.surface(i) for i in range(len(toks))], [toks.norm(i) for i in range(len(toks))],
            [toks.lemma(i) for i in range(len(toks))])


class Gazetteer:
    """All actors and their compiled patterns. Build with :meth:`default` or :meth:`build`."""

    def __init__(self):
        self.actors: dict[str, ActorInfo] = {}
        self.patterns: list[Pattern] = []
        self.compound_stems: dict[str, str] = {}
        self.adjective_forms: dict[str, str] = {}     # folded adjective form → actor
        self.traps: dict[str, frozenset[str]] = {}
        self.sources: list[str] = []
        self.version = ""
        self._index: dict[str, list[Pattern]] | None = None

    # -- building ---------------------------------------------------------------------------
    @classmethod
    @functools.lru_cache(maxsize=1)
    def default(cls) -> "Gazetteer":
        """ISO 3166 + the curated file; shared (read-only) by every analyzer in the process.

        Built once per machine and then loaded from kzmedia's on-disk cache, keyed by the curated
        file's bytes and the pycountry version, so an edited gazetteer is rebuilt automatically.
        """
        import importlib.metadata

        from kzmedia.cache import cached

        # the curated data, pycountry's names and this module's code (a code change must not meet
        # a gazetteer pickled by older code)
        parts = [*(Path(f).read_bytes() for f in BUILTIN), importlib.metadata.version("pycountry"),
                 Path(__file__).read_bytes()]
        return cached("gazetteer", parts, cls.build)

    @classmethod
    def build(cls, extra_files: Iterable[str | os.PathLike] = (), lexicons: Iterable[Lexicon] = ()
              ) -> "Gazetteer":
        g = cls()
        g._add_iso()
        for f in BUILTIN:
            g.add_file(f)
        for path in extra_files:
            g.add_file(path)
        for lex in lexicons:
            g.add_lexicon(lex)
        return g

    def _add_iso(self) -> None:
        import gettext

        import pycountry

        tr = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ru"]).gettext
        for c in pycountry.countries:
            names = []
            for attr in ("name", "common_name", "official_name"):
                value = getattr(c, attr, None)
                if value:
                    ru = tr(value)
                    if ru != value:  # untranslated entries stay English: skip them
                        names.append(ru)
            if not names:
                continue
            display = tr(getattr(c, "common_name", None) or c.name)
            self._actor(c.alpha_3, display, "state")
            for attr in ("name", "common_name"):
                en = getattr(c, attr, None)
                if en and "," not in en and "(" not in en:
                    self._add(c.alpha_3, "name", en, source="iso3166-latin", exact=True)
            for ru in names:
                ru = re.sub(r"\s*\([^)]*\)", "", ru).replace("\u0301", "").strip()
                if "," in ru or not ru:
                    continue  # "Бонайре, Синт-Эстатиус и Саба": lists, not names
                self._add(c.alpha_3, "name", ru, source="iso3166")
        self.sources.append(f"pycountry {getattr(pycountry, '__version__', '')}".strip())

    def _actor(self, actor_id: str, name: str | None, kind: str | None, home: str | None = None) -> ActorInfo:
        info = self.actors.get(actor_id)
        if info is None:
            info = self.actors[actor_id] = ActorInfo(actor_id, name or actor_id, kind or "state", home)
        else:
            if name:
                info.name = name
            if kind:
                info.kind = kind
            if home:
                info.home = home
        return info

    def add_file(self, path: str | os.PathLike) -> None:
        """Add a gazetteer file (the format of ``data/gazetteer.toml``)."""
        source = os.fspath(path)
        try:
            with open(path, "rb") as fh:
                data = tomllib.load(fh)
        except OSError as e:
            raise LexiconError(f"cannot read gazetteer: {e.strerror or e}", path=source) from None
        except tomllib.TOMLDecodeError as e:
            raise LexiconError(f"invalid TOML: {e}", path=source) from None
        self.add_mapping(data, source=source)

    def add_mapping(self, data: Mapping, source: str = "<mapping>") -> None:
        head = data.get("gazetteer", data.get("leaders_file", {}))
        if head.get("name"):
            self.sources.append(f"{head['name']}@{head.get('version', '?')}")
        actors = data.get("actors", {})
        if not isinstance(actors, Mapping):
            raise LexiconError("'actors' must be a table of tables", path=source)
        for actor_id, spec in actors.items():
            if not isinstance(spec, Mapping):
                raise LexiconError(f"[actors.{actor_id}] must be a table", path=source)
            unknown = set(spec) - _ACTOR_KEYS
            if unknown:
                raise LexiconError(f"[actors.{actor_id}]: unknown keys {sorted(unknown)}", path=source)
            kind = spec.get("kind")
            if kind is not None and kind not in KINDS:
                raise LexiconError(f"[actors.{actor_id}]: kind {kind!r} is not one of {KINDS}", path=source)
            if actor_id not in self.actors and not spec.get("name"):
                raise LexiconError(f"[actors.{actor_id}]: a new actor needs a 'name'", path=source)
            self._actor(actor_id, spec.get("name"), kind, spec.get("home"))
            for phrase in spec.get("skip_iso", ()):
                norms = tuple(_tokenise(phrase)[1])
                self.patterns = [p for p in self.patterns
                                 if not (p.actor == actor_id and p.source == "iso3166"
                                         and len(p.words) == len(norms)
                                         and all(n in w for n, w in zip(norms, p.words)))]
            for key, form in _KEY_FORMS.items():
                values = spec.get(key, ())
                if isinstance(values, str):
                    values = [values]
                for phrase in values:
                    self._add(actor_id, form, phrase, source=source)
            for stem in spec.get("compound_stems", ()):
                self.compound_stems[_fold(stem)] = actor_id
        self._add_leaders(data.get("leaders", ()), source)
        for actor_id in data.get("territories", {}).get("ids", ()):
            if actor_id in self.actors:
                self.actors[actor_id].kind = "territory"
        latin = data.get("latin", {})
        skip = {tuple(_tokenise(n)[0]) for n in latin.get("skip", ())}
        if skip:
            self.patterns = [p for p in self.patterns
                             if not (p.source == "iso3166-latin" and p.exact in skip)]
        for en, actor_id in latin.get("extra", {}).items():
            self._add(actor_id, "name", en, source=source, exact=True)
        traps = data.get("traps", {})
        for key, values in traps.items():
            if key == "blockers":
                for phrase in values:
                    self._add(None, "name", phrase, source=source)
            else:
                self.traps[key] = self.traps.get(key, frozenset()) | frozenset(_fold(v) for v in values)
        self._index = None
        self.version = "+".join(self.sources)

    def _add_leaders(self, entries, source: str) -> None:
        """``[[leaders]]`` entries: each match form becomes a ``person`` pattern whose actor is
        decided per document from the offices it names (see :func:`choose_leader`)."""
        by_phrase: dict[tuple, Pattern] = {}
        for n, entry in enumerate(entries, 1):
            if not isinstance(entry, Mapping) or not entry.get("name") or not entry.get("actor"):
                raise LexiconError(f"[[leaders]] entry {n}: needs 'name' and 'actor'", path=source)
            actor = entry["actor"]
            if actor not in self.actors:
                raise LexiconError(f"[[leaders]] {entry['name']!r}: unknown actor {actor!r}", path=source)
            leader = Leader(entry["name"], actor, entry.get("office", ""), entry.get("from"), entry.get("to"))
            for phrase in entry.get("match") or [entry["name"].split()[-1]]:
                key = tuple(_tokenise(phrase)[1])
                pat = by_phrase.get(key)
                if pat is None:
                    self._add(actor, "person", phrase, source=source)
                    pat = by_phrase[key] = self.patterns[-1]
                    pat.leaders = []
                pat.leaders.append(leader)

    def add_lexicon(self, lexicon: Lexicon) -> None:
        """Add a kzmedia lexicon: each category is an actor id; an entry's ``form`` (or its
        category's ``form``) says which form it is (default ``name``); a category may carry
        ``name``, ``kind`` and ``home``."""
        for cid, cat in lexicon.categories.items():
            extra = cat.extra or {}
            self._actor(cid, extra.get("name") or (None if cid in self.actors else cid),
                        extra.get("kind") if extra.get("kind") in KINDS else None, extra.get("home"))
        for entry in lexicon.entries:
            for cid in entry.categories:
                cat = lexicon.categories.get(cid)
                form = entry.extra.get("form") or (cat.extra.get("form") if cat else None) or "name"
                if form not in FORMS:
                    raise LexiconError(f"entry {entry.pattern!r}: form {form!r} is not one of {FORMS}",
                                       path=lexicon.source, line=entry.line)
                if "*" in entry.pattern or "..." in entry.pattern:
                    raise LexiconError(f"entry {entry.pattern!r}: actor patterns are plain phrases "
                                       "(no '*' or '...')", path=lexicon.source, line=entry.line)
                self._add(cid, "abbreviation" if entry.case_sensitive and form == "name" else form,
                          entry.pattern, source=lexicon.label, exact=entry.case_sensitive or None)
        self.sources.append(lexicon.label)
        self.version = "+".join(self.sources)
        self._index = None

    def _add(self, actor: str | None, form: str, phrase: str, source: str, exact: bool | None = None) -> None:
        surfaces, norms, lemmas = _tokenise(phrase)
        if not norms:
            return
        if exact is None:
            exact = form == "abbreviation"
        if exact and form == "abbreviation" and not phrase.replace(" ", "").replace("-", "").isupper():
            form = "name"  # a Latin-script name written exactly ("Shell", "Total"), not an abbreviation
        words = []
        for k, (s, n, lem) in enumerate(zip(surfaces, norms, lemmas)):
            if exact or not any(c.isalpha() for c in n):
                words.append(frozenset({n}))
            else:
                words.append(word_forms(n))
        capital = (not exact and form in ("name", "metonym", "person") and surfaces[0][:1].isupper())
        self.patterns.append(Pattern(actor, form, tuple(words), tuple(surfaces) if exact else None,
                                     capital, source))
        if form == "adjective" and actor and len(norms) == 1:
            for f in words[0]:
                self.adjective_forms.setdefault(f, actor)
            lemma = norms[0]
            if lemma.endswith(("ский", "цкий")):
                self.compound_stems.setdefault(lemma[:-2] + "о", actor)
        self._index = None

    # -- look-up ----------------------------------------------------------------------------
    @property
    def index(self) -> dict[str, list[Pattern]]:
        """First-token form → patterns starting with it, longest first."""
        if self._index is None:
            idx: dict[str, list[Pattern]] = {}
            for p in self.patterns:
                for f in p.words[0]:
                    idx.setdefault(f, []).append(p)
            for lst in idx.values():
                lst.sort(key=lambda p: -len(p.words))
            self._index = idx
        return self._index

    def trap(self, name: str) -> frozenset[str]:
        return self.traps.get(name, frozenset())

    def ids(self) -> list[str]:
        return sorted(self.actors)


_lock = threading.Lock()


def default_gazetteer() -> Gazetteer:
    with _lock:
        return Gazetteer.default()
