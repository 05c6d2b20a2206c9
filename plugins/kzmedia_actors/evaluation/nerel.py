"""NEREL: state mentions of the actors analyzer against human COUNTRY spans.

Reads a directory of brat standoff files (``ID_text.txt`` + ``ID_text.ann``; lines
``T#<TAB>TYPE start end<TAB>text``). The analyzer's mentions of actors of kind ``state`` with form
``name``, ``abbreviation`` or ``adjective`` (by default) are compared with the human ``COUNTRY``
spans by overlap: a predicted mention is correct when it overlaps a COUNTRY span; a COUNTRY span
is found when some predicted mention overlaps it. Prints precision, recall and F1, and with
``--errors`` the misses and false alarms in context.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from kzmedia import KzmediaError

DEFAULT_FORMS = ("name", "abbreviation", "adjective")


class NerelDataError(KzmediaError):
    """The directory holds no brat ``*_text.txt``/``.ann`` pairs."""


def add_arguments(parser) -> None:
    parser.add_argument("path", help="directory with NEREL brat files (ID_text.txt + ID_text.ann)")
    parser.add_argument("--forms", default=",".join(DEFAULT_FORMS),
                        help="mention forms to compare (comma-separated; default: %(default)s)")
    parser.add_argument("--errors", action="store_true", help="list misses and false alarms")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")


def load_gold(ann_path: Path, entity_type: str = "COUNTRY") -> list[tuple[int, int, str]]:
    spans = []
    with open(ann_path, encoding="utf-8", newline="") as fh:
        for line in fh:
            parts = line.rstrip("\r\n").split("\t")
            if len(parts) < 3 or not parts[0].startswith("T"):
                continue
            head = parts[1].split(" ")
            if head[0] != entity_type:
                continue
            # discontinuous spans are written "start end;start end"
            for piece in " ".join(head[1:]).split(";"):
                a, b = piece.split()
                spans.append((int(a), int(b), parts[2]))
    return spans


def evaluate(path, forms=DEFAULT_FORMS, analyzer=None) -> dict:
    from kzmedia import Document

    root = Path(path)
    texts = sorted(root.glob("*.txt"))
    pairs = [(t, t.with_suffix(".ann")) for t in texts if t.with_suffix(".ann").exists()]
    if not pairs:
        raise NerelDataError(f"{root}: no brat *.txt/*.ann pairs found")
    if analyzer is None:
        from kzmedia import Pipeline

        analyzer = Pipeline(analyzers=["actors"]).analyzers["actors"]
    kinds = {a: info.kind for a, info in analyzer.gazetteer.actors.items()}
    tp_pred = n_pred = found_gold = n_gold = 0
    misses, false_alarms = [], []
    for txt, ann in pairs:
        doc = Document.from_file(txt)
        gold = load_gold(ann)
        result = analyzer.analyze(doc)
        body = result.to_dict() if hasattr(result, "to_dict") else result
        pred = [(m["start"], m["end"], a["id"], m["form"]) for a in body["actors"]
                if kinds.get(a["id"], "state") == "state" for m in a["mentions"] if m["form"] in forms]
        n_pred += len(pred)
        n_gold += len(gold)
        for s, e, actor, form in pred:
            if any(s < gb and ga < e for ga, gb, _ in gold):
                tp_pred += 1
            else:
                false_alarms.append((txt.name, s, e, actor, doc.text[max(0, s - 40):e + 40].replace("\n", " ")))
        for ga, gb, gtext in gold:
            if any(s < gb and ga < e for s, e, _, _ in pred):
                found_gold += 1
            else:
                misses.append((txt.name, ga, gb, gtext, doc.text[max(0, ga - 40):gb + 40].replace("\n", " ")))
    p = tp_pred / n_pred if n_pred else 0.0
    r = found_gold / n_gold if n_gold else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"documents": len(pairs), "forms": list(forms), "gold_spans": n_gold, "predicted": n_pred,
            "correct_predictions": tp_pred, "gold_found": found_gold, "precision": round(p, 4),
            "recall": round(r, 4), "f1": round(f1, 4), "misses": misses, "false_alarms": false_alarms}


def run(args) -> int:
    forms = tuple(f.strip() for f in args.forms.split(",") if f.strip())
    report = evaluate(args.path, forms=forms)
    if args.json:
        out = dict(report)
        if not args.errors:
            out.pop("misses")
            out.pop("false_alarms")
        json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    print(f"NEREL COUNTRY spans vs actors state mentions ({', '.join(forms)}), "
          f"{report['documents']} documents")
    print(f"  gold spans {report['gold_spans']}, predicted {report['predicted']}")
    print(f"  precision {report['precision']:.3f}  recall {report['recall']:.3f}  F1 {report['f1']:.3f}")
    if args.errors:
        print("misses:")
        for name, a, b, t, ctx in report["misses"]:
            print(f"  {name} {a}-{b} {t!r}: …{ctx}…")
        print("false alarms:")
        for name, a, b, actor, ctx in report["false_alarms"]:
            print(f"  {name} {a}-{b} {actor}: …{ctx}…")
    return 0
