"""The plugin manager and plugin configuration: discovery, enable/disable (API, CLI, environment),
duplicate names, failing analyzers, misspelt hooks, ``kzmedia plugins --hooks``, options."""

from __future__ import annotations

import json

import pluggy
import pytest

import kzmedia
from kzmedia import AnalyzerError, Pipeline, PluginError, hookimpl
from kzmedia.cli import main
from kzmedia.config import (ConfigError, load_config, merge_configs, parse_set_options,
                            validate_config)
from kzmedia.plugins import collect, collect_analyzers, list_plugins, make_plugin_manager
from kzmedia.testing import make_pipeline, make_plugin_manager_for, write_distribution

TEXT = "Астана и Москва обсудили транзит зерна через Каспий."

PLUGIN_SOURCE = '''
from kzmedia import hookimpl

class Counter:
    name = "{name}"
    version = "2.{n}"

    def analyze(self, document):
        return {{"words": document.words}}

@hookimpl
def kzmedia_register_analyzers(register):
    register(Counter())
'''


@pytest.fixture
def two_plugins(tmp_path, monkeypatch):
    """Two pip-installed-looking distributions, entry points ``alpha`` and ``beta``."""
    site = tmp_path / "site"
    write_distribution(site, "kzmedia-alpha", {"kz_alpha": PLUGIN_SOURCE.format(name="alpha", n=1)},
                       entry_points={"alpha": "kz_alpha"})
    write_distribution(site, "kzmedia-beta", {"kz_beta": PLUGIN_SOURCE.format(name="beta", n=2)},
                       entry_points={"beta": "kz_beta"})
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.delenv("KZMEDIA_PLUGINS", raising=False)
    monkeypatch.delenv("KZMEDIA_DISABLE", raising=False)
    return site


def analyzers_of(pm) -> set[str]:
    return set(collect_analyzers(pm))


class Named:
    """An analyzer whose behaviour a test chooses."""

    def __init__(self, name, fn=None, version="1"):
        self.name, self.version, self._fn = name, version, fn

    def analyze(self, document):
        return self._fn(document) if self._fn else {"chars": len(document.text)}


def plugin_registering(*analyzers, plugin_name):
    class P:
        __name__ = plugin_name

        @hookimpl
        def kzmedia_register_analyzers(self, register):
            for a in analyzers:
                register(a)

    p = P()
    p.__name__ = plugin_name
    return p


# --- discovery and enable/disable --------------------------------------------------------------

def test_entry_point_plugins_are_discovered_with_their_distribution(two_plugins):
    pm = make_plugin_manager()
    assert {"alpha", "beta"} <= analyzers_of(pm)
    rows = {r.name: r for r in list_plugins(pm)}
    assert rows["alpha"].distribution == "kzmedia-alpha" and rows["alpha"].version == "1.0"
    assert rows["beta"].hooks == ("kzmedia_register_analyzers",)


def test_only_and_disabled_through_the_api(two_plugins):
    assert analyzers_of(make_plugin_manager(only=["alpha"])) == {"alpha"}
    found = analyzers_of(make_plugin_manager(disabled=["alpha"]))
    assert "beta" in found and "alpha" not in found
    pipe = Pipeline(disabled=["beta"])
    assert "alpha" in pipe.analyzers and "beta" not in pipe.analyzers
    with pytest.raises(PluginError, match="unknown analyzer.*'beta'"):
        Pipeline(["beta"], disabled=["beta"])


def test_environment_variables_choose_plugins(two_plugins, monkeypatch):
    monkeypatch.setenv("KZMEDIA_PLUGINS", "beta")
    assert analyzers_of(make_plugin_manager()) == {"beta"}
    monkeypatch.setenv("KZMEDIA_PLUGINS", "")  # set but empty: no entry-point plugin at all
    pm = make_plugin_manager()
    assert analyzers_of(pm) == set()
    assert pm.get_plugin("kzmedia.morphology") is not None  # the core's own plugins stay
    monkeypatch.delenv("KZMEDIA_PLUGINS")
    monkeypatch.setenv("KZMEDIA_DISABLE", "alpha, beta")
    assert not {"alpha", "beta"} & analyzers_of(make_plugin_manager())
    # tests of a plugin must not depend on the environment: kzmedia.testing ignores it
    assert analyzers_of(make_plugin_manager_for(plugin_registering(Named("x"), plugin_name="p"))) == {"x"}


def test_essential_core_plugin_cannot_be_disabled(monkeypatch):
    monkeypatch.setenv("KZMEDIA_DISABLE", "kzmedia.morphology")
    assert make_plugin_manager(load_entrypoints=False).get_plugin("kzmedia.morphology") is not None


def test_cli_disable_flag(two_plugins, tmp_path, capsys):
    path = tmp_path / "a.txt"
    path.write_text(TEXT, encoding="utf-8")
    assert main(["analyze", "--format", "json", "--disable", "alpha", str(path)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert "beta" in data["results"] and "alpha" not in data["results"]
    assert data["results"]["beta"] == {"analyzer_version": "2.2", "words": 8}
    assert main(["plugins", "--json", "--disable", "beta"]) == 0
    names = {row["name"] for row in json.loads(capsys.readouterr().out)}
    assert "alpha" in names and "beta" not in names


def test_plugins_hooks_lists_implementers(two_plugins, capsys):
    assert main(["plugins", "--hooks"]) == 0
    out = capsys.readouterr().out
    section = out.split("kzmedia_register_analyzers\n", 1)[1]
    implementers = []
    for line in section.splitlines():
        if not line.startswith("    "):
            break
        implementers.append(line.strip())
    assert {"alpha", "beta"} <= set(implementers)
    assert "kzmedia_register_lemmatizers\n    kzmedia.morphology" in out


def test_plugins_analyzer_shows_declarations_of_a_third_party_and_a_builtin(two_plugins, capsys):
    # a third-party analyzer that declares nothing: the defaults the core assumes
    assert main(["plugins", "--analyzer", "alpha", "--json"]) == 0
    alpha = json.loads(capsys.readouterr().out)
    assert alpha == {"analyzer": "alpha", "version": "2.1", "plugin": "alpha", "requires": [], "produces": None,
                     "options": [], "data_versions": {}}
    # a built-in, through the same path: read after setup, so its data versions are there
    assert main(["plugins", "--analyzer", "rhetoric", "--json"]) == 0
    rhet = json.loads(capsys.readouterr().out)
    assert rhet["requires"] == ["tokens", "sentences", "morphology"]
    assert "Doubt" in rhet["produces"]["findings"]
    assert {"min_confidence", "enabled_techniques"} <= {o["name"] for o in rhet["options"]}
    assert rhet["data_versions"]["data_version"].startswith("tuning@")
    assert main(["plugins", "--analyzer", "rhetoric"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("rhetoric@") and "  min_confidence (float, default " in text
    assert main(["plugins", "--analyzer", "nosuch"]) == 2
    assert "no analyzer named 'nosuch'; installed: " in capsys.readouterr().err


# --- errors ----------------------------------------------------------------------------------

def test_duplicate_analyzer_names_name_both_plugins():
    pm = make_plugin_manager_for(plugin_registering(Named("tone"), plugin_name="first-plugin"),
                                 plugin_registering(Named("tone"), plugin_name="second-plugin"))
    with pytest.raises(PluginError) as info:
        Pipeline(plugin_manager=pm)
    message = str(info.value)
    assert "'tone'" in message and "first-plugin" in message and "second-plugin" in message


def test_a_raising_analyzer_is_recorded_and_the_others_still_run():
    def boom(document):
        raise RuntimeError("lexicon file vanished")

    plugin = plugin_registering(Named("broken", boom), Named("fine"), plugin_name="mixed")
    pipe = make_pipeline(plugin, strict=False)
    analysis = pipe.analyze(kzmedia.Document.from_text(TEXT, id="d1"))
    assert analysis.results["fine"] == {"chars": len(TEXT)}
    assert analysis.errors == [{"document": "d1", "analyzer": "broken", "stage": "analyze",
                                "message": "RuntimeError: lexicon file vanished"}]
    assert analysis.to_dict()["errors"] == analysis.errors
    strict = make_pipeline(plugin, strict=True)
    with pytest.raises(AnalyzerError, match="'broken' failed on document 'd1'.*vanished"):
        strict.analyze(kzmedia.Document.from_text(TEXT, id="d1"))


def test_cli_exit_code_is_1_when_an_analyzer_fails(tmp_path, monkeypatch, capsys):
    site = tmp_path / "site"
    write_distribution(site, "kzmedia-broken", {"kz_broken": '''
from kzmedia import hookimpl

class Broken:
    name, version = "broken", "0"
    def analyze(self, document):
        raise ValueError("no model")

@hookimpl
def kzmedia_register_analyzers(register):
    register(Broken())
'''}, entry_points={"broken": "kz_broken"})
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setenv("KZMEDIA_PLUGINS", "broken")
    path = tmp_path / "a.txt"
    path.write_text(TEXT, encoding="utf-8")
    assert main(["analyze", "--format", "json", str(path)]) == 1
    captured = capsys.readouterr()
    assert json.loads(captured.out)["errors"][0]["message"] == "ValueError: no model"
    assert "broken: ValueError: no model" in captured.err
    assert main(["analyze", "--strict", str(path)]) == 2
    assert "'broken' failed" in capsys.readouterr().err


def test_check_pending_catches_a_misspelt_hook():
    class Typo:
        @hookimpl
        def kzmedia_register_analyser(self, register):  # British spelling: not a kzmedia hook
            register(Named("never"))

    with pytest.raises(PluginError, match="kzmedia_register_analyser"):
        make_plugin_manager_for(Typo())


def test_misspelt_hook_in_an_installed_plugin_fails_the_cli_in_one_line(tmp_path, monkeypatch, capsys):
    site = tmp_path / "site"
    write_distribution(site, "kzmedia-typo", {"kz_typo": '''
from kzmedia import hookimpl

@hookimpl
def kzmedia_register_lexicon(register):
    pass
'''}, entry_points={"typo": "kz_typo"})
    monkeypatch.syspath_prepend(str(site))
    assert main(["plugins"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "kzmedia_register_lexicon" in err


def test_a_bad_registration_names_the_plugin():
    with pytest.raises(PluginError, match="plugin 'half'.*lacks version"):
        class NoVersion:
            name = "x"

            def analyze(self, document):
                return {}

        Pipeline(plugin_manager=make_plugin_manager_for(plugin_registering(NoVersion(), plugin_name="half")))


# --- the hook API grows without breaking plugins ------------------------------------------------

def test_an_implementation_may_take_fewer_arguments_than_the_spec():
    """The compatibility policy in docs/hooks.md: a hook gaining an argument breaks no plugin."""
    marker = pluggy.HookspecMarker("kzmedia")

    class FutureSpecs:  # imagine kzmedia 2.0 passing a new ``options`` argument
        @marker
        def kzmedia_register_analyzers(self, register, options):
            """Register analyzers (v2)."""

    pm = pluggy.PluginManager("kzmedia")
    pm.add_hookspecs(FutureSpecs)
    old = plugin_registering(Named("old"), plugin_name="old-plugin")  # written for (register)
    pm.register(old)
    pm.check_pending()
    got = []
    pm.hook.kzmedia_register_analyzers(register=got.append, options={"x": 1})
    assert [a.name for a in got] == ["old"]
    # kzmedia's own collector passes extra keyword arguments the same way
    pm2 = make_plugin_manager_for(old)
    assert [args[0].name for _, args, _ in collect(pm2, "kzmedia_register_analyzers", options={})] == ["old"]


# --- configuration -----------------------------------------------------------------------------

class Tunable:
    name, version = "tunable", "1"
    options = {
        "min_confidence": (float, 0.5, "drop findings below this"),
        "techniques": (list, [], "only these"),
        "verbose": (bool, False, "say more"),
        "limit": (int, 10, "at most this many"),
    }

    def __init__(self):
        self.seen = None

    def setup(self, context):
        self.seen = context.options(self.name)

    def analyze(self, document):
        return dict(self.seen)


def test_declared_options_get_defaults_and_types():
    analyzer = Tunable()
    pipe = make_pipeline(analyzer, config={"tunable": {"min_confidence": 1, "limit": 3.0}})
    assert analyzer.seen == {"min_confidence": 1.0, "techniques": [], "verbose": False, "limit": 3}
    assert isinstance(analyzer.seen["min_confidence"], float)
    assert pipe.analyze("Текст.").result("tunable")["limit"] == 3


def test_set_options_are_parsed_and_converted():
    config = parse_set_options(["tunable.min_confidence=0.7", "tunable.techniques=loaded_language,doubt",
                                "tunable.verbose=yes", "other.name=Астана"])
    assert config == {"tunable": {"min_confidence": 0.7, "techniques": "loaded_language,doubt",
                                  "verbose": "yes"}, "other": {"name": "Астана"}}
    analyzer = Tunable()
    make_pipeline(analyzer, config={"tunable": config["tunable"]})
    assert analyzer.seen["techniques"] == ["loaded_language", "doubt"] and analyzer.seen["verbose"] is True
    with pytest.raises(ConfigError, match="expected ANALYZER.OPTION=VALUE"):
        parse_set_options(["min_confidence=0.7"])


def test_errors_name_the_source_and_the_option(tmp_path):
    (tmp_path / "kzmedia.toml").write_text("[tunable]\nmin_confidance = 0.6\n", encoding="utf-8")
    config = load_config(tmp_path)
    with pytest.raises(ConfigError) as info:
        make_pipeline(Tunable(), config=config)
    message = str(info.value)
    assert str(tmp_path / "kzmedia.toml") in message and "[tunable]" in message
    assert "unknown option 'min_confidance'" in message and "min_confidence" in message
    with pytest.raises(ConfigError, match=r"--set: option tunable.limit: expected int, got 'many'"):
        make_pipeline(Tunable(), config=parse_set_options(["tunable.limit=many"]))
    with pytest.raises(ConfigError, match="no analyzer named 'tunabel'"):
        make_pipeline(Tunable(), config=parse_set_options(["tunabel.limit=3"]))


def test_pyproject_tool_table_and_search_upwards(tmp_path, monkeypatch):
    monkeypatch.delenv("KZMEDIA_CONFIG", raising=False)
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "study"\n[tool.kzmedia.tunable]\nmin_confidence = 0.6\nlimit = 4\n',
        encoding="utf-8")
    nested = tmp_path / "corpus" / "2025"
    nested.mkdir(parents=True)
    config = load_config(nested)
    assert config == {"tunable": {"min_confidence": 0.6, "limit": 4}}
    assert "[tool.kzmedia.tunable]" in config.source("tunable", "limit")
    # --set wins over the file, option by option
    merged = merge_configs(config, parse_set_options(["tunable.limit=7"]))
    assert merged == {"tunable": {"min_confidence": 0.6, "limit": 7}}
    assert merged.source("tunable", "limit") == "--set"
    # a kzmedia.toml nearer to the working directory takes precedence over the pyproject
    (nested / "kzmedia.toml").write_text("[tunable]\nverbose = true\n", encoding="utf-8")
    assert load_config(nested) == {"tunable": {"verbose": True}}
    # KZMEDIA_CONFIG points at a file explicitly
    monkeypatch.setenv("KZMEDIA_CONFIG", str(tmp_path / "pyproject.toml"))
    assert load_config(nested)["tunable"]["limit"] == 4


def test_a_project_without_configuration(tmp_path, monkeypatch):
    monkeypatch.delenv("KZMEDIA_CONFIG", raising=False)
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    assert load_config(tmp_path) == {}


def test_malformed_configuration_files(tmp_path, monkeypatch):
    monkeypatch.delenv("KZMEDIA_CONFIG", raising=False)
    (tmp_path / "kzmedia.toml").write_text("min_confidence = 0.6\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="kzmedia.toml.*expected a table of options per analyzer"):
        load_config(tmp_path)
    (tmp_path / "kzmedia.toml").write_text("[tunable\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="kzmedia.toml: invalid TOML"):
        load_config(tmp_path)


def test_undeclared_options_pass_through_and_absent_analyzers_are_ignored():
    class Plain:
        name, version = "plain", "1"

        def __init__(self):
            self.options = {"already": "a value store, not a declaration"}

        def analyze(self, document):
            return {}

    checked = validate_config({"plain": {"anything": 1}, "not_installed": {"x": 1}}, {"plain": Plain()})
    assert checked == {"plain": {"anything": 1}, "not_installed": {"x": 1}}


def test_cli_wiring_helpers(tmp_path, monkeypatch):
    import argparse

    from kzmedia.config import add_config_arguments, cli_config

    monkeypatch.delenv("KZMEDIA_CONFIG", raising=False)
    (tmp_path / "kzmedia.toml").write_text("[tunable]\nlimit = 2\nverbose = true\n", encoding="utf-8")
    parser = argparse.ArgumentParser()
    add_config_arguments(parser)
    args = parser.parse_args(["--set", "tunable.limit=5"])
    config = cli_config(args.set_options, cwd=tmp_path)
    analyzer = Tunable()
    make_pipeline(analyzer, config=config)
    assert analyzer.seen == {"min_confidence": 0.5, "techniques": [], "verbose": True, "limit": 5}
    assert cli_config(None, cwd=tmp_path) == {"tunable": {"limit": 2, "verbose": True}}
