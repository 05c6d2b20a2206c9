"""Reliability figures of docs/reliability.md (issue 19): long unpunctuated text against news,
a 50,000-entry lexicon load, and the peak memory of ``kzmedia report`` over a corpus.

    python benchmarks/bench_reliability.py text --chars 5000000
    python benchmarks/bench_reliability.py lexicon --entries 50000
    python benchmarks/bench_reliability.py report --docs 2000 [--store S.sqlite]

News text comes from ``../shared/external/ru-news-kz/articles.jsonl`` (skipped when absent);
the unpunctuated text is the same news with every punctuation mark removed (one endless
"sentence"), and ``'Казахстан '`` repeated. All ratios are measured in one run.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NEWS = ROOT.parent / "shared" / "external" / "ru-news-kz" / "articles.jsonl"


def news_text(chars: int) -> str:
    if not NEWS.exists():
        sys.exit(f"skipped: {NEWS} is absent")
    parts, total = [], 0
    with open(NEWS, encoding="utf-8") as fh:
        while total < chars:
            for line in fh:
                text = json.loads(line).get("content") or ""
                parts.append(text)
                total += len(text) + 2
                if total >= chars:
                    break
            else:
                fh.seek(0)
    return "\n\n".join(parts)[:chars]


def bench_text(chars: int) -> None:
    from kzmedia import Document, Pipeline

    pipe = Pipeline(timeout=0)
    news = news_text(chars)
    unpunctuated = re.sub(r"[^\w\s]", " ", news)
    repeated = ("Казахстан " * (chars // 10 + 1))[:chars]
    pipe.analyze(Document.from_text(news[:20000]))  # warm caches
    times = {}
    for name, text in (("news", news), ("no punctuation", unpunctuated), ("'Казахстан ' repeated", repeated)):
        t0 = time.perf_counter()
        a = pipe.analyze(Document.from_text(text, id=name))
        times[name] = time.perf_counter() - t0
        print(f"{name:24s} {len(text):>10,} chars  {times[name]:8.1f} s  errors={len(a.errors)}")
    for name in list(times)[1:]:
        print(f"ratio {name} / news: {times[name] / times['news']:.2f}x")


def bench_lexicon(entries: int) -> None:
    from kzmedia.lexicon import Lexicon

    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "big.toml"
        with open(path, "w", encoding="utf-8") as fh:
            fh.write('[lexicon]\nname = "big"\nversion = "1"\n\n[categories.c]\ndefinition = "test"\n\n')
            for i in range(entries):
                fh.write(f'[[entries]]\npattern = "слово{i} дело{i % 97}"\ncategory = "c"\nweight = 1.0\n\n')
        t0 = time.perf_counter()
        lx = Lexicon.load(path)
        print(f"{len(lx.entries):,} entries loaded in {time.perf_counter() - t0:.2f} s")


def peak_mib(cmd: list[str]) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(after, before) / 1024


def bench_report(docs: int, store: str | None) -> None:
    with tempfile.TemporaryDirectory() as d:
        if store is None:
            corpus = Path(d) / "c.jsonl"
            with open(NEWS, encoding="utf-8") as src, open(corpus, "w", encoding="utf-8") as out:
                for _, line in zip(range(docs), src):
                    out.write(line)
            store = str(Path(d) / "s.sqlite")
            subprocess.run([sys.executable, "-m", "kzmedia", "analyze", str(corpus), "--store", store, "--quiet"],
                           check=False)
        t0 = time.perf_counter()
        mib = peak_mib([sys.executable, "-m", "kzmedia", "report", store, "-o", str(Path(d) / "r.html")])
        size = os.path.getsize(Path(d) / "r.html") / 2 ** 20
        print(f"report over {store}: peak RSS {mib:.0f} MiB, {time.perf_counter() - t0:.1f} s, page {size:.1f} MiB")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="what", required=True)
    sub.add_parser("text").add_argument("--chars", type=int, default=5_000_000)
    sub.add_parser("lexicon").add_argument("--entries", type=int, default=50_000)
    r = sub.add_parser("report")
    r.add_argument("--docs", type=int, default=2000)
    r.add_argument("--store")
    args = ap.parse_args()
    if args.what == "text":
        bench_text(args.chars)
    elif args.what == "lexicon":
        bench_lexicon(args.entries)
    else:
        bench_report(args.docs, args.store)


if __name__ == "__main__":
    main()
