"""``kzmedia evaluate frames`` on the SemEval-2023 Russian training articles (read at run time)."""

from __future__ import annotations

import pytest

from kzmedia.cli import main
from kzmedia.evaluate import frames as ev


def test_scoring_arithmetic():
    gold = {"1": ["Economic", "Political"], "2": ["Morality"]}
    pred = {"1": ["Economic"], "2": ["Morality", "Political"]}
    r = ev.score(gold, pred, ["Economic", "Political", "Morality"])
    assert (r["tp"], r["fp"], r["fn"]) == (2, 1, 1)
    assert r["precision"] == pytest.approx(2 / 3, abs=1e-4) and r["recall"] == pytest.approx(2 / 3, abs=1e-4)
    b = ev.baseline(gold, ["Economic", "Political", "Morality"], k=1)
    assert len(b["frames"]) == 1


def test_missing_dataset_is_a_clear_error(tmp_path, capsys):
    assert main(["evaluate", "frames", str(tmp_path)]) == 2
    assert "frames.tsv" in capsys.readouterr().err


def test_generic_frames_beat_baseline_on_semeval(shared_dir, capsys):
    data = shared_dir / "external" / "semeval2023-ru-train"
    if not (data / "frames.tsv").exists():
        pytest.skip(f"{data} is absent")
    report = ev.evaluate(data)
    print(ev.format_report(report))  # the measured figures, visible with pytest -s
    assert report["articles"] >= 90
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
