"""Closed-class grammar words of the actors analyzer (data/grammar.toml) and clause bounds.

Clauses are found from the positions of their boundary tokens (punctuation, conjunctions), which
the core collects in C; a mention's clause is then two bisections, so a sentence of any length
(even one without punctuation) costs time linear in its tokens.
"""

from __future__ import annotations

import bisect
from importlib import resources

from kzmedia.compat import tomllib


class Grammar:
    """The word sets of ``data/grammar.toml`` (folded forms) and the file's version."""

    __slots__ = ("version", "prepositions", "clause_punct", "clause_words", "coordinators", "boundaries")

    def __init__(self, data: dict):
        head = data.get("grammar", {})
        self.version = f"{head.get('name', 'grammar')}@{head.get('version', '?')}"
        words = data.get("words", {})
        self.prepositions = frozenset(words.get("prepositions", ()))
        self.clause_punct = frozenset(words.get("clause_punct", ()))
        self.clause_words = frozenset(words.get("clause_words", ()))
        self.coordinators = frozenset(words.get("coordinators", ()))
        self.boundaries = self.clause_punct | self.clause_words

    @classmethod
    def load(cls) -> "Grammar":
        text = resources.files(__package__).joinpath("data", "grammar.toml").read_text(encoding="utf-8")
        return cls(tomllib.loads(text))


GRAMMAR = Grammar.load()


class Clauses:
    """Clause bounds of one document: the sorted token positions of its clause boundaries."""

    __slots__ = ("boundaries",)

    def __init__(self, document, grammar: Grammar = GRAMMAR):
        self.boundaries = document.tokens.positions(grammar.boundaries)

    def bounds(self, i: int, j: int, sent_start: int, sent_end: int) -> tuple[int, int]:
        """Half-open token range of the clause around tokens ``i..j``, inside its sentence: from
        just after the last boundary before ``i`` to the first boundary at or after ``j``."""
        b = self.boundaries
        k = bisect.bisect_left(b, i)
        a = b[k - 1] + 1 if k and b[k - 1] + 1 > sent_start else sent_start
        k = bisect.bisect_left(b, j)
        e = b[k] if k < len(b) and b[k] < sent_end else sent_end
        return a, e
