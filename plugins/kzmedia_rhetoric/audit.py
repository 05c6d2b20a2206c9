"""Blind precision audit of the rhetoric findings: draw a sample, then score a reader's verdicts.

The protocol (docs/rhetoric.md, BRIEF): documents whose ``zlib.crc32(id) % 2 == 0`` may be read
while writing rules; the sample is drawn, with a fixed seed, only from the others, at the default
settings, leaving out the documents of earlier audits and any list of documents read (``--exclude``:
a judged-items JSONL file, or a text file of document ids, one a line). ``--all-parities`` draws
from documents of both parities when the list of documents actually read is complete (it is then
the only thing that keeps read text out). Each item carries the technique's short SemEval
definition, the span and its sentence with the span marked ⟦…⟧ after the previous sentence, but no
confidence, offsets or other internals; those go to a separate key file (``--key``), which the
reader does not see, and ``--definitions`` writes the instructions with the definitions of the
techniques in the sample. The reader's verdicts come back as ``{"item", "verdict", "reason"}`` lines.

    python -m kzmedia_rhetoric.audit draw CORPUS.jsonl SAMPLE.jsonl --key KEY.jsonl --definitions DEFS.md
        [--n 120] [--seed 14] [--exclude FILE ...] [--all-parities]
    python -m kzmedia_rhetoric.audit score KEY.jsonl VERDICTS.jsonl JUDGED.jsonl

``score`` writes the judged items (ids, offsets, label, verdict — no article text, so no note) and prints
strict precision overall and per technique, with the Wilson interval.
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


#: what the sample shows the reader; everything else of a finding goes to the key
BLIND_FIELDS = ("item", "doc_id", "technique", "definition", "span", "previous_sentence", "sentence")
KEY_FIELDS = ("item", "doc_id", "start", "end", "technique", "confidence", "device", "trigger", "quoted",
              "alternatives", "analyzer_version", "data_version")


def draw(corpus: str, n: int = 120, seed: int = 14, exclude=(), all_parities: bool = False
         ) -> tuple[list[dict], dict]:
    """A seeded sample of the default findings on held-out documents, and what the pool held. Each
    row holds the blind fields and the key fields (split by :func:`blind` and :func:`key`)."""
    from kzmedia import Pipeline
    from kzmedia.readers import read_corpus

    from .taxonomy import DEFINITIONS

    skip = excluded_ids(exclude)
    pipe = Pipeline(["rhetoric"])
    pool = []
    docs = 0
    for doc in read_corpus(corpus):
        if getattr(doc, "error", None) is not None or doc.id in skip or not (all_parities or held_out(doc.id)):
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
                         "sentence": (doc.text[a:f["start"]] + "⟦" + f["text"] + "⟧" + doc.text[f["end"]:b]).strip(),
                         "confidence": f["confidence"], "device": f["device"], "trigger": f["trigger"],
                         "quoted": f["quoted"], "alternatives": [x["technique"] for x in f["alternatives"]],
                         "analyzer_version": res["analyzer_version"], "data_version": res["data_version"]})
    rng = random.Random(seed)
    sample = rng.sample(pool, min(n, len(pool)))
    sample.sort(key=lambda r: (r["doc_id"], r["start"]))
    rows = [{"item": k, **r} for k, r in enumerate(sample, 1)]
    return rows, {"documents": docs, "findings": len(pool), "drawn": len(rows)}


def blind(row: dict) -> dict:
    """What the reader sees of an item: no confidence, device or offsets."""
    return {k: row[k] for k in BLIND_FIELDS}


def key(row: dict) -> dict:
    """What the reader does not see: offsets and the analyzer's internals, for scoring."""
    return {k: row[k] for k in KEY_FIELDS}


def definitions_text(techniques) -> str:
    """The reader's instructions with the SemEval-2023 definitions of the techniques sampled."""
    from .taxonomy import DEFINITIONS

    lines = ["# Rhetoric audit: what to judge", "",
             "For each item: does the marked span ⟦…⟧, read in its sentence, use the named persuasion "
             "technique as SemEval-2023 Task 3 defines it (below)?", "",
             "Answer `yes`, `no` or `partial` (a short reason when useful). `yes` when the span is an instance "
             "of the technique here — in the author's voice or in the words of someone the text quotes. `no` "
             "when the words are used plainly or descriptively (the neutral name of a thing, an event or a "
             "crime; a literal sense; a title or a name), or the technique is another one. `partial` when "
             "the technique is there but the span is not what carries it. Judge the span, not the article.",
             "", "## Techniques", ""]
    for t in sorted(set(techniques)):
        lines += [f"### `{t}`", "", DEFINITIONS[t][0].upper() + DEFINITIONS[t][1:] + ".", ""]
    return "\n".join(lines)


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The Wilson score interval of a proportion k/n (95 % by default)."""
    if not n:
        return (0.0, 1.0)
    p = k / n
    d = 1 + z * z / n
    mid = (p + z * z / (2 * n)) / d
    half = z * ((p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5) / d
    return (max(0.0, mid - half), min(1.0, mid + half))


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

    def fig(a: int, n: int) -> dict:
        return {"agree": a, "n": n, "precision": a / n if n else 0.0, "wilson95": [round(x, 3) for x in wilson(a, n)]}

    figures = {"overall": fig(*total), "techniques": {t: fig(a, n) for t, (a, n) in sorted(per.items())}}
    return judged, figures


def _write_jsonl(path: str, rows) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")


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
    d.add_argument("--key", default=None, help="write the key (offsets, confidence, device) to this JSONL file")
    d.add_argument("--definitions", default=None, help="write the reader's instructions and definitions here")
    d.add_argument("--all-parities", action="store_true",
                   help="draw from documents of either crc32 parity (the read lists are then the only exclusion)")
    s = sub.add_parser("score")
    s.add_argument("sample", help="the key (or a sample that holds offsets)")
    s.add_argument("verdicts")
    s.add_argument("judged")
    args = ap.parse_args(argv)
    if args.cmd == "draw":
        rows, pool = draw(args.corpus, args.n, args.seed, args.exclude, args.all_parities)
        _write_jsonl(args.out, [blind(r) for r in rows])
        if args.key:
            _write_jsonl(args.key, [key(r) for r in rows])
        if args.definitions:
            with open(args.definitions, "w", encoding="utf-8") as fh:
                fh.write(definitions_text(r["technique"] for r in rows) + "\n")
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
