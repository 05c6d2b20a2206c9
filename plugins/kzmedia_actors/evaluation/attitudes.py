"""RuSentRel 1.1: the actors' directed attitudes against human attitudes between entities.

Each article's annotated pairs ``source, target, pos|neg`` name entities by lemma-like names that
``synonyms.txt`` groups. Every group's names are found in the text by their lemmas (core
tokenizer) and passed to the analyzer as extra mentions of one entity per group, so events and
tone are read for exactly the annotated entities. A pair's features are the analyzer's
(``events.ATTITUDE_FEATURES``: A's and B's events toward each other, their tone where both are
named, and what the document says of each, ``events.DocumentParts``); a logistic regression over
them is fitted on the training folds (articles split into folds) and scored on the held-out fold:
macro-F1 over pos and neg, next to always-negative.
"""

from __future__ import annotations

import json
import math
import sys
import zlib
from collections import defaultdict
from pathlib import Path

from kzmedia import KzmediaError

from ..events import ATTITUDE_FEATURES, ATTITUDE_WEIGHTS, DocumentParts, attitude_score
from . import spread


class RusentrelDataError(KzmediaError):
    """The directory is not a RuSentRel collection."""


def add_arguments(parser) -> None:
    parser.add_argument("path", help="RuSentRel directory (artN.txt, artN.opin.txt, synonyms.txt)")
    parser.add_argument("--folds", type=int, default=5, help="cross-validation folds by article (default %(default)s)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")


def _fold(s: str) -> str:
    return s.strip().lower().replace("ё", "е")


def read_synonyms(path: Path) -> dict[str, int]:
    """Folded name → group number."""
    groups: dict[str, int] = {}
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh):
            for name in line.split(","):
                name = _fold(name.replace("(", " ").replace("«", " ").replace("»", " "))
                if name:
                    groups.setdefault(name, n)
    return groups


def _lemma_index(groups: dict[str, int]) -> dict[str, list[tuple[tuple[str, ...], int]]]:
    from kzmedia import Document

    index: dict[str, list] = defaultdict(list)
    for name, g in groups.items():
        toks = Document.from_text(name).tokens
        lem = tuple(toks.lemma(k) for k in range(len(toks)) if toks.is_word(k))
        if lem:
            index[lem[0]].append((lem, g))
    for lst in index.values():
        lst.sort(key=lambda x: -len(x[0]))
    return index


def entity_spans(doc, index) -> list[tuple[int, int, str]]:
    """``(start, end, "G<group>")`` for every run of tokens whose lemmas (or forms) spell a name."""
    tokens = doc.tokens
    words = [k for k in range(len(tokens)) if tokens.is_word(k)]
    out = []
    x = 0
    while x < len(words):
        k = words[x]
        hit = None
        for key in dict.fromkeys((tokens.lemma(k), tokens.norm(k))):
            for lem, g in index.get(key, ()):
                m = len(lem)
                if x + m <= len(words) and all(tokens.lemma(words[x + y]) == lem[y] or tokens.norm(words[x + y]) == lem[y]
                                               for y in range(1, m)):
                    hit = (m, g)
                    break
            if hit:
                break
        if hit:
            m, g = hit
            out.append((tokens.starts[k], tokens.ends[words[x + m - 1]], f"G{g}"))
            x += m
        else:
            x += 1
    return out


def features(path, analyzer=None) -> list[dict]:
    from kzmedia import Document

    if analyzer is None:
        from kzmedia_actors import ActorsAnalyzer

        analyzer = ActorsAnalyzer()
    root = Path(path)
    syn = root / "synonyms.txt"
    if not syn.exists():
        raise RusentrelDataError(f"{root}: no synonyms.txt")
    groups = read_synonyms(syn)
    index = _lemma_index(groups)
    rows = []
    arts = sorted(root.glob("art*.opin.txt"), key=lambda p: int(p.name[3:].split(".")[0]))
    if not arts:
        raise RusentrelDataError(f"{root}: no artN.opin.txt files")
    for opin in arts:
        name = opin.name.split(".")[0]
        if not (root / f"{name}.txt").exists():
            continue  # an opinion file whose text is not in the collection
        text = (root / f"{name}.txt").read_text(encoding="utf-8")
        doc = Document.from_text(text, id=name)
        spans = entity_spans(doc, index)
        result = analyzer.analyze(doc, extra_spans=spans)
        feats = result.attitude_features
        doc_parts = DocumentParts(result.to_dict()["actors"], result.components)
        with open(opin, encoding="utf-8") as fh:
            for line in fh:
                fields = [p.strip() for p in line.split(",")]
                if len(fields) < 3 or fields[2] not in ("pos", "neg"):
                    continue
                ga, gb = (f"G{groups[_fold(x)]}" if _fold(x) in groups else None for x in fields[:2])
                f = doc_parts.pair(feats, ga, gb)  # never in one sentence: only what the document says
                rows.append({"article": name, "gold": fields[2], "source": ga, "target": gb,
                             "cooccur": (ga, gb) in feats, **{k: f[k] for k in FEATURES}})
    return rows


def macro_f1(gold, pred) -> float:
    f = []
    for c in ("pos", "neg"):
        tp = sum(g == c and p == c for g, p in zip(gold, pred))
        fp = sum(g != c and p == c for g, p in zip(gold, pred))
        fn = sum(g == c and p != c for g, p in zip(gold, pred))
        f.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(f) / 2


FEATURES = ATTITUDE_FEATURES


def _x(row) -> list[float]:
    return [1.0] + [float(row[f]) for f in FEATURES]


def fit(rows, l2: float = 0.1, steps: int = 300, rate: float = 0.5) -> list[float]:
    """Logistic regression (pos = 1) on the features above, by gradient descent with an L2
    penalty and the classes weighted equally (the measure is macro-F1)."""
    xs = [_x(r) for r in rows]
    ys = [1.0 if r["gold"] == "pos" else 0.0 for r in rows]
    n_pos = sum(ys) or 1.0
    n_neg = (len(ys) - sum(ys)) or 1.0
    cw = [0.5 / n_pos if y else 0.5 / n_neg for y in ys]
    w = [0.0] * len(xs[0])
    for _ in range(steps):
        grad = [0.0] * len(w)
        for x, y, c in zip(xs, ys, cw):
            z = sum(a * b for a, b in zip(w, x))
            p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
            for k, v in enumerate(x):
                grad[k] += c * (p - y) * v
        for k in range(len(w)):
            w[k] -= rate * (grad[k] + (l2 * w[k] if k else 0.0))
    return w


def predict(row, w) -> str:
    return "pos" if sum(a * b for a, b in zip(w, _x(row))) > 0 else "neg"


def evaluate(path, folds: int = 5, analyzer=None) -> dict:
    rows = features(path, analyzer)
    held, base, chosen = [], [], []
    for f in range(folds):
        train = [r for r in rows if zlib.crc32(r["article"].encode()) % folds != f]
        test = [r for r in rows if zlib.crc32(r["article"].encode()) % folds == f]
        if not test:
            continue
        w = fit(train)
        chosen.append(dict(zip(("bias",) + FEATURES, (round(v, 3) for v in w))))
        gold = [r["gold"] for r in test]
        held.append(macro_f1(gold, [predict(r, w) for r in test]))
        base.append(macro_f1(gold, ["neg"] * len(test)))
    shipped = macro_f1([r["gold"] for r in rows],
                       ["pos" if attitude_score(r, ATTITUDE_WEIGHTS) > 0 else "neg" for r in rows])
    w_all = fit(rows)
    ev_rows = [r for r in rows if r["events"]]
    ev_acc = sum((r["events"] > 0) == (r["gold"] == "pos") for r in ev_rows) / len(ev_rows) if ev_rows else float("nan")
    return {"pairs": len(rows), "articles": len({r["article"] for r in rows}),
            "with_events": len(ev_rows), "event_sign_accuracy": round(ev_acc, 4),
            "cooccurring": sum(r["cooccur"] for r in rows), "folds": len(held),
            "heldout_macro_f1": round(sum(held) / len(held), 4),
            "heldout_range": [round(min(held), 4), round(max(held), 4)], "heldout_spread": spread(held),
            "always_negative_macro_f1": round(sum(base) / len(base), 4), "always_negative_spread": spread(base),
            "chosen_per_fold": chosen,
            "shipped_macro_f1": round(shipped, 4),
            "fit_on_all": dict(zip(("bias",) + FEATURES, (round(v, 4) for v in w_all)))}


def run(args) -> int:
    r = evaluate(args.path, folds=args.folds)
    if args.json:
        json.dump(r, sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    print(f"RuSentRel: directed attitudes vs human attitudes, {r['pairs']} pairs in {r['articles']} articles")
    print(f"  pairs with events A→B {r['with_events']} (sign right {r['event_sign_accuracy']:.3f}), "
          f"named in one sentence {r['cooccurring']}")
    h, b = r["heldout_spread"], r["always_negative_spread"]
    print(f"  {r['folds']}-fold by article, held out: macro-F1 (pos, neg) {h['mean']:.3f} ± {h['sd']:.3f} "
          f"(folds {h['min']:.3f}–{h['max']:.3f})   always negative {b['mean']:.3f} ± {b['sd']:.3f}")
    print(f"  shipped data/roles.toml [attitudes] on all pairs (not held out): {r['shipped_macro_f1']:.3f}")
    print(f"  weights fitted on all pairs: {r['fit_on_all']}")
    return 0


def main(argv=None) -> int:
    import argparse

    ap = argparse.ArgumentParser(prog="python -m kzmedia_actors.evaluation.attitudes",
                                 description=__doc__.splitlines()[0])
    add_arguments(ap)
    return run(ap.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
