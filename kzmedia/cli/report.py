"""``kzmedia report FILE... -o report.html`` and ``kzmedia report results.sqlite -o report.html``.

Text files are analysed and drawn with their evidence highlighted (``--view compare`` puts them
side by side instead); a results store written by ``kzmedia analyze --store`` becomes the corpus
view. The output is one self-contained HTML file that opens from disk.
"""

from __future__ import annotations

import os
import sys

from . import EXIT_FAILED_DOCUMENTS, EXIT_OK, UsageError, add_pipeline_arguments, build_pipeline
from ..metadata import add_metadata_arguments, configured, metadata_from_args
from .analyze import (ProgressBar, add_max_chars_argument, progress_total, read_inputs, reader_options,
                      screened)

SQLITE_MAGIC = b"SQLite format 3\x00"


def add_parser(sub):
    p = sub.add_parser("report", help="write a self-contained HTML report (documents, comparison or corpus)")
    p.add_argument("inputs", nargs="+", metavar="FILE",
                   help="text files, or one results store (.sqlite) written by 'kzmedia analyze --store'")
    p.add_argument("-o", "--output", required=True, metavar="OUT.html", help="where to write the report ('-' = stdout)")
    p.add_argument("--view", choices=("auto", "documents", "compare", "corpus"), default="auto",
                   help="auto: corpus for a store or more than --max-texts documents, else documents")
    p.add_argument("--by", metavar="KEY", help="--view compare: compare groups of documents by this metadata "
                   "key (e.g. outlet) instead of single documents; corpus view: the groups of the tables and "
                   "charts that are per outlet by default (e.g. --by section)")
    p.add_argument("--title", help="page title")
    p.add_argument("--max-texts", type=int, default=25, metavar="N",
                   help="corpus view: include highlighted texts when there are at most N documents")
    add_pipeline_arguments(p)
    g = p.add_argument_group("corpus input (as for 'kzmedia analyze')")
    g.add_argument("--reader", metavar="NAME", help="read every input with this reader (txt, jsonl, csv, html, ...)")
    g.add_argument("--text-field", metavar="FIELD[,FIELD]", help="record field(s) holding the text")
    g.add_argument("--id-field", metavar="FIELD", help="record field holding the document id")
    g.add_argument("--meta-fields", metavar="A,B", help="record fields kept as metadata (date, outlet, url, title)")
    g.add_argument("--pattern", metavar="GLOB", help="with a directory: which files to take")
    add_max_chars_argument(g)
    g.add_argument("--jobs", "-j", type=int, default=1, metavar="N", help="worker processes (0 = one per CPU)")
    add_metadata_arguments(p, period=True)
    return p


def is_store(path: str) -> bool:
    if path.lower().endswith((".sqlite", ".sqlite3", ".db")):
        return True
    try:
        with open(path, "rb") as fh:
            return fh.read(16) == SQLITE_MAGIC
    except OSError:
        return False


def run(args) -> int:
    rules = metadata_from_args(args)
    with configured(rules):
        return _run(args, rules)


def _run(args, rules) -> int:
    from ..report import render_comparison, render_corpus, render_document_report
    from ..report.panels import default_panels

    panels = default_panels(getattr(args, "plugin_manager", None))  # what plugins add to the panels
    stores = [p for p in args.inputs if p != "-" and is_store(p)]
    failed = 0
    screen = None
    if stores:
        if len(args.inputs) != 1:
            raise UsageError("give either one results store or text files, not both")
        if args.view not in ("auto", "corpus"):
            raise UsageError(f"a results store is drawn as a corpus (--view {args.view} needs text files)")
        from ..metadata import screen_from_args
        from ..results import result_views

        screen = screen_from_args(args, rules)
        page = render_corpus(stores[0], title=args.title, max_texts=args.max_texts,
                             views=result_views(pm=getattr(args, "plugin_manager", None)), keep=screen.keeps,
                             by=args.by or "outlet", panels=panels)
        count = None
    else:
        pipeline = build_pipeline(args)
        docs, screen = screened(read_inputs(args.inputs, reader=args.reader, **reader_options(args)), args, rules)
        from ..metadata import DateScreen
        from ..report.model import CorpusSummary, doc_view

        # each analysis becomes the report's view of it as it arrives; a corpus page folds each
        # view into its summary and drops it, so memory does not grow with the corpus
        view = args.view
        kept: list = []
        summary = (CorpusSummary(max_texts=args.max_texts, by=args.by or "outlet")
                   if view in ("auto", "corpus") else None)
        # without --since/--until nothing is screened out; the undated are counted for the message
        undated = None if screen.active else DateScreen(rules=screen.rules)
        show = sys.stderr.isatty()
        progress = ProgressBar(enabled=show, total=progress_total(args) if show else None)
        screen.on_skip = progress.skip
        try:
            for i, a in enumerate(pipeline.analyze_many(docs, n_jobs=args.jobs)):
                for err in a.errors:
                    failed += 1
                    print(f"kzmedia: {err.get('document')}: {err.get('analyzer') or err.get('stage')}: "
                          f"{err.get('message')}", file=sys.stderr)
                progress.update(a)
                v = doc_view(i, a, pipeline.views)
                if undated is not None:
                    undated.admits(v.meta, v.id)
                if summary is not None:
                    summary.add(v)
                else:
                    kept.append(v)
        finally:
            progress.close()
        count = summary.documents if summary is not None else len(kept)
        if view == "auto":
            view = "corpus" if count > args.max_texts else "documents"
            kept = summary.views if view == "documents" else kept
        if undated is not None and (view == "corpus" or args.by in ("month", "year", "date")):
            screen = undated  # the page groups by date: say how many documents have none
        if view == "compare":
            page = render_comparison(kept, title=args.title, by=args.by, panels=panels)
        elif view == "corpus":
            page = render_corpus(summary, title=args.title, panels=panels)
        else:
            page = render_document_report(kept, title=args.title, panels=panels)
    if screen is not None and (screen.active or screen.seen):
        print(screen.message(), file=sys.stderr)
    if args.output == "-":
        sys.stdout.write(page)
    else:
        tmp = args.output + ".part"
        with open(tmp, "w", encoding="utf-8", newline="") as fh:
            fh.write(page)
        os.replace(tmp, args.output)
        what = f"{count} document(s)" if count is not None else "the corpus"
        print(f"kzmedia: wrote {args.output} ({what}, {len(page.encode('utf-8')) // 1024} KiB)", file=sys.stderr)
    return EXIT_FAILED_DOCUMENTS if failed else EXIT_OK
