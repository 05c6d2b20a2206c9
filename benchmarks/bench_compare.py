"""Cost of the statistics of a group comparison: with and without the permutation test.

Run:  python benchmarks/bench_compare.py [--docs N] [--labels N] [--permutations N]

Builds document measures shaped like a corpus (N documents of 400 words in two groups; each
document carries a fifth of the labels, 1–4 times, and a fifth of 50 non-count scores; fixed
seed), then times ``GroupComparison`` with ``permutations=0`` (G², t-intervals, BH) and with the
permutation test, in one run, and prints both and their ratio. Analysing the documents is not
included (it is the analyzers' cost, ``bench_corpus.py``).
"""

from __future__ import annotations

import argparse
import random
import time

from kzmedia.comparison import DocumentMeasures, GroupComparison, Measure


def corpus(n_docs: int, n_labels: int, seed: int = 1) -> dict[str, list[DocumentMeasures]]:
    rng = random.Random(seed)
    measures = ([Measure("x", "label", f"l{i}") for i in range(n_labels)]
                + [Measure("x", "score", f"s{i}", "value", False) for i in range(50)])

    def doc(i: int) -> DocumentMeasures:
        values = {m: (rng.randint(1, 4) if m.counted else rng.random()) for m in measures if rng.random() < 0.2}
        return DocumentMeasures(str(i), 400, {}, frozenset({"x"}), values)

    half = n_docs // 2
    return {"A": [doc(i) for i in range(half)], "B": [doc(i) for i in range(half, n_docs)]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=2000)
    ap.add_argument("--labels", type=int, default=150)
    ap.add_argument("--permutations", type=int, default=999)
    args = ap.parse_args()
    groups = corpus(args.docs, args.labels)
    times = {}
    for n in (0, args.permutations):
        start = time.perf_counter()
        rows = GroupComparison(groups, permutations=n).rows
        times[n] = time.perf_counter() - start
        print(f"permutations={n}: {len(rows)} rows over {args.docs} documents in {times[n]:.2f} s")
    print(f"ratio with/without the permutation test: {times[args.permutations] / times[0]:.1f}x")


if __name__ == "__main__":
    main()
