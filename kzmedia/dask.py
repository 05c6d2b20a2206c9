"""Beyond one machine: the same pipeline mapped over a :mod:`dask.bag` or :mod:`dask.dataframe`.

Optional extra: ``pip install 'kzmedia[dask]'``. Nothing here imports dask at module level
except what the functions need, so ``import kzmedia.dask`` is cheap.

The pipeline travels as its :meth:`~kzmedia.Pipeline.spec` (plain data naming the plugins),
serialised once with cloudpickle; each worker process rebuilds it once and keeps it (keyed by
the spec's digest), so set-up is paid once per worker process, not per task or per document.
Results are the plain :meth:`~kzmedia.Analysis.to_dict` objects — the same objects a serial run
(or ``kzmedia analyze --format jsonl``) produces. ``period=`` takes the
:class:`kzmedia.metadata.DateScreen` of ``--since``/``--until``/``--keep-undated`` (and, as its
``rules``, the user's dates and date field): each worker screens its documents before analysing
them, and :func:`period_counts` says how many the period kept and skipped.

Typical use on a cluster::

    from dask.distributed import Client
    import kzmedia, kzmedia.dask as kd

    client = Client("tcp://scheduler:8786")          # every worker: same kzmedia + plugins
    docs = kd.read_bag(["s3-or-nfs/corpus/part-*.jsonl"], files_per_partition=1)
    results = kd.analyze_bag(docs, kzmedia.Pipeline())
    results.map(json.dumps).to_textfiles("out/part-*.jsonl")
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from .document import Document
from .metadata import DateScreen
from .pipeline import FailedDocument, Pipeline

__all__ = ["analyze_bag", "analyze_dataframe", "read_bag", "pipeline_payload", "period_counts"]

_worker_pipelines: dict[str, Pipeline] = {}


def pipeline_payload(pipeline: Pipeline | None = None) -> tuple[bytes, str]:
    """``(serialised spec, digest)`` of ``pipeline`` (default: every installed analyzer)."""
    import cloudpickle

    pipeline = pipeline if pipeline is not None else Pipeline()
    blob = cloudpickle.dumps(pipeline.spec())
    return blob, hashlib.sha256(blob).hexdigest()[:20]


def _pipeline_for(blob: bytes, digest: str) -> Pipeline:
    pipe = _worker_pipelines.get(digest)
    if pipe is None:
        import pickle

        pipe = _worker_pipelines[digest] = Pipeline.from_spec(pickle.loads(blob))
    return pipe


def _as_document(item, options: Mapping) -> Document | FailedDocument:
    if isinstance(item, (Document, FailedDocument)):
        return item
    if isinstance(item, str):
        return Document.from_text(item)
    if isinstance(item, Mapping):
        from .readers import record_to_document

        return record_to_document(item, default_id=str(item.get(options.get("id_field") or "id", "?")), **options)
    return FailedDocument(repr(item)[:60], f"cannot analyse a {type(item).__name__}")


def _kept(items: Iterable, options: Mapping, period: DateScreen | None) -> list[tuple[int, Any]]:
    """``(position, document)`` of the items the period admits (all without one); the worker's
    copy of the screen counts them, and is dropped: :func:`period_counts` gives the counts."""
    docs = [_as_document(item, options) for item in items]
    if period is None or not period.active:
        return list(enumerate(docs))
    return [(i, d) for i, d in enumerate(docs) if period.keeps(d)]


def _analyze_partition(items: Iterable, blob: bytes, digest: str, options: Mapping,
                       period: DateScreen | None = None) -> list[dict]:
    pipe = _pipeline_for(blob, digest)
    return [pipe.analyze(doc).to_dict() for _i, doc in _kept(items, options, period)]


def _record_options(text_field, id_field, meta_fields) -> dict:
    return {k: v for k, v in {"text_field": text_field, "id_field": id_field,
                              "meta_fields": meta_fields}.items() if v is not None}


def analyze_bag(bag, pipeline: Pipeline | None = None, *, text_field: str | Sequence[str] | None = None,
                id_field: str | None = None, meta_fields: Sequence[str] | None = None,
                period: DateScreen | None = None):
    """A bag of analysis dicts, one per item of ``bag`` (Documents, texts or records), same order.

    Records (mappings) are turned into documents as the JSONL reader does (``text_field``…).
    ``period``: only the documents it admits are analysed (``DateScreen.of("2024-01", "2024-06")``).
    """
    blob, digest = pipeline_payload(pipeline)
    return bag.map_partitions(_analyze_partition, blob, digest, _record_options(text_field, id_field, meta_fields),
                              period)


def _analyze_frame(df, blob: bytes, digest: str, options: Mapping, period: DateScreen | None = None):
    import pandas as pd

    pipe = _pipeline_for(blob, digest)
    kept = _kept(df.to_dict(orient="records"), options, period)
    out = [pipe.analyze(doc).to_dict() for _i, doc in kept]
    return pd.DataFrame({"doc_id": [a["document"]["id"] for a in out],
                         "words": [a["document"]["words"] for a in out],
                         "errors": [len(a["errors"]) for a in out],
                         "analysis": [json.dumps(a, ensure_ascii=False) for a in out]},
                        index=df.index[[i for i, _doc in kept]])


def analyze_dataframe(ddf, pipeline: Pipeline | None = None, *, text_field: str = "text",
                      id_field: str = "id", meta_fields: Sequence[str] | None = None,
                      period: DateScreen | None = None):
    """A dask DataFrame with, per row of ``ddf``: ``doc_id``, ``words``, ``errors`` and
    ``analysis`` (the JSON text of the analysis object). The index of ``ddf`` is kept;
    with ``period``, only the rows it admits are analysed and returned."""
    import pandas as pd

    blob, digest = pipeline_payload(pipeline)
    options = {"text_field": text_field, "id_field": id_field}
    if meta_fields is not None:
        options["meta_fields"] = meta_fields
    meta = pd.DataFrame({"doc_id": pd.Series([], dtype=object), "words": pd.Series([], dtype="int64"),
                         "errors": pd.Series([], dtype="int64"), "analysis": pd.Series([], dtype=object)})
    return ddf.map_partitions(_analyze_frame, blob, digest, options, period, meta=meta)


def _count_partition(part, options: Mapping, period: DateScreen) -> DateScreen:
    records = part.to_dict(orient="records") if hasattr(part, "to_dict") and hasattr(part, "columns") else part
    screen = _fresh(period)
    _kept(records, options, screen)
    return screen


def _fresh(period: DateScreen) -> DateScreen:
    return attrs.evolve(period, seen=0, undated=0, outside=0, on_skip=None)


def period_counts(collection, period: DateScreen, *, text_field: str | Sequence[str] | None = None,
                  id_field: str | None = None, meta_fields: Sequence[str] | None = None) -> DateScreen:
    """How many items of a bag or dask DataFrame ``period`` keeps and skips, counted on the
    workers (the items are read again, not analysed): a screen whose :meth:`~DateScreen.message`
    is the line ``kzmedia analyze --since …`` prints. Give the record options given to the analysis."""
    import dask

    options = _record_options(text_field, id_field, meta_fields)
    parts = [dask.delayed(_count_partition)(p, options, period) for p in collection.to_delayed()]
    total = _fresh(period)
    for screen in dask.compute(*parts):
        total.add_counts(screen)
    return total


def _read_files(paths: Iterable[str], reader: str | None, options: Mapping) -> list:
    from .readers import read_corpus

    return list(read_corpus(list(paths), reader=reader, **options))


def read_bag(inputs: str | Sequence[str], *, reader: str | None = None, files_per_partition: int = 1,
             **options: Any):
    """A bag of documents read by the workers themselves: ``inputs`` (files, directories, globs)
    are expanded here, each partition reads ``files_per_partition`` files where it runs (the
    files must be reachable from every worker: shared file system)."""
    import dask.bag as db

    from .readers import available_readers, expand_inputs

    if isinstance(inputs, str):
        inputs = [inputs]
    paths = [p for p, _info in expand_inputs(inputs, available_readers(), reader=reader)]
    groups = [paths[i:i + files_per_partition] for i in range(0, len(paths), files_per_partition)]
    return db.from_sequence(groups, npartitions=max(1, len(groups))).map_partitions(
        lambda parts: [d for group in parts for d in _read_files(group, reader, options)])
