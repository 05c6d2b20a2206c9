"""Options: one parser for every analyzer (lists, numbers, bounds, choices), one-line file errors."""

from __future__ import annotations

import pytest

from kzmedia import Pipeline
from kzmedia.cli import main
from kzmedia.config import ConfigError, Option, load_config_file, parse_set_options
from kzmedia.testing import make_plugin_manager_for

TEXT = "Санкции против Казахстана обсуждали в Астане."


class Options:
    """A toy analyzer that echoes the options it was set up with."""

    name, version = "echo", "1"
    options = {
        "labels": Option(list, ["a"], "labels to keep", choices=("a", "b", "Loaded_Language")),
        "window": Option(int, 3, "a window", minimum=0),
        "weight": (float, 0.5, "a weight"),
        "files": (list, [], "paths"),
    }

    def setup(self, context):
        self.seen = context.options(self.name)

    def analyze(self, document):
        return dict(self.seen)


def pipeline(set_values):
    return Pipeline(config=parse_set_options(set_values), plugin_manager=make_plugin_manager_for(Options()))


def test_a_list_option_given_as_a_string_is_split_on_commas_not_into_characters():
    got = pipeline(["echo.labels=Loaded_Language", "echo.files=my.dic"]).analyze(TEXT).result("echo")
    assert got["labels"] == ["Loaded_Language"] and got["files"] == ["my.dic"]
    got = pipeline(["echo.labels=a, b", "echo.window=2", "echo.weight=1"]).analyze(TEXT).result("echo")
    assert (got["labels"], got["window"], got["weight"]) == (["a", "b"], 2, 1.0)
    assert pipeline(['echo.labels=["b"]']).analyze(TEXT).result("echo")["labels"] == ["b"]  # TOML literal


@pytest.mark.parametrize("value, message", [
    ("echo.labels=Lodaed", r"unknown value\(s\) 'Lodaed'; choose from a, b"),
    ("echo.window=-1", "below the minimum 0"),
    ("echo.window=x", "expected int, got 'x'"),
    ("echo.widow=3", "unknown option 'widow' for analyzer 'echo'; it accepts: files, labels, weight, window"),
])
def test_bad_values_are_named_with_their_source(value, message):
    with pytest.raises(ConfigError, match=f"^--set: .*{message}"):
        pipeline([value])


def test_the_rhetoric_list_options_take_one_technique_as_a_string(capsys, tmp_path):
    doc = tmp_path / "t.txt"
    doc.write_text("Это якобы честные выборы. Позор!", encoding="utf-8")
    assert main([
        "analyze", str(doc), "--only", "rhetoric", "--set", "rhetoric.disabled_techniques=Doubt",
        "--format", "json"]) == 0
    assert '"Doubt"' not in capsys.readouterr().out
    assert main(["analyze", str(doc), "--only", "rhetoric", "--set", "rhetoric.min_confidence=2"]) == 2
    assert "rhetoric.min_confidence: 2.0 is above the maximum 1.0" in capsys.readouterr().err


def test_a_lexicon_for_a_misspelt_analyzer_is_an_error_naming_the_installed_ones(capsys, tmp_path):
    doc = tmp_path / "t.txt"
    doc.write_text(TEXT, encoding="utf-8")
    pm = make_plugin_manager_for(Options())
    assert main(["analyze", str(doc), "--lexicon", "ehco=x.toml"], plugin_manager=pm) == 2
    assert capsys.readouterr().err == "kzmedia: error: --lexicon ehco=…: no analyzer named 'ehco'; installed: echo\n"


def test_config_file_errors_are_one_line(tmp_path, capsys, monkeypatch):
    bad = tmp_path / "kzmedia.toml"
    bad.write_bytes("[echo]\nweight = 0.7 # ".encode() + "вес".encode("cp1251") + b"\n")
    with pytest.raises(ConfigError, match=r"kzmedia.toml: not valid UTF-8 at byte 22 \(byte 0xe2\)"):
        load_config_file(bad)
    project = tmp_path / "p"
    project.mkdir()
    (project / "pyproject.toml").write_text("[tool]\nkzmedia = 3\n", encoding="utf-8")
    monkeypatch.chdir(project)
    doc = tmp_path / "t.txt"
    doc.write_text(TEXT, encoding="utf-8")
    assert main(["analyze", str(doc)], plugin_manager=make_plugin_manager_for(Options())) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "pyproject.toml: [tool] kzmedia = 3: expected a table" in err


@pytest.mark.parametrize("name", ["framing", "actors", "rhetoric"])
def test_every_built_in_analyzer_refuses_a_misspelt_option(name, capsys):
    # each built-in declares its options, so a typo is an error rather than silently ignored
    with pytest.raises(ConfigError, match="unknown option 'segmnts'"):
        Pipeline([name], config={name: {"segmnts": False}})


def test_framing_presence_rule_fields_are_checked():
    with pytest.raises(ConfigError, match=r"presence rule field\(s\) \['max_rnk'\] unknown"):
        Pipeline(["framing"], config={"framing": {"presence_generic": {"max_rnk": 2}}})
    pipe = Pipeline(["framing"], config={"framing": {"presence_generic": {"max_rank": 2}, "segments": "false"}})
    framing = pipe.analyzers["framing"]
    assert framing.presence["generic"].max_rank == 2 and framing.segments is False
