"""A researcher's workflow over a corpus: outlet maps, dates and periods on the command line, the
per-month ``series`` table and its chart, inline notebook views, and the progress bar's total."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys

import pytest

import kzmedia
from kzmedia import metadata as md
from kzmedia.cli import main
from kzmedia.kwic import kwic
from kzmedia.readers import count_documents, read_corpus
from kzmedia.tables import series_rows
from kzmedia.testing import make_pipeline


class Sovereignty:
    """Every word starting «суверен» is a finding labelled ``claim`` (counts easy to check by hand)."""

    name = "sov"
    version = "1"

    def analyze(self, document):
        found = [{"label": "claim", "start": m.start(), "end": m.end(), "text": m.group()}
                 for m in re.finditer(r"[Сс]уверен\w*", document.text)]
        return {"findings": found}


#: our own sentences; dates from a field, from the URL path, from a query URL, and none
RECORDS = [
    {"id": "a1", "section": "политика", "url": "https://russian.rt.com/world/2024-01-10/x", "text":
     "Суверенитет Казахстана никто не оспаривает. Власти говорят о суверенном выборе партнёров."},
    {"id": "a2", "section": "экономика", "url": "https://amp.ng.ru/?p=http://www.ng.ru/cis/2024-01-25/y.html", "text":
     "Экономика растёт, инвестиции приходят из разных стран."},
    {"id": "a3", "section": "политика", "url": "https://tengrinews.kz/news/z", "date": "03.02.2024", "text":
     "Депутаты снова заговорили о суверенитете в энергетике и о тарифах."},
    {"id": "a4", "url": "https://tengrinews.kz/news/w", "text": "Суверенная политика без даты публикации."},
]


@pytest.fixture
def corpus(tmp_path):
    path = tmp_path / "news.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in RECORDS), encoding="utf-8")
    return path


@pytest.fixture
def pipeline():
    return make_pipeline(Sovereignty())


def analyses_of(pipeline, path):
    return [pipeline.analyze(d).to_dict() for d in read_corpus([str(path)])]


def test_series_rates_are_findings_per_1000_words_by_hand(pipeline, corpus):
    analyses = analyses_of(pipeline, corpus)
    words = {a["document"]["id"]: a["document"]["words"] for a in analyses}
    rows = {(r["month"], r["outlet"]): r for r in series_rows(analyses, views={})}
    # January: rt.com has a1 (2 findings), ng.ru has a2 (0 findings: a 0 row, not a gap)
    assert rows[("2024-01", "rt.com")]["findings"] == 2
    assert rows[("2024-01", "rt.com")]["per_1000_words"] == round(2000 / words["a1"], 4)
    assert (rows[("2024-01", "ng.ru")]["findings"], rows[("2024-01", "ng.ru")]["present"]) == (0, 0)
    assert rows[("2024-02", "tengrinews.kz")]["per_1000_words"] == round(1000 / words["a3"], 4)
    assert all(r["month"] for r in rows.values())  # a4 (undated) is left out
    pooled = {r["month"]: r for r in series_rows(analyses, by=(), views={})}
    assert pooled["2024-01"]["words"] == words["a1"] + words["a2"]
    assert pooled["2024-01"]["per_1000_words"] == round(2000 / (words["a1"] + words["a2"]), 4)


def test_export_series_with_outlet_map_and_period(pipeline, corpus, tmp_path, capsys):
    pm = pipeline.pm
    store = tmp_path / "news.sqlite"
    assert main(["analyze", str(corpus), "--store", str(store), "-q"], plugin_manager=pm) == 0
    outlets = tmp_path / "outlets.txt"
    outlets.write_text("# our names\nrussian.rt.com = RT\nng.ru = Независимая\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["export", str(store), "--format", "csv", "--table", "series", "--outlet-map", str(outlets),
                 "--since", "2024-01", "--until", "2024-01"], plugin_manager=pm) == 0
    out, err = capsys.readouterr()
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {(r["month"], r["outlet"]) for r in rows} == {("2024-01", "RT"), ("2024-01", "Независимая")}
    assert "4 document(s): 1 outside 2024-01-01..2024-01-31 skipped, 1 undated skipped" in err
    assert main(["export", str(store), "--format", "csv", "--table", "documents"], plugin_manager=pm) == 0
    assert "1 of 4 document(s) undated" in capsys.readouterr().err
    # --keep-undated keeps a4, whose month stays empty in the documents table
    assert main(["export", str(store), "--format", "csv", "--since", "2024-02", "--keep-undated"],
                plugin_manager=pm) == 0
    assert [r["doc_id"] for r in csv.DictReader(io.StringIO(capsys.readouterr().out))] == ["a3", "a4"]


def test_user_dates_file_dates_what_metadata_cannot(pipeline, corpus, tmp_path, capsys):
    dates = tmp_path / "dates.csv"
    dates.write_text("id,date\na4,2024-03-02\n", encoding="utf-8")
    assert main(["analyze", str(corpus), "--format", "jsonl", "--since", "2024-03", "--dates", str(dates)],
                plugin_manager=pipeline.pm) == 0
    out, err = capsys.readouterr()
    assert [json.loads(line)["document"]["id"] for line in out.splitlines()] == ["a4"]
    assert "0 undated skipped" in err and "3 outside" in err


def test_date_field_and_toml_dates(pipeline, tmp_path, capsys):
    records = [{"id": "f1", "вышла": "7 апреля 2024", "text": "Суверенитет обсуждали весь день."},
               {"id": "f2", "text": "Суверенный фонд отчитался."}]
    path = tmp_path / "f.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    dates = tmp_path / "dates.toml"
    dates.write_text('[dates]\n"f2" = "2024-05-01"\n', encoding="utf-8")
    assert main(["analyze", str(path), "--format", "jsonl", "--date-field", "вышла", "--dates", str(dates),
                 "--since", "2024-04", "--until", "2024-04"], plugin_manager=pipeline.pm) == 0
    out, err = capsys.readouterr()
    assert [json.loads(line)["document"]["id"] for line in out.splitlines()] == ["f1"]
    assert "1 outside 2024-04-01..2024-04-30 skipped, 0 undated" in err


@pytest.mark.parametrize("content, name, where", [
    ("rt.com = RT\nгазета без знака\n", "map.txt", r"map\.txt:2: expected 'KEY = VALUE'"),
    ('[outlets]\n"rt.com" = "RT"\n"ng.ru" = \n', "map.toml", r"map\.toml:3: not valid TOML"),
    ('[outlets]\n"rt.com" = ["RT"]\n', "list.toml", r"list\.toml:2: 'rt.com' in the outlet map file must be a text"),
])
def test_broken_outlet_map_is_one_line_naming_file_and_line(content, name, where, tmp_path, capsys, pipeline):
    bad = tmp_path / name
    bad.write_text(content, encoding="utf-8")
    store = tmp_path / "s.sqlite"
    store.touch()
    assert main(["export", str(store), "--format", "csv", "--outlet-map", str(bad)]) == 2
    err = capsys.readouterr().err
    assert re.search(where, err) and len(err.strip().splitlines()) == 1


def test_toml_outlet_map(tmp_path):
    f = tmp_path / "outlets.toml"
    f.write_text('[outlets]\n"russian.rt.com" = "RT"\n"ng.ru" = "НГ"\n', encoding="utf-8")
    with md.configured(md.Metadata(outlet_map=md.load_outlet_map(f))):
        assert md.outlet_of({"url": "https://amp.ng.ru/?p=1"}) == "НГ"
        assert md.outlet_of({"url": "https://russian.rt.com/a"}) == "RT"


def test_period_bounds():
    assert md.period_bound("2024-02", end=True).isoformat() == "2024-02-29"
    assert md.period_bound("2024").isoformat() == "2024-01-01"
    assert md.period_bound("2023", end=True).isoformat() == "2023-12-31"
    with pytest.raises(ValueError):
        md.period_bound("прошлой весной")
    assert main(["analyze", "x.txt", "--since", "2024-13"]) == 2


def test_tables_and_report_give_one_outlet_and_date_per_document(pipeline, corpus, tmp_path, capsys):
    """The CSV and the HTML corpus report, from one store with one outlet map, agree document by document."""
    pm = pipeline.pm
    store = tmp_path / "news.sqlite"
    main(["analyze", str(corpus), "--store", str(store), "-q"], plugin_manager=pm)
    outlets = tmp_path / "outlets.txt"
    outlets.write_text("rt.com = RT\n", encoding="utf-8")
    capsys.readouterr()
    main(["export", str(store), "--format", "csv", "--outlet-map", str(outlets)], plugin_manager=pm)
    table = {r["doc_id"]: (r["outlet"], r["month"]) for r in csv.DictReader(io.StringIO(capsys.readouterr().out))}
    html = tmp_path / "r.html"
    assert main(["report", str(store), "-o", str(html), "--outlet-map", str(outlets)], plugin_manager=pm) == 0
    assert "1 of 4 document(s) undated" in capsys.readouterr().err
    page = html.read_text(encoding="utf-8")
    index = re.findall(r'<tr id="doc-\d+"><td>([^<]+?) ?(?:<a [^>]*>↗</a>)?</td><td>([^<]*)</td><td>([^<]*)</td>', page)
    report = {doc: (outlet, date[:7]) for doc, date, outlet in index}
    assert report == table
    assert table["a1"] == ("RT", "2024-01") and table["a2"] == ("ng.ru", "2024-01") and table["a4"][1] == ""
    assert "Per 1,000 words over time" in page and "<polyline" in page
    assert "1 undated (left out of the counts over time)" in page


def test_corpus_report_and_labels_table_group_by_any_field(pipeline, corpus, tmp_path, capsys):
    pm = pipeline.pm
    store = tmp_path / "news.sqlite"
    main(["analyze", str(corpus), "--store", str(store), "-q"], plugin_manager=pm)
    html = tmp_path / "r.html"
    assert main(["report", str(store), "-o", str(html), "--by", "section"], plugin_manager=pm) == 0
    page = html.read_text(encoding="utf-8")
    assert "<h3>By section</h3>" in page and "<h4>политика</h4>" in page and "<h4>экономика</h4>" in page
    capsys.readouterr()
    assert main(["export", str(store), "--format", "csv", "--table", "labels", "--by", "section"],
                plugin_manager=pm) == 0
    rows = {r["section"]: int(r["findings"]) for r in csv.DictReader(io.StringIO(capsys.readouterr().out))}
    assert rows == {"политика": 3, "": 1}  # a1: 2, a3: 1; a4 has no section


def test_series_chart_is_inline_svg_with_escaped_labels():
    from kzmedia.report import charts

    svg = charts.lines(["2024-01", "2024-02", "2024-03"],
                       [("<script>x</script>", [1.0, None, 3.0], "hsl(10,70%,40%)")],
                       title="t", unit="per 1,000 words")
    assert svg.startswith("<svg") and "<script>" not in svg and "&lt;script&gt;" in svg
    assert "style=" not in svg  # the report's policy allows no style attribute
    assert "<polyline" not in svg  # a month without documents breaks the line: no two neighbours here
    assert svg.count("<circle") == 2


def test_analysis_renders_inline_escaped_with_its_findings(pipeline):
    text = "Суверенитет <script>alert(1)</script> и снова суверенный курс."
    analysis = pipeline.analyze(kzmedia.Document(text, id="<b>doc</b>"))
    html = analysis._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;doc&lt;/b&gt;" in html
    assert re.findall(r"<mark [^>]*>([^<]*)</mark>", html) == ["Суверенитет", "суверенный"]
    df = analysis.to_pandas()
    assert list(df["text"]) == ["Суверенитет", "суверенный"]
    assert all(text[s:e] == t for s, e, t in zip(df["start"], df["end"], df["text"]))


def test_kwic_renders_inline_escaped_and_as_a_dataframe():
    docs = [kzmedia.Document("Слово <script>суверенитет</script> стоит здесь.", id="k1")]
    result = kwic("суверенитет", docs, window=2)
    html = result._repr_html_()
    assert "<script>" not in html and "<mark>суверенитет</mark>" in html
    df = result.to_pandas()
    assert list(df.columns[:6]) == ["doc_id", "start", "end", "left", "match", "right"]
    assert df.loc[0, "match"] == "суверенитет"


def test_frame_evidence_is_a_findings_table():
    analysis = kzmedia.analyze("Казахстан защищает свой суверенитет и независимость от давления извне.",
                               analyzers=["framing"])
    evidence = analysis.to_pandas(analyzer="framing")
    assert len(evidence) and set(evidence["analyzer"]) == {"framing"}
    text = analysis.document.text
    assert all(text[s:e] == t for s, e, t in zip(evidence["start"], evidence["end"], evidence["text"]))
    assert all("stance" in x for x in evidence["extra"])


def test_progress_total_counts_files_and_jsonl_lines(corpus, tmp_path):
    (tmp_path / "d").mkdir()
    for i in range(3):
        (tmp_path / "d" / f"{i}.txt").write_text("Текст.", encoding="utf-8")
    with open(corpus, "a", encoding="utf-8") as fh:
        fh.write("\n\n")  # blank lines are no documents
    assert count_documents([str(corpus), str(tmp_path / "d"), str(tmp_path / "missing.txt")]) == 4 + 3 + 1
    assert count_documents([str(tmp_path / "d" / "*.txt")]) == 3
    assert count_documents(["-"]) is None
    (tmp_path / "t.csv").write_text('text\n"две\nстроки"\n', encoding="utf-8")
    assert count_documents([str(tmp_path / "t.csv")]) is None  # a CSV record can span lines


def test_no_progress_output_when_stderr_is_not_a_terminal(corpus):
    done = subprocess.run([sys.executable, "-m", "kzmedia", "analyze", str(corpus), "--only", "framing",
                           "--format", "jsonl"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stderr == "" and len(done.stdout.splitlines()) == 4
    done = subprocess.run([sys.executable, "-m", "kzmedia", "report", str(corpus), "--only", "framing",
                           "--view", "corpus", "-o", "-"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() == ["kzmedia: 1 of 4 document(s) undated (no date in --dates, --date-field, "
                                        "the metadata or the URL): left out of every per-month count"]
