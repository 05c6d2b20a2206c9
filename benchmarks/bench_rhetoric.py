"""Rhetoric benchmark: false alarms on neutral news, the rate on propaganda, and the stage's speed
against an earlier version of the plugin, measured in one run.

    python benchmarks/bench_rhetoric.py                 # rates at the default threshold
    python benchmarks/bench_rhetoric.py --before REV    # + speed of the plugin at git REV vs now
    python benchmarks/bench_rhetoric.py --thresholds 0.5,0.6,0.65,0.7

Reads ``../shared`` (NEREL-dev Wikinews, the controls, SemEval-2023 ru, ru-news-kz); a missing set
is skipped with a note. SemEval figures here use the shipped calibration, which was fitted on those
articles: the held-out rate is the ``/1000w`` column of ``kzmedia evaluate semeval --cv``.
"""

from __future__ import annotations

import argparse
import importlib
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def _documents(kind: str):
    from kzmedia import Document
    from kzmedia.readers import read_jsonl

    if kind == "nerel":
        paths = sorted((SHARED / "external" / "nerel-dev").glob("*.txt"))
        return [Document.from_text(p.read_text(encoding="utf-8"), id=p.name) for p in paths]
    if kind == "controls":
        paths = sorted((SHARED / "controls").glob("*"))
        return [Document.from_file(p) for p in paths]
    if kind == "semeval":
        paths = sorted((SHARED / "external" / "semeval2023-ru-train" / "articles").glob("*.txt"))
        return [Document.from_text(open(p, encoding="utf-8", newline="").read(), id=p.name) for p in paths]
    if kind == "ru-news-kz":
        path = SHARED / "external" / "ru-news-kz" / "articles.jsonl"
        return [d for d in read_jsonl(path) if getattr(d, "error", None) is None] if path.is_file() else []
    raise ValueError(kind)


def rates(thresholds: list[float]) -> None:
    from kzmedia_rhetoric import RhetoricAnalyzer
    from kzmedia_rhetoric.analyzer import select

    an = RhetoricAnalyzer()
    print(f"findings per 1,000 words (default threshold {an.min_confidence:.2f}; techniques on by default)")
    print(f"{'corpus':12s} {'docs':>5s} {'words':>8s} " + " ".join(f"{t:>7.2f}" for t in thresholds))
    for kind in ("nerel", "controls", "semeval", "ru-news-kz"):
        docs = _documents(kind)
        if not docs:
            print(f"{kind:12s} (absent: {SHARED} has no such data set)")
            continue
        counts = [0] * len(thresholds)
        words = 0
        for d in docs:
            words += d.words
            cands, _ = an.candidates(d)
            for k, t in enumerate(thresholds):
                counts[k] += len(select(cands, an.active, t, d.text, an.only_classes))
        print(f"{kind:12s} {len(docs):5d} {words:8d} " + " ".join(f"{1000 * c / words:7.2f}" for c in counts))


def _load_before(rev: str):
    """The plugin package as it was at git ``rev``, imported under another name."""
    tmp = Path(tempfile.mkdtemp(prefix="kzmedia_rhetoric_before_"))
    pkg = tmp / "kzmedia_rhetoric_before"
    files = subprocess.run(["git", "-C", str(ROOT), "ls-tree", "-r", "--name-only", rev, "plugins/kzmedia_rhetoric"],
                           check=True, capture_output=True, text=True).stdout.split()
    for f in files:
        out = pkg / Path(f).relative_to("plugins/kzmedia_rhetoric")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(subprocess.run(["git", "-C", str(ROOT), "show", f"{rev}:{f}"], check=True,
                                       capture_output=True).stdout)
    sys.path.insert(0, str(tmp))
    return importlib.import_module("kzmedia_rhetoric_before")


def speed(rev: str, repeats: int, shared_stance: bool = False) -> None:
    from kzmedia_rhetoric import RhetoricAnalyzer

    before = _load_before(rev).RhetoricAnalyzer()
    now = RhetoricAnalyzer()
    docs = _documents("ru-news-kz")
    if not docs:
        print("ru-news-kz absent: no speed figure")
        return
    from kzmedia import Document
    from kzmedia.stance import StanceIndex

    before.analyze(docs[0]), now.analyze(docs[0])  # compile / load the matchers
    times = {"before": [], "now": []}
    for _ in range(repeats):
        for name, an in (("before", before), ("now", now)):
            total = 0.0
            for d in docs:
                # a fresh document: tokens and sentences (the core's, shared by every analyzer) are
                # built untimed; anything the analyzer builds itself (the stance index) is timed
                fresh = Document.from_text(d.text, id=d.id)
                fresh.tokens, fresh.sentences, fresh.sentence_index()
                if shared_stance:
                    StanceIndex.of(fresh)  # built by framing in the default pipeline, shared
                t0 = time.perf_counter()
                an.analyze(fresh)
                total += time.perf_counter() - t0
            times[name].append(total)
    b, n = min(times["before"]), min(times["now"])
    words = sum(d.words for d in docs)
    print(f"rhetoric stage on ru-news-kz ({len(docs)} docs, {words} words), best of {repeats}, warm documents "
          f"(tokens and sentences built beforehand, as the pipeline shares them; the stance index "
          f"{'also built beforehand (framing shares it)' if shared_stance else 'timed'}):")
    print(f"  before ({rev}): {b:.3f} s   now: {n:.3f} s   ratio now/before: {n / b:.2f}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--before", default=None, help="git revision of the plugin to compare speed with")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--thresholds", default=None, help="comma-separated thresholds (default: the default one)")
    args = ap.parse_args(argv)
    from kzmedia_rhetoric import RhetoricAnalyzer

    ts = [float(x) for x in args.thresholds.split(",")] if args.thresholds else [RhetoricAnalyzer().min_confidence]
    rates(ts)
    if args.before:
        speed(args.before, args.repeats)
        speed(args.before, args.repeats, shared_stance=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
