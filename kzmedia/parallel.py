"""Process-parallel analysis: :func:`analyze_parallel` (behind ``Pipeline.analyze_many(n_jobs=N)``).

How work moves:

* Documents go to the workers in batches (``batch_size``) and come back as plain data in
  batches: one pickle round trip per batch, not per document.
* At most ``max_in_flight`` batches (default ``2 × n_jobs``) are submitted at a time, so a corpus
  of any size is read lazily and memory stays flat.
* Each worker builds its pipeline ONCE. With ``fork`` it inherits the parent's already built
  pipeline (lexicons compiled, morphology cache warm, nothing pickled); with ``spawn`` or
  ``forkserver`` it rebuilds it from :meth:`Pipeline.spec`, which names every plugin the
  parent's plugin manager held: entry points by name, plugin modules by import name, other
  plugin objects pickled by value. A plugin that cannot be sent that way (a class defined inside
  a function) is reported with a clear error under ``spawn``; it works under ``fork``.
* ``ordered=True`` yields results in input order; ``ordered=False`` as batches finish.

A document whose analysis fails inside a worker (an analyzer exception, anything unexpected)
becomes an :class:`~kzmedia.Analysis` with an error, as in a serial run; the run goes on. If a
worker process dies (killed for memory, a crash in compiled code), the documents that were in
flight are rerun one at a time in a one-worker pool: the one that kills its worker again is
recorded as failed with that reason, the others get their results, and the run goes on.
"""

from __future__ import annotations

import gc
import json
import marshal
import multiprocessing
import os
import pickle
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

import attrs

from .analysis import Analysis
from .document import Document, Finding
from .errors import AnalyzerError, KzmediaError, PluginError
from .plugins import describe_plugins, plugin_manager_from_description  # noqa: F401 - kept importable here

__all__ = ["Job", "analyze_parallel", "describe_plugins", "plugin_manager_from_description",
           "run_job"]


@attrs.frozen
class Job:
    """A document plus, optionally, the subset of the pipeline's analyzers to run on it
    (the results store uses this to recompute only the analyzers whose version changed)."""

    document: Any
    analyzers: tuple[str, ...] | None = None


class ShippedResult:
    """An analyzer result after a trip through a worker process.

    The JSON-ready dict travels as a :mod:`marshal` blob (about twice as fast to decode as a
    pickle of the same dicts; pickle when the data is not plain) and is decoded in the parent only
    when asked. Results are often larger than the text itself, and decoding is work the single
    parent process must do for every worker, so it is kept small. When the caller only wants JSON
    text (``kzmedia analyze --format jsonl``), the worker encodes it and the parent merely writes
    it (:meth:`kzmedia.Analysis.to_json`). Rich findings (from an analyzer's ``findings()``)
    travel only when the caller wants them (``keep_findings``).
    """

    __slots__ = ("_blob", "_format", "_data", "_findings")

    def __init__(self, blob: bytes | str, fmt: str, findings: list[Finding] | None):
        self._blob = blob
        self._format = fmt  # "marshal", "pickle" or "json"
        self._data = None
        self._findings = findings

    @classmethod
    def pack(cls, data: dict, findings: list[Finding] | None, as_json: bool = False) -> "ShippedResult":
        if as_json:
            return cls(json.dumps(data, ensure_ascii=False), "json", findings)
        try:
            return cls(marshal.dumps(data), "marshal", findings)
        except ValueError:  # not plain data (an attrs object, a set...): pickle it
            return cls(pickle.dumps(data, protocol=5), "pickle", findings)

    @property
    def json_text(self) -> str | None:
        """The result as JSON text when it travelled that way, else ``None``."""
        return self._blob if self._format == "json" else None

    def to_dict(self) -> dict:
        if self._data is None:
            loads = {"marshal": marshal.loads, "pickle": pickle.loads, "json": json.loads}[self._format]
            self._data = loads(self._blob)
        return self._data

    def findings(self) -> list[Finding]:
        if self._findings is not None:
            return list(self._findings)
        from .results import normalise

        return list(normalise("?", self.to_dict()).findings)

    def __reduce__(self):
        return (ShippedResult, (self._blob, self._format, self._findings))


def _check_spec_picklable(spec: Mapping) -> None:
    try:
        pickle.dumps(spec)
    except Exception as e:
        names = [x.get("name") for x in spec.get("plugins", {}).get("extra", ()) if "object" in x]
        raise PluginError(
            "the pipeline cannot be sent to 'spawn' worker processes: a plugin object is not "
            f"picklable ({type(e).__name__}: {e}; plugins: {names}). Define plugins at module "
            "level (or as modules), or use mp_context='fork'") from e


# --------------------------------------------------------------------------------------------
# The worker side
# --------------------------------------------------------------------------------------------

_worker_pipeline = None
_worker_error: BaseException | None = None


def _die_with_parent(parent: int) -> None:
    """A worker must not outlive the run: Ctrl-C is the parent's to handle (no worker
    traceback); when the parent dies (SIGTERM, kill -9) the worker goes too — Linux's
    PR_SET_PDEATHSIG, and elsewhere (or should the parent be gone already) a watching thread."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:
        os._exit(1)

    def watch():
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="kzmedia-parent-watch", daemon=True).start()


def _init_worker(payload, expected_versions, parent=None):
    # An exception here would only surface as "BrokenProcessPool": keep it and raise it from the
    # first batch instead, so the parent sees the real reason.
    global _worker_pipeline, _worker_error
    if parent is not None:
        _die_with_parent(parent)
    try:
        if isinstance(payload, tuple):  # spawn/forkserver: (Pipeline.from_spec, spec) to rebuild it
            build, spec = payload
            _worker_pipeline = build(spec)
        else:  # fork: the pipeline itself, inherited, already set up
            _worker_pipeline = payload
        # what set-up built lives as long as the worker: keep the collector from rescanning it
        gc.freeze()
        got = _worker_pipeline.versions
        if got != expected_versions:
            raise PluginError(f"a worker process rebuilt a different pipeline: analyzers {got} "
                              f"instead of {expected_versions}")
    except BaseException as e:  # noqa: BLE001 - reported through the first batch
        _worker_error = e if isinstance(e, KzmediaError) else PluginError(
            f"a worker process could not build the pipeline: {type(e).__name__}: {e}")


def run_job(pipeline, item) -> "Analysis":  # noqa: F821
    """Analyse one stream item (a Document, text, FailedDocument or :class:`Job`)."""
    if isinstance(item, Job):
        return pipeline.analyze(item.document, only=item.analyzers)
    return pipeline.analyze(item)


def _ship(analysis, keep_findings: bool = True, as_json: bool = False) -> tuple:
    results = {}
    errors = list(analysis.errors)
    for name, raw in analysis.results.items():
        try:
            data = analysis.result(name)
            findings = None
            if keep_findings and callable(getattr(raw, "findings", None)):
                findings = list(raw.findings())
            results[name] = ShippedResult.pack(data, findings, as_json)
        except Exception as e:  # this analyzer's result only: the others' are kept
            errors.append({"document": analysis.document_id, "analyzer": name, "stage": "worker",
                           "message": f"result could not be sent back: {type(e).__name__}: {e}"})
    doc = analysis.document
    words = None
    if doc is not None:
        words = doc.words if doc.text.strip() else 0
    return (results, {n: v for n, v in analysis.versions.items() if n in results}, errors, words,
            None if doc is not None else analysis.to_dict()["document"])


class _RemoteAnalyzerError(Exception):
    """Carries a strict-mode AnalyzerError back to the parent (AnalyzerError itself does not
    survive pickling: its constructor takes three arguments)."""

    def __init__(self, analyzer, document_id, cause_type, cause_message):
        super().__init__(analyzer, document_id, cause_type, cause_message)
        self.analyzer, self.document_id = analyzer, document_id
        self.cause_type, self.cause_message = cause_type, cause_message


def _picklable(e: BaseException) -> BaseException:
    if isinstance(e, AnalyzerError):
        return _RemoteAnalyzerError(e.analyzer, e.document_id, type(e.cause).__name__, str(e.cause))
    try:
        pickle.loads(pickle.dumps(e))
        return e
    except Exception:
        return KzmediaError(str(e)) if isinstance(e, KzmediaError) else RuntimeError(f"{type(e).__name__}: {e}")


def _run_batch(items: Sequence, keep_findings: bool = True, as_json: bool = False) -> list[tuple]:
    if _worker_error is not None:
        raise _worker_error
    pipe = _worker_pipeline
    out = []
    for item in items:
        try:
            analysis = run_job(pipe, item)
        except Exception as e:  # not an analyzer error (those are caught by the pipeline)
            if pipe.strict:
                raise _picklable(e) from None
            doc = item.document if isinstance(item, Job) else item
            doc_id = getattr(doc, "id", "?")
            analysis = Analysis.failure(doc_id, f"{type(e).__name__}: {e}", stage="worker")
        try:
            out.append(_ship(analysis, keep_findings, as_json))
        except Exception as e:
            doc_id = analysis.document_id
            out.append(_ship(Analysis.failure(doc_id, f"result could not be prepared: {type(e).__name__}: {e}",
                                              stage="worker")))
    return out


# --------------------------------------------------------------------------------------------
# The parent side
# --------------------------------------------------------------------------------------------

def _rebuild(item, shipped: tuple, views=None):
    results, versions, errors, words, doc_info = shipped
    doc = item.document if isinstance(item, Job) else item
    if isinstance(doc, str):
        doc = Document.from_text(doc)
    if isinstance(doc, Document) and doc_info is None:
        if words is not None:
            # the worker counted the words; don't tokenise again in the parent just for that
            doc._cache.setdefault("words", words)
        return Analysis(doc, results, versions, errors, views=views)
    return Analysis(None, results, versions, errors, doc_info=doc_info, views=views)


def _batches(items: Iterable, size: int) -> Iterator[list]:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _failed_batch(batch: list, exc: BaseException) -> list:
    out = []
    for item in batch:
        doc = item.document if isinstance(item, Job) else item
        doc_id = getattr(doc, "id", None) or (Document.from_text(doc).id if isinstance(doc, str) else "?")
        out.append(Analysis.failure(doc_id, f"batch failed in a worker: {type(exc).__name__}: {exc}",
                                    stage="worker"))
    return out


def analyze_parallel(pipeline, documents: Iterable, *, n_jobs: int = 2, ordered: bool = True,
                     batch_size: int = 16, mp_context: str | None = None,
                     max_in_flight: int | None = None, keep_findings: bool = True,
                     as_json: bool = False) -> Iterator:
    """Analyse ``documents`` in ``n_jobs`` worker processes; yields :class:`~kzmedia.Analysis`.

    ``mp_context``: ``"fork"``, ``"spawn"`` or ``"forkserver"`` (default: ``fork`` on Linux,
    else the platform's default). ``n_jobs <= 0`` means one worker per CPU.
    ``keep_findings=False``: ``Analysis.findings`` is then derived from the results' JSON
    ``findings`` lists only (cheaper; the CLI and the results store need only the JSON).
    ``as_json=True``: workers also encode each result as JSON text, so that
    :meth:`~kzmedia.Analysis.to_json` in the parent is string concatenation (``to_dict`` still
    works, decoding on demand) — the parent stays off the critical path of a JSON-lines run.
    """
    if n_jobs is None or n_jobs <= 0:
        n_jobs = os.cpu_count() or 1
    if batch_size < 1:
        raise ValueError("batch_size must be >= 1")
    # fork on Linux (workers inherit the built pipeline); elsewhere the platform's default
    method = mp_context or ("fork" if sys.platform.startswith("linux") else multiprocessing.get_start_method())
    ctx = multiprocessing.get_context(method)
    if method == "fork":
        payload = pipeline
    else:
        spec = pipeline.spec()
        _check_spec_picklable(spec)
        payload = (type(pipeline).from_spec, spec)
    yield from _ParallelRun(pipeline, ctx, payload, n_jobs=n_jobs, ordered=ordered, batch_size=batch_size,
                            max_in_flight=max_in_flight or 2 * n_jobs, keep_findings=keep_findings,
                            as_json=as_json).run(documents)


class _ParallelRun:
    """The parent's side of one :func:`analyze_parallel` call: the pool, the batches in flight
    (at most ``max_in_flight``), and the recovery when a worker dies."""

    def __init__(self, pipeline, ctx, payload, *, n_jobs: int, ordered: bool, batch_size: int,
                 max_in_flight: int, keep_findings: bool, as_json: bool):
        self.pipeline, self.ctx, self.payload = pipeline, ctx, payload
        self.n_jobs, self.ordered, self.batch_size, self.max_in_flight = n_jobs, ordered, batch_size, max_in_flight
        self.keep_findings, self.as_json = keep_findings, as_json
        self.fork = ctx.get_start_method() == "fork"
        self.expected = pipeline.versions
        self.pending: deque = deque()  # (future, batch) in submission order
        self.exhausted = False
        self.crashes = 0

    def new_pool(self, workers: int) -> ProcessPoolExecutor:
        if self.fork:
            # Move the parent's objects out of the collector's reach before forking: a worker's
            # garbage collections would otherwise touch (and so copy) every inherited page.
            gc.freeze()
        return ProcessPoolExecutor(max_workers=workers, mp_context=self.ctx, initializer=_init_worker,
                                   initargs=(self.payload, self.expected, os.getpid()))

    def submit(self, pool: ProcessPoolExecutor, batch: list) -> Future:
        future = pool.submit(_run_batch, batch, self.keep_findings, self.as_json)
        if self.fork:
            gc.unfreeze()  # the first submit has forked the workers (a no-op afterwards)
        return future

    def fill(self) -> None:
        """Submit batches until ``max_in_flight`` are pending or the documents run out."""
        while not self.exhausted and len(self.pending) < self.max_in_flight:
            try:
                batch = next(self.source)
            except StopIteration:
                self.exhausted = True
                return
            try:
                future = self.submit(self.pool, batch)
            except BrokenProcessPool as e:
                # a worker died since the last collect: park the batch behind a failed future,
                # so the main loop's recovery re-runs it with the other batches in flight
                future = Future()
                future.set_exception(e)
                self.pending.append((future, batch))
                return
            self.pending.append((future, batch))

    def collect(self, future: Future, batch: list) -> list:
        """One finished batch as analyses (a batch that failed as a whole: one failure each)."""
        try:
            shipped = future.result()
        except BrokenProcessPool:
            raise
        except _RemoteAnalyzerError as r:
            cause = type(r.cause_type, (Exception,), {})(r.cause_message)
            raise AnalyzerError(r.analyzer, r.document_id, cause) from None
        except KzmediaError:
            raise
        except Exception as e:
            if self.pipeline.strict:
                raise
            return _failed_batch(batch, e)
        return [_rebuild(item, s, self.pipeline.views) for item, s in zip(batch, shipped)]

    def isolate(self, items: list) -> list:
        """After a worker died: run the suspects one by one in a one-worker pool, so the
        document that kills its worker is named, recorded as failed, and the run goes on."""
        out = []
        k = 0
        while k < len(items):
            solo = self.new_pool(1)
            try:
                futures = [self.submit(solo, [item]) for item in items[k:]]
                for future in futures:
                    item = items[k]
                    k += 1
                    try:
                        out.extend(self.collect(future, [item]))
                    except BrokenProcessPool:
                        self.crashes += 1
                        if self.crashes > MAX_WORKER_CRASHES:
                            raise KzmediaError(f"worker processes died {self.crashes} times; giving up "
                                               "(a results store resumes from here)") from None
                        out.append(Analysis.failure(
                            _item_id(item), "the worker process died while analysing this document "
                            "(killed or crashed: out of memory, or a crash in a compiled library)",
                            stage="worker"))
                        break
            finally:
                solo.shutdown(wait=True, cancel_futures=True)
        return out

    def next_done(self) -> tuple[Future, list]:
        """The next batch to collect: the oldest (``ordered``) or the first to finish."""
        if self.ordered:
            return self.pending.popleft()
        done, _ = wait([f for f, _ in self.pending], return_when=FIRST_COMPLETED)
        idx = next(i for i, (f, _) in enumerate(self.pending) if f in done)
        future, batch = self.pending[idx]
        del self.pending[idx]
        return future, batch

    def run(self, documents: Iterable) -> Iterator:
        self.source = _batches(documents, self.batch_size)
        self.pool = self.new_pool(self.n_jobs)
        try:
            self.fill()
            while self.pending:
                future, batch = self.next_done()
                try:
                    analyses = self.collect(future, batch)
                except BrokenProcessPool:
                    # every batch in flight is lost with the pool: find the culprit among them
                    suspects = [item for b in [batch] + [b for _, b in self.pending] for item in b]
                    self.pending.clear()
                    self.pool.shutdown(wait=True, cancel_futures=True)
                    analyses = self.isolate(suspects)
                    self.pool = self.new_pool(self.n_jobs)
                self.fill()  # keep the workers busy while the caller consumes this batch
                yield from analyses
        except KeyboardInterrupt:
            _stop_workers(self.pool)  # Ctrl-C: do not wait for the batches in flight
            raise
        finally:
            gc.unfreeze()
            for future, _ in self.pending:
                future.cancel()
            self.pool.shutdown(wait=True, cancel_futures=True)


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        try:
            process.terminate()
        except (OSError, AttributeError):
            pass


#: how many worker deaths one run tolerates before it stops
MAX_WORKER_CRASHES = 20


def _item_id(item) -> str:
    doc = item.document if isinstance(item, Job) else item
    if isinstance(doc, str):
        return Document.from_text(doc).id
    return getattr(doc, "id", "?")
