"""Plugins' own views: a table (``kzmedia_register_tables``) and a report panel
(``kzmedia_register_report_panels``) from a toy plugin built with :mod:`kzmedia.testing`, and the
built-in actors plugin's, which use the same hooks."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from kzmedia import Pipeline, PluginError
from kzmedia.cli import main
from kzmedia.report import Panel, render_document_report
from kzmedia.tables import available_tables, rows, to_pandas
from kzmedia.testing import analyzer_plugin, hook_plugin, make_document, make_plugin_manager_for

TEXTS = {
    "a": "Министр назвал переговоры «трудными, но полезными». Посол ответил, что «решение близко».",
    "b": "Делегации обсудили транзит зерна и тарифы на перевозку.",
}


class Quotes:
    """Every «…» quotation as a finding, and how many there are."""

    name, version = "quotes", "1"

    def analyze(self, document):
        found = [{"label": "quote", "start": m.start(1), "end": m.end(1), "text": m.group(1)}
                 for m in re.finditer(r"«([^»]+)»", document.text)]
        return {"findings": found, "count": len(found)}


def quoted_rows(analysis):
    """The toy plugin's own table: one row per quotation with its length in characters."""
    for f in (analysis["results"].get("quotes") or {}).get("findings", ()):
        yield {"quote": f["text"], "chars": f["end"] - f["start"]}


def quote_tables(register):
    register("quotations", quoted_rows, help="one row per quotation")


def quote_panel(model):
    return Panel("quotes: the longest", ("quote", "chars"),
                 sorted(((f.text, len(f.text)) for f in model.findings), key=lambda r: -r[1])[:1])


def quote_panels(register):
    register("quotes", quote_panel)


def plugin_manager():
    return make_plugin_manager_for(analyzer_plugin(Quotes()),
                                   hook_plugin(kzmedia_register_tables=quote_tables,
                                               kzmedia_register_report_panels=quote_panels))


@pytest.fixture
def store(tmp_path):
    pm = plugin_manager()
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("".join(json.dumps({"id": k, "text": t}, ensure_ascii=False) + "\n" for k, t in TEXTS.items()),
                      encoding="utf-8")
    path = tmp_path / "r.sqlite"
    assert main(["analyze", str(corpus), "--store", str(path), "--quiet"], plugin_manager=pm) == 0
    return path, pm


def test_a_plugin_table_is_listed_and_read_with_the_document_columns_first(store):
    path, pm = store
    assert available_tables(pm)[-1] == "quotations"
    got = list(rows(path, "quotations", plugin_manager=pm))
    assert got == [{"doc_id": "a", "outlet": None, "month": None, "quote": "трудными, но полезными", "chars": 22},
                   {"doc_id": "a", "outlet": None, "month": None, "quote": "решение близко", "chars": 14}]


def test_a_plugin_table_in_kzmedia_export_and_to_pandas(store, capsysbinary):
    path, pm = store
    assert main(["export", str(path), "--format", "csv", "--table", "quotations"], plugin_manager=pm) == 0
    table = list(csv.DictReader(io.StringIO(capsysbinary.readouterr().out.decode("utf-8"))))
    assert [(r["doc_id"], r["quote"], r["chars"]) for r in table] == [
        ("a", "трудными, но полезными", "22"), ("a", "решение близко", "14")]
    pytest.importorskip("pandas")
    df = to_pandas(path, "quotations", plugin_manager=pm)
    assert list(df.columns) == ["doc_id", "outlet", "month", "quote", "chars"]
    assert df["chars"].tolist() == [22, 14]


def test_an_unknown_table_names_the_plugins_tables_too(store, capsys):
    path, pm = store
    assert main(["export", str(path), "--format", "csv", "--table", "quotes"], plugin_manager=pm) == 2
    assert "no such table; choose one of documents, findings" in capsys.readouterr().err
    assert "quotations" in ", ".join(available_tables(pm))


def test_a_plugin_table_under_a_core_name_is_refused():
    pm = make_plugin_manager_for(hook_plugin(kzmedia_register_tables=lambda register: register("scores", quoted_rows),
                                             name="greedy"))
    with pytest.raises(PluginError, match="plugin 'greedy' registers the table 'scores'"):
        available_tables(pm)


def test_a_plugin_panel_is_drawn_escaped_beside_its_analyzer():
    pm = plugin_manager()
    pipe = Pipeline(plugin_manager=pm)
    doc = make_document("Он сказал: «<b>нет</b> и ещё раз нет».", id="x")
    html = render_document_report([pipe.analyze(doc)], panels={"quotes": [quote_panel]})
    assert "<h4>quotes: the longest</h4>" in html
    assert "<td>&lt;b&gt;нет&lt;/b&gt; и ещё раз нет</td>" in html
    assert "<b>нет</b>" not in html
    plain = render_document_report([pipe.analyze(doc)], panels={})
    assert "quotes: the longest" not in plain


def test_a_failing_panel_is_named_and_the_report_still_drawn():
    def broken(model):
        raise KeyError("shape")

    pipe = Pipeline(plugin_manager=plugin_manager())
    html = render_document_report([pipe.analyze(make_document(TEXTS["a"], id="a"))],
                                  panels={"quotes": [broken]})
    assert "panel test_a_failing_panel_is_named_and_the_report_still_drawn.&lt;locals&gt;.broken failed: KeyError" in html
    assert "трудными, но полезными" in html


def test_the_report_command_draws_the_plugins_panel(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text(TEXTS["a"], encoding="utf-8")
    out = tmp_path / "r.html"
    assert main(["report", str(src), "-o", str(out)], plugin_manager=plugin_manager()) == 0
    assert "<td>трудными, но полезными</td><td>22</td>" in out.read_text(encoding="utf-8")


def test_hook_plugin_refuses_a_misspelt_hook():
    with pytest.raises(ValueError, match="kzmedia_register_table\\b"):
        hook_plugin(kzmedia_register_table=quote_tables)


# -- the built-in actors plugin uses the same hooks ------------------------------------------

ACTORS_TEXT = "Китай поддержал Казахстан. Россия не осудила Китай за пошлины."


@pytest.fixture(scope="module")
def actors_pm():
    import kzmedia_actors

    return make_plugin_manager_for(kzmedia_actors)


def test_actors_events_table_keeps_what_the_relations_table_flattens(actors_pm, tmp_path):
    pipe = Pipeline(plugin_manager=actors_pm)
    analysis = pipe.analyze(make_document(ACTORS_TEXT, id="d"))
    events = list(rows([analysis], "actor_events", plugin_manager=actors_pm))
    assert events, "the actors analyzer found no event in two plain transitive clauses"
    for e in events:
        assert ACTORS_TEXT[e["start"]:e["end"]] == e["text"]
        assert ACTORS_TEXT[e["trigger_start"]:e["trigger_end"]] == e["trigger"]
    support = [e for e in events if e["source"] == "CHN" and e["target"] == "KAZ"]
    assert support and support[0]["negated"] is False
    assert any(e["negated"] for e in events if e["source"] == "RUS")
    attitudes = list(rows([analysis], "actor_attitudes", plugin_manager=actors_pm))
    assert all(a["evidence"] >= 1 and ACTORS_TEXT[a["start"]:a["end"]] == a["text"] for a in attitudes)


def test_actors_events_panel_in_the_report(actors_pm):
    pipe = Pipeline(plugin_manager=actors_pm)
    from kzmedia.report.panels import default_panels

    html = render_document_report([pipe.analyze(make_document(ACTORS_TEXT, id="d"))],
                                  panels=default_panels(actors_pm))
    assert "<h4>actors: events</h4>" in html
    assert re.search(r"<td>CHN</td><td>[a-z]+</td><td>KAZ</td>", html)


def test_actors_section_of_a_group_comparison(actors_pm):
    from kzmedia import compare_groups

    mention = ["Китай поддержал Казахстан в вопросе транзита.", "Китай открыл в Алматы новый завод.",
               "Пекин и Астана подписали соглашение о поставках зерна."]
    without = ["Россия осудила пошлины, которые ввёл Казахстан.", "Москва и Астана обсудили тарифы.",
               "Казахстан повысил пошлины на ввоз угля."]
    cmp = compare_groups({"china": mention, "other": without}, pipeline=Pipeline(["actors"], plugin_manager=actors_pm),
                         min_docs=3, permutations=0)
    section = cmp.sections["actors"].to_dict()
    rows = {r["id"]: r for r in section["actors"]}
    assert rows["CHN"]["china"]["documents"] == 100.0 and rows["CHN"]["other"]["documents"] == 0.0
    assert rows["CHN"]["other"]["portrayal"] is None and rows["CHN"]["china"]["portrayal"]["label"]
    assert rows["KAZ"]["other"]["mentioned_in"] == 3
    assert section["actors"][0]["id"] in {"CHN", "RUS"}  # the largest difference in % of documents first
    lines = cmp.sections["actors"].lines(3)
    assert lines[0].startswith("actors per group") and any(line.strip().startswith("china") for line in lines)
