"""Candidate words for the actors tone lexicon: nearest neighbours of its entries in navec's news embeddings.

Run:  python benchmarks/tone_candidates.py [--neighbours 40] [--min-sim 0.45] [> candidates.tsv]
      (needs ``pip install natasha``, the ``bench`` extra: its wheel ships navec's news vectors,
      natasha/data/emb/*.tar, read with the ``navec`` package — nothing is downloaded)

A development tool, never imported by kzmedia. Every one-word entry of
``plugins/kzmedia_actors/data/tone.toml`` is a seed; for each seed the ``--neighbours`` nearest
word forms of navec's vocabulary (cosine similarity, computed on the product-quantised vectors
without unpacking them) are lemmatised with kzmedia's pymorphy3 lemmatizer, and every lemma not
yet in the lexicon becomes a candidate with its best similarity, the seed it is nearest to and
that seed's category. A candidate near seeds of both signs is flagged ``mixed`` (antonyms sit
close together in such embeddings: «успех» / «неудача»).

The output is a list to *read*, not a lexicon: embeddings put words of one topic together, not
words of one evaluation, so each candidate is accepted or left out by a reader of Russian against
the lexicon's own definitions (its header), never against annotated sentences. The accepted words
and the similarity they were found at go to ``plugins/kzmedia_actors/data/tone.toml``; whether a
similarity cut-off or a weight for them helps is measured by ``benchmarks/tone_lexicon_cv.py``.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TONE = ROOT / "plugins" / "kzmedia_actors" / "data" / "tone.toml"
#: parts of speech a tone word can have (pymorphy3 tags); function words and names are no candidates
CONTENT = {"NOUN", "ADJF", "ADJS", "VERB", "INFN", "ADVB", "PRTF", "PRTS", "COMP"}


def seeds(path: Path = TONE) -> dict[str, tuple[str, float]]:
    """One-word patterns of the lexicon → (category, weight)."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    out = {}
    for cid, cat in data["categories"].items():
        for t in cat["terms"]:
            pattern, weight = (t, cat["weight"]) if isinstance(t, str) else (t["pattern"], t.get("weight", cat["weight"]))
            out.setdefault(pattern, (cid, weight))
    return out


def load_navec():
    try:
        import natasha
        from navec import Navec
    except ImportError:
        raise SystemExit("natasha is not installed: pip install natasha (the bench extra)")
    emb = sorted((Path(natasha.__file__).parent / "data" / "emb").glob("*.tar"))
    if not emb:
        raise SystemExit("natasha ships no navec embeddings (natasha/data/emb/*.tar)")
    return Navec.load(emb[0]), emb[0].name


def similarities(pq, index: int):
    """Cosine similarity of vector ``index`` to every vector, from the quantised codes: the dot
    product is a sum over sub-spaces of one table look-up each."""
    import numpy as np

    q = pq[index].reshape(pq.qdim, -1)                             # qdim x subdim
    table = np.einsum("scd,sd->sc", pq.codes, q)                   # qdim x centroids
    dots = table[pq.qdims, pq.indexes.astype(np.intp)].sum(axis=1)  # vectors
    return dots / (pq.norm * pq.norm[index] + 1e-12)


def candidates(neighbours: int = 40, min_sim: float = 0.45):
    import numpy as np

    from kzmedia.morphology import PymorphyLemmatizer

    lem = PymorphyLemmatizer("ru")
    navec, name = load_navec()
    lexicon = seeds()
    known = set(lexicon)
    # every lemma of every lexicon pattern word counts as known (multi-word entries included)
    for p in list(known):
        for w in p.split():
            known.update(lem.lemmas(w))
    words = navec.vocab.words
    found: dict[str, dict] = {}
    for seed, (cat, weight) in lexicon.items():
        if " " in seed or seed not in navec.vocab:
            continue
        i = navec.vocab[seed]
        sims = similarities(navec.pq, i)
        top = np.argpartition(-sims, neighbours + 1)[: neighbours + 1]
        for j in top[np.argsort(-sims[top])]:
            s = float(sims[j])
            w = words[j]
            if j == i or s < min_sim or not w.isalpha() or not all("а" <= c <= "я" or c == "ё" for c in w) or len(w) < 3:
                continue
            lemma, pos, _ = lem.parse(w)
            if pos not in CONTENT or lemma in known or len(lemma) < 3:
                continue
            c = found.setdefault(lemma, {"lemma": lemma, "pos": pos, "sim": s, "seed": seed, "category": cat,
                                         "signs": set(), "seeds": 0})
            c["seeds"] += 1
            c["signs"].add(weight > 0)
            if s > c["sim"]:
                c.update(sim=s, seed=seed, category=cat)
    return sorted(found.values(), key=lambda c: -c["sim"]), name


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--neighbours", type=int, default=40, help="nearest word forms per seed (default %(default)s)")
    ap.add_argument("--min-sim", type=float, default=0.45, help="lowest cosine similarity listed (default %(default)s)")
    args = ap.parse_args(argv)
    found, name = candidates(args.neighbours, args.min_sim)
    print(f"# {len(found)} candidates from {name}: {args.neighbours} neighbours per seed of {TONE.name}, "
          f"similarity >= {args.min_sim}", file=sys.stderr)
    print("lemma\tpos\tsimilarity\tnearest_seed\tseed_category\tseeds\tmixed")
    for c in found:
        print(f"{c['lemma']}\t{c['pos']}\t{c['sim']:.3f}\t{c['seed']}\t{c['category']}\t{c['seeds']}\t"
              f"{'mixed' if len(c['signs']) > 1 else ''}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
