"""``kzmedia kwic PATTERN PATH...`` / ``kzmedia kwic --label ANALYZER:LABEL PATH...``: keyword in context."""

from __future__ import annotations

import sys

from . import EXIT_FAILED_DOCUMENTS, EXIT_OK, UsageError
from ..metadata import add_metadata_arguments, metadata_from_args
from .analyze import read_inputs, screened


def add_parser(sub):
    p = sub.add_parser("kwic", help="keyword in context: a lexicon pattern or an analyzer's label, with context")
    p.add_argument("args", nargs="+", metavar="PATTERN PATH",
                   help="a pattern in the lexicon pattern language (omit it with --label), then input files")
    p.add_argument("--label", metavar="ANALYZER:LABEL", help="contexts of every finding with this label")
    p.add_argument("--window", type=int, default=5, metavar="N", help="words either side (default 5)")
    p.add_argument("--format", choices=("table", "jsonl", "csv"), default="table")
    p.add_argument("--encoding", help="decode input files with this encoding instead of UTF-8")
    add_metadata_arguments(p, period=True, outlets=False)
    return p


def run(args) -> int:
    from ..kwic import kwic
    from ..pipeline import FailedDocument

    if args.label:
        pattern, paths = None, args.args
    else:
        if len(args.args) < 2:
            raise UsageError("kwic needs PATTERN and at least one PATH (or --label ANALYZER:LABEL PATH...)")
        pattern, paths = args.args[0], args.args[1:]
    failed = 0
    docs = []
    inputs, screen = screened(read_inputs(paths, args.encoding), args, metadata_from_args(args))
    for d in inputs:
        if isinstance(d, FailedDocument):
            print(f"kzmedia: error: {d.id}: {d.reason}", file=sys.stderr)
            failed += 1
        else:
            docs.append(d)
    pipeline = None
    if args.label:
        from ..pipeline import Pipeline

        pipeline = Pipeline([args.label.partition(":")[0]], plugin_manager=getattr(args, "plugin_manager", None))
    try:
        result = kwic(pattern, docs, window=args.window, label=args.label, pipeline=pipeline)
    except ValueError as e:
        raise UsageError(str(e)) from None
    out = {"table": lambda: result.table() + "\n", "jsonl": result.to_jsonl, "csv": result.to_csv}[args.format]()
    sys.stdout.write(out)
    if screen.active:
        print(screen.message(), file=sys.stderr)
    print(f"kzmedia: {len(result)} matches in {len(docs)} documents", file=sys.stderr)
    return EXIT_FAILED_DOCUMENTS if failed else EXIT_OK
