"""``kzmedia compare A B``: two texts' frame profiles side by side, the largest differences first.

``--format table`` (default) prints the frames that differ most with evidence from each text;
``--format json`` prints ``kzmedia.compare(A, B).to_dict()``; ``--html OUT`` also writes the
side-by-side HTML report (``kzmedia.report.render_comparison``).
"""

from __future__ import annotations

import json
import sys

from ..pipeline import FailedDocument
from . import EXIT_OK, EXIT_USAGE, add_pipeline_arguments, build_pipeline
from .analyze import read_inputs


def add_parser(sub):
    p = sub.add_parser("compare", help="compare two texts: frame profiles, actors, techniques")
    p.add_argument("inputs", nargs=2, metavar="FILE", help="the two text files (A and B)")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.add_argument("--html", metavar="OUT.html", help="also write the side-by-side HTML report")
    p.add_argument("--top", type=int, default=8, metavar="N", help="table: frames per kind (default 8)")
    p.add_argument("--evidence", type=int, default=5, metavar="N",
                   help="hits of evidence per frame and text in the JSON (default 5; 0 = all)")
    add_pipeline_arguments(p)
    return p


def run(args) -> int:
    from ..comparison import compare

    render = None
    if args.html:
        try:
            from ..report import render_comparison as render
        except ImportError as e:
            print(f"kzmedia: error: --html needs kzmedia.report.render_comparison, which is not available "
                  f"in this installation ({e})", file=sys.stderr)
            return EXIT_USAGE
    docs = []
    for path in args.inputs:  # each input on its own: a multi-record .jsonl is never read as one stream with B
        group = list(read_inputs([path], args.encoding))
        if len(group) != 1:
            print(f"kzmedia: error: {path}: compare takes one document per input, this input has {len(group)} "
                  f"(a comparison of groups of documents is not available yet)", file=sys.stderr)
            return EXIT_USAGE
        docs.extend(group)
    for d in docs:
        if isinstance(d, FailedDocument):
            print(f"kzmedia: error: {d.id}: {d.reason}", file=sys.stderr)
            return EXIT_USAGE
    pipeline = build_pipeline(args)
    if "framing" not in pipeline.analyzers:
        print("kzmedia: error: compare needs the 'framing' analyzer (check --only/--disable)", file=sys.stderr)
        return EXIT_USAGE
    analyses = [pipeline.analyze(d) for d in docs]
    for a in analyses:
        for err in a.errors:
            print(f"kzmedia: {err['document']}: {err.get('analyzer') or err['stage']}: {err['message']}",
                  file=sys.stderr)
    comparison = compare(analyses[0], analyses[1], labels=args.inputs, evidence=args.evidence or None)
    if args.format == "json":
        sys.stdout.write(json.dumps(comparison.to_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(comparison.table(top=args.top) + "\n")
    if render is not None:
        html = render(analyses)
        with open(args.html, "w", encoding="utf-8") as fh:
            fh.write(html)
        print(f"kzmedia: wrote {args.html}", file=sys.stderr)
    return EXIT_OK
