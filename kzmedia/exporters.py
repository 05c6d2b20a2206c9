"""Result exporters: JSON lines, CSV and Parquet (an ordinary plugin, like the readers).

An exporter is ``exporter(analyses, out, **options)``: ``analyses`` is an iterable of analysis
dicts (:meth:`kzmedia.Analysis.to_dict`, or :meth:`kzmedia.store.Store.analyses`), ``out`` a
binary file object.

* ``jsonl``: one line per document, byte for byte what ``kzmedia analyze --format jsonl`` prints.
* ``csv`` / ``parquet``: one of the tables of :mod:`kzmedia.tables` (``table=``, default
  ``documents``: one row per document with every analyzer's finding counts per label and scores
  as columns; ``views=``: the analyzers' ``result_model``). The ``documents`` and ``labels``
  tables need every row before they know their columns; the long tables (``findings``,
  ``scores``, ``relations``, ``errors``) are streamed.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from typing import Callable

from .errors import KzmediaError
from .hookspecs import hookimpl

__all__ = ["export_jsonl", "export_csv", "export_parquet", "available_exporters", "get_exporter"]


def export_jsonl(analyses: Iterable[Mapping], out, **_ignored) -> None:
    for a in analyses:
        data = a if isinstance(a, Mapping) else a.to_dict()
        out.write((json.dumps(data, ensure_ascii=False) + "\n").encode("utf-8"))


def _cell(v):
    if isinstance(v, (list, dict)):
        return json.dumps(v, ensure_ascii=False)
    return v


def _materialise(table_rows) -> tuple[list[str], list[dict]]:
    data = list(table_rows)
    columns: dict[str, None] = {}
    for r in data:
        for k in r:
            columns.setdefault(k, None)
    return list(columns), data


def _rows(analyses, table: str, **kwargs):
    # imported when a table is exported: this module is a default plugin, loaded by every run,
    # and the tables bring the store (sqlite3) with them
    from .tables import rows

    return rows(analyses, table, **kwargs)


def export_csv(analyses: Iterable[Mapping], out, *, table: str = "documents", **kwargs) -> None:
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    try:
        it = _rows(analyses, table, **kwargs)
        if table in ("documents", "labels", "series"):
            columns, data = _materialise(it)
        else:
            it = iter(it)
            first = next(it, None)
            columns, data = (list(first) if first else []), it
            if first is not None:
                data = _chain(first, it)
        writer = csv.DictWriter(text, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for r in data:
            writer.writerow({k: _cell(v) for k, v in r.items()})
        text.flush()
    finally:
        text.detach()


def _chain(first, rest):
    yield first
    yield from rest


def export_parquet(analyses: Iterable[Mapping], out, *, table: str = "documents", **kwargs) -> None:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise KzmediaError("Parquet export needs pyarrow: pip install 'kzmedia[parquet]'") from None
    columns, data = _materialise(_rows(analyses, table, **kwargs))
    arrays = {c: [_cell(r.get(c)) for r in data] for c in columns}
    pq.write_table(pa.table(arrays) if columns else pa.table({}), out)


@hookimpl(trylast=True)
def kzmedia_register_exporters(register):
    register("jsonl", export_jsonl)
    register("csv", export_csv)
    register("parquet", export_parquet)


def available_exporters(pm=None) -> dict[str, Callable]:
    """Exporters by name; a plugin's exporter under an existing name replaces the core's."""
    from .plugins import collect, default_plugin_manager

    out = {}
    for _plugin, args, kw in collect(pm or default_plugin_manager(), "kzmedia_register_exporters"):
        name = args[0] if args else kw["name"]
        out.setdefault(str(name), args[1] if len(args) > 1 else kw["exporter"])
    return out


def get_exporter(name: str, pm=None) -> Callable:
    found = available_exporters(pm)
    if name not in found:
        raise KzmediaError(f"unknown export format {name!r}; available: {', '.join(sorted(found))}")
    return found[name]
