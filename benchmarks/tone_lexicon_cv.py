"""Do the hand-accepted navec tone words help? Nested cross-validation of their cut-off and weight.

Run:  python benchmarks/tone_lexicon_cv.py [--shared ../shared] [--json out.json]
      (reads the shared RuSentNE, SemEval-2025 roles and RuSentRel data; nothing is stored)

The words of ``benchmarks/tone_additions.toml`` (found by ``benchmarks/tone_candidates.py``,
accepted by hand) are added to the shipped tone lexicon — every entry of
``plugins/kzmedia_actors/data/tone.toml`` that carries no ``similarity`` key is the base; entries
that carry one came from the additions and are replaced by them — in settings ``(cut-off,
weight)``: only the words found at a similarity ≥ cut-off, their weights × weight. The setting
"none" is the base lexicon alone; "family" adds only the words marked ``family = true``, the
relatives of an existing entry (aspect partner «защищать» of «защитить», «нацистский» of «нацист»),
at their own weight. For every setting the three evaluations' inputs are computed
once (RuSentNE mention tones, the roles' and attitudes' features) and then:

* **fixed**: each setting's held-out figures as ``kzmedia evaluate …`` reports them (roles and
  attitudes: models fitted on four folds of documents, scored on the fifth; RuSentNE: threshold
  chosen on four contiguous blocks) — to see the trend, not to choose;
* **nested**: for each outer fold, the setting (and for RuSentNE the threshold) is chosen on the
  other folds alone — roles and attitudes by an inner cross-validation over those folds (roles:
  inner macro-F1 + AUC; attitudes: inner macro-F1), RuSentNE by macro-F1 on the other blocks —
  then scored on the outer fold. This is the held-out figure of *choosing* a cut-off and weight.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ADDITIONS = ROOT / "benchmarks" / "tone_additions.toml"
TONE = ROOT / "plugins" / "kzmedia_actors" / "data" / "tone.toml"
CUTOFFS = (0.6, 0.55, 0.5, 0.45)
WEIGHTS = (0.5, 1.0)
FOLDS = 5


def settings() -> list[tuple[float | str | None, float]]:
    return [(None, 0.0), ("family", 1.0)] + [(c, w) for c in CUTOFFS for w in WEIGHTS]


def name(setting) -> str:
    c, w = setting
    return "none" if c is None else "family" if c == "family" else f">={c} x{w}"


def _kept(entry, cutoff) -> bool:
    if cutoff == "family":  # a relative (aspect partner, derivation) of an existing entry
        return bool(entry.extra.get("family"))
    return entry.extra["similarity"] >= cutoff


def lexicon_for(setting):
    import attrs

    from kzmedia.lexicon import Lexicon

    c, w = setting
    shipped = Lexicon.load(TONE)
    base = [e for e in shipped.entries if "similarity" not in e.extra]
    extra = []
    if c is not None:
        extra = [attrs.evolve(e, weight=e.weight * w) for e in Lexicon.load(ADDITIONS).entries if _kept(e, c)]
    return Lexicon(name=shipped.name, version=f"{shipped.version}+cv:{name(setting)}",
                   entries=tuple(base + extra), categories=shipped.categories, language=shipped.language)


def inputs(setting, shared: Path) -> dict:
    from kzmedia_actors import ActorsAnalyzer
    from kzmedia_actors.evaluation import attitudes, roles, rusentne

    analyzer = ActorsAnalyzer(tone_lexicon=lexicon_for(setting))
    gold, tones, _ = rusentne.covered(rusentne.read_rows(shared / "external" / "rusentne-train" / "train_data.csv"), analyzer)
    return {"rusentne": (gold, tones),
            "roles": roles.features(shared / "external" / "semeval2025-ru-roles", analyzer),
            "attitudes": attitudes.features(shared / "external" / "rusentrel-train", analyzer)}


def _mean(xs):
    xs = [x for x in xs if x == x]
    return statistics.fmean(xs) if xs else float("nan")


# -- per-task held-out scores of one setting on chosen folds -------------------------------------
def roles_cv(rows, fold_ids, folds=FOLDS):
    """Held-out (macro-F1, AUC) per fold of ``fold_ids``, each fitted on the other ``fold_ids``."""
    from kzmedia_actors.evaluation import roles

    out = {}
    for f in fold_ids:
        train = [r for r in rows if roles.fold_of(r["document"], folds) in fold_ids and roles.fold_of(r["document"], folds) != f]
        test = [r for r in rows if roles.fold_of(r["document"], folds) == f]
        s = roles.score(test, roles.fit(train))
        out[f] = (s["macro_f1"], s["auc"])
    return out


def attitudes_cv(rows, fold_ids, folds=FOLDS):
    from kzmedia_actors.evaluation import attitudes

    fold = lambda r: zlib.crc32(r["article"].encode()) % folds  # noqa: E731
    out = {}
    for f in fold_ids:
        train = [r for r in rows if fold(r) in fold_ids and fold(r) != f]
        test = [r for r in rows if fold(r) == f]
        w = attitudes.fit(train)
        out[f] = attitudes.macro_f1([r["gold"] for r in test], [attitudes.predict(r, w) for r in test])
    return out


def rusentne_blocks(n, folds=FOLDS):
    return [k * folds // n for k in range(n)]


def rusentne_best(gold, tones, idx):
    from kzmedia_actors.evaluation import rusentne

    g = [gold[k] for k in idx]
    return max(((rusentne.macro_f1(g, rusentne._signs([tones[k] for k in idx], th))[0], -abs(th - 0.1), th)
                for th in rusentne.THRESHOLDS))


def main(argv=None) -> int:
    from kzmedia_actors.evaluation import rusentne, spread

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"), help="the shared data (default %(default)s)")
    ap.add_argument("--json", default=None, help="also write every figure to this file")
    args = ap.parse_args(argv)
    shared = Path(args.shared)
    if not (shared / "external").is_dir():
        raise SystemExit(f"{shared}/external: not found (the shared data sets)")
    all_folds = list(range(FOLDS))
    data, fixed = {}, {}
    for s in settings():
        d = data[s] = inputs(s, shared)
        gold, tones = d["rusentne"]
        r = roles_cv(d["roles"], all_folds)
        a = attitudes_cv(d["attitudes"], all_folds)
        fixed[s] = {"rusentne": rusentne.cross_validated(gold, tones, FOLDS)["heldout"],
                    "roles_f1": spread([v[0] for v in r.values()]), "roles_auc": spread([v[1] for v in r.values()]),
                    "attitudes": spread(list(a.values())),
                    "words": sum(1 for e in lexicon_for(s).entries if "similarity" in e.extra)}
        f = fixed[s]
        print(f"{name(s):>10}  words {f['words']:3}  RuSentNE {f['rusentne']['mean']:.3f} ± {f['rusentne']['sd']:.3f}  "
              f"roles {f['roles_f1']['mean']:.3f} ± {f['roles_f1']['sd']:.3f} / AUC {f['roles_auc']['mean']:.3f} ± "
              f"{f['roles_auc']['sd']:.3f}  attitudes {f['attitudes']['mean']:.3f} ± {f['attitudes']['sd']:.3f}",
              flush=True)
    # nested: each outer fold's setting chosen on the other folds only
    nested = {"rusentne": [], "roles_f1": [], "roles_auc": [], "attitudes": [], "chosen": {"rusentne": [], "roles": [], "attitudes": []}}
    n = len(data[settings()[0]]["rusentne"][0])
    block = rusentne_blocks(n)
    for f in all_folds:
        inner = [g for g in all_folds if g != f]
        # RuSentNE: setting and threshold best on the other blocks (rows are the same for every setting)
        train = [k for k in range(n) if block[k] != f]
        test = [k for k in range(n) if block[k] == f]
        best = max(settings(), key=lambda s: rusentne_best(*data[s]["rusentne"], train)[:2])
        th = rusentne_best(*data[best]["rusentne"], train)[2]
        gold, tones = data[best]["rusentne"]
        nested["rusentne"].append(rusentne.macro_f1([gold[k] for k in test], rusentne._signs([tones[k] for k in test], th))[0])
        nested["chosen"]["rusentne"].append(f"{name(best)} th {th}")
        # roles: inner cross-validation over the other folds, macro-F1 + AUC
        def roles_inner(s):
            v = roles_cv(data[s]["roles"], inner).values()
            return _mean([x[0] for x in v]) + _mean([x[1] for x in v])
        best = max(settings(), key=roles_inner)
        held = roles_cv(data[best]["roles"], all_folds)[f]  # fitted on the other four folds
        nested["roles_f1"].append(held[0])
        nested["roles_auc"].append(held[1])
        nested["chosen"]["roles"].append(name(best))
        best = max(settings(), key=lambda s: _mean(attitudes_cv(data[s]["attitudes"], inner).values()))
        nested["attitudes"].append(attitudes_cv(data[best]["attitudes"], all_folds)[f])
        nested["chosen"]["attitudes"].append(name(best))
        print(f"  outer fold {f}: chosen RuSentNE {nested['chosen']['rusentne'][-1]}, roles {nested['chosen']['roles'][-1]}, "
              f"attitudes {nested['chosen']['attitudes'][-1]}", flush=True)
    summary = {k: spread(v) for k, v in nested.items() if k != "chosen"}
    base = fixed[settings()[0]]
    print("nested held-out (setting chosen on the other folds) vs the base lexicon (none):")
    for k, label in (("rusentne", "RuSentNE macro-F1"), ("roles_f1", "roles macro-F1"), ("roles_auc", "roles AUC"),
                     ("attitudes", "attitudes macro-F1")):
        b = base[k]
        print(f"  {label:<20} {summary[k]['mean']:.3f} ± {summary[k]['sd']:.3f} (folds {summary[k]['min']:.3f}–{summary[k]['max']:.3f})"
              f"   base {b['mean']:.3f} ± {b['sd']:.3f}")
    if args.json:
        Path(args.json).write_text(json.dumps({"fixed": {name(s): v for s, v in fixed.items()},
                                               "nested": {k: v for k, v in nested.items()}, "summary": summary},
                                              ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
