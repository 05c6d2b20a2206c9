"""Speed of the actors analyzer: long texts without punctuation against news, and the cost of events.

Run:  python benchmarks/bench_actors.py [PATH_TO_articles.jsonl] [--chars N]

Prints, from one run (so ratios are meaningful on a noisy machine):

* the actors stage (tokens already built, as in the pipeline) on N characters (default 5 M) of real
  news (ru-news-kz articles joined), on the same text with punctuation and line breaks removed (one
  sentence, one clause), and on «Казахстан » repeated (every token a mention); the ratio of each to
  the news is what issue 19 bounds (< 10x);
* the actors stage on the 384 articles one by one with events, roles and attitudes switched off
  (``relations = false``) and on, and the added share (issue 15 bounds it at 30 %);
* with ``--before DIR`` (a copy of an earlier ``plugins/kzmedia_actors``, e.g. ``git archive REV
  plugins/kzmedia_actors | tar -x -C /tmp``), that version too, in the same interleaved rounds:
  the before/after comparison of one run;
* with ``--instructions N``, instead of the above: the instructions one pass of the actors stage
  over the first N articles executes, relations off and on (and ``--before``), counted by
  valgrind's callgrind. Time on a machine shared with other sessions moves by tens of points
  between runs of the same code; an instruction count does not move at all (only the pass is
  counted: collection is on inside ``functools.reduce`` alone, which runs it).
"""

from __future__ import annotations

import argparse
import functools
import gc
import importlib.util
import json
import sys
import re
import time
from pathlib import Path

import callgrind

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "external" / "ru-news-kz" / "articles.jsonl"


def load_texts(path: Path) -> list[str]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line)["content"] for line in fh if line.strip()]


def stage(analyzer, doc) -> float:
    """Seconds of ``analyzer.analyze`` alone (tokens and sentences built before the clock)."""
    doc.tokens, doc.sentences
    t = time.process_time()
    analyzer.analyze(doc)
    return time.process_time() - t


def load_before(path: Path):
    """The plugin package at ``path`` imported under another name (``kzmedia_actors_before``)."""
    spec = importlib.util.spec_from_file_location("kzmedia_actors_before", path / "__init__.py",
                                                  submodule_search_locations=[str(path)])
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def count_pass(path: Path, mode: str, n: int) -> None:
    """One pass of the actors stage over the first ``n`` articles inside ``functools.reduce``
    (what :func:`instructions` counts), after a warm-up pass; ``mode``: off, on or a plugin copy."""
    from kzmedia import Document
    from kzmedia_actors import ActorsAnalyzer

    docs = [Document.from_text(t) for t in load_texts(path)[:n]]
    for d in docs:
        d.tokens, d.sentences
    if mode in ("off", "on"):
        analyzer = ActorsAnalyzer()
        analyzer.relations = mode == "on"
    else:
        analyzer = load_before(Path(mode)).ActorsAnalyzer()
    for d in docs:
        analyzer.analyze(d)
    gc.collect()
    gc.freeze()
    functools.reduce(lambda acc, d: (analyzer.analyze(d), acc)[1], docs, 0)


def instructions(path: Path, mode: str, n: int) -> int:
    """Instructions of :func:`count_pass` (callgrind, collection on inside functools.reduce)."""
    return callgrind.instructions(__file__, str(path), "--count-pass", mode, str(n))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", nargs="?", default=str(DEFAULT))
    ap.add_argument("--chars", type=int, default=5_000_000)
    ap.add_argument("--before", type=Path, help="an earlier copy of plugins/kzmedia_actors to compare with")
    ap.add_argument("--rounds", type=int, default=3, help="interleaved rounds on the articles (default %(default)s)")
    ap.add_argument("--instructions", type=int, metavar="N",
                    help="count instructions of one pass over the first N articles (needs valgrind)")
    ap.add_argument("--count-pass", nargs=2, metavar=("MODE", "N"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    path = Path(args.path)
    if not path.exists():
        print(f"skipped: {path} not found (the shared ru-news-kz articles)")
        return 0
    if args.count_pass:
        count_pass(path, args.count_pass[0], int(args.count_pass[1]))
        return 0
    if args.instructions:
        modes = ["off", "on"] + ([str(args.before)] if args.before else [])
        counts = {m: instructions(path, m, args.instructions) for m in modes}
        print(f"instructions of one actors pass over {args.instructions} articles (callgrind):")
        for m, c in counts.items():
            print(f"  {m:<12} {c:>14,}   {c / counts['off'] - 1:+.1%} of off")
        if args.before:
            print(f"  on / before: {counts['on'] / counts[str(args.before)]:.3f}")
        return 0
    from kzmedia import Document
    from kzmedia_actors import ActorsAnalyzer

    texts = load_texts(path)
    news = "\n\n".join(texts)
    while len(news) < args.chars:
        news += "\n\n" + news
    news = news[:args.chars]
    flat = re.sub(r"\s+", " ", re.sub(r"[^\w\s]", " ", news))[:args.chars]
    repeated = ("Казахстан " * (args.chars // 10 + 1))[:args.chars]
    analyzer = ActorsAnalyzer()
    analyzer.analyze(Document.from_text("Казахстан и Россия подписали соглашение."))  # warm-up
    times = {}
    for name, text in (("news", news), ("no punctuation", flat), ("Казахстан repeated", repeated)):
        times[name] = stage(analyzer, Document.from_text(text))
    print(f"actors stage on {args.chars:,} characters (tokenisation excluded):")
    for name, dt in times.items():
        print(f"  {name:<20} {dt:7.2f} s   {dt / times['news']:5.2f}x news")

    if hasattr(analyzer, "relations"):
        docs = [Document.from_text(t) for t in texts]
        for d in docs:
            d.tokens, d.sentences
        off, on = ActorsAnalyzer(), ActorsAnalyzer()
        off.relations = False
        runs = [("off", off), ("on", on)]
        if args.before:
            runs.append(("before", load_before(args.before).ActorsAnalyzer()))
        for _key, a in runs:  # warm: every form's memo entries, each document's sentence index
            for d in docs:
                a.analyze(d)
        rounds = {k: [] for k, _a in runs}
        for _ in range(args.rounds):  # interleaved so drift hits every side alike
            for key, a in runs:
                t = time.process_time()
                for d in docs:
                    a.analyze(d)
                rounds[key].append(time.process_time() - t)
        # the fastest round of each: the other sessions on a shared machine only ever add time
        rounds = {k: min(v) for k, v in rounds.items()}
        print(f"actors stage on {len(docs)} articles, fastest of {args.rounds} interleaved rounds: without "
              f"events/roles/attitudes {rounds['off']:.2f} s, with {rounds['on']:.2f} s, "
              f"+{(rounds['on'] / rounds['off'] - 1):.0%}")
        if args.before:
            print(f"  {args.before} (with them): {rounds['before']:.2f} s, "
                  f"+{(rounds['before'] / rounds['off'] - 1):.0%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
