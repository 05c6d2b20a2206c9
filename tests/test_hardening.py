"""A corpus run survives hanging analyzers, killed parents, Ctrl-C, full disks and broken plugins
(issue 19 items 6, 8, 16 and the minor option items)."""

from __future__ import annotations

import json
import re
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from kzmedia import Document, Pipeline
from kzmedia.cli import main
from kzmedia.testing import make_plugin_manager_for

HERE = Path(__file__).resolve().parent


class Slow:
    """Takes ``KZTEST_SLEEP`` seconds per document; hangs (and swallows exceptions) on ВИСНИ."""

    name = "slow"
    version = "1"

    def analyze(self, document):
        if "ВИСНИ" in document.text:
            while True:
                try:
                    time.sleep(10)
                except Exception:  # a badly written analyzer cannot swallow the time limit
                    pass
        time.sleep(float(os.environ.get("KZTEST_SLEEP", "0")))
        return {"words": document.words}


def pm():
    return make_plugin_manager_for(Slow())


def corpus(tmp_path, n=6, hang=(3,)):
    path = tmp_path / "c.jsonl"
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            text = f"Казахстан и Россия, сообщение {i}." + (" ВИСНИ" if i in hang else "")
            fh.write(json.dumps({"id": f"d{i}", "text": text}, ensure_ascii=False) + "\n")
    return path


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_timeout_records_an_error_and_goes_on(tmp_path, capsys, jobs):
    path = corpus(tmp_path)
    t0 = time.monotonic()
    assert main(["analyze", str(path), "--format", "jsonl", "--timeout", "0.5", "--jobs", jobs],
                plugin_manager=pm()) == 1
    assert time.monotonic() - t0 < 30
    out = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [x["document"]["id"] for x in out] == [f"d{i}" for i in range(6)]
    assert [e["stage"] for x in out for e in x["errors"]] == ["timeout"]
    assert "0.5 s time limit" in out[3]["errors"][0]["message"]
    assert Pipeline(plugin_manager=pm()).timeout == 300.0  # the documented default


def test_bad_timeout_and_negative_limits_are_usage_errors(tmp_path, capsys):
    path = corpus(tmp_path, n=1, hang=())
    for args in (["--timeout", "-1"], ["--timeout", "soon"], ["--max-chars", "-1"]):
        assert main(["analyze", str(path), *args], plugin_manager=pm()) == 2, args
        assert "Traceback" not in capsys.readouterr().err


SCRIPT = """
import sys
sys.path.insert(0, {tests!r})
import test_hardening
from kzmedia.cli import main
sys.exit(main(["analyze", {corpus!r}, "--jobs", "2", "--format", "jsonl", "--batch-size", "1"],
              plugin_manager=test_hardening.pm()))
"""


def _children(pid: int) -> list[int]:
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(entry))
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _start(tmp_path):
    path = corpus(tmp_path, n=200, hang=())
    script = tmp_path / "run.py"
    script.write_text(textwrap.dedent(SCRIPT.format(tests=str(HERE), corpus=str(path))))
    proc = subprocess.Popen([sys.executable, str(script)], env={**os.environ, "KZTEST_SLEEP": "0.05"},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.time() + 60
    workers: list[int] = []
    while time.time() < deadline and len(workers) < 2:
        time.sleep(0.2)
        workers = _children(proc.pid)
    assert len(workers) >= 2, "the workers did not start"
    time.sleep(0.5)  # they are analysing now
    return proc, workers


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_workers_die_with_their_parent(tmp_path, sig):
    proc, workers = _start(tmp_path)
    try:
        os.kill(proc.pid, sig)
        proc.wait(timeout=30)
        deadline = time.time() + 10
        while time.time() < deadline and any(_alive(w) for w in workers):
            time.sleep(0.1)
        assert not any(_alive(w) for w in workers), "orphaned workers"
    finally:
        for w in workers:
            if _alive(w):
                os.kill(w, signal.SIGKILL)
        proc.stderr.close()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_ctrl_c_under_jobs_prints_one_line(tmp_path):
    proc, workers = _start(tmp_path)
    try:
        os.killpg(proc.pid, signal.SIGINT)  # what a terminal's Ctrl-C does: the whole group
        assert proc.wait(timeout=30) == 130
        err = proc.stderr.read().decode()
        assert "Traceback" not in err and err.count("kzmedia: interrupted") == 1, err
        deadline = time.time() + 10
        while time.time() < deadline and any(_alive(w) for w in workers):
            time.sleep(0.1)
        assert not any(_alive(w) for w in workers)
    finally:
        for w in workers:
            if _alive(w):
                os.kill(w, signal.SIGKILL)
        proc.stderr.close()


def test_a_strict_pipeline_raises_on_timeout():
    from kzmedia.errors import AnalyzerError

    with pytest.raises(AnalyzerError, match="time limit"):
        Pipeline(plugin_manager=pm(), strict=True, timeout=0.3).analyze(Document.from_text("Астана ВИСНИ."))


def test_a_plugin_that_fails_to_import_is_named_and_skipped(tmp_path):
    site = tmp_path / "site"
    info = site / "kzbroken-0.1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: kzbroken\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[kzmedia]\nbroken = kzbroken_plugin\n")
    (site / "kzbroken_plugin.py").write_text("raise ImportError('needs libfoo')\n")
    (tmp_path / "a.txt").write_text("Казахстан и Россия подписали соглашение.", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(site)}
    for args in (["plugins"], ["analyze", "a.txt", "--only", "framing", "--format", "jsonl"]):
        r = subprocess.run([sys.executable, "-m", "kzmedia", *args], capture_output=True, text=True,
                           cwd=tmp_path, env=env, timeout=120)
        assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
        assert r.stderr.count("plugin entry point 'broken' (kzbroken_plugin, distribution kzbroken) failed "
                              "to load and is skipped: ImportError: needs libfoo") == 1, r.stderr
    assert json.loads(r.stdout)["results"]["framing"]


def _limited(cmd, cwd, limit):
    import resource

    def cap():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    with open(cwd / "stdout.txt", "wb") as out:  # a file, so that the limit applies to standard output too
        return subprocess.run([sys.executable, "-m", "kzmedia", *cmd], cwd=cwd, stdout=out,
                              stderr=subprocess.PIPE, text=True, preexec_fn=cap, timeout=300)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="RLIMIT_FSIZE needs POSIX")
def test_a_full_disk_is_one_line_and_a_store_resumes_identically(tmp_path):
    pytest.importorskip("resource")
    with open(tmp_path / "c.jsonl", "w", encoding="utf-8") as fh:
        for i in range(120):
            fh.write(json.dumps({"id": f"d{i}", "text": f"Казахстан и Китай обсудили транзит, выпуск {i}. " * 20},
                                ensure_ascii=False) + "\n")
    base = ["analyze", "c.jsonl", "--only", "framing", "--quiet"]
    clean = subprocess.run([sys.executable, "-m", "kzmedia", *base, "--store", "clean.sqlite"], cwd=tmp_path,
                           capture_output=True, timeout=300)
    assert clean.returncode == 0
    r = _limited([*base, "--store", "s.sqlite"], tmp_path, 200_000)
    assert r.returncode == 1 and "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert "kzmedia: error:" in r.stderr
    again = subprocess.run([sys.executable, "-m", "kzmedia", *base, "--store", "s.sqlite"], cwd=tmp_path,
                           capture_output=True, timeout=300)
    assert again.returncode == 0
    from kzmedia.store import Store

    with Store(tmp_path / "s.sqlite", readonly=True) as a, Store(tmp_path / "clean.sqlite", readonly=True) as b:
        assert list(a.analyses()) == list(b.analyses())
    for cmd in (["export", "clean.sqlite", "-o", "out.jsonl"], ["report", "clean.sqlite", "-o", "r.html"],
                ["analyze", "c.jsonl", "--only", "framing", "--format", "jsonl"]):
        r = _limited(cmd, tmp_path, 20_000)
        assert r.returncode == 1 and "Traceback" not in r.stderr, (cmd, r.stderr)
        assert r.stderr.strip().splitlines()[-1].startswith("kzmedia: error:"), (cmd, r.stderr)


LEX = '[lexicon]\nname = "t"\nversion = "1"\n\n[categories.c]\ndefinition = "d"\n\n[[entries]]\npattern = "союз"\ncategory = "c"\n'


@pytest.mark.parametrize("extra,message", [("weight = nan\n", "finite number"), ("weight = inf\n", "finite number"),
                                           ('pos = "NOUNS"\n', "unknown pos value(s) ['NOUNS']"),
                                           ('case = ["gent", "genitive"]\n', "unknown case value(s) ['genitive']")])
def test_lexicon_check_refuses_nan_weights_and_unknown_grammemes(tmp_path, capsys, extra, message):
    from kzmedia.errors import LexiconError
    from kzmedia.lexicon import Lexicon

    with pytest.raises(LexiconError, match=re.escape(message)) as e:
        Lexicon.loads(LEX + extra, source="t.toml")
    assert e.value.line == 9  # the pattern line
    (tmp_path / "t.toml").write_text(LEX + extra, encoding="utf-8")
    assert main(["lexicon", "check", str(tmp_path / "t.toml")]) != 0
    captured = capsys.readouterr()
    assert message in captured.out + captured.err
    assert Lexicon.loads(LEX + 'pos = "NOUN"\ncase = ["gent", "plur"]\n').entries[0].pos == {"NOUN"}


@pytest.mark.parametrize("header,message", [("x1\tcat\n", "is not a number"), ("1\ta\n1\tb\n", "given twice")])
def test_liwc_category_numbers_are_checked(header, message):
    from kzmedia.errors import LexiconError
    from kzmedia.lexicon import Lexicon

    with pytest.raises(LexiconError, match=message):
        Lexicon.from_liwc(f"%\n{header}%\nсоюз*\t1\n", source="x.dic")


def test_line_numbers_of_a_large_lexicon_are_right():
    from kzmedia.lexicon import Lexicon

    text = LEX.split("[[entries]]")[0] + "".join(f'[[entries]]\npattern = "слово{i}"\ncategory = "c"\n\n'
                                                 for i in range(3000))
    lx = Lexicon.loads(text)
    assert [e.line for e in lx.entries[:2]] == [9, 13] and lx.entries[-1].line == 9 + 4 * 2999


def test_report_from_a_store_streams_to_the_same_page(tmp_path, capsys):
    from kzmedia.report import load_store, render_corpus
    from kzmedia.report.model import doc_views
    from kzmedia.report.render import render_corpus_views

    path = corpus(tmp_path, n=4, hang=())
    db = tmp_path / "s.sqlite"
    assert main(["analyze", str(path), "--store", str(db), "--only", "framing", "--quiet"]) == 0
    capsys.readouterr()
    whole = render_corpus_views(doc_views(load_store(db)), None, max_texts=2, source=str(db))
    assert render_corpus(db, max_texts=2) == whole and "d3" in whole


class Exits:
    """A plugin that calls sys.exit() from analyze (seen in scripts turned into plugins)."""

    name, version = "exits", "1"

    def analyze(self, document):
        sys.exit(3)


def test_a_plugin_calling_sys_exit_is_its_error_not_the_end_of_the_run(capsys):
    pipe = Pipeline(["exits", "slow"], plugin_manager=make_plugin_manager_for(Exits(), Slow()))
    out = list(pipe.analyze_many(["Казахстан укрепляет суверенитет и независимость.", "Астана и Бишкек."]))
    assert len(out) == 2
    for a in out:
        assert "slow" in a.results and "exits" not in a.results
        assert [(e["analyzer"], e["stage"], e["message"]) for e in a.errors] == [("exits", "analyze", "SystemExit: 3")]


class FailsInSetup:
    name, version = "brittle", "1"

    def setup(self, context):
        raise FileNotFoundError("models/brittle.bin")

    def analyze(self, document):
        return {}


def test_a_plugin_failing_in_setup_is_one_line_naming_it_and_how_to_leave_it_out(tmp_path, capsys):
    doc = tmp_path / "a.txt"
    doc.write_text("Казахстан и Россия подписали договор.", encoding="utf-8")
    code = main(["analyze", str(doc), "--format", "jsonl"], plugin_manager=make_plugin_manager_for(FailsInSetup()))
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert "analyzer 'brittle' failed in setup: FileNotFoundError: models/brittle.bin" in err
    assert "--disable brittle" in err
    code = main(["analyze", str(doc), "--format", "jsonl", "--disable", "brittle"],
                plugin_manager=make_plugin_manager_for(FailsInSetup()))
    assert code == 0
