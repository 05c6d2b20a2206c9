"""SemEval-2023 Task 3 subtask 3: persuasion techniques against human span and paragraph labels.

Reads a directory in the task's format: ``articles/articleID.txt`` (offsets count CRLF line
endings, so files are read with ``newline=""``), ``spans/articleID-labels-subtask-3.txt`` (TSV
``id, technique, start, end``) and ``paragraph-labels.tsv`` (``id, line_no, tech1,tech2,…``;
``line_no`` is the 1-based line of the article: the official subtask-3 unit).

Prints, per technique and micro/macro over the 23 techniques, precision, recall and F1 at
paragraph level and by span overlap, next to the trivial baselines (every paragraph labelled
with the technique; every paragraph labelled Loaded_Language + Doubt).
"""

from __future__ import annotations

import json
import os
import sys
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path

from ..errors import KzmediaError

TECHNIQUES = (
    "Name_Calling-Labeling", "Guilt_by_Association", "Doubt", "Appeal_to_Hypocrisy",
    "Questioning_the_Reputation", "Flag_Waving", "Appeal_to_Authority", "Appeal_to_Popularity",
    "Appeal_to_Values", "Appeal_to_Fear-Prejudice", "Straw_Man", "Red_Herring", "Whataboutism",
    "Causal_Oversimplification", "False_Dilemma-No_Choice", "Consequential_Oversimplification",
    "Slogans", "Conversation_Killer", "Appeal_to_Time", "Loaded_Language",
    "Obfuscation-Vagueness-Confusion", "Exaggeration-Minimisation", "Repetition",
)


class SemevalDataError(KzmediaError):
    """The directory is not in the SemEval-2023 Task 3 layout."""


def add_arguments(parser) -> None:
    parser.add_argument("path", help="directory with articles/, spans/ and paragraph-labels.tsv")
    parser.add_argument("--min-confidence", type=float, default=None,
                        help="confidence threshold passed to the rhetoric analyzer")
    parser.add_argument("--all-techniques", action="store_true",
                        help="also report the techniques that are off by default")
    parser.add_argument("--limit", type=int, default=None, help="only the first N articles (sorted)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")


def run(args) -> int:
    config: dict = {}
    if args.min_confidence is not None:
        config["min_confidence"] = args.min_confidence
    if args.all_techniques:
        config["enabled_techniques"] = list(TECHNIQUES)
    report = evaluate(args.path, config=config, limit=args.limit)
    if args.json:
        json.dump(report, sys.stdout, ensure_ascii=False, indent=1)
        print()
    else:
        print(format_report(report))
    return 0


# --- reading ------------------------------------------------------------------------------------

def load_dataset(path: str | os.PathLike, limit: int | None = None):
    """``[(article_id, text, gold_spans, {line_no: set(techniques)})]`` in article-id order."""
    root = Path(path)
    articles_dir = root / "articles"
    labels_file = root / "paragraph-labels.tsv"
    if not articles_dir.is_dir() or not labels_file.is_file():
        raise SemevalDataError(f"{root}: expected articles/ and paragraph-labels.tsv (SemEval-2023 Task 3 layout)")
    paragraphs: dict[str, dict[int, set[str]]] = defaultdict(dict)
    with open(labels_file, encoding="utf-8", newline="") as fh:
        for n, line in enumerate(fh, 1):
            line = line.rstrip("\r\n")
            if not line.strip():
                continue
            parts = line.split("\t")
            if len(parts) < 2 or not parts[1].strip().isdigit():
                raise SemevalDataError(f"{labels_file}:{n}: expected 'id<TAB>line_no<TAB>techniques'")
            techs = {t for p in parts[2:] for t in p.split(",") if t}
            paragraphs[parts[0]][int(parts[1])] = techs
    out = []
    files = sorted(articles_dir.glob("article*.txt"), key=lambda p: p.name)
    if limit is not None:
        files = files[:limit]
    for f in files:
        aid = f.stem[len("article"):]
        with open(f, encoding="utf-8", newline="") as fh:
            text = fh.read()
        spans = []
        span_file = root / "spans" / f"article{aid}-labels-subtask-3.txt"
        if span_file.is_file():
            with open(span_file, encoding="utf-8", newline="") as fh:
                for n, line in enumerate(fh, 1):
                    parts = line.rstrip("\r\n").split("\t")
                    if len(parts) < 4:
                        continue
                    try:
                        spans.append((parts[1], int(parts[2]), int(parts[3])))
                    except ValueError:
                        raise SemevalDataError(f"{span_file}:{n}: bad offsets {parts[2:4]}") from None
        out.append((aid, text, spans, paragraphs.get(aid, {})))
    if not out:
        raise SemevalDataError(f"{articles_dir}: no article*.txt files")
    return out


# --- scoring ------------------------------------------------------------------------------------

def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def _line_starts(text: str) -> list[int]:
    starts = [0]
    k = text.find("\n")
    while k >= 0:
        starts.append(k + 1)
        k = text.find("\n", k + 1)
    return starts


def _lines_of(line_starts: list[int], start: int, end: int) -> range:
    import bisect

    a = bisect.bisect_right(line_starts, start)
    b = bisect.bisect_right(line_starts, max(start, end - 1))
    return range(a, b + 1)


def score(predictions: Mapping[str, list[tuple[str, int, int]]], dataset) -> dict:
    """Paragraph-level and span-overlap figures for ``predictions`` (article id → spans)."""
    para = {t: [0, 0, 0] for t in TECHNIQUES}
    span_p = {t: [0, 0] for t in TECHNIQUES}  # predicted spans: [overlapping gold, total]
    span_r = {t: [0, 0] for t in TECHNIQUES}  # gold spans: [overlapped by a prediction, total]
    n_paragraphs = 0
    gold_counts = {t: 0 for t in TECHNIQUES}
    for aid, text, gold_spans, gold_lines in dataset:
        starts = _line_starts(text)
        predicted_lines: dict[int, set[str]] = defaultdict(set)
        preds = predictions.get(aid, [])
        for tech, a, b in preds:
            for ln in _lines_of(starts, a, b):
                predicted_lines[ln].add(tech)
        n_paragraphs += len(gold_lines)
        for ln, gold in gold_lines.items():
            pred = predicted_lines.get(ln, set())
            for t in TECHNIQUES:
                g, p = t in gold, t in pred
                if g:
                    gold_counts[t] += 1
                if g and p:
                    para[t][0] += 1
                elif p:
                    para[t][1] += 1
                elif g:
                    para[t][2] += 1
        by_tech_gold = defaultdict(list)
        for t, a, b in gold_spans:
            by_tech_gold[t].append((a, b))
        by_tech_pred = defaultdict(list)
        for t, a, b in preds:
            by_tech_pred[t].append((a, b))
        for t in TECHNIQUES:
            gs, ps = by_tech_gold.get(t, []), by_tech_pred.get(t, [])
            for a, b in ps:
                span_p[t][1] += 1
                if any(a < gb and ga < b for ga, gb in gs):
                    span_p[t][0] += 1
            for ga, gb in gs:
                span_r[t][1] += 1
                if any(a < gb and ga < b for a, b in ps):
                    span_r[t][0] += 1
    rows = {}
    for t in TECHNIQUES:
        tp, fp, fn = para[t]
        p, r, f = _prf(tp, fp, fn)
        sp = span_p[t][0] / span_p[t][1] if span_p[t][1] else 0.0
        sr = span_r[t][0] / span_r[t][1] if span_r[t][1] else 0.0
        sf = 2 * sp * sr / (sp + sr) if sp + sr else 0.0
        g = gold_counts[t]
        base_f = 2 * g / (g + n_paragraphs) if n_paragraphs else 0.0
        rows[t] = {"gold": g, "tp": tp, "fp": fp, "fn": fn, "p": p, "r": r, "f1": f,
                   "all_paragraphs_f1": base_f, "span_p": sp, "span_r": sr, "span_f1": sf,
                   "predicted_spans": span_p[t][1], "gold_spans": span_r[t][1]}
    tp = sum(v[0] for v in para.values())
    fp = sum(v[1] for v in para.values())
    fn = sum(v[2] for v in para.values())
    micro = _prf(tp, fp, fn)
    macro_f1 = sum(r["f1"] for r in rows.values()) / len(TECHNIQUES)
    sp_tp = sum(v[0] for v in span_p.values())
    sp_n = sum(v[1] for v in span_p.values())
    sr_tp = sum(v[0] for v in span_r.values())
    sr_n = sum(v[1] for v in span_r.values())
    s_p = sp_tp / sp_n if sp_n else 0.0
    s_r = sr_tp / sr_n if sr_n else 0.0
    # trivial baseline: every paragraph Loaded_Language + Doubt
    total_gold = sum(gold_counts.values())
    b_tp = gold_counts["Loaded_Language"] + gold_counts["Doubt"]
    b_p, b_r, b_f = _prf(b_tp, 2 * n_paragraphs - b_tp, total_gold - b_tp)
    return {
        "articles": len(dataset), "paragraphs": n_paragraphs, "gold_labels": total_gold,
        "techniques": rows,
        "paragraph_micro": {"p": micro[0], "r": micro[1], "f1": micro[2]},
        "paragraph_macro_f1": macro_f1,
        "span_micro": {"p": s_p, "r": s_r, "f1": 2 * s_p * s_r / (s_p + s_r) if s_p + s_r else 0.0},
        "baseline_ll_doubt_micro": {"p": b_p, "r": b_r, "f1": b_f},
    }


def predict(dataset, *, config: Mapping | None = None, pipeline=None) -> dict[str, list]:
    """Run the rhetoric analyzer over every article: article id → ``[(technique, start, end)]``."""
    from ..document import Document
    from ..pipeline import Pipeline

    if pipeline is None:
        pipeline = Pipeline(["rhetoric"], config={"rhetoric": dict(config or {})}, strict=True)
    out = {}
    for aid, text, _, _ in dataset:
        analysis = pipeline.analyze(Document.from_text(text, id=f"article{aid}"))
        res = analysis.result("rhetoric")
        out[aid] = [(f["technique"], f["start"], f["end"]) for f in res["findings"]]
    return out


def evaluate(path: str | os.PathLike, *, config: Mapping | None = None, limit: int | None = None,
             pipeline=None) -> dict:
    dataset = load_dataset(path, limit=limit)
    report = score(predict(dataset, config=config, pipeline=pipeline), dataset)
    report["config"] = dict(config or {})
    return report


def format_report(report: Mapping) -> str:
    lines = [f"SemEval-2023 Task 3 subtask 3 (ru): {report['articles']} articles, "
             f"{report['paragraphs']} paragraphs, {report['gold_labels']} paragraph labels", ""]
    head = (f"{'technique':34s} {'gold':>5s} {'P':>6s} {'R':>6s} {'F1':>6s} {'all-¶F1':>8s}"
            f" {'spanP':>6s} {'spanR':>6s} {'spanF1':>6s}")
    lines.append(head)
    lines.append("-" * len(head))
    for t, r in report["techniques"].items():
        mark = "" if r["tp"] + r["fp"] else "  (not reported)"
        lines.append(f"{t:34s} {r['gold']:5d} {r['p']:6.3f} {r['r']:6.3f} {r['f1']:6.3f} "
                     f"{r['all_paragraphs_f1']:8.3f} {r['span_p']:6.3f} {r['span_r']:6.3f} "
                     f"{r['span_f1']:6.3f}{mark}")
    m, s, b = report["paragraph_micro"], report["span_micro"], report["baseline_ll_doubt_micro"]
    lines += ["",
              f"paragraph micro   P {m['p']:.3f}  R {m['r']:.3f}  F1 {m['f1']:.3f}",
              f"paragraph macro-F1 (23 techniques) {report['paragraph_macro_f1']:.3f}",
              f"span overlap micro P {s['p']:.3f}  R {s['r']:.3f}  F1 {s['f1']:.3f}",
              f"baseline: every paragraph Loaded_Language + Doubt: micro P {b['p']:.3f}  R {b['r']:.3f}  "
              f"F1 {b['f1']:.3f}",
              "all-¶F1 = F1 of labelling every paragraph with that technique"]
    return "\n".join(lines)


__all__ = ["TECHNIQUES", "SemevalDataError", "evaluate", "format_report", "load_dataset", "predict", "score"]
