"""The SQLite results store: resumable (kill -9 mid-run), partial recomputation, exact export."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import kzmedia
from kzmedia import Document, FailedDocument, Pipeline
from kzmedia.cli import main
from kzmedia.testing import make_plugin_manager_for
from kzmedia.store import Store

HERE = Path(__file__).resolve().parent

SENTENCES = [
    "Казахстан и Россия подписали соглашение о транзите зерна.",
    "Китай вложил деньги в новый логистический центр под Алматы.",
    "Эксперты спорят, выгоден ли Астане этот союз.",
    "На границе выросли очереди грузовиков.",
    "Депутаты обсудили язык обучения в школах.",
]


class FrameLike:
    """Toy analyzer reporting scores (generic rules: numeric top-level values and a mapping of
    numbers), with a lexicon_version that the environment can change (partial recomputation)."""

    name = "frames"
    version = "1.0"

    def setup(self, context):
        self.lexicon_version = os.environ.get("KZTEST_FRAMES_LEXICON", "lex@1")
        self.delay = float(os.environ.get("KZTEST_DELAY", "0"))

    def data_versions(self):
        return {"lexicon_version": self.lexicon_version}

    def analyze(self, document):
        if self.delay:
            time.sleep(self.delay)
        t = document.tokens
        hits = sum(1 for i in range(len(t)) if t.lemma(i) in ("союз", "соглашение", "граница"))
        bonus = 1 if self.lexicon_version != "lex@1" else 0
        return {"lexicon_version": self.lexicon_version, "hits": hits + bonus,
                "score": {"cooperation": round(hits / max(document.words, 1), 4)}}


class ActorLike:
    """Toy analyzer reporting findings labelled with an actor id; declares no data versions, so
    the ``gazetteer_version`` its results carry is not part of its fingerprint (never probed)."""

    name = "actors"
    version = "1.0"
    NAMES = {"казахстан": "KZ", "россия": "RU", "китай": "CN", "астана": "KZ", "алматы": "KZ"}

    def analyze(self, document):
        if "ОШИБКА" in document.text:
            raise ValueError("deliberate analyzer failure")
        t = document.tokens
        found = [{"label": self.NAMES[t.lemma(i)], "start": t.starts[i], "end": t.ends[i],
                  "text": t.surface(i), "form": t.lemma(i)}
                 for i in range(len(t)) if t.lemma(i) in self.NAMES]
        return {"gazetteer_version": os.environ.get("KZTEST_GAZETTEER", "g@1"), "findings": found}


def make_pm():
    return make_plugin_manager_for(FrameLike(), ActorLike())


def make_pipeline() -> Pipeline:
    return Pipeline(plugin_manager=make_pm())


def write_corpus(root: Path, n: int) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    with open(root / "corpus.jsonl", "w", encoding="utf-8") as fh:
        for i in range(n):
            text = " ".join(SENTENCES[(i + k) % len(SENTENCES)] for k in range(1 + i % 4))
            if i % 37 == 5:
                text += " ОШИБКА."
            rec = {"url": f"https://example.kz/{2020 + i % 3}-0{1 + i % 9}-01/{i}", "title": f"№{i}",
                   "content": "" if i == 11 else text}
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
        fh.write("{not json\n")
    return root / "corpus.jsonl"


def export_jsonl(db: Path) -> str:
    import io

    from kzmedia.exporters import export_jsonl as write

    buf = io.BytesIO()
    with Store(db, readonly=True) as s:
        write(s.analyses(), buf)
    return buf.getvalue().decode("utf-8")


def tables(db: Path) -> dict:
    with Store(db, readonly=True) as s:
        return {t: s.table_rows(t) for t in ("documents", "results", "errors", "findings", "scores")}


def test_store_export_equals_cli_jsonl(tmp_path, capsys):
    pm = make_pm()
    corpus = write_corpus(tmp_path / "c", 30)
    assert main(["analyze", str(corpus), "--format", "jsonl"], plugin_manager=pm) == 1  # an empty doc, bad JSON, a failure
    printed = capsys.readouterr().out
    db = tmp_path / "r.sqlite"
    assert main(["analyze", str(corpus), "--store", str(db), "--quiet"], plugin_manager=pm) == 1
    err = capsys.readouterr().err
    assert "errors" in err and str(db) in err
    assert export_jsonl(db) == printed
    assert main(["export", str(db)], plugin_manager=pm) == 0
    assert capsys.readouterr().out == printed
    # running again skips everything and changes nothing
    before = tables(db)
    assert main(["analyze", str(corpus), "--store", str(db)], plugin_manager=pm) == 1  # stored failures still count
    err = capsys.readouterr().err
    assert ": 2 analysed, 29 already stored" in err, err  # the empty and the unreadable records are tried again
    assert tables(db) == before


def test_store_schema_and_derived_tables(tmp_path):
    corpus = write_corpus(tmp_path / "c", 12)
    db = tmp_path / "r.sqlite"
    with Store(db) as s:
        summary = s.run(make_pipeline(), kzmedia.readers.read_corpus([str(corpus)]), batch_size=4)
    assert summary.seen == 13 and summary.failed >= 3
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    # every stored finding is a real span of the stored text, filed under its analyzer and label
    rows = con.execute("SELECT d.text, f.start, f.\"end\", f.text, f.analyzer, f.label, f.extra "
                       "FROM findings f JOIN documents d USING (doc_id)").fetchall()
    assert rows and all(text[a:b] == span for text, a, b, span, *_ in rows)
    assert {(r[4], r[5]) for r in rows} <= {("actors", "KZ"), ("actors", "RU"), ("actors", "CN")}
    assert all(json.loads(r[6])["form"] for r in rows)
    scores = con.execute("SELECT DISTINCT analyzer, name, grp, unit FROM scores ORDER BY 1, 2").fetchall()
    assert scores == [("frames", "hits", None, "count"), ("frames", "score", "cooperation", "value")]
    reasons = {r[0]: r[1] for r in con.execute("SELECT doc_id, message FROM errors")}
    assert any("invalid JSON" in m for m in reasons.values())
    assert any("deliberate analyzer failure" in m for m in reasons.values())
    assert any("empty" in m for m in reasons.values())
    run = con.execute("SELECT status, analyzers, source FROM runs").fetchone()
    assert run[0] == "complete" and json.loads(run[1])["frames"]["declared"] == {"lexicon_version": "lex@1"}


@pytest.mark.parametrize("jobs", [1, 2])
def test_changed_lexicon_version_recomputes_only_that_analyzer(tmp_path, monkeypatch, jobs):
    corpus = write_corpus(tmp_path / "c", 20)
    db = tmp_path / "r.sqlite"
    with Store(db) as s:
        s.run(make_pipeline(), kzmedia.readers.read_corpus([str(corpus)]))
    monkeypatch.setenv("KZTEST_FRAMES_LEXICON", "lex@2")
    with Store(db) as s:
        summary = s.run(make_pipeline(), kzmedia.readers.read_corpus([str(corpus)]), n_jobs=jobs)
        runs = dict(s.db.execute("SELECT analyzer, GROUP_CONCAT(DISTINCT run_id) FROM results GROUP BY analyzer"))
    assert summary.partial > 0 and summary.skipped == 0
    assert runs == {"frames": "2", "actors": "1"}  # actors untouched, frames all recomputed
    clean = tmp_path / "clean.sqlite"
    with Store(clean) as s:
        s.run(make_pipeline(), kzmedia.readers.read_corpus([str(corpus)]))
    assert export_jsonl(db) == export_jsonl(clean)
    assert '"lexicon_version": "lex@2"' in export_jsonl(db)


class ActorWithData(ActorLike):
    """The same analyzer, declaring the gazetteer version through the protocol."""

    def data_versions(self):
        return {"gazetteer_version": os.environ.get("KZTEST_GAZETTEER", "g@1")}


def test_only_declared_data_versions_recompute_an_analyzer(tmp_path, monkeypatch):
    """A data version the results carry counts only when ``data_versions()`` declares it: the
    store never runs or inspects an analyzer to guess."""
    corpus = write_corpus(tmp_path / "c", 10)
    db = tmp_path / "r.sqlite"
    with Store(db) as s:
        s.run(make_pipeline(), kzmedia.readers.read_corpus([str(corpus)]))
        again = s.run(make_pipeline(), kzmedia.readers.read_corpus([str(corpus)]))
    assert again.analysed == 1  # only the unreadable line is tried again
    monkeypatch.setenv("KZTEST_GAZETTEER", "g@2")
    with Store(db) as s:  # undeclared: the stored results stay (their fingerprint has the version only)
        unchanged = s.run(make_pipeline(), kzmedia.readers.read_corpus([str(corpus)]))
        fps = json.loads(s.db.execute("SELECT analyzers FROM runs ORDER BY run_id DESC").fetchone()[0])
    assert unchanged.analysed == 1 and fps["actors"]["declared"] == {}
    declaring = lambda: Pipeline(plugin_manager=make_plugin_manager_for(FrameLike(), ActorWithData()))  # noqa: E731
    with Store(db) as s:  # declared: a new data version, so actors (and only actors) is recomputed
        s.run(declaring(), kzmedia.readers.read_corpus([str(corpus)]))
        monkeypatch.setenv("KZTEST_GAZETTEER", "g@3")
        summary = s.run(declaring(), kzmedia.readers.read_corpus([str(corpus)]))
        runs = dict(s.db.execute("SELECT analyzer, GROUP_CONCAT(DISTINCT run_id) FROM results GROUP BY analyzer"))
    assert summary.partial > 0 and runs == {"frames": "1", "actors": "5"}
    assert '"gazetteer_version": "g@3"' in export_jsonl(db)


class ActorShare:
    """Requires ``actors``: the share of its findings labelled KZ."""

    name, version = "kz_share", "1.0"
    requires = ("actors",)

    def analyze(self, document, results):
        labels = [f["label"] for f in results["actors"]["findings"]]
        return {"kz_share": round(labels.count("KZ") / len(labels), 4) if labels else 0.0}


def test_a_changed_requirement_recomputes_what_requires_it(tmp_path, monkeypatch):
    corpus = write_corpus(tmp_path / "c", 10)
    db = tmp_path / "r.sqlite"
    pipeline = lambda: Pipeline(plugin_manager=make_plugin_manager_for(FrameLike(), ActorWithData(),  # noqa: E731
                                                                       ActorShare()))
    with Store(db) as s:
        s.run(pipeline(), kzmedia.readers.read_corpus([str(corpus)]))
        monkeypatch.setenv("KZTEST_GAZETTEER", "g@2")
        s.run(pipeline(), kzmedia.readers.read_corpus([str(corpus)]))
        runs = dict(s.db.execute("SELECT analyzer, GROUP_CONCAT(DISTINCT run_id) FROM results GROUP BY analyzer"))
    assert runs == {"frames": "1", "actors": "2", "kz_share": "2"}


def test_changed_text_recomputes_the_document(tmp_path):
    db = tmp_path / "r.sqlite"
    pipe = make_pipeline()
    with Store(db) as s:
        s.run(pipe, [Document.from_text("Россия и Китай.", id="a"), Document.from_text("Казахстан.", id="b")])
        summary = s.run(pipe, [Document.from_text("Россия и Казахстан.", id="a"), Document.from_text("Казахстан.", id="b")])
        assert (summary.analysed, summary.skipped) == (1, 1)
        actors = [r[0] for r in s.db.execute("SELECT label FROM findings WHERE doc_id='a' ORDER BY start")]
    assert actors == ["RU", "KZ"]


SCRIPT = """
import sys
sys.path.insert(0, {tests!r})
import kzmedia.readers
from kzmedia.store import Store
import test_store
with Store({db!r}) as s:
    s.run(test_store.make_pipeline(), kzmedia.readers.read_corpus([{corpus!r}]), batch_size=8,
          n_jobs={jobs})
"""


@pytest.mark.parametrize("jobs", [1, 2])
def test_kill_9_then_resume_equals_clean_run(tmp_path, jobs):
    corpus = str(write_corpus(tmp_path / "c", 160))
    db = str(tmp_path / "killed.sqlite")
    script = tmp_path / "run.py"
    script.write_text(textwrap.dedent(SCRIPT.format(tests=str(HERE), db=db, corpus=corpus, jobs=jobs)))
    env = {**os.environ, "KZTEST_DELAY": "0.02"}
    proc = subprocess.Popen([sys.executable, str(script)], env=env, start_new_session=True)
    try:
        deadline = time.time() + 60
        stored = 0
        while time.time() < deadline:
            if os.path.exists(db):
                try:
                    con = sqlite3.connect(db)
                    stored = con.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
                    con.close()
                except sqlite3.Error:
                    stored = 0
            if stored >= 24 or proc.poll() is not None:
                break
            time.sleep(0.02)
        assert proc.poll() is None, "the run finished before it could be killed"
        os.killpg(proc.pid, signal.SIGKILL)  # the worker processes die with it
        proc.wait()
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    with Store(db, readonly=True) as s:
        partial = s.count("documents")
        assert 0 < partial < 161
        assert s.runs()[-1]["status"] == "running"
    # resume (no delay): skips what is stored, finishes the rest
    with Store(db) as s:
        summary = s.run(make_pipeline(), kzmedia.readers.read_corpus([corpus]), batch_size=8, n_jobs=jobs)
        assert summary.skipped >= partial - 8 and summary.analysed <= 161 - partial + 8
        assert [r["status"] for r in s.runs()] == ["interrupted", "complete"]
    clean = str(tmp_path / "clean.sqlite")
    with Store(clean) as s:
        s.run(make_pipeline(), kzmedia.readers.read_corpus([corpus]))
    assert export_jsonl(Path(db)) == export_jsonl(Path(clean))
    assert tables(Path(db)) == tables(Path(clean))


def test_not_a_store(tmp_path):
    p = tmp_path / "x.sqlite"
    p.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(kzmedia.KzmediaError):
        Store(p)
    assert main(["export", str(tmp_path / "missing.sqlite")]) == 2


def test_tables_and_exports(tmp_path, capsys):
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    from kzmedia.tables import to_pandas

    corpus = write_corpus(tmp_path / "c", 25)
    db = tmp_path / "r.sqlite"
    pipeline = make_pipeline()
    views = pipeline.views  # the toy analyzers have no result_model: the generic rules apply
    with Store(db) as s:
        s.run(pipeline, kzmedia.readers.read_corpus([str(corpus)]))
        docs = to_pandas(s, "documents", views=views)
        scores = to_pandas(s, "scores", views=views, name="score", wide=True)
        counts = to_pandas(s, "findings", views=views, wide=True)
        labels = to_pandas(s, "labels", views=views, by=("outlet", "month"))
        with pytest.raises(kzmedia.KzmediaError, match="mix units"):
            to_pandas(s, "scores", views=views, wide=True)
    first = "https://example.kz/2020-01-01/0"
    assert docs.loc[first, "outlet"] == "example.kz" and docs.loc[first, "month"] == "2020-01"
    assert {"actors:KZ", "frames.hits", "frames.score:cooperation"} <= set(docs.columns)
    assert list(scores.columns) == ["frames.score:cooperation"] and scores.index[0] == first
    assert counts.loc[first, "actors:KZ"] == docs.loc[first, "actors:KZ"]
    # the counts by outlet and month add up to the findings stored
    con = sqlite3.connect(db)
    total = con.execute("SELECT COUNT(*) FROM findings").fetchone()[0]
    assert labels["findings"].sum() == total == counts.to_numpy().sum()
    assert set(labels.columns) >= {"outlet", "month", "analyzer", "label", "findings", "documents"}
    out_csv, out_pq = tmp_path / "d.csv", tmp_path / "d.parquet"
    pm = make_pm()
    assert main(["export", str(db), "--format", "csv", "-o", str(out_csv)], plugin_manager=pm) == 0
    assert main(["export", str(db), "--format", "parquet", "--table", "findings", "-o", str(out_pq)],
                plugin_manager=pm) == 0
    back = pd.read_csv(out_csv)
    assert len(back) == len(docs)
    findings = pd.read_parquet(out_pq)
    assert len(findings) == total and set(findings["label"]) <= {"KZ", "RU", "CN"}
    assert main(["export", str(db), "--format", "csv", "--table", "errors"], plugin_manager=pm) == 0
    assert "deliberate analyzer failure" in capsys.readouterr().out


def test_a_schema_1_store_is_upgraded_in_place(tmp_path):
    corpus = write_corpus(tmp_path / "c", 6)
    db = tmp_path / "r.sqlite"
    with Store(db) as s:
        s.run(make_pipeline(), kzmedia.readers.read_corpus([str(corpus)]))
        before = s.table_rows("findings")
    con = sqlite3.connect(db)  # what kzmedia 0.1's first store looked like
    with con:
        con.execute("DROP TABLE findings")
        con.execute("CREATE TABLE findings (doc_id TEXT, analyzer TEXT, technique TEXT)")
        con.execute("CREATE TABLE frame_scores (doc_id TEXT)")
        con.execute("UPDATE store_info SET value='1' WHERE key='schema_version'")
    con.close()
    with Store(db, readonly=True) as s:  # reading needs only the stored results
        assert len(list(s.analyses())) == 7
    with Store(db, views={}) as s:  # the toy analyzers' results, read by the generic rules
        assert s.table_rows("findings") == before
        assert s.db.execute("SELECT value FROM store_info WHERE key='schema_version'").fetchone()[0] == "2"
        assert not s.db.execute("SELECT name FROM sqlite_master WHERE name='frame_scores'").fetchall()


def test_cli_corpus_inputs_jobs_and_fields(tmp_path, capsys):
    pm = make_pm()
    (tmp_path / "txt" / "deep").mkdir(parents=True)
    (tmp_path / "txt" / "a.txt").write_text(SENTENCES[0], encoding="utf-8")
    (tmp_path / "txt" / "deep" / "b.txt").write_text(SENTENCES[1], encoding="utf-8")
    csv_path = tmp_path / "c.csv"
    csv_path.write_text("key,body\nk1,\"" + SENTENCES[2] + "\"\nk2,\"" + SENTENCES[3] + "\"\n", encoding="utf-8")
    args = [str(tmp_path / "txt"), str(csv_path), "--text-field", "body", "--id-field", "key", "--format", "jsonl"]
    assert main(["analyze", *args], plugin_manager=pm) == 0
    serial = capsys.readouterr().out
    ids = [json.loads(line)["document"]["id"] for line in serial.splitlines()]
    assert ids == [str(tmp_path / "txt" / "a.txt"), str(tmp_path / "txt" / "deep" / "b.txt"), "k1", "k2"]
    assert main(["analyze", *args, "--jobs", "2", "--batch-size", "1"], plugin_manager=pm) == 0
    assert capsys.readouterr().out == serial
    # a glob, a forced reader and an unknown reader
    assert main(["analyze", str(tmp_path / "txt" / "**" / "*.txt"), "--format", "jsonl", "--quiet"], plugin_manager=pm) == 0
    assert capsys.readouterr().out.count("\n") == 2
    assert main(["analyze", str(csv_path), "--reader", "txt", "--format", "jsonl"], plugin_manager=pm) == 0
    assert json.loads(capsys.readouterr().out)["document"]["id"] == str(csv_path)
    assert main(["analyze", str(csv_path), "--reader", "nope"], plugin_manager=pm) == 2
    # a single document with --format json is pretty-printed, as before corpus input existed
    assert main(["analyze", str(tmp_path / "txt" / "a.txt"), "--format", "json"], plugin_manager=pm) == 0
    assert capsys.readouterr().out.startswith("{\n  ")


def test_two_runs_started_together_on_one_new_store_both_finish_and_agree(tmp_path):
    """Two `kzmedia analyze --store` processes on the same new file (two terminals, a job array):
    neither fails on the other's lock, and the store holds what one run alone stores."""
    corpus = str(write_corpus(tmp_path / "c", 40))
    alone, shared = str(tmp_path / "alone.sqlite"), str(tmp_path / "shared.sqlite")
    cmd = [sys.executable, "-m", "kzmedia", "analyze", corpus, "--only", "actors", "-q", "--store"]
    expected = subprocess.run(cmd + [alone], capture_output=True, timeout=300).returncode  # 1: the corpus has bad records
    for attempt in range(3):  # the race is in the first milliseconds: start them together, repeatedly
        for suffix in ("", "-wal", "-shm"):
            Path(shared + suffix).unlink(missing_ok=True)
        procs = [subprocess.Popen(cmd + [shared], stderr=subprocess.PIPE, text=True) for _ in range(2)]
        for proc in procs:
            _out, err = proc.communicate(timeout=300)
            assert proc.returncode == expected and "locked" not in err, err
        exports = []
        for db in (alone, shared):
            out = subprocess.run([sys.executable, "-m", "kzmedia", "export", db, "--format", "jsonl"],
                                 capture_output=True, text=True, check=True, timeout=300)
            exports.append(out.stdout)
        assert exports[0] == exports[1] and exports[0].count("\n") >= 40
