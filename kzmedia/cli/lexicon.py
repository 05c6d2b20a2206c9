"""``kzmedia lexicon check FILE...`` and ``kzmedia lexicon show FILE``: validate and inspect lexicons.

``check`` loads each file (TOML, LIWC ``.dic`` or YAML), compiles every pattern the way an
analyzer would, and prints one line per file: entry and category counts, or ``file:line: error``.
Exit code 1 when any file is invalid, so it can guard a commit hook or CI.
"""

from __future__ import annotations

import sys

from ..errors import KzmediaError
from ..lexicon import Lexicon, LexiconMatcher


def add_parser(sub):
    p = sub.add_parser("lexicon", help="validate and inspect lexicon files")
    actions = p.add_subparsers(dest="lexicon_action", metavar="ACTION")
    check = actions.add_parser("check", help="validate lexicon files (exit 1 if any is invalid)")
    check.add_argument("files", nargs="+", metavar="FILE")
    show = actions.add_parser("show", help="print a lexicon's categories and entries")
    show.add_argument("file", metavar="FILE")
    show.add_argument("--category", action="append", metavar="ID", help="only these categories")
    return p


def _load_and_compile(path: str) -> Lexicon:
    lexicon = Lexicon.load(path)
    LexiconMatcher(lexicon)  # lemmatises every pattern: catches what parsing alone cannot
    return lexicon


def _check(files: list[str]) -> int:
    bad = 0
    for path in files:
        try:
            lexicon = _load_and_compile(path)
        except KzmediaError as e:
            bad += 1
            print(str(e), file=sys.stdout)
            continue
        used = {c for e in lexicon.entries for c in e.categories}
        empty = sorted(set(lexicon.categories) - used)
        line = (f"{path}: ok {lexicon.label}: {len(lexicon.entries)} entries, "
                f"{len(lexicon.categories)} categories")
        if empty:
            line += f" (no entries: {', '.join(empty)})"
        print(line)
    if bad:
        print(f"kzmedia: {bad} of {len(files)} lexicon file(s) invalid", file=sys.stderr)
    return 1 if bad else 0


def _show(path: str, only: list[str] | None) -> int:
    lexicon = _load_and_compile(path)
    print(f"{lexicon.label}  ({len(lexicon.entries)} entries)")
    if lexicon.description:
        print(f"  {lexicon.description}")
    by_category: dict[str, list] = {c: [] for c in lexicon.categories}
    for entry in lexicon.entries:
        for c in entry.categories:
            by_category.setdefault(c, []).append(entry)
    for cid, entries in by_category.items():
        if only and cid not in only:
            continue
        category = lexicon.categories.get(cid)
        print(f"\n[{cid}]  {len(entries)} entries")
        if category is not None and category.definition:
            print(f"  {category.definition}")
        for e in entries:
            flags = [f"weight={e.weight:g}"] if e.weight != 1.0 else []
            flags += [f"pos={','.join(sorted(e.pos))}"] if e.pos else []
            flags += [f"case={','.join(sorted(e.case))}"] if e.case else []
            flags += [k for k in ("quoted", "sentence_initial", "case_sensitive") if getattr(e, k)]
            where = f"{e.line}: " if e.line else ""
            print(f"    {where}{e.pattern}" + (f"  ({'; '.join(flags)})" if flags else ""))
    return 0


def run(args) -> int:
    from . import UsageError

    action = getattr(args, "lexicon_action", None)
    if action == "check":
        return _check(args.files)
    if action == "show":
        return _show(args.file, args.category)
    raise UsageError("name an action: kzmedia lexicon check FILE... | kzmedia lexicon show FILE")
