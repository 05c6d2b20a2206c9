"""The Dask integration on a LocalCluster with 2 worker processes equals the serial run."""

from __future__ import annotations

import json
import sys

import pytest

pytest.importorskip("dask.bag")
pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")
pd = pytest.importorskip("pandas")
cloudpickle = pytest.importorskip("cloudpickle")

import dask.bag as db  # noqa: E402
import dask.dataframe as dd  # noqa: E402

from kzmedia import Document, Pipeline  # noqa: E402
from kzmedia.dask import analyze_bag, analyze_dataframe, period_counts, read_bag  # noqa: E402
from kzmedia.testing import make_plugin_manager_for  # noqa: E402

# Ship this module's plugin classes by value: the workers need not import the test module.
cloudpickle.register_pickle_by_value(sys.modules[__name__])


class Neighbours:
    name = "neighbours"
    version = "1"
    STATES = {"казахстан", "россия", "китай", "узбекистан", "киргизия"}

    def analyze(self, document):
        t = document.tokens
        spans = [{"start": t.starts[i], "end": t.ends[i], "text": t.surface(i), "lemma": t.lemma(i)}
                 for i in range(len(t)) if t.lemma(i) in self.STATES]
        if "СБОЙ" in document.text:
            raise RuntimeError("deliberate")
        return {"count": len(spans), "spans": spans, "words": document.words}


TEXTS = ["Казахстан и Узбекистан обсуждают воду с Киргизией.",
         "Россия продаёт Китаю газ через Казахстан.",
         "Пустая новость без государств.",
         "СБОЙ: Китай.",
         ""] * 6


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None, silence_logs=40)
    c = distributed.Client(cluster)
    try:
        yield c
    finally:
        c.close()
        cluster.close()


def pipeline():
    return Pipeline(plugin_manager=make_plugin_manager_for(Neighbours()))


def serial(docs):
    return [a.to_dict() for a in pipeline().analyze_many(docs)]


def test_bag_equals_serial(client):
    docs = [Document.from_text(t, id=f"d{i}", outlet="x") for i, t in enumerate(TEXTS)]
    bag = db.from_sequence(docs, npartitions=4)
    got = analyze_bag(bag, pipeline()).compute()
    assert got == serial(docs)
    assert json.dumps(got, ensure_ascii=False) == json.dumps(serial(docs), ensure_ascii=False)
    # both workers took part
    assert len(client.scheduler_info()["workers"]) == 2


def test_dataframe_equals_serial(client):
    frame = pd.DataFrame({"id": [f"r{i}" for i in range(len(TEXTS))], "text": TEXTS,
                          "outlet": ["a", "b"] * (len(TEXTS) // 2)})
    ddf = dd.from_pandas(frame, npartitions=3)
    out = analyze_dataframe(ddf, pipeline(), meta_fields=["outlet"]).compute()
    from kzmedia.readers import record_to_document

    docs = [record_to_document(r, default_id=r["id"], meta_fields=["outlet"]) for r in frame.to_dict("records")]
    assert [json.loads(s) for s in out["analysis"]] == serial(docs)
    assert list(out["doc_id"]) == list(frame["id"])


def test_read_bag_reads_on_the_workers(client, tmp_path):
    for i, t in enumerate(TEXTS[:4]):
        (tmp_path / f"{i}.txt").write_text(t, encoding="utf-8")
    bag = read_bag([str(tmp_path)], files_per_partition=2)
    got = analyze_bag(bag, pipeline()).compute()
    docs = [Document.from_file(tmp_path / f"{i}.txt") for i in range(4)]
    docs = [Document.from_text(d.text, id=str(tmp_path / f"{i}.txt")) for i, d in enumerate(docs)]
    assert got == serial(docs)


def test_a_period_screens_on_the_workers_with_the_users_dates(client):
    from kzmedia.metadata import DateScreen, Metadata

    # dates from the URL, from a field, from the user's dates by id, and none
    records = [{"id": "jan", "text": TEXTS[0], "url": "https://tengrinews.kz/news/2024-01-15/a"},
               {"id": "feb", "text": TEXTS[1], "date": "3 февраля 2024"},
               {"id": "mar", "text": TEXTS[2]},
               {"id": "none", "text": TEXTS[1]}] * 3
    period = DateScreen.of("2024-02", "2024-03", rules=Metadata(dates={"mar": "2024-03-09"}))
    frame = pd.DataFrame(records)
    frame["date"] = frame["date"].fillna("")
    out = analyze_dataframe(dd.from_pandas(frame, npartitions=3), pipeline(), period=period).compute()
    assert list(out["doc_id"]) == ["feb", "mar"] * 3
    assert list(out.index) == [i for i, r in enumerate(records) if r["id"] in ("feb", "mar")]  # the rows' own index
    bag = db.from_sequence(records, npartitions=2)
    got = analyze_bag(bag, pipeline(), period=period).compute()
    assert [a["document"]["id"] for a in got] == ["feb", "mar"] * 3
    counts = period_counts(bag, period)
    assert (counts.seen, counts.outside, counts.undated, counts.kept) == (12, 3, 3, 6)
    assert "12 document(s): 3 outside 2024-02-01..2024-03-31 skipped, 3 undated skipped" in counts.message()
    assert period.seen == 0  # the caller's screen is only a description: the workers counted on copies
    keep = DateScreen.of("2024-02", keep_undated=True)
    assert [a["document"]["id"] for a in analyze_bag(bag, pipeline(), period=keep).compute()][:3] == ["feb", "mar", "none"]
