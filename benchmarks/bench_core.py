"""Tokenise + lemmatise a real corpus from a cold start, against naive per-token pymorphy3.

Run:  python benchmarks/bench_core.py [PATH_TO_articles.jsonl]

Prints, from one run (so the ratio is meaningful on a noisy machine): tokens/s for kzmedia's
tokenizer with its word-form cache, tokens/s for ``MorphAnalyzer().parse(w)[0].normal_form`` per
token with the same pymorphy3 backend, their ratio, peak RSS, and the wall time of
``kzmedia analyze`` on one short article (a separate process, so it includes start-up).
Each side runs in a fresh process so neither benefits from the other's warm caches.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "external" / "ru-news-kz" / "articles.jsonl"


def load_texts(path: Path) -> list[str]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line)["content"] for line in fh if line.strip()]


def run_kzmedia(path: Path) -> None:
    texts = load_texts(path)
    t0 = time.perf_counter()
    from kzmedia.morphology import get_morphology

    morph = get_morphology("ru")  # cold: the lemmatizer loads inside the timed region
    n = 0
    for text in texts:
        starts, _, infos = morph.tokenize(text)
        n += len(starts)
    dt = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"tokens": n, "seconds": dt, "peak_rss_mb": rss}))


def run_naive(path: Path) -> None:
    import re

    texts = load_texts(path)
    t0 = time.perf_counter()
    import pymorphy3

    morph = pymorphy3.MorphAnalyzer()
    word = re.compile(r"\w+(?:-\w+)*|[^\w\s]")
    n = 0
    for text in texts:
        for w in word.findall(text):
            morph.parse(w)[0].normal_form
            n += 1
    dt = time.perf_counter() - t0
    print(json.dumps({"tokens": n, "seconds": dt}))


def main() -> int:
    if len(sys.argv) > 2 and sys.argv[1] in ("--kzmedia", "--naive"):
        (run_kzmedia if sys.argv[1] == "--kzmedia" else run_naive)(Path(sys.argv[2]))
        return 0
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    if not path.exists():
        print(f"corpus not found: {path} (pass the path to ru-news-kz/articles.jsonl)", file=sys.stderr)
        return 2
    import pymorphy3.dawg

    def child(flag):
        out = subprocess.run([sys.executable, __file__, flag, str(path)], check=True,
                             capture_output=True, text=True).stdout
        return json.loads(out.strip().splitlines()[-1])

    ours, naive = child("--kzmedia"), child("--naive")
    sample = Path(__file__).resolve().parents[1] / "examples"
    first = sorted(sample.glob("*.txt"))[0]
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "kzmedia", "analyze", str(first), "--format", "json"],
                   check=True, capture_output=True)
    cli = time.perf_counter() - t0
    ours_rate = ours["tokens"] / ours["seconds"]
    naive_rate = naive["tokens"] / naive["seconds"]
    print(f"corpus: {path} ({os.path.getsize(path) / 1e6:.1f} MB)")
    print(f"pymorphy3 compiled DAWG backend: {pymorphy3.dawg.EXTENSION_AVAILABLE}")
    print(f"kzmedia tokenize+lemmatize (cold): {ours['tokens']:,} tokens in {ours['seconds']:.2f} s"
          f" = {ours_rate:,.0f} tokens/s, peak RSS {ours['peak_rss_mb']:.0f} MB")
    print(f"naive parse(w)[0].normal_form:     {naive['tokens']:,} tokens in {naive['seconds']:.2f} s"
          f" = {naive_rate:,.0f} tokens/s")
    print(f"ratio kzmedia / naive: {ours_rate / naive_rate:.1f}x")
    print(f"kzmedia analyze {first.name} --format json (whole process): {cli:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
