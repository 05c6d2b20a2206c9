"""``kzmedia compare A B``: two texts side by side, or two groups of documents with statistics.

Each input (a file, a folder or a glob; or analyses already made: a results store or the JSON
lines of ``kzmedia analyze --format jsonl``) is read on its own: one document each is the two-text
comparison (``kzmedia.compare``); more than one document in either is a group comparison
(``kzmedia.compare_groups``), never "the first two records". ``--by FIELD`` groups one corpus by
a metadata field (``outlet``, ``month``, any field). ``--format table|json|csv``; ``--html OUT``
also writes the HTML comparison. Units and tests: ``docs/compare.md``.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping

from ..metadata import add_metadata_arguments, configured, metadata_from_args, screen_from_args
from ..pipeline import FailedDocument
from . import EXIT_OK, EXIT_USAGE, UsageError, add_pipeline_arguments, build_pipeline
from .analyze import read_inputs


def add_parser(sub):
    p = sub.add_parser("compare", help="compare two texts, two groups of documents, or the groups of --by FIELD")
    p.add_argument("inputs", nargs="+", metavar="INPUT",
                   help="A and B: files, folders or globs (one document each: two texts; more: two groups); "
                        "with --by, the corpus to group")
    p.add_argument("--labels", nargs=2, metavar=("A", "B"), help="names for the two inputs (default: the paths)")
    p.add_argument("--by", metavar="FIELD", help="group one corpus by outlet, month, year or any metadata field")
    p.add_argument("--min-docs", type=int, default=5, metavar="N",
                   help="groups: leave out groups with fewer documents, saying so on stderr (default 5)")
    p.add_argument("--test", choices=("g2", "permutation"), default="g2",
                   help="groups: the test whose p is corrected and ranked (default g2 on counts vs words)")
    p.add_argument("--permutations", type=int, default=999, metavar="N",
                   help="groups: random splits of the permutation test over documents (default 999; 0 = none)")
    p.add_argument("--seed", type=int, default=0, help="groups: seed of the permutation test (default 0)")
    p.add_argument("--format", choices=("table", "json", "csv"), default="table")
    p.add_argument("--html", metavar="OUT.html", help="also write the HTML comparison")
    p.add_argument("--top", type=int, default=None, metavar="N",
                   help="table: rows per kind (two texts, default 8) or rows in all (groups, default 20)")
    p.add_argument("--evidence", type=int, default=5, metavar="N",
                   help="two texts: spans of evidence per label and text in the JSON (default 5; 0 = all)")
    add_metadata_arguments(p, period=True)
    add_pipeline_arguments(p)
    return p


def _read(paths, args) -> list:
    """The documents of one side; a results store or a JSON-lines file of analyses (``kzmedia
    analyze --store`` / ``--format jsonl``) gives its analyses, which are not analysed again."""
    docs: list = []
    texts = []
    for path in paths:
        analysed = _analyses_in(path)
        if analysed is None:
            texts.append(path)
        else:
            docs.extend(analysed)
    for d in read_inputs(texts, args.encoding) if texts else ():
        if isinstance(d, FailedDocument):  # one line naming what and where; the rest goes on
            print(f"kzmedia: error: {d.id}: {d.reason}", file=sys.stderr)
            continue
        docs.append(d)
    return docs


def _analyses_in(path: str) -> list[dict] | None:
    """The analyses a store or a JSON-lines results file holds, or None for an input of texts."""
    from .report import is_store

    if path != "-" and os.path.isfile(path) and is_store(path):
        from ..store import Store

        with Store(path, readonly=True) as store:
            return list(store.analyses())
    if not path.lower().endswith(".jsonl") or not os.path.isfile(path):
        return None
    with open(path, encoding="utf-8") as fh:
        first = next((line for line in fh if line.strip()), "")
        try:
            record = json.loads(first)
        except ValueError:
            return None  # the reader names the bad line
        if not (isinstance(record, dict) and "results" in record and "document" in record):
            return None
        fh.seek(0)
        out = []
        for lineno, line in enumerate(fh, 1):
            if line.strip():
                try:
                    out.append(json.loads(line))
                except ValueError as e:
                    print(f"kzmedia: error: {path}:{lineno}: invalid JSON: {e}", file=sys.stderr)
        return out


def run(args) -> int:
    if args.by:
        if args.labels:
            raise UsageError("--labels names two inputs; with --by the groups are named by the field's values")
        inputs = [args.inputs]
    else:
        if len(args.inputs) != 2:
            raise UsageError(f"compare takes two inputs (A and B), or one corpus with --by FIELD; "
                             f"got {len(args.inputs)}")
        inputs = [[p] for p in args.inputs]
    if args.html:
        try:
            from ..report import render_comparison, render_group_comparison  # noqa: F401
        except ImportError as e:
            print(f"kzmedia: error: --html needs kzmedia.report, which is not available in this installation ({e})",
                  file=sys.stderr)
            return EXIT_USAGE
    rules = metadata_from_args(args)
    screen = screen_from_args(args, rules)  # --since/--until: both sides, documents and analyses alike
    with configured(rules):
        sides = [list(screen.screen(_read(paths, args))) for paths in inputs]
        if screen.active:
            print(screen.message(), file=sys.stderr)
        for paths, docs in zip(inputs, sides):
            if not docs:
                print(f"kzmedia: error: {' '.join(paths)}: no document to compare", file=sys.stderr)
                return EXIT_USAGE
        pipeline = build_pipeline(args)
        if not args.by and all(len(docs) == 1 for docs in sides):
            return _two_texts(args, pipeline, [docs[0] for docs in sides])
        return _groups(args, pipeline, sides)


def _report_errors(analysis) -> None:
    for err in analysis.errors:
        print(f"kzmedia: {err['document']}: {err.get('analyzer') or err['stage']}: {err['message']}", file=sys.stderr)


def _print(comparison, fmt: str, *, top: int) -> None:
    """Write a two-text or group comparison to stdout as JSON, CSV or the terminal table."""
    if fmt == "json":
        sys.stdout.write(json.dumps(comparison.to_dict(), ensure_ascii=False, indent=2) + "\n")
    elif fmt == "csv":
        sys.stdout.write(comparison.to_csv())
    else:
        sys.stdout.write(comparison.table(top=top) + "\n")


def _two_texts(args, pipeline, docs) -> int:
    from ..comparison import compare

    analyses = [d if isinstance(d, Mapping) else pipeline.analyze(d) for d in docs]
    for a in analyses:
        if not isinstance(a, Mapping):
            _report_errors(a)
    comparison = compare(analyses[0], analyses[1], labels=args.labels or args.inputs,
                         evidence=args.evidence or None, pipeline=pipeline)
    _print(comparison, args.format, top=args.top or 8)
    if args.html:
        from ..report import render_comparison

        top = args.top or 8
        _write(args.html, render_comparison(analyses, sections={n: sec.lines(top)
                                                                for n, sec in comparison.sections.items()}))
    return EXIT_OK


def _groups(args, pipeline, sides) -> int:
    from ..comparison import compare_groups

    def analysed(docs):
        for d in docs:
            if isinstance(d, Mapping):  # analysed already (a store, a results file)
                yield d
                continue
            a = pipeline.analyze(d)
            _report_errors(a)
            yield a

    common = dict(min_docs=args.min_docs, permutations=args.permutations, seed=args.seed, test=args.test,
                  plugin_manager=pipeline.pm)
    if args.by:
        result = compare_groups(documents=analysed(sides[0]), by=args.by, **common)
        if result.ungrouped:
            print(f"kzmedia: {result.ungrouped} document(s) have no {args.by}: left out", file=sys.stderr)
    else:
        labels = args.labels or args.inputs
        result = compare_groups({labels[0]: analysed(sides[0]), labels[1]: analysed(sides[1])}, **common)
    for name, n in result.hidden.items():
        print(f"kzmedia: group {name!r} has {n} document(s), fewer than --min-docs {args.min_docs}: not compared",
              file=sys.stderr)
    if len(result.groups) < 2:
        print(f"kzmedia: error: fewer than two groups with at least --min-docs {args.min_docs} documents "
              f"(groups: {', '.join(f'{g} {n}' for g, n in {**result.groups, **result.hidden}.items())})",
              file=sys.stderr)
        return EXIT_USAGE
    _print(result, args.format, top=args.top or 20)
    if args.html:
        from ..report import render_group_comparison

        _write(args.html, render_group_comparison(result, top=args.top or 20))
    return EXIT_OK


def _write(path: str, html: str) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(html)
    print(f"kzmedia: wrote {path}", file=sys.stderr)
