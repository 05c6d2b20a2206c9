"""The analyzer protocol: what an analyzer requires and produces, checked when a pipeline is built."""

from __future__ import annotations

import pluggy
import pytest

import kzmedia
from kzmedia import Pipeline, PluginError, Produces, hookspecs
from kzmedia.cli import main
from kzmedia.testing import analyzer_plugin, make_pipeline, make_plugin_manager_for

TEXT = ("Против двух банков ввели санкции. Экспортёры зерна ищут новые маршруты. "
        "Новые санкции ударят по транзиту через Актау.")


class Sanctions:
    """The README's ten-line plugin: declares nothing."""

    name, version = "sanctions", "1.0"

    def analyze(self, document):
        hits = [t for t in document.tokens if t.lemma == "санкция"]
        return {"count": len(hits),
                "findings": [{"start": t.start, "end": t.end, "text": t.text, "label": "sanction"} for t in hits]}


class SanctionDensity:
    """Reads the ``sanctions`` result: the share of sentences that mention sanctions."""

    name, version = "sanction_density", "1.0"
    requires = ("sentences", "sanctions")
    produces = {"scores": ["sentences_with_sanctions"]}

    def __init__(self):
        self.seen = []

    def analyze(self, document, results):
        self.seen.append(results)
        starts = {f["start"] for f in results["sanctions"]["findings"]}
        hit = sum(1 for s in document.sentences if any(s.start <= a < s.end for a in starts))
        return {"sentences_with_sanctions": round(hit / len(document.sentences), 4)}


class Requiring:
    def __init__(self, name, *requires, produces=None):
        self.name, self.version, self.requires = name, "1", requires
        if produces is not None:
            self.produces = produces

    def analyze(self, document, results=None):
        return {"got": sorted(results or {})}


def test_undeclared_plugin_gets_the_defaults():
    pipe = make_pipeline(Sanctions())
    assert pipe.requires == {"sanctions": ()} and pipe.produces == {"sanctions": None}
    assert pipe.analyze(TEXT).result("sanctions")["count"] == 2


def test_a_required_analyzer_runs_first_and_its_result_is_passed():
    density = SanctionDensity()
    pipe = make_pipeline(density, Sanctions())  # registered before what it reads
    assert list(pipe.analyzers) == ["sanctions", "sanction_density"]
    analysis = pipe.analyze(TEXT)
    assert analysis.result("sanction_density")["sentences_with_sanctions"] == round(2 / 3, 4)
    assert list(density.seen[0]) == ["sanctions"] and density.seen[0]["sanctions"]["count"] == 2
    assert list(analysis.results) == ["sanctions", "sanction_density"]
    # only= (the store's partial recomputation) brings the requirement along
    again = pipe.analyze(TEXT, only=["sanction_density"])
    assert set(again.results) == {"sanctions", "sanction_density"}
    assert pipe.produces["sanction_density"] == Produces({"scores": ("sentences_with_sanctions",)})


def test_a_requirement_that_failed_on_a_document_is_an_error_of_the_dependent():
    class Broken(Sanctions):
        def analyze(self, document):
            if "Актау" in document.text:
                raise ValueError("no route data")
            return super().analyze(document)

    pipe = make_pipeline(Broken(), SanctionDensity(), strict=False)
    analysis = pipe.analyze(TEXT)
    assert analysis.results == {}
    assert [(e["analyzer"], e["stage"]) for e in analysis.errors] == [("sanctions", "analyze"),
                                                                    ("sanction_density", "requires")]
    assert "requires the result of 'sanctions', which failed" in analysis.errors[1]["message"]
    assert pipe.analyze("Санкции продлили на год.").result("sanction_density")["sentences_with_sanctions"] == 1.0


def test_requiring_an_analyzer_that_is_not_enabled_names_both():
    pm = make_plugin_manager_for(Sanctions(), SanctionDensity())
    with pytest.raises(PluginError, match=r"analyzer 'sanction_density' requires analyzer 'sanctions', "
                                          r"which is installed but not enabled"):
        Pipeline(["sanction_density"], plugin_manager=pm)
    with pytest.raises(PluginError, match="'sanction_density' requires analyzer 'sanctions'"):
        Pipeline(plugin_manager=pm, disabled=["sanctions"])
    assert list(Pipeline(["sanctions"], plugin_manager=pm).analyzers) == ["sanctions"]


def test_the_command_line_says_which_requirement_is_missing(tmp_path, capsys):
    corpus = tmp_path / "a.txt"
    corpus.write_text(TEXT, encoding="utf-8")
    pm = make_plugin_manager_for(Sanctions(), SanctionDensity())
    assert main(["analyze", str(corpus), "--only", "sanction_density"], plugin_manager=pm) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "'sanction_density' requires analyzer 'sanctions'" in err[0]


@pytest.mark.parametrize("analyzers, message", [
    ([Requiring("a", "pos_tags")], r"analyzer 'a' requires 'pos_tags', which is neither a document feature "
                                   r"\(text, tokens, sentences, paragraphs, morphology\) nor an installed analyzer"),
    ([Requiring("a", "b"), Requiring("b", "a")], r"requirements form a cycle \((a → b → a|b → a → b)\)"),
    ([Requiring("a", "a")], r"cycle \(a → a\)"),
    ([Requiring("a", "tokens, sentences")], r"'a' requires 'tokens, sentences'"),
    ([Requiring("a", produces={"spans": ["x"]})], r"analyzer 'a': produces names unknown kind\(s\) 'spans'"),
    ([Requiring("a", produces="findings")], r"analyzer 'a': produces must map kinds"),
    ([Requiring("a", produces={"findings": "sanction"})], r"analyzer 'a': produces\['findings'\] must be a list"),
])
def test_a_bad_declaration_is_an_error_naming_the_analyzer(analyzers, message):
    with pytest.raises(PluginError, match=message):
        make_pipeline(*analyzers)


def test_requiring_a_string_instead_of_a_list_is_refused():
    bad = Requiring("a")
    bad.requires = "tokens"
    with pytest.raises(PluginError, match=r"analyzer 'a': requires must be a list of names, got 'tokens'"):
        make_pipeline(bad)


def test_morphology_needs_a_registered_lemmatizer():
    pm = pluggy.PluginManager(hookspecs.PROJECT)  # built by hand: without the core's lemmatizer plugin
    pm.add_hookspecs(hookspecs)
    pm.register(analyzer_plugin(Requiring("a", "tokens", "morphology")))
    with pytest.raises(PluginError, match="analyzer 'a' requires morphology, but no plugin registers a lemmatizer"):
        Pipeline(plugin_manager=pm)
    assert make_pipeline(Requiring("a", "tokens", "morphology")).requires == {"a": ()}


def test_produces_says_what_a_model_holds_beyond_the_declaration():
    pipe = make_pipeline(Sanctions())
    model = pipe.analyze(TEXT).model("sanctions")
    assert Produces.parse({"findings": ["sanction"], "scores": None}).undeclared(model) == []
    assert Produces.parse(["findings"]).undeclared(model) == ["scores (not declared)"]
    assert Produces.parse({"findings": ["sanctions"], "scores": ["count"]}).undeclared(model) == [
        "findings 'sanction' (declared: sanctions)"]


def test_builtins_declare_what_they_read_and_emit():
    pipe = Pipeline(["framing", "actors", "rhetoric"])
    assert all("morphology" in kzmedia.protocol.requires_of(n, a) for n, a in pipe.analyzers.items())
    texts = [TEXT,
             "Россия и Китай усиливают влияние в Казахстане. Запад, по словам экспертов, навязывает Астане "
             "санкции. Разве это не очевидно? Министр заявил, что Астана осудила давление Москвы.",
             "Все понимают, что так называемые аналитики лгут! Только враги народа могут поддерживать эту "
             "предательскую политику. США угрожают Казахстану пошлинами, а Токаев "
             "выступил за сотрудничество с Пекином и Брюсселем."]
    seen = {n: set() for n in pipe.analyzers}
    for text in texts:
        for name, model in pipe.analyze(text).models.items():
            assert pipe.produces[name].undeclared(model) == [], name
            seen[name] |= {k for k, v in (("findings", model.findings), ("scores", model.scores),
                                          ("relations", model.relations)) if v}
    assert seen == {"framing": {"findings", "scores"}, "actors": {"findings", "scores", "relations"},
                    "rhetoric": {"findings", "scores"}}
    assert "Security_and_defense" in pipe.produces["framing"].kinds["findings"]
    assert pipe.produces["actors"].kinds["findings"] is None  # one label per gazetteer actor: not listed
    off = Pipeline(["actors"], config={"actors": {"relations": False}})
    assert off.produces["actors"].kinds["relations"] == ("co-occurs",)
