"""Blind precision audit of the rhetoric findings: draw a sample, then score a reader's verdicts.

The protocol (docs/rhetoric.md, BRIEF): documents whose ``zlib.crc32(id) % 2 == 0`` may be read
while writing rules; the sample is drawn, with a fixed seed, only from the others, at the default
settings. The sample file carries the span and its sentence but no confidence or other internals;
the reader's verdicts come back as ``{"item", "verdict", "note"}`` lines.

    python -m kzmedia_rhetoric.audit draw CORPUS.jsonl SAMPLE.jsonl [--n 120] [--seed 14]
    python -m kzmedia_rhetoric.audit score SAMPLE.jsonl VERDICTS.jsonl JUDGED.jsonl

``score`` writes the judged items (ids, offsets, label, verdict — no article text, so no note) and prints
strict precision overall and per technique.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import zlib
from collections import defaultdict

#: verdicts that count as agreement under strict precision
STRICT_YES = frozenset({"correct", "yes", "agree", "right"})


def held_out(doc_id: str) -> bool:
    """True for the documents no rule was written against (odd crc32)."""
    return zlib.crc32(doc_id.encode()) % 2 == 1


def draw(corpus: str, n: int = 120, seed: int = 14) -> list[dict]:
    from kzmedia import Pipeline
    from kzmedia.readers import read_corpus

    pipe = Pipeline(["rhetoric"])
    pool = []
    for doc in read_corpus(corpus):
        if getattr(doc, "error", None) is not None or not held_out(doc.id):
            continue
        res = pipe.analyze(doc).result("rhetoric")
        for f in res["findings"]:
            seg = doc.sentence_at(f["start"])
            a, b = (seg.start, seg.end) if seg is not None else (max(0, f["start"] - 300), f["end"] + 300)
            if b - a > 700:
                a, b = max(a, f["start"] - 300), min(b, f["end"] + 300)
            pool.append({"doc_id": doc.id, "start": f["start"], "end": f["end"], "label": f["technique"],
                         "span": f["text"], "context": doc.text[a:b]})
    rng = random.Random(seed)
    sample = rng.sample(pool, min(n, len(pool)))
    sample.sort(key=lambda r: (r["doc_id"], r["start"]))
    for k, r in enumerate(sample, 1):
        r["item"] = k
    return [{"item": r["item"], **{k: v for k, v in r.items() if k != "item"}} for r in sample]


def score(sample: list[dict], verdicts: list[dict]) -> tuple[list[dict], dict]:
    by_item = {int(v["item"]): v for v in verdicts}
    judged, per = [], defaultdict(lambda: [0, 0])
    for r in sample:
        v = by_item.get(int(r["item"]))
        if v is None:
            continue
        ok = str(v.get("verdict", "")).strip().lower() in STRICT_YES
        judged.append({"item": r["item"], "doc_id": r["doc_id"], "start": r["start"], "end": r["end"],
                       "label": r["label"], "verdict": v.get("verdict")})
        per[r["label"]][0] += ok
        per[r["label"]][1] += 1
    total = [sum(v[0] for v in per.values()), sum(v[1] for v in per.values())]
    figures = {"overall": {"agree": total[0], "n": total[1], "precision": total[0] / total[1] if total[1] else 0.0},
               "techniques": {t: {"agree": a, "n": n, "precision": a / n if n else 0.0}
                              for t, (a, n) in sorted(per.items())}}
    return judged, figures


def _read_jsonl(path: str) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m kzmedia_rhetoric.audit")
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("draw")
    d.add_argument("corpus")
    d.add_argument("out")
    d.add_argument("--n", type=int, default=120)
    d.add_argument("--seed", type=int, default=14)
    s = sub.add_parser("score")
    s.add_argument("sample")
    s.add_argument("verdicts")
    s.add_argument("judged")
    args = ap.parse_args(argv)
    if args.cmd == "draw":
        rows = draw(args.corpus, args.n, args.seed)
        with open(args.out, "w", encoding="utf-8") as fh:
            for r in rows:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
        print(f"{len(rows)} items written to {args.out}", file=sys.stderr)
        return 0
    judged, figures = score(_read_jsonl(args.sample), _read_jsonl(args.verdicts))
    with open(args.judged, "w", encoding="utf-8") as fh:
        for r in judged:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(json.dumps(figures, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
