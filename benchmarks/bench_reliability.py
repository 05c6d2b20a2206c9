"""Reliability figures of docs/reliability.md (issue 19): long unpunctuated text against news,
a 50,000-entry lexicon load, and the peak memory of ``kzmedia report`` over a corpus.

    python benchmarks/bench_reliability.py text --chars 5000000
    python benchmarks/bench_reliability.py lexicon --entries 50000
    python benchmarks/bench_reliability.py report --docs 2000 [--workdir DIR]

News text comes from ``../shared/external/ru-news-kz/articles.jsonl`` (skipped when absent);
the unpunctuated text is the same news with every punctuation mark removed (one endless
"sentence"), and ``'Казахстан '`` repeated. All ratios are measured in one run.
"""

from __future__ import annotations

import argparse
import json
import os
import re
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
        from kzmedia.compat import tomllib

        raw = path.read_text(encoding="utf-8")
        t0, c0 = time.perf_counter(), time.process_time()
        tomllib.loads(raw)
        parse = time.process_time() - c0
        t0, c0 = time.perf_counter(), time.process_time()
        lx = Lexicon.load(path)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        print(f"{len(lx.entries):,} entries loaded in {wall:.2f} s ({cpu:.2f} s CPU; parsing the TOML "
              f"alone with {tomllib.__name__}: {parse:.2f} s CPU); load average {os.getloadavg()[0]:.1f}")


def run_measured(cmd: list[str]) -> tuple[float, float, int]:
    """Run ``cmd``; its own peak resident memory (MiB, from wait4: not another child's), seconds
    and exit code."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return usage.ru_maxrss / 1024, time.perf_counter() - t0, proc.returncode


def corpus_of(docs: int, path: Path) -> None:
    """``docs`` news records as JSON lines: the shared articles repeated, each copy with its own id."""
    if not NEWS.exists():
        sys.exit(f"skipped: {NEWS} is absent")
    records = [json.loads(line) for line in open(NEWS, encoding="utf-8")]
    with open(path, "w", encoding="utf-8") as out:
        for k in range(docs):
            rec = dict(records[k % len(records)])
            rec["id"] = f"{rec.get('url') or 'doc'}#{k // len(records)}"
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")


def bench_report(docs: int, workdir: str | None) -> None:
    """Peak memory of ``kzmedia report`` over ``docs`` documents, from a store and from JSON
    lines, next to ``kzmedia analyze --store`` over the same documents. ``workdir`` keeps the
    corpus and the store between runs (building the store is the slow part)."""
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(workdir or tmp)
        d.mkdir(parents=True, exist_ok=True)
        corpus, store = d / f"news-{docs}.jsonl", d / f"news-{docs}.sqlite"
        if not corpus.exists():
            corpus_of(docs, corpus)
        kz = [sys.executable, "-m", "kzmedia"]
        if not store.exists():
            mib, secs, rc = run_measured(kz + ["analyze", str(corpus), "--store", str(store), "--quiet"])
            print(f"analyze --store, {docs} documents: peak RSS {mib:.0f} MiB, {secs:.0f} s (exit {rc})")
        for what, source in (("store", store), ("JSON lines", corpus)):
            page = d / "report.html"
            mib, secs, rc = run_measured(kz + ["report", str(source), "-o", str(page)])
            size = page.stat().st_size / 2 ** 20 if page.exists() else 0
            print(f"report from {what}, {docs} documents: peak RSS {mib:.0f} MiB, {secs:.0f} s, "
                  f"page {size:.1f} MiB (exit {rc})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="what", required=True)
    sub.add_parser("text").add_argument("--chars", type=int, default=5_000_000)
    sub.add_parser("lexicon").add_argument("--entries", type=int, default=50_000)
    r = sub.add_parser("report")
    r.add_argument("--docs", type=int, default=2000)
    r.add_argument("--workdir", help="keep the corpus and its store here between runs")
    args = ap.parse_args()
    if args.what == "text":
        bench_text(args.chars)
    elif args.what == "lexicon":
        bench_lexicon(args.entries)
    else:
        bench_report(args.docs, args.workdir)


if __name__ == "__main__":
    main()
