"""kzmedia.metadata: outlets as registered domains, dates from fields, URLs and user files, one rule
for the tables and the report."""

import datetime as dt

import pytest

import kzmedia
from kzmedia import metadata as md
from kzmedia.report.model import month_of as report_month, outlet_of as report_outlet
from kzmedia.tables import document_rows, label_rows


@pytest.mark.parametrize("url, outlet", [
    ("https://russian.rt.com/ussr/article/1-x", "rt.com"),
    ("https://russian.rt.comhttps://russian.rt.com/a", "rt.com"),   # two URLs glued together
    ("https://amp.ng.ru/?p=http://www.ng.ru/world/2018-03-21/6_7194_putin.html", "ng.ru"),
    ("http://www.bbc.co.uk/russian/x", "bbc.co.uk"),               # a two-label public suffix
    ("ng.ru/politics/x", "ng.ru"),                                  # no scheme
    ("https://www.Tengrinews.kz/x", "tengrinews.kz"),
    ("http://127.0.0.1:8000/x", "127.0.0.1"),
    ("http://[broken/", None),
])
def test_outlet_is_the_registered_domain(url, outlet):
    assert md.outlet_of({"url": url}) == outlet


def test_outlet_map_most_specific_key_first(tmp_path):
    f = tmp_path / "outlets.txt"
    f.write_text("# names\nrussian.rt.com = RT на русском\nrt.com = RT\nng.ru = Независимая газета\nvlast = Власть\n",
                 encoding="utf-8")
    rules = md.Metadata(outlet_map=md.load_outlet_map(f))
    with md.configured(rules):
        assert md.outlet_of({"url": "https://russian.rt.com/a"}) == "RT на русском"
        assert md.outlet_of({"url": "https://arabic.rt.com/a"}) == "RT"
        assert md.outlet_of({"url": "https://amp.ng.ru/?p=1"}) == "Независимая газета"
        assert md.outlet_of({"outlet": "Vlast", "url": "https://a.kz"}) == "Власть"
    assert md.outlet_of({"url": "https://russian.rt.com/a"}) == "rt.com"   # the block's rules are gone


def test_bad_outlet_map_names_file_and_line(tmp_path):
    f = tmp_path / "m.txt"
    f.write_text("rt.com = RT\nжурнал без знака\n", encoding="utf-8")
    with pytest.raises(md.MetadataError, match=r"m\.txt:2: expected 'KEY = VALUE'"):
        md.load_outlet_map(f)


@pytest.mark.parametrize("value, date", [
    ("2024-07-15T10:00:00+05:00", dt.date(2024, 7, 15)),
    ("2024-7", dt.date(2024, 7, 1)),
    ("05.11.2023", dt.date(2023, 11, 5)),
    ("3 мая 2019 г.", dt.date(2019, 5, 3)),
    ("15 марта 2020", dt.date(2020, 3, 15)),
    ("Tue, 13 Feb 2018 10:00:00 GMT", dt.date(2018, 2, 13)),
    ("вчера", None), ("2018-13-01", None), ("31.02.2020", None), ("", None),
])
def test_parse_date(value, date):
    assert md.parse_date(value) == date


def test_date_order_user_file_field_metadata_url(tmp_path):
    meta = {"date": "2020-01-05", "pub": "7 апреля 2021", "url": "http://www.ng.ru/world/2018-03-21/x.html"}
    assert md.date_of(meta) == dt.date(2020, 1, 5)
    assert md.date_of({"url": meta["url"]}) == dt.date(2018, 3, 21)
    assert md.date_of({"url": "https://amp.ng.ru/?p=http%3A//www.ng.ru/world/2018-03-22/x.html"}) == dt.date(2018, 3, 22)
    assert md.date_of({"url": "https://russian.rt.com/world/article/353266-astana"}) is None
    f = tmp_path / "dates.csv"
    f.write_text("id,date\ndoc-1,2019-09-30\n", encoding="utf-8")
    with md.configured(md.Metadata(dates=md.load_dates(f), date_field="pub")):
        assert md.date_of(meta, "doc-1") == dt.date(2019, 9, 30)
        assert md.date_of(meta, "doc-2") == dt.date(2021, 4, 7)
        assert md.month_of(meta, "doc-2") == "2021-04"
    bad = tmp_path / "bad.txt"
    bad.write_text("doc-1 = 2019-09-30\ndoc-2 = позавчера\n", encoding="utf-8")
    with pytest.raises(md.MetadataError, match="doc-2: 'позавчера' is not a date"):
        md.load_dates(bad)


def test_tables_and_report_share_the_rule():
    """The two rules used to differ: the report dated amp.ng.ru/?p= URLs and read `published`, the tables did not."""
    metas = [{"url": "https://amp.ng.ru/?p=http://www.ng.ru/world/2018-03-21/6_x.html"},
             {"published": "2017-12-01", "url": "https://russian.rt.comhttps"},
             {"url": "https://russian.rt.com/world/article/1-x"}]
    docs = [kzmedia.Document(f"Текст номер {i}.", id=f"d{i}", meta=m) for i, m in enumerate(metas)]
    pipe = kzmedia.Pipeline(["framing"])
    analyses = [pipe.analyze(d) for d in docs]
    rows = list(document_rows(a.to_dict() for a in analyses))
    assert [(r["outlet"], r["month"]) for r in rows] == [("ng.ru", "2018-03"), ("rt.com", "2017-12"), ("rt.com", None)]
    assert [(report_outlet(m), report_month(m)) for m in metas] == [(r["outlet"], r["month"]) for r in rows]
    assert md.undated(a.to_dict() for a in analyses) == (1, 3)
    by_year = {r.get("year") for r in label_rows([a.to_dict() for a in analyses], by=["year"])}
    assert by_year <= {"2018", "2017", None}
