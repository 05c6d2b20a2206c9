"""Every analyzer's result is checked at the pipeline boundary (issue 19 items 4, 5): a bad result
is that analyzer's error on that document, the other analyzers' results are kept, in a serial
run, with --store and with --jobs 2; the store opens read-only stores and refuses foreign ones."""

from __future__ import annotations

import datetime
import json
import math
import os
import sqlite3
import subprocess

import pytest

from kzmedia import Document, Pipeline
from kzmedia.cli import main
from kzmedia.errors import KzmediaError
from kzmedia.testing import make_plugin_manager_for
from kzmedia.store import Store
from kzmedia.validation import InvalidResult, check_result

TEXT = "Казахстан и Россия подписали соглашение о транзите зерна."


class Good:
    """Marks every token that names a state (a real, valid result)."""

    name = "good"
    version = "1"

    def analyze(self, document):
        t = document.tokens
        return {"findings": [{"label": "state", "start": t.starts[i], "end": t.ends[i], "text": t.surface(i)}
                             for i in range(len(t)) if t.lemma(i) in ("казахстан", "россия")]}


class Bad:
    """Returns, according to a marker word in the text, one of the results the core must refuse."""

    name = "bad"
    version = "1"

    def analyze(self, document):
        text = document.text
        n = len(text)
        if "ДАТА" in text:
            return {"when": datetime.datetime(2026, 1, 1)}
        if "СПИСОК" in text:
            return ["not", "a", "dict"]
        if "НАН" in text:
            return {"score": math.nan}
        if "ХВОСТ" in text:
            return {"findings": [{"start": n - 2, "end": n + 5, "text": text[n - 2:]}]}
        if "МИНУС" in text:
            return {"findings": [{"start": -1, "end": 3}]}
        if "ДРОБЬ" in text:
            return {"findings": [{"start": 0.0, "end": 3}]}
        if "ЛОЖЬ" in text:
            return {"nested": {"evidence": [{"start": 0, "end": 5, "text": "Росси"}]}}
        if "ГИГАНТ" in text:
            return {"findings": [{"start": 10 ** 30, "end": 10 ** 30 + 1, "text": "x"}]}
        if "ОГРОМ" in text:
            return {"count": 10 ** 30}
        return {"count": 1}


def pm():
    return make_plugin_manager_for(Good(), Bad())


MARKERS = {"ДАТА": "datetime", "СПИСОК": "list, not a dict", "НАН": "nan", "ХВОСТ": "not inside the text",
           "МИНУС": "not inside the text", "ДРОБЬ": "must be integers", "ЛОЖЬ": "has text 'Росси'",
           "ГИГАНТ": "not inside the text", "ОГРОМ": "too large an integer"}


@pytest.mark.parametrize("marker", sorted(MARKERS))
def test_bad_result_is_that_analyzers_error_only(marker):
    doc = Document.from_text(f"{TEXT} {marker}.", id=f"doc-{marker}")
    a = Pipeline(plugin_manager=pm()).analyze(doc)
    assert list(a.results) == ["good"] and len(a.model("good").findings) == 2
    (err,) = a.errors
    assert err["analyzer"] == "bad" and err["stage"] == "validate"
    assert "'bad'" in err["message"] and f"doc-{marker}" in err["message"]
    assert MARKERS[marker] in err["message"], err["message"]
    json.loads(a.to_json())  # strict JSON out
    with pytest.raises(InvalidResult):
        Pipeline(plugin_manager=pm(), strict=True).analyze(doc)


def test_valid_results_pass_unchanged():
    doc = Document.from_text(TEXT)
    a = Pipeline(plugin_manager=pm()).analyze(doc)
    assert a.ok and a.result("bad")["count"] == 1
    check_result("x", doc, {"span": {"start": 0, "end": 1}, "t": (1, 2.5, None, True)})
    with pytest.raises(InvalidResult, match="not inside"):
        check_result("x", doc, {"span": {"start": 3, "end": 3}})  # an empty span is no evidence
    with pytest.raises(InvalidResult, match="int key"):
        check_result("x", doc, {"by": {1: 2}})


def corpus(tmp_path):
    path = tmp_path / "c.jsonl"
    with open(path, "w", encoding="utf-8") as fh:
        for i, marker in enumerate(["", *sorted(MARKERS), ""]):
            fh.write(json.dumps({"id": f"d{i}", "text": f"{TEXT} {marker}."}, ensure_ascii=False) + "\n")
    return path


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_store_and_jobs_keep_other_results(tmp_path, capsys, jobs):
    path = corpus(tmp_path)
    assert main(["analyze", str(path), "--format", "jsonl", "--jobs", jobs], plugin_manager=pm()) == 1
    out = capsys.readouterr()
    lines = [json.loads(x) for x in out.out.splitlines()]
    assert len(lines) == len(MARKERS) + 2 and all("good" in x["results"] for x in lines)
    assert sum(1 for x in lines if x["errors"]) == len(MARKERS)
    assert "Traceback" not in out.err
    db = tmp_path / "s.sqlite"
    assert main(["analyze", str(path), "--store", str(db), "--jobs", jobs, "--quiet"], plugin_manager=pm()) == 1
    capsys.readouterr()
    with Store(db, readonly=True) as s:
        assert s.count() == len(MARKERS) + 2 and s.count("errors") == len(MARKERS)
        stored = list(s.analyses())
    assert stored == lines


def test_dask_path_validates(tmp_path):
    pytest.importorskip("dask.bag")
    from kzmedia.dask import _analyze_partition, pipeline_payload

    blob, digest = pipeline_payload(Pipeline(plugin_manager=pm()))
    out = _analyze_partition([f"{TEXT} ДАТА."], blob, digest, {})
    assert list(out[0]["results"]) == ["good"] and out[0]["errors"][0]["stage"] == "validate"


def _ro_mount(tmp_path):
    """A folder where nothing can be written: chmod for a normal user, a read-only bind mount
    for root (which chmod does not stop)."""
    src, mnt = tmp_path / "src", tmp_path / "ro"
    src.mkdir()
    mnt.mkdir()
    if os.geteuid() != 0:
        return src, src, lambda: os.chmod(src, 0o555), lambda: os.chmod(src, 0o755)
    ok = subprocess.run(["mount", "--bind", "-o", "ro", str(src), str(mnt)], capture_output=True).returncode == 0
    if not ok:
        pytest.skip("root without the right to bind-mount: a read-only folder cannot be made")
    subprocess.run(["mount", "-o", "remount,ro,bind", str(mnt)], capture_output=True)
    if os.access(mnt, os.W_OK):
        subprocess.run(["umount", str(mnt)])
        pytest.skip("a read-only bind mount is writable here")
    return src, mnt, lambda: None, lambda: subprocess.run(["umount", str(mnt)])


def test_read_only_store_is_read_and_foreign_db_refused(tmp_path, capsys):
    src, ro, lock, unlock = _ro_mount(tmp_path)
    try:
        path = corpus(tmp_path)
        assert main(["analyze", str(path), "--store", str(src / "s.sqlite"), "--quiet"], plugin_manager=pm()) == 1
        capsys.readouterr()
        lock()
        assert main(["export", str(ro / "s.sqlite")], plugin_manager=pm()) == 0
        assert len(capsys.readouterr().out.splitlines()) == len(MARKERS) + 2
        assert main(["analyze", str(path), "--store", str(ro / "s.sqlite")], plugin_manager=pm()) == 2
        err = capsys.readouterr().err
        assert "read-only" in err and "not a kzmedia results store" not in err
    finally:
        unlock()
    other = tmp_path / "app.db"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE users (id INTEGER)")
    assert main(["analyze", str(path), "--store", str(other)], plugin_manager=pm()) == 2
    assert "kzmedia did not create (tables: users)" in capsys.readouterr().err
    with sqlite3.connect(other) as db:
        assert [r[0] for r in db.execute("SELECT name FROM sqlite_master")] == ["users"]
    with pytest.raises(KzmediaError, match="not a kzmedia results store"):
        Store(other, readonly=True)


def test_the_fast_walk_agrees_with_the_careful_one():
    """``check_result`` first walks a result without paths; whenever it says "valid", the careful
    walk (which names the path of a problem) must find nothing, and on results of plain types the
    two must agree both ways."""
    from hypothesis import given, settings, strategies as st

    from kzmedia.validation import _plainly_valid, _problem

    text = "Астана и Ташкент договорились о воде."
    spans = st.builds(lambda s, e, keep: {"start": s, "end": e, **({"text": text[s:e]} if keep else {})},
                      st.integers(-2, len(text) + 2), st.integers(-2, len(text) + 2), st.booleans())
    scalars = (st.none() | st.booleans() | st.integers(-3, 3) | st.sampled_from([2 ** 63 - 1, 2 ** 63, -2 ** 63 - 1])
               | st.text(max_size=4)
               | st.floats(allow_nan=True, allow_infinity=True))
    values = st.recursive(scalars | spans, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.text(max_size=3) | st.integers(0, 2), inner, max_size=4), max_leaves=12)

    @settings(max_examples=300, deadline=None)
    @given(st.dictionaries(st.text(max_size=3), values, max_size=4))
    def agree(body):
        assert _plainly_valid(body, text) == (_problem(body, text) is None)

    agree()
