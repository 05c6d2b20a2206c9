"""Keyword in context: every match of a lexicon pattern, or every finding with a label, with N words either side.

``kwic("многовекторный политика", docs)`` matches with the lexicon pattern language (lemmas,
multi-word expressions, ``суверенитет*`` prefixes, ``...`` gaps: :mod:`kzmedia.lexicon`'s
matcher); ``kwic(None, analyses, label="sanctions:exposure")`` lists the findings of that
analyzer and label (documents that are not analyses yet are analysed with that analyzer only).
Contexts are exact: ``left + match + right == text[start - len(left):end + len(right)]`` and
``text[start:end] == match``.
"""

from __future__ import annotations

import bisect
import csv
import html
import io
import json
from collections.abc import Iterable
from typing import Any

import attrs

from .document import Document

__all__ = ["KwicHit", "KwicResult", "kwic"]

COLUMNS = ("doc_id", "start", "end", "left", "match", "right", "label")


@attrs.frozen
class KwicHit:
    """One match in its context (character offsets into the document's text)."""

    doc_id: str
    start: int
    end: int
    left: str
    match: str
    right: str
    label: str | None = None

    def to_dict(self) -> dict:
        return attrs.asdict(self)


@attrs.frozen
class KwicResult:
    """The hits in text order, document by document; ``to_pandas()``, ``to_csv()``, ``to_jsonl()``."""

    hits: tuple[KwicHit, ...]

    def __len__(self) -> int:
        return len(self.hits)

    def __iter__(self):
        return iter(self.hits)

    def __getitem__(self, i):
        return self.hits[i]

    def to_dicts(self) -> list[dict]:
        return [h.to_dict() for h in self.hits]

    def to_pandas(self):
        import pandas as pd

        return pd.DataFrame(self.to_dicts(), columns=list(COLUMNS))

    def to_jsonl(self) -> str:
        return "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in self.to_dicts())

    def to_csv(self) -> str:
        out = io.StringIO()
        w = csv.DictWriter(out, fieldnames=list(COLUMNS), lineterminator="\n")
        w.writeheader()
        w.writerows(self.to_dicts())
        return out.getvalue()

    def table(self, width: int = 40) -> str:
        """Aligned lines as quanteda prints them: ``doc [start-end] | left | MATCH | right``."""
        def flat(s: str) -> str:
            return " ".join(s.split())
        lines = []
        for h in self.hits:
            left, right = flat(h.left)[-width:], flat(h.right)[:width]
            lab = f" ({h.label})" if h.label else ""
            lines.append(f"{h.doc_id} [{h.start}-{h.end}]{lab} | {left:>{width}} | {flat(h.match)} | {right}")
        return "\n".join(lines) if lines else "(no matches)"

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{html.escape(h.doc_id)}</td><td>{h.start}</td><td style='text-align:right'>"
            f"{html.escape(h.left)}</td><td><mark>{html.escape(h.match)}</mark></td><td>{html.escape(h.right)}"
            f"</td><td>{html.escape(h.label or '')}</td></tr>" for h in self.hits)
        return ("<table><thead><tr><th>doc</th><th>start</th><th>left</th><th>match</th><th>right</th>"
                f"<th>label</th></tr></thead><tbody>{rows}</tbody></table>")


def _context(doc: Document, start: int, end: int, window: int) -> tuple[str, str]:
    """``window`` word tokens either side of ``[start, end)``, cut on token bounds of the text."""
    if window == 0:
        return "", ""
    tokens, text = doc.tokens, doc.text
    words = [i for i in range(len(tokens)) if tokens.is_word(i)]
    k = bisect.bisect_left(words, tokens.index_at(start))  # first word of (or after) the match
    left_start = tokens.starts[words[k - window]] if k >= window else 0
    j = bisect.bisect_left(words, bisect.bisect_left(tokens.starts, end))  # first word after the match
    right_end = tokens.ends[words[j + window - 1]] if j + window - 1 < len(words) else len(text)
    return text[min(left_start, start):start], text[end:max(right_end, end)]


def _as_document(item: Any) -> Document:
    if isinstance(item, Document):
        return item
    if isinstance(item, str):
        return Document(item)
    doc = getattr(item, "document", None)
    if isinstance(doc, Document):
        return doc
    if isinstance(item, dict) and isinstance(item.get("document"), dict) and item["document"].get("text"):
        d = item["document"]
        return Document(d["text"], id=d.get("id"), meta=d.get("meta") or {})
    raise TypeError(f"kwic needs texts, Documents or analyses with their text, got {type(item).__name__}")


def kwic(pattern: str | Iterable[str] | None, documents: Iterable[Any], *, window: int = 5,
         label: str | None = None, pipeline=None) -> KwicResult:
    """The contexts of ``pattern`` (lexicon pattern language; several patterns: a list) or of
    every finding ``label="ANALYZER:LABEL"`` in ``documents`` (texts, Documents, analyses)."""
    if (pattern is None) == (label is None):
        raise ValueError("kwic needs a pattern or label='ANALYZER:LABEL' (one of the two)")
    if window < 0:
        raise ValueError("window must be >= 0 words")
    hits: list[KwicHit] = []
    if pattern is not None:
        from .lexicon import Lexicon, LexiconMatcher

        patterns = [pattern] if isinstance(pattern, str) else list(pattern)
        lexicon = Lexicon.from_mapping({"lexicon": {"name": "kwic", "version": "1"},
                                        "entries": [{"pattern": p, "category": p} for p in patterns]})
        matcher = LexiconMatcher(lexicon)
        for item in documents:
            doc = _as_document(item)
            for m in sorted(matcher.match(doc), key=lambda m: (m.start, m.end)):
                left, right = _context(doc, m.start, m.end, window)
                hits.append(KwicHit(doc.id, m.start, m.end, left, doc.text[m.start:m.end], right,
                                    m.entry.categories[0] if len(patterns) > 1 else None))
        return KwicResult(tuple(hits))
    analyzer, sep, wanted = label.partition(":")
    if not sep or not analyzer or not wanted:
        raise ValueError(f"label must be ANALYZER:LABEL, e.g. sanctions:exposure, got {label!r}")
    from .results import normalise, result_views

    views = result_views()
    for item in documents:
        results = getattr(item, "results", None)
        if results is None and isinstance(item, dict):
            results = item.get("results")
        doc = _as_document(item)
        if results is None:
            if pipeline is None:
                from .pipeline import Pipeline

                pipeline = Pipeline([analyzer])
            results = pipeline.analyze(doc).results
        result = (results or {}).get(analyzer)
        if result is None:
            continue
        model = normalise(analyzer, result, view=views.get(analyzer), text=doc.text)
        for f in sorted(model.findings, key=lambda f: (f.start, f.end)):
            if f.label == wanted and doc.text[f.start:f.end] == f.text:
                left, right = _context(doc, f.start, f.end, window)
                hits.append(KwicHit(doc.id, f.start, f.end, left, f.text, right, label))
    return KwicResult(tuple(hits))
