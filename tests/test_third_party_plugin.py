"""A plugin installed only through an entry point (docs/examples/kzmedia-sanctions) is first-class:
its findings and counts reach the store's tables, `kzmedia.tables`, `kzmedia export` and the
report (its own layer, legend and colours) with no change to the core."""

from __future__ import annotations

import csv
import importlib.metadata
import io
import re

import pytest

from kzmedia import Document
from kzmedia.cli import main
from kzmedia.plugins import make_plugin_manager
from kzmedia.report import render_document_report
from kzmedia.store import Store
from kzmedia.tables import rows

if not any(ep.name == "sanctions" for ep in importlib.metadata.entry_points(group="kzmedia")):
    pytest.skip("the example plugin is not installed: pip install ./docs/examples/kzmedia-sanctions",
                allow_module_level=True)

TEXTS = {
    "bank": "Банки Казахстана опасаются вторичных санкций и ужесточили проверку платежей. "
            "Брюссель обсуждает новый пакет санкций.",
    "trade": "Поставщики ушли в параллельный импорт, а эмбарго на поставки сохраняется.",
    "none": "В Астане открыли новую библиотеку.",
}


@pytest.fixture(scope="module")
def pm():
    # the entry point and the core's default plugins: nothing registered by hand
    return make_plugin_manager(only={"sanctions"}, use_env=False)


@pytest.fixture(scope="module")
def store(tmp_path_factory, pm):
    from kzmedia import Pipeline

    path = tmp_path_factory.mktemp("s") / "results.sqlite"
    with Store(path) as s:
        s.run(Pipeline(plugin_manager=pm), [Document.from_text(t, id=i) for i, t in TEXTS.items()])
    return path


def test_its_findings_and_counts_are_in_the_store_tables(store):
    with Store(store, readonly=True) as s:
        findings = s.db.execute("SELECT doc_id, analyzer, label, text FROM findings ORDER BY doc_id, start").fetchall()
        scores = dict(((d, n, g), v) for d, n, g, v in s.db.execute(
            "SELECT doc_id, name, grp, value FROM scores WHERE analyzer='sanctions'"))
    assert {(d, a, label) for d, a, label, _ in findings} == {
        ("bank", "sanctions", "exposure"), ("bank", "sanctions", "measures"),
        ("trade", "sanctions", "evasion"), ("trade", "sanctions", "measures")}
    assert scores[("bank", "mentions", None)] == 2 and scores[("bank", "by_category", "exposure")] == 1
    assert scores[("none", "mentions", None)] == 0


def test_its_columns_are_in_the_tables_and_in_export(store, pm, capsys):
    docs = {r["doc_id"]: r for r in rows(store, "documents", views={})}
    assert docs["bank"]["sanctions:measures"] == 1 and docs["bank"]["sanctions.mentions"] == 2
    assert docs["trade"]["sanctions.by_category:evasion"] == 1
    assert main(["export", str(store), "--format", "csv", "--table", "findings"], plugin_manager=pm) == 0
    table = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {(r["doc_id"], r["analyzer"], r["label"]) for r in table} >= {("trade", "sanctions", "evasion")}
    assert all(TEXTS[r["doc_id"]][int(r["start"]):int(r["end"])] == r["text"] for r in table)


def test_it_has_its_own_layer_legend_and_colours_in_the_report(pm):
    from kzmedia import Pipeline

    pipe = Pipeline(plugin_manager=pm)
    page = render_document_report([pipe.analyze(Document.from_text(t, id=i)) for i, t in TEXTS.items()])
    legend = page.split('<div class="legend"', 1)[1].split("</div></details></div>", 1)[0]
    assert '<span class="swatch sw-k0-0">sanctions</span>' in legend
    labels = re.findall(r'<span class="swatch sw-(k0-\d+)">(\w+)</span>', legend)
    assert {name for _, name in labels} == {"sanctions", "measures", "exposure", "evasion"}
    colours = re.findall(r"\.k0-\d+ \{ --c0:(hsla[^;]+);", page)
    assert len(colours) == 3 == len(set(colours))
    assert page.count('class="m l-k0') == 4 and 'data-panel="sanctions"' in page
