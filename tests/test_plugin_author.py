"""The plugin author's path, end to end: write a distribution, install it, see it discovered,
listed and run from the CLI and the Python API; the sanctions example; kzmedia.testing itself;
``kzmedia lexicon check``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

import kzmedia
from kzmedia import Document, Finding
from kzmedia.cli import main
from kzmedia.testing import (assert_valid_findings, make_document, make_pipeline, marked_document,
                             write_distribution)

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "docs" / "examples" / "kzmedia-sanctions"

# Our own text: a plugin that flags exclamations, a realistic "rhetoric-adjacent" add-on.
EXCLAIM_MODULE = '''
"""Flags sentences ending in an exclamation mark."""
from kzmedia import hookimpl

class Exclamations:
    name = "exclamations"
    version = "0.3.0"
    options = {"min_marks": (int, 1, "how many '!' make an exclamation")}

    def setup(self, context):
        self.min_marks = context.options(self.name)["min_marks"]

    def analyze(self, document):
        text = document.text
        found = []
        for s in document.sentences:
            tail = text[s.start:s.end]
            if len(tail) - len(tail.rstrip("!")) >= self.min_marks:
                found.append({"label": "exclamation", "start": s.start, "end": s.end,
                              "text": text[s.start:s.end]})
        return {"count": len(found), "findings": found}

@hookimpl
def kzmedia_register_analyzers(register):
    register(Exclamations())
'''

TEXT = ("Цены на газ снова выросли! Правительство обещает разобраться.\n"
        "Это возмутительно!! Доколе?\n")


def run_cli(*args, pythonpath=None, **env):
    environ = {k: v for k, v in os.environ.items() if k not in ("KZMEDIA_PLUGINS", "KZMEDIA_DISABLE")}
    environ.update(env)
    if pythonpath:
        environ["PYTHONPATH"] = os.pathsep.join([str(pythonpath), environ.get("PYTHONPATH", "")])
    return subprocess.run([sys.executable, "-m", "kzmedia", *args], capture_output=True, text=True,
                          env=environ, timeout=300)


@pytest.fixture
def exclaim_site(tmp_path):
    return write_distribution(tmp_path / "site", "kzmedia-exclamations",
                              {"kzmedia_exclamations": EXCLAIM_MODULE},
                              entry_points={"exclamations": "kzmedia_exclamations"}, version="0.3.0")


def test_a_new_distribution_is_discovered_listed_and_run_by_the_cli(exclaim_site, tmp_path):
    listed = run_cli("plugins", pythonpath=exclaim_site)
    assert listed.returncode == 0, listed.stderr
    row = next(line for line in listed.stdout.splitlines() if line.startswith("exclamations"))
    assert "kzmedia-exclamations" in row and "exclamations@0.3.0" in row

    text_file = tmp_path / "news.txt"
    text_file.write_text(TEXT, encoding="utf-8")
    done = run_cli("analyze", "--format", "json", "--only", "exclamations", str(text_file),
                   pythonpath=exclaim_site)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)["results"]["exclamations"]
    assert result["analyzer_version"] == "0.3.0"
    assert [f["text"] for f in result["findings"]] == ["Цены на газ снова выросли!", "Это возмутительно!!"]
    assert all(TEXT[f["start"]:f["end"]] == f["text"] for f in result["findings"])


def test_the_same_distribution_through_the_python_api(exclaim_site, monkeypatch):
    monkeypatch.syspath_prepend(str(exclaim_site))
    monkeypatch.delenv("KZMEDIA_PLUGINS", raising=False)
    pipeline = kzmedia.Pipeline(["exclamations"], config={"exclamations": {"min_marks": 2}})
    doc = Document.from_text(TEXT, id="news")
    analysis = pipeline.analyze(doc)
    findings = assert_valid_findings(doc, analysis)
    assert [f.text for f in findings] == ["Это возмутительно!!"]
    assert analysis.to_dict()["results"]["exclamations"]["count"] == 1


def test_pip_installing_a_plugin_project(tmp_path):
    """What the tutorial does: a project directory with pyproject.toml, installed with pip."""
    project = tmp_path / "kzmedia-exclamations"
    (project / "src" / "kzmedia_exclamations").mkdir(parents=True)
    (project / "src" / "kzmedia_exclamations" / "__init__.py").write_text(EXCLAIM_MODULE, encoding="utf-8")
    (project / "pyproject.toml").write_text('''
[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "kzmedia-exclamations"
version = "0.3.0"
dependencies = ["kzmedia"]

[project.entry-points.kzmedia]
exclamations = "kzmedia_exclamations"
''', encoding="utf-8")
    target = tmp_path / "installed"
    pip = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target",
                          str(target), str(project)], capture_output=True, text=True, timeout=300)
    if pip.returncode != 0 and "setuptools" in pip.stderr and "No matching distribution" in pip.stderr:
        pytest.skip("pip cannot fetch setuptools for the isolated build (no package index here)")
    assert pip.returncode == 0, pip.stderr
    hooks = run_cli("plugins", "--hooks", pythonpath=target)
    assert hooks.returncode == 0, hooks.stderr
    assert "kzmedia_register_analyzers" in hooks.stdout and "    exclamations" in hooks.stdout
    api = subprocess.run([sys.executable, "-c", (
        "import kzmedia, json;"
        "a = kzmedia.analyze('Стоп! Хватит.', analyzers=['exclamations']);"
        "print(json.dumps(a.result('exclamations'), ensure_ascii=False))")],
        capture_output=True, text=True, timeout=300,
        env=dict(os.environ, PYTHONPATH=str(target)))
    assert api.returncode == 0, api.stderr
    assert json.loads(api.stdout)["findings"][0]["text"] == "Стоп!"


# --- the sanctions example under docs/examples -----------------------------------------------

def sanctions_installed():
    try:
        dist = metadata.distribution("kzmedia-sanctions")
    except metadata.PackageNotFoundError:
        pytest.skip("kzmedia-sanctions is not installed: pip install -e ./docs/examples/kzmedia-sanctions "
                    "(CI installs it with the test extra)")
    return dist


SANCTIONS_TEXT = ("Минфин США расширил санкционный список: туда попали две логистические компании.\n"
                  "Эксперты в Алматы опасаются вторичных санкций из-за того, что бизнес втянулся "
                  "в параллельный импорт.\n")


def test_sanctions_example_is_installed_from_docs_examples():
    dist = sanctions_installed()
    eps = [ep for ep in dist.entry_points if ep.group == "kzmedia"]
    assert [(ep.name, ep.value) for ep in eps] == [("sanctions", "kzmedia_sanctions")]
    import kzmedia_sanctions
    assert Path(kzmedia_sanctions.__file__).resolve().is_relative_to(EXAMPLE) or dist.version == "1.0.0"


def test_sanctions_example_through_the_cli(tmp_path, capsys):
    sanctions_installed()
    path = tmp_path / "news.txt"
    path.write_text(SANCTIONS_TEXT, encoding="utf-8")
    assert main(["plugins"]) == 0
    assert any(line.startswith("sanctions") and "kzmedia-sanctions" in line
               for line in capsys.readouterr().out.splitlines())
    assert main(["analyze", "--only", "sanctions", "--format", "json", str(path)]) == 0
    result = json.loads(capsys.readouterr().out)["results"]["sanctions"]
    assert [(f["label"], f["text"]) for f in result["findings"]] == [
        ("measures", "санкционный"), ("exposure", "вторичных санкций"), ("evasion", "параллельный импорт")]
    assert result["by_category"] == {"evasion": 1, "exposure": 1, "measures": 1}
    assert main(["analyze", "--only", "sanctions", str(path)]) == 0
    table = capsys.readouterr().out
    assert "3 mention(s)" in table and "«вторичных санкций»" in table


def test_sanctions_example_through_the_python_api():
    sanctions_installed()
    doc = Document.from_text(SANCTIONS_TEXT, id="kz-1")
    analysis = kzmedia.Pipeline(["sanctions"]).analyze(doc)
    findings = assert_valid_findings(doc, analysis)
    assert [f.label for f in findings] == ["measures", "exposure", "evasion"]
    assert analysis.result("sanctions")["mentions"] == 3


def test_sanctions_example_own_test_suite_passes():
    sanctions_installed()
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           str(EXAMPLE / "tests")], capture_output=True, text=True, timeout=300, cwd=EXAMPLE)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert " passed" in done.stdout and "skipped" not in done.stdout


# --- kzmedia.testing ----------------------------------------------------------------------------

class SpanEcho:
    """Reports the spans it is told to, so the assertions can be tested against bad output."""

    name, version = "echo", "1"

    def __init__(self, spans):
        self.spans = spans

    def analyze(self, document):
        return {"findings": [{"label": "x", "start": a, "end": b, "text": t} for a, b, t in self.spans]}


def test_marked_document_returns_the_spans_of_the_marks():
    doc, spans = marked_document("Власти [[Казахстана]] и [[России]] подписали соглашение.")
    assert doc.text == "Власти Казахстана и России подписали соглашение."
    assert [doc.text[a:b] for a, b in spans] == ["Казахстана", "России"]
    assert doc.id == "test"


def test_assert_valid_findings_accepts_correct_spans_and_rejects_wrong_ones():
    doc = make_document("Астана ответила Брюсселю.")
    good = make_pipeline(SpanEcho([(0, 6, "Астана"), (16, 24, "Брюсселю")]))
    assert [f.text for f in assert_valid_findings(doc, good.analyze(doc))] == ["Астана", "Брюсселю"]
    # the raw results (a pipeline itself turns them into the analyzer's error: kzmedia.validation)
    with pytest.raises(AssertionError, match=r"text 'Астана' != document text\[1:7\]"):
        assert_valid_findings(doc, SpanEcho([(1, 7, "Астана")]).analyze(doc))
    with pytest.raises(AssertionError, match="not inside the document"):
        assert_valid_findings(doc, SpanEcho([(20, 40, "x" * 20)]).analyze(doc))
    with pytest.raises(AssertionError, match="errors.*has text 'Астана'"):
        assert_valid_findings(doc, make_pipeline(SpanEcho([(1, 7, "Астана")]), strict=False).analyze(doc))
    # a result dict and a list of Finding objects are accepted too
    assert assert_valid_findings(doc, {"findings": [{"label": "a", "start": 0, "end": 6, "text": "Астана"}]})
    with pytest.raises(AssertionError, match="nested"):
        assert_valid_findings(doc, {"nested": [{"start": 5, "end": 5}]})
    assert assert_valid_findings(doc, [doc.finding("t", "city", 0, 6)]) == [Finding("t", "city", 0, 6, "Астана")]


def test_assert_valid_findings_rejects_errors_and_unserialisable_results():
    doc = make_document("Текст.")

    class Broken:
        name, version = "broken", "1"

        def analyze(self, document):
            raise RuntimeError("boom")

    analysis = make_pipeline(Broken(), strict=False).analyze(doc)
    with pytest.raises(AssertionError, match="errors.*boom"):
        assert_valid_findings(doc, analysis)
    assert assert_valid_findings(doc, analysis, allow_errors=True) == []
    with pytest.raises(AssertionError, match="not JSON-serialisable"):
        assert_valid_findings(doc, {"when": object()})


def test_make_pipeline_contains_only_the_named_plugins():
    pipe = make_pipeline(SpanEcho([]))
    assert list(pipe.analyzers) == ["echo"]


def test_pytest_fixtures_are_registered(kzmedia_pipeline, kzmedia_document, kzmedia_plugin_manager):
    doc = kzmedia_document("Ещё один текст.", outlet="test")
    assert doc.meta == {"outlet": "test"}
    assert list(kzmedia_pipeline(SpanEcho([])).analyzers) == ["echo"]
    assert kzmedia_plugin_manager().get_plugin("kzmedia.morphology") is not None


# --- kzmedia lexicon check / show ------------------------------------------------------------

def test_lexicon_check_counts_entries_and_reports_file_and_line(tmp_path, capsys):
    good = tmp_path / "good.toml"
    good.write_text('[lexicon]\nname = "blocs"\nversion = "1"\n'
                    '[categories.eaeu]\ndefinition = "Eurasian integration"\nterms = ["ЕАЭС", "евразийск* интеграция"]\n'
                    '[categories.eu]\nterms = ["Евросоюз"]\n', encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text('[lexicon]\nname = "x"\nversion = "1"\n\n[categories.a]\nterms = ["ok", 3]\n', encoding="utf-8")
    liwc = tmp_path / "words.dic"
    liwc.write_text("%\n1\tthreat\n%\nугроз*\t1\nопасн*\t1\n", encoding="utf-8")
    assert main(["lexicon", "check", str(good), str(liwc)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [f"{good}: ok blocs@1: 3 entries, 2 categories",
                   f"{liwc}: ok words@liwc: 2 entries, 1 categories"]
    assert main(["lexicon", "check", str(good), str(bad)]) == 1
    captured = capsys.readouterr()
    assert captured.out.splitlines()[1].startswith(f"{bad}:5: ")
    assert "1 of 2 lexicon file(s) invalid" in captured.err
    assert main(["lexicon", "show", str(good), "--category", "eaeu"]) == 0
    shown = capsys.readouterr().out
    assert "[eaeu]  2 entries" in shown and "евразийск* интеграция" in shown and "[eu]" not in shown


def test_lexicon_check_of_the_sanctions_example(capsys):
    path = EXAMPLE / "src" / "kzmedia_sanctions" / "sanctions.toml"
    assert main(["lexicon", "check", str(path)]) == 0
    assert "ok sanctions@1.0.0" in capsys.readouterr().out


# --- the built-in analyzers meet the contract kzmedia.testing checks ---------------------------

def check_contract(paths) -> int:
    pipeline = kzmedia.Pipeline(strict=True)
    total = 0
    for path in paths:
        doc = Document.from_file(path)
        total += len(assert_valid_findings(doc, pipeline.analyze(doc)))
    return total


def test_builtin_analyzers_pass_the_plugin_author_assertions_on_the_examples():
    """The helpers a third party uses hold the built-in plugins to the same standard."""
    paths = sorted((REPO / "examples").glob("*.txt"))
    assert paths and check_contract(paths) > 0


def test_builtin_analyzers_pass_the_plugin_author_assertions_on_the_seeds(seed_texts):
    # real articles (CRLF, quotes, long paragraphs) read from ../shared at run time
    assert check_contract([seed_texts[k] for k in sorted(seed_texts)]) > 0


def test_every_shipped_lexicon_file_passes_lexicon_check(capsys):
    files = [p for p in sorted((REPO / "plugins").glob("*/data/*.toml"))
             if "\n[lexicon]" in "\n" + p.read_text(encoding="utf-8")]
    assert files, "the built-in analyzers ship their lexicons as TOML files"
    assert main(["lexicon", "check", *map(str, files)]) == 0, capsys.readouterr().out
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(files) and all(": ok " in line for line in lines)
