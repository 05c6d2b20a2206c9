"""One decoding policy for every reader and standard input (issue 19 items 1, 2, 9, 12-14 and
the minor reader items): strict UTF-8, BOMs and UTF-16/32 recognised, errors naming file, line
and byte, lone surrogates repaired and named, empty or unreadable inputs named, never silent."""

from __future__ import annotations

import codecs
import io
import json
import os
import subprocess
import sys

import pytest

from kzmedia import Document, FailedDocument
from kzmedia.cli import main
from kzmedia.decoding import decode, detect, repair_surrogates
from kzmedia.errors import DocumentError
from kzmedia.readers import read_corpus
from kzmedia.store import Store

TEXT = "Кремль навязывает Казахстану свою повестку, заявил эксперт 12 мая.\nВторая строка."


@pytest.mark.parametrize("encoding,bom", [("utf-8", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE),
                                          ("utf-16-be", codecs.BOM_UTF16_BE), ("utf-32-le", codecs.BOM_UTF32_LE),
                                          ("utf-32-be", codecs.BOM_UTF32_BE)])
def test_boms_and_utf16_32_without_bom_are_read_exactly(tmp_path, encoding, bom):
    for name, raw in (("bom", bom + TEXT.encode(encoding)), ("plain", TEXT.encode(encoding))):
        path = tmp_path / f"{name}.txt"
        path.write_bytes(raw)
        (doc,) = read_corpus([str(path)])
        assert isinstance(doc, Document) and doc.text == TEXT, (encoding, name)
    assert detect("Ascii only".encode("utf-16-le")) == ("utf-16-le", 0)


def test_undecodable_bytes_name_file_line_and_byte(tmp_path):
    raw = "Первая строка.\n".encode() + "Кремль навязывает.".encode("cp1251")
    with pytest.raises(DocumentError) as e:
        decode(raw, source="f.txt")
    msg = str(e.value)
    assert msg.startswith("f.txt: not valid UTF-8 at line 2, byte 1 of the line") and "cp1251" in msg
    with pytest.raises(DocumentError, match="NUL byte at line 1"):
        decode(b"abc\0def", source="bin.txt")
    assert decode(raw, source="f.txt", encoding="cp1251").endswith("Кремль навязывает.")
    # a JSON-lines file: the bad line is named, the other lines are read
    path = tmp_path / "c.jsonl"
    path.write_bytes(b"".join(json.dumps({"text": t}, ensure_ascii=False).encode(enc) + b"\n"
                              for t, enc in (("Астана.", "utf-8"), ("Москва.", "cp1251"), ("Пекин.", "utf-8"))))
    items = list(read_corpus([str(path)]))
    assert [type(i).__name__ for i in items] == ["Document", "FailedDocument", "Document"]
    assert items[1].id == f"{path}:2" and "byte 11 of the line" in items[1].reason


def _run(args, stdin: bytes, tmp_path):
    return subprocess.run([sys.executable, "-m", "kzmedia", *args], input=stdin, capture_output=True,
                          cwd=tmp_path, timeout=120)


def test_standard_input_follows_the_same_policy(tmp_path):
    r = _run(["analyze", "-", "--format", "jsonl", "--only", "framing"], "Кремль навязывает.".encode("cp1251"), tmp_path)
    assert r.returncode == 1 and b"Traceback" not in r.stderr
    assert b"<stdin>: input: not valid UTF-8 at line 1" in r.stderr
    r = _run(["analyze", "-", "--format", "jsonl", "--only", "framing"], TEXT.encode("utf-16"), tmp_path)
    assert r.returncode == 0 and json.loads(r.stdout)["document"]["chars"] == len(TEXT)
    r = _run(["analyze", "-", "--store", "s.sqlite", "--only", "framing"], "Кремль.".encode("cp1251"), tmp_path)
    assert r.returncode == 1 and b"Traceback" not in r.stderr


def test_lone_surrogate_is_repaired_named_and_stored(tmp_path, capsys):
    assert repair_surrogates("a\ud83db") == ("a\ufffdb", 1)
    path = tmp_path / "sur.jsonl"
    path.write_text('{"url": "https://x.kz/a", "content": "Казахстан и Россия."}\n'
                    '{"url": "https://x.kz/s", "title": "\\ude00", "content": "Казахстан \\ud83d и Россия.",'
                    ' "rank": Infinity}\n', encoding="utf-8")
    db = tmp_path / "s.sqlite"
    assert main(["analyze", str(path), "--store", str(db), "--only", "framing", "--quiet"]) == 0
    capsys.readouterr()
    with Store(db, readonly=True) as s:
        docs = list(s.analyses())
        assert s.text("https://x.kz/s") == "Казахстан \ufffd и Россия."
    meta = docs[1]["document"]["meta"]
    assert meta["input_repairs"].startswith("2 lone surrogate") and meta["rank"] == "Infinity"
    assert main(["analyze", str(path), "--format", "jsonl", "--only", "framing"]) == 0
    for line in capsys.readouterr().out.splitlines():  # strict JSON: no Infinity
        json.loads(line, parse_constant=lambda c: pytest.fail(f"{c} in the output"))
    # a Document built by hand with a surrogate is an input error, not a crash
    from kzmedia import Pipeline

    a = Pipeline(["framing"]).analyze(Document.from_text("Россия \udc00.", id="hand"))
    assert a.errors[0]["stage"] == "input" and "surrogate" in a.errors[0]["message"]


def test_directories_that_give_nothing_are_named(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    (tmp_path / "x.txt").mkdir()
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.md").write_text("не корпус", encoding="utf-8")
    for d in ("empty", "x.txt", "other"):
        assert main(["analyze", str(tmp_path / d), "--format", "jsonl", "--only", "framing"]) == 1
        assert "the directory has no file kzmedia can read" in capsys.readouterr().err


def test_an_unreadable_sub_directory_is_named_and_the_rest_read(tmp_path, capsys, monkeypatch):
    """The folder is made unreadable for real where permissions apply (not as root), and in any
    case by the operating system's own error from listing it, so the test means something as
    root too."""
    locked = tmp_path / "locked"
    (locked / "inner").mkdir(parents=True)
    (locked / "inner" / "b.txt").write_text("Москва.", encoding="utf-8")
    (locked / "a.txt").write_text("Астана и Пекин подписали соглашение.", encoding="utf-8")
    real_scandir = os.scandir

    def scandir(path="."):
        if os.path.basename(os.fspath(path)) == "inner":
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    with monkeypatch.context() as m:
        m.setattr(os, "scandir", scandir)
        items = list(read_corpus([str(locked)]))
        assert [i.reason for i in items if isinstance(i, FailedDocument)] == [
            "cannot read directory: Permission denied"]
        assert [os.path.basename(i.id) for i in items if not isinstance(i, FailedDocument)] == ["a.txt"]
        assert main(["analyze", str(locked), "--format", "jsonl", "--only", "framing"]) == 1
        out, err = capsys.readouterr()
        records = {os.path.basename(r["document"]["id"]): r for r in map(json.loads, out.splitlines())}
        assert set(records) == {"a.txt", "inner"}
        assert records["a.txt"]["results"]["framing"] and not records["a.txt"]["errors"]
        assert "cannot read directory" in records["inner"]["errors"][0]["message"]
        assert "cannot read directory: Permission denied" in err and "Traceback" not in err
    os.chmod(locked / "inner", 0)
    try:
        if not os.access(locked / "inner", os.R_OK):  # permissions apply (not root): the real thing
            items = list(read_corpus([str(locked)]))
            assert any(isinstance(i, FailedDocument) and "cannot read directory" in i.reason for i in items)
    finally:
        os.chmod(locked / "inner", 0o755)


def test_empty_and_duplicate_column_csv_and_jsonl_records_named(tmp_path):
    (tmp_path / "e.csv").write_bytes(b"")
    (tmp_path / "d.csv").write_text("text,id,text\nа,1,б\n", encoding="utf-8")
    (tmp_path / "e.jsonl").write_bytes(b"\n")
    (tmp_path / "r.jsonl").write_text('{"id": "n1", "body": "Астана."}\n', encoding="utf-8")
    (tmp_path / "u16.csv").write_bytes("text\nКазахстан и Китай.\n".encode("utf-16"))
    got = {os.path.basename(i.id.split(":")[0]) if not i.id.startswith("n") else i.id: i
           for i in read_corpus([str(tmp_path / n) for n in ("e.csv", "d.csv", "e.jsonl", "r.jsonl", "u16.csv")])}
    assert "empty CSV file" in got["e.csv"].reason
    assert "duplicate column(s) 'text'" in got["d.csv"].reason
    assert "no document in this file" in got["e.jsonl"].reason
    assert got["n1"].reason.endswith(f"(record at {tmp_path / 'r.jsonl'}:1)")
    assert got["u16.csv"].text == "Казахстан и Китай."


def test_a_corrupt_parquet_row_group_loses_only_its_rows(tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "c.parquet"
    pq.write_table(pa.table({"id": [f"r{i}" for i in range(30)],
                             "text": [f"Казахстан и Россия, сообщение {i}." for i in range(30)]}),
                   path, row_group_size=10)
    raw = bytearray(path.read_bytes())
    group = pq.ParquetFile(path).metadata.row_group(1)
    for c in range(group.num_columns):
        col = group.column(c)
        start = col.dictionary_page_offset or col.data_page_offset
        raw[start:start + col.total_compressed_size] = b"\xab" * col.total_compressed_size
    path.write_bytes(bytes(raw))
    items = list(read_corpus([str(path)]))
    docs = [i.id for i in items if isinstance(i, Document)]
    assert docs == [f"r{i}" for i in range(10)] + [f"r{i}" for i in range(20, 30)]
    (bad,) = [i for i in items if isinstance(i, FailedDocument)]
    assert bad.id.endswith("#row-group-1") and "rows 10..19" in bad.reason and "\n" not in bad.reason


def test_stdin_text_stream_without_buffer():
    (doc,) = read_corpus(["-"], stdin=io.StringIO("Астана \ud83d."))
    assert doc.text == "Астана \ufffd." and "input_repairs" in doc.meta
