"""kzmedia.kwic and `kzmedia kwic`: exact contexts of a lexicon pattern or of an analyzer's label."""

import json

import pytest

import kzmedia
from kzmedia.cli import main
from kzmedia.kwic import kwic

TEXT = ("Многовекторная политика Астаны остаётся главным принципом. Эксперты спорят, "
        "насколько многовекторной политике хватит ресурсов, а суверенитет страны не обсуждается.\n"
        "Суверенные решения принимает правительство.")


def _exact(text, hits):
    for h in hits:
        assert text[h.start:h.end] == h.match
        assert text[h.start - len(h.left):h.end + len(h.right)] == h.left + h.match + h.right


def test_lemma_mwe_and_prefix_with_exact_windows():
    doc = kzmedia.Document(TEXT, id="t1")
    r = kwic("многовекторный политика", [doc], window=2)
    assert [h.match for h in r] == ["Многовекторная политика", "многовекторной политике"]
    assert r[0].left == "" and r[0].right == " Астаны остаётся"   # start of the text: no words to the left
    assert r[1].left == "спорят, насколько "
    _exact(TEXT, r)
    r = kwic("суверен*", [doc], window=1)
    assert [h.match for h in r] == ["суверенитет", "Суверенные"]
    assert r[1].left == "обсуждается.\n"   # the original text, newline kept
    _exact(TEXT, r)
    df = r.to_pandas()
    assert list(df.columns) == ["doc_id", "start", "end", "left", "match", "right", "label"]
    assert "<mark>суверенитет</mark>" in r._repr_html_()


def test_label_contexts_are_the_findings(tmp_path):
    doc = kzmedia.Document(open("examples/pragmatic_multivector.txt", encoding="utf-8").read(), id="pm")
    analysis = kzmedia.Pipeline(["framing"]).analyze(doc)
    r = kwic(None, [analysis], label="framing:transit_logistics", window=3)
    assert len(r) > 0 and all(h.label == "framing:transit_logistics" for h in r)
    _exact(doc.text, r)
    assert [(h.start, h.end) for h in kwic(None, [doc], label="framing:transit_logistics", window=3)] == \
        [(h.start, h.end) for h in r]
    with pytest.raises(ValueError, match="ANALYZER:LABEL"):
        kwic(None, [doc], label="transit_logistics")


def test_cli_formats(tmp_path, capsys):
    f = tmp_path / "a.txt"
    f.write_text(TEXT, encoding="utf-8")
    assert main(["kwic", "суверен*", str(f), "--window", "1", "--format", "jsonl"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["match"] for r in rows] == ["суверенитет", "Суверенные"]
    assert main(["kwic", "суверен*", str(f), "--format", "csv"]) == 0
    assert capsys.readouterr().out.startswith("doc_id,start,end,left,match,right,label\n")
    assert main(["kwic", "суверен*"]) == 2
    assert "at least one PATH" in capsys.readouterr().err


def test_compare_reads_a_multi_record_input_as_a_group_never_as_two_texts(tmp_path, capsys):
    a = tmp_path / "a.jsonl"
    a.write_text("".join(json.dumps({"id": f"r{i}", "text": TEXT}, ensure_ascii=False) + "\n" for i in range(3)),
                 encoding="utf-8")
    b = tmp_path / "b.txt"
    b.write_text(TEXT, encoding="utf-8")
    assert main(["compare", str(a), str(b)]) == 2  # groups of 3 and 1 documents: below --min-docs 5
    err = capsys.readouterr().err
    assert "has 3 document(s), fewer than --min-docs 5" in err and "has 1 document(s)" in err
    assert main(["compare", str(a), str(b), "--min-docs", "1", "--labels", "three", "one"]) == 0
    assert capsys.readouterr().out.startswith("groups: three (3 documents")
