"""The CLI contract: JSON shape, exit codes, readable errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from kzmedia.cli import main

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_on_one_file_has_the_documented_shape(capsys):
    path = str(sorted(EXAMPLES.glob("*.txt"))[0])
    code, out, err = run(capsys, "analyze", path, "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert set(data) == {"kzmedia_version", "document", "results", "errors"}
    assert data["document"]["id"] == path
    assert data["document"]["words"] > 50
    assert data["errors"] == []
    for name, result in data["results"].items():
        assert result["analyzer_version"], name


def test_jsonl_keeps_input_order_and_failed_documents_exit_1(capsys, tmp_path):
    good = str(sorted(EXAMPLES.glob("*.txt"))[0])
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("Астана".encode("cp1251"))
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n", encoding="utf-8")
    code, out, err = run(capsys, "analyze", str(bad), good, str(empty), "--format", "jsonl", "--only", "none-such")
    assert code == 2 and "unknown analyzer" in err and "Traceback" not in err
    code, out, err = run(capsys, "analyze", str(bad), good, str(empty), "--format", "jsonl")
    lines = [json.loads(line) for line in out.splitlines()]
    assert [d["document"]["id"] for d in lines] == [str(bad), good, str(empty)]
    assert code == 1
    assert "byte offset 0" in lines[0]["errors"][0]["message"]
    assert "empty" in lines[2]["errors"][0]["message"]
    assert lines[1]["errors"] == []
    assert "2 of 3 document(s) had errors" in err


def test_missing_file_is_one_readable_line(capsys, tmp_path):
    code, out, err = run(capsys, "analyze", str(tmp_path / "nope.txt"))
    assert code == 1
    assert "nope.txt" in err and "Traceback" not in err


def test_console_script_runs_as_a_module():
    proc = subprocess.run([sys.executable, "-m", "kzmedia", "--version"], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout.startswith("kzmedia ")
    proc = subprocess.run([sys.executable, "-m", "kzmedia"], capture_output=True, text=True)
    assert proc.returncode == 2


def test_set_and_config_file_reach_the_analyzers(capsys, tmp_path, monkeypatch):
    # words of contempt: Loaded_Language findings well over the default threshold, under 0.99
    path = str(tmp_path / "contempt.txt")
    (tmp_path / "contempt.txt").write_text("Министр назвал доклад омерзительным враньём, а решение совета — "
                                           "позорным и циничным фарсом.", encoding="utf-8")
    on = ["--set", "rhetoric.enabled_techniques=Loaded_Language"]
    code, out, _ = run(capsys, "analyze", path, "--only", "rhetoric", "--format", "json", *on)
    baseline = len(json.loads(out)["results"]["rhetoric"]["findings"])
    assert code == 0 and baseline > 0
    code, out, _ = run(capsys, "analyze", path, "--only", "rhetoric", "--format", "json",
                       "--set", "rhetoric.min_confidence=0.99", *on)
    assert code == 0 and len(json.loads(out)["results"]["rhetoric"]["findings"]) < baseline
    (tmp_path / "kzmedia.toml").write_text("[rhetoric]\nmin_confidence = 0.99\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "analyze", path, "--only", "rhetoric", "--format", "json", *on)
    assert code == 0 and len(json.loads(out)["results"]["rhetoric"]["findings"]) < baseline
    code, out, err = run(capsys, "analyze", path, "--set", "rhetoric.no_such_option=1")
    assert code == 2 and "no_such_option" in err and "Traceback" not in err


def _run_with_terminal_stderr(argv, stdout_path):
    """Run the CLI with stderr on a pseudo-terminal (so the progress bar is drawn) and stdout
    redirected to a file, as ``kzmedia analyze … > out.jsonl`` typed at a terminal does."""
    import os
    import pty
    import threading

    master, slave = pty.openpty()
    drawn = []

    def drain():
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                return
            if not chunk:
                return
            drawn.append(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    with open(stdout_path, "wb") as out:
        done = subprocess.run([sys.executable, "-m", "kzmedia", *argv], stdout=out, stderr=slave,
                              stdin=subprocess.DEVNULL, timeout=300)
    os.close(slave)
    reader.join(timeout=10)
    os.close(master)
    return done.returncode, b"".join(drawn).decode("utf-8", "replace")


def test_results_redirected_to_a_file_stay_there_while_the_terminal_shows_progress(tmp_path):
    paths = [str(p) for p in sorted(EXAMPLES.glob("*.txt"))]
    piped = subprocess.run([sys.executable, "-m", "kzmedia", "analyze", *paths, "--format", "jsonl"],
                           capture_output=True, timeout=300)
    assert piped.returncode == 0 and piped.stdout.count(b"\n") == len(paths)
    code, terminal = _run_with_terminal_stderr(["analyze", *paths, "--format", "jsonl"], tmp_path / "out.jsonl")
    assert code == 0
    assert (tmp_path / "out.jsonl").read_bytes() == piped.stdout  # every result in the file, unchanged
    assert "kzmedia" in terminal and "docs" in terminal  # the progress line was on the terminal
    assert '"kzmedia_version"' not in terminal  # and no result leaked onto it
    code, terminal = _run_with_terminal_stderr(["analyze", *paths, "--format", "jsonl", "--quiet"],
                                               tmp_path / "quiet.jsonl")
    assert code == 0 and (tmp_path / "quiet.jsonl").read_bytes() == piped.stdout
    assert "docs" not in terminal


def test_an_over_long_document_is_refused_by_name_and_max_chars_lets_it_through(capsys, tmp_path):
    path = tmp_path / "long.txt"
    path.write_text("Астана и Москва подписали соглашение. " * 30, encoding="utf-8")
    code, out, err = run(capsys, "analyze", str(path), "--format", "json", "--max-chars", "500")
    assert code == 1
    assert f"{path}: input: " in err and "500" in err and "limit" in err and "--max-chars" in err
    assert json.loads(out)["results"] == {}
    code, out, err = run(capsys, "analyze", str(path), "--format", "json", "--max-chars", "2000")
    assert code == 0, err
    assert json.loads(out)["results"]["actors"]["total_mentions"] == 60


def test_a_run_with_no_analyzer_enabled_says_so(capsys, monkeypatch):
    path = str(sorted(EXAMPLES.glob("*.txt"))[0])
    monkeypatch.setenv("KZMEDIA_PLUGINS", "")  # the documented way to load no plugin at all
    code, out, err = run(capsys, "analyze", path, "--format", "json")
    assert code == 0 and json.loads(out)["results"] == {}
    assert "no analyzer is enabled (KZMEDIA_PLUGINS names no analyzer plugin)" in err
    monkeypatch.delenv("KZMEDIA_PLUGINS")
    code, out, err = run(capsys, "analyze", path, "--format", "json")
    assert code == 0 and "no analyzer" not in err and json.loads(out)["results"]
