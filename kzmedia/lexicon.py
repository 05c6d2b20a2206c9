"""The lexicon engine shared by every analyzer: a file format, a loader, and a linear-time matcher.

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
"""

from __future__ import annotations

import bisect
import functools
import math
import operator
import os
import re
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from .compat import tomllib
from .document import Document
from .errors import LexiconError
from .memo import FormMemo, FormScreen
from .stance import NEGATORS  # one negator list for the core: kzmedia/data/stance.toml
from .morphology import ALT_LEMMAS, KIND, LEMMA, NORM, POS, TAG, get_morphology
from .text import INVISIBLE, TOKEN_RE, WORD, fold, is_upper_abbreviation

OVERLAP_POLICIES = ("longest", "all", "first")
_ENTRY_KEYS = {"id", "pattern", "category", "categories", "weight", "pos", "case", "quoted",
               "sentence_initial", "case_sensitive", "extra"}
_PLAIN_KEYS = _ENTRY_KEYS - {"pos", "case", "extra"}
_OPEN_QUOTES = "«„“\"'"
_CLOSE_QUOTES = "»“”\"'"


@attrs.frozen
class Category:
    """A category (frame, actor, technique…) with its human definition and free extra fields."""

    id: str
    definition: str = ""
    extra: dict = attrs.field(factory=dict, eq=False)


@attrs.frozen
class LexiconEntry:
    """One pattern and what it stands for. ``line`` points back into the source file."""

    id: str
    pattern: str
    categories: tuple[str, ...]
    weight: float = 1.0
    pos: frozenset[str] | None = None
    case: frozenset[str] | None = None
    quoted: bool = False
    sentence_initial: bool = False
    case_sensitive: bool = False
    extra: dict = attrs.field(factory=dict, eq=False)
    line: int | None = attrs.field(default=None, eq=False)


@attrs.frozen
class Lexicon:
    """A named, versioned set of categories and entries. The version ends up in every result."""

    name: str
    version: str
    entries: tuple[LexiconEntry, ...]
    categories: dict = attrs.field(factory=dict, eq=False)
    language: str = "ru"
    description: str = ""
    source: str | None = attrs.field(default=None, eq=False)

    # -- loading ----------------------------------------------------------------------------
    @classmethod
    def load(cls, path: str | os.PathLike) -> "Lexicon":
        """Load a lexicon file: ``.toml`` (native), ``.dic`` (LIWC) or ``.yml``/``.yaml`` (quanteda)."""
        source = os.fspath(path)
        suffix = os.path.splitext(source)[1].lower()
        try:
            with open(path, "rb") as fh:
                raw = fh.read()
        except OSError as e:
            raise LexiconError(f"cannot read lexicon: {e.strerror or e}", path=source) from None
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            line = raw[: e.start].count(b"\n") + 1
            raise LexiconError(f"not valid UTF-8 at byte offset {e.start}", path=source, line=line) from None
        if suffix == ".dic":
            return cls.from_liwc(text, source=source)
        if suffix in (".yml", ".yaml"):
            return cls.from_yaml(text, source=source)
        return cls.loads(text, source=source)

    @classmethod
    def loads(cls, text: str, *, source: str | None = None) -> "Lexicon":
        """Parse the TOML lexicon format from a string."""
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as e:
            m = re.search(r"\(at line (\d+), column (\d+)\)", str(e))
            msg = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(e))
            raise LexiconError(f"invalid TOML: {msg}" + (f" (column {m.group(2)})" if m else ""),
                               path=source, line=int(m.group(1)) if m else None) from None
        return cls.from_mapping(data, source=source, raw=text)

    @classmethod
    def from_mapping(cls, data: Mapping, *, source: str | None = None, raw: str = "") -> "Lexicon":
        """Build from the parsed TOML structure (also handy for lexicons built in code)."""
        def fail(msg: str, needle: str | None = None, line: int | None = None):
            if line is None and needle:
                line = _line_of(raw, needle)
            raise LexiconError(msg, path=source, line=line)

        head = data.get("lexicon")
        if not isinstance(head, Mapping):
            fail("missing [lexicon] table with name and version")
        for key in ("name", "version"):
            if not isinstance(head.get(key), str) or not head.get(key):
                fail(f"[lexicon] needs a non-empty string {key!r}", "[lexicon]")
        categories: dict[str, Category] = {}
        entries: list[LexiconEntry] = []
        seen_ids: set[str] = set()
        line_of = _QuotedLines(raw)  # one index of the file for every entry's line

        def add(spec: Mapping, default_cats: tuple[str, ...], default_weight: float, where: str):
            pattern = spec.get("pattern")
            if not isinstance(pattern, str) or not pattern.strip():
                fail(f"{where}: entry needs a non-empty string 'pattern'", where.split(" ")[0])
            line = line_of(f'"{pattern}"')
            cats = spec.get("categories", spec.get("category", default_cats))
            if isinstance(cats, str):
                cats = (cats,)
            if not cats or not all(isinstance(c, str) for c in cats):
                fail(f"{where}: entry {pattern!r} needs 'category' or 'categories'", line=line)
            weight = spec.get("weight", default_weight)
            if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not math.isfinite(weight):
                fail(f"{where}: entry {pattern!r} has weight {weight!r}; a finite number is required", line=line)
            entry_id = spec.get("id") or f"{cats[0]}:{pattern}"
            if entry_id in seen_ids and "id" in spec:
                fail(f"{where}: duplicate entry id {entry_id!r}", line=line)
            seen_ids.add(entry_id)
            pos = case = None
            extra = {}
            try:
                _parse_pattern(pattern)
                if not spec.keys() <= _PLAIN_KEYS:  # most entries have no pos, case or extra fields
                    pos, case = _opt_set(spec.get("pos")), _opt_set(spec.get("case"))
                    for key, values, known in (("pos", pos, _parts_of_speech), ("case", case, _grammemes)):
                        unknown = sorted(values - known()) if values else None
                        if unknown:  # an entry that could never match
                            fail(f"{where}: entry {pattern!r}: unknown {key} value(s) {unknown} (pymorphy3 "
                                 f"{'parts of speech' if key == 'pos' else 'grammemes'}, e.g. "
                                 f"{'NOUN, VERB, ADJF' if key == 'pos' else 'nomn, gent, accs'})", line=line)
                    extra = dict(spec.get("extra") or {})
                    extra.update({k: v for k, v in spec.items() if k not in _ENTRY_KEYS})
                entry = LexiconEntry(
                    id=str(entry_id), pattern=pattern, categories=tuple(cats), weight=float(weight),
                    pos=pos, case=case, quoted=bool(spec.get("quoted", False)),
                    sentence_initial=bool(spec.get("sentence_initial", False)),
                    case_sensitive=bool(spec.get("case_sensitive", False)), extra=extra, line=line,
                )
            except (TypeError, ValueError) as e:
                fail(f"{where}: entry {pattern!r}: {e}", line=line)
            entries.append(entry)

        cat_table = data.get("categories", {})
        if not isinstance(cat_table, Mapping):
            fail("'categories' must be a table of tables", "categories")
        for cid, spec in cat_table.items():
            if not isinstance(spec, Mapping):
                fail(f"category {cid!r} must be a table", f"[categories.{cid}]")
            extra = {k: v for k, v in spec.items() if k not in ("definition", "terms", "weight")}
            categories[cid] = Category(cid, str(spec.get("definition", "")), extra)
            default_weight = spec.get("weight", 1.0)
            terms = spec.get("terms", [])
            if not isinstance(terms, list):
                fail(f"category {cid!r}: 'terms' must be a list", f"[categories.{cid}]")
            for term in terms:
                if isinstance(term, str):
                    term = {"pattern": term}
                if not isinstance(term, Mapping):
                    fail(f"category {cid!r}: a term must be a string or an inline table, got {term!r}",
                         f"[categories.{cid}]")
                add(term, (cid,), default_weight, f"[categories.{cid}]")
        raw_entries = data.get("entries", [])
        if not isinstance(raw_entries, list):
            fail("'entries' must be an array of tables ([[entries]])", "entries")
        for k, spec in enumerate(raw_entries):
            if not isinstance(spec, Mapping):
                fail(f"[[entries]] #{k + 1} must be a table", "[[entries]]")
            add(spec, (), 1.0, f"[[entries]] #{k + 1}")
        for c in {c: None for entry in entries for c in entry.categories}:
            if c not in categories:
                categories[c] = Category(c)
        return cls(name=head["name"], version=head["version"], entries=tuple(entries),
                   categories=categories, language=str(head.get("language", "ru")),
                   description=str(head.get("description", "")), source=source)

    @classmethod
    def from_liwc(cls, text: str, *, source: str | None = None, name: str | None = None,
                  version: str = "liwc") -> "Lexicon":
        """Import a LIWC ``.dic`` dictionary (``%`` header of ``number<TAB>category``, then
        ``pattern<TAB>number...`` lines; ``*`` marks a prefix)."""
        lines = text.splitlines()
        if not lines or lines[0].strip() != "%":
            raise LexiconError("a LIWC .dic file starts with a line holding only '%'", path=source, line=1)
        cats: dict[str, str] = {}
        i = 1
        while i < len(lines) and lines[i].strip() != "%":
            line = lines[i].strip()
            if line:
                parts = line.split()
                if len(parts) < 2:
                    raise LexiconError(f"category line needs 'number name', got {line!r}", path=source, line=i + 1)
                if not parts[0].isdigit():
                    raise LexiconError(f"category number {parts[0]!r} is not a number", path=source, line=i + 1)
                if parts[0] in cats:
                    raise LexiconError(f"category number {parts[0]} is given twice ({cats[parts[0]]!r} and "
                                       f"{parts[1]!r})", path=source, line=i + 1)
                cats[parts[0]] = parts[1]
            i += 1
        if i >= len(lines):
            raise LexiconError("the category header is not closed by a second '%' line", path=source, line=i)
        entries = []
        for j in range(i + 1, len(lines)):
            line = lines[j].strip()
            if not line:
                continue
            parts = re.split(r"\t+|\s{2,}", line) if "\t" in line else line.split()
            pattern, numbers = parts[0], parts[1:]
            unknown = [n for n in numbers if n not in cats]
            if not numbers or unknown:
                raise LexiconError(f"entry {pattern!r} refers to unknown categories {unknown or '(none)'}",
                                   path=source, line=j + 1)
            try:
                _parse_pattern(pattern)
            except ValueError as e:
                raise LexiconError(f"entry {pattern!r}: {e}", path=source, line=j + 1) from None
            entries.append(LexiconEntry(id=f"{cats[numbers[0]]}:{pattern}", pattern=pattern,
                                        categories=tuple(cats[n] for n in numbers), line=j + 1))
        return cls(name=name or _stem(source) or "liwc", version=version, entries=tuple(entries),
                   categories={c: Category(c) for c in cats.values()}, source=source)

    @classmethod
    def from_yaml(cls, text: str, *, source: str | None = None, name: str | None = None,
                  version: str = "yaml") -> "Lexicon":
        """Import a quanteda-style YAML dictionary: nested ``category: [patterns]`` mappings;
        nested keys become dotted category ids (``economy.tax``)."""
        try:
            import yaml
        except ImportError:
            raise LexiconError("reading YAML dictionaries needs PyYAML: pip install 'kzmedia[yaml]'",
                               path=source) from None
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as e:
            mark = getattr(e, "problem_mark", None)
            raise LexiconError(f"invalid YAML: {getattr(e, 'problem', e)}", path=source,
                               line=mark.line + 1 if mark else None) from None
        if not isinstance(data, Mapping):
            raise LexiconError("a YAML dictionary must be a mapping of category -> patterns", path=source)
        entries: list[LexiconEntry] = []
        line_of = _LineFinder(text)

        def walk(node, prefix: str):
            for key, value in node.items():
                cid = f"{prefix}.{key}" if prefix else str(key)
                if isinstance(value, Mapping):
                    walk(value, cid)
                elif isinstance(value, list):
                    for pattern in value:
                        if not isinstance(pattern, str):
                            raise LexiconError(f"category {cid!r}: pattern {pattern!r} is not a string",
                                               path=source, line=_line_of(text, str(pattern)))
                        line = line_of(pattern)
                        try:
                            _parse_pattern(pattern)
                        except ValueError as e:
                            raise LexiconError(f"category {cid!r}: {e}", path=source, line=line) from None
                        entries.append(LexiconEntry(id=f"{cid}:{pattern}", pattern=pattern,
                                                    categories=(cid,), line=line))
                else:
                    raise LexiconError(f"category {cid!r} must hold a list or a mapping", path=source,
                                       line=_line_of(text, f"{key}:"))

        walk(data, "")
        cats = {c: Category(c) for e in entries for c in e.categories}
        return cls(name=name or _stem(source) or "yaml", version=version, entries=tuple(entries),
                   categories=cats, source=source)

    # -- combining --------------------------------------------------------------------------
    def merged(self, *others: "Lexicon", name: str | None = None) -> "Lexicon":
        """One lexicon holding this one's entries and the others'; versions are joined."""
        entries = list(self.entries)
        categories = dict(self.categories)
        versions = [f"{self.name}@{self.version}"]
        for o in others:
            entries.extend(o.entries)
            for cid, c in o.categories.items():
                categories.setdefault(cid, c)
            versions.append(f"{o.name}@{o.version}")
        return Lexicon(name=name or self.name, version="+".join(versions) if others else self.version,
                       entries=tuple(entries), categories=categories, language=self.language,
                       description=self.description, source=self.source)

    @property
    def label(self) -> str:
        """``name@version``: what results record."""
        return f"{self.name}@{self.version}"


def _stem(source: str | None) -> str | None:
    return os.path.splitext(os.path.basename(source))[0] if source else None


def _opt_set(value) -> frozenset[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return frozenset({value})
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return frozenset(value)
    raise ValueError(f"expected a string or list of strings, got {value!r}")


def _line_of(raw: str, needle: str | None) -> int | None:
    """The line of the first ``needle`` in ``raw`` (for errors about a file as a whole)."""
    if not raw or not needle:
        return None
    k = raw.find(needle)
    return raw.count("\n", 0, k) + 1 if k >= 0 else None


class _QuotedLines:
    """The line of the first occurrence of a ``"quoted"`` string in a TOML file, from one index
    of the file's simple quoted strings built on first use: a line per entry costs a lookup, not
    a search of the file. An entry's line is where its pattern is first written (plugins that
    key rules by ``(id, line)`` rely on a repeated pattern giving the same line)."""

    def __init__(self, raw: str):
        self.raw = raw
        self._index: tuple[list[int], dict[str, int]] | None = None

    def __call__(self, needle: str) -> int | None:
        if not self.raw or not needle:
            return None
        if self._index is None:
            quoted: dict[str, int] = {}
            for m in re.finditer(r'"[^"\\\n]*"', self.raw):
                quoted.setdefault(m.group(), m.start())
            self._index = [m.start() for m in re.finditer("\n", self.raw)], quoted
        newlines, quoted = self._index
        k = quoted.get(needle)
        if k is None:
            return _line_of(self.raw, needle)
        return bisect.bisect_left(newlines, k) + 1


class _LineFinder:
    """Lines of the entries of one source file (YAML), asked for in file order.

    Each search starts where the previous one ended, so the lines of a whole file cost one pass
    over it (a 50,000-entry lexicon is not searched 50,000 times), and an entry repeated later in
    the file gets its own line. A string not found after the cursor is searched from the top
    (entries given before the categories, say), and the cursor moves there.
    """

    def __init__(self, raw: str):
        self.raw, self.pos, self.line = raw, 0, 1

    def __call__(self, needle: str) -> int | None:
        raw = self.raw
        if not raw or not needle:
            return None
        k = raw.find(needle, self.pos)
        if k < 0:
            k = raw.find(needle)
            if k < 0:
                return None
            self.pos, self.line = 0, 1
        line = self.line + raw.count("\n", self.pos, k)
        end = k + len(needle)
        self.pos, self.line = end, line + raw.count("\n", k, end)
        return line


_POS_EXTRA = frozenset({"LATN", "NUMB", "PNCT", "ROMN", "UNKN"})


def _pymorphy_tagset():
    from pymorphy3.tagset import OpencorporaTag

    if not OpencorporaTag.KNOWN_GRAMMEMES:  # filled when a dictionary is loaded
        get_morphology()
    return OpencorporaTag


@functools.cache  # the tag set is fixed once a dictionary is loaded
def _parts_of_speech() -> frozenset[str]:
    return frozenset(_pymorphy_tagset().PARTS_OF_SPEECH) | _POS_EXTRA


@functools.cache
def _grammemes() -> frozenset[str]:
    return frozenset(_pymorphy_tagset().KNOWN_GRAMMEMES)


# --------------------------------------------------------------------------------------------
# Compilation
# --------------------------------------------------------------------------------------------

# compiled pattern elements
_LEMMA, _PREFIX, _PUNCT, _GAP = range(4)


_PATTERN_ELEMENT = re.compile(r"\.\.\.|…|[^\s.…]+\*|" + TOKEN_RE.pattern)


@functools.lru_cache(maxsize=1 << 17)  # loading checks each pattern, compiling parses it again
def _parse_pattern(pattern: str) -> tuple[tuple[str, str], ...]:
    """Split a pattern into ``(kind, text)`` elements; raise ``ValueError`` if it is unusable."""
    out: list[tuple[str, str]] = []
    for m in _PATTERN_ELEMENT.finditer(pattern):
        t = m.group()
        if t in ("...", "…"):
            out.append(("gap", t))
        elif t.endswith("*") and len(t) > 1:
            stem = t[:-1]
            if not TOKEN_RE.fullmatch(stem) or "*" in stem:
                raise ValueError(f"only a trailing '*' is supported, got {t!r}")
            out.append(("prefix", t[:-1]))
        elif t == "*":
            raise ValueError("a lone '*' matches nothing; write a prefix such as 'антироссийск*'")
        else:
            # a token starting with a letter or digit is a word (TOKEN_RE: the rest are single marks)
            out.append(("word" if t[0].isalnum() else "punct", t))
    if not any(k in ("word", "prefix") for k, _ in out):
        raise ValueError("pattern has no word")
    if out[0][0] == "gap" or out[-1][0] == "gap":
        raise ValueError("a pattern cannot start or end with '...'")
    return tuple(out)


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
        from .cache import cached

        lexicons = (lexicons,) if isinstance(lexicons, Lexicon) else tuple(lexicons)
        # this module's own source is part of the key: changed matcher code never meets stale pickles
        parts = [_COMPILED_FORMAT, open(__file__, "rb").read(), sorted(options.items())]
        for lex in lexicons:
            parts.append((lex.name, lex.version, lex.language))
            # sets are sorted: their repr order changes with each process's hash seed
            parts.extend((e.id, e.pattern, e.categories, e.weight, sorted(e.pos or ()), sorted(e.case or ()),
                          e.quoted, e.sentence_initial, e.case_sensitive) for e in lex.entries)
        return cached("matcher", parts, lambda: cls(lexicons, **options))

    def _compile(self, entry: LexiconEntry) -> tuple:
        elements = []
        for kind, t in _parse_pattern(entry.pattern):
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


__all__ = ["Category", "FormMemo", "FormScreen", "Lexicon", "LexiconEntry", "LexiconMatch", "LexiconMatcher", "match_lexicon",
           "NEGATORS", "OVERLAP_POLICIES"]
