"""Corpus readers: folders of text files, JSON lines, CSV, HTML and Parquet, streamed.

The core's readers are an ordinary plugin (listed in :data:`kzmedia.plugins.DEFAULT_PLUGINS`):
they are registered through ``kzmedia_register_readers`` exactly as a third party's would be.

Every reader is a generator ``reader(path, **options) -> Iterator[Document | FailedDocument]``:
it yields one document at a time (memory stays flat whatever the corpus size) and a record it
cannot turn into a document (bad JSON, undecodable bytes, no text field, over the size limit)
becomes a :class:`kzmedia.FailedDocument` naming the record and the reason, never an exception
that would stop the run. Options a reader does not know are ignored, so one set of options
(``text_field=...``) can be passed to a mixed corpus.

Document ids: a file's id is its path as given (files found in a directory: the directory as
given joined with the relative path); a record's id is its ``id_field`` (default ``id``, then
``url``), else ``PATH:LINE`` (JSON lines, CSV: the 1-based line/row) or ``PATH:ROW`` (Parquet).

:func:`read_corpus` is the entry point: it expands directories and glob patterns and picks a
reader by file suffix (or the one named with ``reader=``).
"""

from __future__ import annotations

import csv
import glob
import io
import json
import os
import re
import sys
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Callable

import attrs

from . import decoding
from .compat import CSV_READS_NUL, csv_nul_columns
from .document import MAX_CHARS, MAX_CHARS_HINT, Document
from .errors import DocumentError, KzmediaError, PluginError
from .html import html_to_text  # re-exported: readers.html_to_text was its public home
from .hookspecs import hookimpl
from .pipeline import FailedDocument

__all__ = ["ReaderInfo", "available_readers", "read_corpus", "read_txt", "read_jsonl",
           "read_csv", "read_html", "read_parquet", "html_to_text", "expand_inputs",
           "count_documents"]

Item = Document | FailedDocument


# --------------------------------------------------------------------------------------------
# Records → documents
# --------------------------------------------------------------------------------------------

def _fields(value: str | Sequence[str] | None) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return list(value)


def record_to_document(record: Mapping, *, default_id: str, text_field: str | Sequence[str] | None = None,
                       id_field: str | None = None, meta_fields: str | Sequence[str] | None = None,
                       max_chars: int = MAX_CHARS, source: str | None = None,
                       where: str | None = None) -> Item:
    """One mapping → a :class:`Document`, or a :class:`FailedDocument` saying what is wrong.

    ``where`` (``FILE:LINE``) is named in a failure's reason when the record has its own id.
    Lone surrogates (broken ``\\uXXXX`` escapes) in the text or metadata are replaced with
    U+FFFD (:mod:`kzmedia.decoding`) and counted in ``meta["input_repairs"]``.

    ``text_field`` may name several fields (``"title,content"``): their values are joined with a
    blank line, and every offset refers to that joined text. The default is ``text``, falling
    back to ``content`` (the shape of the ru-news-kz corpus: ``{url, title, content, ...}``).
    """
    item = _record_to_document(record, default_id=default_id, text_field=text_field, id_field=id_field,
                               meta_fields=meta_fields, max_chars=max_chars, source=source)
    if isinstance(item, FailedDocument) and where and item.id != where:
        return FailedDocument(item.id, f"{item.reason} (record at {where})", item.meta)
    return item


def _record_to_document(record: Mapping, *, default_id: str, text_field, id_field, meta_fields,
                        max_chars: int, source: str | None) -> Item:
    """(:func:`record_to_document` without naming the place)"""
    fields = _fields(text_field) or ["text"]
    id_field = id_field or "id"
    if not isinstance(record, Mapping):
        return FailedDocument(default_id, f"record is {_json_kind(record)}, not an object {{...}} with the "
                                          "document's fields")
    rid = record.get(id_field)
    if rid in (None, "") and id_field == "id":
        rid = record.get("url")
    doc_id = str(rid) if rid not in (None, "") else default_id
    if fields == ["text"] and "text" not in record and "content" in record:
        fields = ["content"]
    missing = [f for f in fields if f not in record]
    if missing:
        return FailedDocument(doc_id, f"record has no {missing[0]!r} field "
                                      f"(fields: {', '.join(sorted(map(str, record))[:10])}); "
                                      "choose one with text_field= (CLI: --text-field)")
    parts = []
    for f in fields:
        value = record[f]
        if value is None:
            value = ""
        if not isinstance(value, str):
            return FailedDocument(doc_id, f"field {f!r} is {type(value).__name__}, not text")
        parts.append(value)
    text = "\n\n".join(p for p in parts if p) if len(parts) > 1 else parts[0]
    text, repaired = decoding.repair_surrogates(text)
    if len(text) > max_chars:
        return FailedDocument(doc_id, f"text has {len(text):,} characters, over the {max_chars:,} limit; {MAX_CHARS_HINT}")
    wanted = _fields(meta_fields)
    skip = set(fields) | {id_field}
    if wanted is None:
        meta = {str(k): v for k, v in record.items() if k not in skip}
    else:
        meta = {k: record[k] for k in wanted if k in record}
    meta = {k: v for k, v in meta.items() if not _is_missing(v)}
    for k, v in meta.items():
        if isinstance(v, str):
            meta[k], n = decoding.repair_surrogates(v)
            repaired += n
    if repaired:
        meta["input_repairs"] = f"{repaired} lone surrogate(s) (broken \\u escapes) replaced by U+FFFD"
    if source is not None:
        meta.setdefault("source", source)
    language = meta.pop("language", None) or "ru"
    return Document(text=text, id=doc_id, meta=meta, language=str(language))


def _is_missing(value) -> bool:
    # pandas/pyarrow give NaN for empty cells; a NaN in JSON metadata helps nobody
    return value is None or (isinstance(value, float) and value != value)


# --------------------------------------------------------------------------------------------
# The readers
# --------------------------------------------------------------------------------------------

def _json_kind(value: Any) -> str:
    """What a JSON value is, in JSON's words (a record that is not an object is named so)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "an array" if isinstance(value, (list, tuple)) else f"a {type(value).__name__}"


def _open_binary(path: str):
    if path.endswith(".gz"):
        return io.BufferedReader(_GzipStream(open(path, "rb")), 1 << 16)
    return open(path, "rb")


class TruncatedInput(DocumentError):
    """A compressed file that ends early or is corrupt: what came before it has been read."""


class _GzipStream(io.RawIOBase):
    """The bytes of a gzip file as far as they decompress. ``gzip.open`` drops the bytes of a
    block it could not finish, so a truncated download lost every record of a small file; here
    every byte that decompresses is delivered first, then :class:`TruncatedInput` says why the
    rest is missing. Concatenated gzip members are read one after another."""

    def __init__(self, fh):
        self._fh = fh
        self._z = zlib.decompressobj(16 + zlib.MAX_WBITS)
        self._pending = self._tail = b""
        self._done = False
        self._error: TruncatedInput | None = None

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self._fh.close()
        super().close()

    def readinto(self, b) -> int:
        while not self._pending and not self._done:
            self._fill()
        if not self._pending and self._error is not None:
            raise self._error
        n = min(len(b), len(self._pending))
        b[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n

    def _fill(self) -> None:
        data = self._tail or self._fh.read(1 << 16)
        if not data:
            self._done = True
            if not self._z.eof:
                self._error = TruncatedInput("the gzip file ends before its end marker (cut short, e.g. an "
                                             "unfinished download); the records before this line were read")
            return
        try:  # at most 1 MiB out per step: a highly compressed file does not fill memory at once
            self._pending = self._z.decompress(data, 1 << 20)
        except zlib.error as e:
            self._done = True
            self._error = TruncatedInput(f"corrupt gzip data ({e}); the records before this line were read")
            return
        self._tail = self._z.unconsumed_tail
        if self._z.eof and self._z.unused_data.strip(b"\0"):  # another gzip member follows
            self._tail, self._z = self._z.unused_data, zlib.decompressobj(16 + zlib.MAX_WBITS)


def _in_file(path: str, read) -> Iterator[Item]:
    """What ``read(fh)`` yields from the opened file, or one FailedDocument saying why the file
    cannot be read."""
    try:
        fh = _open_binary(path)
    except OSError as e:
        yield FailedDocument(path, f"cannot read file: {e.strerror or e}")
        return
    with fh:
        yield from read(fh)


def read_txt(path: str, *, encoding: str | None = None, max_chars: int = MAX_CHARS,
             pattern: str = "**/*.txt", **_ignored) -> Iterator[Item]:
    """A text file, or every file matching ``pattern`` under a directory (recursively, sorted)."""
    path = os.fspath(path)
    if os.path.isdir(path):
        files = _glob_under(path, pattern)
        if not files:
            yield FailedDocument(path, f"the directory has no file matching {pattern!r}")
    else:
        files = [path]
    for f in files:
        try:
            yield Document.from_file(f, encoding=encoding, max_chars=max_chars)
        except DocumentError as e:
            yield FailedDocument(f, str(e).removeprefix(f"{f}: "))


def read_jsonl(path: str, *, text_field=None, id_field=None, meta_fields=None,
               encoding: str | None = None, max_chars: int = MAX_CHARS, **_ignored) -> Iterator[Item]:
    """JSON lines (``.jsonl``, ``.ndjson``, optionally ``.gz``): one document per non-blank line."""
    path = os.fspath(path)
    yield from _in_file(path, lambda fh: _jsonl_records(fh, path, encoding=encoding, text_field=text_field,
                                                        id_field=id_field, meta_fields=meta_fields,
                                                        max_chars=max_chars))


def _keep_constant(name: str) -> str:
    # NaN / Infinity are not JSON: kept as the string they were, so the output stays valid JSON
    return name


class _DuplicateKey(ValueError):
    """A JSON object names one key twice: which value is the text is then a guess."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict:
    seen: dict = {}
    for key, value in pairs:
        if key in seen:
            raise _DuplicateKey(key)
        seen[key] = value
    return seen


def _jsonl_records(fh, path: str, *, encoding=None, text_field=None, id_field=None, meta_fields=None,
                   max_chars: int = MAX_CHARS) -> Iterator[Item]:
    """The records of a binary JSON-lines stream (a file or standard input), decoded by the
    one policy (:func:`kzmedia.decoding.iter_lines`); a failure is named ``PATH:LINE``."""
    lineno = 0
    try:
        lines = decoding.iter_lines(fh, source=path, encoding=encoding, max_bytes=max_chars * 4 + 1024)
        for lineno, line in lines:
            where = f"{path}:{lineno}"
            if isinstance(line, DocumentError):
                reason = str(line).removeprefix(f"{where}: ")
                if "over the limit" in reason:
                    reason = f"line is over the {max_chars:,}-character limit; {MAX_CHARS_HINT}"
                yield FailedDocument(where, reason)
                continue
            if not line.strip():
                continue
            try:
                record = json.loads(line, parse_constant=_keep_constant, object_pairs_hook=_unique_keys)
            except json.JSONDecodeError as e:
                yield FailedDocument(where, f"invalid JSON: {e.msg} (column {e.colno})")
                continue
            except _DuplicateKey as e:  # json.loads would silently keep the last value
                yield FailedDocument(where, f"invalid JSON: the key {e.args[0]!r} is given twice in one object")
                continue
            except RecursionError:
                yield FailedDocument(where, "invalid JSON: nested too deeply")
                continue
            yield record_to_document(record, default_id=where, text_field=text_field, id_field=id_field,
                                     meta_fields=meta_fields, max_chars=max_chars, where=where)
    except TruncatedInput as e:
        yield FailedDocument(f"{path}:{lineno + 1}", str(e))
    except DocumentError as e:  # an unknown encoding
        yield FailedDocument(path, str(e))


def read_csv(path: str, *, text_field=None, id_field=None, meta_fields=None,
             encoding: str | None = None, max_chars: int = MAX_CHARS, delimiter: str | None = None,
             **_ignored) -> Iterator[Item]:
    """CSV/TSV with a header row (``.tsv`` → tab-delimited); ``PATH:LINE`` ids name the row's line."""
    path = os.fspath(path)
    if delimiter is None:
        delimiter = "\t" if re.search(r"\.tsv(\.gz)?$", path) else ","
    # a news article easily exceeds csv's default 128 KiB field limit
    csv.field_size_limit(max(csv.field_size_limit(), max_chars * 4))
    yield from _in_file(path, lambda fh: _csv_records(fh, path, encoding=encoding, delimiter=delimiter,
                                                      text_field=text_field, id_field=id_field,
                                                      meta_fields=meta_fields, max_chars=max_chars))


def _csv_records(fh, path: str, *, encoding, delimiter, text_field, id_field, meta_fields,
                 max_chars: int) -> Iterator[Item]:
    """The rows of an open CSV/TSV file as documents (see :func:`read_csv`)."""
    try:
        text, used = decoding.text_stream(fh, source=path, encoding=encoding)
    except LookupError:
        yield FailedDocument(path, f"unknown encoding {encoding!r}")
        return
    except TruncatedInput as e:
        yield FailedDocument(path, str(e))
        return
    if not CSV_READS_NUL:  # Python 3.10: keep each row's raw lines, to name a NUL byte's column
        text = _Tap(text)
    reader = csv.reader(text, delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        yield FailedDocument(path, "empty CSV file (no header row)")
        return
    except TruncatedInput as e:
        yield FailedDocument(f"{path}:1", str(e))
        return
    except (UnicodeDecodeError, csv.Error) as e:
        yield FailedDocument(path, f"cannot read the header row: {e}")
        return
    dupes = sorted({h for h in header if header.count(h) > 1})
    if dupes:
        yield FailedDocument(path, f"duplicate column(s) {', '.join(map(repr, dupes))} in the header row")
        return
    while True:
        line = reader.line_num + 1
        where = f"{path}:{line}"
        if not CSV_READS_NUL:
            text.lines.clear()
        try:
            row = next(reader)
        except StopIteration:
            return
        except TruncatedInput as e:
            yield FailedDocument(where, str(e))
            return
        except UnicodeDecodeError as e:
            # the text layer cannot resynchronise after a bad byte: report and stop this file
            yield FailedDocument(where, f"not valid {used.upper()} ({e.reason}); "
                                        "pass encoding= (CLI: --encoding); rest of the file skipped")
            return
        except csv.Error as e:
            binary = [] if CSV_READS_NUL else csv_nul_columns("".join(text.lines), header, delimiter)
            yield FailedDocument(where, _nul_message(binary) if binary else f"malformed CSV: {e}")
            continue
        if not row or not any(row):
            continue
        if len(row) != len(header):
            yield FailedDocument(where, f"row has {len(row)} fields, the header has {len(header)}")
            continue
        binary = [h for h, cell in zip(header, row) if "\0" in cell]
        if binary:  # as in a text file: a NUL byte is not text (binary or corrupt data)
            yield FailedDocument(where, _nul_message(binary))
            continue
        yield record_to_document(dict(zip(header, row)), default_id=where, text_field=text_field,
                                 id_field=id_field, meta_fields=meta_fields, max_chars=max_chars,
                                 where=where)


def _nul_message(columns: list[str]) -> str:
    return (f"NUL byte in column(s) {', '.join(map(repr, columns))}: not text "
            "(binary or corrupt data in the CSV file)")


class _Tap:
    """The lines of a text stream, passed on to :mod:`csv`, kept until ``lines`` is cleared."""

    def __init__(self, lines):
        self._lines, self.lines = iter(lines), []

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.lines.append(line)
        return line


def read_parquet(path: str, *, text_field=None, id_field=None, meta_fields=None,
                 max_chars: int = MAX_CHARS, batch_rows: int = 256, **_ignored) -> Iterator[Item]:
    """Parquet (needs ``pyarrow``: ``pip install 'kzmedia[parquet]'``), read in row batches."""
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise KzmediaError("reading Parquet needs pyarrow: pip install 'kzmedia[parquet]'") from None
    path = os.fspath(path)
    try:
        pf = pq.ParquetFile(path)
    except Exception as e:  # pyarrow raises several types for unreadable files
        yield FailedDocument(path, f"cannot read Parquet file: {type(e).__name__}: {e}")
        return
    row = 0
    for group in range(pf.num_row_groups):
        # a corrupt row group loses only its own rows (named), not the file's other groups
        first, size = row, pf.metadata.row_group(group).num_rows
        try:
            for batch in pf.iter_batches(batch_size=batch_rows, row_groups=[group]):
                for record in batch.to_pylist():
                    yield record_to_document(record, default_id=f"{path}:{row}", text_field=text_field,
                                             id_field=id_field, meta_fields=meta_fields, max_chars=max_chars,
                                             where=f"{path}:{row}")
                    row += 1
        except Exception as e:  # noqa: BLE001 - pyarrow raises OSError, ArrowInvalid, ...
            lost = first + size - row
            yield FailedDocument(f"{path}#row-group-{group}",
                                 f"row group {group} (rows {row}..{first + size - 1}, {lost} row(s)) cannot be "
                                 f"read: {type(e).__name__}: {' '.join(str(e).split())}")
        row = first + size


# --------------------------------------------------------------------------------------------
# HTML files (the extraction itself is kzmedia.html)
# --------------------------------------------------------------------------------------------

_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([\w-]+)""", re.I)


def read_html(path: str, *, encoding: str | None = None, max_chars: int = MAX_CHARS,
              pattern: str = "**/*.htm*", html_backend: str = "auto", **_ignored) -> Iterator[Item]:
    """HTML files (or a directory of them): the document text is the extracted visible text.

    Offsets of every finding refer to that extracted text, which the document keeps (and the
    results store saves), so evidence stays checkable without the original markup.
    """
    path = os.fspath(path)
    files = _glob_under(path, pattern) if os.path.isdir(path) else [path]
    for f in files:
        try:
            with open(f, "rb") as fh:
                raw = fh.read(max_chars * 8 + 1)
        except OSError as e:
            yield FailedDocument(f, f"cannot read file: {e.strerror or e}")
            continue
        if len(raw) > max_chars * 8:
            yield FailedDocument(f, f"file is over the {max_chars * 8:,}-byte HTML limit; {MAX_CHARS_HINT}")
            continue
        enc = encoding
        if enc is None and decoding.detect(raw[:4096])[0] is None:  # a BOM or UTF-16 decides first
            m = _CHARSET.search(raw[:4096])
            enc = m.group(1).decode("ascii") if m else None
        try:
            html = decoding.decode(raw, source=f, encoding=enc)
        except DocumentError as e:
            yield FailedDocument(f, str(e).removeprefix(f"{f}: "))
            continue
        text, meta = html_to_text(html, backend=html_backend)
        if len(text) > max_chars:
            yield FailedDocument(f, f"text has {len(text):,} characters, over the {max_chars:,} limit; {MAX_CHARS_HINT}")
            continue
        lang = meta.pop("html_lang", None)
        language = "ru"
        if lang and lang.split("-")[0].lower() not in ("ru", ""):
            language = lang.split("-")[0].lower()
        yield Document(text=text, id=f, meta=meta, language=language)


# --------------------------------------------------------------------------------------------
# Registry and corpus expansion
# --------------------------------------------------------------------------------------------

@attrs.frozen
class ReaderInfo:
    name: str
    read: Callable[..., Iterable[Item]]
    suffixes: tuple[str, ...]
    plugin: str


@hookimpl(trylast=True)
def kzmedia_register_readers(register):
    register("txt", read_txt, suffixes=(".txt", ".text"))
    register("jsonl", read_jsonl, suffixes=(".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz"))
    register("csv", read_csv, suffixes=(".csv", ".tsv", ".csv.gz", ".tsv.gz"))
    register("html", read_html, suffixes=(".html", ".htm", ".xhtml"))
    register("parquet", read_parquet, suffixes=(".parquet", ".pq"))


def available_readers(pm=None) -> dict[str, ReaderInfo]:
    """Readers by name; a plugin's reader registered under an existing name replaces the core's
    (the core registers ``trylast``, so the first registration of a name wins)."""
    from .plugins import collect, default_plugin_manager

    pm = pm or default_plugin_manager()
    out: dict[str, ReaderInfo] = {}
    for plugin, args, kw in collect(pm, "kzmedia_register_readers"):
        if len(args) < 2 and not ("reader" in kw or len(args) == 1):
            raise PluginError(f"plugin {plugin!r}: register(name, reader, suffixes=...) needs a name and a reader")
        name = args[0] if args else kw["name"]
        read = args[1] if len(args) > 1 else kw["reader"]
        suffixes = tuple(s.lower() for s in kw.get("suffixes", args[2] if len(args) > 2 else ()))
        out.setdefault(str(name), ReaderInfo(str(name), read, suffixes, plugin))
    return out


def _glob_under(directory: str, pattern: str) -> list[str]:
    return sorted(p for p in glob.glob(os.path.join(directory, pattern), recursive=True) if os.path.isfile(p))


def _reader_for(path: str, readers: Mapping[str, ReaderInfo]) -> ReaderInfo | None:
    low = path.lower()
    best, best_len = None, 0
    for info in readers.values():
        for suffix in info.suffixes:
            if low.endswith(suffix) and len(suffix) > best_len:
                best, best_len = info, len(suffix)
    return best


def _has_magic(s: str) -> bool:
    return any(c in s for c in "*?[")


def expand_inputs(inputs: Iterable[str], readers: Mapping[str, ReaderInfo], *,
                  reader: str | None = None) -> Iterator[tuple[str, ReaderInfo | None]]:
    """``(path, reader)`` pairs: directories walked recursively (files of a known suffix, sorted),
    glob patterns expanded (sorted), files kept as given. ``reader`` forces one reader."""
    forced = readers[reader] if reader else None
    for given in inputs:
        given = os.fspath(given)
        if given == "-":
            yield given, forced
        elif os.path.isdir(given):
            if forced is not None:
                yield given, forced  # the reader walks the directory itself (txt, html)
                continue
            problems: list[OSError] = []
            found = 0
            for root, dirs, files in os.walk(given, onerror=problems.append):
                dirs.sort()
                for name in sorted(files):
                    path = os.path.join(root, name)
                    info = _reader_for(path, readers)
                    if info is not None:
                        found += 1
                        yield path, info
            for e in problems:
                yield _DirectoryProblem(e.filename or given, f"cannot read directory: {e.strerror or e}"), None
            if not found and not problems:
                known = sorted({s for r in readers.values() for s in r.suffixes})
                yield _DirectoryProblem(given, "the directory has no file kzmedia can read "
                                               f"({', '.join(known[:8])}, …)"), None
        elif _has_magic(given) and not os.path.exists(given):
            matches = sorted(p for p in glob.glob(given, recursive=True) if os.path.isfile(p))
            if not matches:
                yield given, None
            for path in matches:
                yield path, forced or _reader_for(path, readers)
        else:
            yield given, forced or _reader_for(given, readers)


def count_documents(inputs: Iterable[str | os.PathLike], *, reader: str | None = None, pm=None) -> int | None:
    """How many documents :func:`read_corpus` will yield, when that is cheap to know, else
    ``None`` (for a progress bar's total and ETA): one per text or HTML file (and per input that
    will fail), one per non-blank line of an uncompressed JSON-lines file. Standard input, CSV
    (a record may span lines), Parquet, compressed files and a plugin's reader give ``None``."""
    readers = available_readers(pm)
    if reader is not None and reader not in readers:
        return None
    if isinstance(inputs, (str, os.PathLike)):
        inputs = [inputs]
    total = 0
    for path, info in expand_inputs(inputs, readers, reader=reader):
        if path == "-" or (reader is not None and os.path.isdir(path)):
            return None
        if isinstance(path, _DirectoryProblem) or not os.path.isfile(path):
            total += 1  # yields one FailedDocument
            continue
        info = info or readers.get("txt")
        if info is None or info.read in (read_txt, read_html):  # no reader: one FailedDocument
            total += 1
        elif info.read is read_jsonl and not path.lower().endswith(".gz"):
            try:
                with open(path, "rb") as fh:
                    total += max(1, sum(1 for line in fh if line.strip()))
            except OSError:
                total += 1
        else:
            return None
    return total


class _DirectoryProblem(str):
    """A path :func:`expand_inputs` could not expand, with the reason (a string subclass, so
    a caller that only wants paths still gets one)."""

    def __new__(cls, path: str, reason: str):
        self = super().__new__(cls, path)
        self.reason = reason
        return self


def read_corpus(inputs: str | os.PathLike | Iterable[str | os.PathLike], *, reader: str | None = None,
                pm=None, stdin=None, **options: Any) -> Iterator[Item]:
    """Stream documents from files, directories and glob patterns, each read by the reader its
    suffix calls for (``reader=`` forces one; an unknown suffix is read as plain text).

    ``options`` go to every reader (``text_field``, ``id_field``, ``meta_fields``, ``encoding``,
    ``max_chars``, ``pattern``...). ``"-"`` reads standard input (one text, or records with
    ``reader="jsonl"``). A path that does not exist yields a :class:`FailedDocument`.
    """
    if isinstance(inputs, (str, os.PathLike)):
        inputs = [inputs]
    readers = available_readers(pm)
    if reader is not None and reader not in readers:
        raise KzmediaError(f"unknown reader {reader!r}; available: {', '.join(sorted(readers))}")
    plain = readers.get("txt")
    for path, info in expand_inputs(inputs, readers, reader=reader):
        if path == "-":
            yield from _read_stdin(stdin or sys.stdin, info, options)
            continue
        if isinstance(path, _DirectoryProblem):
            yield FailedDocument(str(path), path.reason)
            continue
        if not os.path.exists(path):
            yield FailedDocument(path, "no such file or directory" if not _has_magic(path)
                                 else "the pattern matches no file")
            continue
        info = info or plain
        if info is None:
            yield FailedDocument(path, "no reader for this file")
            continue
        produced = False
        try:
            for item in info.read(path, **options):
                produced = True
                yield item
        except KzmediaError:
            raise
        except Exception as e:  # a broken third-party reader must not end the run silently
            produced = True
            yield FailedDocument(path, f"reader {info.name!r} failed: {type(e).__name__}: {e}")
        if not produced:  # an empty file is named, not skipped in silence
            yield FailedDocument(path, f"no document in this file (reader {info.name!r}: empty?)")


def _read_stdin(stream, info: ReaderInfo | None, options: Mapping) -> Iterator[Item]:
    """Standard input as bytes, decoded by the same policy as a file (a text stream without
    ``buffer``, as tests pass, is taken as already decoded)."""
    binary = getattr(stream, "buffer", None)
    max_chars = options.get("max_chars") or MAX_CHARS
    if info is not None and info.name == "jsonl":
        kw = {k: v for k, v in options.items() if k in ("text_field", "id_field", "meta_fields", "max_chars",
                                                        "encoding")}
        if binary is None:
            binary = io.BytesIO(stream.read().encode("utf-8", "surrogatepass"))
        yield from _jsonl_records(binary, "<stdin>", **kw)
        return
    if binary is None:
        text, n = decoding.repair_surrogates(stream.read())
        yield Document.from_text(text, id="<stdin>", **({"input_repairs": f"{n} lone surrogate(s) replaced"}
                                                       if n else {}))
        return
    raw = binary.read(max_chars * 4 + 1)
    if len(raw) > max_chars * 4:
        yield FailedDocument("<stdin>", f"standard input is larger than the {max_chars:,}-character limit; "
                                        f"{MAX_CHARS_HINT}")
        return
    try:
        text = decoding.decode(raw, source="<stdin>", encoding=options.get("encoding"))
    except DocumentError as e:
        yield FailedDocument("<stdin>", str(e).removeprefix("<stdin>: "))
        return
    if len(text) > max_chars:
        yield FailedDocument("<stdin>", f"text has {len(text):,} characters, over the {max_chars:,} limit; "
                                        f"{MAX_CHARS_HINT}")
        return
    yield Document.from_text(text, id="<stdin>")
