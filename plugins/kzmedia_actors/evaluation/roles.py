"""SemEval-2025 Task 10 (Russian): the actors portrayal against human entity roles, cross-validated.

The task gives each entity mention and asks for its main role (Antagonist, Protagonist,
Innocent). Here each annotated mention is read as an actor of its document: when a gazetteer
mention covers its first word, that actor (with all its mentions in the document); otherwise the
annotated span itself, as an extra actor. Its portrayal's label is compared with the human role
(a "neutral" answer counts as wrong). The portrayal model of ``data/roles.toml [model]`` (a
multinomial logistic regression over the rule features of :mod:`kzmedia_actors.portrayal`) is
fitted on the training folds (documents split into folds, never mentions) and scored on the
held-out fold; reported: macro-F1 over the three roles per fold (mean and spread), the
antagonist-vs-protagonist AUC of the antagonist − protagonist linear score, the same with the
shipped model, and the constant baseline (always the most frequent role on the training folds).
``--toml`` prints the model fitted on all documents in the form of ``data/roles.toml``.
"""

from __future__ import annotations

import json
import math
import sys
import zlib
from pathlib import Path

from kzmedia import KzmediaError

from ..portrayal import ROLE_FEATURES, ROLE_LABELS, ROLE_MODEL, RoleModel, label
from . import spread

_GOLD = {"Antagonist": "antagonist", "Protagonist": "protagonist", "Innocent": "innocent"}
#: L2 penalty of the fit (per mention: the penalty is divided by the number of training rows)
L2 = 1.0


class RolesDataError(KzmediaError):
    """The directory is not the SemEval-2025 roles layout."""


def add_arguments(parser) -> None:
    parser.add_argument("path", help="directory with roles.tsv and documents/ (semeval2025-ru-roles)")
    parser.add_argument("--folds", type=int, default=5, help="cross-validation folds by document (default %(default)s)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--without", default="", metavar="F,G",
                        help="comma-separated features of kzmedia_actors.portrayal.ROLE_FEATURES to leave out "
                             "of the cross-validated fit (an ablation)")
    parser.add_argument("--toml", action="store_true",
                        help="print the model fitted on all documents as data/roles.toml [model] tables")


def locate(text: str, mention: str, start: int) -> tuple[int, int] | None:
    """The occurrence of ``mention`` nearest the annotated offset, which may count each newline
    as two characters (CRLF) and is inclusive at the end."""
    best = None
    p = text.find(mention)
    while p >= 0:
        d = min(abs(p - start), abs(p + text.count("\n", 0, p) - start))
        if best is None or d < best[0]:
            best = (d, p)
        p = text.find(mention, p + 1)
    if best is None:
        return None
    return best[1], best[1] + len(mention)


def read(path) -> list[dict]:
    root = Path(path)
    tsv = root / "roles.tsv"
    if not tsv.exists():
        raise RolesDataError(f"{root}: no roles.tsv")
    rows = []
    with open(tsv, encoding="utf-8") as fh:
        for line_no, line in enumerate(fh, 1):
            parts = line.rstrip("\r\n").split("\t")
            if len(parts) < 5 or not line.strip():
                continue
            if parts[4] not in _GOLD:
                raise RolesDataError(f"{tsv}:{line_no}: unknown main role {parts[4]!r}")
            rows.append({"document": parts[0], "mention": parts[1], "start": int(parts[2]),
                         "label": _GOLD[parts[4]], "line": line_no})
    return rows


def features(path, analyzer=None) -> list[dict]:
    """One row per annotated mention: gold label, document, and the actor's role components."""
    from kzmedia import Document

    if analyzer is None:
        from kzmedia_actors import ActorsAnalyzer

        analyzer = ActorsAnalyzer()
    root = Path(path)
    rows = read(root)
    by_doc: dict[str, list[dict]] = {}
    for r in rows:
        by_doc.setdefault(r["document"], []).append(r)
    out = []
    for name, items in sorted(by_doc.items()):
        with open(root / "documents" / name, encoding="utf-8", newline="") as fh:
            text = fh.read()
        doc = Document.from_text(text, id=name)
        plain = analyzer.analyze(doc).to_dict()
        spans = [(m["start"], m["end"], a["id"]) for a in plain["actors"] for m in a["mentions"]]
        extra, keys = [], []
        for n, r in enumerate(items):
            loc = locate(text, r["mention"], r["start"])
            if loc is None:
                keys.append(None)
                continue
            first_end = loc[0] + len(r["mention"].split()[0])
            actor = next((a for s, e, a in spans if s < first_end and loc[0] < e), None)
            if actor is None:
                actor = f"@{r['mention']}"
                extra.extend((a, b, actor) for a, b in occurrences(doc, loc))
            keys.append(actor)
        result = analyzer.analyze(doc, extra_spans=extra) if extra else analyzer.analyze(doc)
        for r, actor in zip(items, keys):
            comp = result.components.get(actor) if actor else None
            out.append({"document": name, "gold": r["label"], "actor": actor, "components": comp,
                        "gazetteer": bool(actor) and not actor.startswith("@")})
    return out


def occurrences(doc, loc: tuple[int, int]) -> list[tuple[int, int]]:
    """Every place in the document with the same lemmas as the annotated span (the entity's other
    mentions: «Ермак», «Ермака»), the annotated one included."""
    tokens = doc.tokens
    i = tokens.index_at(loc[0])
    j = tokens.index_at(loc[1] - 1) + 1
    lemmas = [tokens.lemma(k) for k in range(i, j) if tokens.is_word(k)]
    if not lemmas:
        return [loc]
    out = {loc}
    words = [k for k in range(len(tokens)) if tokens.is_word(k)]
    m = len(lemmas)
    for x in range(len(words) - m + 1):
        if tokens.lemma(words[x]) == lemmas[0] and all(tokens.lemma(words[x + y]) == lemmas[y] for y in range(1, m)):
            a, b = tokens.starts[words[x]], tokens.ends[words[x + m - 1]]
            if not any(a < e and s < b for s, e in out):
                out.add((a, b))
    return sorted(out)


def _predict(row, model) -> tuple[str, float]:
    if row["components"] is None:
        return "neutral", 0.0
    f = row["components"]["features"]
    z = model.scores(f)
    return label(f, model)[0], z["antagonist"] - z["protagonist"]


def macro_f1(gold, pred, labels=ROLE_LABELS) -> float:
    f = []
    for c in labels:
        tp = sum(g == c and p == c for g, p in zip(gold, pred))
        fp = sum(g != c and p == c for g, p in zip(gold, pred))
        fn = sum(g == c and p != c for g, p in zip(gold, pred))
        f.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(f) / len(f)


def auc(pos_scores, neg_scores) -> float:
    """P(score of a positive > score of a negative), ties half (Mann–Whitney)."""
    if not pos_scores or not neg_scores:
        return float("nan")
    wins = sum((p > n) + 0.5 * (p == n) for p in pos_scores for n in neg_scores)
    return wins / (len(pos_scores) * len(neg_scores))


def score(rows, model) -> dict:
    preds = [_predict(r, model) for r in rows]
    gold = [r["gold"] for r in rows]
    ant = [s for (_, s), g in zip(preds, gold) if g == "antagonist"]
    pro = [s for (_, s), g in zip(preds, gold) if g == "protagonist"]
    return {"macro_f1": macro_f1(gold, [p for p, _ in preds]), "auc": auc(ant, pro)}


def fit(rows, l2: float = L2, steps: int = 400, rate: float = 0.3) -> RoleModel:
    """Multinomial logistic regression of the gold role on the features, by gradient descent,
    the roles weighted equally (the measure is macro-F1) and an L2 penalty on the weights; a
    feature with a direction (data/roles.toml [directions]) keeps its weight for that role at
    least as high as for the others (projected after each step)."""
    rows = [r for r in rows if r["components"] is not None]
    k, d = len(ROLE_LABELS), len(ROLE_FEATURES) + 1
    xs = [[1.0] + [r["components"]["features"][f] for f in ROLE_FEATURES] for r in rows]
    ys = [ROLE_LABELS.index(r["gold"]) for r in rows]
    count = {c: sum(y == c for y in ys) or 1 for c in range(k)}
    cw = [1.0 / (k * count[y]) for y in ys]
    w = [[0.0] * d for _ in range(k)]
    directions = [(1 + ROLE_FEATURES.index(f), ROLE_LABELS.index(r)) for f, r in ROLE_MODEL.directions.items()]
    for _ in range(steps):
        grad = [[0.0] * d for _ in range(k)]
        for x, y, c in zip(xs, ys, cw):
            z = [sum(a * b for a, b in zip(w[c_], x)) for c_ in range(k)]
            top = max(z)
            e = [math.exp(v - top) for v in z]
            total = sum(e)
            for c_ in range(k):
                g = c * (e[c_] / total - (c_ == y))
                if g:
                    row = grad[c_]
                    for j, v in enumerate(x):
                        row[j] += g * v
        for c_ in range(k):
            for j in range(d):
                w[c_][j] -= rate * (grad[c_][j] + (l2 * w[c_][j] / len(xs) if j else 0.0))
        for j, r in directions:  # the feature may not favour another role over the one it defines
            top = w[r][j]
            for c_ in range(k):
                if c_ != r and w[c_][j] > top:
                    w[c_][j] = w[r][j] = (w[c_][j] + top) / 2
                    top = w[r][j]
    model = RoleModel({})
    model.modal = ROLE_MODEL.modal
    model.features = ROLE_MODEL.features
    model.directions = ROLE_MODEL.directions
    model.coef = {r: dict(zip(("bias",) + ROLE_FEATURES, w[n])) for n, r in enumerate(ROLE_LABELS)}
    return model


def model_toml(model: RoleModel) -> str:
    """The ``[model.ROLE]`` tables of data/roles.toml for ``model``."""
    lines = []
    for r in ROLE_LABELS:
        lines.append(f"[model.{r}]")
        lines += [f"{k} = {v:.4f}" for k, v in model.coef[r].items()]
        lines.append("")
    return "\n".join(lines)


def fold_of(document: str, folds: int) -> int:
    return zlib.crc32(document.encode()) % folds


def evaluate(path, folds: int = 5, analyzer=None, without=()) -> dict:
    rows = features(path, analyzer)
    unknown = set(without) - set(ROLE_FEATURES)
    if unknown:
        raise RolesDataError(f"--without: unknown feature(s) {', '.join(sorted(unknown))}")
    if without:  # an ablation: the features left out are 0 for fitting and scoring alike
        rows = [dict(r, components=dict(r["components"], features={**r["components"]["features"],
                                                                   **dict.fromkeys(without, 0.0)}))
                if r["components"] else r for r in rows]
    held, base = [], []
    pooled = {"antagonist": [], "protagonist": []}  # every held-out fold's scores together
    for f in range(folds):
        train = [r for r in rows if fold_of(r["document"], folds) != f]
        test = [r for r in rows if fold_of(r["document"], folds) == f]
        if not test:
            continue
        model = fit(train)
        s = score(test, model)
        s["mentions"] = len(test)
        held.append(s)
        for r in test:
            if r["gold"] in pooled:
                pooled[r["gold"]].append(_predict(r, model)[1])
        majority = max(ROLE_LABELS, key=lambda c: sum(r["gold"] == c for r in train))
        base.append(macro_f1([r["gold"] for r in test], [majority] * len(test)))
    shipped = score(rows, ROLE_MODEL)
    f1s = [h["macro_f1"] for h in held]
    aucs = [h["auc"] for h in held if h["auc"] == h["auc"]]
    mean = lambda xs: sum(xs) / len(xs) if xs else float("nan")  # noqa: E731
    return {"mentions": len(rows), "documents": len({r["document"] for r in rows}),
            "covered_by_gazetteer": sum(r["gazetteer"] for r in rows),
            "located": sum(r["actor"] is not None for r in rows),
            "folds": len(held), "per_fold": [{k: round(v, 4) for k, v in h.items()} for h in held],
            "heldout_macro_f1": round(mean(f1s), 4), "heldout_macro_f1_range": [round(min(f1s), 4), round(max(f1s), 4)],
            "heldout_macro_f1_spread": spread(f1s),
            "heldout_auc_ant_vs_pro": round(mean(aucs), 4),
            "heldout_auc_range": [round(min(aucs), 4), round(max(aucs), 4)] if aucs else None,
            "heldout_auc_spread": spread(aucs),
            # one AUC over every held-out score (each fold's model on its own fold): ~4x the pairs of a fold
            "pooled_heldout_auc": round(auc(pooled["antagonist"], pooled["protagonist"]), 4),
            "constant_baseline_macro_f1": round(mean(base), 4), "constant_baseline_spread": spread(base),
            "shipped_model": {"macro_f1": round(shipped["macro_f1"], 4), "auc": round(shipped["auc"], 4)},
            "fit_on_all": model_toml(fit(rows))}


def run(args) -> int:
    report = evaluate(args.path, folds=args.folds, without=[f for f in args.without.split(",") if f])
    if args.toml:
        print(report["fit_on_all"])
        return 0
    if args.json:
        json.dump(report, sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    print(f"SemEval-2025 roles: actors portrayal vs human main roles, {report['mentions']} mentions in "
          f"{report['documents']} documents ({report['covered_by_gazetteer']} gazetteer actors, "
          f"{report['located']} located)")
    print(f"  {report['folds']}-fold cross-validation by document, held-out folds:")
    f, b = report["heldout_macro_f1_spread"], report["constant_baseline_spread"]
    print(f"  macro-F1 (antagonist, protagonist, innocent) {f['mean']:.3f} ± {f['sd']:.3f}  (folds {f['min']:.3f}–{f['max']:.3f})"
          f"   constant baseline {b['mean']:.3f} ± {b['sd']:.3f}")
    if report["heldout_auc_range"]:
        a = report["heldout_auc_spread"]
        print(f"  AUC antagonist vs protagonist {a['mean']:.3f} ± {a['sd']:.3f}  (folds {a['min']:.3f}–{a['max']:.3f}); "
              f"pooled over the held-out folds {report['pooled_heldout_auc']:.3f}   constant 0.500")
    s = report["shipped_model"]
    print(f"  shipped data/roles.toml on all mentions (not held out): macro-F1 {s['macro_f1']:.3f}  AUC {s['auc']:.3f}")
    print("  (--toml prints the model fitted on all mentions)")
    return 0


def main(argv=None) -> int:
    import argparse

    ap = argparse.ArgumentParser(prog="python -m kzmedia_actors.evaluation.roles", description=__doc__.splitlines()[0])
    add_arguments(ap)
    return run(ap.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
