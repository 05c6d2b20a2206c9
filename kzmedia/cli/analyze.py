"""``kzmedia analyze INPUT...``: run the analyzers over files, folders, globs or record files.

Inputs are read by the corpus readers (:mod:`kzmedia.readers`): ``.txt`` files, directories
(walked recursively), glob patterns, JSON lines, CSV, HTML and Parquet; ``-`` reads standard
input. A plain file's document id is its path as given. Results go to standard output (table,
JSON or JSON lines) or, with ``--store``, into a resumable SQLite results store.
"""

from __future__ import annotations

import json
import os
import sys
import time

from ..document import MAX_CHARS
from ..metadata import add_metadata_arguments, configured, metadata_from_args, screen_from_args
from ..pipeline import Analysis
from . import EXIT_FAILED_DOCUMENTS, EXIT_OK, UsageError, add_pipeline_arguments, build_pipeline

#: how many failing documents are named one by one on stderr before a summary line
MAX_REPORTED_FAILURES = 20


def add_parser(sub):
    p = sub.add_parser("analyze", help="analyse files or a corpus and print or store the results")
    p.add_argument("inputs", nargs="+", metavar="INPUT",
                   help="text files, directories, glob patterns, .jsonl/.csv/.html/.parquet files "
                        "('-' reads standard input)")
    p.add_argument("--format", choices=("table", "json", "jsonl"), default=None,
                   help="output format (default: table; nothing is printed with --store unless given)")
    add_pipeline_arguments(p)
    g = p.add_argument_group("corpus input")
    g.add_argument("--reader", metavar="NAME",
                   help="read every input with this reader (txt, jsonl, csv, html, parquet, or a plugin's); "
                        "default: chosen by file suffix")
    g.add_argument("--text-field", metavar="FIELD[,FIELD]",
                   help="record field(s) holding the text (default: text, else content); several are "
                        "joined with a blank line")
    g.add_argument("--id-field", metavar="FIELD", help="record field holding the document id (default: id, else url)")
    g.add_argument("--meta-fields", metavar="A,B", help="record fields kept as metadata (default: all others)")
    g.add_argument("--pattern", metavar="GLOB",
                   help="with --reader txt/html and a directory: which files to take (default **/*.txt)")
    add_max_chars_argument(g)
    r = p.add_argument_group("running")
    r.add_argument("--jobs", "-j", type=int, default=1, metavar="N",
                   help="worker processes (0 = one per CPU; default 1)")
    r.add_argument("--batch-size", type=int, default=16, metavar="N",
                   help="with --jobs: documents sent to a worker at a time (default 16)")
    r.add_argument("--store", metavar="PATH",
                   help="write results into this SQLite store (resumable: stored documents are skipped)")
    r.add_argument("--no-text", action="store_true", help="with --store: do not keep the documents' text")
    r.add_argument("--quiet", "-q", action="store_true", help="no progress bar and no summary line")
    add_metadata_arguments(p, period=True, outlets=False)
    return p


def screened(docs, args, rules=None):
    """``docs`` within ``--since``/``--until`` (a no-op without them) and the screen counting them."""
    screen = screen_from_args(args, rules)
    return (screen.screen(docs) if screen.active else docs), screen


def _positive_int(value: str) -> int:
    import argparse

    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"expected a number >= 1, got {value!r}")
    return n


def add_max_chars_argument(group) -> None:
    group.add_argument("--max-chars", type=_positive_int, metavar="N",
                       help=f"refuse a document longer than N characters (default {MAX_CHARS:,}): a "
                            "runaway input is reported instead of filling memory")


def reader_options(args) -> dict:
    opts = {}
    for key in ("encoding", "text_field", "id_field", "meta_fields", "pattern", "max_chars"):
        value = getattr(args, key, None)
        if value:
            opts[key] = value
    return opts


def read_inputs(paths, encoding=None, *, reader=None, **options):
    """Yield a Document (or a FailedDocument naming the input and the reason) per document."""
    from ..readers import read_corpus

    if encoding:
        options["encoding"] = encoding
    return read_corpus(paths, reader=reader, **options)


def emit(analysis: Analysis, fmt: str, out=None, *, single: bool = False, analyzers=None) -> None:
    out = out or sys.stdout
    if fmt == "jsonl" or (fmt == "json" and not single):
        out.write(analysis.to_json() + "\n")  # results from workers arrive as JSON text already
    elif fmt == "json":
        out.write(json.dumps(analysis.to_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        out.write(format_table(analysis.to_dict(), analyzers or {}) + "\n")


def format_table(data: dict, analyzers: dict) -> str:
    """Human-readable summary; an analyzer may provide ``summary(result_dict) -> list[str]``."""
    doc = data["document"]
    lines = [f"== {doc['id']}  ({doc['words']} words)"]
    for name, result in data["results"].items():
        summarize = getattr(analyzers.get(name), "summary", None)
        lines.append(f"  {name} {result.get('analyzer_version')}")
        for line in summarize(result) if summarize else _generic_summary(result):
            lines.append(f"    {line}")
    for err in data["errors"]:
        who = err.get("analyzer") or err.get("stage")
        lines.append(f"  ! {who}: {err['message']}")
    return "\n".join(lines)


def _generic_summary(result: dict) -> list[str]:
    out = []
    for key, value in result.items():
        if key == "analyzer_version":
            continue
        if isinstance(value, list):
            out.append(f"{key}: {len(value)} item(s)")
        elif isinstance(value, dict):
            out.append(f"{key}: " + ", ".join(f"{k}={v}" for k, v in list(value.items())[:8]))
        else:
            out.append(f"{key}: {value}")
    return out


class ProgressBar:
    """A rich progress bar on a terminal's stderr; nothing when piped or quiet. With ``total``
    (the number of documents, when :func:`kzmedia.readers.count_documents` can tell) it shows
    done/total and the time remaining; without, the count and the rate."""

    def __init__(self, enabled: bool, total: int | None = None):
        self.bar = None
        self.total = total
        self.docs = self.words = self.failed = self.skipped = 0
        self.t0 = time.perf_counter()
        if not enabled:
            return
        try:
            from rich.console import Console
            from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                                       TimeRemainingColumn)
        except ImportError:
            return
        columns = [TextColumn("[bold]kzmedia"), BarColumn()]
        if total is not None:
            columns += [MofNCompleteColumn(), TextColumn("eta"), TimeRemainingColumn()]
        columns += [TextColumn("{task.description}"), TimeElapsedColumn()]
        # stdout is routed above the bar only when it is the same terminal; redirected to a file
        # or a pipe, it must stay untouched (rich would send the results to the terminal instead)
        self.bar = Progress(*columns, console=Console(stderr=True, soft_wrap=True), transient=True,
                            redirect_stdout=sys.stdout.isatty(), redirect_stderr=True)
        self.task = self.bar.add_task("", total=total)
        self.bar.start()

    def skip(self, item=None):
        """A document left out before analysis (outside --since/--until): it still counts to the total."""
        if self.bar is not None:
            self.bar.advance(self.task)

    def update(self, analysis, document=None):
        self.docs += 1
        if analysis is None:
            self.skipped += 1
        else:
            if analysis.errors:
                self.failed += 1
            if analysis.document is not None and analysis.document.text.strip():
                self.words += analysis.document.words
        if self.bar is not None:
            self.bar.advance(self.task)
        if self.bar is not None and (self.docs % 8 == 0 or self.docs < 8):
            rate = self.words / max(time.perf_counter() - self.t0, 1e-9)
            desc = f"{self.docs:,} docs · {rate:,.0f} words/s"
            if self.skipped:
                desc += f" · {self.skipped:,} already stored"
            if self.failed:
                desc += f" · [red]{self.failed:,} failed"
            self.bar.update(self.task, description=desc)

    def close(self):
        if self.bar is not None:
            self.bar.stop()
            self.bar = None


def progress_total(args) -> int | None:
    """The number of documents the inputs hold, when it is cheap to count (for the bar's ETA)."""
    from ..readers import count_documents

    try:
        return count_documents(args.inputs, reader=args.reader)
    except Exception:  # a count is a nicety: an input problem is reported by the run itself
        return None


def _report_failure(analysis: Analysis, shown: list) -> None:
    for err in analysis.errors:
        if len(shown) < MAX_REPORTED_FAILURES:
            print(f"kzmedia: {err['document']}: {err.get('analyzer') or err['stage']}: {err['message']}",
                  file=sys.stderr)
        shown.append(err)


def run(args) -> int:
    if args.jobs < 0:
        raise UsageError("--jobs must be >= 0")
    if args.batch_size < 1:
        raise UsageError("--batch-size must be >= 1")
    pipeline = build_pipeline(args)
    if not pipeline.analyzers:
        why = " (KZMEDIA_PLUGINS names no analyzer plugin)" if "KZMEDIA_PLUGINS" in os.environ else ""
        print(f"kzmedia: warning: no analyzer is enabled{why}; 'kzmedia plugins' lists what is installed",
              file=sys.stderr)
    if args.reader:
        from ..readers import available_readers

        if args.reader not in available_readers():
            raise UsageError(f"unknown reader {args.reader!r}; available: {', '.join(sorted(available_readers()))}")
    rules = metadata_from_args(args)
    docs, screen = screened(read_inputs(args.inputs, reader=args.reader, **reader_options(args)), args, rules)
    n_jobs = args.jobs if args.jobs != 0 else -1
    show = not args.quiet and sys.stderr.isatty()
    progress = ProgressBar(enabled=show, total=progress_total(args) if show else None)
    screen.on_skip = progress.skip
    try:
        with configured(rules):
            if args.store:
                return _run_store(args, pipeline, docs, n_jobs, progress)
            return _run_print(args, pipeline, docs, n_jobs, progress)
    finally:
        progress.close()
        if screen.active:
            print(screen.message(), file=sys.stderr)


def _run_print(args, pipeline, docs, n_jobs, progress) -> int:
    fmt = args.format or "table"
    # peek: a lone document is pretty-printed with --format json (as before corpus input existed)
    docs = iter(docs)
    head = []
    for d in docs:
        head.append(d)
        if len(head) == 2:
            break
    single = len(head) == 1

    def stream():
        yield from head
        yield from docs

    total = failed = 0
    shown: list = []
    if n_jobs == 1:
        analyses = pipeline.analyze_many(stream())
    else:
        from ..parallel import analyze_parallel

        # the output needs the JSON only: rich findings need not cross the process boundary
        analyses = analyze_parallel(pipeline, stream(), n_jobs=n_jobs, batch_size=args.batch_size,
                                    keep_findings=False, as_json=fmt in ("json", "jsonl"))
    for analysis in analyses:
        total += 1
        failed += bool(analysis.errors)
        emit(analysis, fmt, single=single, analyzers=pipeline.analyzers)
        if analysis.errors:
            _report_failure(analysis, shown)
        progress.update(analysis)
    progress.close()
    if len(shown) > MAX_REPORTED_FAILURES:
        print(f"kzmedia: ... and {len(shown) - MAX_REPORTED_FAILURES} more error(s)", file=sys.stderr)
    if failed:
        print(f"kzmedia: {failed} of {total} document(s) had errors (see 'errors' in the output)",
              file=sys.stderr)
    return EXIT_FAILED_DOCUMENTS if failed else EXIT_OK


def _run_store(args, pipeline, docs, n_jobs, progress) -> int:
    from ..store import Store

    fmt = args.format
    shown: list = []

    def on_result(analysis, document):
        progress.update(analysis, document)
        if analysis is None:
            return
        if fmt:
            emit(analysis, fmt, analyzers=pipeline.analyzers)
        if analysis.errors:
            _report_failure(analysis, shown)

    with Store(args.store, keep_text=not args.no_text) as store:
        summary = store.run(pipeline, docs, n_jobs=n_jobs, batch_size=64, worker_batch_size=args.batch_size,
                            ordered=bool(fmt), source=list(args.inputs), on_result=on_result)
    progress.close()
    if len(shown) > MAX_REPORTED_FAILURES:
        print(f"kzmedia: ... and {len(shown) - MAX_REPORTED_FAILURES} more error(s)", file=sys.stderr)
    if not args.quiet:
        rate = summary.words / summary.seconds if summary.seconds else 0.0
        print(f"kzmedia: {summary.seen} document(s): {summary.analysed} analysed"
              + (f" ({summary.partial} partly)" if summary.partial else "")
              + f", {summary.skipped} already stored, {summary.failed} with errors; "
              f"{summary.words:,} words in {summary.seconds:.1f} s ({rate:,.0f} words/s) -> {args.store}",
              file=sys.stderr)
    if summary.failed:
        print(f"kzmedia: {summary.failed} document(s) had errors: see the 'errors' table of {args.store} "
              f"(kzmedia export {args.store} --format csv --table errors)", file=sys.stderr)
        return EXIT_FAILED_DOCUMENTS
    return EXIT_OK
