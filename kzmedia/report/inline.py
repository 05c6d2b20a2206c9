"""HTML fragments for notebooks: an analysis drawn inline by Jupyter (``Analysis._repr_html_``).

The report's pieces (:func:`~kzmedia.report.model.doc_view`, :func:`~kzmedia.report.model.segments`,
the per-label colours of :class:`~kzmedia.report.render.Layers`, :func:`~kzmedia.report.charts.esc`)
put into a fragment that needs no page: the colours are inline, there is no script, and every
string from the text or an analyzer is escaped, as in the report.
"""

from __future__ import annotations

from typing import Any

from .charts import esc
from .model import doc_view, segments
from .render import Layers

#: findings listed under the text before the rest are only counted
MAX_ROWS = 200


def analysis_html(analysis: Any, views=None) -> str:
    """The document's text with every finding highlighted (the colour of its layer and label, the
    details on hover), then a table of the findings: layer, label, span, text, score."""
    view = doc_view(0, analysis, views)
    layers = Layers([view])
    marks = view.marks
    parts = [f'<div class="kzmedia-analysis"><p><b>{esc(view.title)}</b> · {view.words} words · '
             + (" · ".join(f"{esc(n)}: {layers.totals[n]}" for n in layers.names) or "no findings")
             + (f' · <span style="color:#b42318">{len(view.errors)} error(s)</span>' if view.errors else "")
             + "</p>"]
    if view.text is not None:
        out = ['<div style="white-space:pre-wrap;line-height:1.7;font-family:Georgia,serif">']
        for a, b, covering in segments(view.text, marks):
            piece = esc(view.text[a:b])
            if not covering:
                out.append(piece)
                continue
            first = marks[covering[0]]
            tip = "\n".join(f"{marks[i].layer}: {marks[i].label}" for i in covering)
            underline = len({marks[i].layer for i in covering}) > 1
            style = f"background:{layers.colour(first.layer, first.label, 0.35)}" + (
                ";border-bottom:2px solid #24292f" if underline else "")
            out.append(f'<mark style="{style}" title="{esc(tip)}">{piece}</mark>')
        out.append("</div>")
        parts.append("".join(out))
    if marks:
        rows = "".join(
            f'<tr><td><span style="background:{layers.colour(m.layer, m.label, 0.45)}">{esc(m.layer)}</span></td>'
            f"<td>{esc(m.label)}</td><td>{m.start}–{m.end}</td><td>{esc(m.text)}</td>"
            f"<td>{'' if m.strength is None else f'{m.strength:.2f}'}</td></tr>" for m in marks[:MAX_ROWS])
        more = (f"<p>… and {len(marks) - MAX_ROWS} more findings (<code>analysis.to_pandas()</code> has "
                "them all)</p>" if len(marks) > MAX_ROWS else "")
        parts.append("<table><thead><tr><th>layer</th><th>label</th><th>span</th><th>text</th><th>score</th>"
                     f"</tr></thead><tbody>{rows}</tbody></table>{more}")
    for e in view.errors:
        parts.append(f"<p>! {esc(e.get('analyzer') or e.get('stage') or '')}: {esc(e.get('message', ''))}</p>")
    parts.append("</div>")
    return "".join(parts)
