"""Cost of a dependency parse for the actors analyzer: natasha's syntax model against the actors stage.

Run:  python benchmarks/bench_actors_syntax.py [PATH_TO_articles.jsonl] [--docs N]
      (needs ``pip install natasha``, the ``bench`` extra; the parser ships inside the package)

Issue 15 names the syntax model inside ``natasha`` as an option for reading who does what to whom
and which actor an evaluation is about, to be measured before it is chosen. This prints, from one
run on the first N ru-news-kz articles (default 100), the CPU seconds of

* the actors stage with events, roles and attitudes (tokens and sentences built before the clock),
* natasha's segmenter plus syntax parser on the same texts (models loaded before the clock),

and their ratio: what a parse would add to the actors stage if every document were parsed.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from bench_actors import DEFAULT, load_texts, stage


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", nargs="?", default=str(DEFAULT))
    ap.add_argument("--docs", type=int, default=100, help="articles to read (default %(default)s)")
    args = ap.parse_args(argv)
    try:
        from natasha import Doc, NewsEmbedding, NewsSyntaxParser, Segmenter
    except ImportError:
        raise SystemExit("natasha is not installed: pip install natasha (the bench extra)")
    from kzmedia import Document
    from kzmedia_actors import ActorsAnalyzer

    path = Path(args.path)
    if not path.exists():
        raise SystemExit(f"{path}: not found (the ru-news-kz articles of ../shared/external)")
    texts = load_texts(path)[:args.docs]
    analyzer = ActorsAnalyzer()
    stage(analyzer, Document.from_text(texts[0]))  # the gazetteer and lexicons are built once
    actors = sum(stage(analyzer, Document.from_text(t)) for t in texts)
    segmenter, parser = Segmenter(), NewsSyntaxParser(NewsEmbedding())
    tokens = 0
    t0 = time.process_time()
    for t in texts:
        doc = Doc(t)
        doc.segment(segmenter)
        doc.parse_syntax(parser)
        tokens += len(doc.tokens)
    syntax = time.process_time() - t0
    chars = sum(map(len, texts))
    print(f"{len(texts)} articles, {chars:,} characters, {tokens:,} natasha tokens (CPU seconds, one run)")
    print(f"  actors stage (events, roles, attitudes on)  {actors:8.2f} s")
    print(f"  natasha segmenter + syntax parser           {syntax:8.2f} s  ({tokens / syntax:,.0f} tokens/s)")
    print(f"  parse / actors stage                        {syntax / actors:8.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
