"""Framing stage speed, before and after a change, measured in one run on the same documents.

    python benchmarks/bench_framing.py [--before REV] [--corpus PATH] [--docs 200] [--rounds 20]

``--before`` (default ``bb4b856``, the last main commit before stance-aware framing) names a git
revision whose ``plugins/kzmedia_framing`` is copied into a temporary package and imported beside
the working tree's plugin. Both analyzers then run over the same tokenised documents, alternating
round by round (ABBA order), so the machine's state affects both alike; the best pass of each is
the figure to compare (on a shared machine the median moves with the other jobs); each document's stance index is
dropped before every pass, so its cost is counted. Prints seconds per pass of ``analyze`` (the
framing stage, as ``bench_corpus.py --stages`` times it) and of ``to_dict``, words/s and the
after/before ratios (the issue's bound for the stage: at most 1.3x). Not a test: figures depend on the machine.

    python benchmarks/bench_framing.py --before REV --instructions N

counts, instead, the instructions of one ``analyze`` pass of each over the first N documents with
valgrind's callgrind (collection on only inside ``functools.reduce``, which runs the pass, after a
warm-up pass; ``PYTHONHASHSEED=0``): a ratio that does not move with the load of a shared machine.
"""

from __future__ import annotations

import argparse
import functools
import gc
import importlib
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import callgrind

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "external" / "ru-news-kz" / "articles.jsonl"


def _old_package(rev: str, into: Path) -> str:
    """Copy ``plugins/kzmedia_framing`` at ``rev`` into ``into/kzmedia_framing_before``."""
    name = "kzmedia_framing_before"
    files = subprocess.run(["git", "-C", str(REPO), "ls-tree", "-r", "--name-only", rev, "plugins/kzmedia_framing"],
                           check=True, capture_output=True, text=True).stdout.split()
    for f in files:
        data = subprocess.run(["git", "-C", str(REPO), "show", f"{rev}:{f}"], check=True, capture_output=True).stdout
        target = into / name / Path(f).relative_to("plugins/kzmedia_framing")
        target.parent.mkdir(parents=True, exist_ok=True)
        if f.endswith(".py"):
            data = data.replace(b'"kzmedia_framing"', f'"{name}"'.encode())
        target.write_bytes(data)
    return name


def _documents(corpus: str, n: int) -> tuple[list, int]:
    """The first ``n`` documents of ``corpus``, tokenised and split (the framing stage alone is
    measured), and their number of words."""
    from kzmedia.readers import read_corpus

    docs = []
    for d in read_corpus([corpus]):
        if hasattr(d, "text"):
            docs.append(d)
        if len(docs) >= n:
            break
    words = 0
    for d in docs:
        words += d.words
        d.sentences, d.sentence_index()
    return docs, words


def _analyzers(rev: str, tmp: str):
    """(framing at ``rev``, the working tree's framing)."""
    import kzmedia_framing

    sys.path.insert(0, tmp)
    old = importlib.import_module(_old_package(rev, Path(tmp)))
    return old.FramingAnalyzer(), kzmedia_framing.FramingAnalyzer()


def count_pass(rev: str, which: str, corpus: str, n: int) -> None:
    """One ``analyze`` pass of one analyzer inside ``functools.reduce`` (what callgrind counts)."""
    with tempfile.TemporaryDirectory() as tmp:
        before, after = _analyzers(rev, tmp)
        analyzer = before if which == "before" else after
        docs, _ = _documents(corpus, n)
        for d in docs:  # warm-up: matchers built, lemmas cached
            analyzer.analyze(d)
        for d in docs:
            d._cache.pop("stance", None)
        gc.collect()
        gc.freeze()
        functools.reduce(lambda acc, d: (analyzer.analyze(d), acc)[1], docs, 0)


def instructions(rev: str, which: str, corpus: str, n: int) -> int:
    """Instructions of :func:`count_pass` (callgrind, collection on inside functools.reduce)."""
    return callgrind.instructions(__file__, "--before", rev, "--corpus", corpus, "--count-pass", which, str(n))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--before", default="bb4b856")
    p.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    p.add_argument("--docs", type=int, default=200)
    p.add_argument("--rounds", type=int, default=20)
    p.add_argument("--instructions", type=int, metavar="N",
                   help="count instructions of one pass over the first N documents (needs valgrind)")
    p.add_argument("--count-pass", nargs=2, metavar=("WHICH", "N"), help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if not Path(args.corpus).is_file():
        print(f"corpus not found: {args.corpus} (the shared data sets are not beside this clone)")
        return 0
    if args.count_pass:
        count_pass(args.before, args.count_pass[0], args.corpus, int(args.count_pass[1]))
        return 0
    if args.instructions:
        counts = {w: instructions(args.before, w, args.corpus, args.instructions) for w in ("before", "after")}
        print(f"instructions of one framing pass over {args.instructions} documents (callgrind); before = {args.before}")
        for w, c in counts.items():
            print(f"  {w:<7} {c:>15,}")
        print(f"  after/before: {counts['after'] / counts['before']:.3f}x")
        return 0
    tmp = tempfile.TemporaryDirectory()
    before, after = _analyzers(args.before, tmp.name)
    docs, words = _documents(args.corpus, args.docs)
    for a in (before, after):
        a.analyze(docs[0])  # build the matchers outside the timing
    times = {(label, part): [] for label in ("before", "after") for part in ("analyze", "to_dict")}
    pair = (("before", before), ("after", after))
    for r in range(args.rounds):
        for label, a in (pair if r % 2 == 0 else pair[::-1]):  # ABBA: neither always goes first
            for d in docs:
                d._cache.pop("stance", None)
            gc.collect()
            spent_a = spent_d = 0.0
            for d in docs:
                t0 = time.perf_counter()
                r = a.analyze(d)
                t1 = time.perf_counter()
                r.to_dict()
                spent_a += t1 - t0
                spent_d += time.perf_counter() - t1
            times[label, "analyze"].append(spent_a)
            times[label, "to_dict"].append(spent_d)
    print(f"{len(docs)} documents, {words:,} words; {args.rounds} alternating rounds; before = {args.before}")
    print("  seconds per pass (best / median)   analyze (the framing stage)   to_dict")
    for label in ("before", "after"):
        a, d = times[label, "analyze"], times[label, "to_dict"]
        print(f"  {label:<6} {'':>27} {min(a):7.3f} / {statistics.median(a):6.3f}"
              f"       {min(d):6.3f} / {statistics.median(d):6.3f}   ({words / min(a):,.0f} words/s)")
    for part in ("analyze", "to_dict"):
        b, a = times["before", part], times["after", part]
        print(f"  after/before, {part}: {min(a) / min(b):.2f}x (best), "
              f"{statistics.median(a) / statistics.median(b):.2f}x (median)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
