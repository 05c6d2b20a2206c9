"""The tables people put in papers, from analysis objects, a results store or a JSONL export.

Each table exists as plain rows (``*_rows`` generators of dicts, no dependency; the CSV and
Parquet exporters use them) and as a :mod:`pandas` DataFrame through :func:`to_pandas`:

=============  ==============================================================================
``documents``  one row per document: id, outlet, month, title, url, chars, words, errors, and
               wide columns ``frame:<id>`` (score), ``actor:<id>`` (mentions), ``technique:<id>``
``frames``     documents × frames: index ``doc_id``, one column per frame (``value=`` score,
               share, hits or present)
``actors``     actor mentions counted by outlet and month (``by=`` other metadata keys)
``techniques`` persuasion techniques: findings and documents per technique (``by=`` optional)
``findings``   every rhetoric finding, one row per span (doc_id, technique, start, end, text…)
``mentions``   every actor mention, one row per span
``errors``     every error: doc_id, analyzer (empty: the document itself failed), stage, message
=============  ==============================================================================

The outlet is ``meta.outlet`` or else the host of ``meta.url`` (``www.`` dropped); the month
is ``YYYY-MM`` from ``meta.date``, else from a date in the URL path, else empty.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

__all__ = ["TABLES", "analyses_from", "document_rows", "frame_rows", "actor_rows", "technique_rows",
           "finding_rows", "mention_rows", "outlet_of", "month_of", "to_pandas"]

TABLES = ("documents", "frames", "actors", "techniques", "findings", "mentions", "errors")

_DATE_IN_URL = re.compile(r"/((?:19|20)\d\d)[-/](0[1-9]|1[0-2])(?:[-/]\d\d)?(?:/|_|$)")
_DATE = re.compile(r"^((?:19|20)\d\d)-(0[1-9]|1[0-2])")


def outlet_of(meta: Mapping) -> str | None:
    if meta.get("outlet"):
        return str(meta["outlet"])
    url = meta.get("url")
    if isinstance(url, str) and url:
        host = urlsplit(url).hostname or ""
        return host.removeprefix("www.") or None
    return None


def month_of(meta: Mapping) -> str | None:
    date = meta.get("date")
    if isinstance(date, str):
        m = _DATE.match(date.strip())
        if m:
            return f"{m.group(1)}-{m.group(2)}"
    url = meta.get("url")
    if isinstance(url, str):
        m = _DATE_IN_URL.search(urlsplit(url).path)
        if m:
            return f"{m.group(1)}-{m.group(2)}"
    return None


def analyses_from(source) -> Iterator[dict]:
    """Analysis dicts from a :class:`~kzmedia.store.Store`, a store path (``.sqlite``/``.db``),
    a JSONL export path, or an iterable of :class:`~kzmedia.Analysis` / dicts."""
    from .store import Store

    if isinstance(source, Store):
        yield from source.analyses()
        return
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
    for a in source:
        yield a if isinstance(a, Mapping) else a.to_dict()


def _items(result: Mapping | None, key: str) -> list[Mapping]:
    value = (result or {}).get(key)
    return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list) else []


def _results_with(a: Mapping, key: str) -> Iterator[tuple[str, Mapping]]:
    for name, result in (a.get("results") or {}).items():
        if isinstance(result, Mapping) and isinstance(result.get(key), list):
            yield name, result


def document_rows(analyses: Iterable[Mapping], *, wide: bool = True) -> Iterator[dict]:
    """One dict per document (see the module docstring)."""
    for a in analyses:
        doc = a["document"]
        meta = doc.get("meta") or {}
        row: dict[str, Any] = {"doc_id": doc["id"], "outlet": outlet_of(meta), "month": month_of(meta),
                               "title": meta.get("title"), "url": meta.get("url"),
                               "chars": doc.get("chars"), "words": doc.get("words"),
                               "errors": len(a.get("errors") or ())}
        if wide:
            for _name, result in _results_with(a, "frames"):
                for f in _items(result, "frames"):
                    row[f"frame:{f.get('id')}"] = f.get("score")
            for _name, result in _results_with(a, "actors"):
                for act in _items(result, "actors"):
                    row[f"actor:{act.get('id')}"] = act.get("count", len(_items(act, "mentions")))
            for _name, result in _results_with(a, "findings"):
                counts = Counter(str(f.get("technique") or f.get("label")) for f in _items(result, "findings"))
                for technique, n in sorted(counts.items()):
                    row[f"technique:{technique}"] = n
        yield row


def frame_rows(analyses: Iterable[Mapping]) -> Iterator[dict]:
    """Long form: one row per document and frame."""
    for a in analyses:
        doc_id = a["document"]["id"]
        for name, result in _results_with(a, "frames"):
            for f in _items(result, "frames"):
                yield {"doc_id": doc_id, "analyzer": name, "frame": f.get("id"), "kind": f.get("kind"),
                       "score": f.get("score"), "hits": f.get("hits"), "share": f.get("share"),
                       "present": f.get("present")}


def mention_rows(analyses: Iterable[Mapping]) -> Iterator[dict]:
    for a in analyses:
        doc = a["document"]
        meta = doc.get("meta") or {}
        outlet, month = outlet_of(meta), month_of(meta)
        for name, result in _results_with(a, "actors"):
            for act in _items(result, "actors"):
                for m in _items(act, "mentions"):
                    yield {"doc_id": doc["id"], "outlet": outlet, "month": month, "actor": act.get("id"),
                           "name": act.get("name"), "kind": act.get("kind"), "start": m.get("start"),
                           "end": m.get("end"), "text": m.get("text"), "form": m.get("form"),
                           "role": m.get("role"), "tone": m.get("tone")}


def actor_rows(analyses: Iterable[Mapping], by: Sequence[str] = ("outlet", "month")) -> list[dict]:
    """Mentions and documents per actor and per ``by`` group (``outlet``, ``month`` or a meta key)."""
    mentions: Counter = Counter()
    docs: dict[tuple, set] = defaultdict(set)
    names: dict[str, str] = {}
    for a in analyses:
        doc = a["document"]
        meta = doc.get("meta") or {}
        group = tuple(_group_value(meta, k) for k in by)
        for _name, result in _results_with(a, "actors"):
            for act in _items(result, "actors"):
                actor = str(act.get("id"))
                names.setdefault(actor, act.get("name"))
                n = act.get("count")
                if not isinstance(n, int):
                    n = len(_items(act, "mentions"))
                key = group + (actor,)
                mentions[key] += n
                docs[key].add(doc["id"])
    rows = []
    for key in sorted(mentions, key=lambda k: tuple("" if v is None else str(v) for v in k)):
        row = dict(zip(by, key[:-1]))
        row.update({"actor": key[-1], "name": names.get(key[-1]), "mentions": mentions[key],
                    "documents": len(docs[key])})
        rows.append(row)
    return rows


def technique_rows(analyses: Iterable[Mapping], by: Sequence[str] = ()) -> list[dict]:
    """Findings and documents per technique (and category), optionally per ``by`` group."""
    counts: Counter = Counter()
    docs: dict[tuple, set] = defaultdict(set)
    for a in analyses:
        doc = a["document"]
        meta = doc.get("meta") or {}
        group = tuple(_group_value(meta, k) for k in by)
        for _name, result in _results_with(a, "findings"):
            for f in _items(result, "findings"):
                key = group + (str(f.get("technique") or f.get("label")), f.get("category"))
                counts[key] += 1
                docs[key].add(doc["id"])
    rows = []
    for key in sorted(counts, key=lambda k: (-counts[k],) + tuple("" if v is None else str(v) for v in k)):
        row = dict(zip(by, key[:-2]))
        row.update({"technique": key[-2], "category": key[-1], "findings": counts[key],
                    "documents": len(docs[key])})
        rows.append(row)
    return rows


def finding_rows(analyses: Iterable[Mapping]) -> Iterator[dict]:
    for a in analyses:
        doc = a["document"]
        meta = doc.get("meta") or {}
        outlet, month = outlet_of(meta), month_of(meta)
        for name, result in _results_with(a, "findings"):
            for f in _items(result, "findings"):
                yield {"doc_id": doc["id"], "outlet": outlet, "month": month, "analyzer": name,
                       "technique": f.get("technique") or f.get("label"), "category": f.get("category"),
                       "device": f.get("device"), "start": f.get("start"), "end": f.get("end"),
                       "text": f.get("text"), "trigger": f.get("trigger"),
                       "confidence": f.get("confidence", f.get("score"))}


def error_rows(analyses: Iterable[Mapping]) -> Iterator[dict]:
    """Every error: the document, the analyzer (empty for an input failure), stage, message."""
    for a in analyses:
        for e in a.get("errors") or ():
            yield {"doc_id": a["document"]["id"], "analyzer": e.get("analyzer"), "stage": e.get("stage"),
                   "message": e.get("message")}


def _group_value(meta: Mapping, key: str):
    if key == "outlet":
        return outlet_of(meta)
    if key == "month":
        return month_of(meta)
    v = meta.get(key)
    return v if v is None or isinstance(v, (str, int, float, bool)) else json.dumps(v, ensure_ascii=False)


def rows(source, table: str = "documents", **kwargs) -> Iterable[dict]:
    """Plain rows of one of :data:`TABLES` (``frames`` in long form)."""
    analyses = analyses_from(source)
    if table == "documents":
        return document_rows(analyses, **kwargs)
    if table == "frames":
        return frame_rows(analyses)
    if table == "actors":
        return actor_rows(analyses, **kwargs)
    if table == "techniques":
        return technique_rows(analyses, **kwargs)
    if table == "findings":
        return finding_rows(analyses)
    if table == "mentions":
        return mention_rows(analyses)
    if table == "errors":
        return error_rows(analyses)
    raise ValueError(f"unknown table {table!r}; choose one of {', '.join(TABLES)}")


def to_pandas(source, table: str = "documents", *, value: str = "score", **kwargs):
    """A :class:`pandas.DataFrame` of one of :data:`TABLES` (needs ``pip install 'kzmedia[parquet]'``).

    ``frames`` is documents × frames (``value``: score, share, hits or present; a frame absent
    from a document's result is NaN); the others follow :func:`rows`.
    """
    try:
        import pandas as pd
    except ImportError:
        from .errors import KzmediaError

        raise KzmediaError("to_pandas() needs pandas: pip install 'kzmedia[parquet]'") from None
    if table == "frames":
        long = pd.DataFrame(list(frame_rows(analyses_from(source))),
                            columns=["doc_id", "analyzer", "frame", "kind", "score", "hits", "share", "present"])
        if long.empty:
            return pd.DataFrame(index=pd.Index([], name="doc_id", dtype=object))
        order = list(dict.fromkeys(long["doc_id"]))
        wide = long.pivot_table(index="doc_id", columns="frame", values=value, aggfunc="first", sort=False)
        wide = wide.reindex(order)
        wide.columns.name = "frame"
        return wide
    data = list(rows(source, table, **kwargs))
    df = pd.DataFrame(data)
    if table == "documents" and not df.empty:
        df = df.set_index("doc_id")
    return df
