"""What running the analyzers over one document gives: :class:`Analysis` (and :class:`FailedDocument`).

An :class:`Analysis` holds each analyzer's result, its version and the errors met, and turns
into the documented JSON (``docs/output.md``). It lives apart from :mod:`kzmedia.pipeline`, which
makes analyses, so that :mod:`kzmedia.parallel` (which rebuilds them from worker processes) and
the pipeline (which starts the workers) do not import each other.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Mapping
from typing import Any

import attrs

from .decoding import repair_surrogates
from .document import Document
from .results import Finding, ResultModel, normalise

__all__ = ["Analysis", "FailedDocument"]


def _version() -> str:
    from . import __version__
    return __version__


@attrs.frozen
class FailedDocument:
    """Stands in for a document that could not be built (a reader yields it instead of raising)."""

    id: str
    reason: str
    meta: dict = attrs.field(factory=dict)


class Analysis:
    """The results of every analyzer on one document, plus the errors met on the way.

    ``results[name]`` is what the analyzer returned (a dict or a richer object);
    :meth:`result` always gives the JSON-ready dict; :meth:`model` the generic view of it
    (findings, scores, relations); :attr:`findings` gathers every span.
    """

    __slots__ = ("document", "results", "versions", "errors", "_doc_info", "views")

    def __init__(self, document: Document | None, results: dict[str, Any] | None = None,
                 versions: dict[str, str] | None = None, errors: list[dict] | None = None,
                 doc_info: dict | None = None, views: Mapping[str, Any] | None = None):
        self.document = document
        #: the analyzers' ``result_model`` methods (shared by every analysis of a pipeline)
        self.views = views if views is not None else {}
        self.results = results or {}
        self.versions = versions or {}
        self.errors = errors or []
        self._doc_info = doc_info

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def document_id(self) -> str:
        return self.document.id if self.document is not None else self._doc_info["id"]

    def result(self, name: str) -> dict:
        """The JSON-ready result of analyzer ``name`` (with ``analyzer_version`` first)."""
        raw = self.results[name]
        body = raw.to_dict() if hasattr(raw, "to_dict") else dict(raw)
        out = {"analyzer_version": self.versions.get(name, body.get("analyzer_version"))}
        out.update({k: v for k, v in body.items() if k != "analyzer_version"})
        return out

    def model(self, name: str) -> ResultModel:
        """Analyzer ``name``'s result as findings, scores and relations (:func:`kzmedia.results.normalise`)."""
        return normalise(name, self.results[name], view=self.views.get(name),
                         text=self.document.text if self.document is not None else None)

    @property
    def models(self) -> dict[str, ResultModel]:
        """Every analyzer's :class:`~kzmedia.results.ResultModel`, by analyzer name."""
        return {name: self.model(name) for name in self.results}

    @property
    def findings(self) -> list[Finding]:
        """Every finding of every analyzer, in text order."""
        out: list[Finding] = [f for m in self.models.values() for f in m.findings]
        out.sort(key=lambda f: (f.start, f.end, f.analyzer, f.label))
        return out

    def _document_info(self) -> dict:
        if self.document is not None:
            return {"id": self.document.id, "chars": len(self.document.text),
                    "words": self.document.words if self.document.text.strip() else 0,
                    "meta": _jsonable(self.document.meta)}
        return dict(self._doc_info)

    def to_dict(self) -> dict:
        """The documented JSON object (``docs/output.md``); no run ids or timestamps inside."""
        return {
            "kzmedia_version": _version(),
            "document": self._document_info(),
            "results": {name: self.result(name) for name in self.results},
            "errors": list(self.errors),
        }

    def to_json(self) -> str:
        """``json.dumps(self.to_dict(), ensure_ascii=False)`` (one line), without decoding the
        results that came back from a worker process as JSON text (``as_json=True``)."""
        dumps = functools.partial(json.dumps, ensure_ascii=False)
        results = []
        for name, raw in self.results.items():
            text = getattr(raw, "json_text", None)
            results.append(f"{dumps(name)}: {text if isinstance(text, str) else dumps(self.result(name))}")
        return (f'{{"kzmedia_version": {dumps(_version())}, "document": {dumps(self._document_info())}, '
                f'"results": {{{", ".join(results)}}}, "errors": {dumps(list(self.errors))}}}')

    @classmethod
    def from_dict(cls, data: Mapping, *, views: Mapping[str, Any] | None = None) -> "Analysis":
        """Rebuild from :meth:`to_dict` output (results stay plain dicts; no text). ``views``:
        the analyzers' ``result_model`` methods (:func:`kzmedia.results.result_views`)."""
        results = {k: dict(v) for k, v in data.get("results", {}).items()}
        versions = {k: v.get("analyzer_version") for k, v in results.items()}
        return cls(None, results, versions, list(data.get("errors", [])), dict(data["document"]), views)

    @classmethod
    def failure(cls, document_id: str, reason: str, *, stage: str = "input",
                meta: Mapping | None = None, document: Document | None = None) -> "Analysis":
        info = {"id": document_id, "chars": len(document.text) if document else 0, "words": 0,
                "meta": _jsonable(meta or {})}
        err = {"document": document_id, "analyzer": None, "stage": stage, "message": reason}
        return cls(document, errors=[err], doc_info=info)

    def __repr__(self) -> str:
        return f"<Analysis {self.document_id!r} results={list(self.results)} errors={len(self.errors)}>"

    def _repr_html_(self) -> str:
        """Jupyter's inline view: the text with the findings highlighted, then the findings."""
        from .report.inline import analysis_html

        return analysis_html(self, self.views or None)

    def to_pandas(self, table: str = "findings", **kwargs):
        """One of the :mod:`kzmedia.tables` for this document as a DataFrame: ``findings`` (every
        span with its analyzer, label and extra fields — a frame's evidence is its findings),
        ``scores``, ``relations`` or ``documents``; ``analyzer=`` keeps one analyzer."""
        from .tables import to_pandas

        return to_pandas([self.to_dict()], table, views=self.views or None, **kwargs)


def _jsonable(meta: Mapping) -> dict:
    out = {}
    for k, v in meta.items():
        if isinstance(v, float) and not math.isfinite(v):
            out[str(k)] = str(v)  # NaN/Infinity are not JSON
        elif isinstance(v, str):
            out[str(k)] = repair_surrogates(v)[0]  # a lone surrogate cannot be written as UTF-8
        elif v is None or isinstance(v, (int, float, bool, list, dict)):
            out[str(k)] = v
        else:
            out[str(k)] = str(v)
    return out
