"""What the progress bar's total costs: counting the documents of a corpus against reading and analysing it.

    python benchmarks/bench_progress.py [--corpus PATH] [--repeat N] [--analyse N]

Prints, in one run: the time of :func:`kzmedia.readers.count_documents` (the bar's total: one
pass over the lines, no JSON parsed), of reading every document with :func:`kzmedia.read_corpus`,
and of analysing the first ``--analyse`` documents with the default pipeline (scaled to the
corpus), each the best of ``--repeat``, and the count as a share of the reading and of the whole
run. Not a test: figures depend on the machine; results are in docs/corpus.md.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "external" / "ru-news-kz" / "articles.jsonl"


def best(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def main() -> None:
    import kzmedia
    from kzmedia.readers import count_documents, read_corpus

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--analyse", type=int, default=40, metavar="N", help="documents analysed (scaled up)")
    args = ap.parse_args()
    if not Path(args.corpus).exists():
        raise SystemExit(f"{args.corpus}: no such corpus (the shared data sets sit beside the repository)")
    count_s, total = best(lambda: count_documents([args.corpus]), args.repeat)
    read_s, docs = best(lambda: list(read_corpus([args.corpus])), args.repeat)
    pipe = kzmedia.Pipeline()
    sample = docs[: args.analyse]
    pipe.analyze(sample[0])  # set-up (lexicons, morphology) out of the measurement
    analyse_s, _ = best(lambda: [pipe.analyze(d) for d in sample], 1)
    analyse_all = analyse_s * len(docs) / max(1, len(sample))
    print(f"corpus: {args.corpus} ({len(docs)} documents read; count_documents says {total})")
    print(f"count_documents: {count_s * 1000:.1f} ms · read_corpus: {read_s * 1000:.1f} ms · "
          f"analysis (scaled from {len(sample)}): {analyse_all:.1f} s")
    print(f"the total costs {count_s / read_s:.1%} of reading and {count_s / (read_s + analyse_all):.3%} of the run")


if __name__ == "__main__":
    main()
