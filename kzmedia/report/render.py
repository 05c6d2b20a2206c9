"""HTML for the three views (documents, comparison, corpus), one self-contained file each.

Safety model: every string that comes from an article, its metadata or an analyzer goes through
:func:`esc` (text nodes and quoted attributes); links are kept only for ``http(s)`` URLs. On top of
that, a Content-Security-Policy meta tag forbids every network request and every script
(``default-src 'none'; script-src 'none'``) and allows only our own ``<style>`` block by its hash,
so even a mistake in escaping could neither run code nor fetch anything. The page needs no
script: layer toggles are checkboxes read by CSS ``:has()``, hover/focus details are CSS
tooltips from ``data-tip-*`` attributes.
"""

from __future__ import annotations

import base64
import hashlib
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path

from . import charts
from .charts import UNSAFE_CHARS, esc
from ..metadata import date_of
from .panels import PanelFunctions, default_panels, panels_html
from .model import (CorpusSummary, DocView, Evidence, IndexRow, Mark, MarkTally, analyzers_of, comparison_rows,
                    outlet_of, safe_url, segments)

BASE_CSS = (Path(__file__).with_name("report.css")).read_text(encoding="utf-8")

#: how a layer is drawn, by its position in the legend: each layer has its own channel, so
#: layers combine on one piece of text; within a layer each label has its own colour
CHANNELS = ("background", "underline", "wavy underline", "overline", "dashed outline")
#: how many label colours a layer gets before the rest share the layer's last one
MAX_LABELS = 24
#: minimum-score thresholds offered by the filter (for layers whose scores all lie in [0, 1])
THRESHOLDS = (0.25, 0.5, 0.75)


class Layers:
    """The analyzers drawn on a page, their labels, CSS keys and colours (one object per page)."""

    def __init__(self, views: Iterable[DocView] | MarkTally = (), panels: PanelFunctions | None = None):
        #: the panel functions plugins registered, by analyzer (``kzmedia_register_report_panels``)
        self.panels = panels if panels is not None else default_panels()
        tally = views if isinstance(views, MarkTally) else MarkTally(views)
        self.names = tally.layers  # the pipeline's order
        self.labels: dict[str, list[str]] = {n: [] for n in self.names}
        for (layer, label), _n in sorted(tally.counts.items(), key=lambda kv: (-kv[1], kv[0])):
            self.labels[layer].append(label)
        self.counts = tally.counts
        self.totals = tally.totals
        # a layer is filterable by minimum score when every score it gives lies in [0, 1]
        self.scored = tally.scored

    def key(self, layer: str) -> str:
        return f"k{self.names.index(layer)}"

    def label_key(self, layer: str, label: str) -> str:
        j = self.labels[layer].index(label) if label in self.labels[layer] else MAX_LABELS
        return f"{self.key(layer)}-{min(j, MAX_LABELS)}"

    def channel(self, layer: str) -> str:
        return CHANNELS[min(self.names.index(layer), len(CHANNELS) - 1)]

    def colour(self, layer: str, label: str | None = None, alpha: float | None = None) -> str:
        i = self.names.index(layer)
        j = 0 if label is None else min(self.labels[layer].index(label) if label in self.labels[layer]
                                        else MAX_LABELS, MAX_LABELS)
        hue = (i * 83 + j * 137.508) % 360  # golden-angle steps: neighbouring labels differ most
        if alpha is not None:
            return f"hsla({hue:.0f},85%,55%,{alpha})"
        return f"hsl({hue:.0f},70%,40%)"

    def css(self) -> str:
        """Colours, the layer and label toggles, the score filter and the tooltips for this page."""
        out = []
        for i, layer in enumerate(self.names):
            k = self.key(layer)
            var = f"--c{min(i, len(CHANNELS) - 1)}"
            labels = self.labels[layer][:MAX_LABELS + 1]
            for label in labels:
                lk = self.label_key(layer, label)
                value = self.colour(layer, label, 0.33) if i == 0 else self.colour(layer, label)
                out.append(f".{lk} {{ {var}:{value}; }} .sw-{lk} {{ background:{self.colour(layer, label, 0.45)}; }}")
            out.append(f"svg.{k} .bar {{ fill:{self.colour(layer)}; }} mark.{k} {{ background:{self.colour(layer, None, 0.3)}; }}")
            out.append(f"body:has(#t-{k}:not(:checked)) .m.l-{k} {{ {var}:transparent; }}")
            for label in labels:
                lk = self.label_key(layer, label)
                out.append(f"body:has(#t-{lk}:not(:checked)) .m.{lk} {{ {var}:transparent; }}")
            if layer in self.scored:
                for t in THRESHOLDS:
                    below = [b for b in range(4) if (b + 1) / 4 <= t]
                    sel = ", ".join(f"body:has(#mc-{int(t * 100)}:checked) .m.s{k}-{b}" for b in below)
                    out.append(f"{sel} {{ {var}:transparent; }}")
        return "\n".join(out) + "\n" + self._tip_css()

    def _tip_css(self) -> str:
        """Tooltips list only the visible layers: one ``data-tip-KEY`` attribute per layer and, for
        every set of unticked layers, a rule that leaves those out — and hides the tooltip of a piece
        none of whose layers is visible (up to five layers; beyond, every layer's details show)."""
        from itertools import combinations

        keys = [self.key(n) for n in self.names]

        def content(visible):
            return " ".join(f"attr(data-tip-{k})" for k in visible) or '""'

        rules = [f".m:hover::after, .m:focus::after {{ content:{content(keys)}; }}"]
        if len(keys) > 5:
            return rules[0] + "\n"
        for n in range(1, len(keys) + 1):
            for hidden in combinations(keys, n):
                body = "body" + "".join(f":has(#t-{k}:not(:checked))" for k in hidden)
                visible = [k for k in keys if k not in hidden]
                rules.append(f"{body} .m:hover::after, {body} .m:focus::after {{ content:{content(visible)}; }}")
                only_hidden = "".join(f":not(.l-{k})" for k in visible)
                rules.append(f"{body} .m{only_hidden}::after {{ display:none; }}")
        return "\n".join(rules) + "\n"


def _version() -> str:
    from .. import __version__
    return __version__


def csp(css: str) -> str:
    """The page's policy: nothing from the network, no script, only this page's own style block."""
    digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii")
    return ("default-src 'none'; script-src 'none'; style-src 'sha256-" + digest + "'; img-src 'none'; "
            "font-src 'none'; connect-src 'none'; frame-src 'none'; object-src 'none'; base-uri 'none'; "
            "form-action 'none'")


def page(title: str, body: str, layers: Layers, *, legend: bool = True) -> str:
    css = BASE_CSS + layers.css()
    legend_part = legend_html(layers) if legend and layers.names else ""
    return ("<!DOCTYPE html>\n<html lang=\"ru\"><head><meta charset=\"utf-8\">"
            f"<meta http-equiv=\"Content-Security-Policy\" content=\"{csp(css)}\">"
            "<meta name=\"referrer\" content=\"no-referrer\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<meta name=\"generator\" content=\"kzmedia {esc(_version())}\">"
            f"<title>{esc(title)}</title><style>{css}</style></head>\n<body class=\"kz\">"
            f"<header class=\"top\"><h1>{esc(title)}</h1>{legend_part}</header>\n<main>{body}</main>\n"
            f"<footer>Generated by kzmedia {esc(_version())}. Every highlight is a span "
            "<code>text[start:end]</code> of the document; hover or focus (Tab) a highlight for details."
            "</footer></body></html>\n")


# --------------------------------------------------------------------------------------------
# Layers and the highlighted text
# --------------------------------------------------------------------------------------------

def legend_html(layers: Layers) -> str:
    """Per layer: a toggle, its channel and count, and a toggle with a colour per label; then the
    minimum-score filter when some layer's scores are confidences in [0, 1]."""
    items = []
    for layer in layers.names:
        k = layers.key(layer)
        labels = []
        for label in layers.labels[layer][:MAX_LABELS]:
            lk = layers.label_key(layer, label)
            labels.append(f'<label class="toggle lab" for="t-{lk}"><input type="checkbox" id="t-{lk}" checked> '
                          f'<span class="swatch sw-{lk}">{esc(label)}</span> '
                          f'<small>{layers.counts[(layer, label)]}</small></label>')
        more = len(layers.labels[layer]) - MAX_LABELS
        if more > 0:
            labels.append(f"<small>+{more} more labels (one colour)</small>")
        items.append(f'<details class="layer"><summary><label class="toggle" for="t-{k}">'
                     f'<input type="checkbox" id="t-{k}" checked> <span class="swatch sw-{k}-0">{esc(layer)}</span> '
                     f'<small>{layers.totals[layer]} · {esc(layers.channel(layer))}</small></label></summary>'
                     f'<div class="labels">{"".join(labels)}</div></details>')
    score = ""
    if layers.scored:
        options = [("0", "any", True)] + [(str(int(t * 100)), f"≥ {t:g}", False) for t in THRESHOLDS]
        score = ('<span class="minscore" role="radiogroup" aria-label="Minimum score">min score '
                 f'<small>({esc(", ".join(sorted(layers.scored)))})</small>: ' + "".join(
                     f'<label class="toggle" for="mc-{v}"><input type="radio" name="mc" id="mc-{v}"'
                     f'{" checked" if on else ""}> {esc(text)}</label>' for v, text, on in options) + "</span>")
    return f'<div class="legend" role="group" aria-label="Layers">Layers: {"".join(items)}{score}</div>'


def _text_html(s: str) -> str:
    # CR must survive the HTML parser's newline normalisation to keep DOM offsets == Python offsets.
    return esc_text(s).replace("\r", "&#13;")


def esc_text(s: str) -> str:
    return UNSAFE_CHARS.sub("\ufffd", s).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _tip(mark: Mark) -> str:
    bits = [f"{mark.layer}: {mark.label}"]
    bits += [f"  {k}: {v}" for k, v in mark.details if v != mark.label][:6]
    return "\n".join(bits)


def _clip(chunks: list[str], limit: int = 600) -> str:
    tip = "\n".join(chunks)
    return (tip if len(tip) <= limit else tip[: limit - 1] + "…") + "\n"


def _bucket(strength: float | None) -> int | None:
    return None if strength is None else min(3, max(0, int(strength * 4)))


def highlighted_text(view: DocView, layers: Layers) -> str:
    """The document text split at every span boundary; each piece carries, per layer covering it,
    the layer's class, the class of its first label (the colour) and of that mark's score band,
    and the indexes of its marks (``data-m``), so overlapping spans nest visually."""
    assert view.text is not None
    marks = view.marks
    out = [f'<div class="text" lang="ru" data-doc="{view.index}">']
    for a, b, covering in segments(view.text, marks):
        piece = _text_html(view.text[a:b])
        if not covering:
            out.append(piece)
            continue
        first: dict[str, Mark] = {}
        tips: dict[str, list[str]] = {}
        for i in covering:
            m = marks[i]
            first.setdefault(m.layer, m)
            tips.setdefault(layers.key(m.layer), []).append(_tip(m))
        classes = ["m"]
        for layer in layers.names:
            m = first.get(layer)
            if m is None:
                continue
            k = layers.key(layer)
            classes += [f"l-{k}", layers.label_key(layer, m.label)]
            band = _bucket(m.strength) if layer in layers.scored else None
            if band is not None:
                classes.append(f"s{k}-{band}")
        attrs = "".join(f' data-tip-{key}="{esc(_clip(chunks))}"' for key, chunks in tips.items())
        ids = " ".join(str(i) for i in covering)
        out.append(f'<span class="{" ".join(classes)}" data-m="{ids}" data-s="{a}" tabindex="0"'
                   f'{attrs}>{piece}</span>')
    out.append("</div>")
    return "".join(out)


def findings_table(view: DocView, layers: Layers, *, open_: bool = False) -> str:
    if not view.marks:
        return ""
    rows = []
    for m in view.marks:
        details = "; ".join(f"{k}: {v}" for k, v in m.details)
        rows.append(f'<tr><td><span class="swatch sw-{layers.label_key(m.layer, m.label)}">{esc(m.layer)}</span></td>'
                    f"<td>{esc(m.label)}</td><td class=\"num\">{m.start}–{m.end}</td>"
                    f"<td class=\"q\">{esc(m.text)}</td><td>{esc(details)}</td></tr>")
    return (f'<details class="findings"{" open" if open_ else ""}><summary>All {len(view.marks)} findings '
            "(layer, label, offsets, text, details)</summary><table><thead><tr><th>Layer</th><th>Label</th>"
            "<th>Span</th><th>Text</th><th>Details</th></tr></thead><tbody>" + "".join(rows)
            + "</tbody></table></details>")


# --------------------------------------------------------------------------------------------
# Per-document panels
# --------------------------------------------------------------------------------------------

def _number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.2f}"


def analyzer_panel(view: DocView, name: str, layers: Layers) -> str:
    """What one analyzer found in one document: findings per label, its profile (first grouped
    score), its other scores and a network of its relations."""
    css = layers.key(name) if name in layers.names else "plain"
    parts = []
    counts = view.label_counts(name)
    if counts:
        parts.append(charts.bar_chart([(label, n, str(n)) for label, n in counts], css=css,
                                      title=f"{name}: findings per label", empty="no findings"))
    prof = view.profile(name)
    if prof and sorted((g, int(v)) for g, v in prof[2] if v) == sorted(counts):
        prof = None  # the profile only repeats the findings per label
    if prof:
        pname, unit, rows = prof
        parts.append(f"<h4>{esc(pname)} <small>({esc(unit)})</small></h4>" + charts.bar_chart(
            [(g, v, _number(v)) for g, v in rows if v > 0], css=css, title=f"{name}: {pname} ({unit})",
            empty="nothing above zero"))
    plain = view.plain_scores(name)
    if plain:
        parts.append('<table class="scores">' + "".join(
            f'<tr><th scope="row">{esc(s.name)}</th><td class="num">{esc(_number(s.value))}</td>'
            f'<td>{esc(s.unit)}</td></tr>' for s in plain) + "</table>")
    pairs = view.relation_counts(name)
    if pairs:
        weight: Counter = Counter()
        for a, b, n in pairs:
            weight[a] += n
            weight[b] += n
        parts.append(charts.network([(k, k, n) for k, n in weight.items()], pairs,
                                    title=f"{name}: relations"))
    if not parts:
        parts.append('<p class="empty">nothing found</p>')
    if layers.panels.get(name) and name in view.models:
        parts.append(panels_html(view.models[name], layers.panels[name]))
    return f'<section class="panel" data-panel="{esc(name)}"><h3>{esc(name)}</h3>{"".join(parts)}</section>'


def side_panels(view: DocView, layers: Layers) -> str:
    return "".join(analyzer_panel(view, name, layers) for name in view.models)


def doc_meta(view: DocView) -> str:
    bits = []
    for key in ("outlet", "date", "author"):
        if view.meta.get(key):
            bits.append(f"<span>{esc(key)}: {esc(view.meta[key])}</span>")
    bits.append(f"<span>{view.words} words</span>")
    url = safe_url(view.meta.get("url"))
    if url:
        bits.append(f'<a href="{esc(url)}" rel="noopener noreferrer" target="_blank">source</a>')
    counts = view.layer_counts()
    bits += [f"<span>{esc(k)}: {n}</span>" for k, n in counts.items()]
    return f'<p class="meta">{" · ".join(bits)}</p>'


def problems(view: DocView) -> str:
    out = []
    for e in view.errors:
        who = e.get("analyzer") or e.get("stage") or "error"
        out.append(f'<li>{esc(who)}: {esc(e.get("message", ""))}</li>')
    if view.unplaced:
        out.append(f"<li>{len(view.unplaced)} span(s) did not match the text at their offsets and are not "
                   "highlighted (listed in the findings table of the analyzer's JSON)</li>")
    return f'<ul class="problems">{"".join(out)}</ul>' if out else ""


def document_section(view: DocView, layers: Layers) -> str:
    head = (f'<section class="doc" id="{view.anchor}"><h2>{esc(view.title)}</h2>'
            + (f'<p class="docid">{esc(view.id)}</p>' if view.title != view.id else "")
            + doc_meta(view) + problems(view))
    if view.text is not None:
        body = (f'<div class="docgrid"><article>{highlighted_text(view, layers)}</article>'
                f'<aside>{side_panels(view, layers)}</aside></div>' + findings_table(view, layers))
    elif not view.results:  # the document itself failed (unreadable, empty): the problems say why
        body = ""
    else:
        body = ('<p class="note">The text is not stored with these results: findings are listed with their '
                f'offsets.</p><div class="panels">{side_panels(view, layers)}</div>' + findings_table(view, layers, open_=True))
    return head + body + "</section>"


def render_documents(views: list[DocView], title: str | None = None, *,
                     panels: PanelFunctions | None = None) -> str:
    layers = Layers(views, panels)
    nav = ""
    if len(views) > 1:
        nav = '<nav class="toc"><ol>' + "".join(
            f'<li><a href="#{v.anchor}">{esc(v.title)}</a></li>' for v in views) + "</ol></nav>"
    body = nav + "".join(document_section(v, layers) for v in views)
    if not views:
        body = '<p class="empty">no documents</p>'
    if not title:
        title = f"kzmedia report: {views[0].title}" if len(views) == 1 else f"kzmedia report: {len(views)} documents"
    return page(title, body, layers)


# --------------------------------------------------------------------------------------------
# Comparison
# --------------------------------------------------------------------------------------------

def _mini_bar(value: float, top: float) -> str:
    w = 0 if top <= 0 else 60 * value / top
    return (f'<svg class="mini" viewBox="0 0 60 10" width="60" height="10" aria-hidden="true">'
            f'<rect class="bar" x="0" y="1" width="{w:.1f}" height="8"/></svg>')


def _unit_of_rows(views: list[DocView], name: str) -> str:
    if any(v.label_counts(name) for v in views):
        return "findings per 1000 words"
    prof = next((v.profile(name) for v in views if v.profile(name)), None)
    return f"{prof[0]}, {prof[1]}" if prof else "nothing to compare"


def differences_table(dim: str, rows: list[dict], views: list[DocView], limit: int = 15) -> str:
    """One analyzer's labels (or profile groups) across the documents, biggest difference first."""
    name, unit = dim, _unit_of_rows(views, dim)
    if not rows:
        return f'<section class="diff"><h3>{name}</h3><p class="empty">nothing in any document</p></section>'
    head = "".join(f"<th>{esc(v.title)}</th>" for v in views)
    body = []
    for r in rows[:limit]:
        top = max(r["values"])
        cells = "".join(f'<td class="num">{_mini_bar(x, top)} {x:.1f}</td>' for x in r["values"])
        body.append(f'<tr><th scope="row">{esc(r["label"])}</th>{cells}'
                    f'<td class="num spread">{r["spread"]:.1f}</td></tr>')
    more = f'<p class="note">{len(rows) - limit} more not shown</p>' if len(rows) > limit else ""
    return (f'<section class="diff" data-dim="{esc(dim)}"><h3>{esc(name)} '
            f'<small>({esc(unit)}; biggest difference first)</small></h3>'
            f'<table><thead><tr><th></th>{head}<th>difference</th></tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table>{more}</section>')


def render_comparison_views(views: list[DocView], title: str | None = None, *, sections=None,
                            panels: PanelFunctions | None = None) -> str:
    layers = Layers(views, panels)
    rows = comparison_rows(views)
    names = analyzers_of(views)
    has_text = {v.index for v in views if v.text is not None or v.marks}

    def target(v):
        return v.anchor if v.index in has_text else f"col-{v.index}"

    summary = "".join(
        f'<tr><th scope="row"><a href="#{target(v)}">{esc(v.title)}</a></th><td class="num">{v.words}</td>'
        + "".join(f'<td>{esc(", ".join(v.top_labels(n)) or "—")}</td>' for n in names) + "</tr>" for v in views)
    overview = ('<section class="summary"><h2>Documents</h2><table><thead><tr><th>Document</th><th>Words</th>'
                + "".join(f"<th>{esc(n)}: top labels</th>" for n in names)
                + f'</tr></thead><tbody>{summary}</tbody></table></section>')
    diffs = '<section class="diffs"><h2>Differences</h2>' + "".join(
        differences_table(n, rows[n], views) for n in names) + "</section>"
    diffs += section_blocks(sections or {})
    cols = "".join(f'<div class="col" id="col-{v.index}"><h3>'
                   + (f'<a href="#{v.anchor}">{esc(v.title)}</a>' if v.index in has_text else esc(v.title))
                   + f'</h3>{side_panels(v, layers)}</div>' for v in views)
    side = f'<section class="side"><h2>Side by side</h2><div class="cols n{min(len(views), 4)}">{cols}</div></section>'
    with_text = [v for v in views if v.text is not None or v.marks]
    texts = ('<section class="texts"><h2>Texts</h2>' + "".join(document_section(v, layers) for v in with_text)
             + "</section>") if with_text else ""
    title = title or "kzmedia comparison: " + " vs ".join(v.title for v in views[:4])
    return page(title, overview + diffs + side + texts, layers)


def section_blocks(sections: Mapping[str, Iterable[str]]) -> str:
    """What plugins add to a comparison (``kzmedia_register_compare_sections``): analyzer → lines."""
    return "".join(f'<section class="diff" data-section="{esc(n)}"><h3>{esc(n)}</h3><pre>'
                   + esc_text("\n".join(lines)) + "</pre></section>" for n, lines in sections.items())


def render_group_comparison_view(comparison, top: int = 20) -> str:
    """A :class:`kzmedia.comparison.GroupComparison` as a page: the groups, the method, and every
    row in the units of the terminal and the CSV (rates per 1,000 words; scores in their own unit)."""
    method = comparison.method()
    groups = "".join(f'<tr><th scope="row">{esc(g)}</th><td class="num">{n}</td>'
                     f'<td class="num">{comparison.words[g]}</td></tr>' for g, n in comparison.groups.items())
    hidden = "".join(f"<li>{esc(g)}: {n} documents, fewer than {comparison.min_docs}: not compared</li>"
                     for g, n in comparison.hidden.items())
    cols = ("analyzer", "kind", "name", "unit", "group_a", "docs_a", "present_a", "mean_a", "low_a", "high_a",
            "group_b", "docs_b", "present_b", "mean_b", "low_b", "high_b", "log2_ratio", "g2", "p", "q")
    heads = {"present_a": "% docs A", "present_b": "% docs B", "low_a": "CI low", "high_a": "CI high",
             "low_b": "CI low", "high_b": "CI high"}
    rows = "".join(
        "<tr>" + "".join(f'<td class="num">{esc(_fmt_cell(r.get(c)))}</td>' if isinstance(r.get(c), (int, float))
                         else f"<td>{esc(_fmt_cell(r.get(c)))}</td>" for c in cols) + "</tr>"
        for r in comparison.rows)
    body = (f'<section class="summary"><h2>Groups</h2><table><thead><tr><th>Group</th><th>Documents</th>'
            f'<th>Words</th></tr></thead><tbody>{groups}</tbody></table>'
            + (f"<ul>{hidden}</ul>" if hidden else "")
            + f'<p class="note">Rates per 1,000 words (scores in their own unit), mean over documents with a '
            f'{esc(method["interval"])}; % docs = documents where present; p by {esc(method["test"])}, '
            f'q = {esc(method["correction"])}; effect = {esc(method["effect"])}.</p></section>'
            f'<section class="diffs"><h2>Measures, smallest q first</h2><table><thead><tr>'
            + "".join(f"<th>{esc(heads.get(c, c))}</th>" for c in cols)
            + f"</tr></thead><tbody>{rows}</tbody></table></section>"
            + section_blocks({n: s.lines(top) for n, s in getattr(comparison, "sections", {}).items()}))
    title = "kzmedia comparison: " + " vs ".join(comparison.groups)
    return page(title, body, Layers([]), legend=False)


def _fmt_cell(v) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:.3g}" if v and abs(v) < 0.01 else f"{v:.2f}"
    return str(v)


def _fmt_opt(x: float | None) -> str:
    return "—" if x is None else f"{x:.1f}"


# --------------------------------------------------------------------------------------------
# Corpus
# --------------------------------------------------------------------------------------------

def _heat_class(value: float, top: float) -> str:
    if not value or top <= 0:
        return "h0"
    return f"h{max(1, min(5, math.ceil(5 * value / top)))}"


def heatmap(dim: str, table: dict[str, Counter], columns: list[str], *, col_title: str, limit: int = 15) -> str:
    totals = Counter()
    for col in columns:
        totals.update(table.get(col, Counter()))
    items = [k for k, _ in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]]
    if not items or not columns:
        return '<p class="empty">nothing to show</p>'
    top = max((table.get(c, Counter()).get(i, 0) for c in columns for i in items), default=0)
    head = "".join(f"<th>{esc(c)}</th>" for c in columns)
    body = []
    for item in items:
        cells = "".join(
            f'<td class="num {_heat_class(n, top)}">{n or ""}</td>'
            for n in (table.get(c, Counter()).get(item, 0) for c in columns))
        body.append(f'<tr><th scope="row">{esc(item)}</th>{cells}<td class="num total">{totals[item]}</td></tr>')
    return (f'<div class="scroll"><table class="heat" data-dim="{dim}"><thead><tr><th>{esc(col_title)}</th>{head}'
            f'<th>total</th></tr></thead><tbody>{"".join(body)}</tbody></table></div>')


def top_evidence(summary: CorpusSummary, layers: Layers, *, items: int = 12) -> str:
    """Per layer, its ``items`` most frequent labels, each with its strongest findings in context."""
    out = []
    for layer in layers.names:
        ranked = [label for label in layers.labels[layer][:items]]
        if not ranked:
            continue
        out.append(f'<h3>{esc(layer)}</h3><dl class="evidence">')
        for label in ranked:
            lis = "".join(f'<li>{_kwic(e, layers)} '
                          + (f'<a href="#{e.doc.anchor}">{esc(e.doc.title)}</a>' if e.doc.index < summary.max_index
                             else esc(e.doc.title))
                          + f'{_ext_link(e.doc)}</li>' for e in summary.evidence(layer, label))
            out.append(f"<dt>{esc(label)} <small>({layers.counts[(layer, label)]})</small></dt><dd><ul>{lis}</ul></dd>")
        out.append("</dl>")
    return "".join(out) or '<p class="empty">no findings</p>'


def _kwic(e: Evidence, layers: Layers) -> str:
    key = f'<mark class="{layers.key(e.mark.layer)}">{esc(e.mark.text or "")}</mark>'
    if e.before is None:
        return f"<q>{key}</q>"
    pre = re.sub(r"\s+", " ", e.before)
    post = re.sub(r"\s+", " ", e.after)
    return f'<q>…{esc(pre)}{key}{esc(post)}…</q>'


def _ext_link(v: DocView) -> str:
    url = safe_url(v.meta.get("url"))
    return f' <a href="{esc(url)}" rel="noopener noreferrer" target="_blank">↗</a>' if url else ""


def render_corpus_views(views: Iterable[DocView] | CorpusSummary, title: str | None = None, *,
                        max_texts: int = 25, source: str | None = None, max_index: int = 2000,
                        by: str = "outlet", panels: PanelFunctions | None = None) -> str:
    """The corpus page. ``views`` may be a stream: each view is folded into a
    :class:`~kzmedia.report.model.CorpusSummary` and dropped (unless the corpus is small enough
    for its texts to be shown), so the memory needed does not grow with the corpus. ``by``: the
    groups of the tables and charts that are per outlet by default (ignored for a summary, which
    was gathered with its own)."""
    summary = views if isinstance(views, CorpusSummary) else CorpusSummary(views, max_texts=max_texts,
                                                                          max_index=max_index, by=by)
    by = summary.by
    layers = Layers(summary.tally, panels)
    names = summary.analyzers
    by_month, by_outlet = summary.by_month, summary.by_outlet
    docs_per_month, docs_per_outlet = summary.docs_per_month, summary.docs_per_outlet
    months = _month_range(sorted(docs_per_month))
    period = "month"
    if len(months) > 36:  # a long span reads better by year
        period = "year"
        docs_per_month = _to_years(docs_per_month)
        by_month = {dim: {y: c for y, c in _to_years_table(t).items()} for dim, t in by_month.items()}
        first, last = min(docs_per_month), max(docs_per_month)
        months = [str(y) for y in range(int(first), int(last) + 1)]
    outlets = [o for o, _ in sorted(docs_per_outlet.items(), key=lambda kv: (-kv[1], kv[0]))][:20]
    n_docs = summary.documents
    texts = summary.views if n_docs <= summary.max_texts else None
    dated = sum(docs_per_month.values())
    rates = time_series(summary, names, layers, outlets)
    parts = [f'<section class="summary"><h2>Corpus</h2><p>{n_docs} documents · {summary.words} words · '
             f'{len(docs_per_outlet)} {esc(by)}(s) · {dated} dated document(s)'
             + (f" · {n_docs - dated} undated (left out of the counts over time)" if dated < n_docs else "")
             + (f" · {summary.failed} document(s) with errors" if summary.failed else "")
             + (f" · source: <code>{esc(source)}</code>" if source else "") + "</p>"]
    parts.append(charts.columns([(m, docs_per_month.get(m, 0)) for m in months], title=f"Documents per {period}"))
    parts.append(charts.bar_chart([(o, docs_per_outlet[o], str(docs_per_outlet[o])) for o in outlets],
                                  css="outlets", title=f"Documents per {by}", max_rows=20))
    parts.append("</section>")
    for dim in names:
        parts.append(f'<section class="dim" data-dim="{esc(dim)}"><h2>{esc(dim)} <small>(findings per label)</small></h2>'
                     f'<h3>Over time</h3>{heatmap(dim, by_month.get(dim, {}), months, col_title=period)}'
                     f'<h3>Per 1,000 words over time</h3>{rates.get(dim, "")}'
                     f'<h3>By {esc(by)}</h3>{heatmap(dim, by_outlet.get(dim, {}), outlets, col_title=by)}</section>')
    parts.append(f'<section class="topev"><h2>Top evidence</h2>{top_evidence(summary, layers)}</section>')
    rows = "".join(
        f'<tr id="{r.anchor}"><td>{esc(r.title)}{_ext_link(r)}</td><td>{esc(_date(r))}</td>'
        f'<td>{esc(outlet_of(r.meta) or "")}</td><td class="num">{r.words}</td>'
        + "".join(f'<td>{esc(", ".join(r.top_labels(n)))}</td>' for n in names)
        + f'<td>{esc("; ".join(r.errors))}</td>'
        + (f'<td><a href="#text-{r.index}">text</a></td>' if r.has_text and texts is not None else "<td></td>")
        + "</tr>" for r in summary.rows)
    if n_docs > len(summary.rows):
        rows += (f'<tr><td colspan="{len(names) + 6}" class="note">{n_docs - len(summary.rows)} more documents '
                 'not listed</td></tr>')
    parts.append('<section class="index"><h2>Documents</h2><div class="scroll"><table><thead><tr><th>Document</th>'
                 '<th>Date</th><th>Outlet</th><th>Words</th>'
                 + "".join(f"<th>{esc(n)}: top labels</th>" for n in names)
                 + '<th>Errors</th><th></th></tr></thead>'
                 f'<tbody>{rows}</tbody></table></div></section>')
    with_text = [v for v in texts or () if v.text is not None]
    if with_text:
        parts.append('<section class="texts"><h2>Texts</h2>')
        for v in with_text:
            parts.append(document_section(v, layers).replace(f'id="{v.anchor}"', f'id="text-{v.index}"', 1))
        parts.append("</section>")
    title = title or f"kzmedia corpus report: {n_docs} documents"
    return page(title, "".join(parts), layers, legend=bool(with_text))


def _date(v: DocView | IndexRow) -> str:
    """The document's date under the metadata rules in force (the tables' rule), ISO, or empty."""
    d = date_of(v.meta, v.id)
    return d.isoformat() if d else ""


#: labels drawn per analyzer in the time-series chart, outlets given their own small chart
SERIES_LABELS, SERIES_OUTLETS = 6, 4


def time_series(summary: CorpusSummary, names: list[str], layers: Layers, outlets: list[str]) -> dict[str, str]:
    """Per analyzer, line charts of its most frequent labels' findings per 1,000 words per month:
    the corpus pooled, then the largest outlets or ``--by`` groups (the ``series`` table of
    :mod:`kzmedia.tables`, tallied by the same code as the documents came, so the chart and
    ``kzmedia export --table series`` agree)."""
    by = summary.by
    pooled = summary.series.rows()
    months = _month_range(sorted({r["month"] for r in pooled}))
    by_outlet = summary.series_by_group.rows() if len(outlets) > 1 else []
    unit = "per 1,000 words"
    out = {}
    for dim in names:
        rows = [r for r in pooled if r["analyzer"] == dim]
        totals: Counter = Counter()
        for r in rows:
            totals[r["label"]] += r["findings"]
        top = [label for label, n in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))[:SERIES_LABELS] if n]

        def drawn(rows, height=170):
            at = {(r["label"], r["month"]): r["per_1000_words"] for r in rows}
            lines = [(label, [at.get((label, m)) for m in months],
                      layers.colour(dim, label) if dim in layers.names else "#6e7781") for label in top]
            return charts.lines(months, lines, title=f"{dim}: findings per 1,000 words per month", unit=unit,
                                height=height)

        html = [drawn(rows)]
        for outlet in outlets[:SERIES_OUTLETS]:
            mine = [r for r in by_outlet if r["analyzer"] == dim
                    and ("(unknown)" if r[by] is None else str(r[by])) == outlet]
            if mine:
                html.append(f"<h4>{esc(outlet)}</h4>{drawn(mine, height=120)}")
        out[dim] = "".join(html)
    return out


def _to_years(counter: Counter) -> Counter:
    out: Counter = Counter()
    for month, n in counter.items():
        out[month[:4]] += n
    return out


def _to_years_table(table: dict[str, Counter]) -> dict[str, Counter]:
    out: dict[str, Counter] = defaultdict(Counter)
    for month, c in table.items():
        out[month[:4]].update(c)
    return out


def _month_range(months: list[str]) -> list[str]:
    """Every month from the first to the last (gaps show as empty columns), capped at 120."""
    if not months:
        return []
    y, m = map(int, months[0].split("-"))
    y2, m2 = map(int, months[-1].split("-"))
    out = []
    while (y, m) <= (y2, m2) and len(out) < 120:
        out.append(f"{y:04d}-{m:02d}")
        m += 1
        if m > 12:
            y, m = y + 1, 1
    return out
