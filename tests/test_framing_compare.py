"""kzmedia.compare and ``kzmedia compare A B``."""

from __future__ import annotations

import json

import pytest

import kzmedia
from kzmedia.cli import main

# Two texts written for these tests: one about alliance obligations, one about multi-vector balance.
LOYAL = (
    "Казахстан остаётся верным союзником России: республика выполняет союзнические обязательства "
    "в ОДКБ и углубляет евразийскую интеграцию в рамках ЕАЭС. Лояльность Астаны не вызывает сомнений."
)
BALANCED = (
    "Многовекторная политика Астаны строится на балансе интересов. Диверсификация партнёров — от "
    "Китая до Турции и стран Евросоюза — даёт республике пространство для манёвра и новые инвестиции."
)


@pytest.fixture(scope="module")
def framing_only():
    return kzmedia.Pipeline(["framing"])


def test_compare_texts_sorted_by_difference_with_evidence(framing_only):
    cmp = kzmedia.compare(LOYAL, BALANCED, pipeline=framing_only, labels=("loyal", "balanced"))
    data = cmp.to_dict()
    json.dumps(data)
    frames = data["sections"]["framing"]["frames"]
    diffs = [f["abs_difference"] for f in frames]
    assert diffs == sorted(diffs, reverse=True)
    top_domain = [f for f in frames if f["kind"] == "domain"][:2]
    assert {f["id"] for f in top_domain} == {"alliance_loyalty", "multivector_balance"}
    al = cmp.section("framing").frame("alliance_loyalty")
    assert al.difference > 0 and frames[0]["higher"] in ("a", "b")
    mv = next(f for f in frames if f["id"] == "multivector_balance")
    assert mv["higher"] == "b" and mv["b"]["evidence"]
    for e in mv["b"]["evidence"]:
        assert BALANCED[e["start"]:e["end"]] == e["text"]
    for e in next(f for f in frames if f["id"] == "alliance_loyalty")["a"]["evidence"]:
        assert LOYAL[e["start"]:e["end"]] == e["text"]
    assert data["documents"]["a"]["label"] == "loyal"
    assert set(data["sections"]) == {"framing"}  # actors did not run
    assert {r["analyzer"] for r in data["measures"]} == {"framing"}
    # the generic rows: findings of a frame per 1,000 words, with their spans
    row = next(r for r in data["measures"] if (r["kind"], r["name"]) == ("label", "multivector_balance"))
    assert row["unit"] == "per_1000_words" and row["a"] == 0 and row["b"] > 0
    assert row["b"] == pytest.approx(1000 * row["count_b"] / data["documents"]["b"]["words"], abs=1e-3)
    assert all(BALANCED[e["start"]:e["end"]] == e["text"] for e in row["evidence"]["b"])


def test_compare_accepts_documents_and_analyses(framing_only):
    a = framing_only.analyze(kzmedia.Document.from_text(LOYAL, id="a"))
    b_dict = framing_only.analyze(kzmedia.Document.from_text(BALANCED, id="b")).to_dict()
    cmp = kzmedia.compare(a, b_dict)
    assert cmp.labels == ["a", "b"]
    assert cmp.section("framing").frame("multivector_balance").difference < 0
    with pytest.raises(TypeError):
        kzmedia.compare(LOYAL, 42, pipeline=framing_only)


def test_cli_compare_table_json_and_html(tmp_path, capsys):
    pa, pb = tmp_path / "loyal.txt", tmp_path / "balanced.txt"
    pa.write_text(LOYAL, encoding="utf-8")
    pb.write_text(BALANCED, encoding="utf-8")
    assert main(["compare", str(pa), str(pb), "--only", "framing"]) == 0
    out = capsys.readouterr().out
    assert "alliance_loyalty" in out and "«" in out
    assert main(["compare", str(pa), str(pb), "--only", "framing", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["documents"]["b"]["label"] == str(pb)
    html = tmp_path / "cmp.html"
    code = main(["compare", str(pa), str(pb), "--only", "framing", "--html", str(html)])
    try:
        import kzmedia.report  # noqa: F401
    except ImportError:
        assert code == 2
    else:
        page = html.read_text(encoding="utf-8")
        assert code == 0 and page.lstrip().lower().startswith("<!doctype html")
        assert 'data-section="framing"' in page and "multivector_balance" in page  # framing's own section


def test_cli_compare_missing_file(tmp_path, capsys):
    pa = tmp_path / "a.txt"
    pa.write_text(LOYAL, encoding="utf-8")
    assert main(["compare", str(pa), str(tmp_path / "nope.txt"), "--only", "framing"]) == 2
    assert "nope.txt" in capsys.readouterr().err


# Groups: one outlet argues for the multi-vector course, the other argues against it (our sentences).
FOR_BALANCE = [
    "Многовекторная политика Астаны строится на балансе интересов между Россией, Китаем и Западом.",
    "Казахстан сохраняет баланс интересов и развивает отношения со всеми партнёрами.",
    "Диверсификация партнёров даёт Казахстану пространство для манёвра.",
]
AGAINST_BALANCE = [
    "Для Казахстана речь идёт не о многовекторной политике, а о союзе с Россией.",
    "Никакой многовекторности больше нет: Казахстан стал младшим партнёром Москвы.",
    "Это не баланс интересов, а уступки Астаны одному соседу.",
]


def test_group_comparison_has_framings_section_dominant_frames_and_stances(tmp_path, capsys):
    from kzmedia.report import render_group_comparison

    pipe = kzmedia.Pipeline(["framing"])
    cmp = kzmedia.compare_groups({"for": FOR_BALANCE, "against": AGAINST_BALANCE}, pipeline=pipe,
                                 min_docs=3, permutations=0)
    section = cmp.to_dict()["sections"]["framing"]
    assert section["documents"] == {"for": 3, "against": 3}
    stance = next(r for r in section["stances"] if r["frame"] == "multivector_balance")
    # the generic rows count asserted findings only; the section shows the rejections they leave out
    assert stance["asserted"]["for"] > 0 and stance["rejected"]["for"] == 0
    assert stance["rejected"]["against"] > 0 and stance["asserted"]["against"] == 0
    assert section["stances"][0]["frame"] == "multivector_balance"  # the largest difference first
    dominant = next(r for r in section["dominant"] if r["frame"] == "multivector_balance")
    assert dominant["documents"]["for"] > dominant["documents"]["against"]
    table = cmp.table()
    assert "framing:\n  framed documents: for 3, against 3" in table
    assert "documents asserting / rejecting the frame (%)" in table
    assert "documents asserting / rejecting the frame (%)" in render_group_comparison(cmp)
    # the same section from the command line, groups as two files
    for name, texts in (("for", FOR_BALANCE), ("against", AGAINST_BALANCE)):
        (tmp_path / f"{name}.jsonl").write_text(
            "".join(json.dumps({"id": f"{name}{i}", "text": t}, ensure_ascii=False) + "\n" for i, t in enumerate(texts)),
            encoding="utf-8")
    assert main(["compare", str(tmp_path / "for.jsonl"), str(tmp_path / "against.jsonl"), "--labels", "for",
                 "against", "--only", "framing", "--min-docs", "3", "--permutations", "0", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["sections"]["framing"]["stances"][0] == section["stances"][0]
