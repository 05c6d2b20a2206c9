"""Corpus readers: folders, globs, JSON lines, CSV, HTML, Parquet; bad records become failures."""

from __future__ import annotations

import json
import tracemalloc

import pytest

from kzmedia import Document, FailedDocument
from kzmedia.readers import available_readers, html_to_text, read_corpus, read_csv, read_jsonl
from kzmedia.testing import hook_plugin, make_plugin_manager_for

TEXT_A = "Астана и Москва договорились о поставках газа.\nЭксперты сомневаются в сроках."
TEXT_B = "Пекин предложил Бишкеку кредит на строительство дороги."


def ids(items):
    return [d.id for d in items]


def test_folder_recursive_sorted_and_ids_are_paths(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "a.txt").write_text(TEXT_A, encoding="utf-8")
    (tmp_path / "b" / "c.txt").write_text(TEXT_B, encoding="utf-8")
    (tmp_path / "b" / "notes.md").write_text("# не текст корпуса", encoding="utf-8")
    (tmp_path / "b" / "bad.txt").write_bytes("Привет".encode("cp1251"))
    docs = list(read_corpus([str(tmp_path)]))
    assert ids(docs) == [str(tmp_path / "a.txt"), str(tmp_path / "b" / "bad.txt"), str(tmp_path / "b" / "c.txt")]
    assert isinstance(docs[1], FailedDocument) and "UTF-8" in docs[1].reason
    assert docs[0].text == TEXT_A  # exact text
    # a glob, and the encoding option rescues the cp1251 file
    docs = list(read_corpus([str(tmp_path / "**" / "*.txt")], encoding="cp1251"))
    assert [d.text for d in docs if d.id.endswith("bad.txt")] == ["Привет"]
    # a pattern for the txt reader on a directory
    docs = list(read_corpus([str(tmp_path)], reader="txt", pattern="b/c*.txt"))
    assert ids(docs) == [str(tmp_path / "b" / "c.txt")]


def test_missing_input_is_a_failure_not_an_exception(tmp_path):
    docs = list(read_corpus([str(tmp_path / "nope.txt"), str(tmp_path / "*.jsonl")]))
    assert [type(d) for d in docs] == [FailedDocument, FailedDocument]
    assert "no such file" in docs[0].reason and "matches no file" in docs[1].reason


def test_jsonl_ru_news_shape_and_bad_records(tmp_path):
    p = tmp_path / "news.jsonl"
    lines = [
        json.dumps({"url": "https://www.ng.ru/world/2018-03-14/1_x.html", "title": "Заголовок",
                    "content": TEXT_A, "keywords": ["газ"]}, ensure_ascii=False),
        "",
        "{broken json",
        json.dumps({"url": "u2", "title": "Без текста"}, ensure_ascii=False),
        json.dumps({"id": 7, "content": TEXT_B, "summary": None}, ensure_ascii=False),
    ]
    raw = ("\n".join(lines) + "\n").encode("utf-8") + b'{"content": "\xff\xfe"}\n'
    p.write_bytes(raw)
    docs = list(read_jsonl(str(p)))
    assert [type(d).__name__ for d in docs] == ["Document", "FailedDocument", "FailedDocument", "Document",
                                                  "FailedDocument"]
    first = docs[0]
    assert first.id == "https://www.ng.ru/world/2018-03-14/1_x.html" and first.text == TEXT_A
    assert first.meta["title"] == "Заголовок" and first.meta["keywords"] == ["газ"]
    assert "url" in first.meta  # the url is kept as metadata too (outlet/month tables use it)
    assert docs[1].id == f"{p}:3" and "invalid JSON" in docs[1].reason
    assert docs[2].id == "u2" and ("'content'" in docs[2].reason or "'text'" in docs[2].reason)
    assert docs[3].id == "7" and "summary" not in docs[3].meta
    assert docs[4].id == f"{p}:6" and "UTF-8" in docs[4].reason
    # several text fields are joined; offsets refer to the joined text
    d = next(read_jsonl(str(p), text_field="title,content"))
    assert d.text == "Заголовок\n\n" + TEXT_A


def test_csv_fields_and_long_cells(tmp_path):
    p = tmp_path / "c.csv"
    long_text = (TEXT_B + " ") * 4000  # > csv's default 128 KiB field limit
    p.write_text("doc,body,outlet\nx1,\"" + TEXT_A.replace('"', '""') + "\",ng.ru\nx2," + long_text + ",rt\nx3,only two\n",
                 encoding="utf-8")
    docs = list(read_csv(str(p), text_field="body", id_field="doc", meta_fields="outlet"))
    assert ids(docs) == ["x1", "x2", f"{p}:5"]  # x1 spans lines 2-3: the id names the line a row starts on
    assert docs[0].text == TEXT_A and docs[0].meta == {"outlet": "ng.ru"}
    assert len(docs[1].text) == len(long_text)
    assert isinstance(docs[2], FailedDocument) and "fields" in docs[2].reason


def test_html_both_backends_agree_and_offsets_refer_to_extracted_text(tmp_path):
    html = """<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>Новости &amp; мнения</title>
    <meta property="article:published_time" content="2019-06-01T10:00:00">
    <style>.x{color:red}</style><script>var a = "Россия";</script></head>
    <body><nav>Главная</nav><h1>Газ   для Астаны</h1>
    <p>Москва <b>и</b> Астана&nbsp;договорились.<br>Сроки не названы.</p>
    <ul><li>первое</li><li>второе</li></ul><!-- комментарий --></body></html>"""
    expected = "Главная\nГаз для Астаны\nМосква и Астана договорились.\nСроки не названы.\nпервое\nвторое"
    pytest.importorskip("selectolax")
    fast, meta = html_to_text(html, backend="selectolax")
    slow, meta2 = html_to_text(html, backend="stdlib")
    assert fast == slow == expected
    assert meta["title"] == meta2["title"] == "Новости & мнения" and meta["date"].startswith("2019-06")
    p = tmp_path / "page.html"
    p.write_text(html, encoding="utf-8")
    (doc,) = read_corpus([str(p)])
    assert doc.id == str(p) and doc.text == expected and doc.meta["title"] == "Новости & мнения"
    i = doc.text.index("Астана договорились")
    t = doc.tokens
    k = t.index_at(i)
    assert t.surface(k) == "Астана" and doc.text[t.starts[k]:t.ends[k]] == "Астана"


def test_parquet(tmp_path):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    p = tmp_path / "c.parquet"
    pq.write_table(pa.table({"id": ["p1", "p2", None], "text": [TEXT_A, None, TEXT_B],
                             "outlet": ["rt", "ng", None]}), p)
    docs = list(read_corpus([str(p)]))
    assert ids(docs) == ["p1", "p2", f"{p}:2"]
    assert docs[0].text == TEXT_A and docs[0].meta == {"outlet": "rt"}
    assert docs[1].text == ""  # an empty text is a document; the pipeline records it as empty
    assert docs[2].meta == {}


def test_gigantic_record_is_refused_by_name(tmp_path):
    p = tmp_path / "big.jsonl"
    p.write_text(json.dumps({"id": "huge", "text": "слово " * 2000}) + "\n", encoding="utf-8")
    (d,) = read_corpus([str(p)], max_chars=5000)
    assert isinstance(d, FailedDocument) and d.id in ("huge", f"{p}:1") and "limit" in d.reason


def test_a_plugin_reader_is_found_by_suffix(tmp_path):
    def readers(register):
        def read(path, **options):
            with open(path, encoding="utf-8") as fh:
                for n, line in enumerate(fh, 1):
                    yield Document.from_text(line.split("|", 1)[1].strip(), id=f"{path}#{line.split('|')[0]}")
        register("pipe", read, suffixes=(".pipe",))

    pm = make_plugin_manager_for(hook_plugin(kzmedia_register_readers=readers))
    assert {"txt", "jsonl", "csv", "html", "parquet", "pipe"} <= set(available_readers(pm))
    p = tmp_path / "x.pipe"
    p.write_text("a|" + TEXT_A.splitlines()[0] + "\nb|" + TEXT_B + "\n", encoding="utf-8")
    assert ids(read_corpus([str(tmp_path)], pm=pm)) == [f"{p}#a", f"{p}#b"]


def test_ru_news_kz_streams_with_flat_memory(shared_dir):
    path = shared_dir / "external" / "ru-news-kz" / "articles.jsonl"
    if not path.exists():
        pytest.skip(f"{path} is absent")
    tracemalloc.start()
    n = chars = 0
    peak_early = None
    for doc in read_corpus([str(path)]):
        assert isinstance(doc, Document), doc
        n += 1
        chars += len(doc.text)
        assert doc.id.startswith("http") and doc.meta.get("title") is not None
        if n == 20:
            peak_early = tracemalloc.get_traced_memory()[1]
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert n == 384 and chars > 1_000_000
    # streaming: reading all 384 articles needs about what reading 20 did (a few largest records)
    assert peak < max(peak_early * 3, 2_000_000), (peak_early, peak)


def test_a_plugin_reader_replaces_the_core_reader_of_that_name(tmp_path):
    def readers(register):
        def read(path, **options):
            with open(path, encoding="utf-8") as fh:
                yield Document.from_text(fh.read().upper(), id=str(path))
        register("txt", read, suffixes=(".txt",))

    pm = make_plugin_manager_for(hook_plugin(kzmedia_register_readers=readers))
    p = tmp_path / "a.txt"
    p.write_text("Астана", encoding="utf-8")
    (doc,) = read_corpus([str(p)], pm=pm)
    assert doc.text == "АСТАНА"
    assert available_readers(pm)["jsonl"].plugin == "kzmedia.readers"


def test_a_byte_order_mark_at_the_start_of_a_jsonl_or_csv_file_is_not_part_of_the_data(tmp_path):
    """Files saved by Windows tools (Notepad, Excel) often begin with a UTF-8 BOM."""
    bom = "\ufeff".encode("utf-8")
    (tmp_path / "a.jsonl").write_bytes(bom + '{"url": "u1", "content": "Лондон и Астана."}\n'.encode("utf-8"))
    (tmp_path / "b.csv").write_bytes(bom + 'body,outlet\n"Пекин и Астана.",X\n'.encode("utf-8"))
    jsonl = list(read_corpus([str(tmp_path / "a.jsonl")]))
    csv_ = list(read_corpus([str(tmp_path / "b.csv")], text_field="body"))
    assert [(d.id, d.text) for d in jsonl] == [("u1", "Лондон и Астана.")]
    assert [(d.text, d.meta) for d in csv_] == [("Пекин и Астана.", {"outlet": "X"})]


# --- damaged compressed files and odd record shapes (red-team items) --------------------------

def _records(n):
    return [{"id": f"r{i}", "text": f"Астана и Бишкек подписали соглашение номер {i} о воде."} for i in range(n)]


def test_truncated_gzip_keeps_the_records_before_the_cut(tmp_path):
    import gzip

    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in _records(200)).encode("utf-8")
    whole = gzip.compress(lines)
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(whole[: len(whole) * 2 // 3])  # an unfinished download
    items = list(read_jsonl(str(cut)))
    docs = [d for d in items if not isinstance(d, FailedDocument)]
    failed = [d for d in items if isinstance(d, FailedDocument)]
    assert 0 < len(docs) < 200 and [d.id for d in docs] == [f"r{i}" for i in range(len(docs))]
    assert len(failed) == 1 and failed[0].id.startswith(f"{cut}:")  # FILE:LINE where it stops
    assert "cut short" in failed[0].reason
    # the same bytes whole read completely, and concatenated members one after another
    full = tmp_path / "full.jsonl.gz"
    full.write_bytes(whole + whole)
    assert len([d for d in read_jsonl(str(full)) if not isinstance(d, FailedDocument)]) == 400


def test_corrupt_gzip_and_not_gzip_at_all_are_named(tmp_path):
    import gzip

    data = bytearray(gzip.compress("".join(json.dumps(r, ensure_ascii=False) + "\n"
                                           for r in _records(50)).encode("utf-8")))
    data[len(data) // 2] ^= 0xFF  # one flipped byte in the deflate stream
    bad = tmp_path / "bad.jsonl.gz"
    bad.write_bytes(bytes(data))
    failed = [d for d in read_jsonl(str(bad)) if isinstance(d, FailedDocument)]
    assert failed and ("corrupt gzip" in failed[-1].reason or "cut short" in failed[-1].reason)
    plain = tmp_path / "plain.jsonl.gz"
    plain.write_text('{"id": "a", "text": "Ташкент."}\n', encoding="utf-8")
    out = list(read_jsonl(str(plain)))
    assert len(out) == 1 and isinstance(out[0], FailedDocument) and "gzip" in out[0].reason


def test_truncated_gzip_csv_names_the_row(tmp_path):
    import gzip

    rows = "id,text\n" + "".join(f"c{i},Душанбе построит школу номер {i}.\n" for i in range(300))
    whole = gzip.compress(rows.encode("utf-8"))
    cut = tmp_path / "cut.csv.gz"
    cut.write_bytes(whole[: len(whole) // 2])
    items = list(read_csv(str(cut)))
    assert [d.id for d in items if not isinstance(d, FailedDocument)][:3] == ["c0", "c1", "c2"]
    assert isinstance(items[-1], FailedDocument) and items[-1].id.startswith(f"{cut}:")


def test_csv_row_with_a_nul_byte_is_that_rows_error(tmp_path):
    path = tmp_path / "nul.csv"
    path.write_bytes("id,text\na,Астана.\nb,Мос\x00ква.\nc,Бишкек.\n".encode("utf-8"))
    items = list(read_csv(str(path)))
    assert [d.id for d in items if not isinstance(d, FailedDocument)] == ["a", "c"]
    (bad,) = [d for d in items if isinstance(d, FailedDocument)]
    assert bad.id == f"{path}:3" and "NUL byte" in bad.reason and "'text'" in bad.reason


def test_the_nul_columns_of_a_raw_csv_record_are_found_on_every_python():
    """What the CSV reader uses on Python 3.10, whose csv module refuses a line with a NUL byte."""
    from kzmedia.compat import csv_nul_columns

    header = ["id", "title", "text"]
    assert csv_nul_columns('b,"Мос\0ква","Доклад\nо транзите"\n', header, ",") == ["title"]
    assert csv_nul_columns("c\tСтолица\tАлма\0ты, \ue000 Бишкек\0\n", header, "\t") == ["text"]
    assert csv_nul_columns("d,Астана,Текст\n", header, ",") == []


@pytest.mark.parametrize("line, kind", [("[1, 2]", "an array"), ("42", "a number"), ('"Астана"', "a string"),
                                        ("null", "null"), ("true", "true/false")])
def test_a_json_line_that_is_not_an_object_is_named_in_json_terms(tmp_path, line, kind):
    path = tmp_path / "shapes.jsonl"
    path.write_text('{"id": "ok", "text": "Алматы."}\n' + line + "\n", encoding="utf-8")
    items = list(read_jsonl(str(path)))
    assert items[0].id == "ok" and not isinstance(items[0], FailedDocument)
    assert isinstance(items[1], FailedDocument) and items[1].id == f"{path}:2"
    assert f"record is {kind}, not an object" in items[1].reason


def test_a_json_line_naming_a_key_twice_is_that_lines_error(tmp_path):
    # json.loads keeps the last of two "text" values: which one is the article is a guess, so say so
    path = tmp_path / "dupes.jsonl"
    path.write_text('{"id": "a", "text": "Астана.", "text": "Бишкек."}\n{"id": "b", "text": "Ташкент."}\n',
                    encoding="utf-8")
    first, second = list(read_jsonl(str(path)))
    assert isinstance(first, FailedDocument) and first.id == f"{path}:1" and "'text' is given twice" in first.reason
    assert second.id == "b" and second.text == "Ташкент."
