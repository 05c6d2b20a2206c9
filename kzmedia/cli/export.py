"""``kzmedia export results.sqlite --format csv|parquet|jsonl [-o OUT]``: a results store out.

``jsonl`` writes, per document, exactly the object ``kzmedia analyze --format jsonl`` prints; a
resumed store exports byte for byte what a clean run exports. ``csv`` and ``parquet`` write one
of the tables of :mod:`kzmedia.tables` (``--table``, default ``documents``; ``series`` is the
per-month time series, ``--by`` its groups), the core's or one a plugin registered
(``kzmedia_register_tables``). The metadata options (``--outlet-map``, ``--dates``,
``--date-field``, ``--since``/``--until``) apply to every format; a table with a month column says
on stderr how many documents are undated.
"""

from __future__ import annotations

import os
import sys

from ..metadata import add_metadata_arguments, configured, metadata_from_args, screen_from_args
from . import EXIT_OK, UsageError, split_names


def add_parser(sub):
    # kzmedia.tables (and with it the store and sqlite3) is imported by run(), not here: every
    # command builds this parser, and 'kzmedia analyze' need not pay for it
    p = sub.add_parser("export", help="export a results store as JSON lines, CSV or Parquet")
    p.add_argument("store", metavar="STORE", help="a results store written by 'kzmedia analyze --store'")
    p.add_argument("--format", default="jsonl", metavar="FORMAT",
                   help="jsonl (default), csv, parquet, or a plugin's exporter")
    p.add_argument("--table", default="documents", metavar="TABLE",
                   help="csv/parquet: which table: documents (default, one row per document), findings, "
                        "scores, relations, labels, series, errors, or a plugin's (kzmedia.tables)")
    p.add_argument("--by", metavar="KEY[,KEY]",
                   help="--table labels/series: group by these metadata keys (outlet, month, year or any "
                        "field; series: always per month, default --by outlet; --by none pools the corpus)")
    p.add_argument("-o", "--output", metavar="OUT", help="output file (default: standard output)")
    add_metadata_arguments(p, period=True)
    return p


#: the tables with a month column: their runs report how many documents are undated
DATED_TABLES = ("documents", "findings", "scores", "relations", "series")


def run(args) -> int:
    from ..exporters import get_exporter
    from ..results import result_views
    from ..store import Store
    from ..tables import TABLES, available_tables, plugin_tables

    if not os.path.exists(args.store):
        raise UsageError(f"{args.store}: no such results store")
    pm = getattr(args, "plugin_manager", None)
    exporter = get_exporter(args.format, pm)
    # the installed analyzers' result_model read their own JSON; others by the generic rules
    options = {} if args.format == "jsonl" else {"table": args.table, "views": result_views(pm=pm)}
    if args.format != "jsonl" and args.table not in TABLES:
        if args.table not in plugin_tables(pm):
            raise UsageError(f"--table {args.table}: no such table; choose one of "
                             f"{', '.join(available_tables(pm))}")
        options["plugin_manager"] = pm
    if args.by is not None:
        if args.format == "jsonl" or args.table not in ("labels", "series"):
            raise UsageError("--by applies to --table labels or --table series (csv, parquet)")
        by = split_names([args.by]) or []
        options["by"] = () if by == ["none"] else tuple(by)
    screen = screen_from_args(args)
    with configured(metadata_from_args(args)), Store(args.store, readonly=True) as store:
        analyses = screen.screen(store.analyses())
        if args.output and args.output != "-":
            tmp = args.output + ".partial"
            with open(tmp, "wb") as out:
                exporter(analyses, out, **options)
            os.replace(tmp, args.output)
        else:
            if args.format == "parquet" and sys.stdout.isatty():
                raise UsageError("Parquet is binary: give -o FILE")
            out = sys.stdout.buffer
            exporter(analyses, out, **options)
            out.flush()
    if screen.active or (args.format != "jsonl" and args.table in DATED_TABLES) or "month" in options.get("by", ()):
        print(screen.message(), file=sys.stderr)
    return EXIT_OK
