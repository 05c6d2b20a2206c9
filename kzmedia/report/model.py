"""What the report shows, as plain data: documents, their marks (highlightable spans) and profiles.

Analyzer results arrive as JSON dicts whose shape is owned by each analyzer; everything here is
defensive (a missing analyzer, key or a malformed span is skipped and counted, never fatal), so a
report can always be drawn, even from an old store or a third-party plugin's output.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from ..metadata import month_of, outlet_of  # one rule for the report and the tables (re-exported)

#: the built-in layers, in legend order; any other analyzer with a ``findings`` list becomes a layer too
KNOWN_LAYERS = ("framing", "actors", "rhetoric")
LAYER_TITLES = {"framing": "Frames", "actors": "Actors", "rhetoric": "Rhetoric"}


@attrs.frozen
class Mark:
    """One highlightable span: ``text[start:end]`` of the document, on a layer, with a label."""

    layer: str
    start: int
    end: int
    text: str
    label: str
    details: tuple[tuple[str, str], ...] = ()
    strength: float | None = None  # weight / confidence, to rank evidence


@attrs.define
class DocView:
    """One document as the report sees it (the text may be absent when read from a store)."""

    index: int
    id: str
    text: str | None
    meta: dict
    words: int
    results: dict[str, dict]
    errors: list[dict]
    marks: list[Mark] = attrs.field(factory=list)
    unplaced: list[Mark] = attrs.field(factory=list)  # spans that do not match the text

    @property
    def anchor(self) -> str:
        return f"doc-{self.index}"

    @property
    def title(self) -> str:
        t = self.meta.get("title")
        return str(t) if t else self.id

    # -- profiles ---------------------------------------------------------------------------
    def frames(self) -> list[dict]:
        """``[{id, kind, score, hits, share, present}]`` in the analyzer's order."""
        out = []
        for f in _list(_dict(self.results.get("framing")).get("frames")):
            if not isinstance(f, Mapping) or f.get("id") is None:
                continue
            evidence = _list(f.get("evidence"))
            out.append({"id": str(f["id"]), "kind": str(f.get("kind") or ""),
                        "score": _num(f.get("score")), "hits": int(_num(f.get("hits"), len(evidence))),
                        "share": _num(f.get("share")), "present": bool(f.get("present", True))})
        return out

    def dominant_frame(self) -> str | None:
        dom = _dict(self.results.get("framing")).get("dominant")
        if isinstance(dom, list):
            dom = dom[0] if dom else None
        if isinstance(dom, Mapping):
            dom = dom.get("id")
        return str(dom) if dom else None

    def actors(self) -> list[dict]:
        """``[{id, name, kind, count, tone}]`` by count, most mentioned first."""
        out = []
        for a in _list(_dict(self.results.get("actors")).get("actors")):
            if not isinstance(a, Mapping):
                continue
            ident = a.get("id") if a.get("id") is not None else a.get("name")
            if ident is None:
                continue
            count = a.get("count")
            if count is None:
                count = len(_list(a.get("mentions")))
            tone = a.get("tone")
            out.append({"id": str(ident), "name": str(a.get("name") or ident), "kind": str(a.get("kind") or ""),
                        "count": int(_num(count)), "tone": _tone_text(tone)})
        out.sort(key=lambda a: (-a["count"], a["name"]))
        return out

    def cooccurrence(self) -> list[tuple[str, str, int]]:
        out = []
        for c in _list(_dict(self.results.get("actors")).get("cooccurrence")):
            if not isinstance(c, Mapping) or c.get("a") is None or c.get("b") is None:
                continue
            n = c.get("sentences", c.get("count", 1))
            n = len(n) if isinstance(n, (list, tuple)) else int(_num(n, 1))
            if n > 0:
                out.append((str(c["a"]), str(c["b"]), n))
        return out

    def techniques(self) -> list[tuple[str, int]]:
        """``[(technique, count)]``, most frequent first (from the profile, else from the findings)."""
        rhet = _dict(self.results.get("rhetoric"))
        by = _dict(_dict(rhet.get("profile")).get("by_technique"))
        counts: Counter = Counter()
        if by:
            for k, v in by.items():
                counts[str(k)] = int(_num(v.get("count") if isinstance(v, Mapping) else v))
        else:
            for f in _list(rhet.get("findings")):
                if isinstance(f, Mapping) and f.get("technique"):
                    counts[str(f["technique"])] += 1
        return sorted(((k, v) for k, v in counts.items() if v > 0), key=lambda kv: (-kv[1], kv[0]))

    def technique_density(self) -> float | None:
        per = _dict(_dict(self.results.get("rhetoric")).get("profile")).get("per_1000_words")
        if isinstance(per, (int, float)):
            return float(per)
        total = sum(n for _, n in self.techniques())
        return 1000.0 * total / self.words if self.words else None

    def layer_counts(self) -> dict[str, int]:
        return dict(Counter(m.layer for m in self.marks))


# --------------------------------------------------------------------------------------------
# Building views
# --------------------------------------------------------------------------------------------

def doc_views(analyses: Iterable[Any]) -> list[DocView]:
    """Accepts :class:`kzmedia.Analysis` objects or their ``to_dict()`` dicts (optionally with a
    ``"text"`` key beside ``"document"``)."""
    return [doc_view(i, a) for i, a in enumerate(analyses)]


def doc_view(index: int, analysis: Any) -> DocView:
    text = None
    if isinstance(analysis, Mapping):
        data = analysis
        text = analysis.get("text")
        if text is None:
            text = _dict(analysis.get("document")).get("text")
    else:
        data = analysis.to_dict()
        doc = getattr(analysis, "document", None)
        if doc is not None:
            text = doc.text
    info = _dict(data.get("document"))
    results = {str(k): dict(v) for k, v in _dict(data.get("results")).items() if isinstance(v, Mapping)}
    view = DocView(index=index, id=str(info.get("id", f"document {index + 1}")),
                   text=text if isinstance(text, str) else None, meta=_dict(info.get("meta")),
                   words=int(_num(info.get("words"))), results=results,
                   errors=[e for e in _list(data.get("errors")) if isinstance(e, Mapping)])
    for mark in extract_marks(results):
        if _placeable(mark, view.text):
            view.marks.append(mark)
        else:
            view.unplaced.append(mark)
    view.marks.sort(key=lambda m: (m.start, -m.end, m.layer, m.label))
    return view


def _placeable(m: Mark, text: str | None) -> bool:
    if m.start < 0 or m.end <= m.start:
        return False
    if text is None:
        return True
    return m.end <= len(text) and (not m.text or text[m.start:m.end] == m.text)


def extract_marks(results: Mapping[str, Mapping]) -> list[Mark]:
    """Every span of every analyzer, as :class:`Mark` objects (malformed ones are dropped)."""
    out: list[Mark] = []
    for name, res in results.items():
        if name == "framing":
            for f in _list(res.get("frames")):
                if not isinstance(f, Mapping):
                    continue
                for ev in _list(f.get("evidence")):
                    if not isinstance(ev, Mapping):
                        continue
                    m = _mark("framing", ev, str(f.get("id")), [
                        ("frame", f.get("id")), ("kind", f.get("kind")), ("entry", ev.get("entry")),
                        ("weight", ev.get("weight")), ("negated", ev.get("negated"))], "weight")
                    if m:
                        out.append(m)
        elif name == "actors":
            for a in _list(res.get("actors")):
                if not isinstance(a, Mapping):
                    continue
                label = str(a.get("name") or a.get("id"))
                for mt in _list(a.get("mentions")):
                    if not isinstance(mt, Mapping):
                        continue
                    m = _mark("actors", mt, label, [
                        ("actor", label), ("kind", a.get("kind")), ("form", mt.get("form")),
                        ("role", mt.get("role")), ("tone", _tone_text(mt.get("tone")))], None)
                    if m:
                        out.append(m)
        else:
            for f in _list(res.get("findings")):
                if not isinstance(f, Mapping):
                    continue
                label = f.get("technique") or f.get("label") or f.get("id") or f.get("name") or name
                keys = ("technique", "category", "device", "trigger", "confidence") if name == "rhetoric" else \
                    tuple(k for k in f if k not in ("start", "end", "text"))
                m = _mark(name, f, str(label), [(k, f.get(k)) for k in keys],
                          "confidence" if "confidence" in f else "score")
                if m:
                    out.append(m)
    return out


def _mark(layer: str, span: Any, label: str, details, strength_key: str | None) -> Mark | None:
    if not isinstance(span, Mapping):
        return None
    start, end = span.get("start"), span.get("end")
    if not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool):
        return None
    clean = tuple((str(k), _fmt(v)) for k, v in details if v not in (None, "", [], {}))
    strength = span.get(strength_key) if strength_key else None
    return Mark(layer, start, end, str(span.get("text") or ""), label, clean,
                float(strength) if isinstance(strength, (int, float)) and not isinstance(strength, bool) else None)


# --------------------------------------------------------------------------------------------
# Segmenting the text at every span boundary (overlaps stay readable)
# --------------------------------------------------------------------------------------------

def segments(text: str, marks: list[Mark]) -> list[tuple[int, int, list[int]]]:
    """``[(start, end, [mark indexes covering it])]`` covering the whole text, in order."""
    bounds = {0, len(text)}
    for m in marks:
        bounds.add(m.start)
        bounds.add(m.end)
    cuts = sorted(b for b in bounds if 0 <= b <= len(text))
    starts: dict[int, list[int]] = {}
    ends: dict[int, list[int]] = {}
    for i, m in enumerate(marks):
        starts.setdefault(m.start, []).append(i)
        ends.setdefault(m.end, []).append(i)
    active: set[int] = set()
    out = []
    for a, b in zip(cuts, cuts[1:]):
        active.difference_update(ends.get(a, ()))
        active.update(starts.get(a, ()))
        out.append((a, b, sorted(active)))
    return out


# --------------------------------------------------------------------------------------------
# Comparison and corpus aggregates
# --------------------------------------------------------------------------------------------

def comparison_rows(views: list[DocView]) -> dict[str, list[dict]]:
    """Per dimension, ``[{key, label, values: [per doc], spread}]`` sorted by spread, largest first.

    Frames: share of the frame evidence (%), else the score; actors and techniques: per 1000 words.
    """
    dims: dict[str, dict[str, list[float]]] = {"frames": {}, "actors": {}, "techniques": {}}
    labels: dict[tuple[str, str], str] = {}
    n = len(views)
    use_share = any(f["share"] for v in views for f in v.frames())
    for i, v in enumerate(views):
        for f in v.frames():
            value = 100.0 * f["share"] if use_share else f["score"]
            dims["frames"].setdefault(f["id"], [0.0] * n)[i] = value
        for a in v.actors():
            dims["actors"].setdefault(a["id"], [0.0] * n)[i] = _per_1000(a["count"], v.words)
            labels[("actors", a["id"])] = a["name"]
        for t, c in v.techniques():
            dims["techniques"].setdefault(t, [0.0] * n)[i] = _per_1000(c, v.words)
    out = {}
    for dim, table in dims.items():
        rows = [{"key": k, "label": labels.get((dim, k), k), "values": vals,
                 "spread": max(vals) - min(vals)} for k, vals in table.items() if any(vals)]
        rows.sort(key=lambda r: (-r["spread"], -max(r["values"]), r["label"]))
        out[dim] = rows
    return out


def _per_1000(count: float, words: int) -> float:
    return 1000.0 * count / words if words else float(count)


def item_counts(v: DocView) -> dict[str, Counter]:
    """Per dimension, item → count in this document (frame hits, actor mentions, techniques)."""
    frames = Counter({f["id"]: f["hits"] for f in v.frames() if f["hits"] and f["present"]})
    actors = Counter({a["name"]: a["count"] for a in v.actors() if a["count"]})
    techniques = Counter(dict(v.techniques()))
    return {"frames": frames, "actors": actors, "techniques": techniques}


def safe_url(value: Any) -> str | None:
    """Only http(s) links leave the report; ``javascript:`` and friends are dropped."""
    if isinstance(value, str) and re.match(r"^https?://[^\s\"'<>]+$", value.strip(), re.I):
        return value.strip()
    return None


# --------------------------------------------------------------------------------------------

def _dict(x: Any) -> dict:
    return dict(x) if isinstance(x, Mapping) else {}


def _list(x: Any) -> list:
    return list(x) if isinstance(x, (list, tuple)) else []


def _num(x: Any, default: float = 0.0) -> float:
    if isinstance(x, bool) or not isinstance(x, (int, float)) or (isinstance(x, float) and math.isnan(x)):
        return default
    return x


def _tone_text(tone: Any) -> str | None:
    if tone is None:
        return None
    if isinstance(tone, Mapping):
        label = tone.get("label") or tone.get("polarity")
        score = tone.get("score")
        if label is not None and isinstance(score, (int, float)):
            return f"{label} ({score:+.2f})"
        return str(label) if label is not None else ", ".join(f"{k}={_fmt(v)}" for k, v in tone.items())
    if isinstance(tone, float):
        return f"{tone:+.2f}"
    return str(tone)


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.2f}"
    if isinstance(v, (list, tuple)):
        return ", ".join(_fmt(x) for x in v)
    if isinstance(v, Mapping):
        return ", ".join(f"{k}={_fmt(x)}" for k, x in v.items())
    return str(v)


# --------------------------------------------------------------------------------------------
# Groups of documents (outlets) as one synthetic document, for the comparison
# --------------------------------------------------------------------------------------------

def merge_views(views: list[DocView], key) -> list[DocView]:
    """One :class:`DocView` per group (``key(view)`` → group name, e.g. :func:`outlet_of` of the meta):
    frame hits and weights, actor counts, co-occurrences and technique counts summed, words summed;
    frame shares recomputed within each kind. No text: a group has no single text to highlight."""
    groups: dict[str, list[DocView]] = {}
    for v in views:
        groups.setdefault(str(key(v) or "(unknown)"), []).append(v)
    out = []
    for i, (name, members) in enumerate(sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))):
        frames: dict[str, dict] = {}
        actors: dict[str, dict] = {}
        pairs: Counter = Counter()
        techniques: Counter = Counter()
        for v in members:
            raw = {str(f.get("id")): f for f in _list(_dict(v.results.get("framing")).get("frames"))
                   if isinstance(f, Mapping)}
            for f in v.frames():
                agg = frames.setdefault(f["id"], {"id": f["id"], "kind": f["kind"], "hits": 0, "weight": 0.0,
                                                  "docs": 0})
                agg["hits"] += f["hits"]
                agg["weight"] += _num(raw.get(f["id"], {}).get("weight"), f["hits"])
                agg["docs"] += bool(f["present"])
            for a in v.actors():
                agg = actors.setdefault(a["id"], {"id": a["id"], "name": a["name"], "kind": a["kind"], "count": 0})
                agg["count"] += a["count"]
            for a, b, n in v.cooccurrence():
                pairs[tuple(sorted((a, b)))] += n
            techniques.update(dict(v.techniques()))
        totals: Counter = Counter()
        for f in frames.values():
            totals[f["kind"]] += f["weight"]
        frame_list = []
        for f in frames.values():
            share = f["weight"] / totals[f["kind"]] if totals[f["kind"]] else 0.0
            frame_list.append({"id": f["id"], "kind": f["kind"], "score": float(f["hits"]), "hits": f["hits"],
                               "share": share, "present": f["docs"] > 0, "evidence": []})
        words = sum(v.words for v in members)
        kinds = list(dict.fromkeys(f["kind"] for f in frame_list))
        first_kind = [f for f in frame_list if kinds and f["kind"] == kinds[0] and f["share"] > 0]
        dominant = max(first_kind, key=lambda f: (f["share"], f["id"]))["id"] if first_kind else None
        results = {
            "framing": {"frames": frame_list, "dominant": dominant},
            "actors": {"actors": list(actors.values()),
                       "cooccurrence": [{"a": a, "b": b, "sentences": n} for (a, b), n in pairs.items()]},
            "rhetoric": {"findings": [], "profile": {"by_technique": dict(techniques),
                                                     "per_1000_words": 1000.0 * sum(techniques.values()) / words
                                                     if words else None}},
        }
        present = set().union(*(v.results.keys() for v in members)) if members else set()
        results = {k: r for k, r in results.items() if k in present}
        out.append(DocView(index=i, id=name, text=None, meta={"title": f"{name} ({len(members)} documents)"},
                           words=words, results=results, errors=[]))
    return out
