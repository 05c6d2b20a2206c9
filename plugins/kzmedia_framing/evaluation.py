"""Generic frames against SemEval-2023 Task 3 subtask 2 human labels (frames.tsv), cross-validated.

``kzmedia evaluate frames PATH`` where PATH is the data folder (holding ``articles/`` and
``frames.tsv``) or ``frames.tsv`` itself. For every article the ``framing`` analyzer's *present*
generic frames are compared with the annotators' frames: micro precision, recall and F1 over all
(article, frame) pairs, macro-F1 over frames, a per-frame table, and the baseline that predicts the
five most frequent frames of the data for every article. Then, cross-validated by article
(``--folds``, ``--repeats``): the generic *present* rule is chosen from a grid on the training
folds and scored on the held-out fold, next to the shipped rule and the constant baseline (its
five frames also chosen on the training folds) on the same folds — mean, spread and range.
Registered by the framing plugin through ``kzmedia_register_commands``.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import statistics
import sys
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from kzmedia import Document, KzmediaError

from .analyzer import DEFAULT_PRESENCE, PresenceRule

BASELINE_K = 5
#: the label inventory of SemEval-2023 Task 3 subtask 2 (the Media Frames Corpus frames)
SEMEVAL_FRAMES = (
    "Economic", "Capacity_and_resources", "Morality", "Fairness_and_equality",
    "Legality_Constitutionality_and_jurisprudence", "Policy_prescription_and_evaluation",
    "Crime_and_punishment", "Security_and_defense", "Health_and_safety", "Quality_of_life",
    "Cultural_identity", "Public_opinion", "Political", "External_regulation_and_reputation",
)


class DatasetError(KzmediaError):
    """The evaluation data is missing or malformed."""


def add_arguments(parser) -> None:
    parser.add_argument("path", metavar="PATH", help="SemEval folder (with articles/ and frames.tsv) or frames.tsv")
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.add_argument("--limit", type=int, default=None, help="evaluate only the first N articles")
    parser.add_argument("--lexicon", action="append", metavar="PATH",
                        help="add a framing lexicon file (as 'kzmedia analyze --lexicon framing=PATH')")
    parser.add_argument("--errors", action="store_true", help="list each article's missed and spurious frames")
    parser.add_argument("--folds", type=int, default=5, help="cross-validation folds by article (default %(default)s; 0: none)")
    parser.add_argument("--repeats", type=int, default=4, help="shuffles of the articles into folds (default %(default)s)")
    parser.add_argument("--seed", type=int, default=2023, help="seed of the fold shuffles (default %(default)s)")


def read_labels(path: str | os.PathLike) -> tuple[dict[str, list[str]], Path]:
    """``frames.tsv`` → {article id: [frames]}, and the folder of the article texts."""
    path = Path(path)
    tsv = path / "frames.tsv" if path.is_dir() else path
    if not tsv.is_file():
        raise DatasetError(f"{tsv}: no frames.tsv here (expected the semeval2023-ru-train folder)")
    labels: dict[str, list[str]] = {}
    with open(tsv, encoding="utf-8", newline="") as fh:
        for n, line in enumerate(fh, 1):
            line = line.rstrip("\r\n")
            if not line.strip():
                continue
            parts = line.split("\t")
            if len(parts) < 2:
                raise DatasetError(f"{tsv}:{n}: expected 'id<TAB>frame,frame,...'")
            labels[parts[0].strip()] = [f.strip() for f in parts[1].split(",") if f.strip()]
    articles = tsv.parent / "articles"
    if not articles.is_dir():
        raise DatasetError(f"{articles}: article folder not found next to frames.tsv")
    return labels, articles


def load_article(articles: Path, article_id: str) -> Document:
    path = articles / f"article{article_id}.txt"
    if not path.is_file():
        raise DatasetError(f"{path}: article listed in frames.tsv is missing")
    return Document.from_file(path, id=article_id)


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def score(gold: Mapping[str, Sequence[str]], predicted: Mapping[str, Iterable[str]],
          frames: Sequence[str]) -> dict:
    """Micro/macro scores and a per-frame table for multi-label predictions."""
    per = {f: Counter() for f in frames}
    for doc_id, g in gold.items():
        gs, ps = set(g), set(predicted.get(doc_id, ()))
        for f in frames:
            if f in gs and f in ps:
                per[f]["tp"] += 1
            elif f in ps:
                per[f]["fp"] += 1
            elif f in gs:
                per[f]["fn"] += 1
    tp = sum(c["tp"] for c in per.values())
    fp = sum(c["fp"] for c in per.values())
    fn = sum(c["fn"] for c in per.values())
    p, r, f1 = prf(tp, fp, fn)
    table = []
    for f in frames:
        c = per[f]
        fp_, fr_, ff_ = prf(c["tp"], c["fp"], c["fn"])
        table.append({"frame": f, "support": c["tp"] + c["fn"], "predicted": c["tp"] + c["fp"],
                      "tp": c["tp"], "precision": round(fp_, 4), "recall": round(fr_, 4), "f1": round(ff_, 4)})
    macro = sum(row["f1"] for row in table if row["support"]) / max(1, sum(1 for row in table if row["support"]))
    return {"articles": len(gold), "tp": tp, "fp": fp, "fn": fn, "precision": round(p, 4),
            "recall": round(r, 4), "micro_f1": round(f1, 4), "macro_f1": round(macro, 4), "per_frame": table}


def baseline(gold: Mapping[str, Sequence[str]], frames: Sequence[str], k: int = BASELINE_K) -> dict:
    """Predict the ``k`` most frequent frames of ``gold`` for every article."""
    counts = Counter(f for g in gold.values() for f in g)
    top = [f for f, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:k]]
    out = score(gold, {d: top for d in gold}, frames)
    out["frames"] = top
    return out


#: the generic presence rules the cross-validation chooses from (min_hits, min_entries and
#: strong_weight fixed)
GRID = {"min_score": (4.0, 6.0, 8.0, 10.0, 12.0), "min_share": (0.08, 0.10, 0.11, 0.12, 0.15, 0.20),
        "max_rank": (1, 2, 3), "min_strong": (2, 3, 4)}


def _grid() -> list[PresenceRule]:
    base = DEFAULT_PRESENCE["generic"]
    rules = [PresenceRule(**{**{"min_hits": base.min_hits, "strong_weight": base.strong_weight,
                                "min_entries": base.min_entries},
                             **dict(zip(GRID, values))}) for values in itertools.product(*GRID.values())]
    rules.sort(key=lambda r: r != base)  # among equally good rules, the shipped one is kept
    return rules


def _frame_rows(result: Mapping) -> list[tuple]:
    """``(id, score, hits, rank, share, weights, entries)`` of a result's generic frames with a rank
    (``entries``: how many distinct lexicon entries its asserted evidence holds)."""
    return [(f["id"], f["score"], f["hits"], f["rank"], f["share"], [e["weight"] for e in f["evidence"]],
             len({e["entry"] for e in f["evidence"]}))
            for f in result["frames"] if f.get("kind") == "generic" and f.get("rank")]


def _decide(rows: list[tuple], rule: PresenceRule) -> list[str]:
    return [row[0] for row in rows  # a row without the entries count (older callers) counts hits
            if rule(*row[1:5], sum(1 for w in row[5] if w >= rule.strong_weight), *row[6:7])]


def _micro(gold: Mapping[str, Sequence[str]], predicted: Mapping[str, Iterable[str]], ids) -> float:
    tp = fp = fn = 0
    for i in ids:
        g, p = set(gold[i]), set(predicted[i])
        tp, fp, fn = tp + len(g & p), fp + len(p - g), fn + len(g - p)
    return prf(tp, fp, fn)[2]


def cross_validate(gold: Mapping[str, Sequence[str]], rows: Mapping[str, list[tuple]], *, folds: int = 5,
                   repeats: int = 4, seed: int = 2023) -> dict:
    """Held-out micro-F1 of the rule chosen on the other folds, of the shipped rule and of the
    constant baseline (its frames chosen on the other folds), fold by fold."""
    ids = sorted(gold)
    rules = _grid()
    decided = {i: [_decide(rows[i], r) for r in rules] for i in ids}  # the grid, once per article
    shipped = rules.index(DEFAULT_PRESENCE["generic"]) if DEFAULT_PRESENCE["generic"] in rules else None
    fitted, default, base, chosen = [], [], [], Counter()
    for rep in range(repeats):
        order = ids[:]
        random.Random(seed + rep).shuffle(order)
        for k in range(folds):
            test = order[k::folds]
            held = set(test)
            train = [i for i in order if i not in held]
            best = max(range(len(rules)), key=lambda r: (_micro(gold, {i: decided[i][r] for i in train}, train), -r))
            chosen[str(rules[best])] += 1
            fitted.append(_micro(gold, {i: decided[i][best] for i in test}, test))
            if shipped is not None:
                default.append(_micro(gold, {i: decided[i][shipped] for i in test}, test))
            counts = Counter(f for i in train for f in gold[i])
            top = [f for f, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:BASELINE_K]]
            base.append(_micro(gold, {i: top for i in test}, test))

    def summary(values: list[float]) -> dict:
        return {"mean": round(statistics.fmean(values), 4), "sd": round(statistics.stdev(values), 4) if len(values) > 1 else 0.0,
                "min": round(min(values), 4), "max": round(max(values), 4), "folds": len(values)}

    out = {"folds": folds, "repeats": repeats, "seed": seed, "fitted": summary(fitted),
           "baseline": summary(base), "chosen": dict(chosen.most_common(5))}
    if default:
        out["shipped_rule"] = summary(default)
    return out


def evaluate(path: str | os.PathLike, *, limit: int | None = None, pipeline=None,
             lexicons: Sequence[str] = (), folds: int = 0, repeats: int = 4, seed: int = 2023) -> dict:
    """Run the ``framing`` analyzer (through a :class:`~kzmedia.Pipeline`, so installed lexicon
    plugins apply) over the data set; return the report as a dict (``cv`` when ``folds`` > 1)."""
    from kzmedia import Pipeline

    labels, articles = read_labels(path)
    ids = sorted(labels)[:limit] if limit else sorted(labels)
    gold = {i: labels[i] for i in ids}
    if pipeline is None:
        pipeline = Pipeline(["framing"], strict=True, extra_lexicons={"framing": list(lexicons)} if lexicons else None)
    predicted: dict[str, list[str]] = {}
    rows: dict[str, list[tuple]] = {}
    result: dict = {}
    for i in ids:
        result = pipeline.analyze(load_article(articles, i)).result("framing")
        predicted[i] = [f["id"] for f in result["frames"] if f.get("kind") == "generic" and f.get("present")]
        rows[i] = _frame_rows(result)
    report = score(gold, predicted, SEMEVAL_FRAMES)
    report["baseline"] = baseline(gold, SEMEVAL_FRAMES)
    report["analyzer_version"] = pipeline.versions.get("framing")
    report["lexicon_version"] = result.get("lexicon_version")
    report["predicted"] = predicted
    report["gold"] = gold
    if folds > 1 and len(ids) >= folds:
        report["cv"] = cross_validate(gold, rows, folds=folds, repeats=repeats, seed=seed)
    return report


def format_report(report: dict, *, errors: bool = False) -> str:
    b = report["baseline"]
    lines = [
        f"framing {report['analyzer_version']} ({report['lexicon_version']})",
        f"{report['articles']} articles, generic frames (SemEval-2023 subtask 2)",
        f"  micro  P {report['precision']:.3f}  R {report['recall']:.3f}  F1 {report['micro_f1']:.3f}"
        f"   (tp {report['tp']}, fp {report['fp']}, fn {report['fn']})",
        f"  macro-F1 {report['macro_f1']:.3f}",
        f"  baseline ({BASELINE_K} most frequent frames for every article): P {b['precision']:.3f}  "
        f"R {b['recall']:.3f}  micro-F1 {b['micro_f1']:.3f}",
    ]
    cv = report.get("cv")
    if cv:
        def fig(s):
            return f"{s['mean']:.3f} ± {s['sd']:.3f} (range {s['min']:.3f}-{s['max']:.3f})"
        lines += [
            f"  cross-validated by article ({cv['folds']} folds x {cv['repeats']} shuffles, held-out micro-F1 per fold):",
            f"    rule chosen on the other folds  {fig(cv['fitted'])}",
        ]
        if "shipped_rule" in cv:
            lines.append(f"    shipped rule                    {fig(cv['shipped_rule'])}")
        lines.append(f"    constant baseline               {fig(cv['baseline'])}")
    lines += [
        "",
        f"  {'frame':<46} {'gold':>5} {'pred':>5} {'P':>6} {'R':>6} {'F1':>6}",
    ]
    for row in report["per_frame"]:
        lines.append(f"  {row['frame']:<46} {row['support']:>5} {row['predicted']:>5} "
                     f"{row['precision']:>6.3f} {row['recall']:>6.3f} {row['f1']:>6.3f}")
    if errors:
        lines.append("")
        for doc_id, g in report["gold"].items():
            p = set(report["predicted"].get(doc_id, ()))
            missed, spurious = sorted(set(g) - p), sorted(p - set(g))
            if missed or spurious:
                lines.append(f"  {doc_id}: missed {', '.join(missed) or '-'}; spurious {', '.join(spurious) or '-'}")
    return "\n".join(lines)


def run(args) -> int:
    report = evaluate(args.path, limit=args.limit, lexicons=args.lexicon or (), folds=args.folds,
                      repeats=args.repeats, seed=args.seed)
    if args.format == "json":
        slim = {k: v for k, v in report.items() if k not in ("predicted", "gold")} if not args.errors else report
        sys.stdout.write(json.dumps(slim, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(format_report(report, errors=args.errors) + "\n")
    return 0
