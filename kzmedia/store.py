"""The results store: one SQLite file (standard library, WAL mode), resumable, exportable.

``kzmedia analyze CORPUS --store results.sqlite`` (or :meth:`Store.run`) writes each document's
analysis as it arrives, one transaction per batch. Kill the run at any moment and start the same
command again: documents already stored with the same content hash and the same analyzer
fingerprints are skipped, the rest is computed, and the final store equals a clean run's. When
one analyzer changes (its version, a data version it declares in ``data_versions()``, its options
or the extra lexicons given to it, or an analyzer it requires), only that analyzer (and those that
require it) is recomputed on every document.

Schema (``SCHEMA_VERSION`` 2; every JSON column holds UTF-8 JSON text)::

    store_info(key PRIMARY KEY, value)            schema_version, created_with
    runs(run_id PRIMARY KEY, started_at, finished_at, status,       -- running|complete|failed|interrupted
         kzmedia_version, source,                  -- JSON list of the corpus inputs
         analyzers,                                -- JSON {name: {version, declared, fingerprint}}
         seen, analysed, skipped, failed)          -- document counts of the run
    documents(doc_id PRIMARY KEY, seq,             -- seq: position in the corpus stream (export order)
              content_hash,                        -- SHA-256 of the text (NULL when unreadable)
              chars, words, meta,                  -- as in the JSON output's "document" object
              input_error,                         -- JSON error object when the document itself failed
              kzmedia_version, text,               -- the analysed text (HTML: the extracted text)
              run_id)                              -- the run that last wrote the row
    results(doc_id, analyzer, PRIMARY KEY(doc_id, analyzer),
            ordinal,                               -- the analyzer's position in the pipeline
            analyzer_version, fingerprint,         -- what decides whether a stored result is current
            result,                                -- JSON: results[analyzer] of the JSON output, or NULL
            error,                                 -- JSON error object when the analyzer raised, or NULL
            run_id)
    errors(doc_id, analyzer, stage, message, run_id)      -- every error, flat (input and analyzer)
    findings(doc_id, analyzer, label, start, end, text, score, extra)    -- extra: JSON object or NULL
    scores(doc_id, analyzer, name, grp, value, unit)                      -- grp: NULL when ungrouped
    relations(doc_id, analyzer, source, target, label, score, evidence, extra)  -- evidence: JSON spans

The last three are the generic result model (:mod:`kzmedia.results`) of every analyzer's JSON,
whatever analyzer it is: the analyzer's own ``result_model`` when it is installed, else the
generic rules. ``start``/``end`` are character offsets into ``documents.text``. A schema-1 store
(per-built-in tables) is upgraded in place when opened for writing: its stored results are kept
and the three tables rebuilt from them.

:meth:`Store.analyses` rebuilds, per document, exactly the object ``kzmedia analyze --format
jsonl`` prints (no run ids or timestamps inside), so a resumed store exports what a clean run does.
Tables and exports read a store from above (``kzmedia.tables.to_pandas(store, ...)``,
``kzmedia.exporters``); the store imports neither.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import re
import sqlite3
import time
import urllib.parse
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Callable

import attrs

from .document import Document
from .errors import KzmediaError
from .pipeline import Analysis, FailedDocument, Pipeline
from .protocol import data_versions
from .results import normalise, result_views

__all__ = ["SCHEMA_VERSION", "Store", "RunSummary", "analyzer_fingerprints"]

SCHEMA_VERSION = 2

_SCHEMA = """
CREATE TABLE IF NOT EXISTS store_info (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    run_id INTEGER PRIMARY KEY, started_at TEXT NOT NULL, finished_at TEXT, status TEXT NOT NULL,
    kzmedia_version TEXT NOT NULL, source TEXT, analyzers TEXT NOT NULL,
    seen INTEGER DEFAULT 0, analysed INTEGER DEFAULT 0, skipped INTEGER DEFAULT 0, failed INTEGER DEFAULT 0);
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY, seq INTEGER NOT NULL, content_hash TEXT, chars INTEGER NOT NULL,
    words INTEGER NOT NULL, meta TEXT NOT NULL, input_error TEXT, kzmedia_version TEXT NOT NULL,
    text TEXT, run_id INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS documents_seq ON documents(seq);
CREATE TABLE IF NOT EXISTS results (
    doc_id TEXT NOT NULL, analyzer TEXT NOT NULL, ordinal INTEGER NOT NULL,
    analyzer_version TEXT, fingerprint TEXT NOT NULL, result TEXT, error TEXT, run_id INTEGER NOT NULL,
    PRIMARY KEY (doc_id, analyzer));
CREATE TABLE IF NOT EXISTS errors (
    doc_id TEXT NOT NULL, analyzer TEXT, stage TEXT, message TEXT, run_id INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS errors_doc ON errors(doc_id);
CREATE TABLE IF NOT EXISTS findings (
    doc_id TEXT NOT NULL, analyzer TEXT NOT NULL, label TEXT NOT NULL, start INTEGER NOT NULL,
    "end" INTEGER NOT NULL, text TEXT NOT NULL, score REAL, extra TEXT);
CREATE INDEX IF NOT EXISTS findings_doc ON findings(doc_id);
CREATE TABLE IF NOT EXISTS scores (
    doc_id TEXT NOT NULL, analyzer TEXT NOT NULL, name TEXT NOT NULL, grp TEXT, value REAL NOT NULL,
    unit TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS scores_doc ON scores(doc_id);
CREATE TABLE IF NOT EXISTS relations (
    doc_id TEXT NOT NULL, analyzer TEXT NOT NULL, source TEXT NOT NULL, target TEXT NOT NULL,
    label TEXT NOT NULL, score REAL, evidence TEXT, extra TEXT);
CREATE INDEX IF NOT EXISTS relations_doc ON relations(doc_id);
"""

#: the derived tables, rebuilt from an analyzer's JSON whenever its result is written
DERIVED_TABLES = ("findings", "scores", "relations")
#: schema 1 had one table per built-in analyzer; its ``findings`` table had other columns
_SCHEMA_1_TABLES = ("frame_scores", "actor_mentions", "findings")


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def _dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False)


def analyzer_fingerprints(pipeline: Pipeline) -> dict[str, dict]:
    """Per analyzer: what a stored result must match to be reused.

    The fingerprint covers what the analyzer protocol (:mod:`kzmedia.protocol`) declares: the
    analyzer's ``version``, the data versions it declares (``data_versions()``; none when it has
    no such method — the store never runs or inspects an analyzer to guess them), the extra
    lexicons given to it, its options, and the fingerprints of the analyzers it requires (their
    change re-runs it too).
    """
    out: dict[str, dict] = {}
    for name, analyzer in pipeline.analyzers.items():  # in run order: a requirement comes first
        lexicons = [lx.id if hasattr(lx, "id") else f"{lx.name}@{lx.version}"
                    for lx in pipeline.context.lexicons(name)]
        basis = {"version": str(analyzer.version), "declared": data_versions(name, analyzer),
                 "extra_lexicons": lexicons, "options": pipeline.context.options(name),
                 "requires": {dep: out[dep]["fingerprint"] for dep in pipeline.requires.get(name, ())}}
        digest = hashlib.sha256(json.dumps(basis, sort_keys=True, default=str).encode()).hexdigest()[:16]
        out[name] = {"version": basis["version"], "declared": basis["declared"], "fingerprint": digest}
    return out


@attrs.define
class RunSummary:
    """What one :meth:`Store.run` did. ``failures``: the first ``(doc_id, reason)`` pairs."""

    run_id: int
    seen: int = 0
    analysed: int = 0
    partial: int = 0
    skipped: int = 0
    failed: int = 0
    words: int = 0
    seconds: float = 0.0
    failures: list = attrs.field(factory=list)

    def to_dict(self) -> dict:
        return attrs.asdict(self)


#: seconds a run waits for another run's transaction on the same store before giving up
BUSY_TIMEOUT = 60.0


def _writable(path: str) -> bool:
    folder = os.path.dirname(os.path.abspath(path))
    return os.access(folder, os.W_OK) and (not os.path.exists(path) or os.access(path, os.W_OK))


def _is_busy(error: sqlite3.DatabaseError) -> bool:
    return isinstance(error, sqlite3.OperationalError) and ("locked" in str(error) or "busy" in str(error))


class Store:
    """A results store in one SQLite file; open it with ``Store(path)`` (created when absent)."""

    def __init__(self, path: str | os.PathLike, *, keep_text: bool = True, readonly: bool = False,
                 views: Mapping | None = None):
        """``views``: the analyzers' ``result_model`` methods, for a store upgraded or rederived
        without a pipeline (default: the installed analyzers'; :meth:`run` uses its pipeline's)."""
        self.path = os.fspath(path)
        self.keep_text = keep_text
        self._views: Mapping | None = views
        self._readonly = readonly
        if readonly:
            if not os.path.exists(self.path):
                raise KzmediaError(f"{self.path}: no such results store")
            self.db = self._open_readonly()
        else:
            self._refuse_foreign()
            # another run may be writing the same store: wait for its transaction, do not fail
            try:
                self.db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT)
                self._set_up()
            except sqlite3.DatabaseError as e:
                if getattr(self, "db", None) is not None:
                    self.db.close()
                if _is_busy(e):
                    raise KzmediaError(f"{self.path}: the results store stayed locked for {BUSY_TIMEOUT:.0f} s "
                                       "(another process is writing to it)") from None
                if not _writable(self.path):
                    raise KzmediaError(f"{self.path}: the results store (or its folder) is read-only; "
                                       "'kzmedia export' and 'kzmedia report' read it as it is, a run "
                                       "needs a writable copy") from None
                raise KzmediaError(f"{self.path}: not a kzmedia results store ({e})") from None
        self._check_schema()

    def _open_readonly(self) -> sqlite3.Connection:
        """A reading connection that also works on a read-only file or folder: ``mode=ro``
        first (sees another run's commits); where SQLite cannot create its ``-shm`` beside a
        WAL store, ``immutable=1`` (no locking: nobody can be writing a read-only store)."""
        base = "file:" + urllib.parse.quote(os.path.abspath(self.path))
        error = None
        for query in ("?mode=ro", "?mode=ro&immutable=1"):
            db = sqlite3.connect(base + query, uri=True, timeout=BUSY_TIMEOUT)
            try:
                db.execute("SELECT count(*) FROM sqlite_master").fetchone()
                return db
            except sqlite3.DatabaseError as e:
                db.close()
                error = e
                if "not a database" in str(e) or _is_busy(e):
                    raise KzmediaError(f"{self.path}: not a kzmedia results store ({e})") from None
        raise KzmediaError(f"{self.path}: cannot open the results store for reading ({error})")

    def _refuse_foreign(self) -> None:
        """``--store`` on another application's SQLite database must not add tables to it."""
        if not os.path.isfile(self.path) or os.path.getsize(self.path) == 0:
            return
        try:
            db = self._open_readonly()
        except KzmediaError:
            return  # not SQLite at all, or unreadable: the writing connection names the problem
        try:
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            made = None
            if "store_info" in tables:
                made = db.execute("SELECT value FROM store_info WHERE key='created_with'").fetchone()
        except sqlite3.DatabaseError:
            return
        finally:
            db.close()
        # another run may be creating this store right now: its tables can be there before its
        # 'created_with' row is, so a database holding only kzmedia's own tables is ours
        ours = set(re.findall(r"CREATE TABLE IF NOT EXISTS (\w+)", _SCHEMA)) | set(_SCHEMA_1_TABLES)
        if made is not None and str(made[0]).startswith("kzmedia"):
            return
        if tables and not (tables <= ours and "store_info" in tables):
            shown = ", ".join(sorted(tables)[:5]) + (", …" if len(tables) > 5 else "")
            raise KzmediaError(f"{self.path}: a SQLite database kzmedia did not create (tables: {shown}); "
                               "give --store a new file name")

    def _set_up(self) -> None:
        deadline = time.monotonic() + BUSY_TIMEOUT
        while True:
            try:
                # switching a new file to WAL needs it to itself, and SQLite does not wait for
                # that: two runs starting on one new store would otherwise fail at once
                self.db.execute("PRAGMA journal_mode=WAL")
                break
            except sqlite3.OperationalError as e:
                if not _is_busy(e) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        # WAL + NORMAL: a committed batch survives a killed process (not a power cut)
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(_SCHEMA)
        self._init_info()

    # -- housekeeping -----------------------------------------------------------------------
    def _init_info(self):
        from . import __version__

        with self.db:
            self.db.execute("INSERT OR IGNORE INTO store_info VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
            self.db.execute("INSERT OR IGNORE INTO store_info VALUES ('created_with', ?)", (f"kzmedia {__version__}",))

    def _check_schema(self):
        try:
            row = self.db.execute("SELECT value FROM store_info WHERE key='schema_version'").fetchone()
        except sqlite3.DatabaseError as e:
            raise KzmediaError(f"{self.path}: not a kzmedia results store ({e})") from None
        if row is not None and int(row[0]) == 1 and not self._readonly:
            self._upgrade_from_1()
            return
        if row is not None and int(row[0]) == 1:
            return  # read-only: the stored results (all that reading needs) have not changed
        if row is None or int(row[0]) != SCHEMA_VERSION:
            raise KzmediaError(f"{self.path}: results store schema {row and row[0]!r}, "
                               f"this kzmedia reads schema {SCHEMA_VERSION}")

    def _upgrade_from_1(self) -> None:
        with self.db:
            for table in _SCHEMA_1_TABLES:
                self.db.execute(f"DROP TABLE IF EXISTS {table}")
        self.db.executescript(_SCHEMA)
        self.rederive()
        with self.db:
            self.db.execute("UPDATE store_info SET value=? WHERE key='schema_version'", (str(SCHEMA_VERSION),))

    def close(self):
        self.db.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- running ----------------------------------------------------------------------------
    def _stored(self, doc_id: str):
        row = self.db.execute("SELECT content_hash, input_error FROM documents WHERE doc_id=?",
                              (doc_id,)).fetchone()
        if row is None:
            return None
        fps = dict(self.db.execute("SELECT analyzer, fingerprint FROM results WHERE doc_id=?", (doc_id,)))
        return row[0], row[1], fps

    def plan(self, document, fingerprints: Mapping[str, dict]) -> tuple[str, ...] | None:
        """Which analyzers ``document`` still needs: ``()`` = none (skip), ``None`` = all."""
        if not isinstance(document, Document):
            return None
        stored = self._stored(document.id)
        if stored is None:
            return None
        content_hash, input_error, fps = stored
        if input_error is not None or content_hash != document.content_hash:
            return None
        stale = tuple(n for n, fp in fingerprints.items() if fps.get(n) != fp["fingerprint"])
        return stale if len(stale) < len(fingerprints) else None

    def run(self, pipeline: Pipeline, documents: Iterable, *, n_jobs: int = 1, batch_size: int = 64,
            ordered: bool = False, mp_context: str | None = None, source: Sequence[str] | None = None,
            on_result: Callable[[Analysis | None, Any], None] | None = None,
            max_failures: int = 50, worker_batch_size: int = 32) -> RunSummary:
        """Analyse ``documents`` into the store, skipping what is stored and current.

        One transaction per ``batch_size`` documents; with ``n_jobs > 1`` documents travel to the
        workers ``worker_batch_size`` at a time. ``on_result(analysis, document)`` is
        called for every document (``analysis`` is ``None`` for a skipped one): progress bars.
        """
        from . import __version__
        from .parallel import Job

        fingerprints = analyzer_fingerprints(pipeline)
        ordinals = {name: i for i, name in enumerate(pipeline.analyzers)}
        self._run_views = pipeline.views
        with self.db:
            self.db.execute("UPDATE runs SET status='interrupted' WHERE status='running'")
            cur = self.db.execute(
                "INSERT INTO runs(started_at, status, kzmedia_version, source, analyzers) VALUES (?,?,?,?,?)",
                (_now(), "running", __version__, _dumps(list(source) if source is not None else None),
                 _dumps(fingerprints)))
        summary = RunSummary(run_id=cur.lastrowid)
        seq_of: dict[str, int] = {}
        t0 = time.perf_counter()

        def jobs():
            for pos, doc in enumerate(documents):
                summary.seen += 1
                if isinstance(doc, str):
                    doc = Document.from_text(doc)
                doc_id = doc.id
                need = self.plan(doc, fingerprints)
                if need == ():
                    summary.skipped += 1
                    err = self.db.execute("SELECT analyzer, stage, message FROM errors WHERE doc_id=? LIMIT 1",
                                          (doc_id,)).fetchone()
                    if err is not None:  # a stored failure still counts: same exit status as a clean run
                        summary.failed += 1
                        if len(summary.failures) < max_failures:
                            summary.failures.append((doc_id, f"{err[0] or err[1]}: {err[2]}"))
                    if on_result is not None:
                        on_result(None, doc)
                    continue
                seq_of[doc_id] = pos
                yield doc if need is None else Job(doc, need)

        pending: list[tuple[Analysis, int]] = []
        status = "failed"
        try:
            from .parallel import analyze_parallel, run_job

            if n_jobs == 1:
                stream = (run_job(pipeline, item) for item in jobs())
            else:
                stream = analyze_parallel(pipeline, jobs(), n_jobs=n_jobs, ordered=ordered,
                                          batch_size=worker_batch_size, mp_context=mp_context,
                                          keep_findings=False)
            for analysis in stream:
                seq = seq_of.pop(analysis.document_id, summary.seen)
                pending.append((analysis, seq))
                if analysis.errors:
                    summary.failed += 1
                    if len(summary.failures) < max_failures:
                        e = analysis.errors[0]
                        summary.failures.append((analysis.document_id,
                                                 f"{e.get('analyzer') or e.get('stage')}: {e.get('message')}"))
                if on_result is not None:
                    on_result(analysis, analysis.document)
                if len(pending) >= batch_size:
                    self._write(pending, fingerprints, ordinals, summary)
                    pending = []
            self._write(pending, fingerprints, ordinals, summary)
            pending = []
            status = "complete"
        finally:
            summary.seconds = time.perf_counter() - t0
            try:
                with self.db:
                    self.db.execute(
                        "UPDATE runs SET finished_at=?, status=?, seen=?, analysed=?, skipped=?, failed=? "
                        "WHERE run_id=?", (_now(), status, summary.seen, summary.analysed,
                                           summary.skipped, summary.failed, summary.run_id))
            except sqlite3.Error:
                pass
        return summary

    # -- writing ----------------------------------------------------------------------------
    def _write(self, batch: list[tuple[Analysis, int]], fingerprints, ordinals, summary: RunSummary):
        if not batch:
            return
        run_id = summary.run_id
        with self.db:  # one transaction per batch
            for analysis, seq in batch:
                self.write_analysis(analysis, seq, fingerprints, ordinals, run_id, self._run_views)
                summary.analysed += 1
                if analysis.document is not None and len(analysis.results) < len(fingerprints) \
                        and not any(e.get("analyzer") is None for e in analysis.errors):
                    summary.partial += 1
                if analysis.document is not None and analysis.document.text.strip():
                    summary.words += analysis.document.words

    def write_analysis(self, analysis: Analysis, seq: int, fingerprints: Mapping[str, dict],
                       ordinals: Mapping[str, int], run_id: int, views: Mapping | None = None) -> None:
        """Write one analysis (inside the caller's transaction). ``views``: the analyzers'
        ``result_model`` methods (default: the analysis's own)."""
        from . import __version__

        views = analysis.views if views is None else views
        data = analysis.to_dict()
        info = data["document"]
        doc_id = info["id"]
        doc = analysis.document
        db = self.db
        input_errors = [e for e in data["errors"] if e.get("analyzer") is None]
        content_hash = doc.content_hash if doc is not None else None
        old = db.execute("SELECT content_hash FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        whole = input_errors or old is None or old[0] != content_hash or \
            set(data["results"]) | {e["analyzer"] for e in data["errors"] if e.get("analyzer")} >= set(fingerprints)
        if whole:
            self._delete(doc_id, None)
        db.execute(
            "INSERT OR REPLACE INTO documents(doc_id, seq, content_hash, chars, words, meta, input_error, "
            "kzmedia_version, text, run_id) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (doc_id, seq, content_hash, info["chars"], info["words"], _dumps(info["meta"]),
             _dumps(input_errors[0]) if input_errors else None, data["kzmedia_version"] or __version__,
             doc.text if (doc is not None and self.keep_text) else None, run_id))
        for e in input_errors:
            db.execute("INSERT INTO errors VALUES (?,?,?,?,?)", (doc_id, None, e.get("stage"), e.get("message"), run_id))
        if input_errors:
            return
        errors_by = {e["analyzer"]: e for e in data["errors"] if e.get("analyzer")}
        for name in list(data["results"]) + [n for n in errors_by if n not in data["results"]]:
            if not whole:
                self._delete(doc_id, name)
            result = data["results"].get(name)
            err = errors_by.get(name)
            fp = fingerprints.get(name, {})
            db.execute("INSERT OR REPLACE INTO results VALUES (?,?,?,?,?,?,?,?)",
                       (doc_id, name, ordinals.get(name, len(ordinals)),
                        (result or {}).get("analyzer_version") or fp.get("version"),
                        fp.get("fingerprint", ""), None if result is None else _dumps(result),
                        None if err is None else _dumps(err), run_id))
            if err is not None:
                db.execute("INSERT INTO errors VALUES (?,?,?,?,?)",
                           (doc_id, name, err.get("stage"), err.get("message"), run_id))
            if result is not None:
                self._derive(doc_id, name, result, views.get(name))

    def _delete(self, doc_id: str, analyzer: str | None) -> None:
        tables = ("results", "errors") + DERIVED_TABLES
        for table in tables:
            if analyzer is None:
                self.db.execute(f"DELETE FROM {table} WHERE doc_id=?", (doc_id,))
            else:
                self.db.execute(f"DELETE FROM {table} WHERE doc_id=? AND analyzer=?", (doc_id, analyzer))

    def _derive(self, doc_id: str, analyzer: str, result: Mapping, view=None) -> None:
        model = normalise(analyzer, result, view=view)
        db = self.db
        if model.findings:
            db.executemany("INSERT INTO findings VALUES (?,?,?,?,?,?,?,?)",
                           [(doc_id, analyzer, f.label, f.start, f.end, f.text, _num(f.score),
                             _dumps(f.extra) if f.extra else None) for f in model.findings])
        if model.scores:
            db.executemany("INSERT INTO scores VALUES (?,?,?,?,?,?)",
                           [(doc_id, analyzer, s.name, s.group, s.value, s.unit) for s in model.scores])
        if model.relations:
            db.executemany("INSERT INTO relations VALUES (?,?,?,?,?,?,?,?)",
                           [(doc_id, analyzer, r.source, r.target, r.label, _num(r.score),
                             _dumps([e.to_dict() for e in r.evidence]) if r.evidence else None,
                             _dumps(r.extra) if r.extra else None) for r in model.relations])

    def rederive(self, views: Mapping | None = None) -> None:
        """Rebuild the findings/scores/relations tables from the stored results (after an
        analyzer's ``result_model`` changed, or to upgrade a schema-1 store)."""
        views = views if views is not None else self._views if self._views is not None else result_views()
        with self.db:
            for table in DERIVED_TABLES:
                self.db.execute(f"DELETE FROM {table}")
            rows = self.db.execute("SELECT doc_id, analyzer, result FROM results WHERE result IS NOT NULL")
            for doc_id, name, result in rows.fetchall():
                self._derive(doc_id, name, json.loads(result), views.get(name))

    # -- reading ----------------------------------------------------------------------------
    def analyses(self) -> Iterator[dict]:
        """Every stored document's JSON object, in corpus order — exactly what
        ``kzmedia analyze --format jsonl`` prints for it."""
        docs = self.db.execute("SELECT doc_id, chars, words, meta, input_error, kzmedia_version "
                               "FROM documents ORDER BY seq, doc_id")
        results_of = self.db.cursor()
        for doc_id, chars, words, meta, input_error, version in docs:
            results, errors = {}, []
            if input_error is not None:
                errors.append(json.loads(input_error))
            else:
                for name, result, error in results_of.execute(
                        "SELECT analyzer, result, error FROM results WHERE doc_id=? ORDER BY ordinal, analyzer",
                        (doc_id,)):
                    if result is not None:
                        results[name] = json.loads(result)
                    if error is not None:
                        errors.append(json.loads(error))
            yield {"kzmedia_version": version,
                   "document": {"id": doc_id, "chars": chars, "words": words, "meta": json.loads(meta)},
                   "results": results, "errors": errors}

    def text(self, doc_id: str) -> str | None:
        row = self.db.execute("SELECT text FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        return row[0] if row else None

    def runs(self) -> list[dict]:
        cur = self.db.execute("SELECT * FROM runs ORDER BY run_id")
        cols = [c[0] for c in cur.description]
        out = []
        for row in cur:
            d = dict(zip(cols, row))
            d["analyzers"] = json.loads(d["analyzers"])
            d["source"] = json.loads(d["source"]) if d["source"] else None
            out.append(d)
        return out

    def errors(self) -> list[dict]:
        cur = self.db.execute("SELECT e.doc_id, e.analyzer, e.stage, e.message FROM errors e "
                              "JOIN documents d USING (doc_id) ORDER BY d.seq, e.doc_id")
        return [dict(zip(("document", "analyzer", "stage", "message"), r)) for r in cur]

    def count(self, table: str = "documents") -> int:
        if table not in ("documents", "results", "errors", "runs") + DERIVED_TABLES:
            raise ValueError(f"unknown table {table!r}")
        return self.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]

    def table_rows(self, table: str) -> list[tuple]:
        """Rows of a table without the run bookkeeping (to compare two stores)."""
        if table not in ("documents", "results", "errors") + DERIVED_TABLES:
            raise ValueError(f"unknown table {table!r}")
        cur = self.db.execute(f"SELECT * FROM {table}")
        cols = [c[0] for c in cur.description]
        keep = [i for i, c in enumerate(cols) if c != "run_id"]
        return sorted((tuple(r[i] for i in keep) for r in cur), key=repr)


def _num(v):
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None
