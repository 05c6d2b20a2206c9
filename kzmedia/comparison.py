"""Two texts side by side: frame profiles, the frames that differ most, actors and techniques.

``kzmedia.compare(a, b)`` accepts :class:`~kzmedia.Document` objects, plain strings or finished
:class:`~kzmedia.Analysis` objects (e.g. rebuilt with ``Analysis.from_dict``) and returns a
:class:`Comparison`. Frames are ranked by the absolute difference of their scores (weighted hits
per 1,000 words), each with the evidence from both texts, so a reader can check why they differ.
Actor counts and technique densities are added when the ``actors`` / ``rhetoric`` results exist.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .document import Document
from .errors import KzmediaError
from .pipeline import Analysis, Pipeline

__all__ = ["Comparison", "FrameDifference", "compare"]


class FrameDifference:
    """One frame in both texts: ``a`` and ``b`` are the framing result's frame entries."""

    __slots__ = ("id", "kind", "a", "b")

    def __init__(self, id: str, kind: str, a: Mapping | None, b: Mapping | None):
        self.id, self.kind, self.a, self.b = id, kind, a or {}, b or {}

    @property
    def difference(self) -> float:
        """Score of text A minus score of text B (per 1,000 words)."""
        return float(self.a.get("score", 0.0)) - float(self.b.get("score", 0.0))

    @property
    def opposed(self) -> str | None:
        """``"a"`` when text A asserts the frame and text B rejects it (the frame's ``stance``
        in the framing result), ``"b"`` the other way round, else None: listed first."""
        sa, sb = self.a.get("stance"), self.b.get("stance")
        if sa == "asserted" and sb == "rejected":
            return "a"
        if sb == "asserted" and sa == "rejected":
            return "b"
        return None

    def to_dict(self, evidence: int | None = 5) -> dict:
        def side(f: Mapping) -> dict:
            rejected = f.get("rejected") or {}
            return {"score": f.get("score", 0.0), "hits": f.get("hits", 0), "share": f.get("share", 0.0),
                    "present": bool(f.get("present", False)), "rank": f.get("rank"),
                    "stance": f.get("stance"), "evidence": strongest(f.get("evidence", ()), evidence),
                    "rejected_score": rejected.get("score", 0.0),
                    "rejected_evidence": strongest(rejected.get("evidence", ()), evidence)}

        return {"id": self.id, "kind": self.kind, "difference": round(self.difference, 3), "opposed": self.opposed,
                "abs_difference": round(abs(self.difference), 3),
                "higher": "a" if self.difference > 0 else "b" if self.difference < 0 else None,
                "a": side(self.a), "b": side(self.b)}


class Comparison:
    """The result of :func:`compare`; :meth:`to_dict` is the JSON printed by ``kzmedia compare``."""

    def __init__(self, analyses: Sequence[Analysis], labels: Sequence[str], *, evidence: int | None = 5):
        self.analyses = list(analyses)
        self.labels = list(labels)
        self.evidence = evidence
        framing = [_result(a, "framing") for a in self.analyses]
        if any(f is None for f in framing):
            missing = [lab for lab, f in zip(self.labels, framing) if f is None]
            raise KzmediaError(f"compare needs the 'framing' result for every text; missing for {', '.join(missing)}")
        self.framing = framing
        by_id = [{f["id"]: f for f in fr.get("frames", ())} for fr in framing]
        ids = list(dict.fromkeys([*by_id[0], *by_id[1]]))
        kinds = {fid: (by_id[0].get(fid) or by_id[1].get(fid)).get("kind", "custom") for fid in ids}
        self.frames = [FrameDifference(fid, kinds[fid], by_id[0].get(fid), by_id[1].get(fid)) for fid in ids]
        # a frame one text asserts and the other rejects first, then by the size of the difference
        self.frames.sort(key=lambda d: (d.opposed is None, -abs(d.difference), d.kind != "domain", d.id))

    # -- views ------------------------------------------------------------------------------
    def frame(self, frame_id: str) -> FrameDifference:
        for d in self.frames:
            if d.id == frame_id:
                return d
        raise KeyError(frame_id)

    def differences(self, kind: str | None = None, *, top: int | None = None) -> list[FrameDifference]:
        """Frames of ``kind`` (all kinds by default): those asserted in one text and rejected in
        the other first, then by decreasing absolute difference."""
        out = [d for d in self.frames if kind is None or d.kind == kind]
        return out[:top] if top else out

    def actors(self) -> list[dict] | None:
        """Actor mention counts side by side (None unless both texts have an ``actors`` result)."""
        results = [_result(a, "actors") for a in self.analyses]
        if any(r is None for r in results):
            return None
        counts = [{x["id"]: int(x.get("count", 0)) for x in r.get("actors", ()) if "id" in x} for r in results]
        ids = list(dict.fromkeys([*counts[0], *counts[1]]))
        rows = [{"id": i, "a": counts[0].get(i, 0), "b": counts[1].get(i, 0),
                 "difference": counts[0].get(i, 0) - counts[1].get(i, 0)} for i in ids]
        rows.sort(key=lambda r: (-abs(r["difference"]), -(r["a"] + r["b"]), r["id"]))
        return rows

    def rhetoric(self) -> dict | None:
        """Technique densities (findings per 1,000 words) side by side, or None without ``rhetoric``."""
        results = [_result(a, "rhetoric") for a in self.analyses]
        if any(r is None for r in results):
            return None
        profiles = [r.get("profile") or {} for r in results]
        words = [max(1, _words(a)) for a in self.analyses]
        dens = [{t: round(1000.0 * float(n) / w, 2) for t, n in (p.get("by_technique") or {}).items()}
                for p, w in zip(profiles, words)]
        ids = list(dict.fromkeys([*dens[0], *dens[1]]))
        rows = [{"id": t, "a": dens[0].get(t, 0.0), "b": dens[1].get(t, 0.0),
                 "difference": round(dens[0].get(t, 0.0) - dens[1].get(t, 0.0), 2)} for t in ids]
        rows.sort(key=lambda r: (-abs(r["difference"]), r["id"]))
        return {"per_1000_words": {"a": profiles[0].get("per_1000_words", 0.0),
                                   "b": profiles[1].get("per_1000_words", 0.0)},
                "techniques": rows}

    def to_dict(self) -> dict:
        docs = []
        for label, a in zip(self.labels, self.analyses):
            info = a.to_dict()["document"]
            docs.append({"label": label, "id": info["id"], "words": info["words"]})
        out = {
            "documents": {"a": docs[0], "b": docs[1]},
            "lexicon_version": {"a": self.framing[0].get("lexicon_version"),
                                "b": self.framing[1].get("lexicon_version")},
            "dominant": {"a": self.framing[0].get("dominant"), "b": self.framing[1].get("dominant")},
            "dominant_generic": {"a": self.framing[0].get("dominant_generic"),
                                 "b": self.framing[1].get("dominant_generic")},
            "frames": [d.to_dict(self.evidence) for d in self.frames],
        }
        actors = self.actors()
        if actors is not None:
            out["actors"] = actors
        rhetoric = self.rhetoric()
        if rhetoric is not None:
            out["rhetoric"] = rhetoric
        return out

    def table(self, top: int = 8) -> str:
        """A plain-text summary (``kzmedia compare --format table``)."""
        a, b = self.to_dict()["documents"]["a"], self.to_dict()["documents"]["b"]
        lines = [f"A = {a['label']} ({a['words']} words)", f"B = {b['label']} ({b['words']} words)",
                 "frame scores (weighted hits per 1,000 words), largest differences first:"]
        for kind in ("domain", "generic", "custom"):
            diffs = self.differences(kind, top=top)
            if not diffs:
                continue
            lines.append(f"  {kind}:")
            lines.append(f"    {'frame':<46} {'A':>7} {'B':>7} {'A-B':>8}")
            for d in diffs:
                opposed = {"a": "  asserted in A, rejected in B", "b": "  asserted in B, rejected in A"}.get(d.opposed, "")
                lines.append(f"    {d.id:<46} {d.a.get('score', 0):>7.1f} {d.b.get('score', 0):>7.1f} "
                             f"{d.difference:>+8.1f}{opposed}")
                for side, f in (("A", d.a), ("B", d.b)):
                    ev = [e["text"] for e in strongest(f.get("evidence", ()), 4)]
                    if ev:
                        lines.append(f"      {side}: " + "; ".join(f"«{t}»" for t in ev))
                    rej = [f"«{e['text']}» ({e.get('stance')})"
                           for e in strongest((f.get("rejected") or {}).get("evidence", ()), 3)]
                    if rej and d.opposed:
                        lines.append(f"      {side} rejects: " + "; ".join(rej))
        actors = self.actors()
        if actors:
            lines.append("actors (mentions, A vs B): " + ", ".join(
                f"{r['id']} {r['a']}/{r['b']}" for r in actors[:10]))
        rhetoric = self.rhetoric()
        if rhetoric is not None:
            p = rhetoric["per_1000_words"]
            lines.append(f"rhetoric: {p['a']} vs {p['b']} findings per 1,000 words")
            for r in rhetoric["techniques"][:6]:
                lines.append(f"    {r['id']:<40} {r['a']:>7.1f} {r['b']:>7.1f}")
        return "\n".join(lines)


def strongest(evidence, n: int | None) -> list[dict]:
    """The ``n`` heaviest hits (all when ``n`` is None), back in text order."""
    ev = list(evidence)
    if n is None or len(ev) <= n:
        return ev
    keep = sorted(range(len(ev)), key=lambda i: (-float(ev[i].get("weight", 0)), i))[:n]
    return [ev[i] for i in sorted(keep)]


def _result(analysis: Analysis, name: str) -> dict | None:
    if name not in analysis.results:
        return None
    return analysis.result(name)


def _words(analysis: Analysis) -> int:
    return int(analysis.to_dict()["document"].get("words") or 0)


def _to_analysis(item: Any, pipeline: Pipeline | None, analyzers) -> tuple[Analysis, Pipeline | None]:
    if isinstance(item, Analysis):
        return item, pipeline
    if isinstance(item, Mapping) and "results" in item and "document" in item:
        return Analysis.from_dict(item), pipeline
    if isinstance(item, str):
        item = Document.from_text(item)
    if not isinstance(item, Document):
        raise TypeError(f"compare() takes Documents, strings or Analysis objects, not {type(item).__name__}")
    if pipeline is None:
        pipeline = Pipeline(analyzers)
    return pipeline.analyze(item), pipeline


def compare(doc_a: Any, doc_b: Any, *, pipeline: Pipeline | None = None,
            analyzers: Sequence[str] | None = None, labels: Sequence[str] | None = None,
            evidence: int | None = 5) -> Comparison:
    """Compare two texts; see :class:`Comparison`.

    ``pipeline``: reuse a :class:`~kzmedia.Pipeline` for documents and strings (default: a new one
    with ``analyzers``, every installed analyzer when None). ``labels``: names for the two texts
    (default: the document ids). ``evidence``: how many hits per frame and text to keep (None = all).
    """
    a, pipeline = _to_analysis(doc_a, pipeline, analyzers)
    b, pipeline = _to_analysis(doc_b, pipeline, analyzers)
    if labels is None:
        labels = (a.document_id, b.document_id)
    if len(labels) != 2:
        raise ValueError("labels must name exactly two texts")
    return Comparison([a, b], labels, evidence=evidence)
