"""Process-parallel runs give exactly the serial results, with fork and with spawn."""

from __future__ import annotations

import json
import os

import pytest

import kzmedia
from kzmedia import Document, FailedDocument, Pipeline, hookimpl
from kzmedia.parallel import Job, analyze_parallel, describe_plugins
from kzmedia.testing import analyzer_plugin, make_plugin_manager_for


class LemmaCounter:
    """A small real analyzer: counts the lemmas of a few geopolitical words, with spans."""

    name = "lemmas"
    version = "1.0"
    WATCH = {"россия", "казахстан", "китай", "союз", "граница", "сотрудничество"}

    def setup(self, context):
        self.pid_at_setup = os.getpid()

    def analyze(self, document):
        t = document.tokens
        hits = [{"lemma": t.lemma(i), "start": t.starts[i], "end": t.ends[i], "text": t.surface(i)}
                for i in range(len(t)) if t.lemma(i) in self.WATCH]
        if "СБОЙ" in document.text:
            raise RuntimeError("deliberate failure")
        return {"count": len(hits), "hits": hits, "sentences": len(document.sentences)}


class Shouter:
    name = "shout"
    version = "2"

    def analyze(self, document):
        return {"exclamations": document.text.count("!")}


class Killer:
    """Dies like a worker killed for running out of memory, on one marked document."""

    name = "killer"
    version = "1"

    def analyze(self, document):
        if "УБИЙЦА" in document.text:
            os.kill(os.getpid(), 9)
        return {"chars": len(document.text)}


def make_pipeline(**kw) -> Pipeline:
    # analyzer_plugin's object is picklable (so are these analyzers): spawn workers rebuild the pipeline
    pm = make_plugin_manager_for(analyzer_plugin(LemmaCounter(), Shouter()))
    return Pipeline(plugin_manager=pm, **kw)


TEXTS = [
    "Казахстан и Россия обсудили сотрудничество на границе. Китай наблюдает!",
    "Астана предложила новый формат диалога. Союз соседей крепнет.",
    "Погода в Алматы была тёплой, а на границе с Китаем шёл снег!!",
    "",  # empty: recorded as a failure, the run goes on
    "Здесь СБОЙ анализатора: Россия упомянута, но результат не будет получен.",
    "Экспорт зерна из Казахстана в Китай вырос; Россия тоже нарастила поставки.",
] * 4


def corpus():
    docs = [Document.from_text(t, id=f"doc-{i:02d}", outlet="test") for i, t in enumerate(TEXTS)]
    docs.insert(3, FailedDocument("broken.jsonl:7", "invalid JSON"))
    return docs


def dumps(analyses):
    return [json.dumps(a.to_dict(), ensure_ascii=False, sort_keys=False) for a in analyses]


@pytest.fixture(scope="module")
def serial():
    pipe = make_pipeline()
    return dumps(pipe.analyze_many(corpus()))


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_parallel_equals_serial(method, serial):
    pipe = make_pipeline()
    got = dumps(pipe.analyze_many(corpus(), n_jobs=2, batch_size=3, mp_context=method))
    assert got == serial
    # the failures are there, with their ids and reasons
    errors = [json.loads(s)["errors"] for s in got]
    assert any(e and e[0]["message"] == "invalid JSON" for e in errors)
    assert any(e and "deliberate failure" in e[0]["message"] for e in errors)


def test_unordered_has_the_same_set(serial):
    pipe = make_pipeline()
    got = dumps(pipe.analyze_many(corpus(), n_jobs=2, batch_size=2, ordered=False, mp_context="fork"))
    assert sorted(got) == sorted(serial)


def test_json_lines_encoded_by_the_workers_equal_the_serial_ones(serial):
    """``as_json``: workers send JSON text; ``to_json`` splices it, byte for byte the serial line
    (failures, analyzer errors and Cyrillic included); ``to_dict`` still decodes on demand."""
    pipe = make_pipeline()
    got = list(analyze_parallel(pipe, corpus(), n_jobs=2, batch_size=4, mp_context="fork",
                                keep_findings=False, as_json=True))
    assert [a.to_json() for a in got] == serial
    assert dumps(got) == serial
    assert [a.to_json() for a in make_pipeline().analyze_many(corpus())] == serial  # serial path


def test_findings_and_documents_survive_the_trip():
    pipe = make_pipeline()
    docs = corpus()[:3]
    for a in pipe.analyze_many(docs, n_jobs=2, batch_size=1, mp_context="fork"):
        assert a.document is not None and a.document.id.startswith("doc-")
        for hit in a.result("lemmas")["hits"]:
            assert a.document.text[hit["start"]:hit["end"]] == hit["text"]


def test_spawn_workers_set_up_once_per_process(tmp_path):
    """Set-up runs once per worker, not per document: count setup() calls through a file."""
    pm = make_plugin_manager_for(CountingAnalyzer(str(tmp_path)))
    pipe = Pipeline(plugin_manager=pm)
    docs = [Document.from_text(t, id=str(i)) for i, t in enumerate(TEXTS * 3) if t]
    out = list(pipe.analyze_many(docs, n_jobs=2, batch_size=4, mp_context="spawn"))
    assert len(out) == len(docs)
    setups = sorted(p.name for p in tmp_path.iterdir())
    # the parent's own setup + at most one per worker process
    assert 2 <= len(setups) <= 3, setups


class CountingAnalyzer:
    name = "counting"
    version = "1"

    def __init__(self, where):
        self.where = where

    def setup(self, context):
        with open(os.path.join(self.where, f"setup-{os.getpid()}-{id(self)}"), "w"):
            pass

    def analyze(self, document):
        return {"chars": len(document.text)}


def test_spawn_with_unpicklable_plugin_says_why():
    class Local:  # defined in a function: cannot be pickled for spawn
        @hookimpl
        def kzmedia_register_analyzers(self, register):
            register(Shouter())

    pm = make_plugin_manager_for(Local())
    pipe = Pipeline(plugin_manager=pm)
    with pytest.raises(kzmedia.PluginError, match="spawn"):
        list(pipe.analyze_many(["Текст!"], n_jobs=2, mp_context="spawn"))
    # fork inherits the built pipeline: fine
    out = list(pipe.analyze_many(["Текст!", "Ещё!!"], n_jobs=2, mp_context="fork"))
    assert [a.result("shout")["exclamations"] for a in out] == [1, 2]


def test_spec_describes_the_plugin_set():
    pipe = make_pipeline(analyzers=["shout"])
    spec = pipe.spec()
    assert spec["plugins"]["entrypoints"] == []
    rebuilt = Pipeline.from_spec(spec)
    assert rebuilt.versions == {"shout": "2"}
    assert describe_plugins(rebuilt.pm)["entrypoints"] == []


def test_jobs_restrict_analyzers_and_input_is_lazy():
    pipe = make_pipeline()
    consumed = []

    def stream():
        for i in range(200):
            consumed.append(i)
            yield Job(Document.from_text("Россия и Китай!", id=str(i)), analyzers=("shout",))

    gen = analyze_parallel(pipe, stream(), n_jobs=2, batch_size=5, mp_context="fork")
    first = next(gen)
    assert list(first.results) == ["shout"]
    # bounded in-flight work: far fewer than 200 documents were read to produce the first result
    assert len(consumed) <= 5 * 2 * 2 + 5
    gen.close()


def test_strict_mode_raises_in_parallel():
    pipe = make_pipeline(strict=True)
    with pytest.raises(kzmedia.AnalyzerError):
        list(pipe.analyze_many(["Тут СБОЙ."], n_jobs=2, mp_context="fork"))


def test_builtin_analyzers_on_real_articles_spawn_equals_serial(shared_dir):
    """The installed analyzers (entry points) rebuilt in spawn workers give the serial results."""
    from kzmedia.readers import read_corpus

    path = shared_dir / "external" / "ru-news-kz" / "articles.jsonl"
    if not path.exists():
        pytest.skip(f"{path} is absent")
    try:
        pipe = Pipeline(["framing", "actors", "rhetoric"])
    except kzmedia.PluginError as e:
        pytest.skip(f"built-in analyzers not installed: {e}")
    docs = []
    for d in read_corpus([str(path)]):
        docs.append(d)
        if len(docs) == 12:
            break
    serial = dumps(pipe.analyze_many(docs))
    assert dumps(pipe.analyze_many(docs, n_jobs=2, batch_size=4, mp_context="spawn")) == serial
    unordered = dumps(pipe.analyze_many(docs, n_jobs=2, batch_size=5, mp_context="fork", ordered=False))
    assert sorted(unordered) == sorted(serial)


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_a_document_that_kills_its_worker_is_named_and_the_run_goes_on(method):
    pm = make_plugin_manager_for(Killer())
    pipe = Pipeline(plugin_manager=pm)
    texts = [f"Обычный текст номер {i}." for i in range(40)]
    texts[13] = "Этот текст — УБИЙЦА процесса."
    docs = [Document.from_text(t, id=f"d{i}") for i, t in enumerate(texts)]
    out = list(pipe.analyze_many(docs, n_jobs=2, batch_size=4, mp_context=method))
    assert [a.document_id for a in out] == [d.id for d in docs]  # order kept, nothing lost
    failed = [a for a in out if a.errors]
    assert [a.document_id for a in failed] == ["d13"]
    assert "worker process died" in failed[0].errors[0]["message"]
    assert all(a.result("killer")["chars"] == len(texts[i]) for i, a in enumerate(out) if i != 13)
