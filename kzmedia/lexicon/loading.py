"""Reading lexicon files: the native TOML format, LIWC ``.dic`` and quanteda-style YAML.

Each reader turns a file into a :class:`~kzmedia.lexicon.format.Lexicon`, checking every entry
(its pattern, weight, parts of speech and cases) and naming the file and line of the first
problem in a :class:`~kzmedia.LexiconError`. ``Lexicon.load``, ``Lexicon.loads``,
``Lexicon.from_mapping``, ``Lexicon.from_liwc`` and ``Lexicon.from_yaml`` call these functions.
"""

from __future__ import annotations

import bisect
import functools
import math
import os
import re
from collections.abc import Mapping

from ..compat import tomllib
from ..errors import LexiconError
from ..morphology import get_morphology
from .format import Category, Lexicon, LexiconEntry, parse_pattern

__all__ = ["from_liwc", "from_mapping", "from_yaml", "load", "loads"]

_ENTRY_KEYS = {"id", "pattern", "category", "categories", "weight", "pos", "case", "quoted",
               "sentence_initial", "case_sensitive", "extra"}
_PLAIN_KEYS = _ENTRY_KEYS - {"pos", "case", "extra"}


def load(cls: type[Lexicon], path: str | os.PathLike) -> "Lexicon":
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

def loads(cls: type[Lexicon], text: str, *, source: str | None = None) -> "Lexicon":
    """Parse the TOML lexicon format from a string."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"\(at line (\d+), column (\d+)\)", str(e))
        msg = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(e))
        raise LexiconError(f"invalid TOML: {msg}" + (f" (column {m.group(2)})" if m else ""),
                           path=source, line=int(m.group(1)) if m else None) from None
    return cls.from_mapping(data, source=source, raw=text)

def from_mapping(cls: type[Lexicon], data: Mapping, *, source: str | None = None, raw: str = "") -> "Lexicon":
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
            parse_pattern(pattern)
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

def from_liwc(cls: type[Lexicon], text: str, *, source: str | None = None, name: str | None = None,
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
            parse_pattern(pattern)
        except ValueError as e:
            raise LexiconError(f"entry {pattern!r}: {e}", path=source, line=j + 1) from None
        entries.append(LexiconEntry(id=f"{cats[numbers[0]]}:{pattern}", pattern=pattern,
                                    categories=tuple(cats[n] for n in numbers), line=j + 1))
    return cls(name=name or _stem(source) or "liwc", version=version, entries=tuple(entries),
               categories={c: Category(c) for c in cats.values()}, source=source)

def from_yaml(cls: type[Lexicon], text: str, *, source: str | None = None, name: str | None = None,
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
                        parse_pattern(pattern)
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
