"""``kzmedia evaluate frames`` on the SemEval-2023 Russian training articles (read at run time)."""

from __future__ import annotations

import pytest

from kzmedia.cli import main
from kzmedia_framing import evaluation as ev


def test_scoring_arithmetic():
    gold = {"1": ["Economic", "Political"], "2": ["Morality"]}
    pred = {"1": ["Economic"], "2": ["Morality", "Political"]}
    r = ev.score(gold, pred, ["Economic", "Political", "Morality"])
    assert (r["tp"], r["fp"], r["fn"]) == (2, 1, 1)
    assert r["precision"] == pytest.approx(2 / 3, abs=1e-4) and r["recall"] == pytest.approx(2 / 3, abs=1e-4)
    b = ev.baseline(gold, ["Economic", "Political", "Morality"], k=1)
    assert len(b["frames"]) == 1


def test_cross_validation_chooses_on_the_training_folds():
    # the gold frame is always the first-ranked one: a rule keeping rank 1 only is found on the
    # training folds and is right on the held-out ones; the constant baseline cannot be
    gold, rows = {}, {}
    for n in range(20):
        high = n % 2 == 0
        gold[str(n)] = ["Economic"] if high else ["Political"]
        # (id, score, hits, rank, share, weights): the frame ranked second holds a small share
        rows[str(n)] = [("Economic", 11.0 if high else 5.0, 3, 1 if high else 2, 0.6 if high else 0.05, [1.0] * 3),
                        ("Political", 9.0, 3, 2 if high else 1, 0.05 if high else 0.6, [1.0] * 3)]
    cv = ev.cross_validate(gold, rows, folds=4, repeats=1)
    assert cv["fitted"]["folds"] == 4 and cv["fitted"]["mean"] == pytest.approx(1.0)
    assert cv["baseline"]["mean"] < 0.8


def test_missing_dataset_is_a_clear_error(tmp_path, capsys):
    assert main(["evaluate", "frames", str(tmp_path)]) == 2
    assert "frames.tsv" in capsys.readouterr().err


def test_generic_frames_beat_baseline_on_semeval(shared_dir, capsys):
    data = shared_dir / "external" / "semeval2023-ru-train"
    if not (data / "frames.tsv").exists():
        pytest.skip(f"{data} is absent")
    report = ev.evaluate(data, folds=5, repeats=2)
    print(ev.format_report(report))  # the measured figures, visible with pytest -s
    assert report["articles"] >= 90
    cv = report["cv"]  # held-out folds: the rule chosen on the other folds, and the constant baseline
    assert cv["fitted"]["folds"] == 10 and cv["fitted"]["mean"] >= 0.55
    assert cv["fitted"]["mean"] > cv["baseline"]["mean"] + 0.15
    assert report["baseline"]["micro_f1"] == pytest.approx(0.38, abs=0.02)
    assert report["micro_f1"] >= 0.50
    assert report["micro_f1"] > report["baseline"]["micro_f1"] + 0.1
    assert main(["evaluate", "frames", str(data), "--limit", "5"]) == 0
    assert "micro" in capsys.readouterr().out


def test_label_inventory_matches_the_generic_frames():
    from kzmedia_framing import GENERIC_FRAMES

    assert tuple(ev.SEMEVAL_FRAMES) == tuple(GENERIC_FRAMES)


def test_extra_lexicon_option(tmp_path, shared_dir):
    data = shared_dir / "external" / "semeval2023-ru-train"
    if not (data / "frames.tsv").exists():
        pytest.skip(f"{data} is absent")
    lex = tmp_path / "x.toml"
    lex.write_text('[lexicon]\nname = "x"\nversion = "9"\n[categories.Morality]\nterms = ["совесть"]\n',
                   encoding="utf-8")
    report = ev.evaluate(data, limit=3, lexicons=[str(lex)])
    assert "x@9" in report["lexicon_version"] and report["articles"] == 3
