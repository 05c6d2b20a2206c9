"""The actors plugin's own tables and report panel: events and attitudes with all their fields.

The generic ``relations`` table and the report's relations network show who is linked to whom;
these add what only this analyzer has — the action class, negation, modality, the trigger and
the quoted source of an event, the evidence count of an attitude. Registered through the same
hooks a third-party plugin has (``kzmedia_register_tables``, ``kzmedia_register_report_panels``)
and built only from the plugin's own JSON or the public result model.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from kzmedia.report import Panel

__all__ = ["attitude_rows", "event_rows", "events_panel"]


def _result(analysis: Mapping) -> Mapping:
    return (analysis.get("results") or {}).get("actors") or {}


def event_rows(analysis: Mapping) -> Iterator[dict]:
    """One row per event: source, action, target, how it is held (negated, modality, quoted),
    its confidence, the clause (start, end, text) and the trigger words."""
    for ev in _result(analysis).get("events") or ():
        trigger = ev.get("trigger") or {}
        yield {"source": ev.get("source"), "action": ev.get("action"), "target": ev.get("target"),
               "negated": ev.get("negated"), "modality": ev.get("modality"), "quoted": ev.get("quoted"),
               "confidence": ev.get("confidence"), "start": ev.get("start"), "end": ev.get("end"),
               "text": ev.get("text"), "trigger": trigger.get("text"), "trigger_start": trigger.get("start"),
               "trigger_end": trigger.get("end")}


def attitude_rows(analysis: Mapping) -> Iterator[dict]:
    """One row per directed attitude: source, target, tone, how many spans back it, the first one."""
    for att in _result(analysis).get("attitudes") or ():
        evidence = att.get("evidence") or []
        first = evidence[0] if evidence else {}
        yield {"source": att.get("source"), "target": att.get("target"), "tone": att.get("tone"),
               "evidence": len(evidence), "start": first.get("start"), "end": first.get("end"),
               "text": first.get("text")}


def events_panel(model) -> Panel | None:
    """The document's events (relations of kind ``event`` in the result model), in text order."""
    rows = []
    for r in model.relations:
        extra = r.extra or {}
        if extra.get("kind") != "event":
            continue
        action = ("not " if extra.get("negated") else "") + r.label
        if extra.get("modality"):
            action += f" ({extra['modality']})"
        start = min((e.start for e in r.evidence), default=0)
        words = " … ".join(e.text for e in sorted(r.evidence, key=lambda e: e.start))
        rows.append((start, (r.source, action, r.target, r.score, words)))
    if not rows:
        return None
    rows.sort(key=lambda x: x[0])
    return Panel("actors: events", ("who", "does", "to whom", "confidence", "evidence"), [r for _, r in rows],
                 note="actor, action class and target from the clause; the evidence is the actor, "
                      "the trigger and the target as written")
