"""SemEval-2023 Task 3 subtask 3: persuasion techniques against human span and paragraph labels.

Reads a directory in the task's format: ``articles/articleID.txt`` (offsets count CRLF line
endings, so files are read with ``newline=""``), ``spans/articleID-labels-subtask-3.txt`` (TSV
``id, technique, start, end``) and ``paragraph-labels.tsv`` (``id, line_no, tech1,tech2,…``;
``line_no`` is the 1-based line of the article: the official subtask-3 unit).

Prints, per technique and micro/macro over the 23 techniques, precision, recall and F1 at
paragraph level and by span overlap, next to the trivial baselines (every paragraph labelled
with the technique; every paragraph labelled Loaded_Language + Doubt).

``--cv`` measures the analyzer as it would do on articles it never saw: 5 folds by article; the
calibration (:mod:`.calibration`) and the threshold are fitted on the other four folds only (the
threshold by an inner cross-validation there), and the held-out fold is scored; figures per fold,
their mean and spread. ``--calibration`` adds the reliability table (held-out confidence bins vs
the observed share of findings a human span agrees with). ``--fit-calibration FILE`` writes the
calibration fitted on all articles, with the cross-validated threshold, to FILE (the shipped
``data/calibration.toml``).
"""

from __future__ import annotations

import json
import os
import sys
import zlib
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path

from kzmedia.errors import KzmediaError

from .taxonomy import TECHNIQUES
from .tuning import TUNING

class SemevalDataError(KzmediaError):
    """The directory is not in the SemEval-2023 Task 3 layout."""


def add_arguments(parser) -> None:
    parser.add_argument("path", help="directory with articles/, spans/ and paragraph-labels.tsv")
    parser.add_argument("--min-confidence", type=float, default=None,
                        help="confidence threshold passed to the rhetoric analyzer (with --cv: used on every "
                             "fold instead of the fitted one)")
    parser.add_argument("--all-techniques", action="store_true",
                        help="also report the techniques that are off by default")
    parser.add_argument("--limit", type=int, default=None, help="only the first N articles (sorted)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--cv", action="store_true",
                        help="5-fold cross-validation by article: calibration and threshold fitted on the "
                             "other folds, figures on the held-out fold")
    parser.add_argument("--calibration", action="store_true",
                        help="with --cv (implied): print the held-out reliability table")
    parser.add_argument("--fit-calibration", metavar="FILE", default=None,
                        help="fit the calibration on all articles (threshold from the cross-validation) "
                             "and write it to FILE")


def run(args) -> int:
    config: dict = {}
    if args.min_confidence is not None:
        config["min_confidence"] = args.min_confidence
    if args.all_techniques:
        config["enabled_techniques"] = list(TECHNIQUES)
    if args.cv or args.calibration or args.fit_calibration:
        report = cross_validate(args.path, config=config, limit=args.limit)
        if args.fit_calibration:
            Path(args.fit_calibration).write_text(report.pop("_calibration").dumps(), encoding="utf-8")
        report.pop("_calibration", None)
        if args.json:
            json.dump(report, sys.stdout, ensure_ascii=False, indent=1)
            print()
        else:
            print(format_cv(report, reliability=args.calibration))
        return 0
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
    from kzmedia import Document, Pipeline

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


# --- cross-validation of the calibrated analyzer ---------------------------------------------------

N_FOLDS = 5
#: what the default threshold must reach on held-out articles (issue 14): paragraph precision 0.6
#: (the annotators gave the technique to the finding's paragraph) and span precision 0.5 (the
#: finding overlaps a human span of its technique: a reader judges a span, and the paragraph label
#: is lenient — a word agrees when the annotators marked another phrase of the paragraph)
TARGET_PRECISION = 0.6
TARGET_SPAN_PRECISION = 0.5
#: the fewest findings a threshold must keep for its precision to count
THRESHOLD_MIN_FINDINGS = 20
_GRID = [round(0.30 + 0.01 * k, 2) for k in range(66)]


#: what "the annotator agrees" means for calibration and the threshold: the technique is among
#: the human labels of the paragraph(s) the finding lies in (the task's official unit). The span
#: overlap with a human span of the technique is reported beside it as span precision.
AGREEMENT = "paragraph"


class _Gold:
    """One article's human labels, for asking whether a finding agrees with them."""

    __slots__ = ("spans", "lines", "starts")

    def __init__(self, text, spans, lines):
        self.spans, self.lines, self.starts = spans, lines, _line_starts(text)

    def agrees(self, technique: str, start: int, end: int, mode: str = AGREEMENT) -> bool:
        if mode == "span":
            return any(t == technique and a < end and start < b for t, a, b in self.spans)
        return any(technique in self.lines.get(ln, ()) for ln in _lines_of(self.starts, start, end))


def fold_of(article_id: str, n: int = N_FOLDS) -> int:
    """The fold of an article: a hash of its id, so a fold never depends on what else is loaded."""
    return zlib.crc32(article_id.encode()) % n


def _candidates(dataset, config: Mapping | None):
    """Per article: (text, candidates with an ``agree`` label) from an uncalibrated analyzer."""
    from kzmedia import Document

    from .analyzer import RhetoricAnalyzer
    from .calibration import Calibration

    # every technique's candidates are labelled (so a technique off by default is calibrated too);
    # the configured analyzer says which are selected
    analyzer = RhetoricAnalyzer(calibration=Calibration({}, prior=0.0), **dict(config or {}))
    every = RhetoricAnalyzer(calibration=Calibration({}, prior=0.0),
                             **{**dict(config or {}), "enabled_techniques": list(TECHNIQUES), "disabled_techniques": []})
    out = {}
    for aid, text, gold_spans, gold_lines in dataset:
        doc = Document.from_text(text, id=f"article{aid}")
        cands, _ = every.candidates(doc)
        gold = _Gold(text, gold_spans, gold_lines)
        labelled = [(c, c.keys(), gold.agrees(c.technique, c.start, c.end)) for c in cands]
        out[aid] = (text, labelled)
    return analyzer, out


def _fit(per_article, ids):
    from .calibration import Calibration

    return Calibration.fit((keys, agree) for aid in ids for _, keys, agree in per_article[aid][1])


def _findings(per_article, ids, calibration, active, threshold, only=None):
    """Article id → selected findings, with the calibration applied."""
    from .analyzer import select

    out = {}
    for aid in ids:
        text, labelled = per_article[aid]
        cands = []
        for c, keys, _ in labelled:
            c.confidence = calibration.probability(keys)
            cands.append(c)
        out[aid] = select(cands, active, threshold, text, only)
    return out


def _threshold(per_article, ids, active, gold_by_article, only=None) -> float:
    """The lowest threshold whose findings (the techniques and classes selected by default) reach
    TARGET_PRECISION by paragraph and TARGET_SPAN_PRECISION by span overlap on ``ids``, each article scored with a calibration fitted
    without its own (inner) fold; never under the neutral-news floor."""
    inner = defaultdict(list)
    for aid in ids:
        inner[fold_of(aid + "#inner", N_FOLDS - 1)].append(aid)
    scored = []  # (confidence, agreed) of the findings selected at threshold 0
    for k, test in inner.items():
        train = [a for a in ids if a not in set(test)]
        cal = _fit(per_article, train)
        found = _findings(per_article, test, cal, active, 0.0, only)
        for aid, items in found.items():
            gold = gold_by_article[aid]
            for f in items:
                scored.append((f["confidence"], gold.agrees(f["technique"], f["start"], f["end"]),
                               gold.agrees(f["technique"], f["start"], f["end"], "span")))
    from .analyzer import NEUTRAL_FLOOR

    for t in _GRID:
        sel = [(ok, span) for c, ok, span in scored if c >= t]
        if len(sel) >= THRESHOLD_MIN_FINDINGS and sum(ok for ok, _ in sel) / len(sel) >= TARGET_PRECISION \
                and sum(span for _, span in sel) / len(sel) >= TARGET_SPAN_PRECISION:
            return max(t, NEUTRAL_FLOOR)
    return _GRID[-1]


def cross_validate(path: str | os.PathLike, *, config: Mapping | None = None, limit: int | None = None) -> dict:
    """Held-out figures of the calibrated analyzer, 5 folds by article (see the module docstring)."""
    import statistics

    dataset = load_dataset(path, limit=limit)
    analyzer, per_article = _candidates(dataset, config)
    active = analyzer.active
    gold_by_article = {aid: _Gold(text, spans, lines) for aid, text, spans, lines in dataset}
    folds = defaultdict(list)
    for aid, *_ in dataset:
        folds[fold_of(aid)].append(aid)
    rows = []
    pooled: dict[str, list] = {}
    reliability = []
    for k in sorted(folds):
        test = folds[k]
        train = [aid for aid, *_ in dataset if fold_of(aid) != k]
        fixed = (config or {}).get("min_confidence")
        threshold = float(fixed) if fixed is not None else _threshold(per_article, train, active, gold_by_article,
                                                                          analyzer.only_classes)
        cal = _fit(per_article, train)
        found = _findings(per_article, test, cal, active, threshold, analyzer.only_classes)
        for aid, items in _findings(per_article, test, cal, active, 0.0, analyzer.only_classes).items():
            gold = gold_by_article[aid]
            for f in items:
                reliability.append((f["confidence"], gold.agrees(f["technique"], f["start"], f["end"])))
        sub = [d for d in dataset if d[0] in set(test)]
        rep = score({aid: [(f["technique"], f["start"], f["end"]) for f in items] for aid, items in found.items()}, sub)
        words = sum(len(d[1].split()) for d in sub)
        n_find = sum(len(v) for v in found.values())
        rows.append({"fold": k, "articles": len(test), "threshold": threshold,
                     "micro_f1": rep["paragraph_micro"]["f1"], "micro_p": rep["paragraph_micro"]["p"],
                     "micro_r": rep["paragraph_micro"]["r"], "macro_f1": rep["paragraph_macro_f1"],
                     "span_p": rep["span_micro"]["p"], "span_r": rep["span_micro"]["r"],
                     "baseline_micro_f1": rep["baseline_ll_doubt_micro"]["f1"],
                     "findings": n_find, "per_1000_words": 1000.0 * n_find / words if words else 0.0})
        for t, r in rep["techniques"].items():
            acc = pooled.setdefault(t, [0, 0, 0, 0, 0, 0, 0, []])
            acc[0] += r["tp"]
            acc[1] += r["fp"]
            acc[2] += r["fn"]
            acc[3] += round(r["span_p"] * r["predicted_spans"])
            acc[4] += r["predicted_spans"]
            acc[5] += round(r["span_r"] * r["gold_spans"])
            acc[6] += r["gold_spans"]
            acc[7].append(r["all_paragraphs_f1"])

    def spread(key):
        vals = [r[key] for r in rows]
        return {"mean": statistics.fmean(vals), "sd": statistics.pstdev(vals), "min": min(vals), "max": max(vals)}

    techniques = {}
    for t, (tp, fp, fn, sp_ok, sp_n, sr_ok, sr_n, base) in pooled.items():
        p, r, f = _prf(tp, fp, fn)
        techniques[t] = {"p": p, "r": r, "f1": f, "all_paragraphs_f1": statistics.fmean(base),
                         "span_p": sp_ok / sp_n if sp_n else 0.0, "span_r": sr_ok / sr_n if sr_n else 0.0,
                         "predicted_spans": sp_n, "gold_spans": sr_n, "active": t in active}
    bins = []
    for lo in [k / 10 for k in range(10)]:
        sel = [ok for c, ok in reliability if lo <= c < lo + 0.1 or (lo == 0.9 and c >= 1.0)]
        confs = [c for c, _ in reliability if lo <= c < lo + 0.1 or (lo == 0.9 and c >= 1.0)]
        if sel:
            bins.append({"bin": f"{lo:.1f}-{lo + 0.1:.1f}", "n": len(sel), "mean_confidence": statistics.fmean(confs),
                         "observed": sum(sel) / len(sel)})
    # the shipped calibration: fitted on every article, with the threshold cross-validated the same way
    all_ids = [aid for aid, *_ in dataset]
    final = _fit(per_article, all_ids)
    final.min_confidence = _threshold(per_article, all_ids, active, gold_by_article, analyzer.only_classes)
    # the counts' checksum in the version: a refit after a rule change changes `data_version`
    digest = zlib.crc32(repr(sorted(final.cells.items())).encode()) & 0xFFFF
    final.version = f"semeval2023-ru-{len(all_ids)}a-{final.min_confidence:.2f}-{digest:04x}"
    final.meta = {"articles": len(all_ids), "folds": N_FOLDS, "target_precision": TARGET_PRECISION,
                  "target_span_precision": TARGET_SPAN_PRECISION,
                  "cv_micro_f1": round(spread("micro_f1")["mean"], 4),
                  "cv_span_p": round(spread("span_p")["mean"], 4)}
    return {"articles": len(dataset), "folds": rows,
            "summary": {k: spread(k) for k in ("micro_f1", "macro_f1", "span_p", "span_r", "baseline_micro_f1",
                                                "threshold", "per_1000_words")},
            "techniques": techniques, "reliability": bins, "config": dict(config or {}),
            "_calibration": final}


def format_cv(report: Mapping, reliability: bool = False) -> str:
    lines = [f"SemEval-2023 ru, {report['articles']} articles, {N_FOLDS}-fold cross-validation by article "
             "(calibration and threshold fitted on the other folds)", ""]
    head = (f"{'fold':>4s} {'n':>3s} {'thr':>5s} {'microF1':>8s} {'P':>6s} {'R':>6s} {'macroF1':>8s} "
            f"{'spanP':>6s} {'spanR':>6s} {'base F1':>8s} {'/1000w':>7s}")
    lines += [head, "-" * len(head)]
    for r in report["folds"]:
        lines.append(f"{r['fold']:4d} {r['articles']:3d} {r['threshold']:5.2f} {r['micro_f1']:8.3f} "
                     f"{r['micro_p']:6.3f} {r['micro_r']:6.3f} {r['macro_f1']:8.3f} {r['span_p']:6.3f} "
                     f"{r['span_r']:6.3f} {r['baseline_micro_f1']:8.3f} {r['per_1000_words']:7.1f}")
    s = report["summary"]
    lines.append("mean±sd " + "  ".join(f"{k} {v['mean']:.3f}±{v['sd']:.3f}" for k, v in s.items()))
    lines += ["", "held-out, pooled over folds (paragraph P/R/F1; span precision/recall by overlap)",
              f"{'technique':34s} {'P':>6s} {'R':>6s} {'F1':>6s} {'all-¶F1':>8s} {'spanP':>6s} {'spanR':>6s} "
              f"{'spans':>6s}"]
    for t, r in report["techniques"].items():
        mark = "" if r["active"] else "  (off by default)"
        lines.append(f"{t:34s} {r['p']:6.3f} {r['r']:6.3f} {r['f1']:6.3f} {r['all_paragraphs_f1']:8.3f} "
                     f"{r['span_p']:6.3f} {r['span_r']:6.3f} {r['predicted_spans']:6d}{mark}")
    if reliability:
        lines += ["", "reliability (held-out findings at threshold 0: confidence bin, n, mean confidence, "
                      "observed share whose technique the annotators gave the paragraph)"]
        for b in report["reliability"]:
            lines.append(f"  {b['bin']}  n {b['n']:5d}  conf {b['mean_confidence']:.3f}  observed {b['observed']:.3f}")
    return "\n".join(lines)


__all__ = ["TECHNIQUES", "SemevalDataError", "cross_validate", "evaluate", "format_cv", "format_report",
           "load_dataset", "predict", "score"]
