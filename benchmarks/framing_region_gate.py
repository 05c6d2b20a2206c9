"""What the framing analyzer's regional gate removes: aggregate counts over a corpus, no text shown.

    python benchmarks/framing_region_gate.py [CORPUS_OR_FOLDER ...] [--judged AUDIT.jsonl ...]

For each corpus (a JSON-lines file read like ``kzmedia analyze`` reads it, or a folder of ``.txt``
files) runs framing with the gate (the default) and without it (``region = false``) and prints:
documents, how many are about the region (mentioned in at least ``document_share`` of the
sentences) and how many never mention it, the domain frames' evidence items kept and set apart
(``off_region``), per frame, and the domain frames present with and without the gate.
``--judged`` also tallies judged audit items (``docs/audits/framing-audit*.jsonl``: doc_id, start,
label, verdict) of the domain frames: how many ``yes`` and ``no`` items stand where the gate keeps
evidence (a development figure: those documents were read when writing rules).
"""

from __future__ import annotations

import argparse
import bisect
import json
from collections import Counter
from pathlib import Path

import kzmedia
from kzmedia.readers import read_corpus
from kzmedia_framing import DOMAIN_FRAMES, FramingAnalyzer


def _documents(path: Path):
    if path.is_dir():
        for p in sorted(path.glob("*.txt")):
            yield kzmedia.Document.from_file(p)
    else:
        yield from read_corpus(str(path))


def counts(path: Path, gated: FramingAnalyzer, open_: FramingAnalyzer) -> dict:
    c: Counter = Counter()
    for doc in _documents(path):
        on, off = gated.analyze(doc), open_.analyze(doc)
        c["documents"] += 1
        c["about the region"] += on.region.about
        c["no mention of the region"] += not on.region.sentences
        for f in on.frames:
            if f.kind != "domain":
                continue
            c["domain evidence kept"] += len(f.evidence) + len(f.rejected)
            c["domain evidence off-region"] += len(f.off_region)
            c["off-region asserted"] += sum(1 for e in f.off_region if e.asserted)
            c[f"off-region {f.id}"] += len(f.off_region)
        c["domain frames present (gate)"] += len(on.present("domain"))
        c["domain frames present (no gate)"] += len(off.present("domain"))
        c["documents with a domain frame (gate)"] += bool(on.present("domain"))
        c["documents with a domain frame (no gate)"] += bool(off.present("domain"))
    return dict(c)


def judged(files: list[Path], corpus: Path, gated: FramingAnalyzer) -> Counter:
    items = [json.loads(line) for f in files for line in f.open(encoding="utf-8") if line.strip()]
    items = [d for d in items if d["label"] in DOMAIN_FRAMES]
    ids = {d["doc_id"] for d in items}
    docs = {doc.id: doc for doc in read_corpus(str(corpus)) if doc.id in ids}
    tally: Counter = Counter()
    for d in items:
        doc = docs.get(d["doc_id"])
        if doc is None:
            continue
        region = gated.gated_hits(doc)[2]
        sentence = bisect.bisect_right([s.start for s in doc.sentences], d["start"]) - 1
        verdict = "yes" if d["verdict"] == "yes" else "no"
        tally[(verdict, "kept" if sentence in region.allowed else "gated")] += 1
    return tally


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    here = Path(__file__).resolve().parents[1].parent / "shared"
    p.add_argument("corpora", nargs="*", type=Path,
                   default=[here / "external" / "ru-news-kz" / "articles.jsonl", here / "seeds", here / "controls"])
    p.add_argument("--judged", nargs="*", type=Path, default=[])
    args = p.parse_args(argv)
    gated, open_ = FramingAnalyzer(), FramingAnalyzer(region=False)
    for path in args.corpora:
        if not path.exists():
            print(f"{path}: not found (the shared data sets are not beside this clone)")
            continue
        print(path)
        for k, v in counts(path, gated, open_).items():
            print(f"  {k:42s} {v}")
    if args.judged:
        corpus = args.corpora[0]
        t = judged(args.judged, corpus, gated)
        print(f"judged domain items ({len(args.judged)} files):")
        for verdict in ("yes", "no"):
            print(f"  {verdict:3s}: kept {t[(verdict, 'kept')]}, gated {t[(verdict, 'gated')]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
