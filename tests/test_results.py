"""The generic result model (findings, scores, relations), its normaliser and the commands hook."""

from __future__ import annotations

import pytest

import kzmedia
from kzmedia import Finding, Relation, Score, Span, hookimpl, normalise
from kzmedia.cli import main
from kzmedia.testing import analyzer_plugin, make_document, make_pipeline, make_plugin_manager_for

TEXT = "Против банка ввели санкции. Новые санкции обсуждают в Астане."


class Sanctions:
    """The README's ten-line plugin, unchanged."""

    name, version = "sanctions", "1.0"

    def analyze(self, document):
        hits = [t for t in document.tokens if t.lemma == "санкция"]
        return {"count": len(hits), "findings": [{"start": t.start, "end": t.end, "text": t.text,
                                                  "label": "sanction"} for t in hits]}


def test_the_readme_plugin_is_findings_and_a_count_score():
    analysis = make_pipeline(Sanctions()).analyze(make_document(TEXT))
    model = analysis.model("sanctions")
    assert [(f.label, f.text) for f in model.findings] == [("sanction", "санкции"), ("sanction", "санкции")]
    assert [(s.name, s.value, s.unit, s.group) for s in model.scores] == [("count", 2, "count", None)]
    assert model.relations == ()
    assert analysis.findings == list(model.findings)


def test_explicit_scores_relations_and_grouped_numbers():
    body = {"analyzer_version": "2", "per_1000_words": 12.5, "present": True, "label": "x",
            "by_category": {"measures": 2, "lists": 1},
            "scores": [{"name": "tone", "value": -0.4, "unit": "polarity", "group": "KAZ",
                        "evidence": [{"start": 0, "end": 6, "text": "Против"}]}],
            "relations": [{"source": "RUS", "target": "KAZ", "label": "supports", "score": 0.7,
                           "evidence": [{"start": 7, "end": 12, "text": "банка"}], "verb": "поддержать"}]}
    model = normalise("demo", body)
    scores = {(s.name, s.group): (s.value, s.unit) for s in model.scores}
    assert scores == {("tone", "KAZ"): (-0.4, "polarity"), ("per_1000_words", None): (12.5, "per_1000_words"),
                      ("by_category", "measures"): (2, "count"), ("by_category", "lists"): (1, "count")}
    (rel,) = model.relations
    assert (rel.source, rel.target, rel.label, rel.score) == ("RUS", "KAZ", "supports", 0.7)
    assert rel.evidence == (Span(7, 12, "банка"),) and rel.extra == {"verb": "поддержать"}
    # booleans and strings are not scores; a finding without text takes it from the document
    assert normalise("demo", {"findings": [{"start": 0, "end": 6}]}, text=TEXT).findings[0].text == "Против"


def test_an_analyzer_view_replaces_the_generic_rules():
    class Nested:
        name, version = "nested", "1"

        def analyze(self, document):
            start = document.text.index("Астане")
            return {"groups": [{"id": "capital", "spans": [{"start": start, "end": start + 6}]}]}

        def result_model(self, result):
            for g in result["groups"]:
                for s in g["spans"]:
                    yield Finding(self.name, g["id"], s["start"], s["end"], "Астане")
            yield Score(self.name, "groups", len(result["groups"]))
            yield Relation(self.name, "a", "b", "near")

    pipeline = make_pipeline(Nested())
    doc = make_document(TEXT)
    analysis = pipeline.analyze(doc)
    model = analysis.model("nested")
    assert [f.label for f in model.findings] == ["capital"]
    assert [(s.name, s.value) for s in model.scores] == [("groups", 1)]
    assert [r.label for r in model.relations] == ["near"]
    # the same from the JSON alone, given the installed analyzers' views
    again = kzmedia.Analysis.from_dict(analysis.to_dict(), views=pipeline.views)
    assert again.model("nested") == model
    assert kzmedia.results.result_views(pm=pipeline.pm) .keys() == {"nested"}


def test_a_bad_view_item_is_named():
    with pytest.raises(TypeError, match="'odd'.*str"):
        normalise("odd", {}, view=lambda body: ["not a finding"])


def test_spans_are_checked():
    with pytest.raises(ValueError):
        Span(3, 2, "")
    with pytest.raises(ValueError):
        Score("a", "n", 1, evidence=[{"start": 0, "end": 3, "text": "ab"}])


class HelloCommands:
    """A plugin bringing a command and an evaluation."""

    @hookimpl
    def kzmedia_register_commands(self, register):
        def add(parser):
            parser.add_argument("who")

        def hello(args):
            names = sorted(kzmedia.plugins.collect_analyzers(args.plugin_manager))
            print(f"привет, {args.who}: {','.join(names)}")
            return 0

        def agreement(args):
            print(f"agreement on {args.who}")
            return 3

        register("hello", add, hello, help="say hello")
        register("toy", add, agreement, help="a toy evaluation", group="evaluate")


def test_plugins_register_commands_and_evaluations(capsys):
    pm = make_plugin_manager_for(HelloCommands(), analyzer_plugin(Sanctions()))
    assert main(["hello", "мир"], plugin_manager=pm) == 0
    assert capsys.readouterr().out == "привет, мир: sanctions\n"
    assert main(["evaluate", "toy", "x"], plugin_manager=pm) == 3
    assert "agreement on x" in capsys.readouterr().out


def test_two_plugins_registering_one_command_name_both_named(capsys):
    class Again(HelloCommands):
        pass

    pm = make_plugin_manager_for(HelloCommands(), Again())
    assert main(["plugins"], plugin_manager=pm) == 0  # the core's commands still work
    err = capsys.readouterr().err
    assert "two plugins register the command 'hello'" in err
