"""``kzmedia analyze FILE...``: run the analyzers and print table, JSON or JSON lines."""

from __future__ import annotations

import json
import sys

from ..document import Document
from ..errors import DocumentError
from ..pipeline import Analysis, FailedDocument, Pipeline
from . import EXIT_FAILED_DOCUMENTS, EXIT_OK, split_names


def add_parser(sub):
    p = sub.add_parser("analyze", help="analyse files and print the results")
    p.add_argument("inputs", nargs="+", metavar="FILE", help="text files ('-' reads standard input)")
    p.add_argument("--format", choices=("table", "json", "jsonl"), default="table")
    p.add_argument("--only", action="append", metavar="NAMES", help="run only these analyzers (comma-separated)")
    p.add_argument("--disable", action="append", metavar="NAMES", help="block these plugins by name")
    p.add_argument("--lexicon", action="append", metavar="ANALYZER=PATH",
                   help="add a lexicon file for an analyzer, e.g. framing=my_frames.toml")
    p.add_argument("--encoding", help="decode input files with this encoding instead of UTF-8")
    p.add_argument("--strict", action="store_true", help="stop at the first analyzer error")
    return p


def parse_lexicon_args(values) -> dict[str, list[str]]:
    from . import UsageError

    out: dict[str, list[str]] = {}
    for v in values or ():
        if "=" not in v:
            raise UsageError(f"--lexicon expects ANALYZER=PATH, got {v!r}")
        name, path = v.split("=", 1)
        out.setdefault(name.strip(), []).append(path)
    return out


def build_pipeline(args) -> Pipeline:
    return Pipeline(split_names(args.only), strict=args.strict,
                    disabled=split_names(args.disable) or (),
                    extra_lexicons=parse_lexicon_args(getattr(args, "lexicon", None)))


def read_inputs(paths, encoding=None):
    """Yield a Document (or a FailedDocument naming the file and the reason) per input."""
    for path in paths:
        try:
            if path == "-":
                yield Document.from_text(sys.stdin.read(), id="<stdin>")
            else:
                yield Document.from_file(path, encoding=encoding)
        except DocumentError as e:
            yield FailedDocument(path, str(e).removeprefix(f"{path}: "))


def emit(analysis: Analysis, fmt: str, out=None, *, single: bool = False, analyzers=None) -> None:
    out = out or sys.stdout
    data = analysis.to_dict()
    if fmt == "json":
        out.write(json.dumps(data, ensure_ascii=False, indent=None if not single else 2) + "\n")
    elif fmt == "jsonl":
        out.write(json.dumps(data, ensure_ascii=False) + "\n")
    else:
        out.write(format_table(data, analyzers or {}) + "\n")


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


def run(args) -> int:
    pipeline = build_pipeline(args)
    failed = 0
    docs = list(read_inputs(args.inputs, args.encoding))
    for analysis in pipeline.analyze_many(docs):
        failed += bool(analysis.errors)
        emit(analysis, args.format, single=len(docs) == 1, analyzers=pipeline.analyzers)
        for err in analysis.errors:
            print(f"kzmedia: {err['document']}: {err.get('analyzer') or err['stage']}: {err['message']}",
                  file=sys.stderr)
    if failed:
        print(f"kzmedia: {failed} of {len(docs)} document(s) had errors (see 'errors' in the output)",
              file=sys.stderr)
    return EXIT_FAILED_DOCUMENTS if failed else EXIT_OK
