"""Blind precision audit of the rhetoric findings: draw a sample, then score a reader's verdicts.

The protocol (docs/rhetoric.md, BRIEF): documents whose ``zlib.crc32(id) % 2 == 0`` may be read
while writing rules; the sample is drawn, with a fixed seed, only from the others, at the default
settings, leaving out the documents of earlier audits and any list of documents read (``--exclude``:
a judged-items JSONL file, or a text file of document ids, one a line). Each item carries the
technique's short SemEval definition, the span and its sentence with the span marked ⟦…⟧ after
the previous sentence, but no confidence or other internals; the reader's verdicts come back as
``{"item", "verdict", "reason"}`` lines.

    python -m kzmedia_rhetoric.audit draw CORPUS.jsonl SAMPLE.jsonl [--n 120] [--seed 14] [--exclude FILE ...]
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


def excluded_ids(paths) -> set[str]:
    """Document ids named by earlier audits (JSONL with ``doc_id``) or read lists (one id a line)."""
    out: set[str] = set()
    for path in paths:
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                line = line.strip()
                if not line or line.startswith("#"):
                    continue
                out.add(json.loads(line)["doc_id"] if line.startswith("{") else line)
    return out


def _sentence(doc, offset: int, limit: int = 700) -> tuple[int, int]:
    seg = doc.sentence_at(offset)
    a, b = (seg.start, seg.end) if seg is not None else (max(0, offset - 300), offset + 300)
    if b - a > limit:
        a, b = max(a, offset - limit // 2), min(b, offset + limit // 2)
    return a, b


def draw(corpus: str, n: int = 120, seed: int = 14, exclude=()) -> tuple[list[dict], dict]:
    """A seeded sample of the default findings on held-out documents, and what the pool held."""
    from kzmedia import Pipeline
    from kzmedia.readers import read_corpus

    from .taxonomy import DEFINITIONS

    skip = excluded_ids(exclude)
    pipe = Pipeline(["rhetoric"])
    pool = []
    docs = 0
    for doc in read_corpus(corpus):
        if getattr(doc, "error", None) is not None or not held_out(doc.id) or doc.id in skip:
            continue
        docs += 1
        res = pipe.analyze(doc).result("rhetoric")
        for f in res["findings"]:
            a, b = _sentence(doc, f["start"])
            b = max(b, f["end"])
            prev = _sentence(doc, a - 2) if a >= 2 else (a, a)
            p0 = prev[0] if prev[1] <= a else a
            pool.append({"doc_id": doc.id, "start": f["start"], "end": f["end"], "technique": f["technique"],
                         "definition": DEFINITIONS[f["technique"]], "span": f["text"],
                         "previous_sentence": doc.text[p0:a].strip(),
                         "sentence": (doc.text[a:f["start"]] + "⟦" + f["text"] + "⟧" + doc.text[f["end"]:b]).strip()})
    rng = random.Random(seed)
    sample = rng.sample(pool, min(n, len(pool)))
    sample.sort(key=lambda r: (r["doc_id"], r["start"]))
    rows = [{"item": k, **r} for k, r in enumerate(sample, 1)]
    return rows, {"documents": docs, "findings": len(pool), "drawn": len(rows)}


def score(sample: list[dict], verdicts: list[dict]) -> tuple[list[dict], dict]:
    by_item = {int(v["item"]): v for v in verdicts}
    judged, per = [], defaultdict(lambda: [0, 0])
    for r in sample:
        v = by_item.get(int(r["item"]))
        if v is None:
            continue
        ok = str(v.get("verdict", "")).strip().lower() in STRICT_YES
        label = r.get("technique") or r["label"]
        judged.append({"item": r["item"], "doc_id": r["doc_id"], "start": r["start"], "end": r["end"],
                       "label": label, "verdict": v.get("verdict")})
        per[label][0] += ok
        per[label][1] += 1
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
    d.add_argument("--exclude", nargs="*", default=[],
                   help="earlier audits' judged files or read lists: their documents are left out")
    s = sub.add_parser("score")
    s.add_argument("sample")
    s.add_argument("verdicts")
    s.add_argument("judged")
    args = ap.parse_args(argv)
    if args.cmd == "draw":
        rows, pool = draw(args.corpus, args.n, args.seed, args.exclude)
        with open(args.out, "w", encoding="utf-8") as fh:
            for r in rows:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
        print(f"{len(rows)} items written to {args.out} (pool: {pool['findings']} findings in "
              f"{pool['documents']} eligible documents)", file=sys.stderr)
        return 0
    judged, figures = score(_read_jsonl(args.sample), _read_jsonl(args.verdicts))
    with open(args.judged, "w", encoding="utf-8") as fh:
        for r in judged:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(json.dumps(figures, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
