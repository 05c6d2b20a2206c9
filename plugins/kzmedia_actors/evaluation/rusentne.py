"""RuSentNE-2023: the tone of actor mentions against the human sentiment toward the entity.

Reads the task's TSV (``sentence, entity, entity_tag, entity_pos_start_rel, entity_pos_end_rel,
label`` with label -1/0/1). Each sentence is analysed on its own; a row is *covered* when one of
the actors analyzer's mentions overlaps the marked entity. The mention's tone gives the predicted
sign (positive above ``--threshold``, negative below minus it, neutral otherwise). Reported, over
the covered rows: the official RuSentNE measure, macro-F1 over the positive and negative classes,
next to the same figure for always answering neutral (0 by construction), and the accuracies.
With ``--folds`` (default 5) the covered rows are also cut into that many contiguous blocks (the
file keeps a source's sentences together): for each block the threshold is the one of
``THRESHOLDS`` that does best on the other blocks, and the held-out blocks' macro-F1 is reported
as mean ± sd — the only number this evaluation chooses from the data.
"""

from __future__ import annotations

import csv
import json
import sys
from collections import Counter
from pathlib import Path

from kzmedia import KzmediaError

from . import spread

#: the thresholds the cross-validation chooses among
THRESHOLDS = (0.05, 0.075, 0.1, 0.125, 0.15, 0.2, 0.25)


class RusentneDataError(KzmediaError):
    """The file is not a RuSentNE TSV."""


def add_arguments(parser) -> None:
    parser.add_argument("path", help="RuSentNE TSV (e.g. rusentne-train/train_data.csv) or its directory")
    parser.add_argument("--threshold", type=float, default=0.1,
                        help="|tone| above this counts as positive/negative (default %(default)s)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N rows")
    parser.add_argument("--folds", type=int, default=5,
                        help="contiguous blocks of rows for the cross-validated threshold (default %(default)s)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")


def read_rows(path) -> list[dict]:
    p = Path(path)
    if p.is_dir():
        p = p / "train_data.csv"
    try:
        fh = open(p, encoding="utf-8", newline="")
    except OSError as e:
        raise RusentneDataError(f"{p}: {e.strerror or e}") from None
    with fh:
        reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader, None)
        if not header or header[:2] != ["sentence", "entity"] or "label" not in header:
            raise RusentneDataError(f"{p}: expected a RuSentNE header (sentence, entity, …, label)")
        rows = []
        for line, r in enumerate(reader, start=2):
            if len(r) < 6:
                continue
            try:
                rows.append({"sentence": r[0], "entity": r[1], "tag": r[2], "start": int(r[3]),
                             "end": int(r[4]), "label": int(r[5]), "line": line})
            except ValueError:
                raise RusentneDataError(f"{p}:{line}: offsets and label must be integers") from None
    return rows


def macro_f1(gold: list[int], pred: list[int], classes=(1, -1)) -> tuple[float, dict]:
    per = {}
    for c in classes:
        tp = sum(1 for g, p in zip(gold, pred) if g == c and p == c)
        fp = sum(1 for g, p in zip(gold, pred) if g != c and p == c)
        fn = sum(1 for g, p in zip(gold, pred) if g == c and p != c)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        per[c] = {"precision": round(prec, 4), "recall": round(rec, 4), "f1": round(f1, 4)}
    return sum(v["f1"] for v in per.values()) / len(classes), per


def _signs(tones, threshold: float) -> list[int]:
    return [1 if t > threshold else -1 if t < -threshold else 0 for t in tones]


def cross_validated(gold: list[int], tones: list[float], folds: int = 5) -> dict:
    """Held-out macro-F1 (pos, neg) of contiguous blocks, each with the threshold of
    ``THRESHOLDS`` that is best on the other blocks."""
    n = len(gold)
    block = [k * folds // n for k in range(n)] if n else []
    held, chosen = [], []
    for f in range(folds):
        train = [k for k in range(n) if block[k] != f]
        test = [k for k in range(n) if block[k] == f]
        if not test or not train:
            continue
        g = [gold[k] for k in train]
        best = max(THRESHOLDS, key=lambda th: (macro_f1(g, _signs([tones[k] for k in train], th))[0], -abs(th - 0.1)))
        chosen.append(best)
        held.append(macro_f1([gold[k] for k in test], _signs([tones[k] for k in test], best))[0])
    return {"folds": len(held), "heldout": spread(held), "thresholds": chosen, "always_neutral": 0.0}


def covered(rows, analyzer=None) -> tuple[list[int], list[float], list[str]]:
    """Gold label, predicted tone and entity tag of every covered row (the strongest tone of the
    actor mentions overlapping the marked entity)."""
    from kzmedia import Document

    if analyzer is None:
        from kzmedia import Pipeline

        analyzer = Pipeline(analyzers=["actors"]).analyzers["actors"]
    gold, tones, row_tags = [], [], []
    for row in rows:
        doc = Document.from_text(row["sentence"])
        body = analyzer.analyze(doc)
        body = body.to_dict() if hasattr(body, "to_dict") else body
        best = None
        for actor in body["actors"]:
            for m in actor["mentions"]:
                if m["start"] < row["end"] and row["start"] < m["end"]:
                    if best is None or abs(m["tone"]) > abs(best):
                        best = m["tone"]
        if best is None:
            continue
        gold.append(row["label"])
        tones.append(best)
        row_tags.append(row["tag"])
    return gold, tones, row_tags


def evaluate(path, threshold: float = 0.1, limit: int | None = None, analyzer=None, folds: int = 5) -> dict:
    rows = read_rows(path)[:limit] if limit else read_rows(path)
    gold, tones, row_tags = covered(rows, analyzer)
    tags = Counter(row_tags)
    pred = _signs(tones, threshold)
    f1, per = macro_f1(gold, pred)
    by_tag = {}
    for tag in sorted(tags):
        idx = [k for k, t in enumerate(row_tags) if t == tag]
        by_tag[tag] = round(macro_f1([gold[k] for k in idx], [pred[k] for k in idx])[0], 4)
    neutral_f1, _ = macro_f1(gold, [0] * len(gold))
    # the two halves of the covered rows (even / odd position): a tone change is kept only when it
    # helps on both, so the spread between them shows how much of a gain is tuning noise
    halves = [round(macro_f1(gold[h::2], pred[h::2])[0], 4) for h in (0, 1)]
    return {"rows": len(rows), "covered": len(gold), "covered_by_tag": dict(tags),
            "label_counts": {str(k): v for k, v in sorted(Counter(gold).items())},
            "threshold": threshold, "macro_f1_pos_neg": round(f1, 4),
            "macro_f1_halves": halves, "cross_validated": cross_validated(gold, tones, folds),
            "per_class": {str(k): v for k, v in per.items()},
            "macro_f1_by_entity_tag": by_tag,
            "always_neutral_macro_f1": round(neutral_f1, 4),
            "accuracy": round(sum(1 for g, p in zip(gold, pred) if g == p) / len(gold), 4) if gold else 0.0,
            "always_neutral_accuracy": round(sum(1 for g in gold if g == 0) / len(gold), 4) if gold else 0.0}


def run(args) -> int:
    report = evaluate(args.path, threshold=args.threshold, limit=args.limit, folds=args.folds)
    if args.json:
        json.dump(report, sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    print(f"RuSentNE: tone of actor mentions vs human sentiment toward the entity")
    print(f"  rows {report['rows']}, covered {report['covered']} {report['covered_by_tag']}")
    print(f"  labels on covered rows {report['label_counts']}, threshold ±{report['threshold']}")
    for c, name in (("1", "positive"), ("-1", "negative")):
        v = report["per_class"][c]
        print(f"  {name:<8} P {v['precision']:.3f}  R {v['recall']:.3f}  F1 {v['f1']:.3f}")
    print(f"  macro-F1 (pos, neg) {report['macro_f1_pos_neg']:.3f}   always neutral "
          f"{report['always_neutral_macro_f1']:.3f}")
    print("  macro-F1 on the even / odd halves " + " / ".join(f"{v:.3f}" for v in report["macro_f1_halves"]))
    cv = report["cross_validated"]
    h = cv["heldout"]
    print(f"  {cv['folds']} contiguous folds, threshold chosen on the others ({', '.join(map(str, cv['thresholds']))}): "
          f"held-out macro-F1 {h['mean']:.3f} ± {h['sd']:.3f} (folds {h['min']:.3f}–{h['max']:.3f})   always neutral 0.000")
    print(f"  accuracy {report['accuracy']:.3f}   always neutral {report['always_neutral_accuracy']:.3f}")
    print("  macro-F1 by entity tag: " + ", ".join(f"{t} {v:.3f}" for t, v in report["macro_f1_by_entity_tag"].items()))
    return 0
