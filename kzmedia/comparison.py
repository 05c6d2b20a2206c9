"""Comparisons of two texts or two groups of documents, read only from the generic result model.

Every analyzer's results are compared the same way (``docs/compare.md``): per **label** (the
findings of an analyzer with that label, except those :func:`counts` leaves out: the text does
not assert them, or the analyzer reported them as not counted), per **score** (:class:`~kzmedia.Score`,
by ``name:group``) and per **relation type** (relations by label). One unit per measure
everywhere: labels, relation types and scores whose unit is ``count`` as a rate per 1,000 words
(with the share of documents where present), every other score in its own unit.

* :func:`compare` — two texts: each measure in A and B, the difference, the evidence spans, and
  the sections plugins add through ``kzmedia_register_compare_sections`` (e.g. a frame
  asserted in one text and rejected in the other);
* :func:`compare_groups` — two groups (or every value of a metadata field): documents, % present,
  mean with a t-interval, G² and a permutation test, Benjamini–Hochberg q, log₂ ratio
  (:mod:`kzmedia.stats`).
"""

from __future__ import annotations

import csv
import html
import io
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from . import stats
from .document import Document
from .pipeline import Analysis, FailedDocument, Pipeline
from .results import result_views
from .stance import ASSERTING

__all__ = ["Comparison", "GroupComparison", "Measure", "DocumentMeasures", "compare", "compare_groups",
           "counts", "document_measures", "strongest", "COLUMNS", "KINDS", "TESTS"]

#: the kinds of measure, in the order they are listed
KINDS = ("label", "score", "relation")
#: the tests of chance :func:`compare_groups` can rank by
TESTS = ("g2", "permutation")
PER_1000 = "per_1000_words"
#: units that cannot be negative: a mean's interval in them is clipped at 0
NON_NEGATIVE = frozenset({PER_1000, "count", "share"})


@attrs.frozen(cache_hash=True)
class Measure:
    """One thing compared: an analyzer's label, score (``name`` or ``name:group``) or relation
    type, in its one ``unit``. ``counted`` measures are counts per document, shown per 1,000 words."""

    analyzer: str
    kind: str
    name: str
    unit: str = PER_1000
    counted: bool = True

    @property
    def key(self) -> str:
        return f"{self.analyzer}:{self.kind}:{self.name}"


@attrs.frozen
class DocumentMeasures:
    """What a comparison keeps of one document: its words, metadata, the analyzers that ran and
    each measure's value (counts for counted measures), with label evidence for two texts."""

    id: str
    words: int
    meta: dict
    analyzers: frozenset
    values: dict
    evidence: dict = attrs.field(factory=dict, eq=False)

    def value(self, m: Measure) -> float | None:
        """The measure's value in its unit (None when the analyzer did not run on this document)."""
        if m.analyzer not in self.analyzers:
            return None
        v = self.values.get(m, 0.0)
        if m.counted:
            return 1000.0 * v / self.words if self.words else 0.0
        return v


def counts(finding) -> bool:
    """Whether a finding counts towards its label: unless its ``extra["stance"]`` says the text
    does not assert the span (negated, contrasted, distanced, …; :data:`kzmedia.stance.ASSERTING`)
    or its analyzer marked it ``extra["counted"] = False`` (reported, not counted)."""
    if (finding.extra or {}).get("counted") is False:
        return False
    stance = (finding.extra or {}).get("stance")
    return stance is None or stance in ASSERTING


def document_measures(analysis: Analysis, *, keep_evidence: bool = False) -> DocumentMeasures:
    """The measures of one analysis (see the module docstring for the rules)."""
    info = analysis._document_info()
    values: dict[Measure, float] = {}
    evidence: dict[Measure, list] = {}
    for name, model in analysis.models.items():
        for f in model.findings:
            if not counts(f):
                continue
            m = Measure(name, "label", f.label)
            values[m] = values.get(m, 0) + 1
            if keep_evidence:
                evidence.setdefault(m, []).append(f)
        for s in model.scores:
            m = Measure(name, "score", s.key, PER_1000 if s.unit == "count" else s.unit, s.unit == "count")
            values[m] = values.get(m, 0) + s.value
        for r in model.relations:
            m = Measure(name, "relation", r.label)
            values[m] = values.get(m, 0) + 1
    return DocumentMeasures(str(info["id"]), int(info.get("words") or 0), dict(info.get("meta") or {}),
                            frozenset(analysis.results), values, evidence)


def _order(m: Measure) -> tuple:
    return (m.analyzer, KINDS.index(m.kind), m.name)


def strongest(evidence, n: int | None) -> list[dict]:
    """The ``n`` heaviest hits (all when ``n`` is None), back in text order (dicts with ``weight``
    or ``score``)."""
    ev = list(evidence)
    if n is None or len(ev) <= n:
        return ev

    def weight(e):
        return float(e.get("weight", e.get("score")) or 0)

    keep = sorted(range(len(ev)), key=lambda i: (-weight(ev[i]), i))[:n]
    return [ev[i] for i in sorted(keep)]


def _round(x: float | None, digits: int = 3) -> float | None:
    return None if x is None else round(x, digits)


def _html_table(rows: list[dict], columns: Sequence[str], caption: str) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(_cell(r.get(c)))}</td>" for c in columns) + "</tr>"
                   for r in rows)
    return (f"<table class=\"kzmedia-compare\"><caption>{html.escape(caption)}</caption>"
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.3g}" if abs(v) < 0.01 and v else f"{v:.2f}"
    return str(v)


def _pandas():
    try:
        import pandas as pd
    except ImportError as e:  # pragma: no cover - pandas is in the parquet/test extras
        raise ImportError("to_pandas() needs pandas: pip install 'kzmedia[parquet]'") from e
    return pd


# --------------------------------------------------------------------------------------------
# Two texts
# --------------------------------------------------------------------------------------------

class Comparison:
    """Two texts side by side (:func:`compare`); :meth:`to_dict` is ``kzmedia compare --format json``."""

    def __init__(self, analyses: Sequence[Analysis], labels: Sequence[str], *, evidence: int | None = 5,
                 plugin_manager=None):
        self.analyses = list(analyses)
        self.labels = list(labels)
        self.evidence = evidence
        self.documents = [document_measures(a, keep_evidence=True) for a in self.analyses]
        a, b = self.documents
        measures = sorted({*a.values, *b.values}, key=_order)
        self.rows = [self._row(m) for m in measures]
        self.rows.sort(key=lambda r: (r["analyzer"], KINDS.index(r["kind"]), -abs(r["difference"] or 0), r["name"]))
        self.sections = _sections(self, plugin_manager)

    def _row(self, m: Measure) -> dict:
        a, b = self.documents
        va, vb = a.value(m), b.value(m)
        row = {"analyzer": m.analyzer, "kind": m.kind, "name": m.name, "unit": m.unit,
               "a": _round(va), "b": _round(vb),
               "difference": _round(va - vb) if va is not None and vb is not None else None}
        if m.counted:
            ca, cb = a.values.get(m, 0), b.values.get(m, 0)
            row.update(count_a=ca, count_b=cb,
                       log2_ratio=_round(stats.log2_ratio(ca, a.words, cb, b.words)) if va is not None
                       and vb is not None else None)
        if m.kind == "label":
            row["evidence"] = {side: [f.to_dict() for f in _strongest_findings(d.evidence.get(m, ()), self.evidence)]
                               for side, d in (("a", a), ("b", b))}
        return row

    # -- views ------------------------------------------------------------------------------
    def section(self, analyzer: str):
        """The section the analyzer's plugin added (``kzmedia_register_compare_sections``)."""
        return self.sections[analyzer]

    def measures(self, analyzer: str | None = None, kind: str | None = None) -> list[dict]:
        """Rows of one analyzer / kind, the largest absolute difference first."""
        return [r for r in self.rows if (analyzer is None or r["analyzer"] == analyzer)
                and (kind is None or r["kind"] == kind)]

    def to_dict(self) -> dict:
        docs = {side: {"label": label, "id": d.id, "words": d.words}
                for side, label, d in zip("ab", self.labels, self.documents)}
        return {"documents": docs, "units": {"label": PER_1000, "relation": PER_1000,
                                             "score": "the score's own unit; counts per 1,000 words"},
                "sections": {name: s.to_dict() for name, s in self.sections.items()},
                "measures": self.rows}

    def table(self, top: int = 8) -> str:
        """A plain-text summary (``kzmedia compare --format table``): each plugin's section, then
        per analyzer the labels (and, without a section, the scores) that differ most."""
        a, b = self.documents
        lines = [f"A = {self.labels[0]} ({a.words} words)", f"B = {self.labels[1]} ({b.words} words)"]
        for name in dict.fromkeys([*self.analyses[0].results, *self.analyses[1].results]):
            lines.append(f"{name}:")
            if name not in self.sections and not any(r["difference"] for r in self.measures(name)):
                lines.append("  no difference (nothing found, or the same in both texts)")
            if name in self.sections:
                lines += ["  " + line for line in self.sections[name].lines(top)]
            kinds = ("label", "relation") if name in self.sections else KINDS
            for kind in kinds:
                rows = [r for r in self.measures(name, kind) if r["difference"]][:top]
                if not rows:
                    continue
                unit = "per 1,000 words" if kind != "score" else "own units; counts per 1,000 words"
                lines.append(f"  {kind}s ({unit}), largest differences first:")
                lines.append(f"    {'':<44} {'A':>8} {'B':>8} {'A-B':>8}")
                for r in rows:
                    lines.append(f"    {r['name'][:44]:<44} {_num(r['a'])} {_num(r['b'])} {_num(r['difference'], '+')}")
                    if kind == "label" and name not in self.sections:
                        for side in "ab":
                            ev = [e["text"] for e in r["evidence"][side][:3]]
                            if ev:
                                lines.append(f"      {side.upper()}: " + "; ".join(f"«{t}»" for t in ev))
        return "\n".join(lines)

    def to_csv(self) -> str:
        """The measures as CSV (``kzmedia compare --format csv``; evidence left out)."""
        cols = ("analyzer", "kind", "name", "unit", "a", "b", "difference", "count_a", "count_b", "log2_ratio")
        out = io.StringIO()
        w = csv.DictWriter(out, cols, lineterminator="\n", extrasaction="ignore")
        w.writeheader()
        w.writerows(self.rows)
        return out.getvalue()

    def to_pandas(self):
        """The measures as a DataFrame (one row per measure; evidence left out)."""
        return _pandas().DataFrame([{k: v for k, v in r.items() if k != "evidence"} for r in self.rows])

    def _repr_html_(self) -> str:
        cols = ["analyzer", "kind", "name", "unit", "a", "b", "difference", "log2_ratio"]
        rows = sorted(self.rows, key=lambda r: -abs(r["difference"] or 0))[:40]
        return _html_table(rows, cols, f"A = {self.labels[0]}, B = {self.labels[1]}: largest differences first")


def _num(x, sign: str = "") -> str:
    return f"{'—':>8}" if x is None else f"{x:>{sign}8.1f}"


def _strongest_findings(findings, n: int | None) -> list:
    ranked = list(findings)
    if n is None or len(ranked) <= n:
        return ranked
    keep = sorted(range(len(ranked)), key=lambda i: (-(ranked[i].score or 0), i))[:n]
    return [ranked[i] for i in sorted(keep)]


def _registered_sections(pm) -> dict:
    from .plugins import collect_compare_sections, default_plugin_manager

    return collect_compare_sections(pm or default_plugin_manager())


def _sections(comparison: Comparison, pm) -> dict:
    """The sections plugins add for the analyzers that ran on both texts."""
    both = set.intersection(*(set(a.results) for a in comparison.analyses))
    out = {}
    for analyzer, reg in _registered_sections(pm).items():
        if reg.section is not None and analyzer in both:
            section = reg.section(comparison)
            if section is not None:
                out[analyzer] = section
    return out


def _views_for(pipeline: Pipeline | None, pm) -> dict:
    return pipeline.views if pipeline is not None else result_views(pm=pm)


def _to_analysis(item: Any, pipeline: Pipeline | None, analyzers, pm=None) -> tuple[Analysis, Pipeline | None]:
    if isinstance(item, Analysis):
        if not item.views:
            item.views = _views_for(pipeline, pm)
        return item, pipeline
    if isinstance(item, Mapping) and "results" in item and "document" in item:
        return Analysis.from_dict(item, views=_views_for(pipeline, pm)), pipeline
    if isinstance(item, str):
        item = Document.from_text(item)
    if isinstance(item, FailedDocument):
        raise ValueError(f"{item.id}: {item.reason}")
    if not isinstance(item, Document):
        raise TypeError(f"compare takes Documents, strings or Analysis objects, not {type(item).__name__}")
    if pipeline is None:
        pipeline = Pipeline(analyzers, plugin_manager=pm)
    return pipeline.analyze(item), pipeline


def compare(doc_a: Any, doc_b: Any, *, pipeline: Pipeline | None = None,
            analyzers: Sequence[str] | None = None, labels: Sequence[str] | None = None,
            evidence: int | None = 5, plugin_manager=None) -> Comparison:
    """Compare two texts; see :class:`Comparison`.

    ``pipeline``: reuse a :class:`~kzmedia.Pipeline` for documents and strings (default: a new one
    with ``analyzers``, every installed analyzer when None). ``labels``: names for the two texts
    (default: the document ids). ``evidence``: how many spans per label and text to keep (None = all).
    """
    pm = plugin_manager or (pipeline.pm if pipeline is not None else None)
    a, pipeline = _to_analysis(doc_a, pipeline, analyzers, pm)
    b, pipeline = _to_analysis(doc_b, pipeline, analyzers, pm)
    if labels is None:
        labels = (a.document_id, b.document_id)
    if len(labels) != 2:
        raise ValueError("labels must name exactly two texts")
    return Comparison([a, b], labels, evidence=evidence, plugin_manager=pm or (pipeline.pm if pipeline else None))


# --------------------------------------------------------------------------------------------
# Groups of documents
# --------------------------------------------------------------------------------------------

#: the columns of a group comparison, in order (``to_pandas``, ``--format csv``)
COLUMNS = ("analyzer", "kind", "name", "unit", "group_a", "group_b", "docs_a", "docs_b",
           "present_a", "present_b", "mean_a", "low_a", "high_a", "mean_b", "low_b", "high_b",
           "count_a", "count_b", "words_a", "words_b", "difference", "log2_ratio", "g2", "p_g2", "p_perm",
           "test", "p", "q")


class GroupComparison:
    """Every measure of two groups of documents, or of each group against the rest of a corpus
    (:func:`compare_groups`). ``rows``: one dict per measure and pair (:data:`COLUMNS`), the
    smallest q first; ``groups``: documents per compared group; ``hidden``: groups with fewer
    than ``min_docs`` documents, left out; ``ungrouped``: documents without a group value;
    ``sections``: what plugins add for groups (``kzmedia_register_compare_sections``' ``groups``),
    from the accumulators given as ``sections`` that saw every document's result."""

    def __init__(self, groups: Mapping[str, list[DocumentMeasures]], *, min_docs: int = 5,
                 permutations: int = 999, seed: int = 0, test: str = "g2", level: float = 0.95,
                 by: str | None = None, ungrouped: int = 0, sections: Mapping[str, Any] | None = None):
        if test not in TESTS:
            raise ValueError(f"test must be one of {', '.join(TESTS)}, got {test!r}")
        self.by, self.min_docs, self.permutations, self.seed = by, min_docs, permutations, seed
        self.test, self.level, self.ungrouped = test, level, ungrouped
        self.hidden = {g: len(d) for g, d in groups.items() if len(d) < min_docs}
        kept = {g: d for g, d in groups.items() if len(d) >= min_docs}
        self.groups = {g: len(d) for g, d in kept.items()}
        self.words = {g: sum(x.words for x in d) for g, d in kept.items()}
        names = list(kept)
        if len(names) == 2:
            pairs = [(names[0], names[1], kept[names[0]], kept[names[1]])]
        else:
            pairs = [(g, "rest", kept[g], [x for h in names if h != g for x in kept[h]]) for g in names]
        self._perms: dict[tuple[int, int], stats.Permutations] = {}
        self.rows = [row for pair in (pairs if len(names) >= 2 else []) for row in self._pair(*pair)]
        for row, q in zip(self.rows, stats.benjamini_hochberg([r["p"] for r in self.rows])):
            row["q"] = _round(q, 6)
        self.rows.sort(key=lambda r: (r["q"] is None, r["q"] if r["q"] is not None else 1.0,
                                      -abs(r["log2_ratio"] if r["log2_ratio"] is not None else r["difference"] or 0),
                                      r["analyzer"], r["name"]))
        made = {name: acc.section(self) for name, acc in (sections or {}).items()} if len(names) >= 2 else {}
        self.sections = {name: section for name, section in made.items() if section is not None}

    def _permutations(self, n_a: int, n_b: int) -> stats.Permutations:
        key = (n_a, n_b)
        if key not in self._perms:
            self._perms[key] = stats.Permutations(n_a, n_b, self.permutations, self.seed)
        return self._perms[key]

    def _pair(self, name_a: str, name_b: str, docs_a: list[DocumentMeasures], docs_b: list[DocumentMeasures]):
        docs = [*docs_a, *docs_b]
        measures = _distinct(sorted({m for d in docs for m in d.values}, key=_order), docs)
        # one pass over the documents: each measure's raw values, 0 where a document lacks it
        column = {m: [0.0] * len(docs) for m in measures}
        for j, d in enumerate(docs):
            for m, v in d.values.items():
                if m in column:
                    column[m][j] = v
        kept: dict[tuple[str, bool], tuple[list[int], list[int]]] = {}
        for m in measures:
            key = (m.analyzer, m.counted)
            if key not in kept:  # the documents the analyzer ran on (with words, for rates)
                ok = [j for j, d in enumerate(docs) if m.analyzer in d.analyzers and (d.words or not m.counted)]
                kept[key] = ([j for j in ok if j < len(docs_a)], [j for j in ok if j >= len(docs_a)])
            ja, jb = kept[key]
            if ja and jb:
                yield self._row(m, name_a, name_b, docs, column[m], ja, jb)

    def _row(self, m: Measure, name_a: str, name_b: str, docs: list[DocumentMeasures], raw: list[float],
             ja: list[int], jb: list[int]) -> dict:
        if m.counted:
            va = [1000.0 * raw[j] / docs[j].words for j in ja]
            vb = [1000.0 * raw[j] / docs[j].words for j in jb]
        else:
            va, vb = [raw[j] for j in ja], [raw[j] for j in jb]
        floor = 0.0 if m.counted or m.unit in NON_NEGATIVE else None
        mean_a, low_a, high_a = stats.mean_interval(va, self.level, floor=floor)
        mean_b, low_b, high_b = stats.mean_interval(vb, self.level, floor=floor)
        words_a, words_b = sum(docs[j].words for j in ja), sum(docs[j].words for j in jb)
        row = {"analyzer": m.analyzer, "kind": m.kind, "name": m.name, "unit": m.unit,
               "group_a": name_a, "group_b": name_b, "docs_a": len(va), "docs_b": len(vb),
               "present_a": round(100.0 * sum(1 for v in va if v) / len(va), 1),
               "present_b": round(100.0 * sum(1 for v in vb if v) / len(vb), 1),
               "mean_a": _round(mean_a), "low_a": _round(low_a), "high_a": _round(high_a),
               "mean_b": _round(mean_b), "low_b": _round(low_b), "high_b": _round(high_b),
               "count_a": None, "count_b": None, "words_a": words_a, "words_b": words_b,
               "difference": _round(mean_a - mean_b), "log2_ratio": None, "g2": None, "p_g2": None}
        if m.counted:
            ca, cb = sum(raw[j] for j in ja), sum(raw[j] for j in jb)
            g = stats.g2(ca, words_a, cb, words_b)
            row.update(count_a=ca, count_b=cb, g2=_round(g), p_g2=_round(stats.chi2_sf1(g), 8),
                       log2_ratio=_round(stats.log2_ratio(ca, words_a, cb, words_b)))
        p_perm = self._permutations(len(va), len(vb)).p_value(va, vb) if self.permutations else None
        row["p_perm"] = _round(p_perm, 6)
        if self.test == "g2" and row["p_g2"] is not None:
            row["test"], row["p"] = "g2", row["p_g2"]
        else:
            row["test"], row["p"] = ("permutation", row["p_perm"]) if p_perm is not None else (None, None)
        row["q"] = None
        return row

    # -- views ------------------------------------------------------------------------------
    def significant(self, alpha: float = 0.05) -> list[dict]:
        """Rows whose Benjamini–Hochberg q is below ``alpha``."""
        return [r for r in self.rows if r["q"] is not None and r["q"] < alpha]

    def row(self, analyzer: str, kind: str, name: str, group_a: str | None = None) -> dict:
        for r in self.rows:
            if (r["analyzer"], r["kind"], r["name"]) == (analyzer, kind, name) and group_a in (None, r["group_a"]):
                return r
        raise KeyError(f"{analyzer}:{kind}:{name}")

    def method(self) -> dict:
        return {"by": self.by, "min_docs": self.min_docs, "test": self.test, "permutations": self.permutations,
                "seed": self.seed, "interval": f"t-interval of the mean over documents, {self.level:.0%}",
                "effect": f"log2 ratio of pooled rates, {stats.SMOOTHING} added to each count",
                "correction": "Benjamini-Hochberg over every row",
                "units": {"label": PER_1000, "relation": PER_1000,
                          "score": "the score's own unit; counts per 1,000 words"}}

    def to_dict(self) -> dict:
        return {"groups": [{"name": g, "documents": n, "words": self.words[g]} for g, n in self.groups.items()],
                "hidden": [{"name": g, "documents": n} for g, n in self.hidden.items()],
                "ungrouped": self.ungrouped, "method": self.method(),
                "sections": {name: s.to_dict() for name, s in self.sections.items()}, "rows": self.rows}

    def to_csv(self) -> str:
        out = io.StringIO()
        w = csv.DictWriter(out, COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(self.rows)
        return out.getvalue()

    def to_pandas(self):
        """One row per measure and pair of groups (:data:`COLUMNS`)."""
        return _pandas().DataFrame(self.rows, columns=list(COLUMNS))

    def table(self, top: int = 20, alpha: float = 0.05) -> str:
        """The terminal view: groups, then the ``top`` rows with the smallest q."""
        lines = ["groups: " + ", ".join(f"{g} ({n} documents, {self.words[g]} words)"
                                        for g, n in self.groups.items())]
        if len(self.groups) < 2:
            lines.append(f"nothing to compare: fewer than two groups with at least {self.min_docs} documents")
            return "\n".join(lines)
        lines.append(f"rates per 1,000 words (scores in their own unit), mean [{self.level:.0%} t-interval]; "
                     f"% = documents where present; p by {self.test}, q = Benjamini-Hochberg; "
                     f"log2 ratio with +{stats.SMOOTHING} per count")
        shown = self.rows[:top]
        wa = min(24, max([len("analyzer")] + [len(r["analyzer"]) for r in shown]))
        wn = min(40, max([len("name")] + [len(r["name"]) for r in shown]))
        wg = min(24, max([len("group")] + [len(r[k]) for r in shown for k in ("group_a", "group_b")]))
        wc = max([len("mean [CI]")] + [len(_ci(r, k)) for r in shown for k in "ab"])
        lines.append(f"{'analyzer':<{wa}} {'kind':<8} {'name':<{wn}} {'group A':<{wg}} {'mean [CI]':<{wc}} "
                     f"{'%docs':>5} {'group B':<{wg}} {'mean [CI]':<{wc}} {'%docs':>5} {'log2r':>6} "
                     f"{'p':>8} {'q':>8}")
        for r in shown:
            mark = " *" if r["q"] is not None and r["q"] < alpha else ""
            lines.append(f"{r['analyzer'][:wa]:<{wa}} {r['kind']:<8} {r['name'][:wn]:<{wn}} "
                         f"{r['group_a'][:wg]:<{wg}} {_ci(r, 'a'):<{wc}} {r['present_a']:>5.0f} "
                         f"{r['group_b'][:wg]:<{wg}} {_ci(r, 'b'):<{wc}} {r['present_b']:>5.0f} "
                         f"{_opt(r['log2_ratio'], '6.2f')} {_opt(r['p'], '8.2g')} {_opt(r['q'], '8.2g')}{mark}")
        if len(self.rows) > top:
            lines.append(f"… {len(self.rows) - top} more rows (--top N, or --format csv|json for all); "
                         f"* = q < {alpha}")
        for name, section in self.sections.items():
            lines.append(f"{name}:")
            lines += ["  " + line for line in section.lines(top)]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        cols = ["analyzer", "kind", "name", "unit", "group_a", "docs_a", "present_a", "mean_a", "low_a", "high_a",
                "group_b", "docs_b", "present_b", "mean_b", "low_b", "high_b", "log2_ratio", "g2", "p", "q"]
        groups = ", ".join(f"{g}: {n} documents" for g, n in self.groups.items())
        sections = "".join(f"<h4>{html.escape(name)}</h4><pre>{html.escape(chr(10).join(s.lines(20)))}</pre>"
                           for name, s in self.sections.items())
        return _html_table(self.rows[:60], cols, f"{groups} (present = % of documents; rates per 1,000 words)") + sections


def _distinct(measures: list[Measure], docs: list[DocumentMeasures]) -> list[Measure]:
    """Leave out a counted score (``hits:X``) whose count equals the label ``X``'s in every
    document: it is the same measure, listed once (as the label), and not corrected for twice."""
    labels = {(m.analyzer, m.name): m for m in measures if m.kind == "label"}
    out = []
    for m in measures:
        if m.kind == "score" and m.counted and ":" in m.name:
            twin = labels.get((m.analyzer, m.name.split(":", 1)[1]))
            if twin is not None and all(d.values.get(m, 0) == d.values.get(twin, 0) for d in docs):
                continue
        out.append(m)
    return out


def _ci(r: dict, side: str) -> str:
    mean, low, high = r[f"mean_{side}"], r[f"low_{side}"], r[f"high_{side}"]
    if low is None:
        return f"{mean:.2f}"
    return f"{mean:.2f} [{low:.2f}, {high:.2f}]"


def _opt(x, fmt: str) -> str:
    width = int(fmt.split(".")[0])
    return f"{'—':>{width}}" if x is None else format(x, fmt)


def _measured(items: Iterable[Any], pipeline, analyzers, pm, group_of, sections: Mapping[str, Any]):
    """``(group, measures)`` per item; each plugin's group accumulator is given the result of its
    analyzer for every document that has a group (``group_of(measures)``, None: no group)."""
    for item in items:
        if isinstance(item, DocumentMeasures):
            yield group_of(item), item
            continue
        analysis, pipeline = _to_analysis(item, pipeline, analyzers, pm)
        measures = document_measures(analysis)
        group = group_of(measures)
        if group is not None:
            for name, acc in sections.items():
                if name in analysis.results:
                    acc.add(group, analysis.result(name))
        yield group, measures


def compare_groups(groups: Mapping[str, Iterable[Any]] | Sequence[Iterable[Any]] | None = None, *,
                   documents: Iterable[Any] | None = None, by: str | None = None,
                   labels: Sequence[str] | None = None, min_docs: int = 5, pipeline: Pipeline | None = None,
                   analyzers: Sequence[str] | None = None, permutations: int = 999, seed: int = 0,
                   test: str = "g2", level: float = 0.95, plugin_manager=None) -> GroupComparison:
    """Compare groups of documents; see :class:`GroupComparison` and ``docs/compare.md``.

    Either ``groups`` (``{"A": docs, "B": docs}``, or a sequence of document iterables named by
    ``labels``) or ``documents`` with ``by`` (``"outlet"``, ``"month"`` or any metadata field, read
    by :func:`kzmedia.metadata.group_value`). Items are Documents, strings, Analysis objects or
    their dicts. Two groups are compared with each other; more, each against the rest.
    ``test``: the p that is corrected and ranked — ``"g2"`` for counted measures (scores in
    other units always use the permutation test) or ``"permutation"``.
    """
    pm = plugin_manager or (pipeline.pm if pipeline is not None else None)
    sections = {name: reg.groups() for name, reg in _registered_sections(pm).items() if reg.groups is not None}
    ungrouped = 0
    if groups is None:
        if documents is None or not by:
            raise ValueError("compare_groups needs groups, or documents with by=FIELD")
        from .metadata import group_value

        def group_of(d: DocumentMeasures) -> str | None:
            value = group_value(d.meta, by, d.id)
            return None if value is None or value == "" else str(value)

        pooled: dict[str, list[DocumentMeasures]] = {}
        for group, d in _measured(documents, pipeline, analyzers, pm, group_of, sections):
            if group is None:
                ungrouped += 1
            else:
                pooled.setdefault(group, []).append(d)
        named = dict(sorted(pooled.items(), key=lambda kv: (-len(kv[1]), kv[0])))
    else:
        if not isinstance(groups, Mapping):
            groups = list(groups)
            labels = list(labels) if labels is not None else [chr(ord("A") + i) for i in range(len(groups))]
            if len(labels) != len(groups):
                raise ValueError(f"{len(labels)} labels for {len(groups)} groups")
            groups = dict(zip(labels, groups))
        named = {str(g): [d for _g, d in _measured(items, pipeline, analyzers, pm, lambda d, g=str(g): g, sections)]
                 for g, items in groups.items()}
    return GroupComparison(named, min_docs=min_docs, permutations=permutations, seed=seed, test=test,
                           level=level, by=by, ungrouped=ungrouped, sections=sections)

