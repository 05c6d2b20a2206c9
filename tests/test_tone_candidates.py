"""The development tools that widen the actors tone lexicon (benchmarks/tone_candidates.py, tone_lexicon_cv.py).

The library never reads them; these tests keep their data consistent with the shipped lexicon and
their similarity arithmetic right. The navec test needs the ``bench`` extra (natasha) and skips
without it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from kzmedia import Lexicon

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import tone_candidates  # noqa: E402
import tone_lexicon_cv  # noqa: E402


def test_additions_are_new_words_with_their_provenance():
    shipped = Lexicon.load(tone_candidates.TONE)
    additions = Lexicon.load(tone_lexicon_cv.ADDITIONS)
    seeds = tone_candidates.seeds()
    patterns = {e.pattern for e in shipped.entries}
    assert additions.entries
    for e in additions.entries:
        assert e.pattern not in patterns, f"{e.pattern} is in tone.toml already (it would count twice)"
        assert 0.0 < e.extra["similarity"] <= 1.0 and e.extra["seed"] in seeds, e
        assert set(e.categories) <= {"positive", "negative", "negative_context"}, e
    # the base of the cross-validation is the shipped lexicon: its entries carry no similarity
    assert not [e for e in shipped.entries if "similarity" in e.extra]


def test_a_setting_adds_exactly_the_words_above_its_cut_off_at_its_weight():
    base = tone_lexicon_cv.lexicon_for((None, 0.0))
    assert len(base.entries) == len(Lexicon.load(tone_candidates.TONE).entries)
    wide = tone_lexicon_cv.lexicon_for((0.6, 0.5))
    added = {e.pattern: e.weight for e in wide.entries if "similarity" in e.extra}
    source = {e.pattern: e for e in Lexicon.load(tone_lexicon_cv.ADDITIONS).entries}
    assert added and all(source[p].extra["similarity"] >= 0.6 for p in added)
    assert added["мужество"] == 0.5 and added["негодование"] == -0.5  # found at 0.76 and 0.75
    family = tone_lexicon_cv.lexicon_for(("family", 1.0))
    assert {e.pattern for e in family.entries if "similarity" in e.extra} >= {"защищать", "нацистский"}
    assert "мужество" not in {e.pattern for e in family.entries}


def test_added_words_change_the_tone_of_a_mention():
    from kzmedia import Document
    from kzmedia_actors import ActorsAnalyzer

    text = "Польша защищает Литву."  # «защищать» is the aspect partner of the shipped «защитить»
    tone = {}
    for setting in ((None, 0.0), ("family", 1.0)):
        body = ActorsAnalyzer(tone_lexicon=tone_lexicon_cv.lexicon_for(setting)).analyze(Document.from_text(text)).to_dict()
        tone[setting[0]] = {a["id"]: a["tone"] for a in body["actors"]}
    assert tone[None]["POL"] == 0.0
    assert tone["family"]["POL"] > 0.0


def test_quantised_similarity_matches_navec():
    pytest.importorskip("natasha", reason="natasha (the bench extra) ships the navec embeddings")
    navec, _ = tone_candidates.load_navec()
    i, j, k = (navec.vocab[w] for w in ("поддержка", "помощь", "санкция"))
    sims = tone_candidates.similarities(navec.pq, i)
    assert sims[i] == pytest.approx(1.0, abs=1e-4)
    assert sims[j] == pytest.approx(float(navec.pq.sim(i, j)), abs=1e-4)
    assert sims[k] == pytest.approx(float(navec.pq.sim(i, k)), abs=1e-4)
    assert sims[j] > sims[k]
