"""Blind audit of framing evidence: draw a sample for a reader, then score the reader's verdicts.

    python -m kzmedia_framing.audit sample CORPUS.jsonl --out SAMPLE.jsonl --definitions DEFS.md \
        [--key KEY.jsonl] [--exclude READ.txt] [--exclude OLD-AUDIT.jsonl] [--present-only] [--all-documents] \
        [--kind domain] [--n 120] [--seed 16]
    python -m kzmedia_framing.audit score SAMPLE.jsonl VERDICTS.jsonl --out docs/audits/framing-audit.jsonl

``sample`` analyses the documents that were *not* read while writing rules (``zlib.crc32(id) % 2
== 1``, the project's split, minus every document id listed in an ``--exclude`` file: one id a
line, or JSON lines with a ``doc_id``; with ``--all-documents`` both halves, when the exclusion files
list every document read while writing rules and every earlier sample), pools every asserted evidence item (what a frame's score
counts; with ``--present-only`` only that of the frames the document is found to build, what a
user sees as a frame's evidence) and draws ``n`` with a fixed seed: the same corpus, analyzer
version, exclusions and seed give the same sample. Each line: ``item``, ``doc_id``, ``start``,
``end``, ``frame`` (and ``label``, the same), ``frame_definition`` (its first sentence), ``span``,
``sentence`` (the span marked ⟦…⟧) and ``context`` (the sentence unmarked) — nothing of the
analyzer's weights or scores, so the reader is not steered; ``--key`` writes those (entry,
weight, lexicon, stance, the frame's score and hits) per item, for analysis after judging.
``score`` joins the reader's ``item``/``verdict`` lines with the sample and writes the judged
items without article text (ids, offsets, frame, verdict, the reader's ``reason`` when given), and prints precision overall and per
frame kind with a 95 % Wilson interval.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import zlib
from collections import Counter
from pathlib import Path

QUESTION = ("Does this span, in its sentence, evoke this frame as asserted — put forward as holding by the "
            "text, in the author's voice or in the words of a source the text reports?")


def held_out(doc_id: str) -> bool:
    """The documents audit samples may come from: not read while writing rules."""
    return zlib.crc32(doc_id.encode()) % 2 == 1


def excluded_ids(paths) -> set[str]:
    """Document ids listed in ``paths``: one id a line, or JSON lines with a ``doc_id``."""
    out: set[str] = set()
    for path in paths or ():
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            out.add(json.loads(line)["doc_id"] if line.startswith("{") else line)
    return out


def short_definition(text: str) -> str:
    """The first sentence of a frame definition (the cue lists after it would steer the reader)."""
    text = " ".join(text.split())
    k = text.find(". ")
    return text[:k + 1] if k > 0 else text


def draw(corpus: str, n: int, seed: int, exclude: set[str] = frozenset(),
         present_only: bool = False, all_documents: bool = False, kind: str | None = None,
         off_region: bool = False) -> tuple[list[dict], dict[str, str], list[dict]]:
    """The sample lines, the definitions of the frames they use and the key (the analyzer's view
    of each item). ``all_documents`` drops the held-out split (the exclusions alone decide);
    ``kind`` (domain, generic, custom) pools the evidence of that kind of frame only, to measure a
    kind that a mixed sample holds too few of. ``off_region`` pools, instead, the asserted domain
    evidence the regional gate set apart (what the gate takes away), to check the gate blind."""
    import kzmedia
    from kzmedia.readers import read_corpus

    from .analyzer import FramingAnalyzer

    analyzer = FramingAnalyzer()
    pool = []
    for doc in read_corpus([corpus]):
        if not isinstance(doc, kzmedia.Document) or doc.id in exclude or not (all_documents or held_out(doc.id)):
            continue
        result = analyzer.analyze(doc)
        for f in result.frames:
            if (present_only and not f.present) or (kind is not None and f.kind != kind):
                continue
            items = [e for e in f.off_region if e.stance.label == "asserted"] if off_region else f.evidence
            for e in items:
                pool.append((doc, f, e))
    picked = random.Random(seed).sample(pool, min(n, len(pool)))
    picked.sort(key=lambda p: (p[0].id, p[2].start, p[1].id))
    random.Random(seed + 1).shuffle(picked)  # text order would hint at which items share a text
    lines, key = [], []
    for k, (doc, f, e) in enumerate(picked, 1):
        seg = doc.sentence_at(e.start)
        a, b = (seg.start, seg.end) if seg is not None else (max(0, e.start - 300), min(len(doc.text), e.end + 300))
        a, b = min(a, e.start), max(b, e.end)
        text = doc.text
        lines.append({"item": k, "doc_id": doc.id, "start": e.start, "end": e.end, "frame": f.id, "label": f.id,
                      "frame_definition": short_definition(analyzer.definitions.get(f.id, "")),
                      "span": text[e.start:e.end],
                      "sentence": text[a:e.start] + "⟦" + text[e.start:e.end] + "⟧" + text[e.end:b],
                      "context": text[a:b]})
        key.append({"item": k, "doc_id": doc.id, "start": e.start, "end": e.end, "frame": f.id, "kind": f.kind,
                    "entry": e.entry, "weight": e.weight, "lexicon": e.lexicon, "stance": e.stance.label,
                    "frame_score": round(f.score, 3), "frame_hits": f.hits, "frame_present": f.present,
                    "off_region": off_region,
                    "analyzer_version": analyzer.version, "lexicon_version": analyzer.lexicon_version})
    defs = {fid: analyzer.definitions.get(fid, "") for fid in sorted({ln["frame"] for ln in lines})}
    return lines, defs, key


def definitions_markdown(defs: dict[str, str]) -> str:
    out = ["# Framing audit: what to judge", "",
           f"For each item: {QUESTION}", "",
           "Answer `yes` or `no` (a short note when useful). `yes` when the span, read in its sentence, "
           "brings up the frame defined below and the sentence puts it forward as holding. `no` when the "
           "span means something else here (another sense of the word, part of a name or a title, an idiom), "
           "does not evoke this frame, or when the sentence negates it, contrasts it away («не X, а Y»), "
           "distances itself from it (scare quotes, «так называемый», «якобы»), only supposes it "
           "(«если бы», «возможно») or asks about it and answers no. A source's claim reported by the text "
           "(«по словам министра, …») counts as asserted.", "",
           "## Frames", ""]
    for fid, text in defs.items():
        out += [f"### `{fid}`", "", " ".join(text.split()) or "(no definition)", ""]
    return "\n".join(out)


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    if not n:
        return 0.0, 0.0
    p = k / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return c - h, c + h


def score(sample_path: str, verdicts_path: str, out: str | None) -> dict:
    from .analyzer import DOMAIN_FRAMES

    sample = {ln["item"]: ln for ln in map(json.loads, Path(sample_path).read_text(encoding="utf-8").splitlines()) if ln}
    judged = []
    for line in Path(verdicts_path).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        v = json.loads(line)
        s = sample.get(v["item"])
        if s is None:
            continue
        verdict = str(v.get("verdict", "")).strip().lower()
        row = {"item": s["item"], "doc_id": s["doc_id"], "start": s["start"], "end": s["end"],
               "label": s.get("frame", s.get("label")), "verdict": verdict}
        if v.get("reason"):
            row["reason"] = str(v["reason"])  # the reader's note (no article text is copied)
        judged.append(row)
    yes = lambda rows: sum(1 for r in rows if r["verdict"] in ("yes", "y", "true", "1"))  # noqa: E731
    report = {"judged": len(judged), "yes": yes(judged)}
    for name, rows in (("domain", [r for r in judged if r["label"] in DOMAIN_FRAMES]),
                       ("generic", [r for r in judged if r["label"] not in DOMAIN_FRAMES])):
        report[name] = {"judged": len(rows), "yes": yes(rows)}
    report["precision"] = report["yes"] / report["judged"] if judged else 0.0
    report["interval"] = wilson(report["yes"], report["judged"])
    report["per_frame"] = {f: {"judged": c, "yes": yes([r for r in judged if r["label"] == f])}
                           for f, c in Counter(r["label"] for r in judged).most_common()}
    if out:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in judged), encoding="utf-8")
    return report


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m kzmedia_framing.audit", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("sample")
    s.add_argument("corpus")
    s.add_argument("--out", required=True)
    s.add_argument("--definitions", required=True)
    s.add_argument("--n", type=int, default=120)
    s.add_argument("--seed", type=int, default=16)
    s.add_argument("--key", help="also write the analyzer's view of each item here (not for the reader)")
    s.add_argument("--exclude", action="append", default=[],
                   help="a file of document ids not to sample (one a line, or JSON lines with doc_id); repeatable")
    s.add_argument("--present-only", action="store_true",
                   help="only the evidence of frames found present (what a user sees as a frame's evidence)")
    s.add_argument("--all-documents", action="store_true",
                   help="sample both halves of the corpus split (the --exclude files must list every document read "
                        "while writing rules and every earlier sample)")
    s.add_argument("--kind", choices=("domain", "generic", "custom"),
                   help="only the evidence of this kind of frame (e.g. the domain frames, which a mixed sample holds few of)")
    s.add_argument("--off-region", action="store_true",
                   help="pool the asserted domain evidence the regional gate set apart instead (a check of the gate)")
    c = sub.add_parser("score")
    c.add_argument("sample")
    c.add_argument("verdicts")
    c.add_argument("--out")
    args = p.parse_args(argv)
    if args.command == "sample":
        lines, defs, key = draw(args.corpus, args.n, args.seed, excluded_ids(args.exclude), args.present_only,
                                args.all_documents, args.kind, args.off_region)
        Path(args.out).write_text("".join(json.dumps(ln, ensure_ascii=False) + "\n" for ln in lines), encoding="utf-8")
        if args.key:
            Path(args.key).write_text("".join(json.dumps(ln, ensure_ascii=False) + "\n" for ln in key),
                                      encoding="utf-8")
        Path(args.definitions).write_text(definitions_markdown(defs), encoding="utf-8")
        print(f"{len(lines)} items from {len({ln['doc_id'] for ln in lines})} documents -> {args.out}")
    else:
        r = score(args.sample, args.verdicts, args.out)
        lo, hi = r["interval"]
        print(f"precision {r['precision']:.3f} ({r['yes']}/{r['judged']}; 95% Wilson {lo:.2f}-{hi:.2f}); "
              f"domain {r['domain']['yes']}/{r['domain']['judged']}, generic {r['generic']['yes']}/{r['generic']['judged']}")
        for f, v in r["per_frame"].items():
            print(f"  {f:<46} {v['yes']:>3}/{v['judged']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
