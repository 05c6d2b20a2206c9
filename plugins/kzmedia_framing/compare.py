"""Framing's sections of comparisons: frames asserted in one text and rejected in the other first; for groups, dominant frames and stances.

Registered through ``kzmedia_register_compare_sections``; the core's generic rows (findings per
label per 1,000 words) come alongside. Two texts: frames are ranked by the absolute difference
of their scores (weighted hits per 1,000 words), each with the evidence from both texts. Groups
(:class:`FramingGroups`): how often a frame is a document's dominant frame, and how often the
documents assert or reject it — what the per-label rates, which count asserted findings only,
cannot say.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping

from kzmedia.comparison import strongest

KINDS = ("domain", "generic", "custom")


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


class FramingSection:
    """The frames of two framing results, opposed frames first, then by the size of the difference."""

    def __init__(self, results: list[Mapping], evidence: int | None = 5):
        self.results, self.evidence = results, evidence
        by_id = [{f["id"]: f for f in r.get("frames", ())} for r in results]
        ids = list(dict.fromkeys([*by_id[0], *by_id[1]]))
        self.frames = [FrameDifference(i, (by_id[0].get(i) or by_id[1].get(i)).get("kind", "custom"),
                                       by_id[0].get(i), by_id[1].get(i)) for i in ids]
        self.frames.sort(key=lambda d: (d.opposed is None, -abs(d.difference), d.kind != "domain", d.id))

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

    def to_dict(self) -> dict:
        a, b = self.results
        return {"lexicon_version": {"a": a.get("lexicon_version"), "b": b.get("lexicon_version")},
                "dominant": {"a": a.get("dominant"), "b": b.get("dominant")},
                "dominant_generic": {"a": a.get("dominant_generic"), "b": b.get("dominant_generic")},
                "frames": [d.to_dict(self.evidence) for d in self.frames]}

    def lines(self, top: int = 8) -> list[str]:
        a, b = self.results
        lines = [f"dominant frame: A {a.get('dominant') or '—'}, B {b.get('dominant') or '—'}",
                 "frame scores (weighted hits per 1,000 words), frames asserted in one text and rejected "
                 "in the other first, then the largest differences:"]
        for kind in KINDS:
            diffs = self.differences(kind, top=top)
            if not diffs:
                continue
            lines.append(f"  {kind}:")
            lines.append(f"    {'frame':<46} {'A':>7} {'B':>7} {'A-B':>8}")
            for d in diffs:
                opposed = {"a": "  asserted in A, rejected in B",
                           "b": "  asserted in B, rejected in A"}.get(d.opposed, "")
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
        return lines


def section(comparison) -> FramingSection:
    """``kzmedia_register_compare_sections`` factory: framing's section of ``comparison``."""
    return FramingSection([a.result("framing") for a in comparison.analyses], comparison.evidence)


# --- groups of documents ----------------------------------------------------------------------

#: a frame's stances that a group's share of documents is given for
STANCES = ("asserted", "rejected")


def _percent(n: int, total: int) -> float:
    return round(100.0 * n / total, 1) if total else 0.0


class FramingGroups:
    """Accumulates framing results per group (``add``), then makes the section of a group comparison."""

    def __init__(self):
        self.documents: Counter = Counter()
        self.dominant: dict[str, dict[str, Counter]] = {"dominant": defaultdict(Counter),
                                                         "dominant_generic": defaultdict(Counter)}
        self.stances: dict[str, Counter] = defaultdict(Counter)
        self.kinds: dict[str, str] = {}

    def add(self, group: str, result: Mapping) -> None:
        self.documents[group] += 1
        for key, counts in self.dominant.items():
            counts[group][result.get(key)] += 1  # None: no frame dominates the document
        for f in result.get("frames") or ():
            self.kinds.setdefault(f["id"], f.get("kind", "custom"))
            if f.get("stance") in STANCES:
                self.stances[group][(f["id"], f["stance"])] += 1

    def section(self, comparison) -> FramingGroupSection | None:
        groups = [g for g in comparison.groups if self.documents[g]]
        return FramingGroupSection(self, groups) if groups else None


class FramingGroupSection:
    """Per compared group, % of its framed documents: with each frame dominant, and asserting or
    rejecting each frame; frames whose shares differ most between the groups first."""

    def __init__(self, acc: FramingGroups, groups: list[str]):
        self.groups = {g: acc.documents[g] for g in groups}
        self.dominant = {}
        for key, counts in acc.dominant.items():
            frames = {f for g in groups for f in counts[g] if f is not None}
            rows = [{"frame": f, "kind": acc.kinds.get(f, "custom"),
                     "documents": {g: _percent(counts[g][f], self.groups[g]) for g in groups}} for f in frames]
            self.dominant[key] = sorted(rows, key=lambda r: (-_spread(r["documents"]), r["frame"]))
        frames = {f for g in groups for (f, _stance) in acc.stances[g]}
        self.stances = sorted(
            ({"frame": f, "kind": acc.kinds.get(f, "custom"),
              **{st: {g: _percent(acc.stances[g][(f, st)], self.groups[g]) for g in groups} for st in STANCES}}
             for f in frames),
            key=lambda r: (-_spread({g: r["asserted"][g] - r["rejected"][g] for g in groups}),
                           -max(r["rejected"].values()), r["frame"]))

    def to_dict(self) -> dict:
        return {"documents": self.groups, "unit": "% of the group's documents", **self.dominant,
                "stances": self.stances}

    def lines(self, top: int = 8) -> list[str]:
        groups = list(self.groups)
        head = f"    {'frame':<40}" + "".join(f" {g[:18]:>18}" for g in groups)
        out = ["framed documents: " + ", ".join(f"{g} {n}" for g, n in self.groups.items())]
        for key, what in (("dominant", "dominant domain frame"), ("dominant_generic", "dominant generic frame")):
            rows = self.dominant[key][:top]
            if rows:
                out += [f"  {what} (% of documents), the largest difference first:", head]
                out += [f"    {r['frame'][:40]:<40}" + "".join(f" {r['documents'][g]:>18.0f}" for g in groups)
                        for r in rows]
        if self.stances:
            out += ["  documents asserting / rejecting the frame (%), the largest difference first:", head]
            for r in self.stances[:top]:
                cells = "".join(f" {f'{r[STANCES[0]][g]:.0f} / {r[STANCES[1]][g]:.0f}':>18}" for g in groups)
                out.append(f"    {r['frame'][:40]:<40}{cells}")
        return out


def _spread(values: Mapping[str, float]) -> float:
    return max(values.values()) - min(values.values()) if values else 0.0
