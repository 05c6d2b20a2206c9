"""The lexicon format: :class:`Lexicon`, its entries and categories, and the pattern syntax.

A lexicon is data: a name and a version (recorded in every result), categories, and entries
mapping a pattern to categories. Files are read by :mod:`kzmedia.lexicon.loading`; documents are
matched by :mod:`kzmedia.lexicon.matching`. :func:`parse_pattern` is the one reading of a
pattern's syntax (see :mod:`kzmedia.lexicon`), used by both: loading checks every pattern with
it, compiling splits it.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Mapping

import attrs

from ..text import TOKEN_RE

__all__ = ["Category", "Lexicon", "LexiconEntry", "parse_pattern"]


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

    # -- loading (kzmedia.lexicon.loading reads the files) ---------------------------------------
    @classmethod
    def load(cls, path: str | os.PathLike) -> "Lexicon":
        """Load a lexicon file: ``.toml`` (native), ``.dic`` (LIWC) or ``.yml``/``.yaml`` (quanteda)."""
        from . import loading

        return loading.load(cls, path)

    @classmethod
    def loads(cls, text: str, *, source: str | None = None) -> "Lexicon":
        """Parse the TOML lexicon format from a string."""
        from . import loading

        return loading.loads(cls, text, source=source)

    @classmethod
    def from_mapping(cls, data: Mapping, *, source: str | None = None, raw: str = "") -> "Lexicon":
        """Build from the parsed TOML structure (also handy for lexicons built in code)."""
        from . import loading

        return loading.from_mapping(cls, data, source=source, raw=raw)

    @classmethod
    def from_liwc(cls, text: str, *, source: str | None = None, name: str | None = None,
                  version: str = "liwc") -> "Lexicon":
        """Import a LIWC ``.dic`` dictionary (``%`` header of ``number<TAB>category``, then
        ``pattern<TAB>number...`` lines; ``*`` marks a prefix)."""
        from . import loading

        return loading.from_liwc(cls, text, source=source, name=name, version=version)

    @classmethod
    def from_yaml(cls, text: str, *, source: str | None = None, name: str | None = None,
                  version: str = "yaml") -> "Lexicon":
        """Import a quanteda-style YAML dictionary: nested ``category: [patterns]`` mappings;
        nested keys become dotted category ids (``economy.tax``)."""
        from . import loading

        return loading.from_yaml(cls, text, source=source, name=name, version=version)

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


_PATTERN_ELEMENT = re.compile(r"\.\.\.|…|[^\s.…]+\*|" + TOKEN_RE.pattern)


@functools.lru_cache(maxsize=1 << 17)  # loading checks each pattern, compiling parses it again
def parse_pattern(pattern: str) -> tuple[tuple[str, str], ...]:
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
