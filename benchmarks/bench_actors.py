"""Speed of the actors analyzer: long texts without punctuation against news, and the cost of events.

Run:  python benchmarks/bench_actors.py [PATH_TO_articles.jsonl] [--chars N]

Prints, from one run (so ratios are meaningful on a noisy machine):

* the actors stage (tokens already built, as in the pipeline) on N characters (default 5 M) of real
  news (ru-news-kz articles joined), on the same text with punctuation and line breaks removed (one
  sentence, one clause), and on «Казахстан » repeated (every token a mention); the ratio of each to
  the news is what issue 19 bounds (< 10x);
* the actors stage on the 384 articles one by one with events, roles and attitudes switched off
  (``relations = false``) and on, and the added share (issue 15 bounds it at 30 %).
"""

from __future__ import annotations

import argparse
import json
import re
import time
from pathlib import Path

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


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", nargs="?", default=str(DEFAULT))
    ap.add_argument("--chars", type=int, default=5_000_000)
    args = ap.parse_args(argv)
    path = Path(args.path)
    if not path.exists():
        print(f"skipped: {path} not found (the shared ru-news-kz articles)")
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
        for a in (off, on):  # warm: every form's memo entries, each document's sentence index
            for d in docs:
                a.analyze(d)
        rounds = {"off": 0.0, "on": 0.0}
        for _ in range(3):  # interleaved so drift hits both sides alike
            for key, a in (("off", off), ("on", on)):
                t = time.process_time()
                for d in docs:
                    a.analyze(d)
                rounds[key] += time.process_time() - t
        print(f"actors stage on {len(docs)} articles, 3 rounds: without events/roles/attitudes "
              f"{rounds['off']:.2f} s, with {rounds['on']:.2f} s, "
              f"+{(rounds['on'] / rounds['off'] - 1):.0%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
