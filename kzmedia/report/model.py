"""What the report shows, as plain data: documents, their marks (highlightable spans) and profiles.

Everything comes from the generic result model (:mod:`kzmedia.results`): a layer per analyzer,
a mark per finding, a profile per analyzer from its scores and relations. No analyzer is known
by name, so a third-party plugin's results are drawn exactly like the built-ins'. A result that
cannot be read (a view that fails, a malformed span) is skipped and counted, never fatal, so a
report can always be drawn, even from an old store.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import attrs

from ..metadata import group_value, month_of, outlet_of  # one rule for the report and the tables (re-exported)
from ..results import Finding, ResultModel, Score, normalise
from ..tables import SeriesTally

__all__ = ["CorpusSummary", "DocView", "Evidence", "IndexRow", "Mark", "MarkTally", "doc_view", "doc_views",
           "iter_doc_views", "merge_views", "month_of", "outlet_of", "safe_url", "segments", "comparison_rows", "item_counts"]


@attrs.frozen
class Mark:
    """One highlightable span: ``text[start:end]`` of the document, on a layer, with a label."""

    layer: str
    start: int
    end: int
    text: str
    label: str
    details: tuple[tuple[str, str], ...] = ()
    strength: float | None = None  # the finding's score (confidence, weight), to rank and filter


class _Named:
    """How a page names and links a document: its title (else its id) and its anchor."""

    __slots__ = ()

    @property
    def anchor(self) -> str:
        return f"doc-{self.index}"

    @property
    def title(self) -> str:
        t = self.meta.get("title")
        return str(t) if t else self.id


@attrs.define
class DocView(_Named):
    """One document as the report sees it (the text may be absent when read from a store)."""

    index: int
    id: str
    text: str | None
    meta: dict
    words: int
    models: dict[str, ResultModel]
    errors: list[dict]
    marks: list[Mark] = attrs.field(factory=list)
    unplaced: list[Mark] = attrs.field(factory=list)  # spans that do not match the text

    @property
    def results(self) -> dict[str, ResultModel]:
        """The analyzers that ran on this document (their models)."""
        return self.models

    # -- profiles, per analyzer ------------------------------------------------------------
    def label_counts(self, analyzer: str, *, asserted: bool = False) -> list[tuple[str, int]]:
        """``[(label, findings)]``, most frequent first; ``asserted``: only the findings that count
        towards their label (:func:`kzmedia.comparison.counts`, the comparison's rule)."""
        model = self.models.get(analyzer)
        if asserted:
            from ..comparison import counts as keep
        else:
            keep = None
        counts = Counter(f.label for f in model.findings if keep is None or keep(f)) if model else Counter()
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))

    def profile(self, analyzer: str) -> tuple[str, str, list[tuple[str, float]]] | None:
        """The analyzer's first grouped score (e.g. a score per frame, mentions per actor) as
        ``(name, unit, [(group, value)])`` largest first, or ``None`` when it has none."""
        model = self.models.get(analyzer)
        if model is None:
            return None
        grouped = [s for s in model.scores if s.group is not None]
        if not grouped:
            return None
        name = grouped[0].name
        rows = [(s.group, float(s.value)) for s in grouped if s.name == name]
        return name, grouped[0].unit, sorted(rows, key=lambda kv: (-kv[1], kv[0]))

    def plain_scores(self, analyzer: str) -> list[Score]:
        model = self.models.get(analyzer)
        return [s for s in model.scores if s.group is None] if model else []

    def relation_counts(self, analyzer: str) -> list[tuple[str, str, int]]:
        """``[(source, target, weight)]`` of the analyzer's relations (weight: the relation's
        score when it is a positive count, else 1 per relation)."""
        model = self.models.get(analyzer)
        pairs: Counter = Counter()
        for r in model.relations if model else ():
            w = r.score if isinstance(r.score, (int, float)) and r.score >= 1 else 1
            pairs[(r.source, r.target)] += int(w)
        return [(a, b, n) for (a, b), n in pairs.items()]

    def top_labels(self, analyzer: str, n: int = 3) -> list[str]:
        return [label for label, _ in self.label_counts(analyzer)[:n]]

    def layer_counts(self) -> dict[str, int]:
        return dict(Counter(m.layer for m in self.marks))


# --------------------------------------------------------------------------------------------
# Building views
# --------------------------------------------------------------------------------------------

def doc_views(analyses: Iterable[Any], views: Mapping | None = None) -> list[DocView]:
    """Accepts :class:`kzmedia.Analysis` objects or their ``to_dict()`` dicts (optionally with a
    ``"text"`` key beside ``"document"``). ``views``: the analyzers' ``result_model`` methods
    (default: an analysis object's own, else the installed analyzers'). Views already built
    pass through, so a caller can turn a stream of analyses into views one at a time (the
    analyses, their documents and token caches are then freed as the stream goes)."""
    return list(iter_doc_views(analyses, views))


def iter_doc_views(analyses: Iterable[Any], views: Mapping | None = None) -> Iterator[DocView]:
    """:func:`doc_views` one at a time, for pages drawn from a stream (the corpus view)."""
    for i, a in enumerate(analyses):
        yield a if isinstance(a, DocView) else doc_view(i, a, views)


def _default_views():
    from ..results import result_views

    try:
        return result_views()
    except Exception:  # no plugins could be loaded: the generic rules still draw a report
        return {}


def doc_view(index: int, analysis: Any, views: Mapping | None = None) -> DocView:
    text = None
    if isinstance(analysis, Mapping):
        data = analysis
        text = analysis.get("text")
        if text is None:
            text = _dict(analysis.get("document")).get("text")
        if views is None:
            views = _default_views()
    else:
        data = analysis.to_dict()
        doc = getattr(analysis, "document", None)
        if doc is not None:
            text = doc.text
        if views is None:
            views = getattr(analysis, "views", None)
            views = views if views is not None else _default_views()
    info = _dict(data.get("document"))
    models: dict[str, ResultModel] = {}
    broken: list[dict] = []
    for name, result in _dict(data.get("results")).items():
        if not isinstance(result, Mapping):
            continue
        try:
            models[str(name)] = normalise(str(name), result, view=views.get(name),
                                          text=text if isinstance(text, str) else None)
        except Exception as e:  # a view that cannot read an (old) result: say so, draw the rest
            broken.append({"analyzer": name, "stage": "report",
                           "message": f"result not readable: {type(e).__name__}: {e}"})
    view = DocView(index=index, id=str(info.get("id", f"document {index + 1}")),
                   text=text if isinstance(text, str) else None, meta=_dict(info.get("meta")),
                   words=int(_num(info.get("words"))), models=models,
                   errors=[e for e in _list(data.get("errors")) if isinstance(e, Mapping)] + broken)
    for model in models.values():
        for f in model.findings:
            mark = _mark(f)
            (view.marks if _placeable(mark, view.text) else view.unplaced).append(mark)
    view.marks.sort(key=lambda m: (m.start, -m.end, m.layer, m.label))
    return view


def _mark(f: Finding) -> Mark:
    details = [(k, _fmt(v)) for k, v in f.extra.items() if v not in (None, "", [], {})]
    if f.score is not None:
        details.insert(0, ("score", _fmt(f.score)))
    return Mark(f.analyzer, f.start, f.end, f.text, f.label, tuple(details), f.score)


def _placeable(m: Mark, text: str | None) -> bool:
    if text is None:
        return True
    return m.end <= len(text) and text[m.start:m.end] == m.text


# --------------------------------------------------------------------------------------------
# Segmenting the text at every span boundary (overlaps stay readable)
# --------------------------------------------------------------------------------------------

def segments(text: str, marks: list[Mark]) -> list[tuple[int, int, list[int]]]:
    """``[(start, end, [mark indexes covering it])]`` covering the whole text, in order."""
    bounds = {0, len(text)}
    for m in marks:
        bounds.add(m.start)
        bounds.add(m.end)
    cuts = sorted(b for b in bounds if 0 <= b <= len(text))
    starts: dict[int, list[int]] = {}
    ends: dict[int, list[int]] = {}
    for i, m in enumerate(marks):
        starts.setdefault(m.start, []).append(i)
        ends.setdefault(m.end, []).append(i)
    active: set[int] = set()
    out = []
    for a, b in zip(cuts, cuts[1:]):
        active.difference_update(ends.get(a, ()))
        active.update(starts.get(a, ()))
        out.append((a, b, sorted(active)))
    return out


# --------------------------------------------------------------------------------------------
# Comparison and corpus aggregates
# --------------------------------------------------------------------------------------------

def analyzers_of(views: list[DocView]) -> list[str]:
    """Every analyzer present, in first-seen order."""
    return list(dict.fromkeys(name for v in views for name in v.models))


def comparison_rows(views: list[DocView]) -> dict[str, list[dict]]:
    """Per analyzer, ``[{key, label, values: [per doc], spread}]`` sorted by spread, largest first:
    findings per label per 1,000 words (counted as ``kzmedia compare`` counts them: only where the
    text asserts the span), or the analyzer's profile scores when it has no findings."""
    n = len(views)
    out = {}
    for name in analyzers_of(views):
        table: dict[str, list[float]] = {}
        has_findings = any(v.label_counts(name) for v in views)
        for i, v in enumerate(views):
            if has_findings:
                for label, c in v.label_counts(name, asserted=True):
                    table.setdefault(label, [0.0] * n)[i] = _per_1000(c, v.words)
            else:
                prof = v.profile(name)
                for group, value in prof[2] if prof else ():
                    table.setdefault(group, [0.0] * n)[i] = value
        rows = [{"key": k, "label": k, "values": vals, "spread": max(vals) - min(vals)}
                for k, vals in table.items() if any(vals)]
        rows.sort(key=lambda r: (-r["spread"], -max(r["values"]), r["label"]))
        out[name] = rows
    return out


def _per_1000(count: float, words: int) -> float:
    return 1000.0 * count / words if words else float(count)


def item_counts(v: DocView) -> dict[str, Counter]:
    """Per analyzer, label → findings in this document."""
    return {name: Counter(dict(v.label_counts(name))) for name in v.models}


# --------------------------------------------------------------------------------------------
# The corpus page, gathered one document at a time
# --------------------------------------------------------------------------------------------

class MarkTally:
    """The analyzers and labels drawn over many documents, counted as the documents come: which
    layers have marks (in the analyzers' first-seen order), findings per layer and label, and
    which layers give scores that all lie in [0, 1] (those get the minimum-score filter)."""

    def __init__(self, views: Iterable[DocView] = ()):
        self.analyzers: dict[str, None] = {}  # every analyzer met, first-seen order
        self.counts: Counter = Counter()  # (layer, label) -> marks
        self.totals: Counter = Counter()  # layer -> marks
        self._with_scores: set[str] = set()
        self._unbounded: set[str] = set()
        for v in views:
            self.add(v)

    def add(self, view: DocView) -> None:
        for name in view.models:
            self.analyzers.setdefault(name, None)
        counts, totals = self.counts, self.totals
        for m in view.marks:
            counts[(m.layer, m.label)] += 1
            totals[m.layer] += 1
            if m.strength is not None:
                self._with_scores.add(m.layer)
                if not 0 <= m.strength <= 1:
                    self._unbounded.add(m.layer)

    @property
    def layers(self) -> list[str]:
        """The analyzers with at least one mark, in the pipeline's order."""
        return [n for n in self.analyzers if self.totals[n]]

    @property
    def scored(self) -> set[str]:
        return {n for n in self.layers if n in self._with_scores and n not in self._unbounded}


#: characters of context on each side of a finding shown as evidence on the corpus page
KWIC_WIDTH = 50


@attrs.frozen
class Evidence:
    """A finding kept as an example of its label on the corpus page: its text, the text around
    it (``None`` when the document's text is not at hand) and the document it links to."""

    mark: Mark
    before: str | None
    after: str | None
    doc: "IndexRow"

    @classmethod
    def of(cls, view: DocView, mark: Mark) -> "Evidence":
        text = view.text
        if text is None:
            return cls(mark, None, None, IndexRow.of(view, brief=True))
        return cls(mark, text[max(0, mark.start - KWIC_WIDTH):mark.start], text[mark.end:mark.end + KWIC_WIDTH],
                   IndexRow.of(view, brief=True))


@attrs.frozen
class IndexRow(_Named):
    """A document as the corpus page's index lists it: no text, no findings, only its metadata,
    words, findings per label per analyzer and its error messages (a few hundred bytes)."""

    index: int
    id: str
    meta: dict
    words: int
    counts: dict[str, tuple[tuple[str, int], ...]] = attrs.field(factory=dict)
    errors: tuple[str, ...] = ()
    has_text: bool = False

    @classmethod
    def of(cls, view: DocView, *, brief: bool = False) -> "IndexRow":
        """``brief``: only what a link to the document needs (evidence items)."""
        meta = {k: view.meta[k] for k in ("title", "url") if k in view.meta} if brief else view.meta
        if brief:
            return cls(view.index, view.id, meta, view.words)
        return cls(view.index, view.id, meta, view.words,
                   {name: tuple(view.label_counts(name)) for name in view.models},
                   tuple(str(e.get("message", "")) for e in view.errors), view.text is not None)

    def top_labels(self, analyzer: str, n: int = 3) -> list[str]:
        return [label for label, _ in self.counts.get(analyzer, ())[:n]]


def group_of(view: DocView, by: str = "outlet") -> str | None:
    """The document's outlet (``by="outlet"``) or other ``--by`` group, as the tables read it."""
    if by == "outlet":
        return outlet_of(view.meta)
    value = group_value(view.meta, by, view.id)
    return None if value is None else str(value)


class CorpusSummary:
    """What the corpus page shows, gathered one document at a time, so that drawing a corpus
    needs memory for the page, not for the corpus: counts per month and outlet (and the series
    of findings per 1,000 words per month, pooled and by outlet), the tally of
    layers and labels, per label its count and its ``per_item`` strongest findings in context,
    an index row for each of the first ``max_index`` documents, and the documents themselves
    (text, findings) only while there are at most ``max_texts`` of them, since the page shows
    texts only then. Feed views with :meth:`add`; a view is not kept beyond that call once the
    corpus has more than ``max_texts`` documents."""

    def __init__(self, views: Iterable[DocView] = (), *, max_texts: int = 25, max_index: int = 2000,
                 per_item: int = 3, by: str = "outlet"):
        self.max_texts, self.max_index, self.per_item = max_texts, max_index, per_item
        self.by = by  # the groups counted beside the months: outlets, or another --by field
        self.tally = MarkTally()
        self.documents = 0
        self.words = 0
        self.failed = 0
        self.docs_per_month: Counter = Counter()
        self.docs_per_outlet: Counter = Counter()
        self.by_month: dict[str, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
        self.by_outlet: dict[str, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
        self.rows: list[IndexRow] = []
        # findings per 1,000 words per month (the series table): the corpus pooled, and by group
        self.series, self.series_by_group = SeriesTally(by=()), SeriesTally(by=(by,))
        self._best: dict[tuple[str, str], list[tuple[tuple, int, Evidence]]] = defaultdict(list)
        self._seq = 0
        self.views: list[DocView] | None = []  # every view while there are at most max_texts
        for v in views:
            self.add(v)

    @property
    def analyzers(self) -> list[str]:
        return list(self.tally.analyzers)

    def add(self, view: DocView) -> None:
        self.documents += 1
        self.words += view.words
        self.failed += bool(view.errors)
        self.tally.add(view)
        month, outlet = month_of(view.meta, view.id), group_of(view, self.by) or "(unknown)"
        if month:
            self.docs_per_month[month] += 1
        self.docs_per_outlet[outlet] += 1
        for dim, c in item_counts(view).items():
            if month:
                self.by_month[dim][month].update(c)
            self.by_outlet[dim][outlet].update(c)
        for tally in (self.series, self.series_by_group):
            tally.add(view.meta, view.id, view.words, view.models.values())
        for m in view.marks:
            self._offer(view, m)
        if len(self.rows) < self.max_index:
            self.rows.append(IndexRow.of(view))
        if self.views is not None:
            self.views.append(view)
            if len(self.views) > self.max_texts:
                self.views = None  # the page will show no text: stop holding documents

    def _offer(self, view: DocView, m: Mark) -> None:
        best = self._best[(m.layer, m.label)]
        rank = (-(m.strength or 0), view.index, m.start)
        if len(best) < self.per_item or rank < best[-1][0]:
            self._seq += 1
            bisect.insort(best, (rank, self._seq, Evidence.of(view, m)))
            del best[self.per_item:]

    def evidence(self, layer: str, label: str) -> list[Evidence]:
        """The label's ``per_item`` strongest findings (by score, then document and offset)."""
        return [e for _rank, _seq, e in self._best.get((layer, label), ())]


def safe_url(value: Any) -> str | None:
    """Only http(s) links leave the report; ``javascript:`` and friends are dropped."""
    if isinstance(value, str) and re.match(r"^https?://[^\s\"'<>]+$", value.strip(), re.I):
        return value.strip()
    return None


# --------------------------------------------------------------------------------------------

def _dict(x: Any) -> dict:
    return dict(x) if isinstance(x, Mapping) else {}


def _list(x: Any) -> list:
    return list(x) if isinstance(x, (list, tuple)) else []


def _num(x: Any, default: float = 0.0) -> float:
    if isinstance(x, bool) or not isinstance(x, (int, float)) or (isinstance(x, float) and math.isnan(x)):
        return default
    return x


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.2f}"
    if isinstance(v, (list, tuple)):
        return ", ".join(_fmt(x) for x in v)
    if isinstance(v, Mapping):
        return ", ".join(f"{k}={_fmt(x)}" for k, x in v.items())
    return str(v)


# --------------------------------------------------------------------------------------------
# Groups of documents (outlets) as one synthetic document, for the comparison
# --------------------------------------------------------------------------------------------

def merge_views(views: list[DocView], key) -> list[DocView]:
    """One :class:`DocView` per group (``key(view)`` → group name, e.g. :func:`outlet_of` of the meta):
    findings pooled (their counts per label summed), count scores summed and other scores
    averaged over the documents that have them, relations pooled, words summed. No text: a group
    has no single text to highlight."""
    groups: dict[str, list[DocView]] = {}
    for v in views:
        groups.setdefault(str(key(v) or "(unknown)"), []).append(v)
    out = []
    for i, (name, members) in enumerate(sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))):
        models = {}
        for analyzer in analyzers_of(members):
            parts = [v.models[analyzer] for v in members if analyzer in v.models]
            sums: dict[tuple, list] = {}
            for m in parts:
                for s in m.scores:
                    sums.setdefault((s.name, s.group, s.unit), []).append(s.value)
            scores = tuple(Score(analyzer, n, sum(vals) if unit == "count" else sum(vals) / len(vals), unit, g)
                           for (n, g, unit), vals in sums.items())
            models[analyzer] = ResultModel(analyzer, tuple(f for m in parts for f in m.findings), scores,
                                           tuple(r for m in parts for r in m.relations))
        out.append(DocView(index=i, id=name, text=None, meta={"title": f"{name} ({len(members)} documents)"},
                           words=sum(v.words for v in members), models=models, errors=[]))
    return out
