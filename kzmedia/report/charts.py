"""Inline SVG charts: horizontal bars, a network of relations, a monthly column chart, time-series lines.

Drawn on the server side as plain SVG markup (no script, no ``style`` attributes, so the page's
Content-Security-Policy can forbid both); every label is escaped.
"""

from __future__ import annotations

import math
import re
from html import escape


#: characters an HTML page cannot carry: NUL (the parser drops or replaces it) and lone surrogates
#: (not encodable in UTF-8); each becomes U+FFFD, one code point for one, so offsets still agree
UNSAFE_CHARS = re.compile("[\x00\ud800-\udfff]")


def esc(value) -> str:
    return escape(UNSAFE_CHARS.sub("\ufffd", str(value)), quote=True)


def _short(label: str, n: int = 28) -> str:
    return label if len(label) <= n else label[: n - 1] + "…"


def bar_chart(rows: list[tuple], *, css: str, title: str, width: int = 410,
              max_rows: int = 14, empty: str = "nothing found") -> str:
    """Rows ``(label, value, note[, weak])``; the note is printed after the bar (e.g. "3 hits");
    a weak row is drawn pale (a frame with evidence that is not counted as present)."""
    rows = [r for r in rows if r[1] > 0][:max_rows]
    if not rows:
        return f'<p class="empty">{esc(empty)}</p>'
    label_w, note_w, row_h = 185, 60, 20
    bar_w = width - label_w - note_w
    top = max(r[1] for r in rows) or 1.0
    h = row_h * len(rows) + 4
    parts = [f'<svg class="chart bars {esc(css)}" role="img" aria-label="{esc(title)}" '
             f'viewBox="0 0 {width} {h}" width="{width}" height="{h}" xmlns="http://www.w3.org/2000/svg">',
             f"<title>{esc(title)}</title>"]
    for i, row in enumerate(rows):
        label, value, note = row[:3]
        cls = "row weak" if len(row) > 3 and row[3] else "row"
        y = 2 + i * row_h
        w = max(1.0, bar_w * value / top)
        parts.append(
            f'<g class="{cls}"><title>{esc(label)}: {esc(note)}</title>'
            f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end" class="lbl">{esc(_short(label))}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row_h - 6}" class="bar"/>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + 14}" class="val">{esc(note)}</text></g>')
    parts.append("</svg>")
    return "".join(parts)


def network(nodes: list[tuple[str, str, int]], edges: list[tuple[str, str, int]], *, title: str,
            size: int = 300, max_nodes: int = 12) -> str:
    """Nodes ``(id, label, count)`` on a circle, edges ``(a, b, sentences)``; width ~ sentences."""
    nodes = sorted(nodes, key=lambda n: (-n[2], n[1]))[:max_nodes]
    ids = {n[0] for n in nodes}
    edges = [e for e in edges if e[0] in ids and e[1] in ids and e[0] != e[1]]
    if len(nodes) < 2 or not edges:
        return '<p class="empty">no relations</p>'
    width = size + 220  # room for the labels left and right of the circle
    cx, cy = width / 2, size / 2
    radius = size / 2 - 40
    pos = {}
    for i, (ident, _, _) in enumerate(nodes):
        angle = -math.pi / 2 + 2 * math.pi * i / len(nodes)
        pos[ident] = (cx + radius * math.cos(angle), cy + radius * math.sin(angle), angle)
    labels = {n[0]: n[1] for n in nodes}
    top_edge = max(e[2] for e in edges)
    top_node = max(n[2] for n in nodes) or 1
    parts = [f'<svg class="chart network" role="img" aria-label="{esc(title)}" viewBox="0 0 {width} {size}" '
             f'width="{width}" height="{size}" xmlns="http://www.w3.org/2000/svg"><title>{esc(title)}</title>']
    for a, b, n in sorted(edges, key=lambda e: e[2]):
        (x1, y1, _), (x2, y2, _) = pos[a], pos[b]
        w = 1 + 5 * n / top_edge
        parts.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke-width="{w:.1f}" '
                     f'class="edge"><title>{esc(labels[a])} — {esc(labels[b])}: {n} sentence(s)</title></line>')
    for ident, label, count in nodes:
        x, y, angle = pos[ident]
        r = 5 + 9 * math.sqrt(count / top_node)
        lx, ly = x + (r + 6) * math.cos(angle), y + (r + 6) * math.sin(angle)
        anchor = "start" if math.cos(angle) > 0.2 else "end" if math.cos(angle) < -0.2 else "middle"
        dy = 4 if abs(math.sin(angle)) < 0.9 else (12 if math.sin(angle) > 0 else -2)
        parts.append(f'<g class="node"><title>{esc(label)}: {count} mention(s)</title>'
                     f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}"/>'
                     f'<text x="{lx:.1f}" y="{ly + dy:.1f}" text-anchor="{anchor}">{esc(_short(label, 18))}</text></g>')
    parts.append("</svg>")
    return "".join(parts)


def columns(points: list[tuple[str, float]], *, title: str, width: int = 640, height: int = 140) -> str:
    """A column chart over ordered categories (months)."""
    if not points:
        return '<p class="empty">no dated documents</p>'
    top = max(v for _, v in points) or 1
    pad_b, pad_t, pad_x = 30, 14, 24
    step = (width - 2 * pad_x) / len(points)
    bw = max(2.0, step * 0.7)
    every = max(1, math.ceil(len(points) / 12))
    parts = [f'<svg class="chart cols" role="img" aria-label="{esc(title)}" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg"><title>{esc(title)}</title>']
    for i, (label, value) in enumerate(points):
        h = (height - pad_b - pad_t) * value / top
        x = pad_x + i * step + (step - bw) / 2
        y = height - pad_b - h
        parts.append(f'<g><title>{esc(label)}: {value:g}</title><rect class="bar" x="{x:.1f}" y="{y:.1f}" '
                     f'width="{bw:.1f}" height="{h:.1f}"/>')
        if value:
            parts.append(f'<text class="val" x="{x + bw / 2:.1f}" y="{y - 2:.1f}" '
                         f'text-anchor="middle">{value:g}</text>')
        if i % every == 0:
            parts.append(f'<text class="lbl" x="{x + bw / 2:.1f}" y="{height - 12}" text-anchor="middle">'
                         f'{esc(label)}</text>')
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


def lines(periods: list[str], series: list[tuple[str, list[float | None], str]], *, title: str, unit: str,
          width: int = 640, height: int = 170) -> str:
    """One line per series ``(label, value per period or None where nothing was measured, colour)``
    over ordered periods (months), all in one ``unit``; a legend below names each colour. The
    colour goes into a ``stroke`` presentation attribute (not a ``style``), so the page's policy holds."""
    series = [s for s in series if any(v for v in s[1] if v is not None)]
    if not periods or not series:
        return '<p class="empty">no dated findings</p>'
    top = max(v for _, vals, _ in series for v in vals if v is not None) or 1.0
    pad_l, pad_r, pad_t, pad_b = 40, 30, 22, 26
    legend_h = 16 * math.ceil(len(series) / 3)
    plot_h = height - pad_t - pad_b
    step = (width - pad_l - pad_r) / max(1, len(periods) - 1)
    every = max(1, math.ceil(len(periods) / 12))
    total_h = height + legend_h
    parts = [f'<svg class="chart lines" role="img" aria-label="{esc(title)}" viewBox="0 0 {width} {total_h}" '
             f'width="{width}" height="{total_h}" xmlns="http://www.w3.org/2000/svg"><title>{esc(title)}</title>',
             f'<text class="val" x="{pad_l - 4}" y="{pad_t + 4}" text-anchor="end">{top:.3g}</text>'
             f'<text class="val" x="{pad_l - 4}" y="{pad_t + plot_h}" text-anchor="end">0</text>'
             f'<text class="val" x="{pad_l + 4}" y="10">{esc(unit)}</text>'
             f'<line class="axis" x1="{pad_l}" y1="{pad_t + plot_h}" x2="{width - pad_r}" y2="{pad_t + plot_h}" '
             'stroke="#8c959f" stroke-width="1"/>']

    def xy(i: int, v: float) -> tuple[float, float]:
        x = pad_l + (i * step if len(periods) > 1 else (width - pad_l - pad_r) / 2)
        return x, pad_t + plot_h * (1 - v / top)

    for i, label in enumerate(periods):
        if i % every == 0:
            x, _ = xy(i, 0)
            parts.append(f'<text class="lbl" x="{x:.1f}" y="{height - 8}" text-anchor="middle">{esc(label)}</text>')
    for label, values, colour in series:
        colour = esc(colour)
        runs: list[list[tuple[float, float]]] = [[]]
        for i, v in enumerate(values):  # a period without documents breaks the line
            if v is None:
                runs.append([])
            else:
                runs[-1].append(xy(i, v))
        parts.append(f'<g class="series"><title>{esc(label)}</title>')
        for run in runs:
            if len(run) > 1:
                pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
                parts.append(f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for i, v in enumerate(values):
            if v is not None:
                x, y = xy(i, v)
                parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{colour}">'
                             f'<title>{esc(label)}, {esc(periods[i])}: {v:.3g} {esc(unit)}</title></circle>')
        parts.append("</g>")
    for k, (label, _, colour) in enumerate(series):
        x = pad_l + (k % 3) * (width - pad_l) / 3
        y = height + 16 * (k // 3)
        parts.append(f'<rect x="{x:.1f}" y="{y + 2}" width="10" height="10" fill="{esc(colour)}"/>'
                     f'<text class="lbl" x="{x + 14:.1f}" y="{y + 11}">{esc(_short(label, 30))}</text>')
    parts.append("</svg>")
    return "".join(parts)
