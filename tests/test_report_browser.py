"""The HTML report in a real headless Chromium (Debian's ``chromium`` driven by Playwright).

Checked in the browser: the DOM text of every highlight equals the finding's text at its offsets,
unticking a layer or a label hides it, labels have their own colours, the minimum-score filter
works, hover/focus shows the details, the per-month line charts are drawn (points where
documents are, a line broken by a month without any, a colour per label), no script from the article ran, the
console stays clean and no request leaves the file. One browser for the module; each page load
records every request and console message. Skipped (with the reason) only where Playwright or
Chromium cannot start.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

from kzmedia import Document
from kzmedia.report import render_comparison, render_corpus, render_document_report
from kzmedia.report.model import doc_view

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("KZMEDIA_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def _fakes():
    # the fake analyzers and example texts live beside the non-browser tests
    spec = importlib.util.spec_from_file_location("_report_fakes", Path(__file__).with_name("test_report.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


F = _fakes()


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as e:
        pytest.skip(f"the playwright package is not installed ({e}); pip install playwright")
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is absent: install Debian's chromium (apt-get install chromium)")
    pw = sync_playwright().start()
    try:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    except Exception as e:  # no display libraries, sandbox refused, ...
        pw.stop()
        pytest.skip(f"Chromium cannot start here: {type(e).__name__}: {str(e).splitlines()[0]}")
    yield b
    b.close()
    pw.stop()


class Loaded:
    def __init__(self, page, requests, console, errors):
        self.page, self.requests, self.console, self.errors = page, requests, console, errors

    def assert_clean(self, url):
        assert self.requests == [url], f"requests beyond the file: {self.requests}"
        bad = [m for m in self.console if m[0] in ("error", "warning")]
        assert not bad, f"console: {bad}"
        assert not self.errors, f"page errors: {self.errors}"


@pytest.fixture
def open_report(browser, tmp_path):
    pages = []

    def _open(html: str, name: str = "report.html") -> Loaded:
        path = tmp_path / name
        path.write_text(html, encoding="utf-8", newline="")
        url = path.as_uri()
        context = browser.new_context(java_script_enabled=True)
        page = context.new_page()
        requests, console, errors = [], [], []
        page.on("console", lambda m: console.append((m.type, m.text)))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("dialog", lambda d: (errors.append(f"dialog: {d.message}"), d.dismiss()))

        def route(r):
            requests.append(r.request.url)
            if r.request.url == url:
                r.continue_()
            else:
                r.abort()

        page.route("**/*", route)
        page.goto(url)
        pages.append(context)
        return Loaded(page, requests, console, errors)

    yield _open
    for c in pages:
        c.close()


# The mark index → (code-point offset of its first piece, concatenated text) in each text container;
# offsets count code points (Array.from), as Python does.
SPANS_JS = """
() => Array.from(document.querySelectorAll('.text[data-doc]')).map(box => {
  const spans = {}; let pos = 0;
  for (const node of box.childNodes) {
    const t = node.textContent, n = Array.from(t).length;
    if (node.nodeType === 1 && node.dataset.m) {
      for (const id of node.dataset.m.split(' ')) {
        if (!(id in spans)) spans[id] = [pos, ''];
        spans[id][1] += t;
      }
    }
    pos += n;
  }
  return {doc: box.dataset.doc, text: box.textContent, spans};
})
"""


@pytest.fixture(scope="module")
def analyses():
    pipe = F.make_pipeline(*F.FAKES)
    return [pipe.analyze(Document.from_text(F.TEXT, id="own-example", date="2025-02-01", outlet="Пример")),
            pipe.analyze(Document.from_text(F.HOSTILE, id="<img src=x onerror=alert(1)>", **F.HOSTILE_META))]


def check_highlights(loaded: Loaded, analyses) -> int:
    boxes = loaded.page.evaluate(SPANS_JS)
    assert len(boxes) == len(analyses)
    checked = 0
    for box, analysis in zip(boxes, analyses):
        view = doc_view(0, analysis)
        assert box["text"] == analysis.document.text  # CRLF, emoji and markup intact
        assert len(box["spans"]) == len(view.marks) > 0
        for i, m in enumerate(view.marks):
            start, text = box["spans"][str(i)]
            assert (start, text) == (m.start, analysis.document.text[m.start:m.end]), (m.layer, m.label)
            checked += 1
    return checked


def test_highlights_sit_at_their_offsets_and_nothing_runs(open_report, analyses):
    loaded = open_report(render_document_report(analyses))
    page = loaded.page
    assert check_highlights(loaded, analyses) > 20
    # the hostile article ran nothing and injected no element
    assert page.evaluate("() => window.__pwned") is None
    assert page.title().startswith("kzmedia report")
    assert page.evaluate("() => document.querySelectorAll('script, img, iframe, object, embed').length") == 0
    assert page.evaluate("() => document.querySelectorAll('main svg[onload], main a[href^=javascript]').length") == 0
    assert page.evaluate("() => document.styleSheets.length") == 1
    assert page.is_visible("main")
    text = page.inner_text('.text[data-doc="1"]')
    assert "<script>window.__pwned = 1;" in text and "</style><style>body{display:none}</style>" in text
    assert "<script>window.__pwned=5</script>Заголовок" in page.inner_text("#doc-1 h2")
    loaded.assert_clean(page.url)


def test_the_content_security_policy_holds_even_if_markup_got_in(open_report, analyses):
    """Defence in depth: inject what an escaping bug could let in; the page's CSP refuses it."""
    loaded = open_report(render_document_report(analyses[:1]))
    page = loaded.page
    loaded.assert_clean(page.url)
    page.evaluate("""() => {
        const img = document.createElement('img'); img.src = 'https://example.invalid/pixel.png';
        document.body.appendChild(img);
        const st = document.createElement('style'); st.textContent = 'main { display: none }';
        document.head.appendChild(st);
        const sc = document.createElement('script'); sc.textContent = 'window.__pwned = 7';
        document.body.appendChild(sc);
    }""")
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.__pwned") is None          # inline script refused
    assert page.is_visible("main")                                 # injected style refused
    assert loaded.requests == [page.url]                           # the image never left
    refused = [text for kind, text in loaded.console if "Content Security Policy" in text]
    assert len(refused) >= 2, loaded.console


#: what each legend position draws with (the CSS channel of the layer)
CHANNEL_PROPS = ("background-color", "box-shadow", "text-decoration-color")


def layer_keys(page) -> dict[str, str]:
    """Analyzer name → its CSS key, read from the legend."""
    return page.evaluate("""() => Object.fromEntries(Array.from(
        document.querySelectorAll('.legend details.layer > summary label')).map(
        l => [l.querySelector('.swatch').textContent, l.htmlFor.slice(2)]))""")


def drawn(page, key: str, prop: str, selector: str | None = None) -> bool:
    sel = selector or f".text .l-{key}"
    value = page.evaluate(f"() => getComputedStyle(document.querySelector('{sel}')).getPropertyValue('{prop}')")
    return not value.startswith("rgba(0, 0, 0, 0)")


def test_toggling_a_layer_hides_it(open_report, analyses):
    loaded = open_report(render_document_report(analyses[:1]))
    page = loaded.page
    keys = layer_keys(page)
    assert set(keys) == {"framing", "actors", "rhetoric"}
    probes = {name: (key, CHANNEL_PROPS[int(key[1:])]) for name, key in keys.items()}
    for layer, (key, prop) in probes.items():
        assert drawn(page, key, prop), f"{layer} is not drawn"
        page.click(f'label[for="t-{key}"]')
        assert not drawn(page, key, prop), f"{layer} still drawn after unticking"
        for other, (k2, p2) in probes.items():  # the other layers stay
            if other != layer:
                assert drawn(page, k2, p2), (layer, other)
        page.click(f'label[for="t-{key}"]')
        assert drawn(page, key, prop)
    loaded.assert_clean(page.url)


def test_each_label_has_its_colour_and_its_toggle_and_scores_filter(open_report, analyses):
    loaded = open_report(render_document_report(analyses[:1]))
    page = loaded.page
    key = layer_keys(page)["actors"]
    prop = CHANNEL_PROPS[int(key[1:])]
    pieces = page.evaluate(f"""() => Array.from(document.querySelectorAll('.text .l-{key}')).map(el => [
        Array.from(el.classList).find(c => c.startsWith('{key}-')),
        getComputedStyle(el).getPropertyValue('{prop}')])""")
    colour_of = {}
    for label_class, value in pieces:
        colour_of.setdefault(label_class, set()).add(value)
    assert len(colour_of) >= 3 and all(len(v) == 1 for v in colour_of.values())  # one colour per label
    assert len({next(iter(v)) for v in colour_of.values()}) == len(colour_of)    # distinct
    label_class = next(iter(colour_of))
    other = next(c for c in colour_of if c != label_class)
    page.evaluate("() => document.querySelectorAll('.legend details.layer').forEach(d => { d.open = true; })")
    page.click(f'label[for="t-{label_class}"]')
    assert not drawn(page, key, prop, f".text .{label_class}")
    assert drawn(page, key, prop, f".text .{other}")
    # the minimum-score filter applies to the layer whose scores are confidences (the fake rhetoric: 0.7)
    rhet = layer_keys(page)["rhetoric"]
    rprop = CHANNEL_PROPS[int(rhet[1:])]
    assert drawn(page, rhet, rprop)
    page.click('label[for="mc-50"]')
    assert drawn(page, rhet, rprop)
    page.click('label[for="mc-75"]')
    assert not drawn(page, rhet, rprop)
    page.click('label[for="mc-0"]')
    assert drawn(page, rhet, rprop)
    loaded.assert_clean(page.url)


def test_focus_shows_technique_device_and_trigger(open_report, analyses):
    loaded = open_report(render_document_report(analyses[:1]))
    page = loaded.page
    view = doc_view(0, analyses[0])
    i = next(i for i, m in enumerate(view.marks) if m.label == "doubt")
    page.focus(f'.text [data-m~="{i}"]')
    tip = page.evaluate("() => getComputedStyle(document.activeElement, '::after').content")
    assert "doubt" in tip and "device-of-doubt" in tip and "trigger: так" in tip
    # hovering the piece where the technique overlaps an actor shows both
    page.keyboard.press("Tab")  # focus moves away; only the hover tooltip remains
    last = page.locator(f'.text [data-m~="{i}"]').last
    last.hover()
    tip = last.evaluate("el => getComputedStyle(el, '::after').content")
    assert "rhetoric: doubt" in tip and "actors: Россия" in tip
    # unticking a layer takes it out of the details too; a piece with nothing visible shows none
    page.click(f'label[for="t-{layer_keys(page)["rhetoric"]}"]')
    last.hover()
    tip = last.evaluate("el => getComputedStyle(el, '::after').content")
    assert "actors: Россия" in tip and "rhetoric" not in tip
    first = page.locator(f'.text [data-m~="{i}"]').first
    first.focus()
    assert "rhetoric" not in first.evaluate("el => getComputedStyle(el, '::after').content")
    assert first.evaluate("el => getComputedStyle(el, '::after').display") == "none"
    loaded.assert_clean(page.url)


def test_comparison_and_corpus_pages_load_clean(open_report, analyses):
    for name, html in (("compare.html", render_comparison(analyses)), ("corpus.html", render_corpus(analyses))):
        loaded = open_report(html, name)
        assert loaded.page.evaluate("() => window.__pwned") is None
        assert check_highlights(loaded, analyses) > 20
        assert loaded.page.evaluate("() => document.querySelectorAll('svg.chart').length") >= 3
        loaded.assert_clean(loaded.page.url)
    loaded = open_report(render_comparison(analyses, by="outlet"), "by-outlet.html")
    assert loaded.page.evaluate("() => window.__pwned") is None
    assert loaded.page.evaluate("() => document.querySelectorAll('.cols .col').length") == 2
    loaded.assert_clean(loaded.page.url)


def test_corpus_of_a_store_loads_clean(open_report, tmp_path):
    store_mod = pytest.importorskip("kzmedia.store", reason="the results store (kzmedia.store) is not built")
    path = tmp_path / "results.sqlite"
    with store_mod.Store(path) as store:
        store.run(F.make_pipeline(*F.FAKES), [Document.from_text(t, id=i, **m) for i, t, m in F.CORPUS])
    loaded = open_report(render_corpus(path, views=F.make_pipeline(*F.FAKES).views), "store.html")
    page = loaded.page
    assert page.evaluate("() => window.__pwned") is None
    assert page.evaluate("() => document.querySelectorAll('table.heat').length") == 6
    assert page.evaluate("() => document.querySelectorAll('.text[data-doc]').length") == 3
    # an evidence link leads to a row that exists
    href = page.get_attribute(".topev a[href^='#doc-']", "href")
    assert page.evaluate(f"() => !!document.getElementById('{href[1:]}')")
    loaded.assert_clean(page.url)


def test_seed_report_with_real_analyzers(open_report, seed_texts):
    from kzmedia import Pipeline

    pipe = Pipeline()
    analyses = [pipe.analyze(Document.from_file(p)) for p in seed_texts.values()]
    if not any(doc_view(0, a).marks for a in analyses):
        pytest.skip("the installed analyzers found nothing to highlight in the seed texts")
    analyses = [a for a in analyses if doc_view(0, a).marks]
    loaded = open_report(render_document_report(analyses), "seeds.html")
    assert check_highlights(loaded, analyses) > 0
    loaded.assert_clean(loaded.page.url)


#: the series charts as the browser drew them: per chart, per series its label, circles and polylines
SERIES_JS = """
() => Array.from(document.querySelectorAll('svg.chart.lines')).map(svg => ({
  ns: svg.namespaceURI, title: svg.getAttribute('aria-label'),
  box: [svg.getBBox().width, svg.getBBox().height],
  months: Array.from(svg.querySelectorAll(':scope > text.lbl[text-anchor=middle]')).map(t => [t.textContent, t.getBBox().x]),
  legend: Object.fromEntries(Array.from(svg.querySelectorAll(':scope > rect')).map(r =>
    [r.nextElementSibling.textContent, getComputedStyle(r).fill])),
  series: Array.from(svg.querySelectorAll('g.series')).map(g => ({
    label: g.querySelector(':scope > title').textContent,
    circles: Array.from(g.querySelectorAll('circle')).map(c => {
      c.scrollIntoView({block: 'center', inline: 'center'});  // elementFromPoint sees only the viewport
      const r = c.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
      const hit = document.elementFromPoint(x, y);
      return {title: c.querySelector('title').textContent, cx: +c.getAttribute('cx'), cy: +c.getAttribute('cy'),
              fill: getComputedStyle(c).fill, drawn: r.width > 0 && !!hit && (hit === c || c.contains(hit)
                                                                             || hit.tagName === 'circle')};
    }),
    lines: Array.from(g.querySelectorAll('polyline')).map(p => ({
      points: Array.from(p.points).map(pt => [pt.x, pt.y]), stroke: getComputedStyle(p).stroke,
      length: p.getTotalLength()})),
  })),
}))
"""


def test_the_time_series_chart_is_drawn_in_the_browser(open_report):
    """The corpus report's per-month line charts: real SVG in the page, a point per month with
    documents, a line only between consecutive months (a month without documents breaks it), one
    colour per label shared by line, points and legend, values those of the ``series`` table."""
    from kzmedia.tables import series_rows

    pipe = F.make_pipeline(*F.FAKES)
    dated = [("j1", F.CORPUS[0][1], {"date": "2024-01-10", "outlet": "A"}),
             ("f1", F.CORPUS[1][1], {"date": "2024-02-02", "outlet": "A"}),
             ("a1", F.CORPUS[2][1], {"date": "2024-04-20", "outlet": "B"})]  # nothing in March
    analyses = [pipe.analyze(Document.from_text(t, id=i, **m)) for i, t, m in dated]
    loaded = open_report(render_corpus(analyses), "series.html")
    charts = loaded.page.evaluate(SERIES_JS)
    assert charts, "no time-series chart in the corpus report"
    expected = {(r["analyzer"], r["label"], r["month"]): r["per_1000_words"]
                for r in series_rows([a.to_dict() for a in analyses], by=(), views=pipe.views)}
    pooled = [c for c in charts if c["box"][1] > 150]  # the pooled chart of each analyzer (the outlets' are smaller)
    assert {c["title"].split(":")[0] for c in pooled} == {a for a, _l, _m in expected}
    checked = 0
    for chart in pooled:
        analyzer = chart["title"].split(":")[0]
        assert chart["ns"] == "http://www.w3.org/2000/svg" and chart["box"][0] > 300
        months = [m for m, _x in chart["months"]]
        assert months == ["2024-01", "2024-02", "2024-03", "2024-04"]  # the empty month keeps its place
        xs = [x for _m, x in chart["months"]]
        assert xs == sorted(xs) and len(set(xs)) == 4
        for s in chart["series"]:
            colour = chart["legend"][s["label"]]
            assert [c["title"].split(", ")[1].split(":")[0] for c in s["circles"]] == ["2024-01", "2024-02", "2024-04"]
            for c in s["circles"]:
                assert c["drawn"] and c["fill"] == colour
                month = c["title"].split(", ")[1].split(":")[0]
                assert c["title"].endswith(f": {expected[(analyzer, s['label'], month)]:.3g} per 1,000 words")
                checked += 1
            by_value = sorted(s["circles"], key=lambda c: float(c["title"].split(": ")[1].split()[0]))
            assert [c["cy"] for c in by_value] == sorted((c["cy"] for c in by_value), reverse=True)  # higher = more
            # one line, January to February; April stands alone (March has no documents)
            assert len(s["lines"]) == 1 and s["lines"][0]["stroke"] == colour and s["lines"][0]["length"] > 0
            drawn_points = [v for pt in s["lines"][0]["points"] for v in pt]
            assert drawn_points == pytest.approx([v for c in s["circles"][:2] for v in (c["cx"], c["cy"])], abs=1e-3)
        assert len(set(chart["legend"].values())) == len(chart["legend"])  # a colour per label
    assert checked >= 6
    loaded.assert_clean(loaded.page.url)
