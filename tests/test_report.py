"""The HTML report without a browser: the model (marks, segments, profiles), escaping, the three
views, the CLI. Fake analyzers (regular expressions over our own Russian text) produce nested
result shapes and describe them with ``result_model`` as any plugin may, so these tests do not
depend on the real analyzers' lexicons; the seed texts are also rendered with the real analyzers
(skipped when ``../shared`` is absent)."""

from __future__ import annotations

import html
import json
import re
from collections import defaultdict
from html.parser import HTMLParser

import pytest

from kzmedia import Document, Finding, Relation, Score
from kzmedia.report import render_comparison, render_corpus, render_document_report
from kzmedia.report.model import doc_view, month_of, outlet_of, safe_url, segments
from kzmedia.report.render import csp
from kzmedia.testing import make_pipeline

# ------------------------------------------------------------------------------------------------
# Fake analyzers: the documented JSON shapes, found with regular expressions
# ------------------------------------------------------------------------------------------------

FRAMES = {
    "sovereignty": r"суверенитет\w*|независимост\w*",
    "threat": r"угроз\w*|опасн\w*",
    "economy": r"экономическ\w* сотрудничеств\w*|транзит\w*(?: через \w+)?",
}
ACTORS = {
    "KZ": ("Казахстан", "country", r"Казахстан\w*|Астан\w*"),
    "RU": ("Россия", "country", r"Росси\w*|Москв\w*"),
    "CN": ("Китай", "country", r"Кита\w*"),
    "US": ("США", "country", r"США"),
    "EU": ("Евросоюз", "bloc", r"ЕС\b"),
}
TECHNIQUES = {
    "loaded_language": ("manipulative_wording", r"ужасн\w*|агрессивн\w*"),
    "doubt": ("attack_on_reputation", r"так называем\w* \w+ из \w+"),
    # deliberately overlaps the hostile markup in the hostile document
    "name_calling": ("attack_on_reputation", r"<script>[^<]*</script>"),
}


class FakeFraming:
    name, version = "framing", "test-1"

    def analyze(self, doc):
        frames, total = [], 0
        for fid, rx in FRAMES.items():
            ev = [{"start": m.start(), "end": m.end(), "text": m.group(), "entry": rx.split("|")[0], "weight": 1.0}
                  for m in re.finditer(rx, doc.text, re.I)]
            total += len(ev)
            frames.append({"id": fid, "kind": "domain", "score": float(len(ev)), "hits": len(ev),
                           "present": bool(ev), "evidence": ev})
        for f in frames:
            f["share"] = f["hits"] / total if total else 0.0
        dominant = max(frames, key=lambda f: f["hits"])["id"] if total else None
        return {"frames": frames, "dominant": dominant}

    def result_model(self, result):
        for f in result["frames"]:
            for e in f["evidence"]:
                yield Finding(self.name, f["id"], e["start"], e["end"], e["text"], e["weight"], {"entry": e["entry"]})
            yield Score(self.name, "share", f["share"], "share", f["id"])


class FakeActors:
    name, version = "actors", "test-1"

    def analyze(self, doc):
        actors, by_sentence = [], defaultdict(set)
        for aid, (name, kind, rx) in ACTORS.items():
            mentions = []
            for m in re.finditer(rx, doc.text):
                mentions.append({"start": m.start(), "end": m.end(), "text": m.group(), "form": "name",
                                 "role": "subject", "tone": -0.5 if aid == "RU" else 0.0})
                by_sentence[doc.text.count("\n", 0, m.start()) * 1000 + doc.text.count(".", 0, m.start())].add(aid)
            if mentions:
                actors.append({"id": aid, "name": name, "kind": kind, "count": len(mentions),
                               "by_form": {"name": len(mentions)}, "roles": {"subject": len(mentions)},
                               "tone": {"label": "neutral", "score": 0.0}, "mentions": mentions})
        pairs = defaultdict(int)
        for ids in by_sentence.values():
            ids = sorted(ids)
            for i, a in enumerate(ids):
                for b in ids[i + 1:]:
                    pairs[(a, b)] += 1
        return {"actors": actors, "cooccurrence": [{"a": a, "b": b, "sentences": n} for (a, b), n in pairs.items()]}

    def result_model(self, result):
        names = {a["id"]: a["name"] for a in result["actors"]}
        for a in result["actors"]:
            for m in a["mentions"]:
                yield Finding(self.name, a["name"], m["start"], m["end"], m["text"], None,
                              {"form": m["form"], "role": m["role"], "tone": m["tone"]})
            yield Score(self.name, "mentions", a["count"], "count", a["name"])
        for c in result["cooccurrence"]:
            yield Relation(self.name, names[c["a"]], names[c["b"]], "co-occurs", c["sentences"])


class FakeRhetoric:
    name, version = "rhetoric", "test-1"

    def analyze(self, doc):
        findings = []
        for tech, (cat, rx) in TECHNIQUES.items():
            for m in re.finditer(rx, doc.text, re.I):
                findings.append({"technique": tech, "category": cat, "device": f"device-of-{tech}",
                                 "start": m.start(), "end": m.end(), "text": m.group(),
                                 "trigger": m.group().split()[0], "confidence": 0.7})
        by = defaultdict(int)
        for f in findings:
            by[f["technique"]] += 1
        words = max(doc.words, 1)
        profile = {"by_technique": dict(by), "by_category": {}, "per_1000_words": 1000 * len(findings) / words}
        return {"findings": findings, "profile": profile}

    def result_model(self, result):
        for f in result["findings"]:
            yield Finding(self.name, f["technique"], f["start"], f["end"], f["text"], f["confidence"],
                          {k: f[k] for k in ("category", "device", "trigger")})
        yield Score(self.name, "per_1000_words", result["profile"]["per_1000_words"])


FAKES = (FakeFraming(), FakeActors(), FakeRhetoric())

TEXT = ("Казахстан укрепляет суверенитет и развивает экономическое сотрудничество с Китаем. "
        "Москва называет это угрозой, а так называемые эксперты из России пугают ужасными последствиями.\r\n"
        "В Астане отвечают, что независимость страны не обсуждается, а транзит через Казахстан растёт 🙂. "
        "США и ЕС внимательно следят за переговорами.\r\n")

HOSTILE = (TEXT + "Комментарий читателя: <script>window.__pwned = 1; document.title = 'pwned'</script> "
           "и картинка <img src=x onerror=\"window.__pwned = 2\"> и ещё </style><style>body{display:none}</style> "
           "</textarea>\"'><svg onload=\"window.__pwned = 3\"> Россия & Китай &amp; <!-- коммент --> "
           "<a href=\"javascript:window.__pwned=4\">ссылка</a>\r\n")

HOSTILE_META = {"title": "<script>window.__pwned=5</script>Заголовок", "outlet": "<b onmouseover=x>outlet</b>",
                "url": "javascript:window.__pwned=6", "date": "2025-03-04"}


@pytest.fixture(scope="module")
def pipeline():
    return make_pipeline(*FAKES)


@pytest.fixture(scope="module")
def analysis(pipeline):
    return pipeline.analyze(Document.from_text(TEXT, id="own-example", outlet="Пример", date="2025-02-01",
                                               url="https://example.org/a?x=1&y=2"))


@pytest.fixture(scope="module")
def hostile(pipeline):
    return pipeline.analyze(Document.from_text(HOSTILE, id="<img src=x onerror=alert(1)>", **HOSTILE_META))


class Tags(HTMLParser):
    """Collects the tags of a page as a browser's tokenizer would see them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags_of(page: str) -> list[tuple[str, dict]]:
    p = Tags()
    p.feed(page)
    return p.tags


# ------------------------------------------------------------------------------------------------
# The model
# ------------------------------------------------------------------------------------------------

def test_marks_cover_every_finding_and_match_the_text(analysis):
    view = doc_view(0, analysis)
    data = analysis.to_dict()["results"]
    expected = (sum(len(f["evidence"]) + len((f.get("rejected") or {}).get("evidence", ())) for f in data["framing"]["frames"])
                + sum(len(a["mentions"]) for a in data["actors"]["actors"])
                + len(data["rhetoric"]["findings"]))
    assert len(view.marks) == expected > 10
    assert not view.unplaced
    for m in view.marks:
        assert TEXT[m.start:m.end] == m.text
    assert {m.layer for m in view.marks} == {"framing", "actors", "rhetoric"}
    assert {m.label for m in view.marks if m.layer == "actors"} >= {"Казахстан", "Россия"}
    doubt = [m for m in view.marks if m.label == "doubt"]
    assert doubt and dict(doubt[0].details)["device"] == "device-of-doubt"


def test_segments_partition_the_text_and_keep_overlaps(analysis):
    view = doc_view(0, analysis)
    segs = segments(TEXT, view.marks)
    assert "".join(TEXT[a:b] for a, b, _ in segs) == TEXT
    assert all(a < b for a, b, _ in segs)
    for i, m in enumerate(view.marks):
        covered = [(a, b) for a, b, ids in segs if i in ids]
        assert covered[0][0] == m.start and covered[-1][1] == m.end
        assert all(x[1] == y[0] for x, y in zip(covered, covered[1:]))  # contiguous
    # "так называемые эксперты из России" (rhetoric) holds an actor; "транзит через Казахстан" too
    both = [ids for a, b, ids in segs if len({view.marks[i].layer for i in ids}) > 1]
    assert both, "the example text has an actor inside a frame or technique span"


def test_bad_spans_are_set_aside_not_drawn():
    data = {"document": {"id": "x", "words": 3, "meta": {}}, "text": "один два три",
            "results": {"plugin": {"findings": [
                {"label": "t", "start": 0, "end": 4, "text": "один"},
                {"label": "t", "start": 5, "end": 8, "text": "ТРИ"},      # wrong text
                {"label": "t", "start": 9, "end": 99, "text": "три"},     # not a span at all
                {"label": "t", "start": "x", "end": 3},                     # not ints
                "garbage"]},
                "other": {"findings": "not a list"}, "third": None}}
    view = doc_view(0, data, views={})
    assert [(m.start, m.end) for m in view.marks] == [(0, 4)]
    assert len(view.unplaced) == 1
    page = render_document_report([data], views={})
    assert "1 span(s) did not match" in page


def test_a_result_its_view_cannot_read_is_named_and_the_rest_drawn():
    data = {"document": {"id": "x", "words": 3, "meta": {}}, "text": "один два три",
            "results": {"framing": {"frames": "old shape"},
                        "plugin": {"findings": [{"label": "t", "start": 0, "end": 4, "text": "один"}]}}}
    view = doc_view(0, data, views={"framing": FakeFraming().result_model})
    assert [m.layer for m in view.marks] == ["plugin"]
    assert view.errors[0]["analyzer"] == "framing" and "not readable" in view.errors[0]["message"]


def test_meta_helpers():
    assert month_of({"date": "2024-7-15T10:00"}) == "2024-07"
    assert month_of({"date": "05.11.2023"}) == "2023-11"
    assert month_of({"date": "вчера"}) is None
    assert outlet_of({"url": "https://www.Tengrinews.kz/x"}) == "tengrinews.kz"
    assert outlet_of({"outlet": "Vlast", "url": "https://a.b"}) == "Vlast"
    assert safe_url("javascript:alert(1)") is None
    assert safe_url(" https://ok.kz/a ") == "https://ok.kz/a"
    assert safe_url("https://x.kz/\"><script>") is None


# ------------------------------------------------------------------------------------------------
# Rendering
# ------------------------------------------------------------------------------------------------

def test_document_report_is_self_contained(analysis):
    page = render_document_report([analysis])
    assert page.startswith("<!DOCTYPE html>")
    tags = tags_of(page)
    names = {t for t, _ in tags}
    assert "script" not in names and "link" not in names and "img" not in names and "iframe" not in names
    for _, attrs in tags:
        for key, value in attrs.items():
            assert not key.startswith("on")
            if key in ("src", "href") and value:
                assert value.startswith(("#", "https://example.org/")), value
    assert "http://" not in re.sub(r'xmlns="http://www.w3.org/2000/svg"', "", page)
    meta = [a for t, a in tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert meta and "default-src 'none'" in meta[0]["content"] and "script-src 'none'" in meta[0]["content"]
    # a panel per analyzer, with our data
    for aria in ("framing: findings per label", "framing: share (share)", "actors: findings per label",
                 "actors: relations", "rhetoric: findings per label"):
        assert f'aria-label="{aria}"' in page
    assert "sovereignty" in page and "Китай" in page and "loaded_language" in page
    # a legend entry per layer and per label, each label with its own colour
    assert page.count('id="t-k') == 3 + len({(m.layer, m.label) for m in doc_view(0, analysis).marks})
    for k in range(3):
        colours = re.findall(rf"\.k{k}-\d+ \{{ --c{k}:(hsla?\([^)]*\))", page)
        assert len(colours) == len(set(colours)) >= 2, k


def test_dom_text_equals_document_text(analysis):
    """What a browser reads from the text container is exactly the document (CRLF included)."""
    page = render_document_report([analysis])
    body = page.split('<div class="text" lang="ru" data-doc="0">', 1)[1].split("</div>", 1)[0]
    plain = html.unescape(re.sub(r"<[^>]+>", "", body))
    assert plain == TEXT
    assert "\r" not in body  # CR travels as &#13;, which the HTML parser does not normalise away


def test_hostile_text_is_escaped(hostile):
    page = render_document_report([hostile])
    tags = tags_of(page)
    names = [t for t, _ in tags]
    assert "script" not in names and "img" not in names and "a" not in [
        t for t, a in tags if a.get("href", "").startswith("javascript")]
    assert not any(k.startswith("on") for _, a in tags for k in a)
    assert names.count("style") == 1
    assert not any(a.get("href", "").lower().startswith("javascript") for _, a in tags)
    view = doc_view(0, hostile)
    assert any(m.label == "name_calling" for m in view.marks)  # a span over the markup is still drawn
    assert "&lt;script&gt;window.__pwned = 1" in page


def test_comparison_puts_biggest_difference_first(pipeline):
    a = pipeline.analyze(Document.from_text(
        "Казахстан защищает суверенитет. Независимость Казахстана и суверенитет важны.", id="a"))
    b = pipeline.analyze(Document.from_text(
        "Китай предлагает транзит. Транзит через Казахстан и экономическое сотрудничество с Китаем.", id="b"))
    page = render_comparison([a, b])
    frames = page.split('data-dim="framing"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r'<th scope="row">([^<]+)</th>', frames)
    assert rows[:2] == ["sovereignty", "economy"] or rows[:2] == ["economy", "sovereignty"]
    assert "threat" not in rows  # in neither document
    actors = page.split('data-dim="actors"', 1)[1].split("</table>", 1)[0]
    assert re.findall(r'<th scope="row">([^<]+)</th>', actors)[0] == "Китай"
    assert page.count('<section class="doc"') == 2


def test_corpus_from_analyses(pipeline):
    docs = [
        Document.from_text("Москва и Астана обсуждают транзит.", id="d1", date="2024-01-10", outlet="A",
                           url="https://a.kz/1"),
        Document.from_text("Россия видит угрозу. Казахстан отвечает про суверенитет.", id="d2",
                           date="2024-03-02", outlet="B"),
        Document.from_text("Ужасные новости о транзите через Казахстан.", id="d3", date="2024-03-20", outlet="A"),
    ]
    page = render_corpus([pipeline.analyze(d) for d in docs])
    assert "3 documents" in page
    month_cols = re.findall(r"<th>(\d{4}-\d{2})</th>", page)
    assert month_cols[:3] == ["2024-01", "2024-02", "2024-03"]  # the empty month is kept
    assert 'href="https://a.kz/1"' in page and 'href="#doc-0"' in page and 'id="doc-0"' in page
    frames = page.split('data-dim="framing"', 1)[1].split("</table>", 1)[0]
    assert re.search(r'<th scope="row">economy</th>', frames)


def test_corpus_from_dicts_without_text():
    """A store row has no text: the report lists the evidence instead of highlighting it."""
    data = {"document": {"id": "x1", "words": 100, "meta": {"date": "2023-05-01", "outlet": "Z"}},
            "results": {"plugin": {"findings": [{"label": "doubt", "start": 3, "end": 8, "text": "якобы"}]}},
            "errors": []}
    page = render_corpus([data], views={})
    assert "якобы" in page and "doubt" in page
    page = render_document_report([data], views={})
    assert "not stored" in page and "якобы" in page


def _stream_of_views(pipeline, n):
    """``n`` analysed documents as report views, made one at a time (own sentences, varied)."""
    from kzmedia.report.model import doc_view

    sentences = ["Москва и Астана обсуждают транзит через Казахстан.",
                 "Россия видит угрозу, а Казахстан говорит про суверенитет.",
                 "Ужасные новости: агрессивные заявления о транзите.",
                 "Китай и США спорят, ЕС молчит, Астана ищет экономическое сотрудничество."]
    for i in range(n):
        text = " ".join(sentences[(i + k) % len(sentences)] for k in range(1 + i % 3))
        doc = Document.from_text(text, id=f"s{i}", date=f"2024-{1 + i % 12:02d}-05", outlet="AB"[i % 2])
        yield doc_view(i, pipeline.analyze(doc), pipeline.views)


def test_corpus_page_is_drawn_from_a_stream_without_keeping_documents(pipeline):
    """The corpus view folds each document into its summary and lets it go: nothing of a view
    outlives the page once the corpus has more documents than pages show texts for; the index
    stops at ``max_index`` rows and says how many it leaves out."""
    import gc
    import weakref

    from kzmedia.report.render import render_corpus_views

    refs = []

    def watched():
        for v in _stream_of_views(pipeline, 40):
            refs.append(weakref.ref(v))
            yield v

    page = render_corpus_views(watched(), max_texts=5, max_index=30)
    gc.collect()
    assert len(refs) == 40 and not [r for r in refs if r() is not None]
    assert "40 documents" in page and "10 more documents not listed" in page
    assert '<div class="text"' not in page and page.count('<tr id="doc-') == 30
    # a small corpus keeps its documents and shows their texts, as before
    small = render_corpus_views(_stream_of_views(pipeline, 5), max_texts=5)
    assert small.count('<div class="text"') == 5


def test_corpus_evidence_is_each_labels_strongest_findings(pipeline):
    """What the summary keeps per label equals ranking all of its findings at once."""
    from kzmedia.report.model import CorpusSummary

    views = list(_stream_of_views(pipeline, 24))
    summary = CorpusSummary(iter(views), max_texts=3, per_item=3)
    found = defaultdict(list)
    for v in views:
        for m in v.marks:
            found[(m.layer, m.label)].append((-(m.strength or 0), v.index, m.start, m))
    assert len(found) > 5
    for key, marks in found.items():
        best = [m for *_rank, m in sorted(marks, key=lambda r: r[:3])[:3]]
        got = summary.evidence(*key)
        assert [e.mark for e in got] == best
        for e in got:
            text = views[e.doc.index].text
            assert text[e.mark.start:e.mark.end] == e.mark.text
            assert text[:e.mark.start].endswith(e.before) and text[e.mark.end:].startswith(e.after)
        assert summary.tally.counts[key] == len(marks)


CORPUS = [
    ("d1", "Москва и Астана обсуждают транзит.", {"date": "2024-01-10", "outlet": "A", "url": "https://a.kz/1"}),
    ("d2", "Россия видит угрозу. Казахстан отвечает про суверенитет.", {"date": "2024-03-02", "outlet": "B"}),
    ("d3", "Ужасные новости о транзите через Казахстан.\r\n<script>window.__pwned=1</script>",
     {"date": "2024-03-20", "outlet": "A"}),
]


@pytest.fixture
def store_path(tmp_path, pipeline):
    store_mod = pytest.importorskip("kzmedia.store", reason="the results store (kzmedia.store) is not built")
    path = tmp_path / "results.sqlite"
    with store_mod.Store(path) as store:
        store.run(pipeline, [Document.from_text(t, id=i, **m) for i, t, m in CORPUS])
    return path


def test_corpus_from_a_store(store_path, pipeline):
    page = render_corpus(store_path, views=pipeline.views)
    assert "3 documents" in page and "results.sqlite" in page
    actors = page.split('data-dim="actors"', 1)[1].split("</table>", 1)[0]
    assert re.search(r'<th scope="row">Казахстан</th>', actors)
    # the texts come back from the store, so the evidence is quoted in context and highlighted
    assert page.count('<div class="text"') == 3
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in page and "<script>window" not in page


def test_cli_report_store(store_path, tmp_path, capsys, pipeline):
    from kzmedia.cli import main

    out = tmp_path / "corpus.html"
    assert main(["report", str(store_path), "-o", str(out)], plugin_manager=pipeline.pm) == 0
    page = out.read_text(encoding="utf-8")
    assert "3 documents" in page and 'data-dim="actors"' in page
    assert main(["report", str(store_path), "--view", "compare", "-o", str(out)], plugin_manager=pipeline.pm) == 2
    assert "corpus" in capsys.readouterr().err


def test_render_corpus_from_a_missing_store_is_a_clear_error(tmp_path):
    from kzmedia.report import ReportError

    with pytest.raises(ReportError, match="no such results store"):
        render_corpus(tmp_path / "none.sqlite")


def test_csp_hash_matches_the_style_block(analysis):
    import base64
    import hashlib

    page = render_document_report([analysis])
    css = page.split("<style>", 1)[1].split("</style>", 1)[0]
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in csp(css) and f"'sha256-{digest}'" in page


# ------------------------------------------------------------------------------------------------
# CLI
# ------------------------------------------------------------------------------------------------

def test_cli_report_files(tmp_path, monkeypatch):
    from kzmedia.cli import main
    from kzmedia.cli import report as report_cli

    monkeypatch.setattr(report_cli, "build_pipeline", lambda args: make_pipeline(*FAKES))
    a = tmp_path / "a.txt"
    a.write_text(TEXT, encoding="utf-8", newline="")
    b = tmp_path / "b.txt"
    b.write_text("Китай и Россия обсуждают транзит.", encoding="utf-8")
    out = tmp_path / "r.html"
    assert main(["report", str(a), str(b), "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert page.count('<section class="doc"') == 2
    out2 = tmp_path / "c.html"
    assert main(["report", str(a), str(b), "--view", "compare", "-o", str(out2)]) == 0
    assert "Differences" in out2.read_text(encoding="utf-8")


def test_cli_report_jsonl_corpus(tmp_path, monkeypatch):
    from kzmedia.cli import main
    from kzmedia.cli import report as report_cli

    monkeypatch.setattr(report_cli, "build_pipeline", lambda args: make_pipeline(*FAKES))
    src = tmp_path / "c.jsonl"
    src.write_text("".join(json.dumps({"id": i, "content": t, **m}, ensure_ascii=False) + "\n" for i, t, m in CORPUS),
                   encoding="utf-8")
    out = tmp_path / "c.html"
    assert main(["report", str(src), "--text-field", "content", "--max-texts", "2", "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "kzmedia corpus report: 3 documents" in page  # more than --max-texts: the corpus view
    assert re.findall(r"<th>(\d{4}-\d{2})</th>", page)[:3] == ["2024-01", "2024-02", "2024-03"]


def test_cli_report_rejects_a_non_store(tmp_path, capsys):
    from kzmedia.cli import main

    bad = tmp_path / "x.sqlite"
    bad.write_bytes(b"not a database at all")
    code = main(["report", str(bad), "-o", str(tmp_path / "o.html")])
    assert code == 2
    assert "kzmedia: error:" in capsys.readouterr().err


# ------------------------------------------------------------------------------------------------
# The seed texts with the real analyzers
# ------------------------------------------------------------------------------------------------

def test_seed_texts_with_real_analyzers(seed_texts):
    from kzmedia import Pipeline

    pipe = Pipeline()
    analyses = [pipe.analyze(Document.from_file(p)) for p in seed_texts.values()]
    page = render_document_report(analyses)
    for a in analyses:
        view = doc_view(0, a)
        assert not view.unplaced, f"{a.document_id}: spans that do not match the text"
    assert page.count('<section class="doc"') == len(analyses)
    assert "<script" not in page


# ------------------------------------------------------------------------------------------------
# Property: any set of spans over any text partitions it and round-trips through the HTML
# ------------------------------------------------------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@st.composite
def text_and_spans(draw):
    text = draw(st.text(alphabet=st.sampled_from(list("абв <>&\"'\r\n🙂x")), min_size=1, max_size=40))
    spans = []
    for _ in range(draw(st.integers(0, 8))):
        a = draw(st.integers(0, len(text) - 1))
        b = draw(st.integers(a + 1, len(text)))
        spans.append((draw(st.sampled_from(["one", "two", "three", "four", "five", "six"])), a, b))
    return text, spans


@settings(max_examples=150, deadline=None)
@given(text_and_spans())
def test_any_spans_round_trip_through_the_html(case):
    text, spans = case
    results: dict = {}
    for layer, a, b in spans:
        span = {"start": a, "end": b, "text": text[a:b], "label": f"{layer}-{a % 3}"}
        results.setdefault(layer, {"findings": []})["findings"].append(span)
    data = {"document": {"id": "p", "words": 1, "meta": {}}, "text": text, "results": results}
    view = doc_view(0, data, views={})
    assert len(view.marks) == len(spans) and not view.unplaced
    page = render_document_report([data], views={})
    box = page.split('data-doc="0">', 1)[1].split("</div>", 1)[0]
    assert "\r" not in box and "<script" not in box
    assert html.unescape(re.sub(r"<[^>]+>", "", box)) == text
    for i, m in enumerate(view.marks):
        pieces = re.findall(r'<span class="[^"]*" data-m="([^"]*)" data-s="(\d+)"[^>]*>([^<]*)</span>', box)
        mine = [(int(s), html.unescape(t)) for ids, s, t in pieces if str(i) in ids.split()]
        assert mine[0][0] == m.start and "".join(t for _, t in mine) == text[m.start:m.end]


def test_characters_a_page_cannot_carry_keep_their_place():
    """NUL and lone surrogates become U+FFFD (one for one, so offsets hold); the page encodes."""
    text = "до\x00после \ud800 конец\x0c"
    data = {"document": {"id": "odd\x00", "words": 3, "meta": {"title": "x\ud800"}}, "text": text,
            "results": {"plugin": {"findings": [{"label": "t", "start": 5, "end": 10, "text": text[5:10]}]}}}
    page = render_document_report([data], views={})
    page.encode("utf-8")  # no lone surrogate left
    box = page.split('data-doc="0">', 1)[1].split("</div>", 1)[0]
    assert html.unescape(re.sub(r"<[^>]+>", "", box)) == text.replace("\x00", "\ufffd").replace("\ud800", "\ufffd")


def test_a_failed_document_shows_why(pipeline):
    from kzmedia import FailedDocument

    failed = pipeline.analyze(FailedDocument("broken.txt", "cannot decode as UTF-8 <b>"))
    page = render_document_report([failed, pipeline.analyze(Document.from_text(TEXT, id="ok"))])
    section = page.split('id="doc-0"', 1)[1].split('id="doc-1"', 1)[0]
    assert "cannot decode as UTF-8 &lt;b&gt;" in section and "not stored" not in section
    assert page.count('<div class="text"') == 1


def test_comparison_by_outlet_sums_the_documents(pipeline):
    docs = [Document.from_text(t, id=i, **m) for i, t, m in CORPUS]
    analyses = [pipeline.analyze(d) for d in docs]
    page = render_comparison(analyses, by="outlet")
    assert "A (2 documents)" in page and "B (1 documents)" in page
    actors = page.split('data-dim="actors"', 1)[1].split("</table>", 1)[0]
    # outlet A: d1 (Москва, Астана → RU 1, KZ 1; 5 words) + d3 (Казахстан; 8 words incl. the markup)
    row = re.search(r'<th scope="row">Казахстан</th>(.*?)</tr>', actors).group(1)
    words_a = analyses[0].document.words + analyses[2].document.words
    assert f"{1000 * 2 / words_a:.1f}" in row
    assert '<div class="text"' not in page  # a group has no single text
    assert 'href="#col-0"' in page and 'id="col-0"' in page
