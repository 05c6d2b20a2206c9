"""Self-contained HTML reports: a document's evidence highlighted in place, comparisons, a corpus.

Each function returns one HTML string that opens from disk with no network (no CDN, no fonts,
no script: a Content-Security-Policy in the page forbids them). Every string from an article,
its metadata or an analyzer is escaped.

>>> from kzmedia import analyze
>>> from kzmedia.report import render_document_report
>>> html = render_document_report([analyze("Астана и Москва договорились о транзите.")])

Inputs are :class:`kzmedia.Analysis` objects (the text comes from ``analysis.document``) or
their ``to_dict()`` dicts, optionally with the text under ``"text"``; without a text the report
lists the findings by offset instead of highlighting them.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from ..errors import KzmediaError
from .model import CorpusSummary, DocView, Mark, doc_views, iter_doc_views
from .panels import Panel, PanelFunctions
from .render import render_comparison_views, render_corpus_views, render_documents, render_group_comparison_view

__all__ = ["CorpusSummary", "DocView", "Mark", "Panel", "ReportError", "load_store", "render_comparison",
           "render_corpus", "render_document_report", "render_group_comparison"]


class ReportError(KzmediaError):
    """The report cannot be drawn from this input (e.g. a results store that cannot be read)."""


def render_document_report(analyses: Iterable[Any], *, title: str | None = None,
                           views: Mapping | None = None, panels: PanelFunctions | None = None) -> str:
    """One section per document: highlighted text (a layer per analyzer, a colour per label, a
    legend with toggles per layer and label and a minimum-score filter), beside it each analyzer's
    panel (findings per label, its profile scores, its relations).

    ``views``: the analyzers' ``result_model`` methods (default: an analysis object's own, else
    the installed analyzers'; see :func:`kzmedia.results.result_views`). ``panels``: the panels
    plugins contribute, by analyzer (default: the installed plugins';
    :func:`kzmedia.report.panels.default_panels`)."""
    return render_documents(doc_views(analyses, views), title, panels=panels)


def render_comparison(analyses: Iterable[Any], *, title: str | None = None, by: str | None = None,
                      views: Mapping | None = None, sections: Mapping[str, Iterable[str]] | None = None,
                      panels: PanelFunctions | None = None) -> str:
    """Two or more documents side by side, the biggest differences first (per analyzer: findings
    per label per 1000 words, or its profile scores), then each document's panels and text.

    ``by="outlet"`` (or any metadata key) compares groups instead: the documents of each outlet
    are pooled into one column (``outlet``, ``month`` and the rest as :func:`kzmedia.metadata.group_value` reads them).
    ``sections``: analyzer → lines its plugin adds to a two-text comparison (``Comparison.sections``'
    ``lines()``), shown under the differences."""
    views = doc_views(analyses, views)
    if by:
        from ..metadata import group_value
        from .model import merge_views

        key = lambda v: group_value(v.meta, by, v.id)  # noqa: E731
        views = merge_views(views, key)
    if len(views) < 1:
        raise ReportError("a comparison needs at least one document")
    return render_comparison_views(views, title, sections=sections, panels=panels)


def render_group_comparison(comparison, *, top: int = 20) -> str:
    """A group comparison (:func:`kzmedia.compare_groups`) as one self-contained page, in the same
    units and columns as ``kzmedia compare --format csv``, then the plugins' sections (their
    ``lines(top)``)."""
    return render_group_comparison_view(comparison, top)


def render_corpus(source: str | os.PathLike | Iterable[Any], *, title: str | None = None,
                  max_texts: int = 25, views: Mapping | None = None, keep=None, by: str = "outlet",
                  panels: PanelFunctions | None = None) -> str:
    """Counts over time and by outlet (``meta['date']``, ``meta['outlet']``), top evidence per item
    with links to the document, and a document index. ``source``: a results store (path to the
    SQLite file written by ``kzmedia analyze --store``), analyses (read one at a time: memory
    does not grow with the corpus) or a :class:`~kzmedia.report.model.CorpusSummary`. Texts (with
    highlights) are included when available and the corpus has at most ``max_texts`` documents.
    ``keep``: a predicate on each stored analysis dict (e.g. :meth:`kzmedia.metadata.DateScreen.keeps`,
    for ``--since``/``--until``); the others are left out before they are drawn. ``by``: the groups
    of the tables and charts that are per outlet by default (any metadata field, as
    :func:`kzmedia.metadata.group_value` reads it; a summary keeps the groups it was gathered with)."""
    if isinstance(source, (str, os.PathLike)):
        label = os.fspath(source)
        return render_corpus_views(_store_views(label, views, keep), title, max_texts=max_texts, source=label,
                                   by=by, panels=panels)
    if isinstance(source, CorpusSummary):  # gathered by the caller as its analyses came
        return render_corpus_views(source, title, panels=panels)
    return render_corpus_views(iter_doc_views(source, views), title, max_texts=max_texts, by=by, panels=panels)


def _store_views(path: str, views: Mapping | None, keep=None) -> Iterator[DocView]:
    """The store's documents as views, one at a time with their texts (for highlights and
    evidence in context): each stored result is read, drawn into its view and dropped."""
    from .model import doc_view

    store = _open_store(path)
    try:
        records = store.analyses() if keep is None else (r for r in store.analyses() if keep(r))
        for i, record in enumerate(records):
            record["text"] = store.text(record["document"]["id"])
            yield doc_view(i, record, views)
    except KzmediaError as e:
        raise ReportError(str(e)) from e
    except Exception as e:
        raise ReportError(f"{path}: cannot read the results store: {type(e).__name__}: {e}") from e
    finally:
        store.close()


def _open_store(path: str):
    if not os.path.exists(path):
        raise ReportError(f"{path}: no such results store")
    from ..store import Store

    try:
        return Store(path, readonly=True)
    except KzmediaError as e:
        raise ReportError(str(e)) from e
    except Exception as e:  # a corrupt or foreign file: one readable line, not a traceback
        raise ReportError(f"{path}: cannot read the results store: {type(e).__name__}: {e}") from e


def load_store(path: str | os.PathLike, *, with_text: int = 2000) -> list[dict]:
    """The analyses held in a results store, as ``Analysis.to_dict()``-shaped dicts; the stored
    texts are attached (``"text"``) when the store has at most ``with_text`` documents."""
    path = os.fspath(path)
    if not os.path.exists(path):
        raise ReportError(f"{path}: no such results store")
    try:
        from ..store import Store
    except ImportError as e:
        raise ReportError(f"{path}: reading a results store needs kzmedia.store, which is not available "
                          f"in this installation ({e})") from e
    try:
        store = Store(path, readonly=True)
    except KzmediaError as e:
        raise ReportError(str(e)) from e
    except Exception as e:  # a corrupt or foreign file: one readable line, not a traceback
        raise ReportError(f"{path}: cannot read the results store: {type(e).__name__}: {e}") from e
    try:
        records = list(store.analyses())
        if len(records) <= with_text:
            for record in records:
                record["text"] = store.text(record["document"]["id"])
        return records
    except Exception as e:
        raise ReportError(f"{path}: cannot read the results store: {type(e).__name__}: {e}") from e
    finally:
        store.close()
