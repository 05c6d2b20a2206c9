"""``kzmedia evaluate semeval``: the reader (CRLF-exact offsets), the scoring, and the figures on the
SemEval-2023 Russian training articles (read from ``../shared`` at run time)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kzmedia.cli import main
from kzmedia_rhetoric import DEFAULT_DISABLED, semeval


def _write_dataset(root):
    """Two tiny articles in the task's layout, written for this test, with CRLF line endings."""
    (root / "articles").mkdir()
    (root / "spans").mkdir()
    a1 = ("Заголовок о погоде\r\n\r\n"
          "Власти якобы заботятся о горожанах.\r\n"
          "Это чудовищная ложь!\r\n")
    a2 = "Обычная новость без приёмов.\r\n"
    for aid, text in (("1", a1), ("2", a2)):
        with open(root / "articles" / f"article{aid}.txt", "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
    s = a1.index("якобы")
    ll = a1.index("чудовищная")
    with open(root / "spans" / "article1-labels-subtask-3.txt", "w", encoding="utf-8") as fh:
        fh.write(f"1\tDoubt\t{s}\t{s + 5}\n1\tLoaded_Language\t{ll}\t{ll + 10}\n")
    with open(root / "spans" / "article2-labels-subtask-3.txt", "w", encoding="utf-8") as fh:
        fh.write("")
    with open(root / "paragraph-labels.tsv", "w", encoding="utf-8") as fh:
        fh.write("1\t1\t\n1\t3\tDoubt\n1\t4\tLoaded_Language\n2\t1\t\n")
    return a1


def test_reader_keeps_crlf_offsets(tmp_path):
    a1 = _write_dataset(tmp_path)
    data = semeval.load_dataset(tmp_path)
    assert [d[0] for d in data] == ["1", "2"]
    aid, text, spans, lines = data[0]
    assert text == a1 and "\r\n" in text
    assert [text[a:b] for _, a, b in spans] == ["якобы", "чудовищная"]
    assert lines == {1: set(), 3: {"Doubt"}, 4: {"Loaded_Language"}}


def test_scoring_by_paragraph_and_span(tmp_path):
    a1 = _write_dataset(tmp_path)
    data = semeval.load_dataset(tmp_path)
    s = a1.index("якобы")
    # one right Doubt on line 3, one wrong Doubt on line 1, Loaded_Language missed
    preds = {"1": [("Doubt", s, s + 5), ("Doubt", 0, 9)], "2": []}
    rep = semeval.score(preds, data)
    d = rep["techniques"]["Doubt"]
    assert (d["tp"], d["fp"], d["fn"]) == (1, 1, 0)
    assert d["p"] == pytest.approx(0.5) and d["r"] == 1.0
    assert d["span_p"] == pytest.approx(0.5) and d["span_r"] == 1.0
    ll = rep["techniques"]["Loaded_Language"]
    assert (ll["tp"], ll["fp"], ll["fn"]) == (0, 0, 1)
    assert rep["paragraphs"] == 4 and rep["gold_labels"] == 2
    assert rep["paragraph_micro"]["p"] == pytest.approx(0.5)
    assert rep["paragraph_micro"]["r"] == pytest.approx(0.5)
    # every paragraph labelled with Doubt: 1 of 4 right
    assert d["all_paragraphs_f1"] == pytest.approx(2 * 1 / (1 + 4))


def test_analyzer_on_the_tiny_dataset(tmp_path, capsys):
    _write_dataset(tmp_path)
    rep = semeval.evaluate(tmp_path, config={"enabled_techniques": ["Doubt", "Loaded_Language"], "min_confidence": 0.0})
    assert rep["techniques"]["Doubt"]["tp"] == 1
    assert rep["techniques"]["Loaded_Language"]["tp"] == 1
    assert main(["evaluate", "semeval", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "paragraph micro" in out and "Loaded_Language" in out


def test_not_a_semeval_directory_is_a_clear_error(tmp_path, capsys):
    assert main(["evaluate", "semeval", str(tmp_path)]) != 0
    assert "paragraph-labels.tsv" in capsys.readouterr().err


def test_calibration_counts_and_smoothing(tmp_path):
    from kzmedia_rhetoric.calibration import Calibration, feature_keys

    keys = feature_keys("Loaded_Language", "high", "loaded_term", "loaded_term", {"target"})
    other = feature_keys("Loaded_Language", "low", "loaded_term", "loaded_term.news", ())
    cal = Calibration.fit([(keys, True)] * 30 + [(keys, False)] * 10 + [(other, False)] * 40)
    assert cal.prior == pytest.approx(30 / 80)
    assert cal.probability(keys) > 0.6 > 0.2 > cal.probability(other)
    # an unseen combination falls back on its most specific seen parent
    unseen = feature_keys("Loaded_Language", "high", "loaded_term", "loaded_term", {"quoted"})
    assert cal.probability(unseen) == pytest.approx(cal.probability(keys[:4]))
    path = tmp_path / "cal.toml"
    cal.min_confidence = 0.61
    path.write_text(cal.dumps(), encoding="utf-8")
    back = Calibration.load(path)
    assert back.cells == cal.cells and back.min_confidence == pytest.approx(0.61)
    assert back.probability(keys) == pytest.approx(cal.probability(keys), abs=1e-6)


def test_cross_validation_on_the_tiny_dataset(tmp_path, capsys):
    _write_dataset(tmp_path)
    assert main(["evaluate", "semeval", str(tmp_path), "--calibration"]) == 0
    out = capsys.readouterr().out
    assert "cross-validation by article" in out and "reliability" in out


@pytest.fixture(scope="module")
def semeval_cv():
    path = Path(__file__).resolve().parents[1].parent / "shared" / "external" / "semeval2023-ru-train"
    if not (path / "paragraph-labels.tsv").is_file():
        pytest.skip(f"{path} is absent: the SemEval-2023 data sits beside the repository only in CI "
                    "and developer checkouts")
    return semeval.cross_validate(path)  # the default techniques and classes


def test_held_out_figures(semeval_cv):
    rep = semeval_cv
    assert rep["articles"] == 95 and len(rep["folds"]) == 5
    # the default threshold is chosen for held-out paragraph precision 0.6 and span precision 0.5
    pooled = [r for r in rep["techniques"].values() if r["active"] and r["predicted_spans"]]
    assert sum(r["p"] * r["predicted_spans"] for r in pooled) / sum(r["predicted_spans"] for r in pooled) >= 0.6
    assert rep["summary"]["span_p"]["mean"] >= 0.5
    # the default is a precision instrument: recall far under the constant baseline (docs/rhetoric.md)
    assert rep["summary"]["micro_f1"]["mean"] < rep["summary"]["baseline_micro_f1"]["mean"]
    # every technique on by default with enough held-out findings clears the 0.5 bar
    for t, row in rep["techniques"].items():
        if row["active"] and row["predicted_spans"] >= 10:
            assert row["p"] >= 0.5, (t, row)
    # confidence is calibrated: high bins agree more often than low ones
    bins = {b["bin"]: b for b in rep["reliability"]}
    assert bins["0.6-0.7"]["observed"] > bins["0.1-0.2"]["observed"] + 0.2


def test_shipped_calibration_is_the_one_this_code_fits(semeval_cv):
    """data/calibration.toml must be regenerated when the rules change (``--fit-calibration``)."""
    from kzmedia_rhetoric.analyzer import CALIBRATION

    fitted = semeval_cv["_calibration"]
    assert fitted.cells == CALIBRATION.cells, "re-run kzmedia evaluate semeval PATH --fit-calibration " \
                                               "plugins/kzmedia_rhetoric/data/calibration.toml"
    assert fitted.min_confidence == pytest.approx(CALIBRATION.min_confidence)


def test_audit_scoring_keeps_no_text():
    from kzmedia_rhetoric.audit import held_out, score

    sample = [{"item": 1, "doc_id": "a", "start": 0, "end": 5, "label": "Loaded_Language", "span": "Позор",
               "context": "Позор властям."},
              {"item": 2, "doc_id": "a", "start": 9, "end": 14, "label": "Loaded_Language", "span": "ложь",
               "context": "Это ложь."},
              {"item": 3, "doc_id": "b", "start": 0, "end": 3, "label": "Appeal_to_Values", "span": "ради",
               "context": "ради"}]
    verdicts = [{"item": 1, "verdict": "correct", "note": "«Позор» is loaded"},
                {"item": 2, "verdict": "wrong", "note": ""}, {"item": 3, "verdict": "Correct"}]
    judged, fig = score(sample, verdicts)
    assert fig["overall"]["agree"] == 2 and fig["overall"]["n"] == 3
    assert fig["overall"]["precision"] == pytest.approx(2 / 3)
    lo, hi = fig["overall"]["wilson95"]
    assert lo == pytest.approx(0.208, abs=0.001) and hi == pytest.approx(0.939, abs=0.001)
    assert fig["techniques"]["Loaded_Language"]["precision"] == 0.5
    assert all(set(r) == {"item", "doc_id", "start", "end", "label", "verdict"} for r in judged)
    # only odd-crc32 documents are sampled (the even ones may be read while writing rules)
    assert [held_out(i) for i in ['doc-1', 'doc-4']] == [True, False]


def test_audit_draw_is_seeded_blind_and_leaves_out_read_documents(tmp_path):
    from kzmedia_rhetoric.audit import blind, definitions_text, draw, key

    texts = {  # doc-0 … doc-3 have an odd crc32 (drawable), doc-4 an even one
        "doc-0": "Депутат обозвал министра холуём. Его доклад назвали омерзительным враньём.",
        "doc-1": "Это был подлый и циничный шаг. Соседи возмутились.",
        "doc-2": "Оппозиция называет мэра подхалимом и лизоблюдом.",
        "doc-3": "Наглая ложь! Так говорят о его словах.",
        "doc-4": "Это гнусный и позорный поступок.",
    }
    corpus = tmp_path / "news.jsonl"
    corpus.write_text("".join(json.dumps({"url": k, "title": "", "content": v}, ensure_ascii=False) + "\n"
                              for k, v in texts.items()), encoding="utf-8")
    read = tmp_path / "read.txt"
    read.write_text("# read while writing rules\ndoc-2\n", encoding="utf-8")
    earlier = tmp_path / "earlier.jsonl"
    earlier.write_text(json.dumps({"item": 1, "doc_id": "doc-3", "start": 0, "end": 5}) + "\n", encoding="utf-8")
    rows, pool = draw(str(corpus), n=3, seed=7, exclude=[str(read), str(earlier)])
    assert pool["documents"] == 2 and pool["drawn"] == 3 < pool["findings"]
    assert {r["doc_id"] for r in rows} <= {"doc-0", "doc-1"}
    assert rows == draw(str(corpus), n=3, seed=7, exclude=[str(read), str(earlier)])[0]  # seeded
    for r in rows:
        shown, hidden = blind(r), key(r)
        assert not {"confidence", "alternatives", "device", "start", "end"} & set(shown)
        assert {"confidence", "device", "start", "end", "doc_id", "technique"} <= set(hidden)
        text = texts[r["doc_id"]]
        assert text[hidden["start"]:hidden["end"]] == shown["span"]
        assert "⟦" + shown["span"] + "⟧" in shown["sentence"] and shown["definition"]
    assert "### `Loaded_Language`" in definitions_text(r["technique"] for r in rows)
    # both parities when asked: the read list is then the only exclusion
    _, every = draw(str(corpus), n=3, seed=7, exclude=[str(read), str(earlier)], all_parities=True)
    assert every["documents"] == 3
