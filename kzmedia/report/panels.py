"""Report panels plugins contribute (``kzmedia_register_report_panels``): data, drawn and escaped here.

A plugin's panel function gets its analyzer's :class:`~kzmedia.results.ResultModel` for one
document and returns :class:`Panel` objects — a title, column names and rows of cells — which the
report draws as a table after the analyzer's generic panel. Panels are data rather than HTML so
that every cell is escaped (a document's text cannot break the page or its Content-Security-Policy)
and so that the page keeps one look.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs

from .charts import esc

__all__ = ["Panel", "PanelFunctions", "default_panels", "panels_html"]

#: analyzer name → the panel functions plugins registered for it
PanelFunctions = Mapping[str, Sequence[Callable[[Any], Any]]]

#: rows drawn per panel; a longer panel says how many more there are
MAX_ROWS = 50


def _cells(rows) -> tuple[tuple, ...]:
    return tuple(tuple(r) for r in rows)


@attrs.frozen
class Panel:
    """A table for the report: ``title``, ``columns`` (names) and ``rows`` (cells: text or
    numbers); ``note``, a line under it (what the rows are, where they come from)."""

    title: str
    columns: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    rows: tuple[tuple, ...] = attrs.field(default=(), converter=_cells)
    note: str | None = None


def default_panels(pm=None) -> dict[str, list]:
    """The panel functions of the installed plugins (or of ``pm``); none when plugins cannot be
    loaded (the generic panels still draw the report)."""
    from ..plugins import collect_report_panels, default_plugin_manager

    try:
        return collect_report_panels(pm if pm is not None else default_plugin_manager())
    except Exception:
        return {}


def _cell(v) -> str:
    if isinstance(v, float):
        return f"{v:.2f}"
    return "" if v is None else str(v)


def _panel_html(panel: Panel) -> str:
    head = f"<h4>{esc(panel.title)}</h4>"
    if not panel.rows:
        return head + '<p class="empty">nothing to show</p>'
    shown = panel.rows[:MAX_ROWS]
    cols = "".join(f'<th scope="col">{esc(c)}</th>' for c in panel.columns)
    body = "".join("<tr>" + "".join(f"<td>{esc(_cell(v))}</td>" for v in row) + "</tr>" for row in shown)
    more = len(panel.rows) - len(shown)
    foot = f'<p class="note">{more} more not shown</p>' if more > 0 else ""
    note = f'<p class="note">{esc(panel.note)}</p>' if panel.note else ""
    return f'{head}<table class="scores plugin-panel">' + (f"<tr>{cols}</tr>" if cols else "") + \
        f"{body}</table>{foot}{note}"


def panels_html(model, functions: Sequence[Callable[[Any], Any]]) -> str:
    """The HTML of every panel ``functions`` make of one analyzer's model on one document; a
    panel function that fails is named in place, and the rest of the report is drawn."""
    out = []
    for fn in functions:
        try:
            made = fn(model)
        except Exception as e:
            name = getattr(fn, "__qualname__", repr(fn))
            out.append(f'<p class="empty">panel {esc(name)} failed: {esc(type(e).__name__)}: {esc(e)}</p>')
            continue
        if made is None:
            continue
        for panel in [made] if isinstance(made, Panel) else made:
            if not isinstance(panel, Panel):
                out.append(f'<p class="empty">a panel function returned {esc(type(panel).__name__)}, '
                           "not a kzmedia.report.Panel</p>")
                continue
            out.append(_panel_html(panel))
    return "".join(out)
