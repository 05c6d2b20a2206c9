"""The tables people put in papers, read from the generic result model of every analyzer.

Sources: analysis objects, a results store, a JSON-lines export. Every table is built from
:func:`kzmedia.results.normalise` of each analyzer's result (with the installed analyzers'
``result_model``), so a third-party analyzer has the same tables as a built-in one. Each table is
plain rows (``*_rows`` generators of dicts, no dependency; the CSV and Parquet exporters use
them) and a :mod:`pandas` DataFrame through :func:`to_pandas`:

=============  ==============================================================================
``documents``  one row per document: id, outlet, month, title, url, chars, words, errors, and
               wide columns ``<analyzer>:<label>`` (findings with that label) and
               ``<analyzer>.<score>`` / ``<analyzer>.<score>:<group>`` (score values)
``findings``   every finding, one row per span: doc_id, outlet, month, analyzer, label, start,
               end, text, score, extra
``scores``     every score, long format: doc_id, outlet, month, analyzer, name, group, value, unit
``relations``  every relation: doc_id, outlet, month, analyzer, source, target, label, score,
               evidence
``labels``     findings and documents per analyzer and label (``by=`` metadata groups)
``series``     per month (and ``by=`` group, default the outlet), analyzer and label: documents,
               documents where present, words, findings and findings per 1,000 words; months
               with documents but no finding of a label are 0 rows; undated documents left out
``errors``     every error: doc_id, analyzer (empty: the document itself failed), stage, message
=============  ==============================================================================

Plugins add tables of their own (``kzmedia_register_tables``, ``docs/hooks.md``) where the
generic ones flatten what they have; :func:`available_tables` lists every name, and
:func:`rows`, :func:`to_pandas` and ``kzmedia export --table`` take them like the core's.

Units follow one rule (:func:`kzmedia.results.unit_of`): the long ``scores`` table has a
``unit`` column, and :func:`to_pandas` pivots it wide (documents × score) one unit at a time.
The outlet and the month follow :mod:`kzmedia.metadata` (the report's rule too): the outlet is a
metadata field or the registered domain of the URL (a user's ``--outlet-map`` names it), the month is
``YYYY-MM`` of the date from a user's file or field, the metadata, or the URL; else empty.
"""

from __future__ import annotations

import json
import os
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from .errors import KzmediaError, PluginError
from .metadata import group_value, month_of, outlet_of
from .results import ResultModel, normalise
from .store import Store

__all__ = ["TABLES", "SeriesTally", "analyses_from", "available_tables", "document_rows", "finding_rows",
           "score_rows", "relation_rows", "label_rows", "series_rows", "series_from", "error_rows", "models_of",
           "outlet_of", "month_of", "plugin_tables", "rows", "to_pandas"]

TABLES = ("documents", "findings", "scores", "relations", "labels", "series", "errors")

def analyses_from(source) -> Iterator[dict]:
    """Analysis dicts from a :class:`~kzmedia.store.Store`, a store path (``.sqlite``/``.db``),
    a JSONL export path, or an iterable of :class:`~kzmedia.Analysis` / dicts."""
    if isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        if path.endswith((".jsonl", ".ndjson")):
            with open(path, encoding="utf-8") as fh:
                for line in fh:
                    if line.strip():
                        yield json.loads(line)
            return
        with Store(path, readonly=True) as store:
            yield from store.analyses()
        return
    if isinstance(source, Store):
        yield from source.analyses()
        return
    for a in source:
        yield a if isinstance(a, Mapping) else a.to_dict()


def _views(views):
    if views is None:
        from .results import result_views

        return result_views()
    return views


def models_of(analysis: Mapping, views: Mapping) -> Iterator[ResultModel]:
    """The :class:`~kzmedia.results.ResultModel` of each analyzer's result in one analysis dict."""
    for name, result in (analysis.get("results") or {}).items():
        if isinstance(result, Mapping):
            yield normalise(name, result, view=views.get(name))


def _where(a: Mapping) -> tuple[dict, str | None, str | None]:
    doc = a["document"]
    meta = doc.get("meta") or {}
    return doc, outlet_of(meta), month_of(meta, doc.get("id"))


def document_rows(analyses: Iterable[Mapping], *, wide: bool = True, views: Mapping | None = None) -> Iterator[dict]:
    """One dict per document (see the module docstring)."""
    views = _views(views) if wide else {}
    for a in analyses:
        doc, outlet, month = _where(a)
        meta = doc.get("meta") or {}
        row: dict[str, Any] = {"doc_id": doc["id"], "outlet": outlet, "month": month,
                               "title": meta.get("title"), "url": meta.get("url"),
                               "chars": doc.get("chars"), "words": doc.get("words"),
                               "errors": len(a.get("errors") or ())}
        if wide:
            for model in models_of(a, views):
                counts = Counter(f.label for f in model.findings)
                for label, n in sorted(counts.items()):
                    row[f"{model.analyzer}:{label}"] = n
                for s in model.scores:
                    row[f"{model.analyzer}.{s.key}"] = s.value
        yield row


def _long_rows(analyses: Iterable[Mapping], views: Mapping | None, items, row) -> Iterator[dict]:
    """Rows of a long table: per document and analyzer, ``row(x)`` for each ``x`` of
    ``items(model)``, after the document's ``doc_id``, ``outlet`` and ``month``."""
    views = _views(views)
    for a in analyses:
        doc, outlet, month = _where(a)
        for model in models_of(a, views):
            for x in items(model):
                yield {"doc_id": doc["id"], "outlet": outlet, "month": month, **row(x)}


def finding_rows(analyses: Iterable[Mapping], *, views: Mapping | None = None) -> Iterator[dict]:
    """Every finding of every analyzer, one row per span."""
    return _long_rows(analyses, views, lambda m: m.findings, lambda f: {
        "analyzer": f.analyzer, "label": f.label, "start": f.start, "end": f.end, "text": f.text,
        "score": f.score, "extra": f.extra or None})


def score_rows(analyses: Iterable[Mapping], *, views: Mapping | None = None) -> Iterator[dict]:
    """Every score, long format (one row per document, analyzer, score and group)."""
    return _long_rows(analyses, views, lambda m: m.scores, lambda s: {
        "analyzer": s.analyzer, "name": s.name, "group": s.group, "value": s.value, "unit": s.unit})


def relation_rows(analyses: Iterable[Mapping], *, views: Mapping | None = None) -> Iterator[dict]:
    """Every relation, with its evidence spans."""
    return _long_rows(analyses, views, lambda m: m.relations, lambda r: {
        "analyzer": r.analyzer, "source": r.source, "target": r.target, "label": r.label, "score": r.score,
        "evidence": [e.to_dict() for e in r.evidence] or None})


def label_rows(analyses: Iterable[Mapping], by: Sequence[str] = (), *, views: Mapping | None = None) -> list[dict]:
    """Findings and documents per analyzer and label, optionally per ``by`` group
    (``outlet``, ``month`` or any metadata key)."""
    views = _views(views)
    counts: Counter = Counter()
    docs: dict[tuple, set] = defaultdict(set)
    for a in analyses:
        doc = a["document"]
        meta = doc.get("meta") or {}
        group = tuple(group_value(meta, k, doc.get("id")) for k in by)
        for model in models_of(a, views):
            for f in model.findings:
                key = group + (f.analyzer, f.label)
                counts[key] += 1
                docs[key].add(doc["id"])
    out = []
    for key in sorted(counts, key=lambda k: (-counts[k],) + tuple("" if v is None else str(v) for v in k)):
        row = dict(zip(by, key[:-2]))
        row.update({"analyzer": key[-2], "label": key[-1], "findings": counts[key], "documents": len(docs[key])})
        out.append(row)
    return out


def series_rows(analyses: Iterable[Mapping], by: Sequence[str] = ("outlet",), *,
                views: Mapping | None = None) -> list[dict]:
    """The time series of every analyzer's labels: per month and ``by`` group (``outlet``, or any
    metadata key; ``()`` pools the whole corpus), see :func:`series_from`."""
    views = _views(views)

    def items():
        for a in analyses:
            doc = a["document"]
            yield doc.get("meta") or {}, doc.get("id"), int(doc.get("words") or 0), models_of(a, views)

    return series_from(items(), by)


def series_from(items: Iterable[tuple], by: Sequence[str] = ("outlet",)) -> list[dict]:
    """Rows ``month, *by, analyzer, label, documents, present, words, findings, per_1000_words``
    from ``(meta, doc_id, words, models)`` per document — one unit for every analyzer: findings
    per 1,000 words of the documents of that month and group the analyzer ran on. Every label an
    analyzer has anywhere gets a row in every month and group where the analyzer ran (0 when
    absent), so a series has no silent gaps. Undated documents are left out (count them with
    :class:`kzmedia.metadata.DateScreen`)."""
    tally = SeriesTally(by)
    for item in items:
        tally.add(*item)
    return tally.rows()


class SeriesTally:
    """:func:`series_from` one document at a time: what a stream (the corpus report) adds up
    without holding its documents; :meth:`rows` gives the same rows at any point."""

    def __init__(self, by: Sequence[str] = ("outlet",)):
        self.by = tuple(by)
        self.docs: Counter = Counter()
        self.words: Counter = Counter()
        self.found: Counter = Counter()
        self.present: Counter = Counter()
        self.labels: dict[str, set] = defaultdict(set)

    def add(self, meta: Mapping, doc_id: str | None, n_words: int, models: Iterable[ResultModel]) -> None:
        month = month_of(meta, doc_id)
        if month is None:
            return
        group = (month,) + tuple(group_value(meta, k, doc_id) for k in self.by)
        for model in models:
            key = group + (model.analyzer,)
            self.docs[key] += 1
            self.words[key] += n_words
            for label, n in Counter(f.label for f in model.findings).items():
                self.found[key + (label,)] += n
                self.present[key + (label,)] += 1
                self.labels[model.analyzer].add(label)

    def rows(self) -> list[dict]:
        out = []
        for key in sorted(self.docs, key=lambda k: tuple("" if v is None else str(v) for v in k)):
            for label in sorted(self.labels[key[-1]]):
                n, w = self.found[key + (label,)], self.words[key]
                row = dict(zip(("month", *self.by), key[:-1]))
                row.update({"analyzer": key[-1], "label": label, "documents": self.docs[key],
                            "present": self.present[key + (label,)], "words": w, "findings": n,
                            "per_1000_words": round(1000.0 * n / w, 4) if w else None})
                out.append(row)
        return out


def error_rows(analyses: Iterable[Mapping], *, views: Mapping | None = None) -> Iterator[dict]:
    """Every error: the document, the analyzer (empty for an input failure), stage, message."""
    for a in analyses:
        for e in a.get("errors") or ():
            yield {"doc_id": a["document"]["id"], "analyzer": e.get("analyzer"), "stage": e.get("stage"),
                   "message": e.get("message")}


_ROWS = {"documents": document_rows, "findings": finding_rows, "scores": score_rows,
         "relations": relation_rows, "labels": label_rows, "series": series_rows,
         "errors": error_rows}


def plugin_tables(pm=None) -> dict:
    """The tables plugins registered (:class:`kzmedia.plugins.Table` by name; default: the
    process's plugin manager)."""
    from .plugins import collect_tables, default_plugin_manager

    return collect_tables(pm if pm is not None else default_plugin_manager(), reserved=TABLES)


def available_tables(pm=None) -> list[str]:
    """The core's :data:`TABLES`, then the plugins' tables."""
    return [*TABLES, *plugin_tables(pm)]


def _plugin_rows(table, analyses: Iterable[Mapping]) -> Iterator[dict]:
    for a in analyses:
        doc, outlet, month = _where(a)
        try:
            for r in table.rows(a) or ():
                yield {"doc_id": doc["id"], "outlet": outlet, "month": month, **r}
        except Exception as e:
            raise PluginError(f"plugin {table.plugin!r}, table {table.name!r}, document {doc['id']!r}: "
                              f"{type(e).__name__}: {e}") from e


def rows(source, table: str = "documents", *, plugin_manager=None, **kwargs) -> Iterable[dict]:
    """Plain rows of one of :data:`TABLES` or of a table a plugin registered
    (``plugin_manager``: whose plugins; default: the installed ones)."""
    if table in _ROWS:
        return _ROWS[table](analyses_from(source), **kwargs)
    found = plugin_tables(plugin_manager)
    if table not in found:
        raise KzmediaError(f"unknown table {table!r}; choose one of {', '.join([*TABLES, *found])}")
    return _plugin_rows(found[table], analyses_from(source))


def to_pandas(source, table: str = "documents", *, wide: bool = False, analyzer: str | None = None,
              name: str | None = None, unit: str | None = None, **kwargs):
    """A :class:`pandas.DataFrame` of one of :data:`TABLES` or a plugin's table (needs
    ``pip install 'kzmedia[parquet]'``; ``plugin_manager=`` as for :func:`rows`).

    ``wide=True`` pivots a long table to documents × columns: ``scores`` to one column per
    ``analyzer.name[:group]`` (values), ``findings`` to one per ``analyzer:label`` (counts).
    ``analyzer``, ``name`` and ``unit`` keep only those scores/findings first; a wide ``scores``
    table mixing units is refused (pick one with ``unit=`` or ``name=``), so no column of
    counts sits beside a column of rates unnoticed. A pair absent from a document is NaN (scores)
    or 0 (finding counts).
    """
    try:
        import pandas as pd
    except ImportError:
        raise KzmediaError("to_pandas() needs pandas: pip install 'kzmedia[parquet]'") from None
    data = list(rows(source, table, **kwargs))
    df = pd.DataFrame(data)
    if df.empty:
        return df
    if analyzer is not None and "analyzer" in df:
        df = df[df["analyzer"] == analyzer]
    if name is not None and table == "scores":
        df = df[df["name"] == name]
    if unit is not None and table == "scores":
        df = df[df["unit"] == unit]
    if table == "documents":
        return df.set_index("doc_id")
    if not wide:
        return df.reset_index(drop=True)
    order = list(dict.fromkeys(r["doc_id"] for r in data))
    if table == "scores":
        units = sorted(set(df["unit"]))
        if len(units) > 1:
            raise KzmediaError(f"the scores mix units ({', '.join(units)}): choose one with unit= or name=")
        column = df["analyzer"] + "." + df["name"] + df["group"].map(lambda g: "" if g is None else f":{g}")
        wide_df = df.assign(column=column).pivot_table(index="doc_id", columns="column", values="value",
                                                       aggfunc="first", sort=False)
        return wide_df.reindex(order)
    if table == "findings":
        column = df["analyzer"] + ":" + df["label"]
        wide_df = df.assign(column=column).pivot_table(index="doc_id", columns="column", values="start",
                                                       aggfunc="count", sort=False)
        return wide_df.reindex(order).fillna(0).astype(int)
    raise ValueError(f"wide=True applies to the scores and findings tables, not {table!r}")
